// What the database holds for a tenant, as the core's dry run takes it: hashes and flags (what the sync
// decides on) and the stored rows themselves, in the core's column names and value shapes, so that the
// preview can say which fields an update changes. One statement, one JSON text.

// Timestamps as the core writes them (UTC, seconds, "Z"); numerics as exact decimal text.
const utc = (column) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;
const rowOf = (alias, extra = '') => {
  const row = `(to_jsonb(${alias}) - 'created_at' - 'updated_at' - 'guest_documents' - 'staff_notes')`;
  return extra ? `(${row} || jsonb_build_object(${extra}))` : row;
};
const ACCOMMODATION_EXTRA = (a) => `'placeholder_since', ${utc(`${a}.placeholder_since`)}, 'upstream_gone_at', ${utc(`${a}.upstream_gone_at`)}`;

const PREVIEW_STATE_SQL = `select json_build_object(
  'accommodation_types', coalesce((select jsonb_object_agg(t.mphb_type_id, jsonb_build_object('hash', t.content_hash, 'is_active', t.is_active,
      'is_placeholder', t.is_placeholder, 'row', ${rowOf('t', `'size', t.size::text, ${ACCOMMODATION_EXTRA('t')}`)}))
    from hotels.accommodation_types t where t.tenant_id = $1), '{}'::jsonb),
  'accommodation_units', coalesce((select jsonb_object_agg(u.mphb_accommodation_id, jsonb_build_object('hash', u.content_hash, 'is_active', u.is_active,
      'is_placeholder', u.is_placeholder, 'mphb_type_id', u.mphb_type_id, 'row', ${rowOf('u', ACCOMMODATION_EXTRA('u'))}))
    from hotels.accommodation_units u where u.tenant_id = $1), '{}'::jsonb),
  -- A booking held as both a reservation and a block counts as the block (as the sync reads it).
  'bookings', coalesce((select jsonb_object_agg(r.external_booking_id, jsonb_build_object('hash', r.content_hash, 'kind', 'reservation',
      'is_active', r.upstream_gone_at is null,
      'row', ${rowOf('r', `'total_price', r.total_price::text, 'booked_at', ${utc('r.booked_at')}, 'upstream_gone_at', ${utc('r.upstream_gone_at')}`)},
      'rooms', coalesce((select jsonb_agg(${rowOf('j')} order by j.position)
        from public.reservation_accommodations j where j.tenant_id = $1 and j.reservation_id = r.id), '[]'::jsonb)))
    from public.guest_reservations r where r.tenant_id = $1), '{}'::jsonb)
  || coalesce((select jsonb_object_agg(b.external_booking_id, jsonb_build_object('hash', b.content_hash, 'kind', 'block',
      'is_active', b.upstream_gone_at is null, 'row', ${rowOf('b', `'upstream_gone_at', ${utc('b.upstream_gone_at')}`)}))
    from public.calendar_blocks b where b.tenant_id = $1 and b.position = 0), '{}'::jsonb)
)::text as state`;

/**
 * @param {object} db from openDatabase
 * @param {string} tenantId
 * @returns {Promise<string>} JSON text of {accommodation_types, accommodation_units, bookings} (see
 *   MphbCore.syncPreview)
 */
export async function loadPreviewState(db, tenantId) {
  const [{ state }] = await db.query(PREVIEW_STATE_SQL, [tenantId]);
  return state;
}
