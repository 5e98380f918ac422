// The builder both edge entry points call, through the edge bundle's createBundledEdgeApp
// (host/http/bundled_edge_app.js): the Vercel function (api/[[...route]].js) and the Supabase Edge Function
// (supabase/functions/mphb-sync/index.ts) serve createEdgeApp(...).fetch, which hands every
// request to the one handler `mphb-sync serve` also runs (createHttpApp). Edge settings: PostgreSQL only
// (DATABASE_URL; the embedded PGlite database is Node-only), a run whose SSE client disconnects stops at
// the next page boundary and is recorded as `interrupted` (onDisconnect 'stop'), and the platform's
// waitUntil keeps a run alive after its response.
//
// Per instance: the configuration is read from `env` at the first request, the database is opened once
// (lazily, on that request) and the core is loaded once. A failed start (a missing variable, an
// unreachable database, a missing .wasm core) answers 500 with {code, message} naming what is missing
// (never a value) and is tried again on the next request; GET /api/openapi.json answers all the same (the
// document needs neither the database nor the core).
import { readFile } from 'node:fs/promises';

import { Hono } from 'hono';

import { loadCore } from '../../js/core.js';
import { openDatabase } from '../db/database.js';
import { applyMigrations } from '../db/migrations.js';
import { SchemaConflictError } from '../db/schema_guard.js';
import { createMotoPressClient } from '../motopress/motopress_client.js';
import { createCipher } from '../tenants/credential_cipher.js';
import { loadCredentials } from '../tenants/tenant_store.js';
import { guestTokenKey } from '../guest/guest_tokens.js';
import { createHttpApp } from './http_app.js';
import { openApiDocument } from './openapi_document.js';
import { PREVIEW_PAGE } from './preview_assets.js';
import { previewMaxBytes } from '../preview/preview_limits.js';
import { corsPolicy, noSniff, parseCorsOrigins } from './response_policy.js';
import { platformJwtVerifier } from './staff_auth.js';

const STAFF_PAGE = new URL('./staff_page.html', import.meta.url);
const GUEST_PAGE = new URL('./guest_page.html', import.meta.url);

export class EdgeStartError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

// One JSON line per log record on stderr/stdout (the platforms collect both). Callers never pass secrets.
const consoleLog = {
  info: (fields, msg) => console.log(JSON.stringify({ level: 'info', msg, ...fields })),
  warn: (fields, msg) => console.warn(JSON.stringify({ level: 'warn', msg, ...fields })),
  error: (fields, msg) => console.error(JSON.stringify({ level: 'error', msg, ...fields })),
};

/**
 * @param {object} o
 * @param {Record<string, string|undefined>} o.env  the platform's environment: DATABASE_URL (required),
 *   MPHB_ENCRYPTION_KEY (required), MPHB_JWT_SECRET or MPHB_JWKS_URL (optional: accept platform JWTs),
 *   MPHB_GUEST_TOKEN_SECRET (optional: signs guest tokens; default: derived from MPHB_ENCRYPTION_KEY),
 *   MPHB_JWT_ISSUER / MPHB_JWT_AUDIENCE (optional: the iss / aud platform JWTs must carry),
 *   MPHB_CLIENT_IP_HEADER (optional: the header the platform's proxy sets with the client address),
 *   MPHB_CORS_ORIGINS (optional: comma-separated origins allowed to call from a browser; default none)
 * @param {(promise: Promise) => void} [o.waitUntil]  keeps a run alive after the response (none: the run
 *   lives as long as the instance does)
 * @param {string} [o.basePath]  a prefix the platform leaves on the path, removed before routing
 *   (Supabase: '/mphb-sync', the function's name)
 * @param {boolean} [o.migrate=false]  apply the migrations on the first open; without it the schema must
 *   exist already (`supabase db push`)
 * @param {{version: string, sql: string}[]} [o.migrations]  what `migrate` applies (default: the .sql files of
 *   supabase/migrations, read from this checkout; the edge bundle passes the copies it carries)
 * @param {object|(() => object|Promise<object>)} [o.coreOptions]  options for loadCore, e.g. {wasmBinary}
 * @param {() => string|Promise<string>} [o.staffPage]  the staff page HTML (default: host/http/staff_page.html)
 * @param {object} [o.db]  an open database to use instead of opening DATABASE_URL (tests); not closed by close()
 * @param {object} [o.clientOptions]  extra MotoPress client options (tests: retries, sleep)
 * @param {number} [o.heartbeatMs]
 * @param {{info: Function, warn: Function, error: Function}} [o.log]  default: JSON lines on the console
 * @param {() => string|Promise<string>} [o.guestPage]  the /my-stay HTML (default: host/http/guest_page.html)
 * @param {() => string|Promise<string>} [o.previewPage]  the /preview HTML (default: host/http/preview_page.html)
 * @param {(path: string) => Promise<Uint8Array|null>} [o.previewAsset]  the preview's scripts and .wasm by URL path
 *   (default: read from this checkout; host/http/preview_assets.js)
 * @param {() => Date} [o.clock]  "now" of guest logins and tokens and of platform JWT checks (tests)
 * @param {{maxFailures, windowSeconds}} [o.loginThrottle]
 * @returns {Hono & {close: () => Promise<void>}} the app; `app.fetch(request)` is the handler, `app.close()`
 *   closes the database it opened (tests; a platform simply drops the instance)
 */
export function createEdgeApp(o) {
  const env = o.env ?? {};
  const log = o.log ?? consoleLog;
  const basePath = o.basePath ? `/${o.basePath.replace(/^\/+|\/+$/g, '')}` : '';
  let corePromise = null;
  let starting = null;
  let openedDb = null;

  // The core does not depend on the configuration: loaded once, whatever happens to the database.
  const core = () => {
    if (!corePromise) {
      corePromise = (async () => loadCore(typeof o.coreOptions === 'function' ? await o.coreOptions() : o.coreOptions ?? {}))();
      corePromise.catch(() => { corePromise = null; });
    }
    return corePromise;
  };

  async function start() {
    const url = env.DATABASE_URL;
    if (!o.db && !url) {
      throw new EdgeStartError('not_configured', 'DATABASE_URL is not set: edge deployments keep their data in PostgreSQL (the embedded PGlite database is Node-only)');
    }
    // An empty string, not undefined: createCipher would otherwise fall back to process.env.
    const cipher = await createCipher(env.MPHB_ENCRYPTION_KEY ?? '').catch((error) => {
      throw new EdgeStartError('not_configured', error.message);
    });
    let jwt;
    try {
      jwt = platformJwtVerifier({ secret: env.MPHB_JWT_SECRET, jwksUrl: env.MPHB_JWKS_URL, issuer: env.MPHB_JWT_ISSUER, audience: env.MPHB_JWT_AUDIENCE });
    } catch {
      throw new EdgeStartError('not_configured', 'MPHB_JWKS_URL is not a valid URL');
    }
    let corsOrigins;
    try {
      corsOrigins = parseCorsOrigins(env.MPHB_CORS_ORIGINS);
    } catch (error) {
      throw new EdgeStartError('not_configured', error.message);
    }
    let tokenKey;
    try {
      tokenKey = await guestTokenKey({ secret: env.MPHB_GUEST_TOKEN_SECRET, encryptionKey: env.MPHB_ENCRYPTION_KEY });
    } catch (error) {
      throw new EdgeStartError('not_configured', error.message);
    }
    const loadedCore = await core();
    let db = o.db;
    if (!db) {
      db = await openDatabase({ url, migrate: false });
      try {
        if (o.migrate) await applyMigrations(db, { migrations: o.migrations });
        else await requireSchema(db);
      } catch (error) {
        await db.close().catch(() => {});
        // Tables of another shape where ours belong (an older sync's): answered as foreign_schema, naming them.
        if (error instanceof SchemaConflictError) throw new EdgeStartError(error.code, error.message);
        throw error;
      }
      openedDb = db;
    }
    return createHttpApp({
      db,
      core: loadedCore,
      clientFor: async (tenant) => createMotoPressClient({ ...(await loadCredentials(db, cipher, tenant.tenant_id)), tenant: tenant.slug, ...o.clientOptions }),
      jwt,
      onDisconnect: 'stop',
      heartbeatMs: o.heartbeatMs,
      staffPage: o.staffPage ?? (() => readFile(STAFF_PAGE, 'utf8').catch(() => '<!doctype html><title>mphb-sync</title><p>The staff page is missing.</p>')),
      waitUntil: o.waitUntil,
      log,
      guestTokenKey: tokenKey,
      guestPage: o.guestPage ?? (() => readFile(GUEST_PAGE, 'utf8').catch(() => '<!doctype html><title>My stay</title><p>The guest page is missing.</p>')),
      previewPage: o.previewPage ?? (() => readFile(PREVIEW_PAGE, 'utf8').catch(() => '<!doctype html><title>mphb-sync preview</title><p>The preview page is missing.</p>')),
      previewAsset: o.previewAsset,
      previewMaxBytes: previewMaxBytes(env.MPHB_PREVIEW_MAX_BYTES),
      clock: o.clock,
      loginThrottle: o.loginThrottle,
      clientIpHeader: env.MPHB_CLIENT_IP_HEADER,
      corsOrigins,
    });
  }

  const ready = () => {
    if (!starting) {
      starting = start();
      starting.catch(() => { starting = null; });
    }
    return starting;
  };

  const app = new Hono();
  app.all('*', async (c) => {
    let inner;
    try {
      inner = await ready();
    } catch (error) {
      const code = error instanceof EdgeStartError ? error.code : 'start_failed';
      log.error({ code, err: error.message }, 'mphb-sync could not start');
      // The contract stays readable while the instance cannot start: it depends on nothing that failed.
      const request = withoutBasePath(c.req.raw, basePath);
      if (new URL(request.url).pathname === '/api/openapi.json') return documentApp(env).fetch(request);
      const message = error instanceof EdgeStartError ? error.message : 'mphb-sync could not start (database or core); see the function log';
      return c.json({ code, message }, 500);
    }
    return inner.fetch(withoutBasePath(c.req.raw, basePath));
  });
  return Object.assign(app, {
    close: async () => {
      const db = openedDb;
      openedDb = null;
      starting = null;
      if (db) await db.close();
    },
  });
}

/**
 * GET /api/openapi.json alone, with the headers createHttpApp gives it (nosniff; CORS when MPHB_CORS_ORIGINS
 * parses — a bad list is what failed the start, and then no origin is allowed).
 */
function documentApp(env) {
  let origins;
  try {
    origins = parseCorsOrigins(env.MPHB_CORS_ORIGINS);
  } catch {
    origins = [];
  }
  const app = new Hono();
  app.use('*', corsPolicy(origins));
  app.use('*', noSniff());
  app.get('/api/openapi.json', (c) => c.json(openApiDocument));
  return app;
}

async function requireSchema(db) {
  const [row] = await db.query("select to_regclass('public.sync_runs') is not null as ok");
  if (!row?.ok) {
    throw new EdgeStartError('schema_missing', 'the database has no mphb-sync schema: apply supabase/migrations first (`supabase db push`, or any mphb-sync command run with this DATABASE_URL)');
  }
}

/** The request with `basePath` removed from its path (the same request when the path does not start with it). */
function withoutBasePath(request, basePath) {
  if (!basePath) return request;
  const url = new URL(request.url);
  if (url.pathname !== basePath && !url.pathname.startsWith(`${basePath}/`)) return request;
  url.pathname = url.pathname.slice(basePath.length) || '/';
  const hasBody = request.body !== null && !['GET', 'HEAD'].includes(request.method);
  return new Request(url, {
    method: request.method,
    headers: request.headers,
    body: hasBody ? request.body : undefined,
    duplex: hasBody ? 'half' : undefined,
    signal: request.signal,
    redirect: request.redirect,
  });
}
