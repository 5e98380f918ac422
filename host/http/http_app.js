// The one Web-standard fetch handler (Hono) behind `mphb-sync serve`, the Vercel function and the
// Supabase Edge Function. docs/http-api.md is its contract. It decides nothing about data: syncs run
// through runSync, which asks the core.
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';

import { fleetStatus } from '../fleet/fleet_status.js';
import { checkInvariants } from '../monitor/invariant_checks.js';
import { runRepair } from '../sync/repair_runner.js';
import { runSync } from '../sync/sync_runner.js';
import { recentRuns } from '../sync/run_history.js';
import { SyncError } from '../sync/sync_errors.js';
import { currentLockHolder } from '../sync/tenant_lock.js';
import { TenantError, resolveTenant } from '../tenants/tenant_store.js';
import { registerGuestRoutes } from './guest_routes.js';
import { registerPreviewRoutes } from './preview_routes.js';
import { invalidParameter, repairQuery, runsQuery, staffQuery, streamQuery, streamTicketQuery, syncAllQuery, validQuery } from './input_schemas.js';
import { openApiDocument } from './openapi_document.js';
import { corsPolicy, noSniff, parseCorsOrigins, setPageSecurityHeaders } from './response_policy.js';
import { parseLastEventId, RunEventLog } from './run_events.js';
import { AuthError, assertTenant, authenticatePlatform, authenticateStaff, credentialInUrlMessage, findUrlCredential } from './staff_auth.js';
import { issueStreamTicket } from './stream_tickets.js';

const BASE = '/api/integrations/motopress';

/**
 * @param {object} deps
 * @param {object} deps.db                       from openDatabase
 * @param {object} deps.core                     a loaded MphbCore
 * @param {(tenant) => Promise<object>} deps.clientFor  a MotoPress client for a tenant (decrypts credentials)
 * @param {Function|null} [deps.jwt]             platformJwtVerifier(...) or null; called with {now: clock()}
 * @param {'continue'|'stop'} [deps.onDisconnect='continue']  Node: the run goes on; edge: stop at a page boundary
 * @param {number} [deps.heartbeatMs=10000]      SSE heartbeat interval (SPEC: at least every 15 s)
 * @param {() => string|Promise<string>} [deps.staffPage]  the staff page HTML
 * @param {(promise: Promise) => void} [deps.waitUntil]    keeps a run alive after the response (edge runtimes)
 * @param {{info: Function, warn: Function, error: Function}} [deps.log]  structured logger (never given secrets)
 * @param {Uint8Array|Promise<Uint8Array>|null} [deps.guestTokenKey]  signs guest tokens (guestTokenKey());
 *   without it the guest endpoints answer 503 not_configured
 * @param {() => string|Promise<string>} [deps.guestPage]  the /my-stay HTML
 * @param {() => Date} [deps.clock]  "now" of guest logins, tokens and rate limits, and of platform JWT checks
 * @param {string[]|string} [deps.corsOrigins]  origins allowed to call from a browser (MPHB_CORS_ORIGINS:
 *   an array, or the comma-separated text); default none: no CORS headers, preflights answered 204 without them
 * @param {{maxFailures: number, windowSeconds: number}} [deps.loginThrottle]  failed guest logins allowed per window
 * @param {(c) => string} [deps.clientAddress]  the caller's address for rate limits (default: the platform's headers, else the socket)
 * @param {string} [deps.clientIpHeader]  the header the platform's proxy sets with the client address (MPHB_CLIENT_IP_HEADER)
 * @param {() => string|Promise<string>} [deps.previewPage]  the /preview HTML
 * @param {(path: string) => Promise<Uint8Array|null>} [deps.previewAsset]  the preview's scripts and .wasm by URL path
 * @param {number} [deps.previewMaxBytes]  a preview source stream's bytes at most (MPHB_PREVIEW_MAX_BYTES; default 256 MiB)
 * @param {object} [deps.previewLimits]  createPreviewLimits(...): source streams and record look-ups per tenant
 */
export function createHttpApp(deps) {
  const { db, core, clientFor, jwt = null, onDisconnect = 'continue', heartbeatMs = 10_000, staffPage, waitUntil } = deps;
  const log = deps.log ?? { info() {}, warn() {}, error() {} };
  const clock = deps.clock ?? (() => new Date());
  const corsOrigins = Array.isArray(deps.corsOrigins) ? parseCorsOrigins(deps.corsOrigins.join(',')) : parseCorsOrigins(deps.corsOrigins);
  const events = new RunEventLog(db, { onPersistError: (error) => log.error({ err: error.message }, 'could not store a run event') });
  const app = new Hono();

  // Before every route: the CORS policy (preflights end here, 204) and nosniff on every answer.
  app.use('*', corsPolicy(corsOrigins));
  app.use('*', noSniff());

  app.onError((error, c) => {
    if (error instanceof AuthError) return c.json({ code: error.code, message: error.message }, error.status);
    if (error instanceof TenantError) return c.json({ code: error.code, message: error.message }, error.code === 'unknown_tenant' ? 404 : 400);
    log.error({ err: error.message, path: new URL(c.req.url).pathname }, 'request failed');
    return c.json({ code: 'internal_error', message: 'the request failed; see the server log' }, 500);
  });

  // The input of a staff endpoint, checked before anything else runs: first no credential in the URL
  // (400 credential_in_url; `ticket` only where tickets are accepted), then the query against its schema
  // (400 missing_tenant / invalid_parameter naming the field). The handler reads c.req.valid('query').
  /** @type {(schema: object, o?: {ticket?: boolean}) => [import('./input_schemas.js').InputMiddleware, import('./input_schemas.js').InputMiddleware]} two middlewares (Hono's types cannot follow a spread array) */
  const staffInput = (schema, { ticket = false } = {}) => [
    async (c, next) => {
      const name = findUrlCredential(c.req.url, { allowTicket: ticket });
      if (name) return c.json({ code: 'credential_in_url', message: credentialInUrlMessage(name) }, 400);
      return next();
    },
    validQuery(schema),
  ];

  // Resolves the validated ?tenant_id= (UUID or slug) and the caller's credential for it.
  // The credential first: whether a tenant exists is told only to an authenticated caller.
  async function staffFor(c, { allowTicket = false, ticketFor = null } = {}) {
    const ref = c.req.valid('query').tenant_id;
    const principal = await authenticateStaff(c.req.raw, { db, jwt, now: clock(), allowTicket, ticketFor });
    const tenant = await resolveTenant(db, ref);
    assertTenant(principal, tenant);
    return { tenant, principal };
  }

  // Whether the run is this tenant's: in memory (a live run of this instance) or in sync_runs.
  async function tenantHoldsRun(tenant, runId) {
    if (events.holds(runId, tenant.tenant_id)) return true;
    const rows = await db.query('select id from public.sync_runs where id = $1 and tenant_id = $2', [runId, tenant.tenant_id]);
    return rows.length > 0;
  }

  async function alreadyRunning(c, tenant) {
    const holder = await currentLockHolder(db, tenant.tenant_id);
    if (!holder) return null;
    return c.json({ code: 'already_running', message: `tenant ${tenant.slug}: a sync is already running (run ${holder.run_id}); try again when it has finished`, run_id: holder.run_id }, 409);
  }

  registerGuestRoutes(app, {
    db, core, guestTokenKey: deps.guestTokenKey ?? null, guestPage: deps.guestPage, clock,
    loginThrottle: deps.loginThrottle, clientAddress: deps.clientAddress, clientIpHeader: deps.clientIpHeader,
  });

  registerPreviewRoutes(app, {
    staffInput, staffFor, db, clientFor, clock, log, previewPage: deps.previewPage, previewAsset: deps.previewAsset,
    maxBytes: deps.previewMaxBytes, limits: deps.previewLimits,
  });

  app.get('/', async (c) => {
    setPageSecurityHeaders(c);
    return c.html(staffPage ? await staffPage() : '<!doctype html><title>mphb-sync</title><p>mphb-sync</p>');
  });
  app.get('/api/openapi.json', (c) => c.json(openApiDocument));

  // A single-use ticket for one SSE URL: ?purpose=sync-all (default; GET …/sync-all) or
  // ?purpose=events&run_id=R (GET …/runs/R/events, a run of this tenant).
  app.post(`${BASE}/stream-ticket`, ...staffInput(streamTicketQuery), async (c) => {
    const { purpose, run_id: runId } = c.req.valid('query');
    if (purpose === 'events' && !runId) return invalidParameter(c, 'run_id', 'run_id is required for a ticket of purpose events');
    if (purpose !== 'events' && runId) return invalidParameter(c, 'run_id', `a ticket of purpose ${purpose} names no run: leave run_id out`);
    const { tenant, principal } = await staffFor(c);
    if (runId && !(await tenantHoldsRun(tenant, runId))) {
      return c.json({ code: 'unknown_run', message: `no run ${runId} for tenant ${tenant.slug}` }, 404);
    }
    return c.json(await issueStreamTicket(db, { tenantId: tenant.tenant_id, role: principal.role, purpose, runId: runId ?? null }));
  });

  // Accommodations only, answered as JSON.
  app.post(`${BASE}/sync`, ...staffInput(staffQuery), async (c) => {
    const { tenant } = await staffFor(c);
    const busy = await alreadyRunning(c, tenant);
    if (busy) return busy;
    try {
      const result = await runSync({ db, core, tenant, client: await clientFor(tenant), kind: 'sync' });
      return c.json({ run_id: result.runId, status: result.status, counts: result.counts, warnings: result.warnings });
    } catch (error) {
      if (!(error instanceof SyncError)) throw error;
      // 502 only when MotoPress failed; our own failures are 500.
      const status = error.code === 'already_running' ? 409 : error.code === 'database_error' || error.code === 'lock_lost' ? 500 : 502;
      return c.json({ run_id: error.runId ?? null, status: 'failed', code: error.code, message: error.message }, status);
    }
  });

  // Sync All as Server-Sent Events. Only a POST starts it: POST …/sync-all with a bearer (fetch clients), or
  // — for EventSource, which can only GET — GET …/sync-all?ticket=K redeeming a ticket of purpose sync-all,
  // which the staff asked for with POST …/stream-ticket (that POST is the state-changing request; the GET
  // redeems it once). A GET with a bearer (or anything but such a ticket) starts nothing: 405.
  /** @param {any} c @param {boolean} viaGet @param {'auto'|'full'} [pass] */
  const syncAll = async (c, viaGet, pass = 'auto') => {
    const { tenant, principal } = await staffFor(c, viaGet ? { allowTicket: true, ticketFor: { purpose: 'sync-all' } } : {});
    if (viaGet && principal.via !== 'ticket') {
      c.header('Allow', 'POST');
      return c.json({ code: 'method_not_allowed', message: 'GET …/sync-all starts a Sync All only with a stream ticket of purpose sync-all (POST …/stream-ticket?purpose=sync-all); with a bearer, POST …/sync-all' }, 405);
    }
    const busy = await alreadyRunning(c, tenant);
    if (busy) return busy;
    const client = await clientFor(tenant);
    const runId = crypto.randomUUID();
    const publish = events.start(runId, tenant.tenant_id);
    const controller = new AbortController();
    const run = runSync({ db, core, tenant, client, runId, pass, signal: controller.signal, onEvent: publish })
      .catch((error) => {
        // A run refused before it started has no sync_runs row; its error still ends the stream.
        if (error instanceof SyncError && error.code === 'already_running') {
          publish({ type: 'error', stage: 'sync', current: 0, total: 0, code: error.code, message: error.message, unrecorded: true });
        } else if (!(error instanceof SyncError)) {
          log.error({ err: error.message, tenant: tenant.slug }, 'sync crashed');
          publish({ type: 'error', stage: 'sync', current: 0, total: 0, code: 'internal_error', message: `tenant ${tenant.slug}: the sync crashed` });
        }
      });
    waitUntil?.(run);
    log.info({ tenant: tenant.slug, run_id: runId }, 'sync-all started');
    return streamRun(c, runId, 0, () => {
      if (onDisconnect === 'stop') controller.abort();
    });
  };
  app.post(`${BASE}/sync-all`, ...staffInput(syncAllQuery), (c) => syncAll(c, false, c.req.valid('query').full ? 'full' : 'auto'));
  app.get(`${BASE}/sync-all`, ...staffInput(streamQuery, { ticket: true }), (c) => syncAll(c, true));

  // A run's events: a bearer, or a ticket of purpose events for this very run.
  app.get(`${BASE}/runs/:runId/events`, ...staffInput(streamQuery, { ticket: true }), async (c) => {
    const runId = c.req.param('runId').toLowerCase();
    const { tenant } = await staffFor(c, { allowTicket: true, ticketFor: { purpose: 'events', runId } });
    // (A malformed run id names no run: 404, as an unknown one.)
    const unknown = () => c.json({ code: 'unknown_run', message: `no run ${runId.slice(0, 36)} for tenant ${tenant.slug}` }, 404);
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(runId)) return unknown();
    // Only this tenant's runs: in memory (a live run of this instance) or in sync_runs.
    if (!(await tenantHoldsRun(tenant, runId))) return unknown();
    const after = parseLastEventId(c.req.header('last-event-id') ?? c.req.valid('query').last_event_id, runId);
    return streamRun(c, runId, after, () => {});
  });

  // Streams a run's events after `afterSeq` until its complete/error event, with heartbeats.
  function streamRun(c, runId, afterSeq, onClientGone) {
    return streamSSE(c, async (stream) => {
      let finished = false;
      let wake = () => {};
      const queue = [];
      const unsubscribe = events.subscribe(runId, afterSeq, (e) => {
        queue.push(e);
        wake();
      });
      const heartbeat = setInterval(() => { stream.write(': heartbeat\n\n').catch(() => {}); }, heartbeatMs);
      const gone = () => {
        if (!finished) onClientGone();
        finished = true;
        wake();
        // A write blocked on a client that stopped reading would hold the loop (and the heartbeat) open.
        stream.abort();
      };
      // Two ways a client's leaving shows: the response stream is cancelled, or (Vercel with
      // supportsCancellation, @hono/node-server) the request's signal aborts while the stream stays open.
      stream.onAbort(gone);
      const signal = c.req.raw.signal;
      signal?.addEventListener('abort', gone, { once: true });
      if (signal?.aborted) gone();
      try {
        while (!finished) {
          if (queue.length === 0) await new Promise((resolve) => { wake = () => resolve(); });
          while (queue.length > 0 && !finished) {
            const e = queue.shift();
            if (e === null) {
              finished = true;
              break;
            }
            const { unrecorded, ...data } = e;
            await stream.writeSSE({ event: data.type, id: `${runId}:${data.seq}`, data: JSON.stringify(data) });
          }
        }
      } finally {
        clearInterval(heartbeat);
        signal?.removeEventListener('abort', gone);
        unsubscribe();
      }
    });
  }

  app.get(`${BASE}/runs`, ...staffInput(runsQuery), async (c) => {
    const { tenant } = await staffFor(c);
    const { limit } = c.req.valid('query');
    const runs = await recentRuns(db, tenant.tenant_id, limit);
    return c.json({ tenant: { tenant_id: tenant.tenant_id, slug: tenant.slug }, runs });
  });

  app.get(`${BASE}/health`, ...staffInput(staffQuery), async (c) => {
    const { tenant } = await staffFor(c);
    const report = await checkInvariants(db, tenant.tenant_id, clock(), core);
    return c.json({ ok: report.ok, tenant: report.tenants[0] });
  });

  // Repair of the tenant's own rows (admins only): a dry run by default, ?apply=true writes it. The same
  // function as `mphb-sync repair`; the answer is its report.
  app.post(`${BASE}/repair`, ...staffInput(repairQuery), async (c) => {
    const { tenant, principal } = await staffFor(c);
    if (principal.role !== 'admin') return c.json({ code: 'forbidden_role', message: `repairing tenant ${tenant.slug} needs an admin credential` }, 403);
    const { apply } = c.req.valid('query');
    const busy = await alreadyRunning(c, tenant);
    if (busy) return busy;
    try {
      const report = await runRepair({ db, core, tenant, client: await clientFor(tenant), apply });
      log.info({ tenant: tenant.slug, mode: report.mode, status: report.status, rows: report.counts.rows }, 'repair');
      return c.json(report);
    } catch (error) {
      if (!(error instanceof SyncError)) throw error;
      const status = error.code === 'already_running' ? 409 : error.code === 'database_error' || error.code === 'lock_lost' ? 500 : 502;
      return c.json({ run_id: error.runId ?? null, status: 'failed', code: error.code, message: error.message }, status);
    }
  });

  // The fleet (every tenant): a platform-wide credential only. The same document as `mphb-sync fleet status --json`.
  app.get('/api/fleet/status', async (c) => {
    await authenticatePlatform(c.req.raw, { db, jwt, now: clock() });
    return c.json(await fleetStatus(db, core, { now: clock() }));
  });

  return app;
}
