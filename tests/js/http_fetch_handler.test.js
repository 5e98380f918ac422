// The HTTP host as an edge runtime runs it (Vercel, Supabase Edge Functions): no Node server at all, only
// createHttpApp(...).fetch called with Web Request objects and answering Web Response objects whose
// bodies are Web ReadableStreams, with the core loaded the real way (js/core.js loadCore(): the WASM
// build). Sync All is read to its end with getReader() + TextDecoder + eventsource-parser; a reader that
// cancels is a client that went away (edge: the run stops at a page boundary as `interrupted`).
import { readFile } from 'node:fs/promises';

import { jest } from '@jest/globals';
import { createParser } from 'eventsource-parser';

import { loadCore, MphbCore } from '../../js/core.js';
import { createHttpApp } from '../../host/http/http_app.js';
import { createStaffToken } from '../../host/http/staff_tokens.js';
import { createMotoPressClient } from '../../host/motopress/motopress_client.js';
import { createCipher } from '../../host/tenants/credential_cipher.js';
import { loadCredentials } from '../../host/tenants/tenant_store.js';
import { closeTemplates, databaseKinds } from './support/test_databases.js';
import { createSyncHarness } from './support/sync_harness.js';

jest.setTimeout(60000);

const KEY = Buffer.alloc(32, 7).toString('base64');
const ORIGIN = 'http://edge.local';
const BASE = '/api/integrations/motopress';

/** Reads a Response's Web ReadableStream body as SSE; stop(events) → true cancels the reader there. */
async function readEvents(response, stop = () => false) {
  expect(response.body).toBeInstanceOf(ReadableStream);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const events = [];
  const comments = [];
  const parser = createParser({
    onEvent: (e) => events.push({ event: e.event, id: e.id, data: JSON.parse(e.data) }),
    onComment: (c) => comments.push(c.trim()),
  });
  let text = '';
  for (;;) {
    if (stop(events)) {
      await reader.cancel();
      return { events, comments, text, cancelled: true };
    }
    const { done, value } = await reader.read();
    if (done) break;
    expect(value).toBeInstanceOf(Uint8Array);
    const chunk = decoder.decode(value, { stream: true });
    text += chunk;
    parser.feed(chunk);
  }
  parser.feed(decoder.decode());
  return { events, comments, text, cancelled: false };
}

describe.each(databaseKinds())('the fetch handler through Web Request/Response on %s', (kind) => {
  let h;
  let core;
  let app;
  let indo;
  let token;
  const runs = [];

  const request = (path, init = {}) => new Request(`${ORIGIN}${path}`, init);
  const auth = () => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    h = await createSyncHarness(kind, { hotels: 'indo,big=large:400', latencyMs: 20 });
    indo = await h.addTenant('indo');
    await h.addTenant('big');
    core = await loadCore();
    const cipher = await createCipher(KEY);
    // What an edge entry point builds: credentials decrypted per tenant, a MotoPress client on fetch.
    const clientFor = async (tenant) => createMotoPressClient({
      ...(await loadCredentials(h.db, cipher, tenant.tenant_id)), tenant: tenant.slug, retries: 1, sleep: async () => {}, concurrency: 1,
    });
    app = createHttpApp({ db: h.db, core, clientFor, heartbeatMs: 200, waitUntil: (p) => runs.push(p) });
    token = (await createStaffToken(h.db, { tenantId: indo.tenant_id, role: 'admin' })).token;
  });
  afterEach(() => h?.sim.setFaults(''));
  afterAll(async () => {
    await Promise.all(runs);
    await h?.close();
  });

  test('the core is the real WASM build, loaded by js/core.js', async () => {
    expect(core).toBeInstanceOf(MphbCore);
    expect(typeof core.version).toBe('string');
    expect(core.version.length).toBeGreaterThan(0);
    // As an edge runtime would hand it the bytes: the same module from wasmBinary.
    const bytes = await readFile(new URL('../../dist/wasm/mphb_core.wasm', import.meta.url));
    expect(WebAssembly.validate(bytes)).toBe(true);
    const fromBytes = await loadCore({ wasmBinary: bytes });
    expect(fromBytes.version).toBe(core.version);
  });

  test('POST sync-all answers a text/event-stream Response whose Web stream ends with complete and the counts', async () => {
    const response = await app.fetch(request(`${BASE}/sync-all?tenant_id=indo`, { method: 'POST', headers: auth() }));
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const { events } = await readEvents(response);
    expect(events.length).toBeGreaterThanOrEqual(3);
    const runId = events[0].data.run_id;
    events.forEach((e, i) => {
      expect(e.id).toBe(`${runId}:${i + 1}`);
      expect(e.event).toBe(e.data.type);
      expect(e.data).toEqual(expect.objectContaining({ type: expect.any(String), stage: expect.any(String), current: expect.any(Number), total: expect.any(Number), message: expect.any(String) }));
    });
    expect(events[0].data).toMatchObject({ type: 'progress', stage: 'accommodations' });
    const complete = events.at(-1).data;
    expect(complete).toMatchObject({ type: 'complete', stage: 'done' });
    const [run] = await h.db.query('select status, counts from public.sync_runs where id = $1', [runId]);
    expect(run.status).toBe('succeeded');
    expect(complete.counts).toEqual(typeof run.counts === 'string' ? JSON.parse(run.counts) : run.counts);
    const [{ r, b }] = await h.db.query(`select (select count(*)::int from public.guest_reservations where tenant_id = $1) as r,
      (select count(*)::int from public.calendar_blocks where tenant_id = $1) as b`, [indo.tenant_id]);
    expect(r).toBe(complete.counts.created - complete.counts.blocks);
    expect(b).toBe(complete.counts.blocks);
    expect(r + b).toBe(h.sim.hotels.find((x) => x.name === 'indo').counts.bookings);
  });

  test('GET sync-all with a stream ticket (EventSource) works once through Request/Response', async () => {
    const issued = await app.fetch(request(`${BASE}/stream-ticket?tenant_id=indo`, { method: 'POST', headers: auth() }));
    expect(issued.status).toBe(200);
    const { ticket, expires_in: expiresIn } = await issued.json();
    expect(expiresIn).toBe(60);
    const response = await app.fetch(request(`${BASE}/sync-all?tenant_id=indo&ticket=${encodeURIComponent(ticket)}`, { headers: { accept: 'text/event-stream' } }));
    expect(response.status).toBe(200);
    const { events } = await readEvents(response);
    expect(events.at(-1).data).toMatchObject({ type: 'complete', counts: { created: 0, updated: 0 } });
    const again = await app.fetch(request(`${BASE}/sync-all?tenant_id=indo&ticket=${encodeURIComponent(ticket)}`));
    expect(again.status).toBe(401);
  });

  test('health, runs, openapi and the staff page answer through Request/Response', async () => {
    const health = await app.fetch(request(`${BASE}/health?tenant_id=indo`, { headers: auth() }));
    expect(health.status).toBe(200);
    expect(health.headers.get('content-type')).toMatch(/^application\/json/);
    const h1 = await health.json();
    expect(h1.ok).toBe(true);
    expect(h1.tenant.invariants).toHaveLength(7);

    const runsResponse = await app.fetch(request(`${BASE}/runs?tenant_id=indo&limit=10`, { headers: auth() }));
    expect(runsResponse.status).toBe(200);
    const { runs: list } = await runsResponse.json();
    expect(list.length).toBeGreaterThanOrEqual(2);
    expect(list.every((r) => r.kind === 'sync-all' && r.status === 'succeeded' && r.counts && typeof r.counts.created === 'number')).toBe(true);

    const openapi = await app.fetch(request('/api/openapi.json'));
    expect(openapi.status).toBe(200);
    expect((await openapi.json()).openapi).toMatch(/^3\.1\./);

    const page = await app.fetch(request('/'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);

    const missing = await app.fetch(request(`${BASE}/nowhere?tenant_id=indo`, { headers: auth() }));
    expect(missing.status).toBe(404);
  });

  test('POST /sync answers JSON through Request/Response', async () => {
    const response = await app.fetch(request(`${BASE}/sync?tenant_id=indo`, { method: 'POST', headers: auth() }));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ status: 'succeeded', counts: { types_created: 0, pages: 0 } });
  });

  test('an error event ends the Web stream (accommodations failure)', async () => {
    h.sim.setFaults('indo:accommodation_types:status=503');
    const response = await app.fetch(request(`${BASE}/sync-all?tenant_id=indo`, { method: 'POST', headers: auth() }));
    const { events, cancelled } = await readEvents(response);
    expect(cancelled).toBe(false);
    expect(events.at(-1).data).toMatchObject({ type: 'error', code: 'accommodations_failed' });
    expect(events.filter((e) => e.data.stage === 'reservations')).toEqual([]);
  });

  test('409 already_running as a JSON Response while a stream is open; the reconnect endpoint replays from Last-Event-ID', async () => {
    const bigToken = (await createStaffToken(h.db, { tenantId: h.tenant('big').tenant_id, role: 'staff' })).token;
    const headers = { authorization: `Bearer ${bigToken}` };
    const response = await app.fetch(request(`${BASE}/sync-all?tenant_id=big`, { method: 'POST', headers }));
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    const seen = [];
    const parser = createParser({ onEvent: (e) => seen.push(JSON.parse(e.data)) });
    while (seen.length < 2) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
    }
    const busy = await app.fetch(request(`${BASE}/sync-all?tenant_id=big`, { method: 'POST', headers }));
    expect(busy.status).toBe(409);
    expect(busy.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await busy.json()).toMatchObject({ code: 'already_running', run_id: seen[0].run_id });
    // Keep reading the first stream to its end (the default app lets runs go on; reading keeps order simple).
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
    }
    expect(seen.at(-1).type).toBe('complete');
    const replay = await app.fetch(request(`${BASE}/runs/${seen[0].run_id}/events?tenant_id=big`, { headers: { ...headers, 'Last-Event-ID': `${seen[0].run_id}:2` } }));
    const { events } = await readEvents(replay);
    expect(events.map((e) => e.data)).toEqual(seen.slice(2));
  });

  test('edge mode: cancelling the Response body stops the run at a page boundary (interrupted); the next run completes it', async () => {
    const edgeRuns = [];
    const cipher = await createCipher(KEY);
    const edgeApp = createHttpApp({
      db: h.db,
      core,
      clientFor: async (tenant) => createMotoPressClient({ ...(await loadCredentials(h.db, cipher, tenant.tenant_id)), tenant: tenant.slug, retries: 1, sleep: async () => {}, concurrency: 1 }),
      onDisconnect: 'stop',
      heartbeatMs: 200,
      waitUntil: (p) => edgeRuns.push(p),
    });
    // A fresh tenant on the same simulated hotel, so the first run has every page to write.
    const fresh = await h.addTenant('big', { slug: 'big-edge' });
    const freshToken = (await createStaffToken(h.db, { tenantId: fresh.tenant_id, role: 'admin' })).token;
    const headers = { authorization: `Bearer ${freshToken}` };
    // Bookings pages after the first wait until the client has gone, so the run cannot outpace the cancel.
    const release = h.sim.hold(({ hotel, endpoint, page }) => hotel === 'big' && endpoint === 'bookings' && page > 1);
    let events;
    try {
      const first = await edgeApp.fetch(request(`${BASE}/sync-all?tenant_id=big-edge`, { method: 'POST', headers }));
      let cancelled;
      ({ events, cancelled } = await readEvents(first, (ev) => ev.some((e) => e.data.stage === 'reservations')));
      expect(cancelled).toBe(true);
    } finally {
      release();
    }
    expect(edgeRuns).toHaveLength(1);
    await Promise.all(edgeRuns);
    const runId = events[0].data.run_id;
    const [run] = await h.db.query('select status, error_code, counts from public.sync_runs where id = $1', [runId]);
    expect(run).toMatchObject({ status: 'interrupted', error_code: 'interrupted' });
    const count = async () => (await h.db.query(`select (select count(*)::int from public.guest_reservations where tenant_id = $1)
      + (select count(*)::int from public.calendar_blocks where tenant_id = $1) as n`, [fresh.tenant_id]))[0].n;
    const written = await count();
    expect(written).toBe(100); // page 1, written before the client went; nothing after

    const next = await edgeApp.fetch(request(`${BASE}/sync-all?tenant_id=big-edge`, { method: 'POST', headers }));
    const done = await readEvents(next);
    expect(done.events.at(-1).data.type).toBe('complete');
    expect(await count()).toBe(h.sim.hotels.find((x) => x.name === 'big').counts.bookings);
  });
  test('a malformed run id on the events endpoint is a client error, not a 500', async () => {
    const response = await app.fetch(request(`${BASE}/runs/not-a-uuid/events?tenant_id=indo`, { headers: auth() }));
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect((await response.json()).code).toBe('unknown_run');
  });
});

afterAll(() => closeTemplates());
