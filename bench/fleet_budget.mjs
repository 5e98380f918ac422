// F1 figures (issue #14) from the fleet runs (fleet_runs.mjs): the no-op fleet pass judged against its
// target (< 5 min for 1,000 tenants, scaled to the tenants measured), its requests per tenant judged
// against "a few" (the incremental probe), and for information the first pass, syncs per second, lag,
// database connections, peak RSS per worker, CPU per tenant, the ratios against the baselines measured in
// the same run (sync-all processes one after another; one worker process; workers polling faster), and the
// projection to 10,000 tenants every 5 minutes.
import { BUDGETS, figure } from './budgets.mjs';

const round = (x, digits = 2) => (x === null || x === undefined || !Number.isFinite(Number(x)) ? null : Number(Number(x).toFixed(digits)));
const perTenantMs = (seconds, runs) => (seconds === null || seconds === undefined || !runs ? null : round((seconds * 1000) / runs, 1));

/** CPU milliseconds per synced tenant of a pass, by who spent them. */
function cpuPerTenant(pass) {
  const c = pass.cpu_seconds;
  return {
    workers: perTenantMs(c.workers, pass.runs),
    database: c.database === null ? null : perTenantMs(c.database, pass.runs),
    simulator: perTenantMs(c.simulator, pass.runs),
    machine: perTenantMs(c.machine, pass.runs),
  };
}

/**
 * @param {object} run from runFleet, or {error}
 * @param {{tenants: number, workers: number, concurrency: number, latencyMs: number}} o
 */
export function fleetFigures(run, { tenants, workers, concurrency, latencyMs }) {
  const b = BUDGETS.F1;
  const target = round((b.noopPassSecondsPer1000 * tenants) / 1000, 1);
  const scaledNote = tenants === 1000 ? undefined : `target < ${b.noopPassSecondsPer1000} s per 1,000 tenants, scaled to ${tenants} tenants (--fleet-tenants)`;
  const passLabel = `no-op fleet pass, ${tenants} tenants, ${workers} workers × ${concurrency} jobs`;
  if (!run || run.error) {
    const note = `the fleet runs failed: ${run?.error ?? 'not run'}`;
    return [
      figure({ id: 'F1.noop.pass', label: passLabel, unit: ' s', under: target, value: null, note }),
      figure({ id: 'F1.noop.requests', label: 'no-op pass: requests per tenant, most of any tenant', max: b.noopRequestsMax, value: null }),
    ];
  }
  const { first, noop } = run;
  const figures = [];
  const setup = `every hotel its own MotoPress host (a simulator server each), testhotel profile, ${latencyMs} ms a request; `
    + `poll ${run.settings.pollSeconds} s, ${run.settings.hostRequests} requests in flight per host (${run.settings.syncsPerHost} sync at a time)`;

  // The judged pass: every tenant synced, incremental where the probe allows, within the target.
  const complete = noop.runs >= noop.tenants;
  figures.push(figure({
    id: 'F1.noop.pass', label: passLabel, unit: ' s', under: target,
    value: complete ? noop.seconds : null,
    note: [scaledNote, complete ? null : `only ${noop.runs} of ${noop.tenants} tenants synced`, setup].filter(Boolean).join('; '),
    detail: {
      syncs_per_second: noop.syncs_per_second, requests_per_tenant: noop.requests_per_tenant, incremental: noop.passes.incremental,
      full: noop.passes.full, failed_runs: noop.failed_runs, run_p50_s: noop.run_seconds.p50, job_p50_s: noop.job_seconds.p50, job_p99_s: noop.job_seconds.p99,
      outcomes: JSON.stringify(noop.job_outcomes),
    },
  }));
  figures.push(figure({
    id: 'F1.noop.requests', label: 'no-op pass: requests per tenant, most of any tenant', max: b.noopRequestsMax,
    value: noop.requests_max,
    note: noop.passes.full > 0 ? `${noop.passes.full} tenants ran a full pass` : 'the accommodations stage (types, units: 1 page each) + the bookings probe (B2: ≤ 3)',
    detail: { mean: noop.requests_per_tenant, min: noop.requests_min, incremental_runs: noop.passes.incremental, runs: noop.runs },
  }));
  figures.push(figure({
    id: 'F1.first.pass', label: `first fleet pass (initial full syncs), ${tenants} tenants`, unit: ' s', informational: true,
    value: first.seconds,
    detail: {
      syncs_per_second: first.syncs_per_second, requests_per_tenant: first.requests_per_tenant, full: first.passes.full,
      run_p50_s: first.run_seconds.p50, job_p50_s: first.job_seconds.p50, job_p99_s: first.job_seconds.p99, outcomes: JSON.stringify(first.job_outcomes),
    },
  }));
  figures.push(figure({
    id: 'F1.rate', label: 'syncs per second, no-op pass', unit: '/s', informational: true, value: noop.syncs_per_second,
    detail: { first_pass: first.syncs_per_second, per_worker_noop: round(noop.syncs_per_second / workers), per_worker_first: round(first.syncs_per_second / workers) },
  }));
  figures.push(figure({
    id: 'F1.lag', label: 'lag due → started, p99, no-op pass', unit: ' s', informational: true, value: round(noop.lag_seconds.p99, 1),
    note: 'every tenant due at the same instant: the lag is each job\'s wait in the queue, its p99 about the pass',
    detail: { noop_p50: round(noop.lag_seconds.p50, 1), first_p50: round(first.lag_seconds.p50, 1), first_p99: round(first.lag_seconds.p99, 1) },
  }));
  figures.push(figure({
    id: 'F1.connections', label: 'database connections of the workers, most open at once', informational: true,
    value: Math.max(first.connections.open_max, noop.connections.open_max),
    note: `pool ${run.pool_size} per worker (--concurrency ${concurrency}); busy = not idle (pg_stat_activity, sampled every 250 ms)`,
    detail: { busy_max_first: first.connections.busy_max, busy_max_noop: noop.connections.busy_max, pools: run.pool_size * workers },
  }));
  const rss = noop.peak_rss_mb.filter((x) => x !== null);
  figures.push(figure({
    id: 'F1.rss', label: 'peak RSS per worker (VmHWM after both passes), largest', unit: ' MB', informational: true,
    value: rss.length ? Math.max(...rss) : null,
    detail: { workers: noop.peak_rss_mb.join(' / '), after_first_pass: first.peak_rss_mb.join(' / ') },
  }));

  // Ratios against the baselines of this run.
  const seq = run.baseline;
  const seqError = seq.first?.error ?? seq.noop?.error;
  if (seqError) {
    figures.push(figure({
      id: 'F1.speedup.sequential', label: 'sync-all processes one after another / fleet pass, no-op', unit: '×', informational: true,
      value: null, note: `the sync-all baseline failed: ${seqError}`,
    }));
  } else if (seq.noop && seq.first) {
    const noopProjected = (seq.noop.per_tenant_ms * tenants) / 1000;
    const firstProjected = (seq.first.per_tenant_ms * tenants) / 1000;
    figures.push(figure({
      id: 'F1.speedup.sequential', label: 'sync-all processes one after another / fleet pass, no-op', unit: '×', informational: true,
      value: round(noopProjected / noop.seconds, 1),
      note: `${seq.noop.tenants} other tenants, each synced by its own \`mphb-sync sync-all\` process (Node start, database check, core, sync), × ${tenants}`,
      detail: {
        per_process_ms_noop: seq.noop.per_tenant_ms, projected_s_noop: round(noopProjected, 1), per_process_ms_first: seq.first.per_tenant_ms,
        projected_s_first: round(firstProjected, 1), first_pass_ratio: round(firstProjected / first.seconds, 1),
      },
    }));
  }
  if (run.one_worker?.error) {
    figures.push(figure({
      id: 'F1.speedup.workers', label: `${workers} workers / 1 worker, no-op syncs per second`, unit: '×', informational: true,
      value: null, note: `the 1-worker pass failed: ${run.one_worker.error}`,
    }));
  } else if (run.one_worker) {
    const one = run.one_worker;
    figures.push(figure({
      id: 'F1.speedup.workers', label: `${workers} workers / 1 worker, no-op syncs per second`, unit: '×', informational: true,
      value: round(noop.syncs_per_second / one.syncs_per_second),
      note: `1 worker (--concurrency ${concurrency}) on ${one.tenants} of the tenants`,
      detail: { one_worker_per_second: one.syncs_per_second, one_worker_s: one.seconds, one_worker_slot_busy: one.slot_busy },
    }));
  }
  figures.push(figure({
    id: 'F1.slots', label: 'share of the workers\' job slots holding a job, no-op pass', unit: ' %', informational: true,
    value: round(noop.slot_busy * 100, 1),
    note: `while jobs wait a fetch loop fetches again as soon as its job ends (burst); idle, it polls every ${run.settings.pollSeconds} s`,
    detail: { first_pass: round(first.slot_busy * 100, 1), job_p50_s: noop.job_seconds.p50 },
  }));
  const fastOk = run.fast_poll && !run.fast_poll.error;
  if (run.fast_poll?.error) {
    figures.push(figure({
      id: 'F1.fast_poll', label: 'no-op pass, workers polling faster (MPHB_FLEET_POLL_SECONDS)', unit: ' s', informational: true,
      value: null, note: `the pass failed: ${run.fast_poll.error}`,
    }));
  } else if (fastOk) {
    const fast = run.fast_poll;
    figures.push(figure({
      id: 'F1.fast_poll', label: `no-op pass, workers polling every ${fast.poll_seconds} s (MPHB_FLEET_POLL_SECONDS)`, unit: ' s', informational: true,
      value: fast.runs >= fast.tenants ? fast.seconds : null,
      detail: { syncs_per_second: fast.syncs_per_second, speedup: round(noop.seconds / fast.seconds), slot_busy_pct: round(fast.slot_busy * 100, 1), lag_p99_s: round(fast.lag_seconds.p99, 1) },
    }));
  }
  const cpuNoop = cpuPerTenant(noop);
  const cpuFirst = cpuPerTenant(first);
  figures.push(figure({
    id: 'F1.cpu', label: 'CPU per tenant, no-op pass: workers', unit: ' ms', informational: true,
    value: cpuNoop.workers,
    note: 'database: its backends serving the workers (/proc); machine: every process on it, other work included',
    detail: {
      database: cpuNoop.database, simulator: cpuNoop.simulator, machine: cpuNoop.machine,
      first_workers: cpuFirst.workers, first_database: cpuFirst.database, first_simulator: cpuFirst.simulator,
    },
  }));

  // Projection: PROJECT_TENANTS every PROJECT_EVERY seconds, from what one worker did here.
  const needed = b.projectTenants / b.projectEverySeconds;
  const perWorker = noop.syncs_per_second / workers;
  const perWorkerFast = fastOk ? run.fast_poll.syncs_per_second / workers : null;
  const workersNeeded = Math.ceil(needed / perWorker);
  const cores = cpuNoop.workers !== null ? round(((cpuNoop.workers + (cpuNoop.database ?? 0)) * needed) / 1000) : null;
  figures.push(figure({
    id: 'F1.projection.workers', label: `projection, ${b.projectTenants.toLocaleString('en')} tenants every ${b.projectEverySeconds / 60} min: workers at this rate`, informational: true,
    value: workersNeeded,
    note: `${round(needed, 1)} no-op syncs/s needed; a worker (--concurrency ${concurrency}) did ${round(perWorker)}/s here`
      + (perWorkerFast ? `, ${round(perWorkerFast)}/s polling every ${run.fast_poll.poll_seconds} s (${Math.ceil(needed / perWorkerFast)} workers)` : ''),
    detail: { job_slots: workersNeeded * concurrency, connections_open: workersNeeded * run.pool_size, connections_busy_est: Math.ceil((noop.connections.busy_max * workersNeeded) / workers) },
  }));
  figures.push(figure({
    id: 'F1.projection.cpu', label: `projection, ${b.projectTenants.toLocaleString('en')} tenants every ${b.projectEverySeconds / 60} min: CPU cores (workers + database)`, informational: true,
    value: cores,
    note: cpuNoop.database === null ? "the database's CPU not measured (its server is not on this machine): workers only" : undefined,
    detail: {
      workers_cores: cpuNoop.workers !== null ? round((cpuNoop.workers * needed) / 1000) : null,
      database_cores: cpuNoop.database !== null ? round((cpuNoop.database * needed) / 1000) : null,
      first_pass_s: round(b.projectTenants / first.syncs_per_second, 0),
    },
  }));
  return figures;
}
