// B1 figures from the end-to-end runs: each route's Sync All time over its fetch floor, and how many
// times faster it was than the old approach on the same route, simulator and database.
import { BUDGETS, figure } from './budgets.mjs';
import { fetchFloorMs } from './fetch_floor.mjs';

const round = (x, digits = 2) => (x === null || x === undefined ? null : Number(x.toFixed(digits)));

export function endToEndFigures(runs, { latencyMs, concurrency, bookings }) {
  const b = BUDGETS.B1;
  const figures = [];
  for (const r of runs) {
    const where = `${r.route} (round trip ${round(r.roundTripMs)} ms)`;
    const first = r.first;
    const floor = first?.ok ? fetchFloorMs({ requests: first.counts.requests, concurrency, latencyMs }) : null;
    figures.push(figure({
      id: `B1.floor.${r.route}`, label: `Sync All ${bookings} bookings / fetch floor, ${where}`, unit: '×', max: b.floorRatioMax,
      value: floor ? round(first.elapsed_ms / floor) : null,
      note: first?.ok ? undefined : `sync failed: ${first?.error}`,
      detail: first?.ok ? { sync_ms: Math.round(first.elapsed_ms), requests: first.counts.requests, concurrency, latency_ms: latencyMs, floor_ms: floor, pages: first.counts.pages } : undefined,
    }));
    if (r.old) {
      const ok = r.old.ok && first?.ok;
      figures.push(figure({
        id: `B1.speedup.${r.route}`, label: `old approach time / Sync All time, ${where}`, unit: '×', min: b.speedupMin,
        value: ok ? round(r.old.elapsed_ms / first.elapsed_ms, 1) : null,
        note: ok ? undefined : `${r.old.ok ? 'sync' : 'old approach'} failed: ${r.old.ok ? first?.error : r.old.error}`,
        detail: r.old.ok ? { old_ms: Math.round(r.old.elapsed_ms), old_requests: r.old.counts.requests, old_round_trips: r.old.counts.round_trips, sync_ms: first?.ok ? Math.round(first.elapsed_ms) : null } : undefined,
      }));
    }
  }
  return figures;
}
