// Failed guest logins, counted in the database (edge instances share nothing else), in fixed windows that
// open at the first failure. Two counts per attempt: per tenant and client address (a guest who mistypes;
// 5 per 15 minutes), and per tenant and check-in date whatever the address (spread-out guessing of one
// date's 4-digit codes; 30 per 15 minutes). Either full → 429 until its window closes. Addresses and
// dates are stored only as HMACs under a server secret, so the table cannot be reversed to addresses.
import { createHmac } from 'node:crypto';

export const DEFAULT_LOGIN_THROTTLE = Object.freeze({ maxFailures: 5, maxFailuresPerDate: 30, windowSeconds: 15 * 60 });

/**
 * The counters one login attempt touches.
 * @param {{tenantKey?: string, client: string, checkInDate: string, pepper: Uint8Array, policy?: object}} o
 * @returns {Array<{subject: string, max: number}>}
 */
export function throttleKeys({ client, checkInDate, pepper, policy = DEFAULT_LOGIN_THROTTLE }) {
  const mac = (text) => createHmac('sha256', pepper).update(text).digest('hex');
  return [
    { subject: mac(`client:${client ?? 'unknown'}`), max: policy.maxFailures },
    { subject: mac(`check_in_date:${checkInDate}`), max: policy.maxFailuresPerDate },
  ];
}

/**
 * @param {object} db
 * @param {{tenantKey: string, keys: Array<{subject, max}>, now: Date, policy?: object}} o
 * @returns {Promise<{blocked: boolean, retryAfterSeconds: number}>}
 */
export async function loginBlocked(db, { tenantKey, keys, now, policy = DEFAULT_LOGIN_THROTTLE }) {
  const subjects = keys.map((_, i) => `$${i + 4}`).join(', ');
  const rows = await db.query(`select subject_hash, failures, window_started_at from public.guest_login_failures
    where tenant_key = $1 and window_started_at > $2::timestamptz - make_interval(secs => $3) and subject_hash in (${subjects})`,
  [tenantKey, now.toISOString(), policy.windowSeconds, ...keys.map((k) => k.subject)]);
  let closesAt = 0;
  for (const row of rows) {
    const key = keys.find((k) => k.subject === row.subject_hash);
    if (key && row.failures >= key.max) closesAt = Math.max(closesAt, new Date(row.window_started_at).getTime() + policy.windowSeconds * 1000);
  }
  if (!closesAt) return { blocked: false, retryAfterSeconds: 0 };
  return { blocked: true, retryAfterSeconds: Math.max(1, Math.ceil((closesAt - now.getTime()) / 1000)) };
}

/** Counts one failed login on every key (atomically: concurrent failures all count); forgets windows long closed. */
export async function recordLoginFailure(db, { tenantKey, keys, now, policy = DEFAULT_LOGIN_THROTTLE }) {
  const values = keys.map((_, i) => `($1, $${i + 4}, $2::timestamptz, 1)`).join(', ');
  await db.query(`insert into public.guest_login_failures as f (tenant_key, subject_hash, window_started_at, failures)
    values ${values}
    on conflict (tenant_key, subject_hash) do update set
      failures = case when f.window_started_at <= $2::timestamptz - make_interval(secs => $3) then 1 else f.failures + 1 end,
      window_started_at = case when f.window_started_at <= $2::timestamptz - make_interval(secs => $3) then $2::timestamptz else f.window_started_at end`,
  [tenantKey, now.toISOString(), policy.windowSeconds, ...keys.map((k) => k.subject)]);
  await db.query(`delete from public.guest_login_failures where window_started_at < $1::timestamptz - make_interval(secs => $2 * 2)`,
    [now.toISOString(), policy.windowSeconds]);
}
