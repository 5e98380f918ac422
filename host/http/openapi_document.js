// The OpenAPI document of our own endpoints, served at /api/openapi.json (docs/http-api.md in prose).
// Its version is package.json's (the one place the version is defined).
import packageJson from '../../package.json' with { type: 'json' };

const tenantParam = { name: 'tenant_id', in: 'query', required: true, description: 'the tenant UUID or slug (1–100 characters, no control characters)', schema: { type: 'string', minLength: 1, maxLength: 100 } };
const ticketParam = { name: 'ticket', in: 'query', required: false, description: 'single-use stream ticket (EventSource) issued for this URL\'s purpose', schema: { type: 'string', maxLength: 200 } };
const error = { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } };
const errors = {
  401: { description: 'no, unknown, expired or revoked credential', content: { 'application/json': { schema: error } } },
  403: { description: 'a credential for another tenant', content: { 'application/json': { schema: error } } },
  404: { description: 'unknown tenant', content: { 'application/json': { schema: error } } },
};
const fieldError = { ...error, properties: { ...error.properties, field: { type: 'string', description: 'the field at fault (400)' } } };
// Every staff endpoint: a credential in the URL, or a query parameter its schema refuses.
errors[400] = { description: 'credential_in_url; missing_tenant or invalid_parameter with `field` naming the parameter', content: { 'application/json': { schema: fieldError } } };
const json = (schema) => ({ 'application/json': { schema } });
const nullable = (type) => ({ type: [type, 'null'] });
const room = {
  type: 'object',
  properties: {
    position: { type: 'integer' }, unit_name: nullable('string'), mphb_accommodation_id: nullable('integer'), type_name: nullable('string'),
    mphb_type_id: nullable('integer'), bed_type: nullable('string'), size_m2: nullable('number'), view: nullable('string'),
    capacity: nullable('integer'), adults: { type: 'integer' }, children: { type: 'integer' }, guest_name: nullable('string'), is_placeholder: { type: 'boolean' },
  },
};
const stay = {
  type: 'object',
  description: 'The guest\'s stay, read fresh from the database; missing data is null. Rooms in position order.',
  properties: {
    tenant_id: { type: 'string' }, hotel_name: nullable('string'), reservation_id: { type: 'string' }, booking_id: { type: 'integer' },
    status: { type: 'string', enum: ['active', 'pending_admin', 'pending', 'pending_payment', 'cancelled', 'inactive'] },
    guest_name: nullable('string'), check_in_date: { type: 'string', format: 'date' }, check_out_date: { type: 'string', format: 'date' },
    check_in_time: nullable('string'), check_out_time: nullable('string'), nights: nullable('integer'), adults: { type: 'integer' },
    children: { type: 'integer' }, guests: { type: 'integer' }, room_count: { type: 'integer' }, rooms: { type: 'array', items: room },
  },
};
const answer = {
  type: 'object',
  properties: {
    answered: { type: 'boolean' },
    intent: { type: ['string', 'null'], enum: ['room_unit', 'room_type', 'room_count', 'check_in', 'check_out', 'stay_dates', 'nights', 'guests', 'bed_type', 'size', 'view', 'capacity', 'status', null] },
    language: { type: 'string', enum: ['es', 'en'] },
    answer: nullable('string'),
    facts: { type: 'object', description: 'the exact values the answer used' },
    context: { type: 'string', description: 'a compact text of the stay, to ground a chat model when answered is false' },
  },
};
const guestErrors = {
  400: { description: 'bad input; `field` names it', content: json(fieldError) },
  401: { description: 'no, invalid or expired guest token (unauthenticated, invalid_token, token_expired, unknown_reservation)', content: json(error) },
  403: { description: 'forbidden_tenant: the token is for another hotel than ?tenant_id=', content: json(error) },
};
const repairRow = {
  type: 'object',
  description: 'One row the repair writes: only the columns that change (the whole row when inserted or deleted), values as PostgreSQL stores them.',
  properties: {
    booking_id: nullable('integer'), mphb_id: { type: ['integer', 'null'], description: 'the MotoPress accommodation or type id (rows of accommodation tables)' },
    table: { type: 'string', enum: ['accommodation_types', 'accommodation_units', 'guest_reservations', 'reservation_accommodations', 'calendar_blocks'] },
    id: { type: 'string', format: 'uuid' }, position: nullable('integer'), change: { type: 'string', enum: ['insert', 'update', 'delete'] },
    reason: { type: 'array', items: { type: 'string' }, description: 'invariant names (e.g. "I1 no-null-unit"), hash_mismatch, missing, content_drift, gone_upstream, placeholder' },
    before: { type: ['object', 'null'] }, after: { type: ['object', 'null'] },
  },
};
const repairReport = {
  type: 'object',
  properties: {
    tenant: { type: 'object', properties: { tenant_id: { type: 'string' }, slug: { type: 'string' } } },
    mode: { type: 'string', enum: ['dry_run', 'apply'] },
    status: { type: 'string', enum: ['clean', 'problems_found', 'repaired', 'incomplete'] },
    run_id: { type: ['string', 'null'], description: 'the sync_runs row (kind repair) of an applied repair' },
    now: { type: 'string', format: 'date-time' },
    bookings: { type: 'array', items: { type: 'object', properties: { booking_id: { type: 'integer' }, reason: { type: 'array', items: { type: 'string' } }, action: { type: 'string', enum: ['rewrite', 'mark_gone'] }, tables: { type: 'array', items: { type: 'string' } } } } },
    accommodations: { type: 'array', items: { type: 'object', properties: { table: { type: 'string' }, mphb_id: { type: 'integer' }, reason: { type: 'array', items: { type: 'string' } }, action: { type: 'string', enum: ['rewrite', 'deactivate'] } } } },
    rows: { type: 'array', items: repairRow },
    unrepairable: { type: 'array', items: { type: 'object', properties: { booking_id: nullable('integer'), mphb_id: nullable('integer'), table: nullable('string'), reason: { type: 'array', items: { type: 'string' } }, message: { type: 'string' } } } },
    counts: { type: 'object' },
    warnings: { type: 'array', items: { type: 'object' } },
  },
};
const nullableNumber = { type: ['number', 'null'] };
const queueFigures = { type: 'object', properties: { depth: { type: 'integer' }, running: { type: 'integer' }, retrying: { type: 'integer' }, deferred: { type: 'integer' }, dead_letters: { type: 'integer' } } };
const fleetStatusSchema = {
  type: 'object',
  required: ['generated_at', 'queue_ready', 'queue', 'repair_queue', 'lag_seconds', 'totals', 'tenants'],
  properties: {
    generated_at: { type: 'string', format: 'date-time' },
    queue_ready: { type: 'boolean', description: 'false until the first worker created the queue' },
    queue: { ...queueFigures, description: 'the sync_all queue (scheduled syncs)' },
    repair_queue: { ...queueFigures, description: 'the repair queue (repairs on request)' },
    lag_seconds: { type: 'object', properties: { p50: nullableNumber, p99: nullableNumber, samples: { type: 'integer' }, window_seconds: { type: 'integer' } } },
    totals: { type: 'object', properties: { tenants: { type: 'integer' }, scheduled: { type: 'integer' }, paused: { type: 'integer' }, stale: { type: 'integer' }, failing: { type: 'integer' }, with_dead_letters: { type: 'integer' } } },
    tenants: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          tenant_id: { type: 'string', format: 'uuid' }, slug: { type: 'string' }, enabled: { type: 'boolean' }, interval_seconds: { type: ['integer', 'null'] },
          state: { type: 'string', enum: ['idle', 'queued', 'retrying', 'running'] },
          repair_state: { type: 'string', enum: ['idle', 'queued', 'retrying', 'running'] },
          last_success_at: { type: ['string', 'null'], format: 'date-time' }, last_success_age_seconds: { type: ['integer', 'null'] },
          stale: { type: 'boolean', description: 'scheduled, and the last success is older than 3× the interval' },
          failures_24h: { type: 'integer' }, last_error_code: { type: ['string', 'null'] },
          dead_letters: { type: 'integer', description: 'dead letters (both queues) newer than the last successful Sync All' },
        },
      },
    },
  },
};
const sse = { description: 'Server-Sent Events: progress | warning | complete | error, each with id <run_id>:<seq>', content: { 'text/event-stream': { schema: { type: 'string' } } } };

export const openApiDocument = {
  openapi: '3.1.0',
  info: { title: 'mphb-sync', version: packageJson.version, description: 'MotoPress Hotel Booking → Postgres sync: staff and guest endpoints. See docs/http-api.md.' },
  components: {
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', description: 'staff token (mst_…) or platform JWT with tenant_id and role' },
      guestBearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'guest token from /api/guest/login (tenant, reservation, expiry only)' },
      platformBearer: { type: 'http', scheme: 'bearer', description: 'platform token (mpt_…, `mphb-sync token create --platform`) or platform JWT with role platform_admin' },
    },
    schemas: { Error: error, FieldError: fieldError, Stay: stay, Answer: answer, RepairReport: repairReport, FleetStatus: fleetStatusSchema },
  },
  security: [{ bearer: [] }],
  paths: {
    '/api/integrations/motopress/stream-ticket': {
      post: {
        summary: 'A single-use, 60 s ticket for one SSE URL: purpose sync-all (GET …/sync-all) or events of one run (GET …/runs/{run_id}/events)',
        parameters: [tenantParam,
          { name: 'purpose', in: 'query', required: false, schema: { type: 'string', enum: ['sync-all', 'events'], default: 'sync-all' }, description: 'the URL the ticket opens' },
          { name: 'run_id', in: 'query', required: false, schema: { type: 'string', format: 'uuid' }, description: 'the run (purpose events only, required there)' }],
        responses: { 200: { description: '{ticket, expires_in, purpose, run_id?}' }, ...errors, 404: { description: 'unknown_tenant, or unknown_run (purpose events)', content: json(error) } },
      },
    },
    '/api/integrations/motopress/sync': { post: { summary: 'Sync accommodation types and accommodations', parameters: [tenantParam], responses: { 200: { description: '{run_id, status, counts, warnings}' }, 409: { description: 'already running' }, 502: { description: 'MotoPress failed' }, ...errors } } },
    '/api/integrations/motopress/sync-all': {
      post: { summary: 'Sync All, streamed as SSE: incremental (bookings modified since the last complete pass) when the tenant allows, else full', parameters: [tenantParam, { name: 'full', in: 'query', required: false, schema: { type: 'string', enum: ['true', '1', 'false', '0'], default: 'false' }, description: 'list every booking and reconcile' }], responses: { 200: sse, 409: { description: 'already running' }, ...errors } },
      get: { summary: 'Sync All, streamed as SSE (EventSource): starts only by redeeming a ticket of purpose sync-all (issued by POST …/stream-ticket)', security: [], parameters: [tenantParam, ticketParam], responses: { 200: sse, 409: { description: 'already running' }, 405: { description: 'method_not_allowed: a bearer and no ticket (use POST)', content: json(error) }, ...errors } },
    },
    '/api/integrations/motopress/runs/{run_id}/events': { get: { summary: "A run's events after Last-Event-ID, then live", parameters: [tenantParam, ticketParam, { name: 'run_id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }, { name: 'last_event_id', in: 'query', required: false, schema: { type: 'string', maxLength: 200 } }], responses: { 200: sse, ...errors } } },
    '/api/integrations/motopress/runs': { get: { summary: 'Recent runs of a tenant', parameters: [tenantParam, { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200 } }], responses: { 200: { description: '{tenant, runs}: each run with counts (counts.pass: full or incremental, requests, bytes) and stats (per stage: ms, requests, bytes; total_ms)' }, ...errors } } },
    '/api/guest/login': {
      post: {
        summary: 'Guest login: check-in date and the phone\'s last 4 digits, or the reservation code',
        security: [],
        parameters: [tenantParam],
        requestBody: { required: true, content: json({ type: 'object', required: ['check_in_date'], properties: { check_in_date: { type: 'string', format: 'date' }, phone_last_4: { type: 'string', pattern: '^[0-9]{4}$' }, reservation_code: { type: 'string', maxLength: 64 } } }) },
        responses: {
          200: { description: 'logged in', content: json({ type: 'object', properties: { token: { type: 'string' }, expires_at: { type: 'string', format: 'date-time' }, reservation_id: { type: 'string' } } }) },
          400: { description: 'bad input; `field` names it', content: json(fieldError) },
          401: { description: 'invalid_credentials (a wrong pair and an unknown tenant alike)', content: json(error) },
          403: { description: 'stay_ended: check-out was more than 7 days ago', content: json(error) },
          409: { description: 'ambiguous: two active reservations match; add reservation_code', content: json(error) },
          429: { description: 'too_many_attempts; Retry-After says when to try again', content: json(error) },
        },
      },
    },
    '/api/guest/my-stay': { get: { summary: 'The guest\'s stay: dates, status and every room', security: [{ guestBearer: [] }], parameters: [{ ...tenantParam, required: false, description: 'optional: must be the token\'s hotel' }], responses: { 200: { description: 'the stay', content: json(stay) }, ...guestErrors } } },
    '/api/guest/ask': { post: { summary: 'Answer a question about the stay (es or en)', security: [{ guestBearer: [] }], requestBody: { required: true, content: json({ type: 'object', required: ['question'], properties: { question: { type: 'string', maxLength: 1000 } } }) }, responses: { 200: { description: 'the answer', content: json(answer) }, ...guestErrors } } },
    '/my-stay': { get: { summary: 'The guest page (HTML): log in, see the stay, ask', security: [], parameters: [{ name: 'tenant', in: 'query', required: true, schema: { type: 'string' }, description: 'the hotel\'s slug' }], responses: { 200: { description: 'text/html' } } } },
    '/api/integrations/motopress/repair': {
      post: {
        summary: 'Repair the tenant\'s rows that break an invariant or disagree with MotoPress (admin only): a dry run unless apply=true',
        parameters: [tenantParam, { name: 'apply', in: 'query', required: false, schema: { type: 'string', enum: ['true', 'false', '1', '0'] }, description: 'true: write the repair in one transaction (default: the dry run, nothing written)' }],
        responses: {
          200: { description: 'the report (the dry run, or what was written)', content: json(repairReport) },
          400: { description: 'credential_in_url; invalid_parameter (apply, tenant_id), missing_tenant', content: json(fieldError) },
          401: errors[401],
          403: { description: 'forbidden_tenant: another tenant\'s credential; forbidden_role: not an admin', content: json(error) },
          404: errors[404],
          409: { description: 'already_running: a sync of the tenant holds its lock', content: json(error) },
          500: { description: 'database_error or lock_lost; nothing was written', content: json(error) },
          502: { description: 'MotoPress failed (motopress_error, motopress_unauthorized, accommodations_failed, unresolved_units); nothing was written', content: json(error) },
        },
      },
    },
    '/api/fleet/status': {
      get: {
        summary: 'The fleet: queue depth, running jobs, lag (due → started) p50/p99, failures and dead letters per tenant, last success age, stale tenants',
        security: [{ platformBearer: [] }],
        responses: {
          200: { description: 'the same document as `mphb-sync fleet status --json`', content: json(fleetStatusSchema) },
          400: { description: 'credential_in_url', content: json(error) },
          401: { description: 'unauthenticated', content: json(error) },
          403: { description: 'forbidden_role: a tenant\'s staff credential', content: json(error) },
        },
      },
    },
    '/api/integrations/motopress/health': { get: { summary: 'The monitor: invariants I1–I7 for the tenant', parameters: [tenantParam], responses: { 200: { description: '{ok, tenant}' }, ...errors } } },
    '/api/integrations/motopress/preview/source': {
      get: {
        summary: "The bytes of a dry-run preview, fetched and signed server-side (never the tenant's keys): the stored state, then what MotoPress answers, as frames",
        parameters: [tenantParam],
        responses: {
          200: { description: 'application/x-mphb-preview-frames: frames of one JSON header line ({frame: start|accommodation_types|accommodations|page|end|error, …, length}) and `length` bytes of body', content: { 'application/x-mphb-preview-frames': { schema: { type: 'string', format: 'binary' } } } },
          429: { description: 'rate_limited or preview_running (Retry-After)' }, ...errors,
        },
      },
    },
    '/api/integrations/motopress/preview/record': {
      get: {
        summary: 'One MotoPress record the preview asks for: a unit the database lacks, or a booking missing from the pass',
        parameters: [tenantParam, { name: 'collection', in: 'query', required: true, schema: { type: 'string', enum: ['accommodations', 'bookings'] } },
          { name: 'id', in: 'query', required: true, schema: { type: 'integer', minimum: 1 } }],
        responses: { 200: { description: '{collection, id, status, body}: status 200 with the record, or 404 (body null)' }, 429: { description: 'rate_limited (Retry-After)' }, 502: { description: 'MotoPress failed' }, ...errors },
      },
    },
  },
};
