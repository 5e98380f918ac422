// What the database holds for a tenant, in the shapes the core's sync planners take.

/** {accommodation_types: {mphb id: {hash, is_active, is_placeholder}}, accommodation_units: {…}} */
export async function loadStoredAccommodations(db, tenantId) {
  const [types, units] = await Promise.all([
    db.query('select mphb_type_id as id, content_hash as hash, is_active, is_placeholder from hotels.accommodation_types where tenant_id = $1', [tenantId]),
    db.query('select mphb_accommodation_id as id, content_hash as hash, is_active, is_placeholder from hotels.accommodation_units where tenant_id = $1', [tenantId]),
  ]);
  const byId = (rows) => Object.fromEntries(rows.map((r) => [String(r.id), { hash: r.hash, is_active: r.is_active, is_placeholder: r.is_placeholder }]));
  return { accommodation_types: byId(types), accommodation_units: byId(units) };
}

// One row per booking: a booking held as both a reservation and a block counts as the block. `only`
// narrows both kinds to a set of ids ($2).
function bookingsOnePerIdSql(only = '') {
  return `select distinct on (id) id, hash, kind, is_active from (
      select external_booking_id as id, content_hash as hash, 'reservation' as kind, upstream_gone_at is null as is_active, 1 as rank
        from public.guest_reservations where tenant_id = $1 ${only}
      union all
      (select distinct on (external_booking_id) external_booking_id, content_hash, 'block', upstream_gone_at is null, 0
        from public.calendar_blocks where tenant_id = $1 ${only} order by external_booking_id, position)
    ) both_kinds order by id, rank`;
}
const STORED_JSON = "coalesce(json_object_agg(id, json_build_object('hash', hash, 'kind', kind, 'is_active', is_active))::text, '{}')";

/**
 * JSON text of {booking id: {hash, kind, is_active}}: the tenant's stored bookings, from the database as
 * one text handed to the core as it is (no row objects, no map, no serializing it again). Repair reads
 * the whole state; a sync reads it per page (loadStoredBookingsFor).
 */
export async function loadStoredBookingHashes(db, tenantId) {
  const [{ stored }] = await db.query(`select ${STORED_JSON} as stored from (${bookingsOnePerIdSql()}) one_per_booking`, [tenantId]);
  return stored;
}

/**
 * The same JSON text for the bookings of one page only (the ids the core's readPage names): a sync never
 * holds the whole tenant's stored state, however many bookings it has.
 * @param {number[]} ids
 */
export async function loadStoredBookingsFor(db, tenantId, ids) {
  if (ids.length === 0) return '{}';
  const [{ stored }] = await db.query(`select ${STORED_JSON} as stored
      from (${bookingsOnePerIdSql('and external_booking_id = any($2::bigint[])')}) one_per_booking`, [tenantId, ids]);
  return stored;
}

/**
 * JSON text of [booking id, …]: the tenant's stored bookings not marked gone (what reconcile checks the
 * pass against). Ids only: under a megabyte at 100,000 bookings.
 */
export async function loadActiveBookingIds(db, tenantId) {
  const [{ ids }] = await db.query(`select coalesce(json_agg(id order by id)::text, '[]') as ids
      from (${bookingsOnePerIdSql()}) one_per_booking where is_active`, [tenantId]);
  return ids;
}

/** {knownUnits: {unit id: type id}, knownTypes: [type id]}: the rooms the database holds. */
export async function loadKnownUnits(db, tenantId) {
  const [units, types] = await Promise.all([
    db.query('select mphb_accommodation_id as id, mphb_type_id as type_id from hotels.accommodation_units where tenant_id = $1', [tenantId]),
    db.query('select mphb_type_id as id from hotels.accommodation_types where tenant_id = $1', [tenantId]),
  ]);
  return {
    knownUnits: Object.fromEntries(units.map((u) => [String(u.id), Number(u.type_id)])),
    knownTypes: types.map((t) => Number(t.id)),
  };
}

/** {knownUnits, knownTypes, stored}: what the core's bookings session takes (stored as JSON text). */
export async function loadStoredBookingsText(db, tenantId) {
  const [known, stored] = await Promise.all([loadKnownUnits(db, tenantId), loadStoredBookingHashes(db, tenantId)]);
  return { ...known, stored };
}

/** loadStoredBookingsText with `stored` as an object (repair reads and edits it). */
export async function loadStoredBookings(db, tenantId) {
  const state = await loadStoredBookingsText(db, tenantId);
  return { ...state, stored: JSON.parse(state.stored) };
}
