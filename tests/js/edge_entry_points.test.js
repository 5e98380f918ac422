// The edge entry points (README "Deploy"): createEdgeApp — the builder the Vercel function and the
// Supabase Edge Function share — serves a full Sync All over Server-Sent Events through app.fetch, stops a
// run whose client went away (edge mode), strips Supabase's function-name prefix, and refuses to start
// without its configuration, naming what is missing and never a value (the OpenAPI document still answers).
// The deployed forms run elsewhere: the Supabase function under Deno (supabase_deno.test.js), the Vercel
// function as `vercel build` makes it (vercel_function.test.js).

import { jest } from '@jest/globals';

import { createEdgeApp } from '../../host/http/edge_app.js';
import { createStaffToken } from '../../host/http/staff_tokens.js';
import { startSimulator } from '../../host/simulator/simulator_server.js';
import { createCipher } from '../../host/tenants/credential_cipher.js';
import { addTenant } from '../../host/tenants/tenant_store.js';
import { closeTemplates, databaseKinds, openTestDatabase } from './support/test_databases.js';
import { readSse } from './support/sse_reader.js';

jest.setTimeout(90000);

const KEY = Buffer.alloc(32, 7).toString('base64');
const BASE = '/api/integrations/motopress';
const SILENT = { info() {}, warn() {}, error() {} };
const CLIENT_OPTIONS = { retries: 1, sleep: async () => {}, concurrency: 1 };
const ORIGIN = 'https://mphb-sync.example';

/** Registers a simulator hotel as a tenant (as tests/js/support/sync_harness.js does) with a staff token. */
async function addHotel(db, sim, cipher, hotel) {
  const h = sim.hotels.find((x) => x.name === hotel);
  const tenant = await addTenant(db, cipher, {
    slug: hotel, name: h.title, siteUrl: h.siteUrl, consumerKey: h.keys.readWrite.key, consumerSecret: h.keys.readWrite.secret,
  });
  const { token } = await createStaffToken(db, { tenantId: tenant.tenant_id, role: 'staff' });
  return { ...tenant, token, bookings: h.counts.bookings };
}

const request = (path, { token, method = 'GET' } = {}) => new Request(`${ORIGIN}${path}`, {
  method, headers: token ? { authorization: `Bearer ${token}` } : {},
});

describe.each(databaseKinds())('createEdgeApp on %s', (kind) => {
  let db;
  let sim;
  let app;
  let indo;
  let edge;
  const runs = [];

  beforeAll(async () => {
    const cipher = await createCipher(KEY);
    [db, sim] = await Promise.all([
      openTestDatabase(kind),
      // edge: 500 bookings (5 pages), each page slow enough for a client to leave in the middle.
      startSimulator({ hotels: 'indo,edge=large:500', seed: 1, faults: 'edge:bookings:latency=150' }),
    ]);
    indo = await addHotel(db, sim, cipher, 'indo');
    edge = await addHotel(db, sim, cipher, 'edge');
    // PostgreSQL: the app opens DATABASE_URL itself, as on a platform. PGlite (Node-only, no URL): the
    // test's database is handed over instead.
    app = createEdgeApp({
      env: kind === 'postgres' ? { DATABASE_URL: db.testUrl, MPHB_ENCRYPTION_KEY: KEY } : { MPHB_ENCRYPTION_KEY: KEY },
      db: kind === 'postgres' ? undefined : db,
      waitUntil: (promise) => runs.push(promise),
      clientOptions: CLIENT_OPTIONS,
      heartbeatMs: 1000,
      log: SILENT,
    });
  });
  afterAll(async () => {
    await Promise.allSettled(runs);
    await app?.close();
    await sim?.stop();
    await db?.close();
  });

  test('a full Sync All streams over SSE through app.fetch, accommodations first, ending with complete and the counts', async () => {
    const before = runs.length;
    const response = await app.fetch(request(`${BASE}/sync-all?tenant_id=indo`, { method: 'POST', token: indo.token }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const { events, ended } = await readSse(response);
    expect(ended).toBe(true);

    const runId = events[0].data.run_id;
    expect(events[0].data).toMatchObject({ type: 'progress', stage: 'accommodations' });
    expect(runId).toMatch(/^[0-9a-f-]{36}$/);
    events.forEach((e, i) => {
      expect(e.id).toBe(`${runId}:${i + 1}`);
      expect(e.event).toBe(e.data.type);
      expect(e.data).toMatchObject({ run_id: runId, seq: i + 1 });
      for (const field of ['type', 'stage', 'current', 'total', 'message']) expect(e.data).toHaveProperty([field]);
    });
    const stages = events.map((e) => e.data.stage);
    expect(stages.lastIndexOf('accommodations')).toBeLessThan(stages.indexOf('reservations'));
    expect(events.filter((e) => ['complete', 'error'].includes(e.data.type))).toHaveLength(1);
    const last = events.at(-1).data;
    expect(last.type).toBe('complete');

    // The run was handed to the platform's waitUntil, and it is recorded as the stream said.
    expect(runs.length).toBe(before + 1);
    await runs.at(-1);
    const [run] = await db.query('select status, counts from public.sync_runs where id = $1', [runId]);
    expect(run.status).toBe('succeeded');
    expect(last.counts).toEqual(run.counts);
    const [{ n }] = await db.query(`select (select count(*) from public.guest_reservations where tenant_id = $1)
      + (select count(*) from public.calendar_blocks where tenant_id = $1) as n`, [indo.tenant_id]);
    expect(Number(n)).toBe(indo.bookings);

    // The JSON endpoints of the same handler see it.
    const listed = await app.fetch(request(`${BASE}/runs?tenant_id=indo`, { token: indo.token }));
    expect(listed.status).toBe(200);
    expect((await listed.json()).runs[0]).toMatchObject({ id: runId, status: 'succeeded' });
    const health = await app.fetch(request(`${BASE}/health?tenant_id=${indo.tenant_id}`, { token: indo.token }));
    expect((await health.json()).ok).toBe(true);
  });

  test('edge mode: a client that goes away stops the run at a page boundary, recorded as interrupted', async () => {
    const before = runs.length;
    const response = await app.fetch(request(`${BASE}/sync-all?tenant_id=edge`, { method: 'POST', token: edge.token }));
    expect(response.status).toBe(200);
    const sse = await readSse(response, (events) => events.some((e) => e.data.stage === 'reservations'));
    expect(sse.ended).toBe(false);
    await sse.cancel();
    expect(runs.length).toBe(before + 1);
    await runs.at(-1);
    const runId = sse.events[0].data.run_id;
    const [run] = await db.query('select status, error_code from public.sync_runs where id = $1', [runId]);
    expect(run).toEqual({ status: 'interrupted', error_code: 'interrupted' });
    const [{ n }] = await db.query(`select (select count(*) from public.guest_reservations where tenant_id = $1)
      + (select count(*) from public.calendar_blocks where tenant_id = $1) as n`, [edge.tenant_id]);
    expect(Number(n)).toBeLessThan(edge.bookings);
    expect(Number(n) % 100).toBe(0); // whole pages only
  });

  test('staff endpoints want a credential for the tenant: none → 401, another tenant\'s → 403', async () => {
    const none = await app.fetch(request(`${BASE}/sync-all?tenant_id=indo`, { method: 'POST' }));
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ code: 'unauthenticated' });
    const other = await app.fetch(request(`${BASE}/runs?tenant_id=indo`, { token: edge.token }));
    expect(other.status).toBe(403);
    expect(await other.json()).toMatchObject({ code: 'forbidden_tenant' });
  });

  test('basePath: requests arriving as /mphb-sync/api/… (Supabase) reach the same routes', async () => {
    const prefixed = createEdgeApp({
      env: kind === 'postgres' ? { DATABASE_URL: db.testUrl, MPHB_ENCRYPTION_KEY: KEY } : { MPHB_ENCRYPTION_KEY: KEY },
      db: kind === 'postgres' ? undefined : db,
      basePath: '/mphb-sync',
      log: SILENT,
    });
    try {
      const doc = await prefixed.fetch(request('/mphb-sync/api/openapi.json'));
      expect(doc.status).toBe(200);
      expect((await doc.json()).openapi).toMatch(/^3\.1\./);
      const ticket = await prefixed.fetch(request(`/mphb-sync${BASE}/stream-ticket?tenant_id=indo`, { method: 'POST', token: indo.token }));
      expect(ticket.status).toBe(200);
      expect(await ticket.json()).toMatchObject({ ticket: expect.any(String), expires_in: expect.any(Number) });
      const page = await prefixed.fetch(request('/mphb-sync'));
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    } finally {
      await prefixed.close();
    }
  });

  test('guests through the edge handler: the guest page, login and my-stay under /mphb-sync (Supabase), X-Forwarded-For as the client', async () => {
    // Needs indo synced (the Sync All test above).
    const [g] = await db.query(`select r.id, r.check_in_date::text as check_in_date, r.phone_last_4 from public.guest_reservations r
      where r.tenant_id = $1 and r.status = 'active' and r.phone_last_4 is not null and r.check_out_date >= date '2026-11-01' - 7
        and not exists (select 1 from public.guest_reservations o where o.tenant_id = r.tenant_id and o.id <> r.id
          and o.check_in_date = r.check_in_date and o.phone_last_4 = r.phone_last_4)
      order by r.external_booking_id limit 1`, [indo.tenant_id]);
    const prefixed = createEdgeApp({
      env: kind === 'postgres' ? { DATABASE_URL: db.testUrl, MPHB_ENCRYPTION_KEY: KEY } : { MPHB_ENCRYPTION_KEY: KEY },
      db: kind === 'postgres' ? undefined : db,
      basePath: '/mphb-sync',
      clock: () => new Date('2026-11-01T12:00:00Z'),
      log: SILENT,
    });
    const post = (path, body, client) => new Request(`${ORIGIN}${path}`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': client }, body: JSON.stringify(body),
    });
    try {
      const page = await prefixed.fetch(request('/mphb-sync/my-stay?tenant=indo'));
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await page.text()).toMatch(/api\/guest\//);
      const login = await prefixed.fetch(post('/mphb-sync/api/guest/login?tenant_id=indo', { check_in_date: g.check_in_date, phone_last_4: g.phone_last_4 }, '192.0.2.1'));
      expect(login.status).toBe(200);
      const { token, reservation_id: reservationId } = await login.json();
      expect(reservationId).toBe(g.id);
      const stay = await prefixed.fetch(request('/mphb-sync/api/guest/my-stay?tenant_id=indo', { token }));
      expect(stay.status).toBe(200);
      expect((await stay.json()).reservation_id).toBe(g.id);
      // The edge trusts the platform's X-Forwarded-For: one client is limited, another is not.
      const wrong = { check_in_date: g.check_in_date, phone_last_4: g.phone_last_4 === '1111' ? '2222' : '1111' };
      for (let i = 0; i < 5; i += 1) await prefixed.fetch(post('/mphb-sync/api/guest/login?tenant_id=indo', wrong, '192.0.2.2'));
      expect((await prefixed.fetch(post('/mphb-sync/api/guest/login?tenant_id=indo', wrong, '192.0.2.2'))).status).toBe(429);
      expect((await prefixed.fetch(post('/mphb-sync/api/guest/login?tenant_id=indo', wrong, '192.0.2.3'))).status).toBe(401);
    } finally {
      await prefixed.close();
    }
  });
});

describe('createEdgeApp configuration', () => {
  test('without DATABASE_URL it answers 500 not_configured, naming DATABASE_URL (PGlite is Node-only); the OpenAPI document still answers', async () => {
    const app = createEdgeApp({ env: { MPHB_ENCRYPTION_KEY: KEY }, basePath: '/mphb-sync', log: SILENT });
    const response = await app.fetch(request(`/mphb-sync${BASE}/health?tenant_id=indo`));
    expect(response.status).toBe(500);
    const body = await response.json();
    expect(body.code).toBe('not_configured');
    expect(body.message).toMatch(/DATABASE_URL/);
    expect(body.message).toMatch(/PGlite/);
    const doc = await app.fetch(request('/mphb-sync/api/openapi.json'));
    expect(doc.status).toBe(200);
    expect(doc.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await doc.json()).openapi).toMatch(/^3\.1\./);
  });

  test('a missing key is named, no value is ever shown, and a failed start is tried again on the next request', async () => {
    const env = { DATABASE_URL: 'postgres://mphb:s3cret-password@127.0.0.1:1/mphb' };
    const logged = [];
    const log = { info() {}, warn() {}, error: (fields, msg) => logged.push(JSON.stringify({ fields, msg })) };
    const app = createEdgeApp({ env, log });
    const first = await app.fetch(request(`${BASE}/runs?tenant_id=indo`));
    expect(first.status).toBe(500);
    const firstBody = await first.text();
    expect(JSON.parse(firstBody)).toMatchObject({ code: 'not_configured' });
    expect(firstBody).toMatch(/MPHB_ENCRYPTION_KEY/);

    env.MPHB_ENCRYPTION_KEY = KEY; // read again on the next request; now the database is unreachable
    const second = await app.fetch(request(`${BASE}/runs?tenant_id=indo`));
    expect(second.status).toBe(500);
    const secondBody = await second.text();
    expect(JSON.parse(secondBody).code).toBe('start_failed');
    for (const text of [firstBody, secondBody, ...logged]) {
      expect(text).not.toContain('s3cret-password');
      expect(text).not.toContain(KEY);
    }
    await app.close();
  });
});

afterAll(() => closeTemplates());
