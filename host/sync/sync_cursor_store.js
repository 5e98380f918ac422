// The incremental cursor of a tenant (public.sync_cursors): what the core's decideSyncPass takes, and
// what settleSyncPass returns, stored after a pass. See wasm/src/sync_pass_plan.hpp for the rules.

/**
 * A public.sync_cursors row (null: none stored; a run reads it as it starts, tenant_lock.js startTenantRun)
 * → {cursor: {modified_after, incremental_runs, filters} | null, lastTotalPages: number | null}
 */
export function syncCursorFromRow(row) {
  if (!row) return { cursor: null, lastTotalPages: null };
  return {
    cursor: { modified_after: row.modified_after, incremental_runs: Number(row.incremental_runs), filters: row.filters },
    lastTotalPages: row.last_total_pages === null ? null : Number(row.last_total_pages),
  };
}

// The cursor written from `rows` ($1 tenant, $2 modified_after, $3 incremental_runs, $4 filters, $5
// last_total_pages, then now()); last_total_pages is kept when null (an incremental pass says nothing of it).
export function syncCursorUpsertSql(rows) {
  return `insert into public.sync_cursors (tenant_id, modified_after, incremental_runs, filters, last_total_pages, updated_at)
      ${rows}
    on conflict (tenant_id) do update set modified_after = excluded.modified_after, incremental_runs = excluded.incremental_runs,
      filters = excluded.filters, last_total_pages = coalesce(excluded.last_total_pages, public.sync_cursors.last_total_pages), updated_at = now()`;
}

/** The cursor's parameters for syncCursorUpsertSql ($1–$5). */
export function syncCursorParams(tenantId, cursor, lastTotalPages = null) {
  return [tenantId, cursor?.modified_after ?? null, cursor?.incremental_runs ?? null, cursor?.filters ?? null, lastTotalPages];
}

/** Stores the settled cursor, as a statement to send in the caller's transaction. @returns {{text, params}} */
export function saveSyncCursorStatement(tenantId, cursor, lastTotalPages = null) {
  return { text: syncCursorUpsertSql('values ($1, $2, $3, $4, $5, now())'), params: syncCursorParams(tenantId, cursor, lastTotalPages) };
}
