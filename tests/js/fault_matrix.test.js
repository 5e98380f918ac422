// The fault matrix (issue 10): every MotoPress fault kind fired at least once in every stage —
// accommodations, reservations (from the 2nd page on), reconcile — plus the database's own faults: a
// backend terminated mid-run and a statement running past its timeout. After each: the fault really
// fired (the simulator's log says so), the run ended as a recorded value with a stable code, the lock is
// free (the next run starts at once), I1–I7 hold, and a clean run then equals upstream. Bounded: small
// hotels, a 400 ms client timeout, no real sleeping. Each run's counts equal what it wrote, faulted or not.
import { jest } from '@jest/globals';

import { SyncError } from '../../host/sync/sync_errors.js';
import { expectedBookings, i1Offenders, i2Offenders, i4Offenders, i7Offenders } from './support/invariant_sql.js';
import { closeTemplates, databaseKinds } from './support/test_databases.js';
import { createSyncHarness } from './support/sync_harness.js';

jest.setTimeout(120_000);
afterAll(() => closeTemplates());

const KINDS = [['status=503', 'status'], ['rate-limit=1', 'rate-limit'], ['hang', 'hang'], ['truncate', 'truncate'], ['malformed', 'malformed'],
  ['reset', 'reset'], ['unauthorized-after=0', 'unauthorized-after']];
const STAGES = [['accommodations', 'accommodations', ''], ['reservations', 'bookings', '@2+'], ['reconcile', 'bookings/:id', '']];
const CLIENT = { retries: 1, timeoutMs: 400, sleep: async () => {} };

describe.each(databaseKinds())('fault matrix on %s', (kind) => {
  let h;
  let tenantId;
  beforeAll(async () => {
    h = await createSyncHarness(kind, { hotels: 'm=large:250', seed: 5 });
    ({ tenant_id: tenantId } = await h.addTenant('m'));
    await h.syncAll('m', { clientOptions: CLIENT });
  });
  afterAll(() => h?.close());

  async function tallies() {
    const [t] = await h.db.query(`select
        (select count(*) from public.guest_reservations where tenant_id = $1)::int
          + (select count(distinct external_booking_id) from public.calendar_blocks where tenant_id = $1)::int as bookings,
        (select count(*) from public.guest_reservations where tenant_id = $1 and upstream_gone_at is not null)::int
          + (select count(distinct external_booking_id) from public.calendar_blocks where tenant_id = $1 and upstream_gone_at is not null)::int as gone`, [tenantId]);
    return t;
  }

  async function expectSound() {
    for (const check of [i1Offenders, i2Offenders, i4Offenders, i7Offenders]) expect(await check(h.db, tenantId)).toEqual([]);
    expect(await h.db.query('select run_id from public.sync_locks where tenant_id = $1', [tenantId])).toEqual([]);
    expect(await h.db.query("select id from public.sync_runs where tenant_id = $1 and status = 'running'", [tenantId])).toEqual([]);
  }
  async function expectCleanRunEqualsUpstream() {
    h.sim.setFaults([]);
    const before = await tallies();
    const clean = await h.syncAll('m', { clientOptions: CLIENT });
    expect(clean.status).toBe('succeeded');
    const after = await tallies();
    expect({ created: clean.counts.created, gone: clean.counts.gone }).toEqual({ created: after.bookings - before.bookings, gone: after.gone - before.gone });
    // Every live upstream booking is stored and not marked; bookings gone upstream are marked, never deleted.
    const { reservations, blocks } = expectedBookings(h.sim.site('m'));
    const live = await h.db.query(`select external_booking_id::int as id, 'r' as k from public.guest_reservations where tenant_id = $1 and upstream_gone_at is null
      union select distinct external_booking_id::int, 'b' from public.calendar_blocks where tenant_id = $1 and upstream_gone_at is null order by 1`, [tenantId]);
    expect(live.filter((r) => r.k === 'r').map((r) => r.id)).toEqual([...reservations.keys()].sort((a, b) => a - b));
    expect(live.filter((r) => r.k === 'b').map((r) => r.id)).toEqual([...blocks.keys()].sort((a, b) => a - b));
    await expectSound();
  }

  describe.each(STAGES)('in the %s stage', (stage, endpoint, when) => {
    test.each(KINDS)('%s', async (spec, name) => {
      if (stage === 'reconcile') {
        // Something for reconcile to confirm: a booking trashed upstream since the last run.
        const live = h.sim.site('m').list('bookings').filter((e) => e.meta.post_status !== 'trash');
        h.sim.site('m').trash('bookings', live[live.length - 1].record.id);
      }
      const logged = h.sim.log().length;
      const before = await tallies();
      h.sim.setFaults(`m:${endpoint}:${spec}${when}`);
      let failure = null;
      let result = null;
      try {
        result = await h.syncAll('m', { clientOptions: CLIENT });
      } catch (error) {
        failure = error;
      }
      // The run's counts are what it wrote, even when it failed half-way.
      const after = await tallies();
      const counts = result?.counts ?? failure?.counts;
      if (counts) expect({ created: counts.created, gone: counts.gone }).toEqual({ created: after.bookings - before.bookings, gone: after.gone - before.gone });
      h.sim.setFaults([]);
      const fired = h.sim.log().slice(logged).filter((e) => (e.fault ?? '').split(',').includes(name));
      expect(fired.length).toBeGreaterThan(0);
      // Retries may absorb a fault (truncate, malformed are retried once); when the run fails, it is a value.
      if (failure) {
        expect(failure).toBeInstanceOf(SyncError);
        expect(['accommodations_failed', 'motopress_error', 'motopress_unauthorized']).toContain(failure.code);
        const [run] = await h.db.query('select status, error_code from public.sync_runs where id = $1', [failure.runId]);
        expect(run).toEqual({ status: 'failed', error_code: failure.code });
      }
      await expectSound();
      await expectCleanRunEqualsUpstream();
    });
  });

  // PGlite is one in-process session: no backend to terminate, no other session to hold a row.
  // Faults and commands that exist only on a server: registered for PostgreSQL alone (not skipped on PGlite).
  const pgOnly = (name, fn, timeout) => (kind === 'postgres' ? test(name, fn, timeout) : undefined);

  pgOnly('a database backend terminated mid-run: the page is retried or the run ends as database_error; nothing half-written', async () => {
    h.sim.site('m').createBooking({ check_in_date: '2026-12-20', check_out_date: '2026-12-22' });
    h.sim.setFaults('m:bookings:latency=150');
    const { default: postgres } = await import('postgres');
    const admin = postgres(process.env.MPHB_TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
    const database = new URL(h.db.testUrl).pathname.slice(1);
    const events = [];
    const run = h.syncAll('m', { clientOptions: CLIENT, events }).then((r) => r, (e) => e);
    // Once the reservations stage is under way, kill every backend of the test database.
    while (!events.some((e) => e.stage === 'reservations')) await new Promise((r) => setTimeout(r, 20));
    // The two-argument form returns once the backends are gone: the clean run below then never meets a
    // pooled connection whose backend is still dying (its first statement would fail with 57P01).
    const killed = await admin.unsafe('select pg_terminate_backend(pid, 5000) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [database]);
    await admin.end();
    expect(killed.length).toBeGreaterThan(0);
    const outcome = await run;
    if (outcome instanceof Error) expect(outcome.code).toBe('database_error');
    else expect(outcome.status).toBe('succeeded');
    h.sim.setFaults([]);
    await expectCleanRunEqualsUpstream();
  });

  pgOnly('a statement past its timeout ends the run as database_error; the lock is free and the next run completes', async () => {
    // Hold a lock on a reservation from another session while the run wants to update it.
    const [victim] = await h.db.query('select id, external_booking_id::int as booking from public.guest_reservations where tenant_id = $1 order by external_booking_id limit 1', [tenantId]);
    h.sim.site('m').updateBooking(victim.booking, { customer: { first_name: 'Changed' } });
    const { default: postgres } = await import('postgres');
    const holder = postgres(h.db.testUrl, { max: 1, onnotice: () => {} });
    const release = (async () => {
      await holder.begin(async (tx) => {
        await tx.unsafe('select id from public.guest_reservations where id = $1 for update', [victim.id]);
        await new Promise((r) => setTimeout(r, 4000));
      });
    })();
    await new Promise((r) => setTimeout(r, 200));
    h.db.statementTimeoutMs = 1000;
    const failure = await h.syncAll('m', { clientOptions: CLIENT }).then(() => null, (e) => e);
    delete h.db.statementTimeoutMs;
    await release;
    await holder.end();
    // The row lock outlived the statement timeout of the run's transaction.
    expect(failure?.code).toBe('database_error');
    expect(failure.message).toMatch(/statement timeout|canceling statement/);
    await expectSound();
    await expectCleanRunEqualsUpstream();
  });
});
