// The Supabase Edge Function (supabase/functions/mphb-sync/index.ts) under real Deno — the `deno` npm
// package, pinned in devDependencies — on this run's PostgreSQL (MPHB_TEST_DATABASE_URL) against the
// simulator, called over HTTP as Supabase calls it (paths under /mphb-sync): staff auth (401, 403), a stream
// ticket and Sync All over SSE to `complete` with its rows in PostgreSQL, a re-sync that writes nothing, a
// client that leaves mid-stream (the run ends `interrupted`), and the OpenAPI document. Then two instances
// that cannot start — no DATABASE_URL, no .wasm — answer the documented 500s while /api/openapi.json still
// answers. The function's deno.json resolves every import: its npm packages from node_modules (the copies
// Node runs, postgres.js with patches/ applied), so Deno fetches nothing.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { jest } from '@jest/globals';

import { denoBinary } from '../../scripts/deno_binary.mjs';
import { createStaffToken } from '../../host/http/staff_tokens.js';
import { startSimulator } from '../../host/simulator/simulator_server.js';
import { createCipher } from '../../host/tenants/credential_cipher.js';
import { addTenant } from '../../host/tenants/tenant_store.js';
import { openTestDatabase } from './support/test_databases.js';
import { readSse } from './support/sse_reader.js';

jest.setTimeout(120000);

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// The `deno` devDependency (npm ci); `npm test`'s set-up stops earlier, with the same advice, without it.
function deno() {
  const bin = denoBinary(ROOT);
  if (!bin) throw new Error('Deno is not installed in node_modules: it comes with npm ci as the devDependency "deno"');
  return bin;
}
// Deno's caches (transpiled modules, analysis) stay in the checkout's build/, not in the user's home.
const DENO_DIR = resolve(ROOT, 'build/deno');
const FUNCTION_DIR = 'supabase/functions/mphb-sync';
const KEY = Buffer.alloc(32, 11).toString('base64');
const API = '/mphb-sync/api/integrations/motopress';
const HOTEL_BOOKINGS = 500;

/** The function runs on PostgreSQL only: without the test cluster this suite fails, it never skips. */
function requireTestDatabase() {
  if (!process.env.MPHB_TEST_DATABASE_URL) {
    throw new Error('MPHB_TEST_DATABASE_URL is not set: the Supabase function needs PostgreSQL (npm test starts a throwaway PostgreSQL 15 cluster; apt-get install postgresql-15)');
  }
}

/**
 * `deno run` of index.ts in `root` (the checkout, or a copy of it) with exactly `env` (plus Deno's own
 * settings), listening on 127.0.0.1 at a free port. Resolves once it listens.
 */
async function startFunction({ root = ROOT, env }) {
  const fnDir = join(root, FUNCTION_DIR);
  const args = [
    'run', '--no-prompt',
    // The function's own import map (Deno would otherwise take the nearest config from the working directory).
    `--config=${join(fnDir, 'deno.json')}`,
    // Loopback only: where it listens, PostgreSQL and the simulator.
    '--allow-net=127.0.0.1',
    // Deno.env.toObject() needs the whole environment; the child's is exactly the one given here.
    '--allow-env',
    // What it reads at run time: the .wasm core and the pages (host/http), the preview's scripts (js/).
    `--allow-read=${['dist/wasm', 'host/http', 'js'].map((p) => join(root, p)).join(',')}`,
    join(fnDir, 'index.ts'),
  ];
  const child = spawn(deno(), args, {
    cwd: fnDir,
    env: { ...denoEnv(), PORT: '0', MPHB_HOSTNAME: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
  const port = await new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`deno did not listen within 60 s:\n${output}`)), 60_000);
    const onData = (chunk) => {
      output += chunk;
      const line = output.split('\n').find((l) => l.includes('"mphb-sync listening"'));
      if (line) {
        clearTimeout(timer);
        done(JSON.parse(line).port);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      fail(new Error(`deno exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

const bearer = (token) => ({ authorization: `Bearer ${token}` });
const denoEnv = () => ({ DENO_DIR, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' });

async function openApiAnswers(fn) {
  const response = await fetch(`${fn.url}/mphb-sync/api/openapi.json`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const doc = await response.json();
  expect(doc.openapi).toMatch(/^3\.1\./);
  expect(doc.paths).toHaveProperty(['/api/integrations/motopress/sync-all']);
}

/** Every row version of the tenant's synced tables: equal before and after ⇔ nothing was written. */
async function rowVersions(db, tenantId) {
  const rows = await db.query(`
    select 'type' as t, id::text, xmin::text from hotels.accommodation_types where tenant_id = $1
    union all select 'unit', id::text, xmin::text from hotels.accommodation_units where tenant_id = $1
    union all select 'reservation', id::text, xmin::text from public.guest_reservations where tenant_id = $1
    union all select 'room', id::text, xmin::text from public.reservation_accommodations where tenant_id = $1
    union all select 'block', id::text, xmin::text from public.calendar_blocks where tenant_id = $1
    order by 1, 2`, [tenantId]);
  return rows.map((r) => `${r.t}:${r.id}:${r.xmin}`);
}

async function waitForRun(db, runId) {
  for (let i = 0; i < 300; i += 1) {
    const [run] = await db.query('select status, error_code from public.sync_runs where id = $1', [runId]);
    if (run && run.status !== 'running') return run;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`run ${runId} still running after 30 s`);
}

describe('the Supabase function\'s module graph (deno info)', () => {
  test('resolves whole from the checkout: postgres.js from node_modules with patches/ applied, PGlite to its stub, nothing from a registry', () => {
    const fnDir = join(ROOT, FUNCTION_DIR);
    const info = JSON.parse(execFileSync(deno(), ['info', '--json', `--config=${join(fnDir, 'deno.json')}`, join(fnDir, 'index.ts')],
      { cwd: fnDir, env: denoEnv(), encoding: 'utf8' }));
    expect(info.modules.filter((m) => m.error).map((m) => `${m.specifier}: ${m.error}`)).toEqual([]);
    const specifiers = info.modules.map((m) => m.specifier);
    expect(specifiers.filter((s) => !s.startsWith('file:') && !s.startsWith('node:'))).toEqual([]);
    expect(specifiers).toContain(pathToFileURL(join(ROOT, 'node_modules/postgres/src/index.js')).href);
    expect(specifiers).toContain(pathToFileURL(join(fnDir, 'pglite_unavailable.js')).href);
    expect(specifiers.filter((s) => s.includes('/@electric-sql/'))).toEqual([]);
    // The copy Deno loads is the one patch-package patched for Node.
    expect(readFileSync(join(ROOT, 'node_modules/postgres/src/connection.js'), 'utf8')).toContain('closed meanwhile: its queries were already rejected');
  });
});

describe('the Supabase function under Deno, on PostgreSQL', () => {
  let db;
  let sim;
  let fn;
  let hotel;
  let other;

  beforeAll(async () => {
    requireTestDatabase();
    const cipher = await createCipher(KEY);
    [db, sim] = await Promise.all([
      openTestDatabase('postgres'), // migrated here: the function does not migrate (migrate: false)
      startSimulator({ hotels: `hotel=large:${HOTEL_BOOKINGS}`, seed: 1 }), // 500 bookings: 5 pages
    ]);
    const h = sim.hotels[0];
    hotel = await addTenant(db, cipher, { slug: 'hotel', name: h.title, siteUrl: h.siteUrl, consumerKey: h.keys.readWrite.key, consumerSecret: h.keys.readWrite.secret });
    hotel.token = (await createStaffToken(db, { tenantId: hotel.tenant_id, role: 'staff' })).token;
    other = await addTenant(db, cipher, { slug: 'other', name: 'Other', siteUrl: 'https://other.example', consumerKey: 'ck_1', consumerSecret: 'cs_1' });
    other.token = (await createStaffToken(db, { tenantId: other.tenant_id, role: 'staff' })).token;
    fn = await startFunction({ env: { DATABASE_URL: db.testUrl, MPHB_ENCRYPTION_KEY: KEY } });
  });
  afterAll(async () => {
    await fn?.stop();
    await sim?.stop();
    await db?.close();
  });

  test('/api/openapi.json answers the OpenAPI 3.1 document', async () => {
    await openApiAnswers(fn);
  });

  test('the pages and the preview\'s files come from their files in the checkout (the read permission suffices)', async () => {
    for (const [path, file, type] of [
      ['/mphb-sync/', 'host/http/staff_page.html', /^text\/html/],
      ['/mphb-sync/my-stay?tenant=hotel', 'host/http/guest_page.html', /^text\/html/],
      ['/mphb-sync/preview?tenant=hotel', 'host/http/preview_page.html', /^text\/html/],
      ['/mphb-sync/preview/dist/wasm/mphb_core.wasm', 'dist/wasm/mphb_core.wasm', /^application\/wasm/],
    ]) {
      const response = await fetch(`${fn.url}${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      expect(response.headers.get('content-type')).toMatch(type);
      expect(Buffer.from(await response.arrayBuffer()).equals(readFileSync(join(ROOT, file)))).toBe(true);
    }
  });

  test('staff endpoints: no credential → 401, another tenant\'s token → 403, the tenant\'s own → 200', async () => {
    const none = await fetch(`${fn.url}${API}/health?tenant_id=hotel`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ code: 'unauthenticated' });
    const foreign = await fetch(`${fn.url}${API}/health?tenant_id=hotel`, { headers: bearer(other.token) });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ code: 'forbidden_tenant' });
    const own = await fetch(`${fn.url}${API}/health?tenant_id=hotel`, { headers: bearer(hotel.token) });
    expect(own.status).toBe(200);
    expect(await own.json()).toHaveProperty('ok');
  });

  test('a stream ticket, then Sync All over SSE to complete; the rows are in PostgreSQL and health is ok', async () => {
    const ticketResponse = await fetch(`${fn.url}${API}/stream-ticket?tenant_id=hotel`, { method: 'POST', headers: bearer(hotel.token) });
    expect(ticketResponse.status).toBe(200);
    const { ticket } = await ticketResponse.json();
    // As EventSource does: a GET with the ticket in the URL and no header.
    const response = await fetch(`${fn.url}${API}/sync-all?tenant_id=hotel&ticket=${encodeURIComponent(ticket)}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const { events, ended } = await readSse(response);
    expect(ended).toBe(true);
    const runId = events[0].data.run_id;
    expect(events[0].data).toMatchObject({ type: 'progress', stage: 'accommodations' });
    const stages = events.map((e) => e.data.stage);
    expect(stages.lastIndexOf('accommodations')).toBeLessThan(stages.indexOf('reservations'));
    const last = events.at(-1).data;
    expect(last.type).toBe('complete');

    const run = await waitForRun(db, runId);
    expect(run.status).toBe('succeeded');
    const [{ counts }] = await db.query('select counts from public.sync_runs where id = $1', [runId]);
    expect(last.counts).toEqual(counts);
    const [rows] = await db.query(`select
        (select count(*) from public.guest_reservations where tenant_id = $1)::int as reservations,
        (select count(*) from public.calendar_blocks where tenant_id = $1)::int as blocks,
        (select count(*) from hotels.accommodation_units where tenant_id = $1)::int as units`, [hotel.tenant_id]);
    expect(rows.reservations + rows.blocks).toBe(HOTEL_BOOKINGS);
    expect(rows.units).toBeGreaterThan(0);
    expect(counts).toMatchObject({ pass: 'full', pages: 5, created: HOTEL_BOOKINGS, blocks: rows.blocks, units_created: rows.units, errors: 0 });

    const health = await fetch(`${fn.url}${API}/health?tenant_id=hotel`, { headers: bearer(hotel.token) });
    expect(health.status).toBe(200);
    expect((await health.json()).ok).toBe(true);
  });

  test('a re-sync writes nothing', async () => {
    const before = await rowVersions(db, hotel.tenant_id);
    expect(before.length).toBeGreaterThan(HOTEL_BOOKINGS);
    const response = await fetch(`${fn.url}${API}/sync-all?tenant_id=hotel`, { method: 'POST', headers: bearer(hotel.token) });
    expect(response.status).toBe(200);
    const { events } = await readSse(response);
    const last = events.at(-1).data;
    expect(last.type).toBe('complete');
    for (const field of ['types_created', 'types_updated', 'types_deactivated', 'units_created', 'units_updated', 'units_deactivated',
      'created', 'updated', 'cancelled', 'blocks', 'placeholders', 'gone']) {
      expect({ field, n: last.counts[field] }).toEqual({ field, n: 0 });
    }
    expect(await waitForRun(db, events[0].data.run_id)).toMatchObject({ status: 'succeeded' });
    expect(await rowVersions(db, hotel.tenant_id)).toEqual(before);
  });

  test('a client that leaves mid-stream: the run stops at a page boundary, recorded interrupted', async () => {
    // full=true: every bookings page is fetched again; the site holds pages 3–5 until the client has left.
    const release = sim.hold(({ endpoint, page }) => endpoint === 'bookings' && page >= 3);
    try {
      const leave = new AbortController();
      const response = await fetch(`${fn.url}${API}/sync-all?tenant_id=hotel&full=true`, { method: 'POST', headers: bearer(hotel.token), signal: leave.signal });
      expect(response.status).toBe(200);
      const { events, ended } = await readSse(response, (seen) => seen.some((e) => e.data.stage === 'reservations'));
      expect(ended).toBe(false);
      leave.abort(); // the connection closes
      await new Promise((r) => setTimeout(r, 500)); // for Deno to see it go
      release();
      const run = await waitForRun(db, events[0].data.run_id);
      expect(run).toEqual({ status: 'interrupted', error_code: 'interrupted' });
    } finally {
      release();
    }
  });

  test('its log holds no secret: neither the encryption key nor a token nor MotoPress keys', () => {
    const output = fn.output();
    expect(output).toContain('sync-all started'); // the JSON lines it logs are here
    for (const secret of [KEY, hotel.token, other.token, sim.hotels[0].keys.readWrite.secret]) expect(output).not.toContain(secret);
  });
});

describe('the Supabase function under Deno, when it cannot start', () => {
  let db;
  let copy;

  beforeAll(async () => {
    requireTestDatabase();
    db = await openTestDatabase('postgres');
    // The function as a bundle without the .wasm (not listed in static_files): its modules and the core's
    // glue (which index.ts imports, so a bundle cannot lack it), the same node_modules, no mphb_core.wasm.
    copy = mkdtempSync(join(tmpdir(), 'mphb-deno-'));
    for (const dir of ['host', 'js', 'supabase/functions']) cpSync(join(ROOT, dir), join(copy, dir), { recursive: true });
    mkdirSync(join(copy, 'dist/wasm'), { recursive: true });
    cpSync(join(ROOT, 'dist/wasm/mphb_core.mjs'), join(copy, 'dist/wasm/mphb_core.mjs'));
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
    cpSync(join(ROOT, 'package.json'), join(copy, 'package.json'));
  });
  afterAll(async () => {
    await db?.close();
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  test('without DATABASE_URL: 500 not_configured naming DATABASE_URL, and /api/openapi.json answers', async () => {
    const fn = await startFunction({ env: { MPHB_ENCRYPTION_KEY: KEY } });
    try {
      const response = await fetch(`${fn.url}${API}/health?tenant_id=hotel`, { headers: bearer('mst_x') });
      expect(response.status).toBe(500);
      const body = await response.json();
      expect(body.code).toBe('not_configured');
      expect(body.message).toMatch(/DATABASE_URL/);
      await openApiAnswers(fn);
      expect(fn.output()).toMatch(/"code":"not_configured"/);
      expect(fn.output()).not.toContain(KEY);
    } finally {
      await fn.stop();
    }
  });

  test('without the .wasm: 500 start_failed on every endpoint, the log names the file, and /api/openapi.json answers', async () => {
    const fn = await startFunction({ root: copy, env: { DATABASE_URL: db.testUrl, MPHB_ENCRYPTION_KEY: KEY } });
    try {
      for (const [method, path] of [['GET', `${API}/health?tenant_id=hotel`], ['POST', `${API}/sync-all?tenant_id=hotel`], ['GET', '/mphb-sync/']]) {
        const response = await fetch(`${fn.url}${path}`, { method });
        expect({ path, status: response.status }).toEqual({ path, status: 500 });
        expect(await response.json()).toMatchObject({ code: 'start_failed' });
      }
      await openApiAnswers(fn);
      expect(fn.output()).toMatch(/"code":"start_failed".*mphb_core\.wasm is not in the function bundle/);
      for (const secret of [KEY, new URL(db.testUrl).password].filter(Boolean)) expect(fn.output()).not.toContain(secret);
    } finally {
      await fn.stop();
    }
  });
});
