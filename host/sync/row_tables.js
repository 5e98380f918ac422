// The columns the sync owns in each table, with their SQL types, for set-based writes: a whole batch
// is one JSON parameter expanded by json_to_recordset (no per-row round trips, no parameter limit,
// the same SQL on postgres.js and PGlite). Columns not listed (guest_documents, staff_notes, created_at)
// belong to the platform and are never touched.
export const ROW_TABLES = {
  accommodation_types: {
    table: 'hotels.accommodation_types',
    conflict: ['tenant_id', 'mphb_type_id'],
    columns: {
      id: 'uuid', tenant_id: 'uuid', mphb_type_id: 'bigint', name: 'text', status: 'text', excerpt: 'text', description: 'text',
      adults: 'integer', children: 'integer', total_capacity: 'integer', base_adults: 'integer', base_children: 'integer',
      bed_type: 'text', size: 'numeric', view: 'text', is_active: 'boolean', is_placeholder: 'boolean',
      placeholder_since: 'timestamptz', content_hash: 'text',
    },
  },
  accommodation_units: {
    table: 'hotels.accommodation_units',
    conflict: ['tenant_id', 'mphb_accommodation_id'],
    columns: {
      id: 'uuid', tenant_id: 'uuid', mphb_accommodation_id: 'bigint', mphb_type_id: 'bigint', accommodation_type_id: 'uuid',
      name: 'text', status: 'text', excerpt: 'text', is_active: 'boolean', is_placeholder: 'boolean',
      placeholder_since: 'timestamptz', content_hash: 'text',
    },
  },
  reservations: {
    table: 'public.guest_reservations',
    conflict: ['tenant_id', 'external_booking_id'],
    columns: {
      id: 'uuid', tenant_id: 'uuid', external_booking_id: 'bigint', status: 'text', mphb_status: 'text',
      check_in_date: 'date', check_out_date: 'date', check_in_time: 'time', check_out_time: 'time',
      guest_name: 'text', guest_first_name: 'text', guest_last_name: 'text', guest_email: 'text', guest_phone: 'text',
      guest_country: 'text', phone_last_4: 'text', adults: 'integer', children: 'integer', room_count: 'integer',
      total_price: 'numeric', currency: 'text', booking_source: 'text', channel: 'text', reservation_code: 'text',
      accommodation_unit_id: 'uuid', mphb_accommodation_id: 'bigint', mphb_type_id: 'bigint', booked_at: 'timestamptz',
      upstream_gone_at: 'timestamptz', content_hash: 'text',
    },
  },
  reservation_accommodations: {
    table: 'public.reservation_accommodations',
    conflict: null, // replaced as a whole per changed reservation
    columns: {
      id: 'uuid', tenant_id: 'uuid', reservation_id: 'uuid', external_booking_id: 'bigint', position: 'integer',
      accommodation_unit_id: 'uuid', mphb_accommodation_id: 'bigint', mphb_type_id: 'bigint', adults: 'integer',
      children: 'integer', guest_name: 'text', rate_id: 'bigint',
    },
  },
  calendar_blocks: {
    table: 'public.calendar_blocks',
    conflict: null, // replaced as a whole per changed booking
    columns: {
      id: 'uuid', tenant_id: 'uuid', external_booking_id: 'bigint', position: 'integer', accommodation_unit_id: 'uuid',
      mphb_accommodation_id: 'bigint', mphb_type_id: 'bigint', start_date: 'date', end_date: 'date', summary: 'text',
      channel: 'text', status: 'text', mphb_status: 'text', upstream_gone_at: 'timestamptz', content_hash: 'text',
    },
  },
};

// Times first noticed are kept when a changed row is written again; cleared when the condition ends.
const KEEP_FIRST = new Set(['placeholder_since', 'upstream_gone_at']);

/**
 * One INSERT … SELECT FROM json_to_recordset($1) [ON CONFLICT … DO UPDATE … WHERE hash differs]. json, not
 * jsonb: the text is read once, row by row, instead of first being built into a jsonb value — 100
 * reservations expand in ~2.6 ms instead of ~7 (PostgreSQL 15), the largest part of a page's insert.
 */
export function batchWriteSql(kind) {
  const spec = ROW_TABLES[kind];
  const names = Object.keys(spec.columns);
  const recordset = names.map((c) => `"${c}" ${spec.columns[c]}`).join(', ');
  let sql = `insert into ${spec.table} (${names.map((c) => `"${c}"`).join(', ')})
    select ${names.map((c) => `x."${c}"`).join(', ')} from json_to_recordset($1::text::json) as x(${recordset})`;
  if (spec.conflict) {
    const updates = names.filter((c) => !spec.conflict.includes(c) && c !== 'id').map((c) => (KEEP_FIRST.has(c)
      ? `"${c}" = case when excluded."${c}" is null then null else coalesce(t."${c}", excluded."${c}") end`
      : `"${c}" = excluded."${c}"`));
    sql = sql.replace(`insert into ${spec.table} `, `insert into ${spec.table} as t `);
    sql += ` on conflict (${spec.conflict.join(', ')}) do update set ${updates.join(', ')}, updated_at = now()
      where t.content_hash is distinct from excluded.content_hash`;
  }
  return sql;
}
