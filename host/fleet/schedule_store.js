// Per-tenant schedules (public.fleet_schedules): `mphb-sync schedule set|list|pause|resume`. A schedule
// says how often a tenant is synced, whether at all, and when not (a quiet window in local time); the
// scheduler step (public.fleet_enqueue_due) reads it. Every tenant gets one when its integration is added.

export class ScheduleError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

const UNITS = { s: 1, m: 60, h: 3600, d: 86_400 };
export const MIN_INTERVAL_SECONDS = 5;
export const MAX_INTERVAL_SECONDS = 7 * 86_400;

/**
 * "15m", "1h", "90s", "900" (seconds) → seconds.
 * @throws {ScheduleError} invalid_interval, naming the option
 */
export function parseInterval(text, option = '--every') {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$/i.exec(String(text ?? ''));
  const seconds = m ? Math.round(Number(m[1]) * UNITS[(m[2] || 's').toLowerCase()]) : NaN;
  if (!(seconds >= MIN_INTERVAL_SECONDS && seconds <= MAX_INTERVAL_SECONDS)) {
    throw new ScheduleError('invalid_interval', `${option} "${text}" must be a duration from ${MIN_INTERVAL_SECONDS}s to 7d, such as 900, 90s, 15m, 1h`);
  }
  return seconds;
}

/**
 * "22:00-06:00" → {start: '22:00', end: '06:00'} (a window may wrap midnight; start ≠ end).
 * @throws {ScheduleError} invalid_quiet_window
 */
export function parseQuietWindow(text, option = '--quiet') {
  const m = /^\s*([01]\d|2[0-3]):([0-5]\d)\s*-\s*([01]\d|2[0-3]):([0-5]\d)\s*$/.exec(String(text ?? ''));
  if (!m || `${m[1]}:${m[2]}` === `${m[3]}:${m[4]}`) {
    throw new ScheduleError('invalid_quiet_window', `${option} "${text}" must be a window of local time HH:MM-HH:MM (e.g. 22:00-06:00), start and end different`);
  }
  return { start: `${m[1]}:${m[2]}`, end: `${m[3]}:${m[4]}` };
}

/**
 * Changes the schedules of `tenantIds` (all given fields at once, one transaction).
 * @param {object} db
 * @param {string[]} tenantIds
 * @param {{intervalSeconds?: number, enabled?: boolean, quiet?: {start, end}|null, quietTz?: string}} change
 *   quiet null clears the window; a new interval gives the tenant its phase in the new interval
 * @returns {Promise<number>} schedules changed
 * @throws {ScheduleError} invalid_time_zone (checked by the database, which applies it); no_integration (a
 *   tenant without a MotoPress integration: nothing to schedule)
 */
export async function setSchedules(db, tenantIds, change) {
  if (change.quietTz !== undefined) {
    try {
      await db.query("select now() at time zone $1 as t", [change.quietTz]);
    } catch {
      throw new ScheduleError('invalid_time_zone', `--tz "${change.quietTz}" is not a time zone the database knows (e.g. UTC, Europe/Berlin)`);
    }
  }
  // Set-based: three statements whatever the number of tenants (`--all` over a fleet of thousands).
  const ids = tenantIds.join(',');
  const idList = "select unnest(string_to_array($1::text, ','))::uuid as tenant_id";
  return db.transaction(async (tx) => {
    // A schedule is for a tenant with a MotoPress integration (it has one from the integration's trigger;
    // created here with the defaults if it was removed).
    const [bare] = await tx.query(`select coalesce(t.slug, i.tenant_id::text) as name from (${idList}) i
        left join public.tenant_registry t on t.tenant_id = i.tenant_id
        left join public.integration_configs c on c.tenant_id = i.tenant_id and c.integration_type = 'motopress'
      where c.tenant_id is null limit 1`, [ids]);
    if (bare) throw new ScheduleError('no_integration', `tenant ${bare.name} has no MotoPress integration to sync: no schedule`);
    await tx.query(`insert into public.fleet_schedules (tenant_id, next_due_at)
      select i.tenant_id, public.fleet_first_due(i.tenant_id, 900) from (${idList}) i on conflict (tenant_id) do nothing`, [ids]);
    // A resumed schedule that fell due while paused is due now (at the next scheduler step), not at the
    // old time: its lag is measured from the resume.
    const rows = await tx.query(`update public.fleet_schedules set
        interval_seconds = coalesce($2::int, interval_seconds),
        next_due_at = case when $2::int is not null and $2::int <> interval_seconds then public.fleet_first_due(tenant_id, $2::int)
                           when $3::boolean and not enabled then greatest(next_due_at, now())
                           else next_due_at end,
        enabled = coalesce($3::boolean, enabled),
        quiet_start = case when $4::boolean then $5::time else quiet_start end,
        quiet_end = case when $4::boolean then $6::time else quiet_end end,
        quiet_tz = coalesce($7::text, quiet_tz),
        updated_at = now()
      where tenant_id in (${idList}) returning tenant_id`, [
      ids, change.intervalSeconds ?? null, change.enabled ?? null, change.quiet !== undefined,
      change.quiet?.start ?? null, change.quiet?.end ?? null, change.quietTz ?? null,
    ]);
    return rows.length;
  });
}

/**
 * @param {object} db
 * @param {string|null} [tenantId] one tenant, or all
 * @returns {Promise<Array<{tenant_id, slug, interval_seconds, enabled, quiet_window: string|null, quiet_tz, next_due_at: string, in_quiet_window: boolean}>>}
 */
export async function listSchedules(db, tenantId = null) {
  const rows = await db.query(`select s.tenant_id, t.slug, s.interval_seconds, s.enabled,
      to_char(s.quiet_start, 'HH24:MI') as quiet_start, to_char(s.quiet_end, 'HH24:MI') as quiet_end, s.quiet_tz, s.next_due_at,
      public.fleet_in_quiet_window(s.quiet_start, s.quiet_end, s.quiet_tz, now()) as in_quiet_window
    from public.fleet_schedules s join public.tenant_registry t on t.tenant_id = s.tenant_id
    where $1::uuid is null or s.tenant_id = $1::uuid order by t.slug`, [tenantId]);
  return rows.map((r) => ({
    tenant_id: r.tenant_id,
    slug: r.slug,
    interval_seconds: r.interval_seconds,
    enabled: r.enabled,
    quiet_window: r.quiet_start ? `${r.quiet_start}-${r.quiet_end}` : null,
    quiet_tz: r.quiet_tz,
    next_due_at: new Date(r.next_due_at).toISOString(),
    in_quiet_window: r.in_quiet_window,
  }));
}
