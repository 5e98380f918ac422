// Staff authentication of the HTTP host (docs/http-api.md "Staff credentials", SPEC §5): bearer staff
// tokens (unknown, expired, revoked, another tenant's), platform JWTs (HS256 with tenant_id and role),
// single-use stream tickets for EventSource URLs, no credential ever accepted in a URL, tenant lookup
// errors — and no response, JSON or SSE, ever carrying a MotoPress consumer key or secret.
import { jest } from '@jest/globals';
import { createParser } from 'eventsource-parser';
import { SignJWT } from 'jose';

import { createHttpApp } from '../../host/http/http_app.js';
import { startHttpServer } from '../../host/http/node_server.js';
import { createStaffToken, revokeStaffToken } from '../../host/http/staff_tokens.js';
import { closeTemplates, databaseKinds } from './support/test_databases.js';
import { createSyncHarness } from './support/sync_harness.js';

jest.setTimeout(60000);

const KEY = Buffer.alloc(32, 7).toString('base64');
const JWT_SECRET = 'x'.repeat(32);
const BASE = '/api/integrations/motopress';

const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

function signJwt(claims, { secret = JWT_SECRET, expiresAt = '5m' } = {}) {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime(expiresAt)
    .sign(new TextEncoder().encode(secret));
}

/** The events of a complete text/event-stream body. */
function parseSse(text) {
  const events = [];
  const parser = createParser({ onEvent: (e) => events.push({ event: e.event, id: e.id, data: JSON.parse(e.data) }) });
  parser.feed(text);
  return events;
}

describe.each(databaseKinds())('HTTP staff authentication on %s', (kind) => {
  let h;
  let server;
  let indo;
  let other;
  let indoToken;
  let otherToken;
  const bodies = []; // every response body this suite saw, for the secrets check

  /** One request; the whole body is read (SSE streams to their end) and kept. */
  async function call(path, { method = 'GET', headers = {}, base = server.url } = {}) {
    const response = await fetch(`${base}${path}`, { method, headers });
    const text = await response.text();
    bodies.push({ path, status: response.status, text });
    const type = response.headers.get('content-type') ?? '';
    return {
      status: response.status,
      type,
      text,
      json: type.startsWith('application/json') ? JSON.parse(text) : null,
      events: type.startsWith('text/event-stream') ? parseSse(text) : null,
    };
  }
  const bearer = (token) => ({ authorization: `Bearer ${token}` });

  // Every tenant endpoint, as [method, path-with-query-prefix]; none of them must answer without a credential.
  const endpoints = (tenant) => [
    ['POST', `${BASE}/stream-ticket?tenant_id=${tenant}`],
    ['POST', `${BASE}/sync?tenant_id=${tenant}`],
    ['POST', `${BASE}/sync-all?tenant_id=${tenant}`],
    ['GET', `${BASE}/sync-all?tenant_id=${tenant}`],
    ['GET', `${BASE}/runs?tenant_id=${tenant}`],
    ['GET', `${BASE}/health?tenant_id=${tenant}`],
    ['GET', `${BASE}/runs/00000000-0000-4000-8000-000000000000/events?tenant_id=${tenant}`],
  ];

  beforeAll(async () => {
    h = await createSyncHarness(kind, { hotels: 'indo,other=indo' });
    indo = await h.addTenant('indo');
    other = await h.addTenant('other');
    indoToken = (await createStaffToken(h.db, { tenantId: indo.tenant_id, role: 'staff' })).token;
    otherToken = (await createStaffToken(h.db, { tenantId: other.tenant_id, role: 'admin' })).token;
    server = await startHttpServer({
      db: h.db, core: h.core, encryptionKey: KEY, heartbeatMs: 200, jwt: { secret: JWT_SECRET },
      clientOptions: { retries: 1, sleep: async () => {} },
    });
  });
  afterEach(() => h?.sim.setFaults(''));
  afterAll(async () => {
    await server?.stop();
    await h?.close();
  });

  test('a valid staff token works, by slug and by UUID', async () => {
    const bySlug = await call(`${BASE}/runs?tenant_id=indo`, { headers: bearer(indoToken) });
    expect(bySlug.status).toBe(200);
    const byId = await call(`${BASE}/runs?tenant_id=${indo.tenant_id}`, { headers: bearer(indoToken) });
    expect(byId.status).toBe(200);
    const byUpperId = await call(`${BASE}/health?tenant_id=${indo.tenant_id.toUpperCase()}`, { headers: bearer(indoToken) });
    expect(byUpperId.status).toBe(200);
    expect(byUpperId.json.tenant.tenant_id).toBe(indo.tenant_id);
  });

  test('no credential → 401 unauthenticated on every tenant endpoint', async () => {
    for (const [method, path] of endpoints('indo')) {
      const r = await call(path, { method });
      expect([method, path, r.status]).toEqual([method, path, 401]);
      expect(r.json.code).toBe('unauthenticated');
      expect(typeof r.json.message).toBe('string');
    }
    // A header that is not a bearer is no credential either.
    const basic = await call(`${BASE}/runs?tenant_id=indo`, { headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } });
    expect(basic.status).toBe(401);
  });

  test('a wrong token → 401 on every tenant endpoint', async () => {
    for (const token of ['mst_thisisnotatoken', 'garbage', indoToken.slice(0, -2)]) {
      for (const [method, path] of endpoints('indo')) {
        const r = await call(path, { method, headers: bearer(token) });
        expect([method, path, r.status]).toEqual([method, path, 401]);
        expect(r.json.code).toBe('unauthenticated');
      }
    }
  });

  test('an expired token → 401', async () => {
    const { token } = await createStaffToken(h.db, { tenantId: indo.tenant_id, role: 'staff', expiresInSeconds: 1 });
    expect((await call(`${BASE}/runs?tenant_id=indo`, { headers: bearer(token) })).status).toBe(200);
    await sleep(1500);
    const r = await call(`${BASE}/runs?tenant_id=indo`, { headers: bearer(token) });
    expect(r.status).toBe(401);
    expect(r.json.code).toBe('unauthenticated');
  });

  test('a revoked token → 401', async () => {
    const { id, token } = await createStaffToken(h.db, { tenantId: indo.tenant_id, role: 'admin' });
    expect((await call(`${BASE}/health?tenant_id=indo`, { headers: bearer(token) })).status).toBe(200);
    expect(await revokeStaffToken(h.db, id)).toBe(true);
    const r = await call(`${BASE}/health?tenant_id=indo`, { headers: bearer(token) });
    expect(r.status).toBe(401);
    expect(r.json.code).toBe('unauthenticated');
  });

  test("another tenant's token → 403 forbidden_tenant on every tenant endpoint", async () => {
    for (const [method, path] of endpoints('indo')) {
      const r = await call(path, { method, headers: bearer(otherToken) });
      expect([method, path, r.status]).toEqual([method, path, 403]);
      expect(r.json.code).toBe('forbidden_tenant');
    }
    // By UUID too.
    const r = await call(`${BASE}/runs?tenant_id=${indo.tenant_id}`, { headers: bearer(otherToken) });
    expect(r.status).toBe(403);
  });

  test('a credential in the query string → 400 credential_in_url, even beside a valid bearer, SSE URLs included', async () => {
    for (const name of ['token', 'access_token']) {
      for (const [method, path] of endpoints('indo')) {
        const r = await call(`${path}&${name}=${indoToken}`, { method, headers: bearer(indoToken) });
        expect([method, path, name, r.status]).toEqual([method, path, name, 400]);
        expect(r.json.code).toBe('credential_in_url');
        expect(r.text).not.toContain(indoToken);
        const bare = await call(`${path}&${name}=${indoToken}`, { method });
        expect([method, path, name, bare.status]).toEqual([method, path, name, 400]);
        expect(bare.json.code).toBe('credential_in_url');
      }
    }
    // The EventSource URL with a ticket and a token.
    const { json } = await call(`${BASE}/stream-ticket?tenant_id=indo`, { method: 'POST', headers: bearer(indoToken) });
    const r = await call(`${BASE}/sync-all?tenant_id=indo&ticket=${json.ticket}&access_token=${indoToken}`);
    expect(r.status).toBe(400);
    expect(r.json.code).toBe('credential_in_url');
  });

  test('stream tickets: issued to a bearer for 60 s, good once for an SSE URL, for their own tenant only', async () => {
    const issued = await call(`${BASE}/stream-ticket?tenant_id=indo`, { method: 'POST', headers: bearer(indoToken) });
    expect(issued.status).toBe(200);
    // (Without ?purpose= a ticket is for GET …/sync-all.)
    expect(issued.json).toEqual({ ticket: expect.any(String), expires_in: 60, purpose: 'sync-all' });
    const { ticket } = issued.json;

    const first = await call(`${BASE}/sync-all?tenant_id=indo&ticket=${encodeURIComponent(ticket)}`);
    expect(first.status).toBe(200);
    expect(first.type).toMatch(/^text\/event-stream/);
    expect(first.events.at(-1).data).toMatchObject({ type: 'complete', counts: expect.any(Object) });
    expect(first.events[0].data).toMatchObject({ type: 'progress', stage: 'accommodations' });

    const second = await call(`${BASE}/sync-all?tenant_id=indo&ticket=${encodeURIComponent(ticket)}`);
    expect(second.status).toBe(401);
    expect(second.json.code).toBe('unauthenticated');

    // A ticket of tenant indo for tenant other.
    const forIndo = (await call(`${BASE}/stream-ticket?tenant_id=indo`, { method: 'POST', headers: bearer(indoToken) })).json.ticket;
    const crossed = await call(`${BASE}/sync-all?tenant_id=other&ticket=${encodeURIComponent(forIndo)}`);
    expect(crossed.status).toBe(403);
    expect(crossed.json.code).toBe('forbidden_tenant');

    // A ticket is no bearer: not for the JSON endpoints, not to mint more tickets, not as Authorization.
    // (In the query string of an endpoint that takes no ticket it is a credential in the URL: 400.)
    for (const [method, path] of [['GET', `${BASE}/runs?tenant_id=indo`], ['GET', `${BASE}/health?tenant_id=indo`],
      ['POST', `${BASE}/sync?tenant_id=indo`], ['POST', `${BASE}/stream-ticket?tenant_id=indo`], ['POST', `${BASE}/sync-all?tenant_id=indo`]]) {
      const fresh = (await call(`${BASE}/stream-ticket?tenant_id=indo`, { method: 'POST', headers: bearer(indoToken) })).json.ticket;
      const viaQuery = await call(`${path}&ticket=${encodeURIComponent(fresh)}`, { method });
      expect([method, path, viaQuery.status, viaQuery.json.code]).toEqual([method, path, 400, 'credential_in_url']);
      const viaHeader = await call(path, { method, headers: bearer(fresh) });
      expect([method, path, viaHeader.status]).toEqual([method, path, 401]);
    }

    // Unknown and expired tickets.
    expect((await call(`${BASE}/sync-all?tenant_id=indo&ticket=tkt_unknown`)).status).toBe(401);
    const stale = (await call(`${BASE}/stream-ticket?tenant_id=indo`, { method: 'POST', headers: bearer(indoToken) })).json.ticket;
    await h.db.query("update public.stream_tickets set expires_at = now() - interval '1 second' where used_at is null");
    expect((await call(`${BASE}/sync-all?tenant_id=indo&ticket=${encodeURIComponent(stale)}`)).status).toBe(401);

    // Without a bearer, a ticket is required for the EventSource GET.
    expect((await call(`${BASE}/sync-all?tenant_id=indo`)).status).toBe(401);
    const issuedWithout = await call(`${BASE}/stream-ticket?tenant_id=indo`, { method: 'POST' });
    expect(issuedWithout.status).toBe(401);
  });

  test('the run events endpoint takes a ticket too (one of purpose events for that run)', async () => {
    const runs = (await call(`${BASE}/runs?tenant_id=indo`, { headers: bearer(indoToken) })).json.runs;
    const run = runs.find((r) => r.kind === 'sync-all' && r.status === 'succeeded');
    expect(run).toBeDefined();
    const ticket = (await call(`${BASE}/stream-ticket?tenant_id=indo&purpose=events&run_id=${run.id}`, { method: 'POST', headers: bearer(indoToken) })).json.ticket;
    const r = await call(`${BASE}/runs/${run.id}/events?tenant_id=indo&ticket=${encodeURIComponent(ticket)}`);
    expect(r.status).toBe(200);
    expect(r.events.at(-1).data.type).toBe('complete');
    expect((await call(`${BASE}/runs/${run.id}/events?tenant_id=indo&ticket=${encodeURIComponent(ticket)}`)).status).toBe(401);
  });

  test('platform JWTs (HS256, tenant_id + role): accepted for their tenant only, refused when forged or expired', async () => {
    const good = await signJwt({ tenant_id: indo.tenant_id, role: 'staff' });
    const ok = await call(`${BASE}/runs?tenant_id=indo`, { headers: bearer(good) });
    expect(ok.status).toBe(200);
    expect((await call(`${BASE}/health?tenant_id=${indo.tenant_id}`, { headers: bearer(good) })).status).toBe(200);
    const ticket = await call(`${BASE}/stream-ticket?tenant_id=indo`, { method: 'POST', headers: bearer(good) });
    expect(ticket.status).toBe(200);

    const elsewhere = await call(`${BASE}/runs?tenant_id=other`, { headers: bearer(good) });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.json.code).toBe('forbidden_tenant');

    const forged = await signJwt({ tenant_id: indo.tenant_id, role: 'admin' }, { secret: 'y'.repeat(32) });
    const f = await call(`${BASE}/runs?tenant_id=indo`, { headers: bearer(forged) });
    expect(f.status).toBe(401);
    expect(f.json.code).toBe('unauthenticated');

    const expired = await signJwt({ tenant_id: indo.tenant_id, role: 'staff' }, { expiresAt: Math.floor(Date.now() / 1000) - 60 });
    const e = await call(`${BASE}/runs?tenant_id=indo`, { headers: bearer(expired) });
    expect(e.status).toBe(401);
    expect(e.json.code).toBe('unauthenticated');

    const noTenant = await signJwt({ role: 'staff' });
    expect((await call(`${BASE}/runs?tenant_id=indo`, { headers: bearer(noTenant) })).status).toBe(401);

    // A token of the right tenant but not a staff role (e.g. a guest's session) is not staff.
    for (const role of ['authenticated', 'guest', undefined]) {
      const notStaff = await signJwt(role === undefined ? { tenant_id: indo.tenant_id } : { tenant_id: indo.tenant_id, role });
      expect((await call(`${BASE}/runs?tenant_id=indo`, { headers: bearer(notStaff) })).status).toBe(401);
    }

    // alg "none": an unsigned token with the right claims.
    const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ tenant_id: indo.tenant_id, role: 'admin', exp: Math.floor(Date.now() / 1000) + 300 })}.`;
    expect((await call(`${BASE}/runs?tenant_id=indo`, { headers: bearer(unsigned) })).status).toBe(401);

    // A JWT in the URL is a credential in the URL.
    const inUrl = await call(`${BASE}/runs?tenant_id=indo&access_token=${good}`);
    expect(inUrl.status).toBe(400);
    expect(inUrl.json.code).toBe('credential_in_url');
  });

  test('a server without a JWT configuration refuses JWTs', async () => {
    const app = createHttpApp({ db: h.db, core: h.core, clientFor: async () => { throw new Error('not used'); } });
    const good = await signJwt({ tenant_id: indo.tenant_id, role: 'staff' });
    const response = await app.fetch(new Request(`http://edge.local${BASE}/runs?tenant_id=indo`, { headers: bearer(good) }));
    expect(response.status).toBe(401);
    expect((await response.json()).code).toBe('unauthenticated');
  });

  test('unknown tenant → 404 unknown_tenant; missing tenant_id → 400', async () => {
    for (const ref of ['nosuchhotel', '11111111-2222-4333-8444-555555555555']) {
      const r = await call(`${BASE}/runs?tenant_id=${ref}`, { headers: bearer(indoToken) });
      expect(r.status).toBe(404);
      expect(r.json.code).toBe('unknown_tenant');
    }
    for (const [method, path] of [['GET', `${BASE}/runs`], ['GET', `${BASE}/health`], ['POST', `${BASE}/sync`], ['POST', `${BASE}/sync-all`],
      ['GET', `${BASE}/sync-all`], ['POST', `${BASE}/stream-ticket`]]) {
      const r = await call(path, { method, headers: bearer(indoToken) });
      expect([method, path, r.status]).toEqual([method, path, 400]);
      expect(typeof r.json.code).toBe('string');
      expect(r.json.code).toBe('missing_tenant');
    }
    const empty = await call(`${BASE}/runs?tenant_id=`, { headers: bearer(indoToken) });
    expect(empty.status).toBe(400);
  });

  test("another tenant's run id on the events endpoint of a fresh instance → 404 unknown_run", async () => {
    const runs = (await call(`${BASE}/runs?tenant_id=indo`, { headers: bearer(indoToken) })).json.runs;
    const app = createHttpApp({ db: h.db, core: h.core, clientFor: async () => { throw new Error('not used'); } });
    const response = await app.fetch(new Request(`http://edge.local${BASE}/runs/${runs[0].id}/events?tenant_id=other`, { headers: bearer(otherToken) }));
    expect(response.status).toBe(404);
    expect((await response.json()).code).toBe('unknown_run');
  });
  test("another tenant's live (or just finished) run is not readable on the events endpoint", async () => {
    const ticket = (await call(`${BASE}/stream-ticket?tenant_id=indo`, { method: 'POST', headers: bearer(indoToken) })).json.ticket;
    const own = await call(`${BASE}/sync-all?tenant_id=indo&ticket=${encodeURIComponent(ticket)}`);
    const runId = own.events[0].data.run_id;
    const r = await call(`${BASE}/runs/${runId}/events?tenant_id=other`, { headers: bearer(otherToken) });
    expect(r.status).toBe(404);
    expect(r.json?.code).toBe('unknown_run');
    expect(r.text).not.toContain('indo');
  });

  test('MotoPress failures reach staff as codes and messages without the consumer key or secret', async () => {
    h.sim.setFaults('indo:*:unauthorized-after=0');
    const sync = await call(`${BASE}/sync?tenant_id=indo`, { method: 'POST', headers: bearer(indoToken) });
    expect(sync.status).toBe(502);
    expect(sync.json.code).toBe('motopress_unauthorized');
    const streamed = await call(`${BASE}/sync-all?tenant_id=indo`, { method: 'POST', headers: bearer(indoToken) });
    expect(streamed.events.at(-1).data).toMatchObject({ type: 'error', code: 'motopress_unauthorized' });
    h.sim.setFaults('indo:bookings:status=503');
    const failed = await call(`${BASE}/sync-all?tenant_id=indo`, { method: 'POST', headers: bearer(indoToken) });
    expect(failed.events.at(-1).data).toMatchObject({ type: 'error', code: 'motopress_error' });
    h.sim.setFaults('');
    const runs = await call(`${BASE}/runs?tenant_id=indo&limit=200`, { headers: bearer(indoToken) });
    expect(runs.json.runs.some((r) => r.error_code === 'motopress_unauthorized')).toBe(true);
    for (const r of runs.json.runs) {
      const events = await call(`${BASE}/runs/${r.id}/events?tenant_id=indo`, { headers: bearer(indoToken) });
      expect(events.status).toBe(200);
    }
    await call(`${BASE}/health?tenant_id=indo`, { headers: bearer(indoToken) });
    await call('/api/openapi.json');
    await call('/');
  });

  test('no response of this suite contained a MotoPress consumer key or secret', () => {
    expect(bodies.length).toBeGreaterThan(50);
    expect(bodies.some((b) => b.text.includes('event: complete'))).toBe(true);
    const secrets = [];
    for (const hotel of h.sim.hotels) {
      for (const k of Object.values(hotel.keys)) secrets.push(k.key, k.secret);
    }
    expect(secrets.every((s) => typeof s === 'string' && s.length >= 16)).toBe(true);
    const leaks = bodies.flatMap((b) => secrets.filter((s) => b.text.includes(s)).map((s) => `${b.path} (${b.status}) contains ${s.slice(0, 6)}…`));
    expect(leaks).toEqual([]);
  });
});

afterAll(() => closeTemplates());
