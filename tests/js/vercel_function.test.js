// The Vercel deployment as Vercel builds and runs it, offline: `vercel build` (the Vercel CLI from npm,
// pinned in devDependencies) over a copy of the repository with its production dependencies installed as
// Vercel installs them, then the function it built — only the files in its .func folder — served by
// @vercel/node's own dev server (the Node bridge `vercel dev` runs) on this run's PostgreSQL, against the
// simulator: the migrations applied at the first request, staff auth, Sync All over SSE to `complete` with
// its rows, a re-sync that writes nothing, and what a client leaving does there.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { jest } from '@jest/globals';

import { openDatabase } from '../../host/db/database.js';
import { createStaffToken } from '../../host/http/staff_tokens.js';
import { startSimulator } from '../../host/simulator/simulator_server.js';
import { createCipher } from '../../host/tenants/credential_cipher.js';
import { addTenant } from '../../host/tenants/tenant_store.js';
import { openTestDatabase } from './support/test_databases.js';
import { readSse } from './support/sse_reader.js';
import { leaveMidSync, readCompleteSyncAll, rowVersions, waitForRun } from './support/deployed_runs.js';

jest.setTimeout(180000);

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const KEY = Buffer.alloc(32, 13).toString('base64');
const API = '/api/integrations/motopress';
const HOTEL_BOOKINGS = 500;
const FUNCTION = '.vercel/output/functions/api/[[...route]].func';

let project; // the copy `vercel build` ran in

/** Every file under dir, relative to it. */
function filesUnder(dir) {
  return readdirSync(dir, { recursive: true }).map(String).filter((f) => statSync(join(dir, f)).isFile());
}

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'mphb-vercel-'));
  // The repository's files as a clone has them (tracked, and new ones not ignored): no node_modules, no build.
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of files) {
    if (!existsSync(join(ROOT, file))) continue; // deleted in the working tree
    mkdirSync(dirname(join(project, file)), { recursive: true });
    cpSync(join(ROOT, file), join(project, file));
  }
  // What `vercel link` / `vercel pull` would write: the project's settings, so the build needs no account.
  mkdirSync(join(project, '.vercel'));
  writeFileSync(join(project, '.vercel/project.json'), JSON.stringify({ projectId: 'prj_mphbsynctest', orgId: 'team_mphbsynctest', settings: { framework: null } }));
  const env = { ...process.env, HOME: join(project, '.home'), VERCEL_TELEMETRY_DISABLED: '1', NO_COLOR: '1' };
  // Production dependencies only, as the function needs them (from npm's cache: npm ci filled it).
  execFileSync('npm', ['ci', '--omit=dev', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: project, env, stdio: 'pipe' });
  try {
    execFileSync(join(ROOT, 'node_modules/.bin/vercel'), ['build', '--yes'], { cwd: project, env: { ...env, VERCEL_INSTALL_COMPLETED: '1' }, stdio: 'pipe', encoding: 'utf8' });
  } catch (error) {
    throw new Error(`vercel build failed (${error.status}):\n${error.stdout}\n${error.stderr}`, { cause: error });
  }
});
afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('vercel build', () => {
  test('builds: robots.txt as the one static file, every path rewritten to the one function, which may run 300 s and is told when its client leaves', () => {
    const output = join(project, '.vercel/output');
    expect(filesUnder(join(output, 'static'))).toEqual(['robots.txt']);
    const config = JSON.parse(readFileSync(join(output, 'config.json'), 'utf8'));
    const rewrite = config.routes.find((r) => r.dest === '/api/[[...route]]');
    expect(rewrite).toMatchObject({ src: '^(?:/(.*))$' });
    expect(readdirSync(join(output, 'functions/api'))).toEqual(['[[...route]].func']);
    const vc = JSON.parse(readFileSync(join(project, FUNCTION, '.vc-config.json'), 'utf8'));
    expect(vc).toMatchObject({ handler: 'api/[[...route]].js', launcherType: 'Nodejs', maxDuration: 300, supportsCancellation: true });
  });

  test('the function carries its handler, the edge bundle and @vercel/functions: no PGlite, no .wasm file, nothing of host/ or dist/', () => {
    const files = filesUnder(join(project, FUNCTION));
    expect(files).toEqual(expect.arrayContaining(['api/[[...route]].js', 'api/_mphb_edge.js', 'node_modules/@vercel/functions/package.json']));
    expect(files.filter((f) => /pglite|\.wasm$|^host\/|^dist\/|^supabase\//.test(f))).toEqual([]);
    expect(files.filter((f) => f.startsWith('api/')).sort()).toEqual(['api/[[...route]].js', 'api/_mphb_edge.js'].sort());
    const bytes = files.reduce((sum, f) => sum + statSync(join(project, FUNCTION, f)).size, 0);
    // PGlite (installed here, as on Vercel) made the function 18 MB; the bundle is about 1.7 MB.
    expect(bytes).toBeLessThan(4 * 1024 * 1024);
    process.stdout.write(`vercel build: the function is ${(bytes / 1024 / 1024).toFixed(2)} MB in ${files.length} files\n`);
  });
});

/**
 * @vercel/node's dev server (dist/dev-server.mjs, what `vercel dev` runs for a Node function) serving the
 * built function from its .func folder. Resolves once it listens.
 */
async function startDevServer(env) {
  const child = spawn(process.execPath, [join(ROOT, 'node_modules/@vercel/node/dist/dev-server.mjs')], {
    cwd: join(project, FUNCTION),
    env: { PATH: process.env.PATH, HOME: join(project, '.home'), VERCEL_DEV_ENTRYPOINT: 'api/[[...route]].js', VERCEL_DEV_CONFIG: '{}', ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  const exited = new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
  const address = await new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`the dev server did not listen within 60 s:\n${output}`)), 60_000);
    child.once('message', (message) => { clearTimeout(timer); done(message); });
    exited.then(({ code, signal }) => { clearTimeout(timer); fail(new Error(`the dev server exited (${code ?? signal}):\n${output}`)); });
  });
  return {
    url: `http://127.0.0.1:${address.port}`,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

const bearer = (token) => ({ authorization: `Bearer ${token}` });

describe('the built function under @vercel/node\'s dev server, on PostgreSQL', () => {
  let schemaless;
  let db;
  let sim;
  let fn;
  let hotel;
  let other;

  beforeAll(async () => {
    if (!process.env.MPHB_TEST_DATABASE_URL) {
      throw new Error('MPHB_TEST_DATABASE_URL is not set: the Vercel function needs PostgreSQL (npm test starts a throwaway PostgreSQL 15 cluster; apt-get install postgresql-15)');
    }
    // A database without the schema: the function applies the migrations it carries at its first request.
    [schemaless, sim] = await Promise.all([
      openTestDatabase('postgres', { migrate: false }),
      startSimulator({ hotels: `hotel=large:${HOTEL_BOOKINGS}`, seed: 2 }),
    ]);
    fn = await startDevServer({ DATABASE_URL: schemaless.testUrl, MPHB_ENCRYPTION_KEY: KEY });
  });
  afterAll(async () => {
    await fn?.stop();
    await sim?.stop();
    await db?.close();
    await schemaless?.close();
  });

  test('the first request applies the migrations; /api/openapi.json and the pages answer', async () => {
    const doc = await fetch(`${fn.url}/api/openapi.json`);
    expect(doc.status).toBe(200);
    expect((await doc.json()).paths).toHaveProperty([`${API}/sync-all`]);
    const [{ ok }] = await schemaless.query("select to_regclass('public.sync_runs') is not null as ok");
    expect(ok).toBe(true);
    const versions = (await schemaless.query('select version from public.mphb_schema_migrations order by 1')).map((r) => r.version);
    expect(versions).toEqual(readdirSync(join(ROOT, 'supabase/migrations')).filter((f) => f.endsWith('.sql')).sort().map((f) => f.replace(/\.sql$/, '')));
    for (const [path, file] of [['/', 'host/http/staff_page.html'], ['/preview/dist/wasm/mphb_core.wasm', 'dist/wasm/mphb_core.wasm']]) {
      const response = await fetch(`${fn.url}${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      expect(Buffer.from(await response.arrayBuffer()).equals(readFileSync(join(ROOT, file)))).toBe(true);
    }

    db = await openDatabase({ url: schemaless.testUrl, migrate: false });
    const cipher = await createCipher(KEY);
    const h = sim.hotels[0];
    hotel = await addTenant(db, cipher, { slug: 'hotel', name: h.title, siteUrl: h.siteUrl, consumerKey: h.keys.readWrite.key, consumerSecret: h.keys.readWrite.secret });
    hotel.token = (await createStaffToken(db, { tenantId: hotel.tenant_id, role: 'staff' })).token;
    other = await addTenant(db, cipher, { slug: 'other', name: 'Other', siteUrl: 'https://other.example', consumerKey: 'ck_1', consumerSecret: 'cs_1' });
    other.token = (await createStaffToken(db, { tenantId: other.tenant_id, role: 'staff' })).token;
  });

  test('staff endpoints: no credential → 401, another tenant\'s token → 403', async () => {
    const none = await fetch(`${fn.url}${API}/health?tenant_id=hotel`);
    expect(none.status).toBe(401);
    const foreign = await fetch(`${fn.url}${API}/health?tenant_id=hotel`, { headers: bearer(other.token) });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ code: 'forbidden_tenant' });
  });

  test('Sync All over SSE to complete, accommodations first; the rows are in PostgreSQL', async () => {
    const response = await fetch(`${fn.url}${API}/sync-all?tenant_id=hotel`, { method: 'POST', headers: bearer(hotel.token) });
    const { last, runId } = await readCompleteSyncAll(response);
    expect(await waitForRun(db, runId)).toMatchObject({ status: 'succeeded' });
    const [rows] = await db.query(`select
        (select count(*) from public.guest_reservations where tenant_id = $1)::int as reservations,
        (select count(*) from public.calendar_blocks where tenant_id = $1)::int as blocks`, [hotel.tenant_id]);
    expect(rows.reservations + rows.blocks).toBe(HOTEL_BOOKINGS);
    expect(last.counts).toMatchObject({ pages: 5, created: HOTEL_BOOKINGS, errors: 0 });
  });

  test('a re-sync writes nothing', async () => {
    const before = await rowVersions(db, hotel.tenant_id);
    const response = await fetch(`${fn.url}${API}/sync-all?tenant_id=hotel`, { method: 'POST', headers: bearer(hotel.token) });
    const { runId } = await readCompleteSyncAll(response);
    expect(await waitForRun(db, runId)).toMatchObject({ status: 'succeeded' });
    expect(await rowVersions(db, hotel.tenant_id)).toEqual(before);
  });

  test('a client that leaves mid-stream: the dev bridge does not tell the function, so the run completes (README "Vercel")', async () => {
    const run = await leaveMidSync({ url: `${fn.url}${API}/sync-all?tenant_id=hotel&full=true`, headers: bearer(hotel.token), sim, db });
    expect(run).toEqual({ status: 'succeeded', error_code: null });
  });

  test('deployed, Vercel aborts request.signal when the client leaves (supportsCancellation): the built handler stops the run at a page boundary, recorded interrupted', async () => {
    const saved = { DATABASE_URL: process.env.DATABASE_URL, MPHB_ENCRYPTION_KEY: process.env.MPHB_ENCRYPTION_KEY };
    Object.assign(process.env, { DATABASE_URL: schemaless.testUrl, MPHB_ENCRYPTION_KEY: KEY });
    const consoleLog = jest.spyOn(console, 'log').mockImplementation(() => {});
    const built = await import(pathToFileURL(join(project, FUNCTION, 'api/[[...route]].js')).href);
    const release = sim.hold(({ endpoint, page }) => endpoint === 'bookings' && page >= 3);
    let sse;
    try {
      // As Vercel's runtime hands it over: a Request whose signal fires when the client disconnects.
      const cancel = new AbortController();
      const response = await built.POST(new Request(`https://mphb-sync.example${API}/sync-all?tenant_id=hotel&full=true`, { method: 'POST', headers: bearer(hotel.token), signal: cancel.signal }));
      expect(response.status).toBe(200);
      sse = await readSse(response, (seen) => seen.some((e) => e.data.stage === 'reservations'));
      expect(sse.ended).toBe(false);
      cancel.abort(); // the response stream itself stays open: only the signal says the client left
      release();
      expect(await waitForRun(db, sse.events[0].data.run_id)).toEqual({ status: 'interrupted', error_code: 'interrupted' });
    } finally {
      release();
      await sse?.cancel().catch(() => {});
      await built.app.close();
      consoleLog.mockRestore();
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  test('its log holds no secret', () => {
    for (const secret of [KEY, hotel.token, other.token, sim.hotels[0].keys.readWrite.secret, new URL(schemaless.testUrl).password].filter(Boolean)) {
      expect(fn.output()).not.toContain(secret);
    }
    expect(fn.output()).toContain('sync-all started');
  });
});
