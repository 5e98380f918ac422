// The HTTP host's Sync All stream against a real server (docs/http-api.md, SPEC §5): Server-Sent Events
// arrive one by one while the run works and in order, accommodations before reservations, the last one
// `complete` with the database's counts; failures end the stream with an `error` event; heartbeats keep a
// quiet stream alive; a client that reconnects with Last-Event-ID (header or query, bearer or ticket)
// gets exactly what it missed; on Node the run outlives its client, on edge runtimes it stops at a page
// boundary as `interrupted` and the next run completes the work. Plus the JSON endpoints around it.
import { serve } from '@hono/node-server';
import { jest } from '@jest/globals';
import { createParser } from 'eventsource-parser';

import { createHttpApp } from '../../host/http/http_app.js';
import { startHttpServer } from '../../host/http/node_server.js';
import { createStaffToken } from '../../host/http/staff_tokens.js';
import { closeTemplates, databaseKinds } from './support/test_databases.js';
import { createSyncHarness } from './support/sync_harness.js';

jest.setTimeout(90000);

const KEY = Buffer.alloc(32, 7).toString('base64');
const BASE = '/api/integrations/motopress';
const BOOKINGS = 500; // large:500 → 5 pages of 100
const INVARIANT_NAMES = ['I1 no-null-unit', 'I2 junction-complete', 'I3 tenant-closed', 'I4 one-row-per-booking',
  'I5 status-true', 'I6 blocks-are-not-guests', 'I7 atomic-booking'];
const CLIENT_OPTIONS = { retries: 1, sleep: async () => {}, concurrency: 1 };

const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

/**
 * Reads a text/event-stream body (a Web ReadableStream) with eventsource-parser. Every item keeps the
 * instant (ms after the response arrived) of the chunk it came in.
 */
function sseReader(response) {
  const started = performance.now();
  const items = [];
  let text = '';
  let at = 0;
  const parser = createParser({
    onEvent: (e) => items.push({ kind: 'event', at, event: e.event, id: e.id, data: JSON.parse(e.data) }),
    onComment: (comment) => items.push({ kind: 'comment', at, comment: comment.trim() }),
  });
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let ended = false;
  const events = () => items.filter((i) => i.kind === 'event');
  return {
    items,
    events,
    comments: () => items.filter((i) => i.kind === 'comment'),
    text: () => text,
    get ended() { return ended; },
    /** Reads until stop(events) holds (→ false) or the stream ends (→ true). */
    async readUntil(stop = () => false) {
      while (!stop(events())) {
        const { done, value } = await reader.read();
        at = performance.now() - started;
        if (done) {
          parser.feed(decoder.decode());
          ended = true;
          return true;
        }
        const chunk = decoder.decode(value, { stream: true });
        text += chunk;
        parser.feed(chunk);
      }
      return false;
    },
    readToEnd() { return this.readUntil(() => false); },
    cancel: () => reader.cancel().catch(() => {}),
  };
}

/** Opens an SSE request against the server; abort() drops the connection like a closed browser tab. */
async function openStream(url, init = {}) {
  const controller = new AbortController();
  const response = await fetch(url, { ...init, signal: controller.signal });
  return { response, controller, sse: response.ok && response.headers.get('content-type')?.startsWith('text/event-stream') ? sseReader(response) : null };
}

async function rowCounts(db, tenantId) {
  const one = async (table) => (await db.query(`select count(*)::int as n from ${table} where tenant_id = $1`, [tenantId]))[0].n;
  return {
    types: await one('hotels.accommodation_types'),
    units: await one('hotels.accommodation_units'),
    reservations: await one('public.guest_reservations'),
    blocks: await one('public.calendar_blocks'),
  };
}

async function runRow(db, runId) {
  const [row] = await db.query('select id, kind, status, counts, error_code, error_message from public.sync_runs where id = $1', [runId]);
  return row ? { ...row, counts: typeof row.counts === 'string' ? JSON.parse(row.counts) : row.counts } : null;
}

/** Polls sync_runs until the run is no longer running (bounded only to keep a broken run from hanging the suite). */
async function waitForRunEnd(db, runId) {
  for (let i = 0; i < 600; i += 1) {
    const row = await runRow(db, runId);
    if (row && row.status !== 'running') return row;
    await sleep(50);
  }
  throw new Error(`run ${runId} never ended`);
}

/** The checks every complete stream must pass: ids, order, names, shape. Returns the run id. */
function expectWellFormedStream(events) {
  expect(events.length).toBeGreaterThan(0);
  const runId = events[0].data.run_id;
  expect(runId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  expect(events[0].data).toMatchObject({ type: 'progress', stage: 'accommodations' });
  events.forEach((e, i) => {
    expect(e.data.seq).toBe(i + 1);
    expect(e.id).toBe(`${runId}:${i + 1}`);
    expect(e.event).toBe(e.data.type);
    expect(e.data.run_id).toBe(runId);
    expect(['progress', 'warning', 'complete', 'error']).toContain(e.data.type);
    expect(typeof e.data.stage).toBe('string');
    expect(typeof e.data.current).toBe('number');
    expect(typeof e.data.total).toBe('number');
    expect(typeof e.data.message).toBe('string');
  });
  const lastAccommodations = events.map((e) => e.data.stage).lastIndexOf('accommodations');
  const firstReservations = events.findIndex((e) => e.data.stage === 'reservations');
  if (firstReservations !== -1) expect(lastAccommodations).toBeLessThan(firstReservations);
  // Nothing after the terminal event.
  const terminal = events.findIndex((e) => e.data.type === 'complete' || e.data.type === 'error');
  if (terminal !== -1) expect(terminal).toBe(events.length - 1);
  return runId;
}

describe.each(databaseKinds())('the HTTP Sync All stream on %s', (kind) => {
  let h;
  let server;
  let big;
  let indo;
  let edge;
  const tokens = {};
  const bearer = (slug) => ({ authorization: `Bearer ${tokens[slug]}` });
  const url = (path, slug, extra = '') => `${server.url}${BASE}${path}?tenant_id=${slug}${extra}`;
  // Full passes: these tests follow a pass's pages (a re-sync is otherwise incremental: one short page).
  const syncAll = (slug, headers = {}) => openStream(url('/sync-all', slug, '&full=true'), { method: 'POST', headers: { ...bearer(slug), ...headers } });
  const clientFor = (tenant) => h.client(tenant.slug, CLIENT_OPTIONS);

  beforeAll(async () => {
    h = await createSyncHarness(kind, { hotels: 'big=large:500,indo,edge=large:500', latencyMs: 40 });
    big = await h.addTenant('big');
    indo = await h.addTenant('indo');
    edge = await h.addTenant('edge');
    for (const t of [big, indo, edge]) tokens[t.slug] = (await createStaffToken(h.db, { tenantId: t.tenant_id, role: 'admin' })).token;
    server = await startHttpServer({ db: h.db, core: h.core, encryptionKey: KEY, heartbeatMs: 200, clientOptions: CLIENT_OPTIONS });
  });
  afterEach(() => h?.sim.setFaults(''));
  afterAll(async () => {
    await server?.stop();
    await h?.close();
  });

  test('a first Sync All streams its events one by one, in order, and ends with the counts the database holds', async () => {
    const { response, sse } = await syncAll('big');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(await sse.readToEnd()).toBe(true);
    const events = sse.events();
    const runId = expectWellFormedStream(events);

    // Incremental: the first progress event long before the complete one, over several separate instants.
    const first = events[0];
    const complete = events.at(-1);
    expect(complete.data.type).toBe('complete');
    expect(first.at).toBeLessThan(complete.at);
    expect(complete.at - first.at).toBeGreaterThanOrEqual(100); // ≥ 9 sequential 40 ms requests lie between them
    expect(new Set(events.map((e) => e.at)).size).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < events.length; i += 1) expect(events[i].at).toBeGreaterThanOrEqual(events[i - 1].at);

    // Reservations pages 1..5 in order, after the accommodations stage.
    const pages = events.filter((e) => e.data.type === 'progress' && e.data.stage === 'reservations');
    expect(pages.map((e) => e.data.current)).toEqual([1, 2, 3, 4, 5]);
    expect(pages.every((e) => e.data.total === 5)).toBe(true);

    // The complete event's counts are the run's and the database's.
    const run = await runRow(h.db, runId);
    expect(run).toMatchObject({ kind: 'sync-all', status: 'succeeded' });
    expect(complete.data.counts).toEqual(run.counts);
    const rows = await rowCounts(h.db, big.tenant_id);
    expect(complete.data.counts.created).toBe(BOOKINGS);
    expect(rows.reservations).toBe(complete.data.counts.created - complete.data.counts.blocks);
    expect(rows.blocks).toBe(complete.data.counts.blocks);
    expect(complete.data.counts.blocks).toBeGreaterThan(0);
    expect(rows.types).toBe(complete.data.counts.types_created);
    // (units: the accommodations stage's count; a trashed unit named by old bookings is resolved later, page by page)
    expect(rows.units).toBeGreaterThanOrEqual(complete.data.counts.units_created);
    expect(complete.data.counts.pages).toBe(5);
  });

  test('an accommodations failure yields one error event accommodations_failed that ends the stream, and no rows', async () => {
    h.sim.setFaults('indo:accommodations:status=503');
    const { response, sse } = await syncAll('indo');
    expect(response.status).toBe(200);
    expect(await sse.readToEnd()).toBe(true);
    const events = sse.events();
    const runId = expectWellFormedStream(events);
    const last = events.at(-1);
    expect(last.event).toBe('error');
    expect(last.data).toMatchObject({ type: 'error', code: 'accommodations_failed', stage: 'accommodations' });
    expect(last.data.message).toMatch(/indo/);
    expect(events.filter((e) => e.data.type === 'error')).toHaveLength(1);
    expect(events.some((e) => e.data.stage === 'reservations')).toBe(false);
    expect(await rowCounts(h.db, indo.tenant_id)).toEqual({ types: 0, units: 0, reservations: 0, blocks: 0 });
    expect(await runRow(h.db, runId)).toMatchObject({ status: 'failed', error_code: 'accommodations_failed' });
    // The lock is free again.
    expect(await h.db.query('select * from public.sync_locks where tenant_id = $1', [indo.tenant_id])).toEqual([]);
  });

  test('heartbeat comments keep the stream alive during a slow page', async () => {
    h.sim.setFaults('big:bookings:latency=1500@1');
    const { sse } = await syncAll('big');
    expect(await sse.readToEnd()).toBe(true);
    expectWellFormedStream(sse.events());
    expect(sse.events().at(-1).data.type).toBe('complete');
    const items = sse.items;
    const accommodationsDone = items.findIndex((i) => i.kind === 'event' && i.data.stage === 'accommodations' && i.data.current === 1);
    const firstPage = items.findIndex((i) => i.kind === 'event' && i.data.stage === 'reservations');
    expect(accommodationsDone).toBeGreaterThan(-1);
    expect(firstPage).toBeGreaterThan(accommodationsDone);
    const during = items.slice(accommodationsDone + 1, firstPage).filter((i) => i.kind === 'comment');
    expect(during.length).toBeGreaterThanOrEqual(2);
    expect(during.every((c) => c.comment === 'heartbeat')).toBe(true);
    expect(sse.text()).toMatch(/(^|\n): heartbeat\n\n/);
  });

  test('a client that reconnects with Last-Event-ID gets exactly the events it missed, then the live ones', async () => {
    const first = await syncAll('big');
    await first.sse.readUntil((events) => events.length >= 3);
    first.controller.abort();
    const seen = first.sse.events();
    const lastId = seen.at(-1).id;
    const runId = seen[0].data.run_id;
    const lastSeq = seen.at(-1).data.seq;
    expect(lastId).toBe(`${runId}:${lastSeq}`);

    const again = await openStream(`${server.url}${BASE}/runs/${runId}/events?tenant_id=big`, { headers: { ...bearer('big'), 'last-event-id': lastId } });
    expect(again.response.status).toBe(200);
    expect(again.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(await again.sse.readToEnd()).toBe(true);
    const missed = again.sse.events();
    expect(missed.length).toBeGreaterThan(0);
    expect(missed.map((e) => e.data.seq)).toEqual(missed.map((_, i) => lastSeq + 1 + i));
    expectWellFormedStream([...seen, ...missed]);
    expect(missed.at(-1).data.type).toBe('complete');
    expect((await runRow(h.db, runId)).status).toBe('succeeded');
  });

  test('on Node the run goes on after its client disconnects; a fresh ticket and ?last_event_id= replay the rest', async () => {
    const first = await syncAll('big');
    await first.sse.readUntil((events) => events.length >= 2);
    first.controller.abort();
    const seen = first.sse.events();
    const runId = seen[0].data.run_id;
    const lastSeq = seen.at(-1).data.seq;

    const run = await waitForRunEnd(h.db, runId);
    expect(run.status).toBe('succeeded');
    expect(run.counts.pages).toBe(5);

    const ticketResponse = await fetch(url('/stream-ticket', 'big', `&purpose=events&run_id=${runId}`), { method: 'POST', headers: bearer('big') });
    expect(ticketResponse.status).toBe(200);
    const { ticket } = await ticketResponse.json();
    const again = await openStream(`${server.url}${BASE}/runs/${runId}/events?tenant_id=big&ticket=${encodeURIComponent(ticket)}&last_event_id=${encodeURIComponent(seen.at(-1).id)}`);
    expect(again.response.status).toBe(200);
    expect(await again.sse.readToEnd()).toBe(true);
    const missed = again.sse.events();
    expect(missed[0].data.seq).toBe(lastSeq + 1);
    expectWellFormedStream([...seen, ...missed]);
    expect(missed.at(-1).data).toMatchObject({ type: 'complete', counts: run.counts });
    // The ticket was spent by that connection.
    const reused = await fetch(`${server.url}${BASE}/runs/${runId}/events?tenant_id=big&ticket=${encodeURIComponent(ticket)}`);
    expect(reused.status).toBe(401);
  });

  test('another instance (nothing in memory) replays a finished run from sync_run_events after Last-Event-ID', async () => {
    const { sse } = await syncAll('big');
    await sse.readToEnd();
    const all = sse.events();
    const runId = all[0].data.run_id;
    const other = createHttpApp({ db: h.db, core: h.core, clientFor, heartbeatMs: 200 });
    const response = await other.fetch(new Request(`http://other.local${BASE}/runs/${runId}/events?tenant_id=big`, { headers: { ...bearer('big'), 'last-event-id': `${runId}:3` } }));
    expect(response.status).toBe(200);
    const replay = sseReader(response);
    expect(await replay.readToEnd()).toBe(true);
    expect(replay.events().map((e) => e.id)).toEqual(all.slice(3).map((e) => e.id));
    expect(replay.events().map((e) => e.data)).toEqual(all.slice(3).map((e) => e.data));
  });
  test('another instance following a live run from the database gets every event up to complete, even when event writes lag', async () => {
    // A slower database for event writes (a remote database under load: each insert is a round trip).
    const slowDb = {
      ...h.db,
      query: async (text, params) => {
        if (/insert into public\.sync_run_events/.test(text)) await sleep(400);
        return h.db.query(text, params);
      },
    };
    const runs = [];
    const writer = createHttpApp({ db: slowDb, core: h.core, clientFor, heartbeatMs: 200, waitUntil: (p) => runs.push(p) });
    const follower = createHttpApp({ db: h.db, core: h.core, clientFor, heartbeatMs: 200 });
    const started = await writer.fetch(new Request(`http://writer.local${BASE}/sync-all?tenant_id=big&full=true`, { method: 'POST', headers: bearer('big') }));
    const own = sseReader(started);
    await own.readUntil((events) => events.length >= 1);
    const runId = own.events()[0].data.run_id;
    const followed = await follower.fetch(new Request(`http://follower.local${BASE}/runs/${runId}/events?tenant_id=big`, { headers: bearer('big') }));
    expect(followed.status).toBe(200);
    const replay = sseReader(followed);
    await Promise.all([own.readToEnd(), replay.readToEnd()]);
    await Promise.all(runs);
    const events = replay.events();
    expectWellFormedStream(events);
    expect(events.map((e) => e.data.seq)).toEqual(own.events().map((e) => e.data.seq));
    expect(events.at(-1).data.type).toBe('complete');
  });

  test('a second Sync All (or sync) of a tenant while the first streams is refused with 409 already_running, as JSON', async () => {
    const first = await syncAll('big');
    await first.sse.readUntil((events) => events.length >= 1);
    const runId = first.sse.events()[0].data.run_id;

    const second = await fetch(url('/sync-all', 'big'), { method: 'POST', headers: bearer('big') });
    expect(second.status).toBe(409);
    expect(second.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await second.json()).toMatchObject({ code: 'already_running', run_id: runId });

    const accommodationsOnly = await fetch(url('/sync', 'big'), { method: 'POST', headers: bearer('big') });
    expect(accommodationsOnly.status).toBe(409);
    expect((await accommodationsOnly.json()).code).toBe('already_running');

    const { ticket } = await (await fetch(url('/stream-ticket', 'big'), { method: 'POST', headers: bearer('big') })).json();
    const viaTicket = await fetch(url('/sync-all', 'big', `&ticket=${encodeURIComponent(ticket)}`));
    expect(viaTicket.status).toBe(409);
    expect((await viaTicket.json()).code).toBe('already_running');

    // Another tenant is not blocked.
    const otherTenant = await fetch(url('/sync', 'indo'), { method: 'POST', headers: bearer('indo') });
    expect(otherTenant.status).toBe(200);

    expect(await first.sse.readToEnd()).toBe(true);
    expect(first.sse.events().at(-1).data.type).toBe('complete');
    expect(await h.db.query("select id from public.sync_runs where tenant_id = $1 and status = 'running'", [big.tenant_id])).toEqual([]);
  });

  test('two Sync All requests at the same instant: exactly one runs, the other is told already_running', async () => {
    const [a, b] = await Promise.all([syncAll('big'), syncAll('big')]);
    const outcomes = [];
    for (const s of [a, b]) {
      if (s.response.status === 409) {
        outcomes.push({ ran: false, code: (await s.response.json()).code });
      } else {
        expect(s.response.status).toBe(200);
        await s.sse.readToEnd();
        const last = s.sse.events().at(-1).data;
        outcomes.push({ ran: last.type === 'complete', code: last.type === 'error' ? last.code : null });
      }
    }
    expect(outcomes.filter((o) => o.ran)).toHaveLength(1);
    expect(outcomes.find((o) => !o.ran).code).toBe('already_running');
  });

  test('POST /sync syncs accommodations only and answers JSON {run_id, status, counts}', async () => {
    const before = await rowCounts(h.db, indo.tenant_id);
    const response = await fetch(url('/sync', 'indo'), { method: 'POST', headers: bearer('indo') });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = await response.json();
    expect(body).toMatchObject({ status: 'succeeded' });
    expect(body.run_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Array.isArray(body.warnings)).toBe(true);
    const run = await runRow(h.db, body.run_id);
    expect(run).toMatchObject({ kind: 'sync', status: 'succeeded' });
    expect(body.counts).toEqual(run.counts);
    const after = await rowCounts(h.db, indo.tenant_id);
    expect(after.reservations).toBe(before.reservations);
    expect(after.blocks).toBe(before.blocks);
    expect(after.types).toBe(h.sim.hotels.find((x) => x.name === 'indo').counts.accommodation_types);
    expect(body.counts.pages).toBe(0);
  });

  test('POST /sync answers 502 {code, message} when MotoPress fails', async () => {
    h.sim.setFaults('indo:accommodations:status=503');
    const response = await fetch(url('/sync', 'indo'), { method: 'POST', headers: bearer('indo') });
    expect(response.status).toBe(502);
    const body = await response.json();
    expect(body).toMatchObject({ code: 'accommodations_failed', status: 'failed' });
    expect(typeof body.message).toBe('string');
    expect((await runRow(h.db, body.run_id)).error_code).toBe('accommodations_failed');
  });

  test('the runs endpoint lists the tenant\'s runs, newest first, with their counts', async () => {
    const response = await fetch(url('/runs', 'big', '&limit=50'), { headers: bearer('big') });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.tenant).toMatchObject({ tenant_id: big.tenant_id, slug: 'big' });
    const stored = await h.db.query('select id, status from public.sync_runs where tenant_id = $1', [big.tenant_id]);
    expect(body.runs.map((r) => r.id).sort()).toEqual(stored.map((r) => r.id).sort());
    for (const r of body.runs) {
      expect(Object.keys(r).sort()).toEqual(['counts', 'error_code', 'error_message', 'finished_at', 'id', 'kind', 'started_at', 'stats', 'status']);
      if (r.status === 'succeeded') {
        expect(r.counts).toMatchObject({ pages: r.counts.pass === 'full' ? 5 : 1, created: expect.any(Number), blocks: expect.any(Number) });
        expect(r.stats.stages.reservations).toMatchObject({ ms: expect.any(Number), requests: expect.any(Number), bytes: expect.any(Number) });
        expect(r.stats.total_ms).toBeGreaterThanOrEqual(r.stats.stages.reservations.ms);
      }
    }
    const started = body.runs.map((r) => new Date(r.started_at).getTime());
    expect([...started].sort((a, b) => b - a)).toEqual(started);
    const limited = await (await fetch(url('/runs', 'big', '&limit=1'), { headers: bearer('big') })).json();
    expect(limited.runs).toHaveLength(1);
    expect(limited.runs[0].id).toBe(body.runs[0].id);
    // Another tenant's runs never appear.
    const indoRuns = await (await fetch(url('/runs', 'indo'), { headers: bearer('indo') })).json();
    expect(indoRuns.runs.some((r) => body.runs.some((b) => b.id === r.id))).toBe(false);
    expect(indoRuns.runs.some((r) => r.error_code === 'accommodations_failed')).toBe(true);
  });

  test('the health endpoint reports ok with the seven invariants by name', async () => {
    const response = await fetch(url('/health', 'big'), { headers: bearer('big') });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.ok).toBe(true);
    expect(body.tenant).toMatchObject({ tenant_id: big.tenant_id, slug: 'big', ok: true });
    expect(typeof body.tenant.last_success_at).toBe('string');
    expect(typeof body.tenant.last_success_age_seconds).toBe('number');
    expect(body.tenant.invariants.map((i) => i.name)).toEqual(INVARIANT_NAMES);
    for (const i of body.tenant.invariants) expect(i).toMatchObject({ ok: true, count: 0, samples: [] });
  });

  test('GET /api/openapi.json is an OpenAPI 3.1 document of these endpoints', async () => {
    const response = await fetch(`${server.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const doc = JSON.parse(await response.text());
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(typeof doc.info?.title).toBe('string');
    expect(typeof doc.info?.version).toBe('string');
    const expected = {
      [`${BASE}/sync`]: ['post'],
      [`${BASE}/sync-all`]: ['get', 'post'],
      [`${BASE}/stream-ticket`]: ['post'],
      [`${BASE}/runs`]: ['get'],
      [`${BASE}/runs/{run_id}/events`]: ['get'],
      [`${BASE}/health`]: ['get'],
    };
    for (const [path, methods] of Object.entries(expected)) {
      expect(doc.paths).toHaveProperty([path]);
      for (const m of methods) expect(doc.paths[path]).toHaveProperty([m]);
    }
    const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
    const refs = [];
    const collectRefs = (node) => {
      if (Array.isArray(node)) node.forEach(collectRefs);
      else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) (k === '$ref' ? refs.push(v) : collectRefs(v));
    };
    collectRefs(doc);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\//);
      const target = ref.slice(2).split('/').reduce((node, key) => node?.[key], doc);
      expect(target).toBeDefined();
    }
    for (const [path, item] of Object.entries(doc.paths)) {
      expect(path.startsWith('/')).toBe(true);
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(item)) {
        expect(METHODS).toContain(method);
        expect(Object.keys(op.responses ?? {}).length).toBeGreaterThan(0);
        for (const [status, r] of Object.entries(op.responses)) {
          expect(status).toMatch(/^([1-5]\d\d|[1-5]XX|default)$/);
          expect(typeof r.description).toBe('string');
        }
        const params = op.parameters ?? [];
        for (const p of params) {
          expect(['query', 'header', 'path', 'cookie']).toContain(p.in);
          expect(typeof p.name).toBe('string');
          if (p.in === 'path') expect(p.required).toBe(true);
        }
        const pathParams = params.filter((p) => p.in === 'path').map((p) => p.name).sort();
        expect(pathParams).toEqual([...templated].sort());
        // Staff endpoints and the guest login name the tenant; my-stay and ask take it from the guest token.
        const namesTenant = path.startsWith('/api/integrations/') || path === '/api/guest/login';
        if (namesTenant) expect(params.some((p) => p.name === 'tenant_id' && p.in === 'query' && p.required === true)).toBe(true);
      }
    }
    for (const s of Object.values(doc.security ?? [])) for (const name of Object.keys(s)) expect(doc.components.securitySchemes).toHaveProperty([name]);
  });

  test('edge mode: a client that disconnects stops the run at a page boundary, recorded as interrupted; the next run completes it', async () => {
    const runs = [];
    const app = createHttpApp({ db: h.db, core: h.core, clientFor, onDisconnect: 'stop', heartbeatMs: 200, waitUntil: (p) => runs.push(p) });
    const edgeServer = await new Promise((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    const edgeUrl = `http://127.0.0.1:${edgeServer.address().port}`;
    try {
      const first = await openStream(`${edgeUrl}${BASE}/sync-all?tenant_id=edge&full=true`, { method: 'POST', headers: bearer('edge') });
      expect(first.response.status).toBe(200);
      await first.sse.readUntil((events) => events.some((e) => e.data.stage === 'reservations'));
      first.controller.abort();
      const runId = first.sse.events()[0].data.run_id;
      expect(runs).toHaveLength(1);
      await Promise.all(runs);

      const run = await runRow(h.db, runId);
      expect(run).toMatchObject({ status: 'interrupted', error_code: 'interrupted' });
      const rows = await rowCounts(h.db, edge.tenant_id);
      const written = rows.reservations + rows.blocks;
      expect(written).toBeGreaterThanOrEqual(100); // page 1 was reported written
      expect(written).toBeLessThan(BOOKINGS);
      expect(written % 100).toBe(0); // whole pages only
      expect(run.counts.pages * 100).toBe(written);
      expect(await h.db.query('select * from public.sync_locks where tenant_id = $1', [edge.tenant_id])).toEqual([]);

      // The stored events of the interrupted run end with its error.
      const replay = await fetch(`${edgeUrl}${BASE}/runs/${runId}/events?tenant_id=edge`, { headers: bearer('edge') });
      const replayed = sseReader(replay);
      await replayed.readToEnd();
      expect(replayed.events().at(-1).data).toMatchObject({ type: 'error', code: 'interrupted' });

      const next = await openStream(`${edgeUrl}${BASE}/sync-all?tenant_id=edge`, { method: 'POST', headers: bearer('edge') });
      expect(await next.sse.readToEnd()).toBe(true);
      expectWellFormedStream(next.sse.events());
      expect(next.sse.events().at(-1).data.type).toBe('complete');
      const after = await rowCounts(h.db, edge.tenant_id);
      expect(after.reservations + after.blocks).toBe(h.sim.hotels.find((x) => x.name === 'edge').counts.bookings);
      const health = await (await fetch(`${edgeUrl}${BASE}/health?tenant_id=edge`, { headers: bearer('edge') })).json();
      expect(health.ok).toBe(true);
    } finally {
      await new Promise((resolve) => {
        edgeServer.closeAllConnections?.();
        edgeServer.close(() => resolve());
      });
    }
  });
});

afterAll(() => closeTemplates());
