// What the guest's side reads from the database, each in one round trip, as JSON text built by
// PostgreSQL itself (dates stay "YYYY-MM-DD", whatever the driver or the server's time zone) and handed
// to the core as bytes. Only the columns a stay shows: never phones, emails or platform data.

/**
 * The core's guestStay input for one reservation of a tenant.
 * @returns {Promise<string>} JSON text; its `reservation` is null when the tenant has no such reservation
 */
export async function readStayInput(db, tenantId, reservationId) {
  const [row] = await db.query(`with r as (
      select * from public.guest_reservations where tenant_id = $1::uuid and id = $2::uuid
    ), ra as (
      select x.* from public.reservation_accommodations x join r on r.id = x.reservation_id where x.tenant_id = $1::uuid
    ), u as (
      select * from hotels.accommodation_units where tenant_id = $1::uuid and id in (select accommodation_unit_id from ra)
    ), t as (
      select id, mphb_type_id, name, bed_type, size, view, adults, children, total_capacity, is_placeholder
        from hotels.accommodation_types where tenant_id = $1::uuid and id in (select accommodation_type_id from u)
    )
    select json_build_object(
      'tenant', (select json_build_object('tenant_id', tenant_id, 'name', name, 'slug', slug) from public.tenant_registry where tenant_id = $1::uuid),
      'reservation', (select json_build_object('id', id, 'external_booking_id', external_booking_id, 'status', status,
          'guest_name', guest_name, 'check_in_date', check_in_date, 'check_out_date', check_out_date,
          'check_in_time', check_in_time, 'check_out_time', check_out_time, 'adults', adults, 'children', children,
          'room_count', room_count) from r),
      'reservation_accommodations', coalesce((select json_agg(json_build_object('position', position,
          'accommodation_unit_id', accommodation_unit_id, 'mphb_accommodation_id', mphb_accommodation_id,
          'mphb_type_id', mphb_type_id, 'adults', adults, 'children', children, 'guest_name', guest_name) order by position) from ra), '[]'),
      'accommodation_units', coalesce((select json_agg(json_build_object('id', id, 'mphb_accommodation_id', mphb_accommodation_id,
          'accommodation_type_id', accommodation_type_id, 'name', name, 'is_placeholder', is_placeholder)) from u), '[]'),
      'accommodation_types', coalesce((select json_agg(t) from t), '[]')
    )::text as input`, [tenantId, reservationId]);
  return row.input;
}

/**
 * A tenant's reservations of one check-in date, any status: the candidates the core decides a login among.
 * @returns {Promise<string>} JSON text: [{id, external_booking_id, status, check_in_date, check_out_date, phone_last_4, reservation_code}]
 */
export async function readLoginCandidates(db, tenantId, checkInDate) {
  const [row] = await db.query(`select coalesce(json_agg(json_build_object('id', id, 'external_booking_id', external_booking_id,
      'status', status, 'check_in_date', check_in_date, 'check_out_date', check_out_date,
      'phone_last_4', phone_last_4, 'reservation_code', reservation_code) order by external_booking_id), '[]')::text as candidates
    from public.guest_reservations where tenant_id = $1::uuid and check_in_date = $2::date`, [tenantId, checkInDate]);
  return row.candidates;
}

/**
 * What a MotoPress booking id is for a tenant (staff tools).
 * @returns {Promise<{kind: 'reservation', reservation_id: string} | {kind: 'calendar_block'} | {kind: 'unknown'}>}
 */
export async function findBooking(db, tenantId, bookingId) {
  const [row] = await db.query(`select
      (select id from public.guest_reservations where tenant_id = $1::uuid and external_booking_id = $2::bigint) as reservation_id,
      exists (select 1 from public.calendar_blocks where tenant_id = $1::uuid and external_booking_id = $2::bigint) as is_block`,
  [tenantId, bookingId]);
  if (row.reservation_id) return { kind: 'reservation', reservation_id: row.reservation_id };
  return row.is_block ? { kind: 'calendar_block' } : { kind: 'unknown' };
}
