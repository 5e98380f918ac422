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

/**
 * JSON text of {booking id: {hash, kind, is_active}}: the tenant's stored bookings, from the database as
 * one text handed to the core as it is (100,000 bookings: no row objects, no map, no serializing it
 * again). A booking held as both a reservation and a block counts as the block.
 */
export async function loadStoredBookingHashes(db, tenantId) {
  const [{ stored }] = await db.query(`select coalesce(json_object_agg(id, json_build_object('hash', hash, 'kind', kind, 'is_active', is_active))::text, '{}') as stored
      from (select distinct on (id) id, hash, kind, is_active from (
          select external_booking_id as id, content_hash as hash, 'reservation' as kind, upstream_gone_at is null as is_active, 1 as rank
            from public.guest_reservations where tenant_id = $1
          union all
          (select distinct on (external_booking_id) external_booking_id, content_hash, 'block', upstream_gone_at is null, 0
            from public.calendar_blocks where tenant_id = $1 order by external_booking_id, position)
        ) both_kinds order by id, rank) one_per_booking`, [tenantId]);
  return stored;
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
