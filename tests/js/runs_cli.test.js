// `mphb-sync runs` (issue 11, part 8): a tenant's recent runs with the pass, counts, requests, bytes and
// per-stage times — the same rows GET …/runs answers. The CLI runs as a user runs it, against the
// PostgreSQL database a harness synced (PGlite lives inside one process: the CLI could not share it).
import { jest } from '@jest/globals';

import { createSyncHarness } from './support/sync_harness.js';
import { runCli } from './support/cli_process.js';
import { describePostgres } from './support/test_databases.js';

jest.setTimeout(120_000);

describePostgres('mphb-sync runs', () => {
  let h;
  let env;
  beforeAll(async () => {
    h = await createSyncHarness('postgres', { hotels: 'indo', seed: 1 });
    await h.addTenant('indo');
    await h.syncAll('indo', { pass: 'auto' });
    await h.syncAll('indo', { pass: 'auto' });
    env = { DATABASE_URL: h.db.testUrl, MPHB_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') };
  });
  afterAll(() => h?.close());

  test('lists the runs newest first: the pass, what was written, requests and each stage', async () => {
    const out = await runCli(['runs', '--tenant', 'indo'], { env });
    expect(out.code).toBe(0);
    const lines = out.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/sync-all \(incremental\) succeeded; bookings 0 new, 0 changed, 0 unchanged, 0 gone; 3 requests, \d+ ms \[accommodations \d+ ms\/2 req\/.*, reservations \d+ ms\/1 req\/.*, reconcile \d+ ms\/0 req\/0 B\]/);
    expect(lines[1]).toMatch(/sync-all \(full\) succeeded; bookings \d+ new/);
  });

  test('--json is the shape GET …/runs answers; --limit bounds it', async () => {
    const out = await runCli(['runs', '--tenant', 'indo', '--json', '--limit', '1'], { env });
    expect(out.code).toBe(0);
    const body = JSON.parse(out.stdout);
    expect(body.tenant).toMatchObject({ slug: 'indo', tenant_id: h.tenant('indo').tenant_id });
    expect(body.runs).toHaveLength(1);
    expect(Object.keys(body.runs[0]).sort()).toEqual(['counts', 'error_code', 'error_message', 'finished_at', 'id', 'kind', 'started_at', 'stats', 'status']);
    expect(body.runs[0].counts.pass).toBe('incremental');
    expect(body.runs[0].stats.stages.reservations.requests).toBe(1);
  });

  test('an unknown tenant or a bad --limit: exit 2, named', async () => {
    const unknown = await runCli(['runs', '--tenant', 'nowhere'], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/nowhere/);
    const bad = await runCli(['runs', '--tenant', 'indo', '--limit', '0'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--limit must be a whole number from 1 to 200/);
  });
});
