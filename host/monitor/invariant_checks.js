// The monitor: invariants I1–I7 (SPEC §2) checked by name with SQL straight against the tables, per
// tenant, with counts and sample offending ids, plus the age of the last successful sync, whether a
// scheduled tenant is stale (the core's fleetReport: last success older than 3× its interval, once a fleet
// worker runs), and its
// fleet jobs that failed for good (dead letters newer than its last success).
import { deadLetterFacts, fleetQueueReady, tenantFacts } from '../fleet/fleet_status.js';


// Each query returns (tenant_id, id) of offending rows; `$1` is the tenant filter (null: all tenants).
const TENANT = '($1::uuid is null or x.tenant_id = $1::uuid)';

export const INVARIANTS = [
  {
    name: 'I1 no-null-unit',
    sql: `select x.tenant_id, x.id from public.guest_reservations x
      left join lateral (select j.accommodation_unit_id from public.reservation_accommodations j
        where j.reservation_id = x.id order by j.position limit 1) f on true
      where ${TENANT} and x.room_count > 0
        and (x.accommodation_unit_id is null or x.accommodation_unit_id is distinct from f.accommodation_unit_id)`,
  },
  {
    name: 'I2 junction-complete',
    sql: `select x.tenant_id, x.id from public.guest_reservations x
      left join lateral (select count(*) as n, count(u.id) as with_unit, max(j.position) as max_position
        from public.reservation_accommodations j
        left join hotels.accommodation_units u on u.id = j.accommodation_unit_id and u.tenant_id = x.tenant_id
        where j.reservation_id = x.id) c on true
      where ${TENANT} and (c.n <> x.room_count or c.with_unit <> c.n or coalesce(c.max_position, -1) <> x.room_count - 1)`,
  },
  {
    name: 'I3 tenant-closed',
    sql: `select x.tenant_id, x.id from (
        select j.tenant_id, j.id from public.reservation_accommodations j
          join public.guest_reservations r on r.id = j.reservation_id where r.tenant_id <> j.tenant_id
        union all select j.tenant_id, j.id from public.reservation_accommodations j
          join hotels.accommodation_units u on u.id = j.accommodation_unit_id where u.tenant_id <> j.tenant_id
        union all select r.tenant_id, r.id from public.guest_reservations r
          join hotels.accommodation_units u on u.id = r.accommodation_unit_id where u.tenant_id <> r.tenant_id
        union all select u.tenant_id, u.id from hotels.accommodation_units u
          join hotels.accommodation_types t on t.id = u.accommodation_type_id where t.tenant_id <> u.tenant_id
        union all select b.tenant_id, b.id from public.calendar_blocks b
          join hotels.accommodation_units u on u.id = b.accommodation_unit_id where u.tenant_id <> b.tenant_id
      ) x where ${TENANT}`,
  },
  {
    name: 'I4 one-row-per-booking',
    sql: `select x.tenant_id, x.id from (
        select r.tenant_id, r.id from public.guest_reservations r
          join public.guest_reservations d on d.tenant_id = r.tenant_id and d.external_booking_id = r.external_booking_id and d.id <> r.id
        union all select r.tenant_id, r.id from public.guest_reservations r
          join public.calendar_blocks b on b.tenant_id = r.tenant_id and b.external_booking_id = r.external_booking_id
        union all select u.tenant_id, u.id from hotels.accommodation_units u
          join hotels.accommodation_units d on d.tenant_id = u.tenant_id and d.mphb_accommodation_id = u.mphb_accommodation_id and d.id <> u.id
      ) x where ${TENANT}`,
  },
  {
    name: 'I5 status-true',
    sql: `select x.tenant_id, x.id from public.guest_reservations x
      where ${TENANT} and x.status <> case
        when x.upstream_gone_at is not null then 'inactive'
        when x.mphb_status = 'confirmed' then 'active'
        when x.mphb_status = 'pending' then 'pending_admin'
        when x.mphb_status = 'pending-user' then 'pending'
        when x.mphb_status = 'pending-payment' then 'pending_payment'
        when x.mphb_status in ('cancelled', 'abandoned') then 'cancelled'
        else 'inactive' end`,
  },
  {
    name: 'I6 blocks-are-not-guests',
    // A stored "guest" with no guest data at all, from an imported calendar, is a block that leaked.
    sql: `select x.tenant_id, x.id from public.guest_reservations x
      where ${TENANT} and x.booking_source = 'ical' and x.guest_name is null and x.guest_email is null
        and x.guest_phone is null and x.phone_last_4 is null and x.reservation_code is null
        and x.status = 'active'`,
  },
  {
    name: 'I7 atomic-booking',
    // No reader may see a reservation without its rooms, or rooms without their reservation.
    sql: `select x.tenant_id, x.id from (
        select r.tenant_id, r.id from public.guest_reservations r
          where r.room_count > 0 and not exists (select 1 from public.reservation_accommodations j where j.reservation_id = r.id)
        union all select j.tenant_id, j.id from public.reservation_accommodations j
          where not exists (select 1 from public.guest_reservations r where r.id = j.reservation_id)
      ) x where ${TENANT}`,
  },
];

const SAMPLES = 5;

// The core for callers that did not bring one (the CLI's monitor, tests): loaded once per process.
let sharedCore = null;
async function defaultCore() {
  sharedCore ??= import('../../js/core.js').then((m) => m.loadCore());
  return sharedCore;
}

/**
 * @param {object} db
 * @param {string|null} tenantId null: every tenant
 * @param {Date} [now]
 * @param {import('../../js/core.js').MphbCore} [core] judges staleness (default: one loaded here)
 * @returns {Promise<{ok: boolean, tenants: Array<{tenant_id, slug, name, ok, last_success_at, last_success_age_seconds,
 *   schedule: {enabled: boolean, interval_seconds: number}|null, stale: boolean, dead_letters: number,
 *   invariants: Array<{name, ok, count, samples: string[]}>}>}>}  ok: every invariant holds, no tenant is stale
 *   and none has a dead letter newer than its last success (a fleet job that failed for good)
 */
export async function checkInvariants(db, tenantId = null, now = new Date(), core = undefined) {
  const facts = await tenantFacts(db, tenantId);
  const judged = (core ?? await defaultCore()).fleetReport({
    now: now.toISOString(), queue_ready: await fleetQueueReady(db), tenants: facts, dead_letters: await deadLetterFacts(db, tenantId),
  });
  if (judged.errors.length > 0) throw new Error(`monitor: ${judged.errors[0].path}: ${judged.errors[0].message}`);
  const results = new Map(facts.map((t, i) => {
    const { stale, last_success_at: lastSuccess, last_success_age_seconds: age, dead_letters: deadLetters } = judged.tenants[i];
    return [t.tenant_id, {
      tenant_id: t.tenant_id, slug: t.slug, name: t.name, ok: !stale && deadLetters === 0,
      last_success_at: lastSuccess, last_success_age_seconds: age,
      schedule: t.interval_seconds ? { enabled: t.enabled, interval_seconds: t.interval_seconds } : null,
      stale,
      dead_letters: deadLetters,
      invariants: [],
    }];
  }));
  for (const invariant of INVARIANTS) {
    const rows = await db.query(invariant.sql, [tenantId]);
    for (const result of results.values()) {
      const offending = rows.filter((r) => r.tenant_id === result.tenant_id);
      result.invariants.push({ name: invariant.name, ok: offending.length === 0, count: offending.length, samples: offending.slice(0, SAMPLES).map((r) => r.id) });
      if (offending.length > 0) result.ok = false;
    }
  }
  const list = [...results.values()];
  return { ok: list.every((t) => t.ok), tenants: list };
}

// Checks the monitor's SQL above does not make, used by `repair` to find rows to rewrite, under the name of
// the invariant they belong to: a reservation whose MotoPress accommodation is not its first room's (I1),
// and a junction row whose unit is not the accommodation the row names — a room pointing at another
// room (I2). The sync never writes either; only a hand edit can.
export const REPAIR_CHECKS = [
  {
    name: 'I1 no-null-unit',
    sql: `select x.tenant_id, x.id from public.guest_reservations x
      join public.reservation_accommodations j on j.reservation_id = x.id and j.position = 0
      where ${TENANT} and x.mphb_accommodation_id is distinct from j.mphb_accommodation_id`,
  },
  {
    name: 'I2 junction-complete',
    sql: `select x.tenant_id, x.id from public.reservation_accommodations x
      left join hotels.accommodation_units u on u.id = x.accommodation_unit_id
      where ${TENANT} and (u.id is null or u.tenant_id <> x.tenant_id or u.mphb_accommodation_id <> x.mphb_accommodation_id)`,
  },
];

/**
 * The MotoPress ids behind each failing invariant of one tenant (the monitor's checks and REPAIR_CHECKS):
 * whatever row an invariant names — reservation, junction row, calendar block, unit or type — is traced
 * to the booking, accommodation or accommodation type it stands for.
 * @param {object} db
 * @param {string} tenantId
 * @returns {Promise<Array<{name: string, bookings: number[], units: number[], types: number[]}>>} only
 *   invariants with offending rows, ids ascending
 */
export async function offendingIdsByInvariant(db, tenantId) {
  const byName = new Map();
  for (const check of [...INVARIANTS, ...REPAIR_CHECKS]) {
    const rows = await db.query(`with o as (${check.sql})
      select 'booking' as kind, r.external_booking_id::text as ref from o join public.guest_reservations r on r.id = o.id
      union select 'booking', j.external_booking_id::text from o join public.reservation_accommodations j on j.id = o.id
      union select 'booking', b.external_booking_id::text from o join public.calendar_blocks b on b.id = o.id
      union select 'unit', u.mphb_accommodation_id::text from o join hotels.accommodation_units u on u.id = o.id
      union select 'type', t.mphb_type_id::text from o join hotels.accommodation_types t on t.id = o.id`, [tenantId]);
    if (rows.length === 0) continue;
    if (!byName.has(check.name)) byName.set(check.name, { name: check.name, bookings: new Set(), units: new Set(), types: new Set() });
    const entry = byName.get(check.name);
    for (const r of rows) entry[`${r.kind}s`].add(Number(r.ref));
  }
  const sorted = (set) => [...set].sort((a, b) => a - b);
  return [...byName.values()].map((e) => ({ name: e.name, bookings: sorted(e.bookings), units: sorted(e.units), types: sorted(e.types) }));
}
