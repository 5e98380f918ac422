// `mphb-sync fleet status` and GET /api/fleet/status: the facts — tenants and their schedules, the last
// success and failures from sync_runs, the queues' jobs (sync_all, repair), dead letters and lags from
// pgboss.job — gathered here and judged by the core (fleetReport: stale tenants, queue figures, lag
// p50/p99). Read-only; works before any worker ever started (the queue figures are then zero).

export const LAG_WINDOW_SECONDS = 3600;
export const FAILURE_WINDOW_SECONDS = 86_400;

const iso = (value) => (value === null || value === undefined ? null : new Date(value).toISOString());

/**
 * The tenants' facts the core judges freshness by (all tenants, or one).
 * @param {object} db @param {string|null} [tenantId]
 */
export async function tenantFacts(db, tenantId = null) {
  const rows = await db.query(`select t.tenant_id, t.slug, t.name, t.created_at, s.enabled, s.interval_seconds,
      (select max(r.finished_at) from public.sync_runs r where r.tenant_id = t.tenant_id and r.status = 'succeeded' and r.kind = 'sync-all') as last_success_at,
      (select count(*)::int from public.sync_runs r where r.tenant_id = t.tenant_id and r.status = 'failed'
          and r.started_at > now() - make_interval(secs => $1)) as failures,
      (select r.error_code from public.sync_runs r where r.tenant_id = t.tenant_id and r.status in ('succeeded', 'failed')
          order by r.started_at desc limit 1) as last_error_code
    from public.tenant_registry t left join public.fleet_schedules s on s.tenant_id = t.tenant_id
    where $2::uuid is null or t.tenant_id = $2::uuid order by t.slug`, [FAILURE_WINDOW_SECONDS, tenantId]);
  return rows.map((t) => ({
    tenant_id: t.tenant_id, slug: t.slug, name: t.name, enabled: t.enabled ?? null, interval_seconds: t.interval_seconds ?? null,
    created_at: iso(t.created_at), last_success_at: iso(t.last_success_at), failures: t.failures, last_error_code: t.last_error_code ?? null,
  }));
}

/**
 * Dead letters per tenant and queue not yet answered: newer than the tenant's last successful run of that
 * kind (Sync All for sync_all, a repair for repair), so a tenant that recovered is not flagged for the 30
 * days its dead letters are kept. Empty before the queue exists.
 * @param {object} db @param {string|null} [tenantId]
 * @returns {Promise<Array<{tenant_id: string, queue: 'sync_all'|'repair', count: number}>>}
 */
export async function deadLetterFacts(db, tenantId = null) {
  const [{ ready }] = await db.query("select to_regclass('pgboss.job') is not null as ready");
  if (!ready) return [];
  return db.query(`select d.data->>'tenant_id' as tenant_id, case d.name when 'repair_dlq' then 'repair' else 'sync_all' end as queue,
      count(*)::int as count
    from pgboss.job d
    where d.name in ('sync_all_dlq', 'repair_dlq') and d.state = 'created' and ($1::text is null or d.data->>'tenant_id' = $1::text)
      and d.created_on > coalesce((select max(r.finished_at) from public.sync_runs r
        where r.tenant_id::text = d.data->>'tenant_id' and r.status = 'succeeded'
          and r.kind = case d.name when 'repair_dlq' then 'repair' else 'sync-all' end), '-infinity')
    group by 1, 2`, [tenantId]);
}

/**
 * @param {object} db
 * @param {import('../../js/core.js').MphbCore} core
 * @param {{now?: Date}} [o]
 * @returns {Promise<Omit<import('../../js/core.js').FleetReport, 'warnings'|'errors'>>}
 * @throws {Error} code fleet_report_invalid when the core refuses the facts (a bug here, named by path)
 */
/** Whether the fleet runs: a worker has created the sync_all queue (before that no schedule is a promise). */
export async function fleetQueueReady(db) {
  const [{ ready }] = await db.query("select to_regclass('pgboss.queue') is not null and to_regclass('pgboss.job') is not null as ready");
  if (!ready) return false;
  return (await db.query("select 1 from pgboss.queue where name = 'sync_all'")).length === 1;
}

export async function fleetStatus(db, core, { now = new Date() } = {}) {
  const ready = await fleetQueueReady(db);
  const facts = { now: now.toISOString(), queue_ready: ready, lag_window_seconds: LAG_WINDOW_SECONDS, tenants: await tenantFacts(db), jobs: [], dead_letters: [], lags: [] };
  if (ready) {
    // Queued-or-running jobs (at most one per tenant and queue: its singleton key), unanswered dead
    // letters, and how long each scheduled job started in the window waited after it was due.
    facts.jobs = await db.query(`select singleton_key as tenant_id, name as queue, state::text as state, start_after > now() as later
      from pgboss.job where name in ('sync_all', 'repair') and state in ('created', 'retry', 'active')`);
    facts.dead_letters = await deadLetterFacts(db);
    // First attempts that ran (a retry's wait is backoff, a deferral's is politeness: neither is lag).
    facts.lags = (await db.query(`select extract(epoch from started_on - (data->>'due_at')::timestamptz)::double precision as lag
      from pgboss.job where name = 'sync_all' and started_on > now() - make_interval(secs => $1) and data ? 'due_at'
        and retry_count = 0 and coalesce(output->>'outcome', 'running') not in ('deferred', 'skipped')`, [LAG_WINDOW_SECONDS]))
      .map((r) => r.lag);
  }
  const { warnings, errors, ...report } = core.fleetReport(facts);
  if (errors.length > 0) throw Object.assign(new Error(`fleet report: ${errors[0].path}: ${errors[0].message}`), { code: 'fleet_report_invalid' });
  return report;
}
