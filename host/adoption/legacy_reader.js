// Reads a database the old ("muva-era") sync wrote, moved aside into a schema of its own (docs/adopting.md:
// `alter table … set schema legacy`). Only ever reads. Rows come back as JSON text built by PostgreSQL,
// handed to the core as bytes.

export class LegacyError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

const LEGACY_TABLES = ['tenant_registry', 'integration_configs', 'accommodation_units', 'guest_reservations', 'reservation_accommodations'];
// The SIRE columns (Colombian immigration report) and the other platform data the old sync never wrote.
const SIRE_COLUMNS = ['document_type', 'document_number', 'birth_date', 'first_surname', 'second_surname', 'given_names',
  'nationality_code', 'origin_city_code', 'destination_city_code', 'hotel_sire_code', 'hotel_city_code', 'movement_type', 'movement_date'];

/** @throws {LegacyError} invalid_schema | no_legacy_tables (naming the missing ones) */
export async function checkLegacySchema(db, schema) {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new LegacyError('invalid_schema', `--legacy-schema "${schema}" is not a plain schema name`);
  const rows = await db.query(`select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = $1 and c.relkind = 'r'`, [schema]);
  const present = new Set(rows.map((r) => r.relname));
  const missing = LEGACY_TABLES.filter((t) => !present.has(t));
  if (missing.length > 0) {
    throw new LegacyError('no_legacy_tables', `schema "${schema}" lacks the legacy tables ${missing.map((t) => `${schema}.${t}`).join(', ')} — move the old tables aside first (docs/adopting.md, step 1)`);
  }
}

/** @returns {Promise<Array<{tenant_id, slug, name, config_data, integration_active}>>} every legacy tenant with its MotoPress config */
export async function readLegacyTenants(db, schema) {
  return db.query(`select t.tenant_id::text as tenant_id, coalesce(t.slug, t.subdomain) as slug,
      coalesce(nullif(t.nombre_comercial, ''), nullif(t.razon_social, ''), coalesce(t.slug, t.subdomain)) as name,
      c.config_data, c.is_active as integration_active
    from ${schema}.tenant_registry t
    left join ${schema}.integration_configs c on c.tenant_id = t.tenant_id and c.integration_type = 'motopress'
    order by coalesce(t.slug, t.subdomain)`);
}

/**
 * One tenant's legacy rows, as the core's planLegacyAdoption reads them.
 * @returns {Promise<string>} JSON text {reservations, junction, units}
 */
export async function readLegacyRows(db, schema, tenantId) {
  const sire = SIRE_COLUMNS.map((c) => `'${c}', r.${c}`).join(', ');
  const [row] = await db.query(`select json_build_object(
      'reservations', coalesce((select json_agg(json_build_object('id', r.id, 'external_booking_id', r.external_booking_id,
          'status', r.status, 'guest_name', r.guest_name, 'phone_last_4', r.phone_last_4, 'phone_full', r.phone_full,
          'reservation_code', r.reservation_code, 'check_in_date', r.check_in_date, 'check_out_date', r.check_out_date,
          'accommodation_unit_id', r.accommodation_unit_id, 'booking_notes', r.booking_notes,
          'sire', nullif(jsonb_strip_nulls(jsonb_build_object(${sire})), '{}'::jsonb)) order by r.created_at, r.id)
        from ${schema}.guest_reservations r where r.tenant_id = $1), '[]'),
      'junction', coalesce((select json_agg(json_build_object('id', j.id, 'reservation_id', j.reservation_id,
          'accommodation_unit_id', j.accommodation_unit_id, 'motopress_accommodation_id', j.motopress_accommodation_id,
          'motopress_type_id', j.motopress_type_id) order by j.created_at, j.id)
        from ${schema}.reservation_accommodations j join ${schema}.guest_reservations r on r.id = j.reservation_id where r.tenant_id = $1), '[]'),
      'units', coalesce((select json_agg(json_build_object('id', u.id, 'motopress_unit_id', u.motopress_unit_id,
          'motopress_type_id', u.motopress_type_id, 'name', u.name) order by u.id)
        from ${schema}.accommodation_units u where u.tenant_id = $1), '[]')
    )::text as legacy`, [tenantId]);
  return row.legacy;
}
