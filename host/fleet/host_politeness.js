// Politeness towards one MotoPress host, shared by every worker through the database (docs/fleet.md):
//   - slots: a sync holds one of the host's `slots` lease rows while it runs (renewed; a dead worker's
//     slot frees when its lease runs out), so at most `slots` syncs of a host run at once, each with at
//     most pagesPerSync requests in flight;
//   - backoff: a 429 or 503 from the host stops every worker from starting a sync of it until `until`.
// Leases are rows, not session advisory locks, so they hold behind transaction-mode poolers.

export const SLOT_LEASE_SECONDS = 45; // longer than one request's timeout (30 s)

/**
 * Takes a free slot of `host`, if any.
 * @returns {Promise<number|null>} the slot number, or null when all `slots` are held
 */
export async function takeHostSlot(db, { host, slots, holder }) {
  // The first free slot, inserted or taken over from an expired lease. Two workers picking the same
  // slot at once: the second's conditional update finds the first's fresh lease and returns nothing.
  const rows = await db.query(`with free as (
      select s from generate_series(0, $2::int - 1) s
       where not exists (select 1 from public.fleet_host_slots h where h.host = $1 and h.slot = s and h.expires_at >= now())
       order by s limit 1)
    insert into public.fleet_host_slots (host, slot, holder, expires_at)
    select $1, s, $3, now() + make_interval(secs => $4) from free
    on conflict (host, slot) do update set holder = excluded.holder, expires_at = excluded.expires_at
      where public.fleet_host_slots.expires_at < now()
    returning slot`, [host, slots, holder, SLOT_LEASE_SECONDS]);
  return rows.length === 1 ? rows[0].slot : null;
}

/** @returns {Promise<boolean>} whether the lease was still this holder's */
export async function renewHostSlot(db, { host, slot, holder }) {
  const rows = await db.query(`update public.fleet_host_slots set expires_at = now() + make_interval(secs => $4)
    where host = $1 and slot = $2 and holder = $3 returning slot`, [host, slot, holder, SLOT_LEASE_SECONDS]);
  return rows.length === 1;
}

export async function releaseHostSlot(db, { host, slot, holder }) {
  await db.query('delete from public.fleet_host_slots where host = $1 and slot = $2 and holder = $3', [host, slot, holder]);
}

/** @returns {Promise<{until: Date, reason: string}|null>} the host's backoff, when it has not ended */
export async function hostBackoff(db, host) {
  const [row] = await db.query('select until, reason from public.fleet_host_backoff where host = $1 and until > now()', [host]);
  return row ? { until: new Date(row.until), reason: row.reason } : null;
}

/**
 * Backs every worker off `host` for `seconds` (a later `until` already set is kept).
 * @param {object} db @param {{host: string, seconds: number, reason: string}} backoff
 */
export async function backOffHost(db, { host, seconds, reason }) {
  await db.query(`insert into public.fleet_host_backoff (host, until, reason) values ($1, now() + make_interval(secs => $2), $3)
    on conflict (host) do update set until = greatest(public.fleet_host_backoff.until, excluded.until), reason = excluded.reason, updated_at = now()`,
  [host, seconds, reason]);
}
