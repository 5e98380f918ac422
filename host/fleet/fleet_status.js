// `mphb-sync fleet status` and GET /api/fleet/status: the queue (depth, running, retrying, dead letters),
// lag from due to started (p50/p99 over the last hour), and per tenant its schedule, failures, dead
// letters, last success age and whether it is stale (freshness.js). Read-only; works before any worker
// ever started (the queue figures are then zero).
import { isStale } from './freshness.js';

export const LAG_WINDOW_SECONDS = 3600;
export const FAILURE_WINDOW_SECONDS = 86_400;

/**
 * @param {object} db
 * @param {{now?: Date}} [o]
 * @returns {Promise<object>} {generated_at, queue_ready, queue: {depth, running, retrying, deferred,
 *   dead_letters}, lag_seconds: {p50, p99, samples, window_seconds}, totals: {tenants, scheduled, paused,
 *   stale, failing, with_dead_letters}, tenants: [{tenant_id, slug, enabled, interval_seconds, state,
 *   last_success_at, last_success_age_seconds, stale, failures_24h, last_error_code, dead_letters}]}
 */
export async function fleetStatus(db, { now = new Date() } = {}) {
  const [{ ready }] = await db.query("select to_regclass('pgboss.job') is not null as ready");
  const tenants = await db.query(`select t.tenant_id, t.slug, t.created_at, s.enabled, s.interval_seconds,
      (select max(r.finished_at) from public.sync_runs r where r.tenant_id = t.tenant_id and r.status = 'succeeded' and r.kind = 'sync-all') as last_success_at,
      (select count(*)::int from public.sync_runs r where r.tenant_id = t.tenant_id and r.status = 'failed'
          and r.started_at > now() - make_interval(secs => $1)) as failures,
      (select r.error_code from public.sync_runs r where r.tenant_id = t.tenant_id and r.status in ('succeeded', 'failed')
          order by r.started_at desc limit 1) as last_error_code
    from public.tenant_registry t left join public.fleet_schedules s on s.tenant_id = t.tenant_id order by t.slug`, [FAILURE_WINDOW_SECONDS]);
  const jobs = new Map();
  let queue = { depth: 0, running: 0, retrying: 0, deferred: 0, dead_letters: 0 };
  let lag = { p50: null, p99: null, samples: 0 };
  if (ready) {
    // Job state per tenant (its singleton key): at most one queued-or-running job each.
    for (const r of await db.query(`select singleton_key as tenant_id, state::text as state, start_after > now() as later
        from pgboss.job where name = 'sync_all' and state in ('created', 'retry', 'active')`)) {
      jobs.set(r.tenant_id, { state: r.state === 'active' ? 'running' : r.state === 'retry' ? 'retrying' : 'queued', later: r.later });
    }
    for (const r of await db.query(`select data->>'tenant_id' as tenant_id, count(*)::int as n from pgboss.job
        where name = 'sync_all_dlq' and state = 'created' group by 1`)) {
      const entry = jobs.get(r.tenant_id) ?? { state: null };
      jobs.set(r.tenant_id, { ...entry, dead_letters: r.n });
    }
    const [l] = await db.query(`select percentile_cont(0.5) within group (order by lag) as p50,
        percentile_cont(0.99) within group (order by lag) as p99, count(*)::int as samples
      from (select extract(epoch from started_on - (data->>'due_at')::timestamptz)::double precision as lag from pgboss.job
             where name = 'sync_all' and started_on > now() - make_interval(secs => $1) and data ? 'due_at') x`, [LAG_WINDOW_SECONDS]);
    lag = { p50: round(l.p50), p99: round(l.p99), samples: l.samples };
  }
  const list = tenants.map((t) => {
    const job = jobs.get(t.tenant_id) ?? {};
    return {
      tenant_id: t.tenant_id,
      slug: t.slug,
      enabled: t.enabled ?? false,
      interval_seconds: t.interval_seconds ?? null,
      state: job.state ?? 'idle',
      last_success_at: t.last_success_at ? new Date(t.last_success_at).toISOString() : null,
      last_success_age_seconds: t.last_success_at ? Math.round((now.getTime() - new Date(t.last_success_at).getTime()) / 1000) : null,
      stale: isStale(t, now),
      failures_24h: t.failures,
      last_error_code: t.last_error_code ?? null,
      dead_letters: job.dead_letters ?? 0,
    };
  });
  for (const j of jobs.values()) {
    if (j.state === 'running') queue.running += 1;
    if (j.state === 'queued' || j.state === 'retrying') queue.depth += 1;
    if (j.state === 'retrying') queue.retrying += 1;
    if (j.state && j.state !== 'running' && j.later) queue.deferred += 1;
    queue.dead_letters += j.dead_letters ?? 0;
  }
  return {
    generated_at: now.toISOString(),
    queue_ready: ready,
    queue,
    lag_seconds: { ...lag, window_seconds: LAG_WINDOW_SECONDS },
    totals: {
      tenants: list.length,
      scheduled: list.filter((t) => t.enabled).length,
      paused: list.filter((t) => t.interval_seconds !== null && !t.enabled).length,
      stale: list.filter((t) => t.stale).length,
      failing: list.filter((t) => t.failures_24h > 0).length,
      with_dead_letters: list.filter((t) => t.dead_letters > 0).length,
    },
    tenants: list,
  };
}

const round = (x) => (x === null || x === undefined ? null : Math.round(Number(x) * 1000) / 1000);
