// Fresh planner statistics while a sync fills the booking tables. PostgreSQL plans the foreign-key checks
// and the I1/I2 triggers' look-ups once per connection and keeps those plans; planned while a table is
// (nearly) empty they read it whole — the check of reservation_accommodations → guest_reservations even
// picks the (tenant_id, check_in_date) index and filters on id — so every row written scans every row
// before it: a first Sync All of 10,000 bookings into a fresh database spent half its time there. ANALYZE
// invalidates the plans of every connection, which then plan index look-ups. It runs each time this run's
// new rows have grown the tables past 3× what they held at the last ANALYZE, until one has seen 2,000 rows
// (so four times in a first sync into an empty database: after about 90, 270, 810 and 2,430 rows), never
// for a re-sync, on a connection of its own, off the page path. Past that size every look-up is planned
// as an index scan already, and the planner scales the row estimate by the table's current size, so a
// later ANALYZE changes no plan — it only cost time: the one at 7,290 rows took 266 ms of the server
// in a 10,000-booking first sync, near its end. A role that does not own the tables gets a warning from
// the server and no statistics: the sync is slower, not wrong.

const TABLES = 'public.guest_reservations, public.reservation_accommodations, public.calendar_blocks';
const GROWTH = 3;
const FIRST_AT = 90;
const ENOUGH = 2_000; // rows an ANALYZE has seen after which plans no longer change

/**
 * @param {object} db  a database handle (nested handles — one outer transaction — are left alone)
 * @returns {{start(): Promise<void>, added(rows: number): void, settle(): Promise<void>}}
 */
export function plannerStatistics(db) {
  let analyzedAt = null; // rows the tables held at the last ANALYZE (pg_class's estimate at the start)
  let rows = 0;
  let running = null;
  const enabled = !db.nested;
  return {
    async start() {
      if (!enabled) return;
      try {
        const [row] = await db.query("select greatest(reltuples, 0)::float8 as rows from pg_class where oid = 'public.guest_reservations'::regclass");
        analyzedAt = Number(row?.rows ?? 0);
        rows = analyzedAt;
      } catch {
        analyzedAt = null; // no estimate: leave the statistics to autovacuum
      }
    },
    /** Rows this run has just inserted (created reservations and blocks). */
    added(count) {
      if (analyzedAt === null || analyzedAt >= ENOUGH || count <= 0) return;
      rows += count;
      if (running || rows < Math.max(FIRST_AT, GROWTH * analyzedAt)) return;
      analyzedAt = rows;
      running = db.query(`analyze ${TABLES}`).catch(() => {}).finally(() => { running = null; });
    },
    async settle() {
      await running;
    },
  };
}
