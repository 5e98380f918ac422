// Fleet tests with real parts: real `mphb-sync worker` processes on a PostgreSQL test database, one
// simulator per MotoPress host (several hotels on one simulator are one host for politeness), and what a
// test needs to judge them from the outside — the database (sync_runs, pgboss.job, sync_locks), the
// workers' pino log lines (stderr), their exit codes, and the simulator's data.
//
//   const fleet = await createFleet({ hosts: [{ hotels: 'a=testhotel,b=testhotel' }] });
//   const [a, b] = fleet.startWorkers(['A', 'B'], { MPHB_FLEET_HOST_REQUESTS: '8' });
//   await waitFor('a first sync', () => …);
//   await fleet.close(); // SIGKILLs any worker still alive, stops the simulators, closes the database
import { spawn } from 'node:child_process';

import { setSchedules } from '../../../host/fleet/schedule_store.js';
import { startSimulator } from '../../../host/simulator/simulator_server.js';
import { createCipher } from '../../../host/tenants/credential_cipher.js';
import { addTenant } from '../../../host/tenants/tenant_store.js';
import { CLI } from './cli_process.js';
import { expectedBookings, junctionRooms, mappedStatus } from './invariant_sql.js';
import { openTestDatabase } from './test_databases.js';

/** The encryption key of the workers and of the cipher that stored the tenants' credentials. */
export const FLEET_KEY = Buffer.alloc(32, 7).toString('base64');

/** Fast fleet settings for tests (each overridable): seconds, not minutes, between steps. */
export const FAST_SETTINGS = {
  MPHB_FLEET_SCHEDULER_SECONDS: '1',
  MPHB_FLEET_POLL_SECONDS: '0.5',
  MPHB_FLEET_HEARTBEAT_SECONDS: '10',
  MPHB_FLEET_MONITOR_SECONDS: '1',
  MPHB_FLEET_RETRY_DELAY_SECONDS: '1',
};

/**
 * Polls `check` until it returns a truthy value (returned), or throws naming `what` and the last value.
 * @template T
 * @param {string} what
 * @param {() => Promise<T>|T} check
 * @param {{timeoutMs?: number, intervalMs?: number}} [o]
 * @returns {Promise<T>}
 */
export async function waitFor(what, check, { timeoutMs = 60_000, intervalMs = 200 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await check();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((resolve) => { setTimeout(resolve, intervalMs); });
  }
}

/**
 * A running `mphb-sync worker` process.
 * @typedef {object} WorkerProcess
 * @property {string} name
 * @property {import('node:child_process').ChildProcess} child
 * @property {number} pid
 * @property {object[]} logs its pino lines, parsed, in order (non-JSON stderr lines as {raw})
 * @property {() => string} stderr everything it wrote to stderr
 * @property {Promise<{code: number|null, signal: string|null}>} exited
 * @property {() => boolean} alive
 * @property {(match: (line: object) => boolean, o?: {timeoutMs?: number}) => Promise<object>} waitForLog
 */

/**
 * Starts `node host/cli/main.js worker --concurrency N` with DATABASE_URL, the key and `env`.
 * @returns {WorkerProcess}
 */
export function startWorkerProcess(name, { databaseUrl, env = {}, concurrency = 4 }) {
  const child = spawn(process.execPath, [CLI, 'worker', '--concurrency', String(concurrency)], {
    env: {
      ...process.env, ...FAST_SETTINGS, ...env, DATABASE_URL: databaseUrl, MPHB_ENCRYPTION_KEY: FLEET_KEY, MPHB_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let partial = '';
  const logs = [];
  const waiters = new Set();
  let exitInfo = null;
  const exited = new Promise((resolve) => {
    child.on('close', (code, signal) => {
      exitInfo = { code, signal };
      for (const w of waiters) w.check();
      resolve(exitInfo);
    });
  });
  child.stdout.on('data', () => {});
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
    const lines = (partial + chunk).split('\n');
    partial = lines.pop();
    for (const text of lines) {
      if (!text.trim()) continue;
      let line;
      try {
        line = JSON.parse(text);
      } catch {
        line = { raw: text };
      }
      logs.push(line);
    }
    for (const w of waiters) w.check();
  });
  const worker = {
    name,
    child,
    pid: child.pid,
    logs,
    stderr: () => stderr,
    exited,
    alive: () => exitInfo === null,
    waitForLog(match, { timeoutMs = 30_000 } = {}) {
      return new Promise((resolve, reject) => {
        const waiter = {
          check() {
            const found = logs.find(match);
            if (found) {
              done();
              resolve(found);
            } else if (exitInfo) {
              done();
              reject(new Error(`worker ${name} exited (${JSON.stringify(exitInfo)}) before the awaited log line; stderr:\n${stderr.slice(-4000)}`));
            }
          },
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`worker ${name}: no awaited log line within ${timeoutMs} ms; stderr:\n${stderr.slice(-4000)}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(waiter);
        };
        waiters.add(waiter);
        waiter.check();
      });
    },
  };
  return worker;
}

/** Resolves once the worker logged that it started taking jobs. */
export const workerStarted = (worker) => worker.waitForLog((l) => l.msg === 'fleet worker started');

/**
 * A PostgreSQL test database with tenants on simulators (one simulator = one MotoPress host), and the
 * workers started on it.
 * @param {{hosts: Array<{hotels: string, faults?: any, latencyMs?: number, seed?: number}>}} o
 *   each host's hotels become tenants, slug = hotel name (hotel names unique across hosts)
 */
export async function createFleet({ hosts }) {
  const [db, cipher, ...sims] = await Promise.all([
    openTestDatabase('postgres'), createCipher(FLEET_KEY),
    ...hosts.map((h) => startSimulator({ seed: 1, ...h })),
  ]);
  const tenants = [];
  try {
    for (const sim of sims) {
      for (const hotel of sim.hotels) {
        const t = await addTenant(db, cipher, {
          slug: hotel.name, name: hotel.title, siteUrl: hotel.siteUrl, consumerKey: hotel.keys.readWrite.key, consumerSecret: hotel.keys.readWrite.secret,
        });
        tenants.push({ ...t, hotel: hotel.name, sim, host: new URL(hotel.siteUrl).host });
      }
    }
  } catch (error) {
    await Promise.all(sims.map((s) => s.stop()));
    await db.close();
    throw error;
  }
  const workers = [];
  const fleet = {
    db, sims, tenants, workers,
    tenant: (slug) => tenants.find((t) => t.slug === slug),
    /** The simulator's site of a tenant (its data: what the database must equal). */
    site: (slug) => fleet.tenant(slug).sim.site(fleet.tenant(slug).hotel),
    startWorker(name, env = {}, { concurrency = 4 } = {}) {
      const w = startWorkerProcess(name, { databaseUrl: db.testUrl, env, concurrency });
      workers.push(w);
      return w;
    },
    /** Starts the workers at once (they race to install the queue schema, as a fleet's first start does). */
    startWorkers(names, env = {}, o = {}) {
      return names.map((n) => fleet.startWorker(n, env, o));
    },
    /** The worker process whose pid holds the tenant's lease lock now, or null. */
    async lockHolder(tenantId) {
      const [row] = await db.query('select run_id, holder_pid from public.sync_locks where tenant_id = $1', [tenantId]);
      if (!row) return null;
      return { runId: row.run_id, worker: workers.find((w) => w.pid === row.holder_pid) ?? null, pid: row.holder_pid };
    },
    /** SIGTERM to each live worker; resolves to their exits. */
    async stopWorkers(list = workers) {
      for (const w of list) if (w.alive()) w.child.kill('SIGTERM');
      return Promise.all(list.map((w) => w.exited));
    },
    async close() {
      for (const w of workers) if (w.alive()) w.child.kill('SIGKILL');
      await Promise.all(workers.map((w) => w.exited));
      await Promise.all(sims.map((s) => s.stop()));
      await db.close();
    },
  };
  return fleet;
}

/** Sets the schedules of `tenantIds` to `seconds` (each gets its phase in the new interval). */
export async function scheduleEvery(db, tenantIds, seconds) {
  await setSchedules(db, tenantIds, { intervalSeconds: seconds });
}

/** The tenant's sync runs, oldest first, times as epoch milliseconds. */
export async function runsOf(db, tenantId) {
  const rows = await db.query(`select id, kind, status, error_code, started_at, finished_at, counts from public.sync_runs
    where tenant_id = $1 order by started_at, id`, [tenantId]);
  return rows.map((r) => ({
    ...r, started: new Date(r.started_at).getTime(), finished: r.finished_at ? new Date(r.finished_at).getTime() : null,
  }));
}

/** The tenant's sync_all jobs (any state), oldest first, with data.due_at as epoch milliseconds. */
export async function jobsOf(db, tenantId, queue = 'sync_all') {
  const rows = await db.query(`select id, name, state::text as state, retry_count, output, data,
      (data->>'due_at')::timestamptz as due_at, started_on, completed_on, created_on
    from pgboss.job where name = $1 and data->>'tenant_id' = $2 order by created_on, id`, [queue, tenantId]);
  return rows.map((r) => ({ ...r, due: r.due_at ? new Date(r.due_at).getTime() : null }));
}

/** The database's clock, in epoch milliseconds (the schedule's slots are in its time). */
export async function dbNow(db) {
  const [{ now }] = await db.query('select now() as now');
  return new Date(now).getTime();
}

/**
 * What differs between the tenant's rows and its hotel on the simulator (empty: equal). Bookings: every
 * non-trashed booking once, as a reservation or a calendar block (SPEC §4), with its current MotoPress
 * status mapped, not marked gone, a reservation's rooms in order; no booking the hotel does not have;
 * every published unit stored once.
 * @param {object} db @param {object} site the HotelSite @param {string} tenantId
 */
export async function upstreamDifferences(db, site, tenantId) {
  const { reservations, blocks } = expectedBookings(site);
  const problems = [];
  const rows = await db.query(`select external_booking_id::int as id, status, mphb_status, upstream_gone_at
    from public.guest_reservations where tenant_id = $1`, [tenantId]);
  const stored = new Map();
  for (const r of rows) {
    if (stored.has(r.id)) problems.push({ booking: r.id, problem: 'reservation stored twice' });
    stored.set(r.id, r);
  }
  const rooms = await junctionRooms(db, tenantId);
  for (const [id, record] of reservations) {
    const r = stored.get(id);
    if (!r) {
      problems.push({ booking: id, problem: 'reservation missing' });
      continue;
    }
    if (r.mphb_status !== record.status || r.status !== mappedStatus(record.status) || r.upstream_gone_at !== null) {
      problems.push({ booking: id, problem: 'status', stored: [r.mphb_status, r.status, r.upstream_gone_at], upstream: record.status });
    }
    const want = record.reserved_accommodations.map((x) => x.accommodation);
    const got = (rooms.get(id) ?? []).map((x) => x.unit);
    if (JSON.stringify(want) !== JSON.stringify(got)) problems.push({ booking: id, problem: 'rooms', stored: got, upstream: want });
  }
  for (const id of stored.keys()) if (!reservations.has(id)) problems.push({ booking: id, problem: 'reservation the hotel does not have' });
  const blockRows = await db.query(`select distinct external_booking_id::int as id, mphb_status from public.calendar_blocks where tenant_id = $1`, [tenantId]);
  const storedBlocks = new Map(blockRows.map((b) => [b.id, b]));
  for (const [id, record] of blocks) {
    if (!storedBlocks.has(id)) problems.push({ booking: id, problem: 'block missing' });
    else if (storedBlocks.get(id).mphb_status !== record.status) problems.push({ booking: id, problem: 'block status', stored: storedBlocks.get(id).mphb_status, upstream: record.status });
  }
  for (const id of storedBlocks.keys()) if (!blocks.has(id)) problems.push({ booking: id, problem: 'block the hotel does not have' });
  const units = (await db.query('select mphb_accommodation_id::int as id from hotels.accommodation_units where tenant_id = $1', [tenantId])).map((u) => u.id);
  const published = site.list('accommodations').filter((e) => e.meta.post_status !== 'trash').map((e) => e.record.id);
  for (const id of published) if (!units.includes(id)) problems.push({ unit: id, problem: 'unit missing' });
  if (new Set(units).size !== units.length) problems.push({ problem: 'a unit stored twice' });
  if (reservations.size + blocks.size === 0) problems.push({ problem: 'the hotel has no bookings: nothing was compared' });
  return problems;
}

/** Every schedule's next_due_at now (epoch ms), by tenant id: the phase of its slots. */
export async function nextDueTimes(db) {
  const rows = await db.query('select tenant_id, next_due_at from public.fleet_schedules');
  return new Map(rows.map((r) => [r.tenant_id, new Date(r.next_due_at).getTime()]));
}

/**
 * "Synced exactly once per interval" for one tenant over [from, to] (epoch ms, database time): the
 * tenant's due slots in the window (nextDue − n·interval) each have exactly one sync_all job, whose
 * due_at is that slot, completed with a succeeded Sync All run started after the slot and before the
 * next one; no slot is missing (consecutive slots exactly one interval apart, the first within one
 * interval of `from`, the last within one of `to`); and no other run of the tenant started in
 * [first slot, last slot + interval). Returns the problems (empty: once per interval).
 * @param {{from: number, to: number, nextDue: number}} o nextDue: the schedule's next_due_at read while
 *   its slots were kept (nextDueTimes; a handed-back or deferred tenant is due once off its phase — at once,
 *   or when its host's backoff ends — and back on it after that run)
 */
export async function oncePerIntervalProblems(db, tenantId, { from, to, nextDue }) {
  const [schedule] = await db.query('select interval_seconds from public.fleet_schedules where tenant_id = $1', [tenantId]);
  const intervalMs = schedule.interval_seconds * 1000;
  const jobs = (await jobsOf(db, tenantId)).filter((j) => j.due >= from && j.due <= to).sort((a, b) => a.due - b.due);
  const runs = await runsOf(db, tenantId);
  const problems = [];
  if (jobs.length === 0) return [{ problem: 'no job due in the window' }];
  // A slot is next_due_at − n·interval: the job's due_at is on the tenant's phase (times in whole
  // milliseconds here, microseconds in the database: 2 ms of slack).
  for (const j of jobs) {
    const off = (((nextDue - j.due) % intervalMs) + intervalMs) % intervalMs;
    if (Math.min(off, intervalMs - off) > 2) problems.push({ job: j.id, problem: 'due_at is not one of the tenant\'s slots', due_at: j.due_at });
  }
  for (let i = 1; i < jobs.length; i++) {
    const gap = jobs[i].due - jobs[i - 1].due;
    if (Math.abs(gap - intervalMs) > 2) problems.push({ problem: gap === 0 ? 'two jobs for one slot' : 'a slot without its job', between: [jobs[i - 1].due_at, jobs[i].due_at], gap_ms: gap });
  }
  if (jobs[0].due - from >= intervalMs) problems.push({ problem: 'the first slot of the window has no job', first: jobs[0].due_at });
  if (to - jobs.at(-1).due >= intervalMs) problems.push({ problem: 'the last slot of the window has no job', last: jobs.at(-1).due_at });
  const runIds = [];
  for (const j of jobs) {
    const run = runs.find((r) => r.id === j.output?.run_id);
    if (j.state !== 'completed' || j.output?.outcome !== 'completed' || !run) {
      problems.push({ job: j.id, problem: 'the slot\'s job did not complete a run', state: j.state, output: j.output });
      continue;
    }
    runIds.push(run.id);
    if (run.kind !== 'sync-all' || run.status !== 'succeeded') problems.push({ run: run.id, problem: 'run not a succeeded sync-all', kind: run.kind, status: run.status });
    if (!(run.started >= j.due && run.started < j.due + intervalMs)) problems.push({ run: run.id, problem: 'run not started within its slot', due_at: j.due_at, started_at: run.started_at });
  }
  const inWindow = runs.filter((r) => r.started >= jobs[0].due && r.started < jobs.at(-1).due + intervalMs).map((r) => r.id);
  if (JSON.stringify([...inWindow].sort()) !== JSON.stringify([...runIds].sort())) {
    problems.push({ problem: 'runs in the window other than the slots\' runs', runs: inWindow, slot_runs: runIds });
  }
  return problems;
}

/** Pairs of the tenant's runs whose [started_at, finished_at] overlap (a run still running extends to now). */
export function overlappingRuns(runs) {
  const pairs = [];
  for (let i = 0; i < runs.length; i++) {
    for (let j = i + 1; j < runs.length; j++) {
      const a = runs[i];
      const b = runs[j];
      if (a.started < (b.finished ?? Infinity) && b.started < (a.finished ?? Infinity)) pairs.push([a.id, b.id]);
    }
  }
  return pairs;
}

/** The most runs of `tenantIds` in progress at one instant (from their [started_at, finished_at]). */
export async function mostRunsAtOnce(db, tenantIds) {
  const rows = await db.query(`select started_at, finished_at from public.sync_runs where tenant_id = any($1::uuid[])`, [tenantIds]);
  const edges = rows.flatMap((r) => [[new Date(r.started_at).getTime(), 1], [r.finished_at ? new Date(r.finished_at).getTime() : Infinity, -1]]);
  // Ends before starts at the same instant: a slot freed and taken again is not two at once.
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let most = 0;
  for (const [, d] of edges) {
    now += d;
    most = Math.max(most, now);
  }
  return most;
}

/** Calls the simulator's control API (/_control/…) over HTTP, as an operator's script would. */
export async function simControl(sim, method, path, body) {
  const res = await fetch(`${sim.url}/_control${path}`, {
    method, headers: body === undefined ? {} : { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} /_control${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}
