// B4 figures from the scale runs: peak RSS of the sync process at 100,000 bookings on PostgreSQL
// (< 256 MB), and "flat" — peak RSS at the largest size over the size 10× smaller, per database.
import { BUDGETS, figure } from './budgets.mjs';
import { peakRssMb } from './scale_runs.mjs';

const FULL_SCALE = 100_000;

function peakOf(r) {
  const values = [peakRssMb(r.first), peakRssMb(r.noop)].filter((v) => v !== null);
  return values.length ? Math.max(...values) : null;
}

export function memoryFigures(runs, { databases }) {
  const b = BUDGETS.B4;
  const figures = [];
  for (const database of databases) {
    const mine = runs.filter((r) => r.database === database).sort((x, y) => x.bookings - y.bookings);
    for (const r of mine) {
      figures.push(figure({
        id: `B4.rss.${database}.${r.bookings}`, label: `peak RSS, ${database}, ${r.bookings} bookings (first / no-op)`, unit: ' MB',
        value: peakOf(r), informational: !(database === 'postgres' && r.bookings === FULL_SCALE),
        ...(database === 'postgres' && r.bookings === FULL_SCALE ? { under: b.peakRssMbMax } : {}),
        note: r.first.ok ? (r.noop && !r.noop.ok ? `no-op re-sync failed: ${r.noop.error}` : undefined) : `sync failed: ${r.first.error}`,
        detail: { first_mb: peakRssMb(r.first), noop_mb: peakRssMb(r.noop) },
      }));
    }
    if (database === 'postgres' && !mine.some((r) => r.bookings === FULL_SCALE)) {
      figures.push({ ...figure({ id: `B4.rss.postgres.${FULL_SCALE}`, label: `peak RSS, postgres, ${FULL_SCALE} bookings`, unit: ' MB', under: b.peakRssMbMax, value: null }),
        pass: null, skipped: true, note: 'not run: add --full-scale (or --sizes …,100000)' });
    }
    // Flat: the largest size against the size 10× smaller (100k/10k with --full-scale, else 10k/1k).
    const top = mine.at(-1);
    const base = top && mine.find((r) => r.bookings * 10 === top.bookings);
    if (top && base) {
      // Only completed runs count: a run that failed early never reached its peak.
      const complete = (r) => r.first.ok && (!r.noop || r.noop.ok);
      const [hi, lo] = complete(top) && complete(base) ? [peakOf(top), peakOf(base)] : [null, null];
      figures.push(figure({
        id: `B4.flat.${database}`, label: `peak RSS ${top.bookings} / ${base.bookings} bookings, ${database}`, unit: '×', max: b.flatRatioMax,
        value: hi && lo ? Number((hi / lo).toFixed(2)) : null,
        note: hi && lo ? undefined : 'not available: a run at one of the two sizes failed',
      }));
    } else {
      figures.push({ ...figure({ id: `B4.flat.${database}`, label: `peak RSS growth over 10× bookings, ${database}`, unit: '×', max: b.flatRatioMax, value: null }),
        pass: null, skipped: true, note: 'not run: needs two sizes 10× apart' });
    }
  }
  return figures;
}
