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

/** {knownUnits: {unit id: type id}, knownTypes: [type id], stored: {booking id: {hash, kind, is_active}}} */
export async function loadStoredBookings(db, tenantId) {
  const [units, types, reservations, blocks] = await Promise.all([
    db.query('select mphb_accommodation_id as id, mphb_type_id as type_id from hotels.accommodation_units where tenant_id = $1', [tenantId]),
    db.query('select mphb_type_id as id from hotels.accommodation_types where tenant_id = $1', [tenantId]),
    db.query('select external_booking_id as id, content_hash as hash, upstream_gone_at is null as is_active from public.guest_reservations where tenant_id = $1', [tenantId]),
    db.query(`select distinct on (external_booking_id) external_booking_id as id, content_hash as hash, upstream_gone_at is null as is_active
      from public.calendar_blocks where tenant_id = $1 order by external_booking_id, position`, [tenantId]),
  ]);
  const stored = {};
  for (const r of reservations) stored[String(r.id)] = { hash: r.hash, kind: 'reservation', is_active: r.is_active };
  for (const r of blocks) stored[String(r.id)] = { hash: r.hash, kind: 'block', is_active: r.is_active };
  return {
    knownUnits: Object.fromEntries(units.map((u) => [String(u.id), Number(u.type_id)])),
    knownTypes: types.map((t) => Number(t.id)),
    stored,
  };
}
