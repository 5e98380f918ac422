// B2 figures from the end-to-end runs: a re-sync with nothing changed upstream writes no row (by its own
// counts and by the database's row versions), its full pass stays near the fetch floor, and its
// incremental pass needs at most 3 requests — when the runner has one (counts.pass says which ran). The
// figure judged is the bookings pass (the modified-since query of SPEC §6 B2: the reservations stage's
// requests); the accommodations stage lists types and units in full every run (a 300-unit hotel: 4
// requests) and is shown beside it.
import { BUDGETS, figure } from './budgets.mjs';
import { fetchFloorMs } from './fetch_floor.mjs';

// The counts that mean "a row was written"; unchanged/pages/requests/warnings do not.
const WRITE_COUNTS = ['types_created', 'types_updated', 'types_deactivated', 'units_created', 'units_updated', 'units_deactivated',
  'created', 'updated', 'cancelled', 'blocks', 'placeholders', 'gone'];

const round = (x, digits = 2) => (x === null || x === undefined ? null : Number(x.toFixed(digits)));

function written(run) {
  const byCounts = WRITE_COUNTS.reduce((sum, k) => sum + (Number(run.counts?.[k]) || 0), 0);
  const byDatabase = run.rows_written?.total ?? null;
  return { byCounts, byDatabase, value: byDatabase === null ? null : Math.max(byCounts, byDatabase) };
}

export function noopResyncFigures(runs, { latencyMs, concurrency }) {
  const b = BUDGETS.B2;
  const figures = [];
  for (const r of runs) {
    const where = r.route;
    for (const [key, pass] of [['noopFull', 'full'], ['noopAuto', 'auto']]) {
      const run = r[key];
      if (!run) continue;
      const w = run.ok ? written(run) : null;
      figures.push(figure({
        id: `B2.rows.${pass}.${where}`, label: `rows written by a no-op re-sync (pass '${pass}'), ${where}`, max: b.rowsWrittenMax,
        value: w?.value ?? null,
        note: run.ok ? undefined : `re-sync failed: ${run.error}`,
        detail: w ? { by_counts: w.byCounts, by_row_versions: w.byDatabase, tables: run.rows_written?.tables } : undefined,
      }));
    }
    const full = r.noopFull;
    if (full) {
      const floor = full.ok ? fetchFloorMs({ requests: full.counts.requests, concurrency, latencyMs }) : null;
      figures.push(figure({
        id: `B2.full.${where}`, label: `no-op full pass / fetch floor, ${where}`, unit: '×', max: b.fullFloorRatioMax,
        value: floor ? round(full.elapsed_ms / floor) : null,
        note: full.ok ? (full.counts.pass && full.counts.pass !== 'full' ? `asked for a full pass, ran '${full.counts.pass}'` : undefined) : `re-sync failed: ${full.error}`,
        detail: full.ok ? { sync_ms: Math.round(full.elapsed_ms), requests: full.counts.requests, floor_ms: floor, pass: full.counts.pass ?? null } : undefined,
      }));
    }
    const auto = r.noopAuto;
    if (auto) {
      const pass = auto.ok ? auto.counts.pass : undefined;
      let note;
      if (!auto.ok) note = `re-sync failed: ${auto.error}`;
      else if (pass === undefined) note = "not available: runSync's counts carry no `pass` (no incremental pass yet)";
      else if (pass !== 'incremental') note = `not available: pass 'auto' ran a '${pass}' pass`;
      figures.push(figure({
        id: `B2.incremental.${where}`, label: `requests of a no-op incremental bookings pass, ${where}`, max: b.incrementalRequestsMax,
        value: pass === 'incremental' ? auto.stats?.stages?.reservations?.requests ?? null : null,
        note,
        detail: auto.ok ? { pass: pass ?? null, bookings_requests: auto.stats?.stages?.reservations?.requests ?? null,
          accommodations_requests: auto.stats?.stages?.accommodations?.requests ?? null, requests: auto.counts.requests, sync_ms: Math.round(auto.elapsed_ms) } : undefined,
      }));
    }
  }
  return figures;
}
