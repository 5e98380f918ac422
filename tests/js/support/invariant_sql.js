// The invariants of SPEC §2 written independently of host/monitor/invariant_checks.js (the code under
// test), plus what the simulator itself says a tenant's data should be. Every query casts MotoPress ids
// to int so that both drivers (postgres.js: int8 as string, PGlite) return plain numbers.

/** SPEC §4 status mapping, from the booking's current MotoPress status. */
export function mappedStatus(mphbStatus) {
  switch (mphbStatus) {
    case 'confirmed': return 'active';
    case 'pending': return 'pending_admin';
    case 'pending-user': return 'pending';
    case 'pending-payment': return 'pending_payment';
    case 'cancelled':
    case 'abandoned': return 'cancelled';
    default: return 'inactive';
  }
}

const unquote = (s) => String(s ?? '').trim().replace(/^"(.*)"$/s, '$1').replace(/\\"/g, '"');

/** SPEC §4 / FIELD-NOTES: imported, no guest data at all, a "Not available"-type summary. */
export function isCalendarBlock(record) {
  if (!record.imported) return false;
  const customer = record.customer ?? {};
  if (Object.values(customer).some((v) => typeof v === 'string' && v.trim() !== '')) return false;
  if ((record.reserved_accommodations ?? []).some((r) => (r.guest_name ?? '').trim() !== '')) return false;
  if (unquote(record.ical_description) !== '') return false;
  return /not available|unavailable|blocked|closed/i.test(unquote(record.ical_summary));
}

/** The simulator's non-trashed bookings of a hotel, split as SPEC §4 says: {reservations, blocks} Maps id → record. */
export function expectedBookings(site) {
  const reservations = new Map();
  const blocks = new Map();
  for (const e of site.list('bookings')) {
    if (e.meta.post_status === 'trash') continue;
    const record = { ...e.record, status: e.meta.post_status };
    (isCalendarBlock(record) ? blocks : reservations).set(record.id, record);
  }
  return { reservations, blocks };
}

/** The booking ids a tenant holds in each table. */
export async function storedBookingIds(db, tenantId) {
  const reservations = await db.query('select external_booking_id::int as id from public.guest_reservations where tenant_id = $1 order by 1', [tenantId]);
  const blocks = await db.query('select distinct external_booking_id::int as id from public.calendar_blocks where tenant_id = $1 order by 1', [tenantId]);
  return { reservations: reservations.map((r) => r.id), blocks: blocks.map((r) => r.id) };
}

/** I1: reservations with rooms whose unit is null or not the unit of their position-0 junction row. */
export async function i1Offenders(db, tenantId) {
  return db.query(`select r.id, r.external_booking_id::int as booking, r.accommodation_unit_id, j.accommodation_unit_id as first_unit
    from public.guest_reservations r
    left join public.reservation_accommodations j on j.reservation_id = r.id and j.position = 0
    where r.tenant_id = $1 and r.room_count > 0
      and (r.accommodation_unit_id is null or j.id is null or j.accommodation_unit_id <> r.accommodation_unit_id)`, [tenantId]);
}

/** I2 (database side): junction rows per reservation = room_count at positions 0..n-1, each with a unit of the same tenant. */
export async function i2Offenders(db, tenantId) {
  return db.query(`select r.id, r.external_booking_id::int as booking, r.room_count,
      (select count(*)::int from public.reservation_accommodations j where j.reservation_id = r.id) as junction_rows
    from public.guest_reservations r
    where r.tenant_id = $1 and (
      (select count(*) from public.reservation_accommodations j where j.reservation_id = r.id) <> r.room_count
      or (select count(distinct j.position) from public.reservation_accommodations j where j.reservation_id = r.id) <> r.room_count
      or exists (select 1 from public.reservation_accommodations j where j.reservation_id = r.id and (j.position < 0 or j.position >= r.room_count))
      or exists (select 1 from public.reservation_accommodations j
        left join hotels.accommodation_units u on u.id = j.accommodation_unit_id
        where j.reservation_id = r.id and (u.id is null or u.tenant_id <> r.tenant_id or u.mphb_accommodation_id <> j.mphb_accommodation_id)))`, [tenantId]);
}

/** I2 against the simulator: booking id → the MotoPress unit ids of its junction rows, in position order. */
export async function junctionRooms(db, tenantId) {
  const rows = await db.query(`select r.external_booking_id::int as booking, j.position, j.mphb_accommodation_id::int as unit,
      u.mphb_accommodation_id::int as unit_of_row, (u.tenant_id = j.tenant_id and j.tenant_id = r.tenant_id) as same_tenant
    from public.guest_reservations r join public.reservation_accommodations j on j.reservation_id = r.id
    left join hotels.accommodation_units u on u.id = j.accommodation_unit_id
    where r.tenant_id = $1 order by 1, 2`, [tenantId]);
  const map = new Map();
  for (const row of rows) {
    if (!map.has(row.booking)) map.set(row.booking, []);
    map.get(row.booking).push(row);
  }
  return map;
}

/** I3: every reference that crosses tenants, whatever the column (all tenants at once). */
export async function i3Offenders(db) {
  return db.query(`
    select 'junction→reservation' as ref, j.id from public.reservation_accommodations j
      join public.guest_reservations r on r.id = j.reservation_id where r.tenant_id <> j.tenant_id
    union all select 'junction→unit', j.id from public.reservation_accommodations j
      join hotels.accommodation_units u on u.id = j.accommodation_unit_id where u.tenant_id <> j.tenant_id
    union all select 'reservation→unit', r.id from public.guest_reservations r
      join hotels.accommodation_units u on u.id = r.accommodation_unit_id where u.tenant_id <> r.tenant_id
    union all select 'unit→type', u.id from hotels.accommodation_units u
      join hotels.accommodation_types t on t.id = u.accommodation_type_id where t.tenant_id <> u.tenant_id or t.mphb_type_id <> u.mphb_type_id
    union all select 'block→unit', b.id from public.calendar_blocks b
      join hotels.accommodation_units u on u.id = b.accommodation_unit_id where u.tenant_id <> b.tenant_id
    union all select 'dangling junction unit', j.id from public.reservation_accommodations j
      where not exists (select 1 from hotels.accommodation_units u where u.id = j.accommodation_unit_id)
    union all select 'dangling block unit', b.id from public.calendar_blocks b
      where not exists (select 1 from hotels.accommodation_units u where u.id = b.accommodation_unit_id)`);
}

/** I4: duplicates of a booking (within a table or across the two tables) or of a unit or type. */
export async function i4Offenders(db, tenantId) {
  return db.query(`
    select 'reservation dup' as kind, external_booking_id::int as booking from public.guest_reservations where tenant_id = $1
      group by external_booking_id having count(*) > 1
    union all select 'block position dup', external_booking_id::int from public.calendar_blocks where tenant_id = $1
      group by external_booking_id, position having count(*) > 1
    union all select 'in both tables', r.external_booking_id::int from public.guest_reservations r
      join public.calendar_blocks b on b.tenant_id = r.tenant_id and b.external_booking_id = r.external_booking_id where r.tenant_id = $1
    union all select 'unit dup', mphb_accommodation_id::int from hotels.accommodation_units where tenant_id = $1
      group by mphb_accommodation_id having count(*) > 1
    union all select 'type dup', mphb_type_id::int from hotels.accommodation_types where tenant_id = $1
      group by mphb_type_id having count(*) > 1
    union all select 'junction position dup', external_booking_id::int from public.reservation_accommodations where tenant_id = $1
      group by reservation_id, external_booking_id, position having count(*) > 1`, [tenantId]);
}

/** I7: a reservation with rooms but no junction row, or junction rows without their reservation. */
export async function i7Offenders(db, tenantId) {
  return db.query(`
    select 'reservation without rooms' as kind, r.id from public.guest_reservations r
      where r.tenant_id = $1 and r.room_count > 0 and not exists (select 1 from public.reservation_accommodations j where j.reservation_id = r.id)
    union all select 'rooms without reservation', j.id from public.reservation_accommodations j
      where j.tenant_id = $1 and not exists (select 1 from public.guest_reservations r where r.id = j.reservation_id)`, [tenantId]);
}

/** Row versions (xmin) of every synced row of every tenant: equal before and after ⇔ nothing was written. */
export async function rowVersions(db) {
  return db.query(`select 't' || id::text as k, xmin::text as v from hotels.accommodation_types
    union all select 'u' || id::text, xmin::text from hotels.accommodation_units
    union all select 'r' || id::text, xmin::text from public.guest_reservations
    union all select 'j' || id::text, xmin::text from public.reservation_accommodations
    union all select 'b' || id::text, xmin::text from public.calendar_blocks order by 1`);
}

/** The reservation row of a booking (or undefined). */
export async function reservationOf(db, tenantId, bookingId) {
  const rows = await db.query(`select id, status, mphb_status, upstream_gone_at, accommodation_unit_id, room_count, guest_documents, staff_notes,
      updated_at, content_hash from public.guest_reservations where tenant_id = $1 and external_booking_id = $2`, [tenantId, bookingId]);
  return rows[0];
}

/** Junction rows of a booking's reservation, in position order, with their unit's MotoPress id. */
export async function roomsOf(db, tenantId, bookingId) {
  return db.query(`select j.position, j.mphb_accommodation_id::int as unit, j.accommodation_unit_id, u.mphb_accommodation_id::int as unit_of_row,
      u.tenant_id as unit_tenant, u.is_placeholder
    from public.reservation_accommodations j join public.guest_reservations r on r.id = j.reservation_id
    left join hotels.accommodation_units u on u.id = j.accommodation_unit_id
    where r.tenant_id = $1 and r.external_booking_id = $2 order by j.position`, [tenantId, bookingId]);
}

/** Raised inside a transaction to roll it back on purpose. */
export class Rollback extends Error {}

/** Runs fn in a transaction that is always rolled back; resolves to fn's value. */
export async function inRolledBackTransaction(db, fn) {
  let value;
  try {
    await db.transaction(async (tx) => {
      value = await fn(tx);
      throw new Rollback('rollback');
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  return value;
}
