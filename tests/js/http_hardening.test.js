// The HTTP host locked down (issue 10, item 6; docs/http-api.md): platform JWTs need `exp`, a lifetime of at
// most 24 h, no `iat` in the future, at most 60 s of clock skew, and the configured issuer / audience;
// stream tickets open only the one URL (purpose, run) they were issued for; only a POST starts a Sync All
// (GET …/sync-all redeems a sync-all ticket, nothing else); query parameters are checked by schema at the
// edge (NUL and 10 KB tenant_id → 400 naming the field); credentials in a URL are refused in any case; the
// pages carry CSP / frame / nosniff / referrer headers and every answer nosniff; CORS only for the
// configured origins, preflights always 204.
import { jest } from '@jest/globals';
import { SignJWT } from 'jose';

import { createEdgeApp } from '../../host/http/edge_app.js';
import { createHttpApp } from '../../host/http/http_app.js';
import { startHttpServer } from '../../host/http/node_server.js';
import { PAGE_CSP } from '../../host/http/response_policy.js';
import { platformJwtVerifier } from '../../host/http/staff_auth.js';
import { createStaffToken } from '../../host/http/staff_tokens.js';
import { closeTemplates } from './support/test_databases.js';
import { createSyncHarness } from './support/sync_harness.js';

jest.setTimeout(120_000);

const KEY = Buffer.alloc(32, 7).toString('base64');
const JWT_SECRET = 'h'.repeat(32);
const BASE = '/api/integrations/motopress';
const NOW = new Date('2026-11-01T12:00:00Z');
const T = Math.floor(NOW.getTime() / 1000);
const HOUR = 3600;
const EXPECTED_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** An HS256 JWT with exactly these claims (iat/exp as given: numbers, or absent). */
function jwtWith(claims, secret = JWT_SECRET) {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
}

/** The whole answer: status, headers, text, JSON when it is JSON. */
async function read(response) {
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  return { status: response.status, headers: response.headers, text, json: type.startsWith('application/json') ? JSON.parse(text) : null };
}

describe('the HTTP host, hardened (PGlite)', () => {
  let h;
  let indo;
  let other;
  let indoToken;
  let otherToken;
  let app; // createHttpApp with an injected clock, JWTs with issuer and audience
  let server; // the Node server (real sockets)

  const bearer = (token) => ({ authorization: `Bearer ${token}` });
  const fetchApp = async (target, path, init = {}) => read(await target.fetch(new Request(`http://app.local${path}`, init)));
  const call = (path, init) => fetchApp(app, path, init);
  const ticketFor = async (query, token = indoToken) => call(`${BASE}/stream-ticket?tenant_id=indo${query}`, { method: 'POST', headers: bearer(token) });
  const runCount = async () => (await h.db.query('select count(*)::int as n from public.sync_runs where tenant_id = $1', [indo.tenant_id]))[0].n;

  beforeAll(async () => {
    h = await createSyncHarness('pglite', { hotels: 'indo,other=indo' });
    indo = await h.addTenant('indo');
    other = await h.addTenant('other');
    indoToken = (await createStaffToken(h.db, { tenantId: indo.tenant_id, role: 'staff' })).token;
    otherToken = (await createStaffToken(h.db, { tenantId: other.tenant_id, role: 'admin' })).token;
    app = createHttpApp({
      db: h.db, core: h.core, clientFor: async (tenant) => h.client(tenant.slug), heartbeatMs: 200, clock: () => NOW,
      jwt: platformJwtVerifier({ secret: JWT_SECRET, issuer: 'https://auth.example', audience: 'mphb-sync' }),
    });
    server = await startHttpServer({
      db: h.db, core: h.core, encryptionKey: KEY, heartbeatMs: 200, clientOptions: { retries: 1, sleep: async () => {} },
    });
  });
  afterAll(async () => {
    await server?.stop();
    await h?.close();
    await closeTemplates();
  });

  describe('platform JWTs', () => {
    const good = { tenant_id: undefined, role: 'staff', iss: 'https://auth.example', aud: 'mphb-sync' };
    const runsWith = async (claims) => (await call(`${BASE}/runs?tenant_id=indo`, { headers: bearer(await jwtWith({ ...good, tenant_id: indo.tenant_id, ...claims })) }));
    const statusWith = async (claims) => (await runsWith(claims)).status;

    test('a token with exp, iat, issuer and audience is accepted', async () => {
      expect(await statusWith({ iat: T, exp: T + 300 })).toBe(200);
    });

    test('no exp → 401 (a token without one would never expire), with or without iat', async () => {
      const r = await runsWith({ iat: T });
      expect(r.status).toBe(401);
      expect(r.json.code).toBe('unauthenticated');
      expect(await statusWith({})).toBe(401);
    });

    test('an iat in the future beyond the 60 s skew → 401; years ahead → 401', async () => {
      expect(await statusWith({ iat: T + 365 * 24 * HOUR, exp: T + 365 * 24 * HOUR + 300 })).toBe(401);
      expect(await statusWith({ iat: T + 61, exp: T + 600 })).toBe(401);
      expect(await statusWith({ iat: T + 59, exp: T + 600 })).toBe(200);
    });

    test('a lifetime over 24 h → 401: exp − iat, or exp − now without iat', async () => {
      expect(await statusWith({ iat: T, exp: T + 24 * HOUR + 1 })).toBe(401);
      expect(await statusWith({ iat: T - HOUR, exp: T + 30 * 24 * HOUR })).toBe(401);
      expect(await statusWith({ iat: T, exp: T + 24 * HOUR })).toBe(200);
      expect(await statusWith({ exp: T + 25 * HOUR })).toBe(401);
      expect(await statusWith({ exp: T + HOUR })).toBe(200);
    });

    test('clock skew: expired 59 s ago is still accepted, 61 s ago is not', async () => {
      expect(await statusWith({ iat: T - 600, exp: T - 59 })).toBe(200);
      expect(await statusWith({ iat: T - 600, exp: T - 61 })).toBe(401);
    });

    test('the configured issuer and audience are required', async () => {
      expect(await statusWith({ iat: T, exp: T + 300, iss: 'https://evil.example' })).toBe(401);
      expect(await statusWith({ iat: T, exp: T + 300, iss: undefined })).toBe(401);
      expect(await statusWith({ iat: T, exp: T + 300, aud: 'someone-else' })).toBe(401);
      expect(await statusWith({ iat: T, exp: T + 300, aud: undefined })).toBe(401);
      expect(await statusWith({ iat: T, exp: T + 300, aud: ['other', 'mphb-sync'] })).toBe(200);
    });

    test('the app\'s clock decides: the same token is accepted at one "now" and refused after its exp + 60 s', async () => {
      const token = await jwtWith({ ...good, tenant_id: indo.tenant_id, iat: T, exp: T + 300 });
      let now = NOW;
      const timed = createHttpApp({
        db: h.db, core: h.core, clientFor: async () => { throw new Error('not used'); }, clock: () => now,
        jwt: platformJwtVerifier({ secret: JWT_SECRET }),
      });
      expect((await fetchApp(timed, `${BASE}/runs?tenant_id=indo`, { headers: bearer(token) })).status).toBe(200);
      now = new Date((T + 300 + 59) * 1000);
      expect((await fetchApp(timed, `${BASE}/runs?tenant_id=indo`, { headers: bearer(token) })).status).toBe(200);
      now = new Date((T + 300 + 61) * 1000);
      expect((await fetchApp(timed, `${BASE}/runs?tenant_id=indo`, { headers: bearer(token) })).status).toBe(401);
    });

    test('MPHB_JWT_ISSUER / MPHB_JWT_AUDIENCE from the environment: Node server and edge builder', async () => {
      const now = Math.floor(Date.now() / 1000);
      const claims = { tenant_id: indo.tenant_id, role: 'staff', iat: now, exp: now + 300 };
      const right = await jwtWith({ ...claims, iss: 'https://issuer.test', aud: 'mphb' });
      const wrongIss = await jwtWith({ ...claims, iss: 'https://other.test', aud: 'mphb' });
      const noAud = await jwtWith({ ...claims, iss: 'https://issuer.test' });

      const saved = { ...process.env };
      Object.assign(process.env, { MPHB_JWT_SECRET: JWT_SECRET, MPHB_JWT_ISSUER: 'https://issuer.test', MPHB_JWT_AUDIENCE: 'mphb' });
      let node;
      try {
        node = await startHttpServer({ db: h.db, core: h.core, encryptionKey: KEY });
      } finally {
        for (const k of ['MPHB_JWT_SECRET', 'MPHB_JWT_ISSUER', 'MPHB_JWT_AUDIENCE']) {
          if (k in saved) process.env[k] = saved[k]; else delete process.env[k];
        }
      }
      try {
        const at = (token) => fetch(`${node.url}${BASE}/runs?tenant_id=indo`, { headers: bearer(token) }).then((r) => r.status);
        expect(await at(right)).toBe(200);
        expect(await at(wrongIss)).toBe(401);
        expect(await at(noAud)).toBe(401);
      } finally {
        await node.stop();
      }

      const edge = createEdgeApp({
        env: { MPHB_ENCRYPTION_KEY: KEY, MPHB_JWT_SECRET: JWT_SECRET, MPHB_JWT_ISSUER: 'https://issuer.test', MPHB_JWT_AUDIENCE: 'mphb' },
        db: h.db, coreOptions: {}, log: { info() {}, warn() {}, error() {} },
      });
      const atEdge = (token) => fetchApp(edge, `${BASE}/runs?tenant_id=indo`, { headers: bearer(token) }).then((r) => r.status);
      expect(await atEdge(right)).toBe(200);
      expect(await atEdge(wrongIss)).toBe(401);
      expect(await atEdge(noAud)).toBe(401);
      await edge.close();
    });
  });

  describe('stream tickets are bound to one purpose and URL', () => {
    let runA;
    let runB;
    let otherRun;

    beforeAll(async () => {
      // Runs through the app, so their events are stored (sync_run_events) and can be replayed.
      for (const [slug, token] of [['indo', indoToken], ['indo', indoToken], ['other', otherToken]]) {
        const r = await call(`${BASE}/sync-all?tenant_id=${slug}`, { method: 'POST', headers: bearer(token) });
        expect(r.text).toMatch(/event: complete/);
      }
      const runs = await h.db.query('select id, tenant_id from public.sync_runs order by started_at');
      [runA, runB] = runs.filter((r) => r.tenant_id === indo.tenant_id).map((r) => r.id);
      otherRun = runs.find((r) => r.tenant_id === other.tenant_id).id;
    });

    test('issued with ?purpose= (default sync-all) and ?run_id= (events only); the row stores both', async () => {
      const plain = await ticketFor('');
      expect(plain.status).toBe(200);
      expect(plain.json).toEqual({ ticket: expect.stringMatching(/^tkt_/), expires_in: 60, purpose: 'sync-all' });
      const events = await ticketFor(`&purpose=events&run_id=${runA.toUpperCase()}`);
      expect(events.status).toBe(200);
      expect(events.json).toEqual({ ticket: expect.stringMatching(/^tkt_/), expires_in: 60, purpose: 'events', run_id: runA });
      const rows = await h.db.query('select purpose, run_id from public.stream_tickets where tenant_id = $1 order by expires_at desc, purpose', [indo.tenant_id]);
      expect(rows.slice(0, 2).map((r) => [r.purpose, r.run_id]).sort()).toEqual([['events', runA], ['sync-all', null]]);
    });

    test('a ticket request that names no URL properly → 400 naming the field; another tenant\'s run → 404', async () => {
      for (const [query, field] of [['&purpose=everything', 'purpose'], ['&purpose=events', 'run_id'], ['&purpose=events&run_id=not-a-uuid', 'run_id'],
        [`&purpose=sync-all&run_id=${runA}`, 'run_id'], [`&run_id=${runA}`, 'run_id']]) {
        const r = await ticketFor(query);
        expect([query, r.status, r.json.code, r.json.field]).toEqual([query, 400, 'invalid_parameter', field]);
      }
      const foreign = await ticketFor(`&purpose=events&run_id=${otherRun}`);
      expect(foreign.status).toBe(404);
      expect(foreign.json.code).toBe('unknown_run');
      const unknown = await ticketFor('&purpose=events&run_id=11111111-2222-4333-8444-555555555555');
      expect(unknown.status).toBe(404);
    });

    test('an events ticket opens its run\'s events once; not another run, not Sync All', async () => {
      const own = (await ticketFor(`&purpose=events&run_id=${runA}`)).json.ticket;
      const ok = await call(`${BASE}/runs/${runA}/events?tenant_id=indo&ticket=${own}`);
      expect(ok.status).toBe(200);
      expect(ok.text).toMatch(/event: complete/);
      expect((await call(`${BASE}/runs/${runA}/events?tenant_id=indo&ticket=${own}`)).status).toBe(401);

      const forA = (await ticketFor(`&purpose=events&run_id=${runA}`)).json.ticket;
      const wrongRun = await call(`${BASE}/runs/${runB}/events?tenant_id=indo&ticket=${forA}`);
      expect(wrongRun.status).toBe(401);
      expect(wrongRun.json.code).toBe('unauthenticated');
      expect(wrongRun.json.message).toMatch(/another URL/);

      const before = await runCount();
      const forA2 = (await ticketFor(`&purpose=events&run_id=${runA}`)).json.ticket;
      const notSyncAll = await call(`${BASE}/sync-all?tenant_id=indo&ticket=${forA2}`);
      expect(notSyncAll.status).toBe(401);
      expect(await runCount()).toBe(before);
    });

    test('a sync-all ticket does not open a run\'s events', async () => {
      const syncTicket = (await ticketFor('&purpose=sync-all')).json.ticket;
      const r = await call(`${BASE}/runs/${runA}/events?tenant_id=indo&ticket=${syncTicket}`);
      expect(r.status).toBe(401);
      expect(r.json.code).toBe('unauthenticated');
    });

    test('a ticket presented on the wrong URL is spent all the same', async () => {
      const syncTicket = (await ticketFor('')).json.ticket;
      expect((await call(`${BASE}/runs/${runA}/events?tenant_id=indo&ticket=${syncTicket}`)).status).toBe(401);
      expect((await call(`${BASE}/sync-all?tenant_id=indo&ticket=${syncTicket}`)).status).toBe(401);
    });

    test('a ticket is no credential for any other endpoint: 400 credential_in_url where tickets are not accepted', async () => {
      for (const [method, path] of [['GET', `${BASE}/runs?tenant_id=indo`], ['GET', `${BASE}/health?tenant_id=indo`], ['POST', `${BASE}/sync?tenant_id=indo`],
        ['POST', `${BASE}/stream-ticket?tenant_id=indo`], ['POST', `${BASE}/sync-all?tenant_id=indo`], ['POST', `${BASE}/repair?tenant_id=indo`],
        ['GET', '/api/guest/my-stay'], ['POST', '/api/guest/login?tenant_id=indo']]) {
        const fresh = (await ticketFor('')).json.ticket;
        const r = await call(`${path}${path.includes('?') ? '&' : '?'}ticket=${fresh}`, { method });
        expect([method, path, r.status, r.json?.code]).toEqual([method, path, 400, 'credential_in_url']);
        expect(r.text).not.toContain(fresh);
      }
    });
  });

  describe('Sync All is started only by a POST', () => {
    test('GET …/sync-all with a bearer starts nothing: 405 method_not_allowed, Allow: POST', async () => {
      const before = await runCount();
      const r = await call(`${BASE}/sync-all?tenant_id=indo`, { headers: bearer(indoToken) });
      expect(r.status).toBe(405);
      expect(r.json.code).toBe('method_not_allowed');
      expect(r.headers.get('allow')).toBe('POST');
      expect(await runCount()).toBe(before);
      // Without any credential it is still 401, another tenant's bearer still 403.
      expect((await call(`${BASE}/sync-all?tenant_id=indo`)).status).toBe(401);
      expect((await call(`${BASE}/sync-all?tenant_id=indo`, { headers: bearer(otherToken) })).status).toBe(403);
      expect(await runCount()).toBe(before);
    });

    test('GET …/sync-all?ticket= redeems a sync-all ticket issued by POST, once: one run', async () => {
      const before = await runCount();
      const ticket = (await ticketFor('&purpose=sync-all')).json.ticket;
      const r = await call(`${BASE}/sync-all?tenant_id=indo&ticket=${ticket}`);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(r.text).toMatch(/event: complete/);
      expect(await runCount()).toBe(before + 1);
      expect((await call(`${BASE}/sync-all?tenant_id=indo&ticket=${ticket}`)).status).toBe(401);
      expect(await runCount()).toBe(before + 1);
    });

    test('POST …/sync-all with a bearer starts it', async () => {
      const before = await runCount();
      const r = await call(`${BASE}/sync-all?tenant_id=indo`, { method: 'POST', headers: bearer(indoToken) });
      expect(r.status).toBe(200);
      expect(r.text).toMatch(/event: complete/);
      expect(await runCount()).toBe(before + 1);
    });
  });

  describe('inputs are checked by schema at the edge', () => {
    const staffEndpoints = (q) => [
      ['POST', `${BASE}/stream-ticket?${q}`], ['POST', `${BASE}/sync?${q}`], ['POST', `${BASE}/sync-all?${q}`], ['GET', `${BASE}/sync-all?${q}`],
      ['GET', `${BASE}/runs?${q}`], ['GET', `${BASE}/health?${q}`], ['POST', `${BASE}/repair?${q}`],
      ['GET', `${BASE}/runs/00000000-0000-4000-8000-000000000000/events?${q}`],
    ];
    const badTenants = [['a NUL byte', 'indo%00'], ['only a NUL byte', '%00'], ['10 KB', 'x'.repeat(10 * 1024)], ['101 characters', 'y'.repeat(101)],
      ['a line break', 'in%0Ado'], ['DEL', 'in%7Fdo'], ['a C1 control', 'in%C2%85do'], ['twice', 'indo&tenant_id=indo']];

    test.each(badTenants)('tenant_id with %s → 400 invalid_parameter naming tenant_id, on every staff endpoint, with or without a bearer', async (_, value) => {
      const before = await runCount();
      for (const [method, path] of staffEndpoints(`tenant_id=${value}`)) {
        for (const headers of [bearer(indoToken), {}]) {
          const r = await call(path, { method, headers });
          expect([method, path.slice(0, 80), r.status, r.json?.code, r.json?.field]).toEqual([method, path.slice(0, 80), 400, 'invalid_parameter', 'tenant_id']);
          expect(typeof r.json.message).toBe('string');
          expect(r.text.length).toBeLessThan(500); // the value is never echoed
        }
      }
      expect(await runCount()).toBe(before);
    });

    test('the guest endpoints check ?tenant_id= with the same schema', async () => {
      for (const value of ['indo%00', 'x'.repeat(10 * 1024), 'in%0Ado']) {
        for (const [method, path] of [['POST', `/api/guest/login?tenant_id=${value}`], ['GET', `/api/guest/my-stay?tenant_id=${value}`], ['POST', `/api/guest/ask?tenant_id=${value}`]]) {
          const r = await call(path, { method, headers: { 'content-type': 'application/json' }, body: method === 'POST' ? '{}' : undefined });
          expect([method, path.slice(0, 60), r.status, r.json?.code, r.json?.field]).toEqual([method, path.slice(0, 60), 400, 'invalid_parameter', 'tenant_id']);
          expect(r.headers.get('cache-control')).toBe('no-store');
        }
      }
      // The core still reports a missing tenant on login.
      const missing = await fetch(`${server.url}/api/guest/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"check_in_date": "2026-11-10", "phone_last_4": "1234"}' });
      expect([missing.status, (await missing.json()).field]).toEqual([400, 'tenant_id']);
      const nul = await fetch(`${server.url}/api/guest/login?tenant_id=indo%00`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"check_in_date": "2026-11-10", "phone_last_4": "1234"}' });
      expect([nul.status, (await nul.json()).field]).toEqual([400, 'tenant_id']);
    });

    test('NUL and 10 KB tenant_id through the real Node server → 400, not 500', async () => {
      for (const value of ['indo%00', 'x'.repeat(10 * 1024)]) {
        const response = await fetch(`${server.url}${BASE}/runs?tenant_id=${value}`, { headers: bearer(indoToken) });
        expect(response.status).toBe(400);
        expect(await response.json()).toMatchObject({ code: 'invalid_parameter', field: 'tenant_id' });
      }
    });

    test('a missing or empty tenant_id → 400 missing_tenant naming tenant_id', async () => {
      for (const path of [`${BASE}/runs`, `${BASE}/runs?tenant_id=`]) {
        const r = await call(path, { headers: bearer(indoToken) });
        expect([r.status, r.json.code, r.json.field]).toEqual([400, 'missing_tenant', 'tenant_id']);
      }
    });

    test('limit, apply, last_event_id and ticket are checked too', async () => {
      for (const limit of ['0', '201', 'abc', '-1', '1.5', '', '9999999']) {
        const r = await call(`${BASE}/runs?tenant_id=indo&limit=${limit}`, { headers: bearer(indoToken) });
        expect([limit, r.status, r.json.field]).toEqual([limit, 400, 'limit']);
      }
      expect((await call(`${BASE}/runs?tenant_id=indo&limit=200`, { headers: bearer(indoToken) })).status).toBe(200);
      const apply = await call(`${BASE}/repair?tenant_id=indo&apply=maybe`, { method: 'POST', headers: bearer(indoToken) });
      expect([apply.status, apply.json.code, apply.json.field]).toEqual([400, 'invalid_parameter', 'apply']);
      const lastId = await call(`${BASE}/runs/00000000-0000-4000-8000-000000000000/events?tenant_id=indo&last_event_id=a%00b`, { headers: bearer(indoToken) });
      expect([lastId.status, lastId.json.field]).toEqual([400, 'last_event_id']);
      const ticket = await call(`${BASE}/sync-all?tenant_id=indo&ticket=tkt%00x`);
      expect([ticket.status, ticket.json.field]).toEqual([400, 'ticket']);
    });
  });

  describe('credentials in a URL are refused in any case', () => {
    const names = ['token', 'Token', 'TOKEN', 'access_token', 'Access-Token', 'bearer', 'Authorization', 'api_key', 'API_KEY', 'apikey', 'apiKey',
      'jwt', 'JWT', 'key', 'Key', 'secret', 'Secret', 'password', 'Password'];

    test.each(names)('?%s= → 400 credential_in_url on staff and guest endpoints, beside a valid bearer too', async (name) => {
      for (const [method, path] of [['GET', `${BASE}/runs?tenant_id=indo`], ['POST', `${BASE}/sync-all?tenant_id=indo`], ['GET', `${BASE}/sync-all?tenant_id=indo`],
        ['GET', `${BASE}/runs/00000000-0000-4000-8000-000000000000/events?tenant_id=indo`], ['POST', `${BASE}/stream-ticket?tenant_id=indo`],
        ['GET', '/api/guest/my-stay?tenant_id=indo'], ['POST', '/api/guest/login?tenant_id=indo']]) {
        for (const headers of [bearer(indoToken), {}]) {
          const r = await call(`${path}&${name}=${indoToken}`, { method, headers });
          expect([method, path, name, r.status, r.json?.code]).toEqual([method, path, name, 400, 'credential_in_url']);
          expect(r.text).not.toContain(indoToken);
        }
      }
    });

    test('?Ticket= is a ticket name where tickets are accepted, a credential elsewhere', async () => {
      expect((await call(`${BASE}/runs?tenant_id=indo&Ticket=tkt_x`, { headers: bearer(indoToken) })).json.code).toBe('credential_in_url');
      // On an SSE URL it is no refusal (only ?ticket= is read, so it is no credential either: 401).
      expect((await call(`${BASE}/sync-all?tenant_id=indo&Ticket=tkt_x`)).status).toBe(401);
    });

    test('ordinary parameters are not mistaken for credentials', async () => {
      expect((await call(`${BASE}/runs?tenant_id=indo&limit=5&keyword=x&monkey=1`, { headers: bearer(indoToken) })).status).toBe(200);
    });
  });

  describe('security headers', () => {
    const expectPageHeaders = (headers) => {
      expect(headers.get('content-security-policy')).toBe(EXPECTED_CSP);
      expect(headers.get('x-frame-options')).toBe('DENY');
      expect(headers.get('x-content-type-options')).toBe('nosniff');
      expect(headers.get('referrer-policy')).toBe('no-referrer');
    };

    test('the staff page and the guest page carry CSP, X-Frame-Options, nosniff and Referrer-Policy (Node server)', async () => {
      expect(PAGE_CSP).toBe(EXPECTED_CSP);
      for (const path of ['/', '/?tenant=indo', '/my-stay?tenant=indo']) {
        const response = await fetch(`${server.url}${path}`);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toMatch(/^text\/html/);
        expectPageHeaders(response.headers);
        await response.text();
      }
    });

    test('every JSON answer (200, 400, 401, 404), the SSE stream and the OpenAPI document carry nosniff', async () => {
      const answers = [
        await call('/api/openapi.json'),
        await call(`${BASE}/runs?tenant_id=indo`, { headers: bearer(indoToken) }),
        await call(`${BASE}/runs?tenant_id=indo`),
        await call(`${BASE}/runs?tenant_id=indo%00`),
        await call(`${BASE}/runs?tenant_id=nosuchhotel`, { headers: bearer(indoToken) }),
        await call('/api/guest/my-stay'),
        await call('/no/such/path'),
        await call(`${BASE}/sync-all?tenant_id=indo`, { method: 'POST', headers: bearer(indoToken) }),
      ];
      expect(answers.map((a) => a.status)).toEqual([200, 200, 401, 400, 404, 401, 404, 200]);
      for (const a of answers) expect(a.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answers.at(-1).headers.get('content-type')).toMatch(/^text\/event-stream/);
    });
  });

  describe('CORS', () => {
    const preflight = (target, path, origin) => fetchApp(target, path, {
      method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });

    test('no origins configured (the default): preflights answer 204 without CORS headers, answers carry none', async () => {
      for (const path of [`${BASE}/sync-all?tenant_id=indo`, `${BASE}/runs?tenant_id=indo`, '/api/guest/login', '/', '/no/such/path']) {
        const r = await preflight(app, path, 'https://app.example');
        expect([path, r.status]).toEqual([path, 204]);
        // Without Access-Control-Allow-Origin a browser lets no other origin read or send anything.
        expect(r.headers.get('access-control-allow-origin')).toBeNull();
        expect(r.headers.get('access-control-allow-credentials')).toBeNull();
      }
      const r = await call(`${BASE}/runs?tenant_id=indo`, { headers: { ...bearer(indoToken), origin: 'https://app.example' } });
      expect(r.status).toBe(200);
      expect(r.headers.get('access-control-allow-origin')).toBeNull();
      // The real server too.
      const real = await fetch(`${server.url}${BASE}/runs?tenant_id=indo`, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' } });
      expect(real.status).toBe(204);
      expect(real.headers.get('access-control-allow-origin')).toBeNull();
    });

    test('configured origins: those get CORS headers (GET, POST; Authorization, Content-Type, Last-Event-ID), others none', async () => {
      const cors = createHttpApp({ db: h.db, core: h.core, clientFor: async () => { throw new Error('not used'); }, corsOrigins: 'https://app.example, http://localhost:5173' });
      const allowed = await preflight(cors, `${BASE}/sync-all?tenant_id=indo`, 'https://app.example');
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
      const list = (name) => allowed.headers.get(name).split(',').map((x) => x.trim());
      expect(list('access-control-allow-methods')).toEqual(['GET', 'POST']);
      expect(list('access-control-allow-headers')).toEqual(['Authorization', 'Content-Type', 'Last-Event-ID']);
      expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
      expect(allowed.headers.get('vary')).toMatch(/Origin/);
      expect((await preflight(cors, `${BASE}/runs`, 'http://localhost:5173')).headers.get('access-control-allow-origin')).toBe('http://localhost:5173');

      const refused = await preflight(cors, `${BASE}/sync-all?tenant_id=indo`, 'https://evil.example');
      expect(refused.status).toBe(204);
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();

      const answer = await fetchApp(cors, `${BASE}/runs?tenant_id=indo`, { headers: { ...bearer(indoToken), origin: 'https://app.example' } });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('access-control-allow-origin')).toBe('https://app.example');
      const denied = await fetchApp(cors, `${BASE}/runs?tenant_id=indo`, { headers: { origin: 'https://app.example' } });
      expect(denied.status).toBe(401);
      expect(denied.headers.get('access-control-allow-origin')).toBe('https://app.example');
      const foreign = await fetchApp(cors, `${BASE}/runs?tenant_id=indo`, { headers: { ...bearer(indoToken), origin: 'https://evil.example' } });
      expect(foreign.status).toBe(200);
      expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    });

    test('MPHB_CORS_ORIGINS: read by the Node server and the edge builder; a malformed entry stops the edge start with not_configured', async () => {
      const saved = process.env.MPHB_CORS_ORIGINS;
      process.env.MPHB_CORS_ORIGINS = 'https://node.example';
      let node;
      try {
        node = await startHttpServer({ db: h.db, core: h.core, encryptionKey: KEY });
      } finally {
        if (saved === undefined) delete process.env.MPHB_CORS_ORIGINS; else process.env.MPHB_CORS_ORIGINS = saved;
      }
      try {
        const r = await fetch(`${node.url}${BASE}/runs?tenant_id=indo`, { method: 'OPTIONS', headers: { origin: 'https://node.example', 'access-control-request-method': 'GET' } });
        expect(r.status).toBe(204);
        expect(r.headers.get('access-control-allow-origin')).toBe('https://node.example');
      } finally {
        await node.stop();
      }

      const quiet = { info() {}, warn() {}, error() {} };
      const edge = createEdgeApp({ env: { MPHB_ENCRYPTION_KEY: KEY, MPHB_CORS_ORIGINS: 'https://edge.example' }, db: h.db, log: quiet });
      const r = await preflight(edge, `${BASE}/runs?tenant_id=indo`, 'https://edge.example');
      expect(r.status).toBe(204);
      expect(r.headers.get('access-control-allow-origin')).toBe('https://edge.example');
      await edge.close();

      const broken = createEdgeApp({ env: { MPHB_ENCRYPTION_KEY: KEY, MPHB_CORS_ORIGINS: 'https://ok.example,https://bad.example/path' }, db: h.db, log: quiet });
      const failed = await fetchApp(broken, `${BASE}/runs?tenant_id=indo`, { headers: bearer(indoToken) });
      expect(failed.status).toBe(500);
      expect(failed.json.code).toBe('not_configured');
      expect(failed.json.message).toMatch(/MPHB_CORS_ORIGINS/);
      await broken.close();
    });
  });
});
