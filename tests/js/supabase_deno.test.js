// The Supabase Edge Function (supabase/functions/mphb-sync: index.ts and the self-contained edge bundle
// mphb_edge.js) under real Deno — the `deno` npm package, pinned in devDependencies — on this run's
// PostgreSQL (MPHB_TEST_DATABASE_URL) against the simulator, called over HTTP as Supabase calls it (paths
// under /mphb-sync). It runs a copy of the function's folder alone, in a temporary directory (no repository,
// no node_modules around it), with network access to loopback and no file access: staff auth (401, 403), a
// stream ticket and Sync All over SSE to `complete` with its rows in PostgreSQL, a re-sync that writes
// nothing, a client that leaves mid-stream (the run ends `interrupted`), the pages and the OpenAPI document.
// Then two instances that cannot start — no DATABASE_URL, a damaged .wasm — answer the documented 500s while
// /api/openapi.json still answers.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { jest } from '@jest/globals';
import { parse as parseToml } from 'smol-toml';

import { denoBinary } from '../../scripts/deno_binary.mjs';
import { createStaffToken } from '../../host/http/staff_tokens.js';
import { startSimulator } from '../../host/simulator/simulator_server.js';
import { createCipher } from '../../host/tenants/credential_cipher.js';
import { addTenant } from '../../host/tenants/tenant_store.js';
import { openTestDatabase } from './support/test_databases.js';
import { leaveMidSync, readCompleteSyncAll, rowVersions, waitForRun } from './support/deployed_runs.js';

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

/** A copy of the function's folder, alone in a temporary directory: what `supabase functions deploy` uploads. */
function copyFunction() {
  const dir = mkdtempSync(join(tmpdir(), 'mphb-deno-'));
  cpSync(join(ROOT, FUNCTION_DIR), dir, { recursive: true });
  return dir;
}

/**
 * `deno run` of index.ts in `fnDir` (a copy of the function's folder) with exactly `env` (plus Deno's own
 * settings), listening on 127.0.0.1 at a free port. Resolves once it listens.
 */
async function startFunction({ fnDir, env }) {
  const args = [
    'run', '--no-prompt',
    // The function's own deno.json (Deno would otherwise look for one from the working directory up).
    `--config=${join(fnDir, 'deno.json')}`,
    // Loopback only: where it listens, PostgreSQL and the simulator.
    '--allow-net=127.0.0.1',
    // Deno.env.toObject() needs the whole environment; the child's is exactly the one given here.
    '--allow-env',
    // No --allow-read: the bundle carries the .wasm, the pages and the preview's files.
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

describe('supabase/config.toml', () => {
  test('deploys mphb-sync from its own folder, without the gateway\'s JWT check and without static files', () => {
    const config = parseToml(readFileSync(join(ROOT, 'supabase/config.toml'), 'utf8'));
    expect(config.db.major_version).toBe(15);
    const fn = config.functions['mphb-sync'];
    expect(fn).toMatchObject({ enabled: true, verify_jwt: false });
    expect(fn.static_files).toBeUndefined();
    for (const key of ['entrypoint', 'import_map']) {
      const path = resolve(ROOT, 'supabase', fn[key]);
      expect(path.startsWith(`${join(ROOT, FUNCTION_DIR)}/`)).toBe(true);
      expect(readFileSync(path).length).toBeGreaterThan(0);
    }
  });
});

describe('the Supabase function\'s module graph (deno info)', () => {
  test('is the folder alone: index.ts and the bundle, which imports only node: built-ins — no npm package, no PGlite, nothing outside; index.ts type-checks', () => {
    const fnDir = copyFunction();
    try {
      const info = JSON.parse(execFileSync(deno(), ['info', '--json', `--config=${join(fnDir, 'deno.json')}`, join(fnDir, 'index.ts')],
        { cwd: fnDir, env: denoEnv(), encoding: 'utf8' }));
      expect(info.modules.filter((m) => m.error).map((m) => `${m.specifier}: ${m.error}`)).toEqual([]);
      const specifiers = info.modules.map((m) => m.specifier);
      expect(specifiers.filter((s) => !s.startsWith('node:')).sort()).toEqual([pathToFileURL(join(fnDir, 'index.ts')).href, pathToFileURL(join(fnDir, 'mphb_edge.js')).href].sort());
      expect(specifiers.filter((s) => s.startsWith('node:')).length).toBeGreaterThan(0);
      // index.ts type-checks under Deno (Deno.serve, Deno.NetAddr, the EdgeRuntime declaration).
      execFileSync(deno(), ['check', `--config=${join(fnDir, 'deno.json')}`, join(fnDir, 'index.ts')], { cwd: fnDir, env: denoEnv(), stdio: 'pipe' });
    } finally {
      rmSync(fnDir, { recursive: true, force: true });
    }
  });
});

describe('the Supabase function under Deno, on PostgreSQL', () => {
  let db;
  let sim;
  let fn;
  let hotel;
  let other;
  let fnDir;

  beforeAll(async () => {
    requireTestDatabase();
    fnDir = copyFunction();
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
    fn = await startFunction({ fnDir, env: { DATABASE_URL: db.testUrl, MPHB_ENCRYPTION_KEY: KEY } });
  });
  afterAll(async () => {
    await fn?.stop();
    await sim?.stop();
    await db?.close();
    if (fnDir) rmSync(fnDir, { recursive: true, force: true });
  });

  test('/api/openapi.json answers the OpenAPI 3.1 document', async () => {
    await openApiAnswers(fn);
  });

  test('the pages and the preview\'s files are served from the bundle, byte for byte the checkout\'s files', async () => {
    for (const [path, file, type] of [
      ['/mphb-sync/', 'host/http/staff_page.html', /^text\/html/],
      ['/mphb-sync/my-stay?tenant=hotel', 'host/http/guest_page.html', /^text\/html/],
      ['/mphb-sync/preview?tenant=hotel', 'host/http/preview_page.html', /^text\/html/],
      ['/mphb-sync/preview/dist/wasm/mphb_core.wasm', 'dist/wasm/mphb_core.wasm', /^application\/wasm/],
      ['/mphb-sync/preview/dist/wasm/mphb_core.mjs', 'dist/wasm/mphb_core.mjs', /^text\/javascript/],
      ['/mphb-sync/preview/js/preview_worker.js', 'host/http/preview_worker.js', /^text\/javascript/],
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
    const { last, runId } = await readCompleteSyncAll(response);

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
    const { last, runId } = await readCompleteSyncAll(response);
    for (const field of ['types_created', 'types_updated', 'types_deactivated', 'units_created', 'units_updated', 'units_deactivated',
      'created', 'updated', 'cancelled', 'blocks', 'placeholders', 'gone']) {
      expect({ field, n: last.counts[field] }).toEqual({ field, n: 0 });
    }
    expect(await waitForRun(db, runId)).toMatchObject({ status: 'succeeded' });
    expect(await rowVersions(db, hotel.tenant_id)).toEqual(before);
  });

  test('a client that leaves mid-stream: the run stops at a page boundary, recorded interrupted', async () => {
    // full=true: every bookings page is fetched again; the site holds pages 3–5 until the client has left.
    const run = await leaveMidSync({ url: `${fn.url}${API}/sync-all?tenant_id=hotel&full=true`, headers: bearer(hotel.token), sim, db });
    expect(run).toEqual({ status: 'interrupted', error_code: 'interrupted' });
  });

  test('its log holds no secret: neither the encryption key nor a token nor MotoPress keys', () => {
    const output = fn.output();
    expect(output).toContain('sync-all started'); // the JSON lines it logs are here
    for (const secret of [KEY, hotel.token, other.token, sim.hotels[0].keys.readWrite.secret]) expect(output).not.toContain(secret);
  });
});

describe('the Supabase function under Deno, when it cannot start', () => {
  let db;
  let fnDir;
  let damaged;

  beforeAll(async () => {
    requireTestDatabase();
    db = await openTestDatabase('postgres');
    fnDir = copyFunction();
    // A damaged deploy: the bundle's .wasm cut to its first 8 bytes (a valid header, no module).
    damaged = copyFunction();
    const bundle = join(damaged, 'mphb_edge.js');
    const text = readFileSync(bundle, 'utf8');
    const wasm = /"dist\/wasm\/mphb_core\.wasm": \{ "base64": "([^"]+)"/.exec(text);
    expect(wasm).not.toBeNull();
    writeFileSync(bundle, text.replace(wasm[1], wasm[1].slice(0, 12)));
  });
  afterAll(async () => {
    await db?.close();
    for (const dir of [fnDir, damaged]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('without DATABASE_URL: 500 not_configured naming DATABASE_URL, and /api/openapi.json answers', async () => {
    const fn = await startFunction({ fnDir, env: { MPHB_ENCRYPTION_KEY: KEY } });
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

  test('with a damaged .wasm: 500 start_failed on every endpoint, the log says why, and /api/openapi.json answers', async () => {
    const fn = await startFunction({ fnDir: damaged, env: { DATABASE_URL: db.testUrl, MPHB_ENCRYPTION_KEY: KEY } });
    try {
      for (const [method, path] of [['GET', `${API}/health?tenant_id=hotel`], ['POST', `${API}/sync-all?tenant_id=hotel`], ['GET', '/mphb-sync/']]) {
        const response = await fetch(`${fn.url}${path}`, { method });
        expect({ path, status: response.status }).toEqual({ path, status: 500 });
        expect(await response.json()).toMatchObject({ code: 'start_failed' });
      }
      await openApiAnswers(fn);
      expect(fn.output()).toMatch(/"code":"start_failed".*WebAssembly/);
      for (const secret of [KEY, new URL(db.testUrl).password].filter(Boolean)) expect(fn.output()).not.toContain(secret);
    } finally {
      await fn.stop();
    }
  });
});
