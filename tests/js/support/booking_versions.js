// Which bookings a sync wrote: per booking id, the row versions (xmin) of its reservation, rooms and
// blocks, before and after. Used to check that a sync writes exactly what its dry run said.

/** @returns {Promise<Map<number, string>>} booking id → its rows' versions */
export async function bookingVersions(db, tenantId) {
  const rows = await db.query(`select external_booking_id::text as id, string_agg(v, ',' order by v) as v from (
      select external_booking_id, 'r' || xmin::text as v from public.guest_reservations where tenant_id = $1
      union all select external_booking_id, 'j' || position || ':' || xmin::text from public.reservation_accommodations where tenant_id = $1
      union all select external_booking_id, 'b' || position || ':' || xmin::text from public.calendar_blocks where tenant_id = $1
    ) all_rows group by external_booking_id`, [tenantId]);
  return new Map(rows.map((r) => [Number(r.id), r.v]));
}

/** The ids whose rows changed, appeared or went between two bookingVersions, ascending. */
export function bookingsWritten(before, after) {
  return [...new Set([...before.keys(), ...after.keys()])].filter((id) => before.get(id) !== after.get(id)).sort((a, b) => a - b);
}
