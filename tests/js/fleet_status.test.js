// Fleet observability (issue #14, docs/fleet.md "Observability"): GET /api/fleet/status behind a
// platform-wide credential (platform tokens, platform JWTs with role platform_admin; staff credentials
// refused), the same document as `mphb-sync fleet status --json`, its figures from real queue state
// (queued, running, dead letters, lag), `monitor` flagging stale tenants, and `serve --schedule` keeping
// tenants fresh on the embedded database in one process.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { jest } from '@jest/globals';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { SignJWT } from 'jose';

import { openDatabase } from '../../host/db/database.js';
import { fleetSettings } from '../../host/fleet/fleet_settings.js';
import { DEAD_LETTER_QUEUE, openJobQueue, SYNC_QUEUE } from '../../host/fleet/job_queue.js';
import { setSchedules } from '../../host/fleet/schedule_store.js';
import { startHttpServer } from '../../host/http/node_server.js';
import { openApiDocument } from '../../host/http/openapi_document.js';
import { createPlatformToken, revokePlatformToken } from '../../host/http/platform_tokens.js';
import { createStaffToken } from '../../host/http/staff_tokens.js';
import { startSimulator } from '../../host/simulator/simulator_server.js';
import { createCipher } from '../../host/tenants/credential_cipher.js';
import { addTenant } from '../../host/tenants/tenant_store.js';
import { CLI, runCli } from './support/cli_process.js';
import { createSyncHarness } from './support/sync_harness.js';
import { closeTemplates, databaseKinds, openTestDatabase, requirePostgres } from './support/test_databases.js';

jest.setTimeout(120_000);

const KEY = Buffer.alloc(32, 7).toString('base64');
const JWT_SECRET = 'y'.repeat(32);

const signJwt = (claims) => new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('5m')
  .sign(new TextEncoder().encode(JWT_SECRET));

afterAll(() => closeTemplates());

describe.each(databaseKinds())('fleet status on %s', (kind) => {
  let h;
  let server;
  let boss;
  let indo;
  let other;
  const cliEnv = () => (kind === 'postgres' ? { DATABASE_URL: h.db.testUrl, MPHB_ENCRYPTION_KEY: KEY } : null);
  const get = async (headers = {}, path = '/api/fleet/status') => {
    const response = await fetch(`${server.url}${path}`, { headers });
    return { status: response.status, body: await response.json() };
  };
  const bearer = (token) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    h = await createSyncHarness(kind, { hotels: 'indo,other=testhotel' });
    indo = await h.addTenant('indo');
    other = await h.addTenant('other');
    server = await startHttpServer({ db: h.db, core: h.core, encryptionKey: KEY, jwt: { secret: JWT_SECRET } });
  });
  afterAll(async () => {
    await boss?.stop({ graceful: false, close: false });
    await server?.stop();
    await h?.close();
  });

  test('only a platform-wide credential reads the fleet: 401 without one or with a revoked one, 403 for staff, 400 in the URL', async () => {
    const platform = await createPlatformToken(h.db, { label: 'ops' });
    expect(platform.token).toMatch(/^mpt_/);
    expect((await get(bearer(platform.token))).status).toBe(200);
    expect((await get(bearer(await signJwt({ role: 'platform_admin' })))).status).toBe(200);

    const none = await get();
    expect(none).toEqual({ status: 401, body: expect.objectContaining({ code: 'unauthenticated' }) });
    const staff = await createStaffToken(h.db, { tenantId: indo.tenant_id, role: 'admin' });
    expect(await get(bearer(staff.token))).toEqual({ status: 403, body: expect.objectContaining({ code: 'forbidden_role' }) });
    const staffJwt = await signJwt({ tenant_id: indo.tenant_id, role: 'admin' });
    expect(await get(bearer(staffJwt))).toEqual({ status: 403, body: expect.objectContaining({ code: 'forbidden_role' }) });
    // A platform role with another secret, a made-up token: unknown.
    const forged = await new SignJWT({ role: 'platform_admin' }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('5m').sign(new TextEncoder().encode('z'.repeat(32)));
    expect((await get(bearer(forged))).status).toBe(401);
    expect((await get(bearer(`mpt_${'A'.repeat(43)}`))).status).toBe(401);
    expect(await get({}, `/api/fleet/status?token=${platform.token}`)).toEqual({ status: 400, body: expect.objectContaining({ code: 'credential_in_url' }) });
    const bodyText = JSON.stringify((await get({}, `/api/fleet/status?token=${platform.token}`)).body);
    expect(bodyText).not.toContain(platform.token);

    const expiring = await createPlatformToken(h.db, { expiresInSeconds: 1 });
    await h.db.query("update public.platform_tokens set expires_at = now() - interval '1 second' where id = $1", [expiring.id]);
    expect((await get(bearer(expiring.token))).status).toBe(401);
    expect(await revokePlatformToken(h.db, platform.id)).toBe(true);
    expect((await get(bearer(platform.token))).status).toBe(401);
  });

  test('before any worker: every tenant scheduled by default, the queue not created, nothing stale', async () => {
    const token = (await createPlatformToken(h.db)).token;
    const { status, body } = await get(bearer(token));
    expect(status).toBe(200);
    expect(body.queue_ready).toBe(false);
    expect(body.queue).toEqual({ depth: 0, running: 0, retrying: 0, deferred: 0, dead_letters: 0 });
    expect(body.lag_seconds).toEqual({ p50: null, p99: null, samples: 0, window_seconds: 3600 });
    expect(body.tenants.map((t) => [t.slug, t.enabled, t.interval_seconds, t.state, t.stale])).toEqual([
      ['indo', true, 900, 'idle', false], ['other', true, 900, 'idle', false],
    ]);
    const validate = schemaValidator();
    expect(validate(body)).toBe(true);
    // No worker has run yet: a schedule is no promise, so an old last success is not stale (the monitor
    // stays green for platforms that do not run the fleet).
    await setSchedules(h.db, [other.tenant_id], { intervalSeconds: 60 });
    await h.db.query(`insert into public.sync_runs (id, tenant_id, kind, status, started_at, finished_at)
      values (gen_random_uuid(), $1, 'sync-all', 'succeeded', now() - interval '2 hours', now() - interval '2 hours')`, [other.tenant_id]);
    const { checkInvariants } = await import('../../host/monitor/invariant_checks.js');
    const monitor = await checkInvariants(h.db, other.tenant_id);
    expect(monitor.tenants[0]).toMatchObject({ ok: true, stale: false, schedule: { enabled: true, interval_seconds: 60 } });
    expect((await get(bearer(token))).body.tenants.find((t) => t.slug === 'other')).toMatchObject({ stale: false, last_success_age_seconds: expect.any(Number) });
    await h.db.query("delete from public.sync_runs where tenant_id = $1", [other.tenant_id]);
    await setSchedules(h.db, [other.tenant_id], { intervalSeconds: 900 });
  });

  test('queued, running and dead-lettered jobs, failures and lag are counted from the queue itself', async () => {
    boss = await openJobQueue(h.db, fleetSettings({ retryLimit: 0, repairRetryLimit: 0, heartbeatSeconds: 10, monitorSeconds: 60 }), { supervise: false });
    await h.syncAll('indo');
    // indo: one job, taken (running); other: one job, failed with no retries left → its dead letter.
    const enqueue = async (tenantId) => (await h.db.query("select public.fleet_enqueue($1, now() - interval '2 seconds') as added", [tenantId]))[0].added;
    expect(await enqueue(indo.tenant_id)).toBe(true);
    expect(await enqueue(indo.tenant_id)).toBe(false); // one queued-or-running job per tenant
    expect(await enqueue(other.tenant_id)).toBe(true);
    const token = (await createPlatformToken(h.db)).token;
    let { body } = await get(bearer(token));
    expect(body.queue).toMatchObject({ depth: 2, running: 0, dead_letters: 0 });
    expect(body.tenants.map((t) => t.state)).toEqual(['queued', 'queued']);

    const taken = await boss.fetch(SYNC_QUEUE, { batchSize: 2 });
    expect(taken).toHaveLength(2);
    const otherJob = taken.find((j) => j.data.tenant_id === other.tenant_id);
    await boss.fail(SYNC_QUEUE, otherJob.id, { code: 'motopress_error' });
    await h.db.query(`insert into public.sync_runs (id, tenant_id, kind, status, started_at, finished_at, error_code)
      values (gen_random_uuid(), $1, 'sync-all', 'failed', now(), now(), 'motopress_error')`, [other.tenant_id]);
    ({ body } = await get(bearer(token)));
    expect(body.queue).toMatchObject({ depth: 0, running: 1, dead_letters: 1 });
    const byslug = Object.fromEntries(body.tenants.map((t) => [t.slug, t]));
    expect(byslug.indo).toMatchObject({ state: 'running', dead_letters: 0, failures_24h: 0, stale: false });
    expect(byslug.indo.last_success_age_seconds).toBeGreaterThanOrEqual(0);
    expect(byslug.other).toMatchObject({ state: 'idle', dead_letters: 1, failures_24h: 1, last_error_code: 'motopress_error', last_success_at: null });
    expect(body.totals).toMatchObject({ tenants: 2, with_dead_letters: 1, failing: 1 });
    // Both jobs were due 2 s before they were taken.
    expect(body.lag_seconds.samples).toBe(2);
    expect(body.lag_seconds.p50).toBeGreaterThanOrEqual(1.5);
    expect(body.lag_seconds.p99).toBeGreaterThanOrEqual(body.lag_seconds.p50);
    const [dlq] = await h.db.query('select data from pgboss.job where name = $1', [DEAD_LETTER_QUEUE]);
    expect(dlq.data.tenant_id).toBe(other.tenant_id);
    expect(schemaValidator()(body)).toBe(true);

    // A repair that failed for good is answered only by a later successful repair, not by a Sync All.
    expect(await h.db.query("select public.fleet_enqueue($1, now(), 'repair') as added", [indo.tenant_id])).toEqual([{ added: true }]);
    const [repairJob] = await boss.fetch('repair');
    await boss.fail('repair', repairJob.id, { code: 'repair_incomplete' });
    const indoDead = async () => (await get(bearer(token))).body.tenants.find((t) => t.slug === 'indo').dead_letters;
    expect(await indoDead()).toBe(1);
    expect((await get(bearer(token))).body.repair_queue).toMatchObject({ dead_letters: 1 });
    await h.syncAll('indo');
    expect(await indoDead()).toBe(1);
    await h.db.query(`insert into public.sync_runs (id, tenant_id, kind, status, started_at, finished_at)
      values (gen_random_uuid(), $1, 'repair', 'succeeded', now(), now() + interval '1 second')`, [indo.tenant_id]);
    expect(await indoDead()).toBe(0);
    ({ body } = await get(bearer(token)));

    // The CLI prints the same document, and exits 1 while a dead letter waits.
    if (kind === 'postgres') {
      const r = await runCli(['fleet', 'status', '--json'], { env: cliEnv() });
      expect(r.code).toBe(1);
      const printed = JSON.parse(r.stdout);
      const comparable = (s) => ({ ...s, generated_at: null, tenants: s.tenants.map((t) => ({ ...t, last_success_age_seconds: null })) });
      expect(comparable(printed)).toEqual(comparable(body));
      const text = await runCli(['fleet', 'status'], { env: cliEnv() });
      expect(text.stdout).toMatch(/1 running, 1 dead letters/);
      expect(text.stdout).toMatch(/other .*1 dead letter\(s\), 1 failures\/24h \(last: motopress_error\)/);
    }
  });

  test('monitor flags a scheduled tenant whose last success is older than 3× its interval; a paused one never', async () => {
    await setSchedules(h.db, [indo.tenant_id], { intervalSeconds: 60 });
    // The last success 170 s ago: within 3 × 60 s. Then 190 s ago: stale.
    const age = (seconds) => h.db.query(`update public.sync_runs set finished_at = now() - make_interval(secs => $2)
      where tenant_id = $1 and status = 'succeeded' and kind = 'sync-all'`, [indo.tenant_id, seconds]);
    const { checkInvariants } = await import('../../host/monitor/invariant_checks.js');
    await age(170);
    let report = await checkInvariants(h.db, indo.tenant_id);
    expect(report.tenants[0]).toMatchObject({ stale: false, ok: true, schedule: { enabled: true, interval_seconds: 60 } });
    await age(190);
    report = await checkInvariants(h.db, indo.tenant_id);
    expect(report.ok).toBe(false);
    expect(report.tenants[0]).toMatchObject({ stale: true, ok: false });
    expect(report.tenants[0].invariants.every((i) => i.ok)).toBe(true);
    if (kind === 'postgres') {
      const r = await runCli(['monitor', '--tenant', 'indo'], { env: cliEnv() });
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/all invariants hold; last successful sync 3 min ago; every 60 s — STALE/);
      const token = (await createPlatformToken(h.db)).token;
      expect((await get(bearer(token))).body.tenants.find((t) => t.slug === 'indo').stale).toBe(true);
    }
    await setSchedules(h.db, [indo.tenant_id], { enabled: false });
    report = await checkInvariants(h.db, indo.tenant_id);
    expect(report.tenants[0]).toMatchObject({ stale: false, ok: true, schedule: { enabled: false } });
  });
});

// On PostgreSQL: a CLI start there takes about a second (the embedded database's CLI path is the serve test's).
test('token create --platform: exactly one of --tenant and --platform; the token is printed once and works', async () => {
  requirePostgres();
  const db = await openTestDatabase('postgres');
  const env = { DATABASE_URL: db.testUrl, MPHB_ENCRYPTION_KEY: KEY };
  try {
  const neither = await runCli(['token', 'create'], { env });
  expect(neither.code).toBe(2);
  expect(neither.stderr).toMatch(/--tenant <tenant> \(a staff token\) or --platform/);
  const both = await runCli(['token', 'create', '--platform', '--tenant', 'x'], { env });
  expect(both.code).toBe(2);
  const badLife = await runCli(['token', 'create', '--platform', '--expires-in', 'soon'], { env });
  expect(badLife.code).toBe(2);
  expect(badLife.stderr).toMatch(/--expires-in must be a whole number of seconds/);
  const made = await runCli(['token', 'create', '--platform', '--label', 'ops', '--json'], { env });
  expect(made.code).toBe(0);
  const token = JSON.parse(made.stdout);
  expect(token).toMatchObject({ role: 'platform_admin', token: expect.stringMatching(/^mpt_/) });
  const list = await runCli(['token', 'list', '--platform', '--json'], { env });
  expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ id: token.id, role: 'platform_admin', label: 'ops', revoked_at: null })]);
  expect(list.stdout).not.toContain(token.token);
  expect((await runCli(['token', 'revoke', token.id], { env })).code).toBe(0);
  expect(await db.query('select revoked_at is not null as revoked from public.platform_tokens where id = $1', [token.id])).toEqual([{ revoked: true }]);
  } finally {
    await db.close();
  }
});

test('serve --schedule keeps scheduled tenants fresh on the embedded database, and stops cleanly on SIGTERM', async () => {
  const sim = await startSimulator({ hotels: 'a=testhotel,b=testhotel', seed: 3 });
  const dataDir = mkdtempSync(join(tmpdir(), 'mphb-serve-schedule-'));
  const env = { DATABASE_URL: '', MPHB_DATA_DIR: dataDir, MPHB_ENCRYPTION_KEY: KEY, MPHB_FLEET_SCHEDULER_SECONDS: '1', MPHB_FLEET_POLL_SECONDS: '0.5' };
  let child = null;
  try {
    // Set up in-process (one open of the embedded database instead of one CLI start per step), then hand
    // the data directory to the server.
    let token;
    const setup = await openDatabase({ url: null, dataDir: join(dataDir, 'pglite') });
    try {
      const cipher = await createCipher(KEY);
      const ids = [];
      for (const hotel of sim.hotels) {
        ids.push((await addTenant(setup, cipher, {
          slug: hotel.name, name: hotel.title, siteUrl: hotel.siteUrl, consumerKey: hotel.keys.readWrite.key, consumerSecret: hotel.keys.readWrite.secret,
        })).tenant_id);
      }
      await setSchedules(setup, ids, { intervalSeconds: 5 });
      token = (await createPlatformToken(setup)).token;
    } finally {
      await setup.close();
    }

    child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--schedule'], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const exited = new Promise((resolve) => { child.on('exit', (code) => resolve(code)); });
    const deadline = Date.now() + 60_000;
    while (!/serving on (\S+)/.test(stdout) && Date.now() < deadline) await new Promise((r) => { setTimeout(r, 100); });
    const url = /serving on (http:\/\/\S+?) /.exec(stdout)?.[1];
    expect(stdout).toMatch(/keeping scheduled tenants fresh/);
    expect(url).toBeDefined();
    // Every tenant synced twice (a schedule of 5 s), read through the API (the process owns the database).
    let status;
    for (;;) {
      status = await (await fetch(`${url}/api/fleet/status`, { headers: { authorization: `Bearer ${token}` } })).json();
      if (status.tenants.every((t) => t.last_success_at) && status.lag_seconds.samples >= 4) break;
      if (Date.now() > deadline) throw new Error(`not fresh in time: ${JSON.stringify(status)}\n${stderr}`);
      await new Promise((r) => { setTimeout(r, 250); });
    }
    expect(status.queue_ready).toBe(true);
    expect(status.totals).toMatchObject({ tenants: 2, stale: 0, with_dead_letters: 0 });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    child = null;
    // The log is JSON lines; no credential in it.
    const lines = stderr.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.some((l) => l.msg === 'fleet worker started')).toBe(true);
    expect(lines.some((l) => l.msg === 'fleet worker stopped')).toBe(true);
    for (const hotel of sim.hotels) expect(stderr).not.toContain(hotel.keys.readWrite.secret);
    expect(stderr).not.toContain(token);
  } finally {
    child?.kill('SIGKILL');
    await sim.stop();
  }
});

// The OpenAPI document's FleetStatus schema, as a validator: what the endpoint answers is what it promises.
function schemaValidator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(openApiDocument.components.schemas.FleetStatus);
}
