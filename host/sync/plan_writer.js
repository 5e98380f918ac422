// Applies the core's write plans inside a transaction the caller owns. Set-based: one statement per
// table and batch, never a round trip per row.
import { batchWriteSql } from './row_tables.js';

const SQL = {
  accommodation_types: batchWriteSql('accommodation_types'),
  accommodation_units: batchWriteSql('accommodation_units'),
  reservations: batchWriteSql('reservations'),
  reservation_accommodations: batchWriteSql('reservation_accommodations'),
  calendar_blocks: batchWriteSql('calendar_blocks'),
};

function assertTenant(rows, tenantId, kind) {
  for (const row of rows) {
    if (row.tenant_id !== tenantId) throw new Error(`plan for tenant ${tenantId} holds a ${kind} row of tenant ${row.tenant_id}`);
  }
}

async function writeRows(tx, kind, rows, tenantId) {
  if (rows.length === 0) return;
  assertTenant(rows, tenantId, kind);
  await tx.query(SQL[kind], [JSON.stringify(rows)]);
}

// A row gone upstream is marked, never deleted (I5); its hash is voided so that if it comes back it is
// written again, whatever its content.
const DEACTIVATE = {
  types: `update hotels.accommodation_types set is_active = false, upstream_gone_at = coalesce(upstream_gone_at, $3::timestamptz),
    content_hash = 'gone:' || content_hash, updated_at = now() where tenant_id = $1 and mphb_type_id = any($2::bigint[]) and is_active`,
  units: `update hotels.accommodation_units set is_active = false, upstream_gone_at = coalesce(upstream_gone_at, $3::timestamptz),
    content_hash = 'gone:' || content_hash, updated_at = now() where tenant_id = $1 and mphb_accommodation_id = any($2::bigint[]) and is_active`,
};

/** Stage "accommodations": types before units (foreign keys), then what is gone upstream. */
export async function writeAccommodationsPlan(tx, tenantId, plan, now) {
  await writeRows(tx, 'accommodation_types', plan.accommodation_types, tenantId);
  await writeRows(tx, 'accommodation_units', plan.accommodation_units, tenantId);
  if (plan.deactivate_units.length > 0) await tx.query(DEACTIVATE.units, [tenantId, plan.deactivate_units, now]);
  if (plan.deactivate_types.length > 0) await tx.query(DEACTIVATE.types, [tenantId, plan.deactivate_types, now]);
}

/** Units (and placeholder types) a page needs, written before the page. */
export async function writeResolvedUnits(tx, tenantId, plan) {
  await writeRows(tx, 'accommodation_types', plan.accommodation_types, tenantId);
  await writeRows(tx, 'accommodation_units', plan.accommodation_units, tenantId);
}

// A plan's row array as the JSON text to send: the core's own text when the plan kept it (js/page_plan.js),
// else the rows serialized here (plans built by the host, e.g. repair's), checked for their tenant.
function rowsJson(plan, kind, tenantId) {
  // The core wrote every row with the session's tenant (and the composite foreign keys refuse a row that
  // points at another tenant's unit or reservation, I3): its text is not read again here.
  const text = plan.rows_text?.[kind];
  if (typeof text === 'string') return text;
  assertTenant(plan[kind], tenantId, kind);
  return JSON.stringify(plan[kind]);
}

/**
 * One page of bookings as statements to send together (tx.pipeline), in this order: reclassified bookings
 * deleted, each changed reservation with all of its rooms, changed blocks.
 */
export function bookingsPageStatements(tenantId, plan) {
  const statements = [];
  const add = (text, params) => statements.push({ text, params, prepared: true });
  if (plan.delete_reservations.length > 0) {
    add('delete from public.guest_reservations where tenant_id = $1 and external_booking_id = any($2::bigint[])', [tenantId, plan.delete_reservations]);
  }
  if (plan.delete_blocks.length > 0) {
    add('delete from public.calendar_blocks where tenant_id = $1 and external_booking_id = any($2::bigint[])', [tenantId, plan.delete_blocks]);
  }
  const reservations = rowsJson(plan, 'reservations', tenantId);
  if (reservations !== '[]') {
    add(SQL.reservations, [reservations]);
    // The rooms of a changed reservation are replaced as a whole; the deferred I1/I2 triggers check the
    // result at commit. A page whose bookings are all new to the database (counts.updated 0: nothing was
    // stored under their ids, so no rooms can exist) has nothing to replace.
    if (plan.counts?.updated !== 0) {
      add(`delete from public.reservation_accommodations where tenant_id = $1
        and reservation_id in (select (r->>'id')::uuid from json_array_elements($2::text::json) r)`, [tenantId, reservations]);
    }
    const junction = rowsJson(plan, 'reservation_accommodations', tenantId);
    if (junction !== '[]') add(SQL.reservation_accommodations, [junction]);
  }
  const blocks = rowsJson(plan, 'calendar_blocks', tenantId);
  if (blocks !== '[]') {
    add(`delete from public.calendar_blocks where tenant_id = $1
      and external_booking_id in (select (b->>'external_booking_id')::bigint from json_array_elements($2::text::json) b)`, [tenantId, blocks]);
    add(SQL.calendar_blocks, [blocks]);
  }
  return statements;
}

/** One page of bookings (bookingsPageStatements) inside the caller's transaction. */
export async function writeBookingsPagePlan(tx, tenantId, plan) {
  const statements = bookingsPageStatements(tenantId, plan);
  if (statements.length > 0) await tx.pipeline(statements);
}

/** Reconcile: bookings confirmed gone upstream are marked with the status the core gave, never deleted. */
export async function markBookingsGone(tx, tenantId, ids, mark) {
  if (ids.length === 0) return;
  await tx.query(`update public.guest_reservations set status = $3, upstream_gone_at = coalesce(upstream_gone_at, $4::timestamptz),
      content_hash = 'gone:' || content_hash, updated_at = now()
    where tenant_id = $1 and external_booking_id = any($2::bigint[]) and upstream_gone_at is null`, [tenantId, ids, mark.status, mark.upstream_gone_at]);
  await tx.query(`update public.calendar_blocks set status = $3, upstream_gone_at = coalesce(upstream_gone_at, $4::timestamptz),
      content_hash = 'gone:' || content_hash, updated_at = now()
    where tenant_id = $1 and external_booking_id = any($2::bigint[]) and upstream_gone_at is null`, [tenantId, ids, mark.status, mark.upstream_gone_at]);
}
