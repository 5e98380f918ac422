// Counts the rows a run wrote, from the database itself rather than from the run's own counts: every row
// inserted or updated after a marker transaction carries a newer xmin (age(xmin) smaller than the
// marker's), and a deleted row lowers the table's row count. Works on PostgreSQL and PGlite.
//
//   const before = await markRowVersions(db, tenantId);  … run …  await rowsWrittenSince(db, before)
const TABLES = [
  'hotels.accommodation_types', 'hotels.accommodation_units', 'public.guest_reservations',
  'public.reservation_accommodations', 'public.calendar_blocks',
];

/** Takes the marker (one transaction id) and the tenant's row counts. */
export async function markRowVersions(db, tenantId) {
  const [{ xid }] = await db.query('select (txid_current() % 4294967296)::text as xid');
  const counts = {};
  for (const table of TABLES) {
    const [{ n }] = await db.query(`select count(*)::int as n from ${table} where tenant_id = $1`, [tenantId]);
    counts[table] = n;
  }
  return { tenantId, xid, counts };
}

/**
 * written: new row versions (inserted or updated); deleted: rows fewer than before (exact when nothing
 * was inserted, as in a no-op run). total = written + deleted; 0 means the run wrote nothing.
 * @returns {Promise<{total: number, tables: Record<string, {written: number, deleted: number}>}>}
 */
export async function rowsWrittenSince(db, marker) {
  const tables = {};
  let total = 0;
  for (const table of TABLES) {
    const [{ n, written }] = await db.query(`select count(*)::int as n,
        count(*) filter (where age(xmin) < age($2::text::xid))::int as written
      from ${table} where tenant_id = $1`, [marker.tenantId, marker.xid]);
    const deleted = Math.max(0, marker.counts[table] - n);
    tables[table] = { written, deleted };
    total += written + deleted;
  }
  return { total, tables };
}
