// Crash-safe runs (issue 10; docs/operations.md): a killed sync does not block its tenant — the next
// Sync All on the same host starts at once and closes the dead run as interrupted; SIGTERM finishes the
// page, records `interrupted` and releases the lock; a dead holder elsewhere is replaced when its short
// lease runs out, a live one never. Real CLI processes, real databases, the simulator with latency.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { jest } from '@jest/globals';

import { openDatabase } from '../../host/db/database.js';
import { startSimulator } from '../../host/simulator/simulator_server.js';
import { acquireTenantLock, currentLockHolder, releaseTenantLock, startTenantRun } from '../../host/sync/tenant_lock.js';
import { createCipher } from '../../host/tenants/credential_cipher.js';
import { addTenant } from '../../host/tenants/tenant_store.js';
import { closeTemplates, databaseKinds, openTestDatabase } from './support/test_databases.js';

jest.setTimeout(180_000);
const CLI = fileURLToPath(new URL('../../host/cli/main.js', import.meta.url));
const KEY = Buffer.alloc(32, 6).toString('base64');
afterAll(() => closeTemplates());

/** Starts `mphb-sync …` and resolves once `ready(stderr)` holds; `done` resolves with {code, stdout, stderr}. */
function start(args, env, ready) {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, MPHB_ENCRYPTION_KEY: KEY, ...env } });
  let stdout = '';
  let stderr = '';
  let resolveReady;
  const readyP = new Promise((r) => { resolveReady = r; });
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => {
    stderr += d;
    if (ready(stderr)) resolveReady();
  });
  const done = new Promise((r) => child.on('close', (code, signal) => { resolveReady(); r({ code, signal, stdout, stderr }); }));
  return { child, ready: readyP, done };
}

describe.each(databaseKinds())('crash safety on %s', (kind) => {
  let sim;
  let env;
  let withDb;
  beforeAll(async () => {
    sim = await startSimulator({ hotels: 'slow=large:800', seed: 1, faults: 'slow:bookings:latency=250' });
    const h = sim.hotels[0];
    let url = null;
    let dataDir = null;
    if (kind === 'postgres') {
      const db = await openTestDatabase('postgres');
      url = db.testUrl;
      await db.close();
    } else {
      dataDir = mkdtempSync(join(tmpdir(), 'mphb-crash-'));
    }
    env = { DATABASE_URL: url ?? '', MPHB_DATA_DIR: dataDir ?? '' };
    withDb = async (fn) => {
      const db = await openDatabase(url ? { url } : { url: null, dataDir: join(dataDir, 'pglite') });
      try {
        return await fn(db);
      } finally {
        await db.close();
      }
    };
    await withDb(async (db) => addTenant(db, await createCipher(KEY), { slug: 'slow', name: 'Slow', siteUrl: h.siteUrl, consumerKey: h.keys.readWrite.key, consumerSecret: h.keys.readWrite.secret }));
  });
  afterAll(() => sim?.stop());

  test('SIGKILL mid-page: the next Sync All starts at once and closes the dead run as interrupted', async () => {
    const first = start(['sync-all', '--tenant', 'slow'], env, (err) => /\[reservations\] progress 1\//.test(err));
    await first.ready;
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    // The dead run's lease is still live: a next run that waited for it would start after it expires.
    const [lease] = await withDb((db) => db.query('select run_id, expires_at from public.sync_locks'));
    expect(new Date(lease.expires_at).getTime()).toBeGreaterThan(Date.now());
    const next = start(['sync-all', '--tenant', 'slow', '--json'], env, () => false);
    const second = await next.done;
    expect(second.stderr).not.toMatch(/already_running/);
    expect(second.code).toBe(0);
    const result = JSON.parse(second.stdout);
    expect(result.status).toBe('succeeded');
    const [started] = await withDb((db) => db.query('select started_at from public.sync_runs where id = $1', [result.run_id]));
    expect(new Date(started.started_at).getTime()).toBeLessThan(new Date(lease.expires_at).getTime());
    const runs = await withDb((db) => db.query(`select status, error_code from public.sync_runs order by started_at`));
    expect(runs.map((r) => r.status)).toEqual(['interrupted', 'succeeded']);
    expect(await withDb((db) => db.query('select * from public.sync_locks'))).toEqual([]);
  });

  test('SIGTERM: the current page is finished, the run is recorded interrupted, the lock released, --json says so', async () => {
    // --full: the tenant was synced above, so a default run would be a short incremental one.
    const run = start(['sync-all', '--tenant', 'slow', '--json', '--full'], env, (err) => /\[reservations\] progress 1\//.test(err));
    await run.ready;
    run.child.kill('SIGTERM');
    const out = await run.done;
    expect(out.code).toBe(1);
    const result = JSON.parse(out.stdout);
    expect(result).toMatchObject({ status: 'failed', code: 'interrupted' });
    expect(result.message).toMatch(/SIGTERM/);
    const [last] = await withDb((db) => db.query('select status, error_code from public.sync_runs order by started_at desc limit 1'));
    expect(last).toEqual({ status: 'interrupted', error_code: 'interrupted' });
    expect(await withDb((db) => db.query('select * from public.sync_locks'))).toEqual([]);
  });
});

describe.each(databaseKinds())('the lease on %s', (kind) => {
  let db;
  const tenantId = '11111111-1111-4111-8111-111111111111';
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    await db.query("insert into public.tenant_registry (tenant_id, slug, name) values ($1, 'l', 'L')", [tenantId]);
  });
  afterAll(() => db?.close());
  const run = (n) => `00000000-0000-4000-8000-00000000000${n}`;

  test('a live holder is never replaced; a dead one on this host at once; one elsewhere only when its lease ran out', async () => {
    const here = { host: 'this-host', pid: 100 };
    expect(await acquireTenantLock(db, tenantId, run(1), { holder: { host: 'this-host', pid: 200 }, isAlive: () => true })).toBe(true);
    expect(await acquireTenantLock(db, tenantId, run(2), { holder: here, isAlive: () => true })).toBe(false);
    expect(await currentLockHolder(db, tenantId, { holder: here, isAlive: () => true })).toMatchObject({ run_id: run(1) });
    // Process 200 died: this host sees it at once.
    expect(await acquireTenantLock(db, tenantId, run(2), { holder: here, isAlive: (pid) => pid !== 200 })).toBe(true);
    await releaseTenantLock(db, tenantId, run(2));
    // A holder on another host cannot be checked: only its lease decides.
    expect(await acquireTenantLock(db, tenantId, run(3), { holder: { host: 'edge-1', pid: 7 }, leaseSeconds: 1 })).toBe(true);
    expect(await acquireTenantLock(db, tenantId, run(4), { holder: here, isAlive: () => false })).toBe(false);
    await db.query("update public.sync_locks set expires_at = now() - interval '1 second'");
    expect(await currentLockHolder(db, tenantId, { holder: here })).toBeNull();
    expect(await acquireTenantLock(db, tenantId, run(4), { holder: here })).toBe(true);
    await releaseTenantLock(db, tenantId, run(4));
  });

  // The run is recorded in the statement that takes the lock: never when another live run holds it.
  test('a run starts with its lock: recorded as running, and the runs a dead process left running are closed', async () => {
    const here = { host: 'this-host', pid: 100 };
    const runs = () => db.query('select id, kind, status, error_code from public.sync_runs where tenant_id = $1 order by started_at, id', [tenantId]);
    const first = { run: { kind: 'sync-all', startedAt: '2026-12-01T10:00:00Z' }, holder: { host: 'this-host', pid: 300 }, isAlive: () => true };
    expect(await acquireTenantLock(db, tenantId, run(5), first)).toBe(true);
    expect(await runs()).toEqual([{ id: run(5), kind: 'sync-all', status: 'running', error_code: null }]);
    // Held by a live run: refused, and nothing written — its run is not closed, no run is added.
    const second = { run: { kind: 'repair', startedAt: '2026-12-01T10:00:01Z' }, holder: here };
    expect(await acquireTenantLock(db, tenantId, run(6), { ...second, isAlive: () => true })).toBe(false);
    expect(await runs()).toEqual([{ id: run(5), kind: 'sync-all', status: 'running', error_code: null }]);
    // Process 300 died: its lease is dropped, its run closed as interrupted, and the new run recorded.
    expect(await acquireTenantLock(db, tenantId, run(6), { ...second, isAlive: (pid) => pid !== 300 })).toBe(true);
    expect(await runs()).toEqual([
      { id: run(5), kind: 'sync-all', status: 'interrupted', error_code: 'interrupted' },
      { id: run(6), kind: 'repair', status: 'running', error_code: null },
    ]);
    expect(await currentLockHolder(db, tenantId, { holder: here })).toMatchObject({ run_id: run(6) });
    await releaseTenantLock(db, tenantId, run(6));
    expect(await currentLockHolder(db, tenantId, { holder: here })).toBeNull();
  });

  test('a run starts with the tenant\'s sync cursor read in the same statement; a refused one gets none', async () => {
    const start = { run: { kind: 'sync-all', startedAt: '2026-12-01T11:00:00Z' }, holder: { host: 'this-host', pid: 100 }, isAlive: () => true };
    expect(await startTenantRun(db, tenantId, run(7), start)).toEqual({ acquired: true, cursorRow: null });
    await releaseTenantLock(db, tenantId, run(7));
    await db.query(`insert into public.sync_cursors (tenant_id, modified_after, incremental_runs, filters, last_total_pages)
      values ($1, '2026-12-01 10:59:00', 3, 'working', 42)`, [tenantId]);
    const started = await startTenantRun(db, tenantId, run(8), start);
    expect(started.acquired).toBe(true);
    expect(started.cursorRow).toMatchObject({ modified_after: '2026-12-01 10:59:00', incremental_runs: 3, filters: 'working', last_total_pages: 42 });
    expect(await startTenantRun(db, tenantId, run(9), start)).toEqual({ acquired: false, cursorRow: null });
    await releaseTenantLock(db, tenantId, run(8));
  });
});
