// The inputs of the HTTP endpoints, checked at the edge with valibot (through Hono's validator) before any
// handler, database or core sees them: a bad value is 400 {code, message, field} naming the field and never
// echoing the value (a NUL byte or 10 KB of tenant_id included). docs/http-api.md, "Input".
import { vValidator } from '@hono/valibot-validator';
import * as v from 'valibot';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// No control character anywhere (C0 with NUL and the line breaks, DEL, C1).
const NO_CONTROLS = /^[^\p{Cc}]*$/u;

export const TENANT_ID_MAX = 100;
export const RUNS_LIMIT_MAX = 200;

const text = (max, message) => v.pipe(v.string(message), v.maxLength(max, message), v.regex(NO_CONTROLS, message));

const tenantIdMessage = `tenant_id must be the tenant's UUID or slug: 1 to ${TENANT_ID_MAX} characters, no control characters`;
/** A tenant's UUID or slug: 1..100 characters, no control characters (NUL included). */
export const tenantIdSchema = v.pipe(v.string(tenantIdMessage), v.minLength(1, tenantIdMessage), v.maxLength(TENANT_ID_MAX, tenantIdMessage), v.regex(NO_CONTROLS, tenantIdMessage));

const runIdMessage = 'run_id must be a run\'s UUID';
export const runIdSchema = v.pipe(v.string(runIdMessage), v.regex(UUID, runIdMessage), v.toLowerCase());

const ticketSchema = v.pipe(v.string('ticket must be a stream ticket'), v.minLength(1, 'ticket must be a stream ticket'),
  v.maxLength(200, 'ticket must be a stream ticket'), v.regex(/^[A-Za-z0-9_-]+$/, 'ticket must be a stream ticket'));
const lastEventIdSchema = text(200, 'last_event_id must be an event id <run_id>:<seq>');

/** Every staff endpoint: ?tenant_id= (required). */
export const staffQuery = v.object({ tenant_id: tenantIdSchema });

/** GET …/runs: ?limit=1..200 (default 20). */
const limitMessage = `limit must be a whole number from 1 to ${RUNS_LIMIT_MAX}`;
export const runsQuery = v.object({
  tenant_id: tenantIdSchema,
  limit: v.optional(v.pipe(v.string(limitMessage), v.regex(/^\d{1,3}$/, limitMessage), v.transform(Number),
    v.minValue(1, limitMessage), v.maxValue(RUNS_LIMIT_MAX, limitMessage)), '20'),
});

/** POST …/repair: ?apply=true|1|false|0 (default false), read as a boolean. */
const applyMessage = 'apply must be true or false';
export const repairQuery = v.object({
  tenant_id: tenantIdSchema,
  apply: v.optional(v.pipe(v.picklist(['true', '1', 'false', '0'], applyMessage), v.transform((a) => a === 'true' || a === '1')), 'false'),
});

/** POST …/sync-all: ?full=true|1|false|0 (default false): list every booking and reconcile. */
const fullMessage = 'full must be true or false';
export const syncAllQuery = v.object({
  tenant_id: tenantIdSchema,
  full: v.optional(v.pipe(v.picklist(['true', '1', 'false', '0'], fullMessage), v.transform((a) => a === 'true' || a === '1')), 'false'),
});

/** POST …/stream-ticket: ?purpose=sync-all (default) | events, and ?run_id= for (only) events. */
export const STREAM_PURPOSES = ['sync-all', 'events'];
export const streamTicketQuery = v.object({
  tenant_id: tenantIdSchema,
  purpose: v.optional(v.picklist(STREAM_PURPOSES, `purpose must be one of ${STREAM_PURPOSES.join(', ')}`), 'sync-all'),
  run_id: v.optional(runIdSchema),
});

/** The SSE URLs (GET …/sync-all, GET …/runs/{run_id}/events): the tenant, a ticket, a last event id. */
export const streamQuery = v.object({
  tenant_id: tenantIdSchema,
  ticket: v.optional(ticketSchema),
  last_event_id: v.optional(lastEventIdSchema),
});

/** GET …/preview/record: ?collection=accommodations|bookings and ?id= (a positive MotoPress id). */
export const PREVIEW_COLLECTIONS = ['accommodations', 'bookings'];
const previewIdMessage = 'id must be a MotoPress id: a whole number from 1 to 9007199254740991';
export const previewRecordQuery = v.object({
  tenant_id: tenantIdSchema,
  collection: v.picklist(PREVIEW_COLLECTIONS, `collection must be one of ${PREVIEW_COLLECTIONS.join(', ')}`),
  id: v.pipe(v.string(previewIdMessage), v.regex(/^[1-9]\d{0,15}$/, previewIdMessage), v.transform(Number), v.maxValue(Number.MAX_SAFE_INTEGER, previewIdMessage)),
});

/** The guest endpoints: ?tenant_id= is optional (login reports a missing one itself, as the core decides). */
export const guestQuery = v.object({
  tenant_id: v.optional(text(TENANT_ID_MAX, tenantIdMessage)),
});

/** A 400 answer naming the field, in the one error shape of the API. */
export function invalidParameter(c, field, message, code = 'invalid_parameter') {
  c.header('Cache-Control', 'no-store');
  return c.json({ code, message, field }, 400);
}

/**
 * A middleware of an endpoint's input; handlers after it read the checked query with c.req.valid('query').
 * @typedef {import('hono').MiddlewareHandler<any, any, {in: {query: any}, out: {query: any}}>} InputMiddleware
 */

/**
 * Hono middleware: validates c.req.queries() against `schema` (a duplicated parameter is an array and
 * fails a string schema); the handler reads the parsed values with c.req.valid('query'). A missing or
 * empty tenant_id is 400 missing_tenant, any other failure 400 invalid_parameter; both name the field.
 */
export function validQuery(schema) {
  return vValidator('query', schema, (result, c) => {
    if (result.success) return undefined;
    const issue = result.issues[0];
    const field = issue.path?.map((p) => p.key).join('.') || 'query';
    if (field === 'tenant_id' && (issue.input === undefined || issue.input === '')) {
      return invalidParameter(c, field, 'tenant_id (UUID or slug) is required', 'missing_tenant');
    }
    return invalidParameter(c, field, Array.isArray(issue.input) ? `${field} must be given once` : issue.message);
  });
}
