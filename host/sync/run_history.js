// The runs of a tenant as sync_runs records them: what `mphb-sync runs` prints and GET …/runs answers.

/** The newest `limit` runs of a tenant: {id, kind, status, started_at, finished_at, counts, stats, error_code, error_message}. */
export async function recentRuns(db, tenantId, limit) {
  return db.query(`select id, kind, status, started_at, finished_at, counts, stats, error_code, error_message
    from public.sync_runs where tenant_id = $1 order by started_at desc limit $2`, [tenantId, limit]);
}
