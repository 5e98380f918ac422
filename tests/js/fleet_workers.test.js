// Fleet sync with real worker processes (issue #14): `mphb-sync worker` processes on one PostgreSQL
// database, MotoPress hosts played by simulators (one simulator = one host), judged from the outside —
// sync_runs, pgboss.job, sync_locks, the workers' log lines and exit codes, the simulator's data.
// PostgreSQL only: two processes cannot share an embedded PGlite database. Pause/resume, quiet windows
// and jitter are fleet_schedule.test.js's; here: many tenants on a schedule, a worker killed or stopped
// mid-sync, a host that rate-limits everything, dead letters.
import { jest } from '@jest/globals';

import { openDatabase } from '../../host/db/database.js';
import { fleetSettings } from '../../host/fleet/fleet_settings.js';
import { openJobQueue } from '../../host/fleet/job_queue.js';
import { checkInvariants } from '../../host/monitor/invariant_checks.js';
import { runCli } from './support/cli_process.js';
import {
  FLEET_KEY, createFleet, dbNow, jobsOf, mostRunsAtOnce, nextDueTimes, oncePerIntervalProblems, overlappingRuns, runsOf, scheduleEvery,
  simControl, upstreamDifferences, waitFor, workerStarted,
} from './support/fleet_processes.js';
import { i4Offenders } from './support/invariant_sql.js';
import { describePostgres, openTestDatabase } from './support/test_databases.js';

jest.setTimeout(240_000);

const hotelList = (prefix, from, to, profile = 'testhotel') => Array.from({ length: to - from }, (_, i) => `${prefix}${from + i}=${profile}`).join(',');
const bySlug = async (tenants, fn) => Object.fromEntries(await Promise.all(tenants.map(async (t) => [t.slug, await fn(t)])));
const nonEmpty = (record) => Object.fromEntries(Object.entries(record).filter(([, v]) => (Array.isArray(v) ? v.length > 0 : Boolean(v))));
const enqueue = async (db, tenantId) => (await db.query('select public.fleet_enqueue($1) as added', [tenantId]))[0].added;
const storedBookings = async (db, tenantId) => (await db.query(`select
    (select count(*) from public.guest_reservations where tenant_id = $1)::int
    + (select count(distinct external_booking_id) from public.calendar_blocks where tenant_id = $1)::int as n`, [tenantId]))[0].n;

/** The monitor's verdict for one tenant: null when green, else its report (failing invariants, staleness). */
async function monitorProblems(db, tenantId) {
  const [tenant] = (await checkInvariants(db, tenantId)).tenants;
  return tenant.ok ? null : { ...tenant, invariants: tenant.invariants.filter((i) => !i.ok) };
}

describePostgres('fleet workers: real worker processes on PostgreSQL', () => {
  let fleet = null;
  afterEach(async () => {
    await fleet?.close();
    fleet = null;
  });

  // The first start of a fleet: every worker opens the queue on a database without the pgboss schema at
  // the same instant, and each must start (none is special). Three openers in this process, so that
  // their installs really overlap (worker processes start too far apart to race reliably).
  test('workers opening the queue at once on a fresh database all start, with the queues created once', async () => {
    const fresh = await openTestDatabase('postgres');
    const handles = await Promise.all([0, 1, 2].map(() => openDatabase({ url: fresh.testUrl })));
    const settings = fleetSettings({}, {});
    const opened = await Promise.allSettled(handles.map((db) => openJobQueue(db, settings)));
    try {
      expect(opened.map((o) => (o.status === 'fulfilled' ? 'started' : o.reason.message))).toEqual(['started', 'started', 'started']);
      expect(await fresh.query("select name, policy, dead_letter from pgboss.queue order by name")).toEqual([
        { name: 'repair', policy: 'exclusive', dead_letter: 'repair_dlq' }, { name: 'repair_dlq', policy: 'standard', dead_letter: null },
        { name: 'sync_all', policy: 'exclusive', dead_letter: 'sync_all_dlq' }, { name: 'sync_all_dlq', policy: 'standard', dead_letter: null },
      ]);
    } finally {
      await Promise.all(opened.filter((o) => o.status === 'fulfilled').map((o) => o.value.stop({ graceful: false, close: false })));
      await Promise.all([...handles, fresh].map((db) => db.close()));
    }
  });

  test('two workers, 50 hotels on two hosts: each tenant synced once per interval, never two syncs of one tenant at once, the database equals upstream', async () => {
    const INTERVAL = 10;
    fleet = await createFleet({ hosts: [{ hotels: hotelList('h', 0, 25), latencyMs: 20 }, { hotels: hotelList('h', 25, 50), latencyMs: 20 }] });
    const { db, tenants } = fleet;
    expect(tenants).toHaveLength(50);
    const ids = tenants.map((t) => t.tenant_id);
    await scheduleEvery(db, ids, INTERVAL);
    // K = 8 requests per host: two syncs of a host at once (4 pages each), four across the fleet.
    const workers = fleet.startWorkers(['A', 'B'], { MPHB_FLEET_HOST_REQUESTS: '8' });
    await Promise.all(workers.map(workerStarted));

    // Who holds leases, sampled: both workers take part.
    const holders = new Set();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        for (const r of await db.query('select holder_pid from public.sync_locks')) holders.add(r.holder_pid);
        await new Promise((resolve) => { setTimeout(resolve, 50); });
      }
    })();

    // Warm-up: every tenant's first (full) Sync All.
    await waitFor('a first successful sync of all 50 tenants', async () => (await db.query(`select count(distinct tenant_id)::int as n
      from public.sync_runs where status = 'succeeded'`))[0].n === 50, { timeoutMs: 90_000 });
    const from = await dbNow(db);

    // Upstream changes half-way through: new bookings on five hotels, cancellations on five others.
    await waitFor('half-way into the window', async () => (await dbNow(db)) >= from + 1.5 * INTERVAL * 1000, { intervalMs: 250 });
    const created = {};
    for (const t of tenants.slice(0, 5)) created[t.slug] = (await simControl(t.sim, 'POST', `/${t.hotel}/bookings`, { status: 'confirmed', note: 'fleet' })).id;
    const cancelled = {};
    for (const t of tenants.slice(25, 30)) {
      const live = fleet.site(t.slug).list('bookings').find((e) => e.meta.post_status === 'confirmed');
      cancelled[t.slug] = (await simControl(t.sim, 'POST', `/${t.hotel}/bookings/${live.record.id}/cancel`)).id;
    }
    const editedAt = await dbNow(db);
    const to = from + 3 * INTERVAL * 1000;
    // Every slot of the window has been run, and every tenant synced after the edits.
    await waitFor('every job due in the window finished', async () => {
      if ((await dbNow(db)) < to + 2000) return false;
      const [{ open }] = await db.query(`select count(*)::int as open from pgboss.job where name = 'sync_all'
        and (data->>'due_at')::timestamptz <= to_timestamp($1 / 1000.0) and state not in ('completed', 'failed', 'cancelled')`, [to]);
      return open === 0;
    }, { timeoutMs: 60_000, intervalMs: 500 });
    const [{ synced }] = await db.query(`select count(distinct tenant_id)::int as synced from public.sync_runs
      where status = 'succeeded' and started_at > to_timestamp($1 / 1000.0)`, [editedAt]);
    expect(synced).toBe(50);

    sampling = false;
    await sampler;
    const nextDue = await nextDueTimes(db); // before the stop hands running tenants back (due once at once)
    const exits = await fleet.stopWorkers();
    expect(exits).toEqual([{ code: 0, signal: null }, { code: 0, signal: null }]);
    expect([...holders].sort()).toEqual(workers.map((w) => w.pid).sort());

    // Exactly once per interval, for every tenant, over three intervals.
    expect(nonEmpty(await bySlug(tenants, (t) => oncePerIntervalProblems(db, t.tenant_id, { from, to, nextDue: nextDue.get(t.tenant_id) })))).toEqual({});
    // Never two syncs of one tenant at once; no run failed; none left running.
    expect(nonEmpty(await bySlug(tenants, async (t) => overlappingRuns(await runsOf(db, t.tenant_id))))).toEqual({});
    expect(await db.query(`select status, count(*)::int as n from public.sync_runs where status not in ('succeeded', 'interrupted') group by 1`)).toEqual([]);
    expect(await db.query('select tenant_id from public.sync_locks')).toEqual([]);
    expect(await db.query('select host from public.fleet_host_slots')).toEqual([]);
    // At most two syncs of one host at once (K = 8, four pages each).
    for (const host of new Set(tenants.map((t) => t.host))) {
      const most = await mostRunsAtOnce(db, tenants.filter((t) => t.host === host).map((t) => t.tenant_id));
      expect(most).toBeGreaterThanOrEqual(1);
      expect(most).toBeLessThanOrEqual(2);
    }
    // The database equals upstream (the edits included), and the monitor is green, for all 50.
    for (const [slug, id] of Object.entries(created)) {
      expect((await db.query('select mphb_status from public.guest_reservations where tenant_id = $1 and external_booking_id = $2', [fleet.tenant(slug).tenant_id, id]))).toEqual([{ mphb_status: 'confirmed' }]);
    }
    for (const [slug, id] of Object.entries(cancelled)) {
      expect((await db.query('select status from public.guest_reservations where tenant_id = $1 and external_booking_id = $2', [fleet.tenant(slug).tenant_id, id]))).toEqual([{ status: 'cancelled' }]);
    }
    expect(nonEmpty(await bySlug(tenants, (t) => upstreamDifferences(db, fleet.site(t.slug), t.tenant_id)))).toEqual({});
    const monitor = await checkInvariants(db);
    expect(monitor.tenants).toHaveLength(50);
    expect(monitor.tenants.filter((t) => !t.ok)).toEqual([]);
  });

  // A large hotel (7 pages of bookings) whose page 2 the simulator holds unanswered: a sync is in
  // progress, with page 1 written, exactly when the test acts.
  const BIG = 'big=large:650';
  const page2Of = (hotel) => (r) => r.hotel === hotel && r.endpoint === 'bookings' && r.page === 2;
  // The first request of a new run (stage 1 starts with the accommodation types): held, the new run
  // has taken the tenant's lease but written nothing yet.
  const stageOneOf = (hotel) => (r) => r.hotel === hotel && r.endpoint === 'accommodation_types';

  async function bigTenantMidSync() {
    fleet = await createFleet({ hosts: [{ hotels: BIG }] });
    const { db } = fleet;
    const big = fleet.tenant('big');
    await scheduleEvery(db, [big.tenant_id], 3600); // not due during the test: the job is added by hand
    const workers = fleet.startWorkers(['A', 'B'], { MPHB_FLEET_HOST_REQUESTS: '8' });
    await Promise.all(workers.map(workerStarted));
    const releasePage2 = big.sim.hold(page2Of('big'));
    expect(await enqueue(db, big.tenant_id)).toBe(true);
    const holder = await waitFor('a worker mid-sync of big, page 1 written', async () => {
      const h = await fleet.lockHolder(big.tenant_id);
      return h?.worker && (await storedBookings(db, big.tenant_id)) > 0 ? h : null;
    }, { timeoutMs: 60_000 });
    const [job] = await jobsOf(db, big.tenant_id);
    expect(job).toMatchObject({ state: 'active', retry_count: 0 });
    return { db, big, workers, releasePage2, holder, job, other: workers.find((w) => w !== holder.worker) };
  }

  test('SIGKILL of a worker mid-sync: the other worker retries the job, the tenant ends complete (monitor green), no duplicate rows', async () => {
    const { db, big, releasePage2, holder, job, other } = await bigTenantMidSync();
    const victim = holder.worker;
    victim.child.kill('SIGKILL');
    expect(await victim.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const releaseStageOne = big.sim.hold(stageOneOf('big'));
    releasePage2();

    // The job comes back after its heartbeat stops (10 s) on the other worker, which takes the lease at once
    // (its holder died on this machine) and closes the dead run.
    const retried = await waitFor('the other worker holding big', async () => {
      const h = await fleet.lockHolder(big.tenant_id);
      return h?.worker === other ? h : null;
    }, { timeoutMs: 60_000 });
    expect(retried.runId).not.toBe(holder.runId);
    expect((await runsOf(db, big.tenant_id)).map((r) => [r.id, r.status, r.error_code])).toEqual([
      [holder.runId, 'interrupted', 'interrupted'], [retried.runId, 'running', null],
    ]);
    expect((await jobsOf(db, big.tenant_id)).map((j) => [j.id, j.state, j.retry_count])).toEqual([[job.id, 'active', 1]]);
    releaseStageOne();

    const [done] = await waitFor('the retried job completed', async () => {
      const jobs = await jobsOf(db, big.tenant_id);
      return jobs[0].state === 'completed' ? jobs : null;
    }, { timeoutMs: 60_000 });
    expect(done).toMatchObject({ id: job.id, retry_count: 1, output: { outcome: 'completed', run_id: retried.runId } });
    expect((await runsOf(db, big.tenant_id)).map((r) => [r.id, r.status])).toEqual([[holder.runId, 'interrupted'], [retried.runId, 'succeeded']]);
    expect(await i4Offenders(db, big.tenant_id)).toEqual([]);
    expect(await upstreamDifferences(db, fleet.site('big'), big.tenant_id)).toEqual([]);
    expect(await monitorProblems(db, big.tenant_id)).toBeNull();
    expect(await db.query('select run_id from public.sync_locks')).toEqual([]);
    expect(await fleet.stopWorkers([other])).toEqual([{ code: 0, signal: null }]);
  });

  test('SIGTERM of a worker mid-sync: the run ends at a page boundary as interrupted, the tenant is handed back and completed by the other worker, exit 0', async () => {
    const { db, big, releasePage2, holder, job, other } = await bigTenantMidSync();
    const leaving = holder.worker;
    const total = fleet.site('big').list('bookings').filter((e) => e.meta.post_status !== 'trash').length;
    expect(total % 100).not.toBe(0);
    leaving.child.kill('SIGTERM');
    await leaving.waitForLog((l) => l.msg === 'stopping' && l.signal === 'SIGTERM');
    const releaseStageOne = big.sim.hold(stageOneOf('big'));
    releasePage2(); // the page in flight is answered: the run writes it (or not) and stops at that boundary
    expect(await leaving.exited).toEqual({ code: 0, signal: null });
    expect(leaving.logs.some((l) => l.msg === 'fleet worker stopped')).toBe(true);

    const [interrupted] = await runsOf(db, big.tenant_id);
    expect(interrupted).toMatchObject({ id: holder.runId, status: 'interrupted', error_code: 'interrupted' });
    expect(interrupted.finished).not.toBeNull();
    // A page boundary: whole pages of 100 bookings stored, not all of them.
    const stored = await storedBookings(db, big.tenant_id);
    expect(stored % 100).toBe(0);
    expect(stored).toBeGreaterThanOrEqual(100);
    expect(stored).toBeLessThan(total);
    expect(await db.query('select run_id from public.sync_locks')).toEqual([]);
    // Handed back: the job completed without spending a retry, the tenant due again at once.
    const [handedBack] = await jobsOf(db, big.tenant_id);
    expect(handedBack).toMatchObject({ id: job.id, state: 'completed', retry_count: 0, output: { outcome: 'handed_back', code: 'interrupted', run_id: holder.runId } });

    const taken = await waitFor('the other worker holding big', async () => {
      const h = await fleet.lockHolder(big.tenant_id);
      return h?.worker === other ? h : null;
    }, { timeoutMs: 30_000 });
    const jobs = await jobsOf(db, big.tenant_id);
    expect(jobs).toHaveLength(2);
    // Due when it was handed back, not at its next slot an interval (3600 s) later.
    expect(jobs[1].due).toBeGreaterThanOrEqual(new Date(handedBack.completed_on).getTime() - 10_000);
    expect(jobs[1].due).toBeLessThan(Date.now());
    releaseStageOne();
    const done = await waitFor('the second job completed', async () => {
      const [, second] = await jobsOf(db, big.tenant_id);
      return second.state === 'completed' ? second : null;
    }, { timeoutMs: 60_000 });
    expect(done).toMatchObject({ retry_count: 0, output: { outcome: 'completed', run_id: taken.runId } });
    expect((await runsOf(db, big.tenant_id)).map((r) => [r.id, r.status])).toEqual([[holder.runId, 'interrupted'], [taken.runId, 'succeeded']]);
    expect(overlappingRuns(await runsOf(db, big.tenant_id))).toEqual([]);
    expect(await i4Offenders(db, big.tenant_id)).toEqual([]);
    expect(await upstreamDifferences(db, fleet.site('big'), big.tenant_id)).toEqual([]);
    expect(await monitorProblems(db, big.tenant_id)).toBeNull();
    expect(await fleet.stopWorkers([other])).toEqual([{ code: 0, signal: null }]);
  });

  test('a host answering 429 to everything: its tenants back off and are retried later; the other host\'s tenants keep their schedule', async () => {
    const INTERVAL = 8;
    fleet = await createFleet({ hosts: [{ hotels: hotelList('x', 0, 3), faults: 'rate-limit=1' }, { hotels: hotelList('y', 0, 3) }] });
    const { db, tenants } = fleet;
    const xs = tenants.filter((t) => t.slug.startsWith('x'));
    const ys = tenants.filter((t) => t.slug.startsWith('y'));
    const [hostX, hostY] = [xs[0].host, ys[0].host];
    expect(hostX).not.toBe(hostY);
    await scheduleEvery(db, tenants.map((t) => t.tenant_id), INTERVAL);
    const workers = fleet.startWorkers(['A', 'B'], { MPHB_FLEET_HOST_BACKOFF_SECONDS: '6', MPHB_FLEET_HOST_BACKOFF_MAX_SECONDS: '30' });
    await Promise.all(workers.map(workerStarted));

    await waitFor('a first successful sync of every y tenant', async () => (await db.query(`select count(distinct tenant_id)::int as n
      from public.sync_runs where status = 'succeeded' and tenant_id = any($1::uuid[])`, [ys.map((t) => t.tenant_id)]))[0].n === ys.length, { timeoutMs: 60_000 });
    const from = await dbNow(db);
    const to = from + 3 * INTERVAL * 1000;
    await waitFor('the window passed and its y jobs finished', async () => {
      if ((await dbNow(db)) < to + 2000) return false;
      const [{ open }] = await db.query(`select count(*)::int as open from pgboss.job where name = 'sync_all' and data->>'host' = $2
        and (data->>'due_at')::timestamptz <= to_timestamp($1 / 1000.0) and state not in ('completed', 'failed', 'cancelled')`, [to, hostY]);
      return open === 0;
    }, { timeoutMs: 60_000, intervalMs: 500 });

    // Host X backed off: the 429s were recorded for the whole host, its tenants' jobs deferred (no retry
    // spent) while it lasted, and no x tenant has synced.
    const [backoff] = await db.query('select host, reason from public.fleet_host_backoff');
    expect(backoff).toEqual({ host: hostX, reason: expect.stringMatching(/^HTTP 429 /) });
    const xJobs = (await Promise.all(xs.map((t) => jobsOf(db, t.tenant_id)))).flat();
    const deferred = xJobs.filter((j) => j.output?.outcome === 'deferred');
    expect(deferred.length).toBeGreaterThan(0);
    for (const j of deferred) expect(j).toMatchObject({ state: 'completed', output: { code: 'host_backoff' } });
    const xRuns = (await Promise.all(xs.map((t) => runsOf(db, t.tenant_id)))).flat();
    expect(xRuns.filter((r) => r.status === 'succeeded')).toEqual([]);
    expect(xRuns.filter((r) => r.status === 'failed').length).toBeGreaterThan(0);
    expect(await db.query(`select id from pgboss.job where name = 'sync_all_dlq'`)).toEqual([]);
    // Every 429 backed off host X, and only X.
    const asked = workers.flatMap((w) => w.logs).filter((l) => l.msg === 'host asked to back off');
    expect(asked.length).toBeGreaterThan(0);
    for (const l of asked) expect(l).toMatchObject({ host: hostX, status: 429, seconds: 6 });
    // A failed sync of X ended with a 429 that backed the host off for 6 s; its retry comes after 1 s, so it
    // must be deferred rather than send the host another sync.
    const retried = xJobs.filter((j) => j.retry_count > 0 && j.state !== 'retry' && j.state !== 'active');
    expect(retried.length).toBeGreaterThan(0);
    expect(retried.filter((j) => j.state !== 'completed' || j.output?.outcome !== 'deferred')).toEqual([]);
    // Host Y kept its schedule, every slot of the window run once.
    const nextDue = await nextDueTimes(db);
    expect(nonEmpty(await bySlug(ys, (t) => oncePerIntervalProblems(db, t.tenant_id, { from, to, nextDue: nextDue.get(t.tenant_id) })))).toEqual({});

    // The host recovers (the fault cleared at runtime): its tenants are retried and complete.
    await simControl(xs[0].sim, 'PUT', '/faults', { faults: [] });
    const cleared = await dbNow(db);
    await waitFor('a successful sync of every x tenant', async () => (await db.query(`select count(distinct tenant_id)::int as n
      from public.sync_runs where status = 'succeeded' and tenant_id = any($1::uuid[])`, [xs.map((t) => t.tenant_id)]))[0].n === xs.length, { timeoutMs: 90_000 });
    const [{ first }] = await db.query(`select min(finished_at) as first from public.sync_runs where status = 'succeeded' and tenant_id = any($1::uuid[])`, [xs.map((t) => t.tenant_id)]);
    expect(new Date(first).getTime()).toBeGreaterThan(cleared);
    expect(await fleet.stopWorkers()).toEqual([{ code: 0, signal: null }, { code: 0, signal: null }]);
    expect(nonEmpty(await bySlug(xs, (t) => upstreamDifferences(db, fleet.site(t.slug), t.tenant_id)))).toEqual({});
    expect(nonEmpty(await bySlug(tenants, (t) => monitorProblems(db, t.tenant_id)))).toEqual({});
    expect(await db.query(`select id from pgboss.job where name = 'sync_all_dlq'`)).toEqual([]);
  });

  test('dead letter after N failures: a hotel answering 500 to every request fails retryLimit + 1 times, its job lands in sync_all_dlq, fleet status shows it and exits 1', async () => {
    fleet = await createFleet({ hosts: [{ hotels: 'broken=testhotel,fine=testhotel', faults: 'broken:*:status=500' }] });
    const { db } = fleet;
    const [broken, fine] = [fleet.tenant('broken'), fleet.tenant('fine')];
    await scheduleEvery(db, [broken.tenant_id, fine.tenant_id], 3600); // not due during the test: jobs added by hand
    const RETRY_LIMIT = 2;
    const workers = fleet.startWorkers(['A', 'B'], { MPHB_FLEET_RETRY_LIMIT: String(RETRY_LIMIT), MPHB_FLEET_HOST_REQUESTS: '8' });
    await Promise.all(workers.map(workerStarted));
    expect(await enqueue(db, broken.tenant_id)).toBe(true);
    expect(await enqueue(db, fine.tenant_id)).toBe(true);

    const [dead] = await waitFor('a dead letter for broken', () => jobsOf(db, broken.tenant_id, 'sync_all_dlq').then((j) => (j.length > 0 ? j : null)),
      { timeoutMs: 120_000, intervalMs: 500 });
    expect(dead).toMatchObject({ state: 'created', data: { tenant_id: broken.tenant_id, host: broken.host } });
    const [failed] = await jobsOf(db, broken.tenant_id);
    expect(failed).toMatchObject({ state: 'failed', retry_count: RETRY_LIMIT, output: { outcome: 'failed' } });
    const runs = await runsOf(db, broken.tenant_id);
    expect(runs.map((r) => r.status)).toEqual(Array(RETRY_LIMIT + 1).fill('failed'));
    for (const r of runs) expect(r.error_code).toEqual(expect.any(String));
    const [fineJob] = await jobsOf(db, fine.tenant_id);
    expect(fineJob).toMatchObject({ state: 'completed', output: { outcome: 'completed' } });

    const status = await runCli(['fleet', 'status', '--json'], { env: { DATABASE_URL: db.testUrl, MPHB_ENCRYPTION_KEY: FLEET_KEY } });
    expect(status.code).toBe(1);
    const report = JSON.parse(status.stdout);
    expect(report.queue.dead_letters).toBe(1);
    expect(report.totals.with_dead_letters).toBe(1);
    const row = (slug) => report.tenants.find((t) => t.slug === slug);
    expect(row('broken')).toMatchObject({ dead_letters: 1, failures_24h: RETRY_LIMIT + 1, last_error_code: runs.at(-1).error_code, stale: false });
    expect(row('fine')).toMatchObject({ dead_letters: 0, failures_24h: 0, stale: false });

    expect(await fleet.stopWorkers()).toEqual([{ code: 0, signal: null }, { code: 0, signal: null }]);
    // Nobody consumes the dead letter: it waits for an operator, and the monitor shows it.
    expect((await jobsOf(db, broken.tenant_id, 'sync_all_dlq')).map((j) => j.state)).toEqual(['created']);
    expect(await monitorProblems(db, fine.tenant_id)).toBeNull();
    expect(await monitorProblems(db, broken.tenant_id)).toMatchObject({ dead_letters: 1, stale: false, invariants: [] });

    // The site is fixed and the tenant synced again: its dead letter is answered (kept for inspection, no
    // longer flagged) and the monitor is green.
    fleet.sims[0].setFaults('');
    const again = fleet.startWorker('C', { MPHB_FLEET_HOST_REQUESTS: '8' });
    await workerStarted(again);
    expect(await enqueue(db, broken.tenant_id)).toBe(true);
    await waitFor('broken synced', async () => ((await runsOf(db, broken.tenant_id)).some((r) => r.status === 'succeeded') ? true : null), { timeoutMs: 60_000 });
    expect(await monitorProblems(db, broken.tenant_id)).toBeNull();
    const after = JSON.parse((await runCli(['fleet', 'status', '--json'], { env: { DATABASE_URL: db.testUrl, MPHB_ENCRYPTION_KEY: FLEET_KEY } })).stdout);
    expect(after.tenants.find((t) => t.slug === 'broken')).toMatchObject({ dead_letters: 0 });
    expect(after.queue.dead_letters).toBe(0);
    expect((await jobsOf(db, broken.tenant_id, 'sync_all_dlq')).map((j) => j.state)).toEqual(['created']);
  });

  test('fleet enqueue --job repair: a worker applies the repair of a damaged tenant (monitor red, then green)', async () => {
    fleet = await createFleet({ hosts: [{ hotels: 'damaged=indo' }] });
    const { db } = fleet;
    const damaged = fleet.tenant('damaged');
    const env = { DATABASE_URL: db.testUrl, MPHB_ENCRYPTION_KEY: FLEET_KEY };
    await scheduleEvery(db, [damaged.tenant_id], 3600);
    // Before any worker there is no queue: enqueue says so (exit 1) and adds nothing.
    const early = await runCli(['fleet', 'enqueue', '--job', 'repair', '--tenant', 'damaged'], { env });
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/no queue yet: start a worker first/);
    expect((await runCli(['fleet', 'enqueue', '--job', 'vacuum', '--all'], { env })).code).toBe(2);
    // A worker whose key does not decrypt the stored credentials refuses to start (it would fail every job).
    const wrongKey = await runCli(['worker'], { env: { ...env, MPHB_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64') } });
    expect(wrongKey.code).toBe(2);
    expect(wrongKey.stderr).toMatch(/cannot be decrypted with this MPHB_ENCRYPTION_KEY/);

    const worker = fleet.startWorker('A', { MPHB_FLEET_HOST_REQUESTS: '8' });
    await workerStarted(worker);
    expect(await enqueue(db, damaged.tenant_id)).toBe(true);
    await waitFor('the first sync', async () => ((await runsOf(db, damaged.tenant_id)).some((r) => r.status === 'succeeded') ? true : null), { timeoutMs: 60_000 });
    // Damage rows by hand (what repair exists for): one reservation loses its rooms (I2, I7: the monitor
    // sees it), and the second room of another points at the wrong unit (found by repair's own checks).
    const [single] = await db.query(`select id from public.guest_reservations where tenant_id = $1 and room_count = 1 and status = 'active' order by external_booking_id limit 1`, [damaged.tenant_id]);
    const [multi] = await db.query(`select id from public.guest_reservations where tenant_id = $1 and room_count > 1 and status = 'active' order by external_booking_id limit 1`, [damaged.tenant_id]);
    const [right] = await db.query('select accommodation_unit_id from public.reservation_accommodations where reservation_id = $1 and position = 1', [multi.id]);
    const [wrong] = await db.query('select id from hotels.accommodation_units where tenant_id = $1 and id <> $2 and not is_placeholder order by mphb_accommodation_id limit 1', [damaged.tenant_id, right.accommodation_unit_id]);
    await db.transaction(async (tx) => {
      await tx.query('set local session_replication_role = replica');
      await tx.query('delete from public.reservation_accommodations where reservation_id = $1', [single.id]);
      await tx.query('update public.reservation_accommodations set accommodation_unit_id = $2 where reservation_id = $1 and position = 1', [multi.id, wrong.id]);
    });
    const red = await monitorProblems(db, damaged.tenant_id);
    expect(red.invariants.map((i) => i.name)).toEqual(expect.arrayContaining(['I2 junction-complete', 'I7 atomic-booking']));

    // (One queued-or-running repair per tenant: the repair queue's policy is exclusive, checked in the
    // first test; the exclusive rule itself in fleet_schedule.test.js.)
    const first = await runCli(['fleet', 'enqueue', '--job', 'repair', '--all', '--json'], { env });
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({ job: 'repair', added: 1, already_queued: 0, tenants: ['damaged'] });
    await expect(db.query("select public.fleet_enqueue($1, now(), 'vacuum')", [damaged.tenant_id])).rejects.toThrow(/p_job must be sync_all or repair/);

    const [job] = await waitFor('the repair job done', async () => {
      const jobs = await jobsOf(db, damaged.tenant_id, 'repair');
      return jobs.length === 1 && jobs[0].state === 'completed' ? jobs : null;
    }, { timeoutMs: 90_000, intervalMs: 500 });
    expect(job.output).toMatchObject({ outcome: 'completed', status: 'repaired' });
    const repairRuns = (await runsOf(db, damaged.tenant_id)).filter((r) => r.kind === 'repair');
    expect(repairRuns.map((r) => r.status)).toEqual(['succeeded']);
    const [fixed] = await db.query('select accommodation_unit_id from public.reservation_accommodations where reservation_id = $1 and position = 1', [multi.id]);
    expect(fixed.accommodation_unit_id).toBe(right.accommodation_unit_id);
    const [{ rooms }] = await db.query('select count(*)::int as rooms from public.reservation_accommodations where reservation_id = $1', [single.id]);
    expect(rooms).toBe(1);
    expect(await monitorProblems(db, damaged.tenant_id)).toBeNull();
    expect(await fleet.stopWorkers()).toEqual([{ code: 0, signal: null }]);
  });
});
