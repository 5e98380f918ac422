// The OpenAPI document of our own endpoints, served at /api/openapi.json (docs/http-api.md in prose).
const tenantParam = { name: 'tenant_id', in: 'query', required: true, description: 'the tenant UUID or slug', schema: { type: 'string' } };
const ticketParam = { name: 'ticket', in: 'query', required: false, description: 'single-use stream ticket (EventSource)', schema: { type: 'string' } };
const error = { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } };
const errors = {
  401: { description: 'no, unknown, expired or revoked credential', content: { 'application/json': { schema: error } } },
  403: { description: 'a credential for another tenant', content: { 'application/json': { schema: error } } },
  404: { description: 'unknown tenant', content: { 'application/json': { schema: error } } },
};
const sse = { description: 'Server-Sent Events: progress | warning | complete | error, each with id <run_id>:<seq>', content: { 'text/event-stream': { schema: { type: 'string' } } } };

export const openApiDocument = {
  openapi: '3.1.0',
  info: { title: 'mphb-sync', version: '0.1.0', description: 'MotoPress Hotel Booking → Postgres sync: staff endpoints. See docs/http-api.md.' },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'staff token (mst_…) or platform JWT with tenant_id and role' } },
    schemas: { Error: error },
  },
  security: [{ bearer: [] }],
  paths: {
    '/api/integrations/motopress/stream-ticket': { post: { summary: 'A single-use, 60 s ticket for an SSE URL', parameters: [tenantParam], responses: { 200: { description: '{ticket, expires_in}' }, ...errors } } },
    '/api/integrations/motopress/sync': { post: { summary: 'Sync accommodation types and accommodations', parameters: [tenantParam], responses: { 200: { description: '{run_id, status, counts, warnings}' }, 409: { description: 'already running' }, 502: { description: 'MotoPress failed' }, ...errors } } },
    '/api/integrations/motopress/sync-all': {
      post: { summary: 'Sync All, streamed as SSE', parameters: [tenantParam], responses: { 200: sse, 409: { description: 'already running' }, ...errors } },
      get: { summary: 'Sync All, streamed as SSE (EventSource, with a ticket)', security: [], parameters: [tenantParam, ticketParam], responses: { 200: sse, 409: { description: 'already running' }, ...errors } },
    },
    '/api/integrations/motopress/runs/{run_id}/events': { get: { summary: "A run's events after Last-Event-ID, then live", parameters: [tenantParam, ticketParam, { name: 'run_id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }, { name: 'last_event_id', in: 'query', required: false, schema: { type: 'string' } }], responses: { 200: sse, ...errors } } },
    '/api/integrations/motopress/runs': { get: { summary: 'Recent runs of a tenant', parameters: [tenantParam, { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200 } }], responses: { 200: { description: '{tenant, runs}' }, ...errors } } },
    '/api/integrations/motopress/health': { get: { summary: 'The monitor: invariants I1–I7 for the tenant', parameters: [tenantParam], responses: { 200: { description: '{ok, tenant}' }, ...errors } } },
  },
};
