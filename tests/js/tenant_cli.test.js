// The tenant, sync-all and monitor commands end to end: a real CLI process on the embedded database,
// the simulator as the MotoPress site. Exit codes: 0 ok, 1 problems, 2 usage or input error.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { jest } from '@jest/globals';

import { openDatabase } from '../../host/db/database.js';
import { startSimulator } from '../../host/simulator/simulator_server.js';

jest.setTimeout(120000);
const CLI = fileURLToPath(new URL('../../host/cli/main.js', import.meta.url));
const KEY = Buffer.alloc(32, 3).toString('base64');

let sim;
let dataDir;
let indo;

function cli(args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, DATABASE_URL: '', MPHB_DATA_DIR: dataDir, MPHB_ENCRYPTION_KEY: KEY, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const addArgs = (overrides = {}) => {
  const o = { slug: 'indo', name: 'Indo', siteUrl: indo.siteUrl, key: indo.keys.readWrite.key, secret: indo.keys.readWrite.secret, ...overrides };
  return ['tenant', 'add', '--slug', o.slug, '--name', o.name, '--site-url', o.siteUrl, '--consumer-key', o.key, '--consumer-secret', o.secret];
};

async function withDb(fn) {
  const db = await openDatabase({ url: null, dataDir: join(dataDir, 'pglite') });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

beforeAll(async () => {
  sim = await startSimulator({ hotels: 'indo,simmerdown', seed: 3 });
  indo = sim.hotels.find((h) => h.name === 'indo');
  dataDir = mkdtempSync(join(tmpdir(), 'mphb-tenant-cli-'));
});
afterAll(() => sim?.stop());

describe('tenant add refuses bad input before touching anything (exit 2)', () => {
  test('without MPHB_ENCRYPTION_KEY, naming the variable', async () => {
    const r = await cli(addArgs(), { MPHB_ENCRYPTION_KEY: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/MPHB_ENCRYPTION_KEY is not set/);
  });

  test('a plain-http site that is not loopback, without --allow-insecure-http', async () => {
    const r = await cli(addArgs({ siteUrl: 'http://hotel.example.invalid' }));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--site-url: .*plain http.*--allow-insecure-http/);
  });

  test('a private address, even with --allow-insecure-http, without --allow-private-network', async () => {
    const r = await cli([...addArgs({ siteUrl: 'http://10.1.2.3' }), '--allow-insecure-http']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/private or link-local address/);
  });
});

describe('tenant add checks the credentials with one request (exit 1), naming the failure', () => {
  test.each([
    ['a wrong key', () => ({ key: `ck_${'0'.repeat(40)}` }), /wrong_key/],
    ['a wrong secret', () => ({ secret: `cs_${'0'.repeat(40)}` }), /wrong_secret/],
    ['a key without read permission', () => ({ key: indo.keys.write.key, secret: indo.keys.write.secret }), /no_read_permission/],
    ['an unreachable site', () => ({ siteUrl: 'http://127.0.0.1:9' }), /unreachable/],
  ])('%s', async (_name, overrides, code) => {
    const r = await cli(addArgs(overrides()));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(code);
    expect(r.stderr).not.toMatch(/cs_[0-9a-f]{40}/);
  });
});

describe('a registered tenant', () => {
  let added;
  beforeAll(async () => { added = await cli([...addArgs(), '--json']); });

  test('is added (exit 0) and stored with encrypted credentials only', async () => {
    expect(added.code).toBe(0);
    const tenant = JSON.parse(added.stdout);
    expect(tenant).toMatchObject({ slug: 'indo', site_url: indo.siteUrl });
    const [row] = await withDb((db) => db.query('select consumer_key_encrypted, consumer_secret_encrypted from public.integration_configs'));
    expect(row.consumer_secret_encrypted).toMatch(/^v1:/);
    expect(JSON.stringify(row)).not.toContain(indo.keys.readWrite.secret);
    expect(JSON.stringify(row)).not.toContain(indo.keys.readWrite.key);
  });

  test('a second tenant with the same slug is refused (exit 2)', async () => {
    const r = await cli(addArgs());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already exists/);
  });

  test('tenant list shows it without credentials', async () => {
    const r = await cli(['tenant', 'list', '--json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout);
    expect(list).toEqual([expect.objectContaining({ slug: 'indo', site_url: indo.siteUrl })]);
    expect(r.stdout).not.toMatch(/ck_|cs_/);
  });

  test('sync-all --json succeeds and the monitor then reports every invariant (exit 0)', async () => {
    const sync = await cli(['sync-all', '--tenant', 'indo', '--json']);
    expect(sync.code).toBe(0);
    const summary = JSON.parse(sync.stdout);
    expect(summary).toMatchObject({ tenant: 'indo', kind: 'sync-all', status: 'succeeded' });
    expect(summary.counts.created).toBeGreaterThan(0);
    expect(sync.stderr).toMatch(/\[accommodations\][\s\S]*\[reservations\][\s\S]*\[done\] complete/);
    const monitor = await cli(['monitor', '--json']);
    expect(monitor.code).toBe(0);
    const report = JSON.parse(monitor.stdout);
    expect(report.ok).toBe(true);
    expect(report.tenants[0].invariants.map((i) => i.name)).toEqual([
      'I1 no-null-unit', 'I2 junction-complete', 'I3 tenant-closed', 'I4 one-row-per-booking', 'I5 status-true',
      'I6 blocks-are-not-guests', 'I7 atomic-booking']);
    expect(report.tenants[0].last_success_age_seconds).toBeGreaterThanOrEqual(0);
  });

  test('the monitor names a broken invariant with a sample id and exits 1', async () => {
    const [broken] = await withDb((db) => db.query(`update public.guest_reservations set status = 'cancelled'
      where id = (select id from public.guest_reservations where mphb_status = 'confirmed' and upstream_gone_at is null order by id limit 1)
      returning id`));
    expect(broken).toBeDefined();
    const r = await cli(['monitor', '--tenant', 'indo']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`FAIL I5 status-true: 1 rows, e.g. ${broken.id}`));
    // The next sync restores the truth (the row's content hash no longer matches what MotoPress says).
    await withDb((db) => db.query(`update public.guest_reservations set content_hash = 'tampered' where id = $1`, [broken.id]));
    // A full pass rewrites the hand-edited row (its hash no longer matches); an incremental one would not list it.
    expect((await cli(['sync-all', '--tenant', 'indo', '--full'])).code).toBe(0);
    expect((await cli(['monitor', '--tenant', 'indo'])).code).toBe(0);
  });

  test('token create prints a staff token once (stored hashed); token revoke revokes it', async () => {
    const created = await cli(['token', 'create', '--tenant', 'indo', '--role', 'admin', '--json']);
    expect(created.code).toBe(0);
    const t = JSON.parse(created.stdout);
    expect(t).toMatchObject({ role: 'admin', tenant: 'indo' });
    expect(t.token).toMatch(/^mst_/);
    const [row] = await withDb((db) => db.query('select token_hash, revoked_at from public.staff_tokens where id = $1', [t.id]));
    expect(row.token_hash).not.toContain(t.token);
    expect(row.revoked_at).toBeNull();
    expect((await cli(['token', 'create', '--tenant', 'indo', '--role', 'owner'])).code).toBe(2);
    expect((await cli(['token', 'revoke', t.id])).code).toBe(0);
    const [after] = await withDb((db) => db.query('select revoked_at from public.staff_tokens where id = $1', [t.id]));
    expect(after.revoked_at).not.toBeNull();
    expect((await cli(['token', 'revoke', t.id])).code).toBe(1);
  });

  test('sync-all of an unknown tenant is a usage error (exit 2)', async () => {
    const r = await cli(['sync-all', '--tenant', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no tenant "nope"/);
  });

  test('a failing sync exits 1 with its code and message, and is recorded as failed', async () => {
    sim.setFaults('indo:accommodations:status=503');
    try {
      const r = await cli(['sync', '--tenant', 'indo', '--json']);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout)).toMatchObject({ status: 'failed', code: 'accommodations_failed' });
      expect(r.stderr).toMatch(/accommodations_failed: tenant indo: accommodations stage failed/);
    } finally {
      sim.setFaults([]);
    }
    const runs = await withDb((db) => db.query(`select status, error_code from public.sync_runs where kind = 'sync' order by started_at desc limit 1`));
    expect(runs).toEqual([{ status: 'failed', error_code: 'accommodations_failed' }]);
  });

  test('tenant remove needs --yes, then removes the tenant and its rows', async () => {
    expect((await cli(['tenant', 'remove', 'indo'])).code).toBe(2);
    const r = await cli(['tenant', 'remove', 'indo', '--yes']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [{ n }] = await withDb((db) => db.query('select count(*)::int as n from public.guest_reservations'));
    expect(n).toBe(0);
  });
});
