// The runs F1 is taken from (issue #14): a fleet of small simulator hotels, each its own MotoPress host,
// added as tenants of one fresh PostgreSQL database, synced by `mphb-sync worker` processes — a first pass
// (every tenant due at once: initial full syncs) and a no-op pass (nothing changed upstream: the
// incremental probe) — and, as baselines in the same run, the same kind of tenants synced one after
// another by `mphb-sync sync-all` processes, and the no-op pass again with a single worker process.
//
// A pass: every fleet tenant's schedule is made due at one instant t0 (the database's clock) and the bench
// runs the scheduler step (public.fleet_enqueue_due, what every worker and pg_cron run) once, so the pass
// does not wait for a worker's next scheduler tick; the pass ends when every fleet tenant has a succeeded
// sync-all run started after t0. While it runs, the bench samples (every 250 ms) the database connections
// of the workers (pg_stat_activity, application_name 'mphb-sync'), and the CPU time of the workers, the
// simulator, the database's backends and the whole machine (/proc).
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import postgres from 'postgres';

import { openDatabase } from '../host/db/database.js';
import { fleetSettings } from '../host/fleet/fleet_settings.js';
import { workerPoolSize } from '../host/fleet/fleet_worker.js';
import { createCipher } from '../host/tenants/credential_cipher.js';
import { addTenant } from '../host/tenants/tenant_store.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'host', 'cli', 'main.js');
// The simulator's keys are not secrets; the fleet's credentials are encrypted with a fixed, throwaway key.
const BENCH_KEY = Buffer.alloc(32, 7).toString('base64');
// A schedule interval far longer than the bench: nothing becomes due again by itself during a pass.
const LONG_INTERVAL_SECONDS = 86_400;
const SAMPLE_MS = 250;

let clockTicks = null;
function ticksPerSecond() {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** CPU seconds (user + system) a process has used so far, or null once it is gone. */
function processCpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
  } catch {
    return null;
  }
}

/** The machine's busy CPU seconds so far, over all CPUs (/proc/stat: everything but idle and iowait). */
function machineCpuSeconds() {
  try {
    const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const n = values.map(Number);
    const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
    return (total - n[3] - n[4]) / ticksPerSecond();
  } catch {
    return null;
  }
}

/** Whether a pid of this machine is a PostgreSQL process (a pid the server reports may be another machine's). */
function isPostgresProcess(pid) {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres';
  } catch {
    return false;
  }
}

function procStatusKb(pid, field) {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });
const round = (x, digits = 3) => (x === null || x === undefined || Number.isNaN(Number(x)) ? null : Number(Number(x).toFixed(digits)));

// Every worker process running now, so that the bench's cleanup (also on Ctrl-C or SIGTERM) stops them.
const liveWorkers = new Set();

/** Stops every worker process still running (SIGTERM: each hands its tenants back and exits). */
export async function stopFleetWorkers() {
  await Promise.all([...liveWorkers].map((w) => w.stop()));
}

/** One `mphb-sync worker` process; its pino log goes to a file of its own. */
function startWorker({ databaseUrl, concurrency, env, logFile, index }) {
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, [CLI, 'worker', '--concurrency', String(concurrency)], {
    env: { ...process.env, ...env, DATABASE_URL: databaseUrl, MPHB_ENCRYPTION_KEY: BENCH_KEY },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const exited = new Promise((resolve) => { child.once('exit', (code, signal) => resolve({ code, signal })); });
  const worker = {
    index,
    pid: child.pid,
    logFile,
    exited,
    alive: () => child.exitCode === null && child.signalCode === null,
    async ready(timeoutMs = 120_000) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        const text = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
        if (text.includes('"fleet worker started"')) return;
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`worker ${index} exited before it started (see ${logFile}): ${text.trim().slice(-800)}`);
        await sleep(100);
      }
      throw new Error(`worker ${index} did not start within ${timeoutMs} ms (see ${logFile})`);
    },
    async stop(timeoutMs = 90_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
  liveWorkers.add(worker);
  exited.then(() => liveWorkers.delete(worker));
  return worker;
}

/** `mphb-sync sync-all --tenant slug` in a fresh process, as a cron job per tenant would run it: wall time. */
function syncAllProcess({ databaseUrl, slug, timeoutMs = 300_000 }) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, 'sync-all', '--tenant', slug, '--json'], {
      env: { ...process.env, DATABASE_URL: databaseUrl, MPHB_ENCRYPTION_KEY: BENCH_KEY },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err = (err + d).slice(-2000); });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const ms = performance.now() - started;
      if (code !== 0) return reject(new Error(`sync-all --tenant ${slug} exited with ${code}: ${err.trim().slice(-800)}`));
      let summary = null;
      try {
        summary = JSON.parse(out);
      } catch {
        // the time is what counts; the summary is only for its requests
      }
      resolve({ ms, requests: summary?.counts?.requests ?? null, pass: summary?.counts?.pass ?? null });
    });
  });
}

/** Tenants synced one after another, each by its own sync-all process: per-tenant wall time. */
async function sequentialBaseline({ databaseUrl, slugs, log, label }) {
  const runs = [];
  for (const [i, slug] of slugs.entries()) {
    runs.push(await syncAllProcess({ databaseUrl, slug }));
    if ((i + 1) % 10 === 0 || i + 1 === slugs.length) log(`  F1 baseline (${label}): ${i + 1}/${slugs.length} sync-all processes`);
  }
  const total = runs.reduce((sum, r) => sum + r.ms, 0);
  return {
    tenants: runs.length,
    total_ms: Math.round(total),
    per_tenant_ms: round(total / runs.length, 1),
    requests_per_tenant: round(runs.reduce((sum, r) => sum + (r.requests ?? 0), 0) / runs.length, 2),
    passes: [...new Set(runs.map((r) => r.pass))],
  };
}

/**
 * Samples the pass's resources until stopped: the workers' open and busy connections, and CPU seconds
 * of the workers, the simulator, the database backends serving the workers and the machine.
 */
function startSampler({ sql, workers, simulatorPid }) {
  const connections = { open_max: 0, busy_max: 0, samples: 0 };
  const backendCpu = new Map(); // pid → {first, last}
  const startCpu = {
    workers: workers.map((w) => processCpuSeconds(w.pid) ?? 0),
    simulator: processCpuSeconds(simulatorPid) ?? 0,
    machine: machineCpuSeconds(),
  };
  let running = true;
  const sampleOnce = async () => {
    const rows = await sql`select pid, state from pg_stat_activity where datname = current_database() and application_name = 'mphb-sync'`;
    connections.samples += 1;
    connections.open_max = Math.max(connections.open_max, rows.length);
    connections.busy_max = Math.max(connections.busy_max, rows.filter((r) => r.state && r.state !== 'idle').length);
    for (const r of rows) {
      const cpu = isPostgresProcess(r.pid) ? processCpuSeconds(r.pid) : null;
      if (cpu === null) continue;
      const seen = backendCpu.get(r.pid);
      if (seen) seen.last = cpu;
      else backendCpu.set(r.pid, { first: connections.samples === 1 ? cpu : 0, last: cpu });
    }
  };
  const loop = (async () => {
    while (running) {
      const t = performance.now();
      await sampleOnce().catch(() => {});
      await sleep(Math.max(0, SAMPLE_MS - (performance.now() - t)));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await sampleOnce().catch(() => {});
      const workerCpu = workers.map((w, i) => round((processCpuSeconds(w.pid) ?? startCpu.workers[i]) - startCpu.workers[i], 2));
      const machineEnd = machineCpuSeconds();
      return {
        connections,
        cpu_seconds: {
          workers: round(workerCpu.reduce((a, b) => a + b, 0), 2),
          per_worker: workerCpu,
          simulator: round((processCpuSeconds(simulatorPid) ?? startCpu.simulator) - startCpu.simulator, 2),
          database: backendCpu.size === 0 ? null : round([...backendCpu.values()].reduce((sum, b) => sum + (b.last - b.first), 0), 2),
          machine: startCpu.machine === null || machineEnd === null ? null : round(machineEnd - startCpu.machine, 2),
        },
      };
    },
  };
}

/**
 * One fleet pass: every fleet tenant due at t0, the scheduler step run once, then wait until every one of
 * them has a succeeded sync-all run started after t0.
 */
async function runPass({ sql, tenantIds, workers, concurrency, simulatorPid, label, log, stallMs = 180_000, timeoutMs = 3_600_000 }) {
  for (const w of workers) if (!w.alive()) throw new Error(`worker ${w.index} is not running (see ${w.logFile})`);
  const sampler = startSampler({ sql, workers, simulatorPid });
  const startedMs = performance.now();
  const [{ t0 }] = await sql`select clock_timestamp() as t0`;
  await sql`update public.fleet_schedules set next_due_at = ${t0} where tenant_id = any(${tenantIds}::uuid[])`;
  const [{ added }] = await sql`select public.fleet_enqueue_due() as added`;
  log(`  F1 ${label}: ${added} jobs enqueued for ${tenantIds.length} tenants`);
  let done = 0;
  let lastProgress = performance.now();
  let lastLogged = performance.now();
  let failed;
  let resources;
  try {
    for (;;) {
      await sleep(500);
      const [row] = await sql`select count(distinct tenant_id) filter (where status = 'succeeded')::int as done,
          count(*) filter (where status = 'failed')::int as failed
        from public.sync_runs where kind = 'sync-all' and started_at >= ${t0} and tenant_id = any(${tenantIds}::uuid[])`;
      if (row.done > done) lastProgress = performance.now();
      ({ done, failed } = row);
      if (done >= tenantIds.length) break;
      const now = performance.now();
      if (now - lastLogged > 10_000) {
        log(`  F1 ${label}: ${done}/${tenantIds.length} tenants synced after ${Math.round((now - startedMs) / 1000)} s${failed ? `, ${failed} failed runs` : ''}`);
        lastLogged = now;
      }
      const dead = workers.filter((w) => !w.alive());
      if (dead.length > 0) throw new Error(`worker ${dead[0].index} exited during the ${label} (see ${dead[0].logFile})`);
      if (now - lastProgress > stallMs) throw new Error(`the ${label} stalled at ${done}/${tenantIds.length} tenants (${failed} failed runs; worker logs in ${dirname(workers[0].logFile)})`);
      if (now - startedMs > timeoutMs) throw new Error(`the ${label} did not finish within ${timeoutMs / 1000} s (${done}/${tenantIds.length})`);
    }
  } finally {
    resources = await sampler.stop();
  }
  const rssKb = workers.map((w) => procStatusKb(w.pid, 'VmHWM'));
  const [runs] = await sql`select count(*)::int as runs,
      extract(epoch from max(finished_at) - ${t0}::timestamptz)::double precision as seconds,
      sum((counts->>'requests')::int)::int as requests,
      max((counts->>'requests')::int)::int as max_requests,
      min((counts->>'requests')::int)::int as min_requests,
      count(*) filter (where counts->>'pass' = 'incremental')::int as incremental,
      count(*) filter (where counts->>'pass' = 'full')::int as full,
      percentile_cont(0.5) within group (order by extract(epoch from finished_at - started_at))::double precision as run_p50,
      percentile_cont(0.99) within group (order by extract(epoch from finished_at - started_at))::double precision as run_p99
    from public.sync_runs where kind = 'sync-all' and status = 'succeeded' and started_at >= ${t0} and tenant_id = any(${tenantIds}::uuid[])`;
  // Lag: from due (t0) to a worker starting the job. Job time: started to completed, the run and the
  // job's own bookkeeping (tenant, schedule, host slot, credentials) together.
  const [lag] = await sql`select percentile_cont(0.5) within group (order by lag)::double precision as p50,
      percentile_cont(0.99) within group (order by lag)::double precision as p99, max(lag)::double precision as max, count(*)::int as samples,
      percentile_cont(0.5) within group (order by job)::double precision as job_p50,
      percentile_cont(0.99) within group (order by job)::double precision as job_p99, sum(job)::double precision as job_total
    from (select extract(epoch from started_on - (data->>'due_at')::timestamptz)::double precision as lag,
                 extract(epoch from completed_on - started_on)::double precision as job from pgboss.job
           where name = 'sync_all' and created_on >= ${t0} and started_on is not null and data ? 'due_at') x`;
  const outcomes = await sql`select coalesce(output->>'outcome', state::text) as outcome, count(*)::int as n
    from pgboss.job where name = 'sync_all' and created_on >= ${t0} group by 1 order by 1`;
  const seconds = Number(runs.seconds);
  return {
    label,
    tenants: tenantIds.length,
    enqueued: added,
    seconds: round(seconds, 2),
    wall_seconds: round((performance.now() - startedMs) / 1000, 2),
    syncs_per_second: round(runs.runs / seconds, 2),
    runs: runs.runs,
    failed_runs: failed,
    requests: runs.requests,
    requests_per_tenant: round(runs.requests / runs.runs, 2),
    requests_min: runs.min_requests,
    requests_max: runs.max_requests,
    passes: { incremental: runs.incremental, full: runs.full },
    run_seconds: { p50: round(runs.run_p50), p99: round(runs.run_p99) },
    job_seconds: { p50: round(lag.job_p50), p99: round(lag.job_p99), total: round(lag.job_total, 2) },
    // The share of the workers' job slots (workers × concurrency over the pass) that held a job.
    slot_busy: round(Number(lag.job_total) / (workers.length * concurrency * seconds)),
    lag_seconds: { p50: round(lag.p50), p99: round(lag.p99), max: round(lag.max), samples: lag.samples },
    job_outcomes: Object.fromEntries(outcomes.map((o) => [o.outcome, o.n])),
    connections: resources.connections,
    cpu_seconds: resources.cpu_seconds,
    peak_rss_mb: rssKb.map((kb) => (kb === null ? null : round(kb / 1024, 1))),
  };
}

/**
 * @param {object} o
 * @param {string} o.databaseUrl a fresh database
 * @param {{pid: number, hotels: Array<{name, siteUrl, key, secret}>}} o.fleet the fleet simulator: the
 *   first `tenants` hotels are the fleet, the next `baselineTenants` the sequential baseline's
 * @param {number} o.tenants
 * @param {number} o.workers worker processes
 * @param {number} o.concurrency jobs at once per worker (--concurrency)
 * @param {number} o.baselineTenants tenants synced one after another by sync-all processes
 * @param {number} o.oneWorkerTenants the no-op pass once more with one worker process, on this many of the
 *   fleet's tenants (its throughput is compared; 0: not run)
 * @param {number|null} o.fastPollSeconds the no-op pass once more, the workers polling this often (null: not run)
 * @param {Record<string, string>} o.env fleet settings for the workers (MPHB_FLEET_*)
 * @param {(line: string) => void} o.log
 */
export async function runFleet({ databaseUrl, fleet, tenants, workers: workerCount, concurrency, baselineTenants, oneWorkerTenants, fastPollSeconds, env, log }) {
  const logDir = mkdtempSync(join(tmpdir(), 'mphb-bench-fleet-'));
  const hotels = fleet.hotels.slice(0, tenants);
  const baselineHotels = fleet.hotels.slice(tenants, tenants + baselineTenants);

  // Set-up: migrated, every tenant added (its schedule created by the integration's trigger), then every
  // schedule made long and not due; the baseline's tenants paused, so no worker ever takes them.
  const setupStarted = performance.now();
  const db = await openDatabase({ url: databaseUrl, poolSize: 4 });
  let tenantIds;
  let baselineSlugs;
  try {
    const cipher = await createCipher(BENCH_KEY);
    const add = async (h) => (await addTenant(db, cipher, { slug: h.name, name: `Fleet hotel ${h.name}`, siteUrl: h.siteUrl, consumerKey: h.key, consumerSecret: h.secret })).tenant_id;
    tenantIds = [];
    for (let i = 0; i < hotels.length; i += 8) tenantIds.push(...await Promise.all(hotels.slice(i, i + 8).map(add)));
    const baselineIds = [];
    for (const h of baselineHotels) baselineIds.push(await add(h));
    baselineSlugs = baselineHotels.map((h) => h.name);
    await db.query(`update public.fleet_schedules set interval_seconds = $1::int, next_due_at = now() + make_interval(secs => $1::int),
      enabled = not (tenant_id = any($2::uuid[]))`, [LONG_INTERVAL_SECONDS, baselineIds]);
  } finally {
    await db.close();
  }
  log(`  F1 set-up: ${tenantIds.length} fleet tenants and ${baselineSlugs.length} baseline tenants added in ${Math.round(performance.now() - setupStarted)} ms`);

  const sql = postgres(databaseUrl, { max: 2, onnotice: () => {}, connection: { application_name: 'mphb-bench-fleet' } });
  const started = [];
  let keepLogs = Boolean(process.env.MPHB_BENCH_KEEP_LOGS);
  // A baseline that fails is reported as failed (its error in the figure's note); the passes stand.
  const optional = async (label, fn) => {
    try {
      return await fn();
    } catch (error) {
      keepLogs = true;
      log(`  F1 ${label} failed: ${error.message}`);
      return { error: error.message };
    }
  };
  const startWorkers = async (count, extraEnv = {}) => {
    const list = [];
    const t = performance.now();
    // The first worker creates pg-boss's schema and queues; the others then start together.
    for (let i = 0; i < count; i += 1) {
      const w = startWorker({ databaseUrl, concurrency, env: { ...env, ...extraEnv }, logFile: join(logDir, `worker-${started.length + 1}.log`), index: started.length + 1 });
      started.push(w);
      list.push(w);
      if (i === 0) await w.ready();
    }
    await Promise.all(list.map((w) => w.ready()));
    return { workers: list, startMs: Math.round(performance.now() - t) };
  };
  const stopWorkers = async (list) => {
    const results = await Promise.all(list.map((w) => w.stop()));
    const bad = results.findIndex((r) => r.code !== 0);
    if (bad >= 0) {
      keepLogs = true;
      log(`  F1: worker ${list[bad].index} exited with ${results[bad].code ?? results[bad].signal} (see ${list[bad].logFile})`);
    }
  };
  /** A no-op pass with workers of its own, stopped afterwards whatever happens. */
  const passWith = async (count, extraEnv, passOptions) => {
    const { workers: list } = await startWorkers(count, extraEnv);
    try {
      return await runPass({ sql, workers: list, concurrency, simulatorPid: fleet.pid, log, ...passOptions });
    } finally {
      await stopWorkers(list);
    }
  };
  try {
    // Baseline, first syncs: one sync-all process per tenant, one after another, before any worker runs.
    const baselineFirst = baselineSlugs.length
      ? await optional('baseline (first syncs)', () => sequentialBaseline({ databaseUrl, slugs: baselineSlugs, log, label: 'first syncs' }))
      : null;

    const fleetWorkers = await startWorkers(workerCount);
    log(`  F1: ${workerCount} workers (--concurrency ${concurrency}) started in ${fleetWorkers.startMs} ms`);
    const first = await runPass({ sql, tenantIds, workers: fleetWorkers.workers, concurrency, simulatorPid: fleet.pid, label: 'first pass', log });
    log(`  F1 first pass: ${first.seconds} s, ${first.syncs_per_second} syncs/s`);
    const noop = await runPass({ sql, tenantIds, workers: fleetWorkers.workers, concurrency, simulatorPid: fleet.pid, label: 'no-op pass', log });
    log(`  F1 no-op pass: ${noop.seconds} s, ${noop.syncs_per_second} syncs/s, ${noop.requests_per_tenant} requests per tenant`);
    await stopWorkers(fleetWorkers.workers);

    // The no-op pass again with one worker process, on a share of the tenants: its syncs per second.
    const oneWorker = oneWorkerTenants > 0 ? await optional('no-op pass with 1 worker', async () => {
      const pass = await passWith(1, {}, { tenantIds: tenantIds.slice(0, oneWorkerTenants), label: 'no-op pass, 1 worker' });
      log(`  F1 no-op pass with 1 worker, ${pass.tenants} tenants: ${pass.seconds} s, ${pass.syncs_per_second} syncs/s`);
      return pass;
    }) : null;

    // The no-op pass again with the workers polling the queue as often as pg-boss allows: how much of the
    // pass was the workers' wait between fetches rather than work.
    const fastPoll = fastPollSeconds ? await optional(`no-op pass polling every ${fastPollSeconds} s`, async () => {
      const pass = await passWith(workerCount, { MPHB_FLEET_POLL_SECONDS: String(fastPollSeconds) }, { tenantIds, label: `no-op pass, polling every ${fastPollSeconds} s` });
      log(`  F1 no-op pass polling every ${fastPollSeconds} s: ${pass.seconds} s, ${pass.syncs_per_second} syncs/s`);
      return { ...pass, poll_seconds: fastPollSeconds };
    }) : null;

    // Baseline, no-op syncs of the same baseline tenants, after the workers stopped.
    const baselineNoop = baselineSlugs.length
      ? await optional('baseline (no-op syncs)', () => sequentialBaseline({ databaseUrl, slugs: baselineSlugs, log, label: 'no-op syncs' }))
      : null;

    return {
      tenants: tenantIds.length,
      workers: workerCount,
      concurrency,
      pool_size: workerPoolSize(concurrency),
      env,
      settings: fleetSettings({}, { ...process.env, ...env }),
      hosts: fleet.hosts,
      worker_start_ms: fleetWorkers.startMs,
      log_dir: keepLogs ? logDir : null,
      first,
      noop,
      one_worker: oneWorker,
      fast_poll: fastPoll,
      baseline: { first: baselineFirst, noop: baselineNoop },
    };
  } catch (error) {
    keepLogs = true;
    error.message = `${error.message} (worker logs kept in ${logDir})`;
    throw error;
  } finally {
    await Promise.all(started.map((w) => w.stop().catch(() => {})));
    await sql.end({ timeout: 5 });
    if (!keepLogs) rmSync(logDir, { recursive: true, force: true });
  }
}
