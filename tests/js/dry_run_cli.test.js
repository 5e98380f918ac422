// `mphb-sync sync-all --tenant T --dry-run [--json]` as a user runs it: the diff of what the sync would
// do, nothing written (no row, no run, no lock), exit 1 when the sync would fail. Against the PostgreSQL
// database a harness synced (PGlite lives inside one process: the CLI could not share it).
import { jest } from '@jest/globals';

import { createSyncHarness } from './support/sync_harness.js';
import { runCli } from './support/cli_process.js';

jest.setTimeout(120_000);

describe('mphb-sync sync-all --dry-run', () => {
  let h;
  let env;
  let cancelledId;
  const snapshot = () => h.db.query(`select (select count(*) from public.sync_runs)::int as runs,
      (select count(*) from public.sync_locks)::int as locks,
      (select string_agg(xmin::text, ',' order by id) from public.guest_reservations) as reservations,
      (select string_agg(xmin::text, ',' order by id) from hotels.accommodation_units) as units`);
  beforeAll(async () => {
    if (!process.env.MPHB_TEST_DATABASE_URL) throw new Error('MPHB_TEST_DATABASE_URL is not set: this suite needs PostgreSQL (npm test starts one)');
    h = await createSyncHarness('postgres', { hotels: 'indo', seed: 1 });
    await h.addTenant('indo');
    await h.syncAll('indo');
    const site = h.sim.site('indo');
    const booking = site.list('bookings').find((e) => e.meta.post_status !== 'trash' && e.record.status === 'confirmed');
    cancelledId = booking.record.id;
    site.updateBooking(cancelledId, { status: 'cancelled' });
    env = { DATABASE_URL: h.db.testUrl, MPHB_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') };
  });
  afterAll(() => h?.close());

  test('--json prints the diff; nothing is written, no run recorded, no lock taken', async () => {
    const [before] = await snapshot();
    const out = await runCli(['sync-all', '--tenant', 'indo', '--dry-run', '--json'], { env });
    expect(out.stderr).not.toMatch(/error/i);
    const diff = JSON.parse(out.stdout);
    expect(Object.keys(diff).sort()).toEqual(['accommodation_types', 'accommodation_units', 'bookings', 'bookings_by_outcome', 'complete', 'counts',
      'errors', 'now', 'pages', 'tenant_id', 'warnings']);
    expect(diff.tenant_id).toBe(h.tenant('indo').tenant_id);
    const changed = diff.bookings.filter((b) => b.outcome !== 'unchanged');
    expect(changed.map((b) => [b.booking_id, b.outcome])).toEqual([[cancelledId, 'cancel']]);
    expect(diff.counts).toMatchObject({ cancelled: 1, updated: 1, created: 0 });
    expect(out.code).toBe(diff.errors.length === 0 ? 0 : 1);
    const [after] = await snapshot();
    expect(after).toEqual(before);
  });

  test('without --json: a summary for people', async () => {
    const out = await runCli(['sync-all', '--tenant', 'indo', '--dry-run'], { env });
    expect(out.stdout).toMatch(/^bookings: 1 cancel, \d+ unchanged/m);
    expect(out.stdout).toMatch(new RegExp(`^${cancelledId}\\s+cancel\\s`, 'm'));
    expect(out.stdout).toMatch(/dry run: nothing written/);
  });

  test('sync --dry-run and an unknown tenant: exit 2, named', async () => {
    const sync = await runCli(['sync', '--tenant', 'indo', '--dry-run'], { env });
    expect(sync.code).toBe(2);
    expect(sync.stderr).toMatch(/--dry-run is for sync-all/);
    const unknown = await runCli(['sync-all', '--tenant', 'nowhere', '--dry-run', '--json'], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/nowhere/);
  });
});
