// The scaling table: first and no-op Sync All time and requests per database and size (no added
// latency), with time per 1,000 bookings — the line that shows whether cost grows linearly.
import { peakRssMb } from './scale_runs.mjs';

export function scalingRows(runs) {
  return runs.map((r) => ({
    database: r.database,
    bookings: r.bookings,
    first_ms: r.first.ok ? Math.round(r.first.elapsed_ms) : null,
    first_requests: r.first.ok ? r.first.counts.requests : null,
    first_ms_per_1k: r.first.ok ? Math.round(r.first.elapsed_ms / (r.bookings / 1000)) : null,
    noop_ms: r.noop?.ok ? Math.round(r.noop.elapsed_ms) : null,
    noop_requests: r.noop?.ok ? r.noop.counts.requests : null,
    noop_pass: r.noop?.ok ? (r.noop.counts.pass ?? null) : null,
    first_rss_mb: peakRssMb(r.first),
    noop_rss_mb: peakRssMb(r.noop),
    error: r.first.ok ? (r.noop && !r.noop.ok ? r.noop.error : null) : r.first.error,
  }));
}
