// The incremental cursor of a tenant (public.sync_cursors): what the core's decideSyncPass takes, and
// what settleSyncPass returns, stored after a pass. See wasm/src/sync_pass_plan.hpp for the rules.

/** → {cursor: {modified_after, incremental_runs, filters} | null, lastTotalPages: number | null} */
export async function loadSyncCursor(db, tenantId) {
  const [row] = await db.query('select modified_after, incremental_runs, filters, last_total_pages from public.sync_cursors where tenant_id = $1', [tenantId]);
  if (!row) return { cursor: null, lastTotalPages: null };
  return {
    cursor: { modified_after: row.modified_after, incremental_runs: Number(row.incremental_runs), filters: row.filters },
    lastTotalPages: row.last_total_pages === null ? null : Number(row.last_total_pages),
  };
}

/**
 * Stores the settled cursor, as a statement to send in the caller's transaction; lastTotalPages is kept
 * when not given (an incremental pass says nothing of it). @returns {{text, params}}
 */
export function saveSyncCursorStatement(tenantId, cursor, lastTotalPages = null) {
  return {
    text: `insert into public.sync_cursors (tenant_id, modified_after, incremental_runs, filters, last_total_pages, updated_at)
        values ($1, $2, $3, $4, $5, now())
      on conflict (tenant_id) do update set modified_after = excluded.modified_after, incremental_runs = excluded.incremental_runs,
        filters = excluded.filters, last_total_pages = coalesce(excluded.last_total_pages, public.sync_cursors.last_total_pages), updated_at = now()`,
    params: [tenantId, cursor.modified_after, cursor.incremental_runs, cursor.filters, lastTotalPages],
  };
}
