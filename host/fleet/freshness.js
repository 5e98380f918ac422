// When a scheduled tenant counts as stale: its last successful Sync All is older than 3× its interval
// (never synced: its tenant was added longer ago than that). Paused or unscheduled tenants are never
// stale — nobody asked for them to be fresh. One rule for `monitor`, `fleet status` and the HTTP API.
export const STALE_AFTER_INTERVALS = 3;

/**
 * @param {{enabled: boolean|null, interval_seconds: number|null, last_success_at: Date|string|null, created_at: Date|string}} t
 * @param {Date} now
 * @returns {boolean}
 */
export function isStale(t, now) {
  if (!t.enabled || !t.interval_seconds) return false;
  const since = t.last_success_at ?? t.created_at;
  return (now.getTime() - new Date(since).getTime()) / 1000 > STALE_AFTER_INTERVALS * t.interval_seconds;
}
