// Adoption of one tenant of a database the old sync wrote (docs/adopting.md). Dry run: the legacy rows
// against what MotoPress holds now, every row classified by the core. Apply: in ONE transaction of the
// target database, the tenant (its legacy id and slug, credentials re-encrypted), a full Sync All, the
// platform's data carried over and a legacy_reservation_map row for every legacy reservation — all of it
// or nothing. The legacy tables are only ever read.
import { withinTransaction } from '../db/database.js';
import { checkInvariants } from '../monitor/invariant_checks.js';
import { createMotoPressClient } from '../motopress/motopress_client.js';
import { pagesAsJson } from '../motopress/pages_json.js';
import { runSync } from '../sync/sync_runner.js';
import { SiteUrlError, checkSiteUrl } from '../tenants/site_url_policy.js';
import { addTenant } from '../tenants/tenant_store.js';
import { readLegacyCredentials } from './legacy_credentials.js';
import { readLegacyRows } from './legacy_reader.js';
import { getCollectionsTogether } from '../motopress/collections_together.js';

export class AdoptionError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/**
 * @param {object} o
 * @param {object} o.db          the target database (mphb-sync's schema)
 * @param {object} o.legacyDb    the database holding the legacy schema (may be the same as db)
 * @param {string} o.schema      the legacy schema (e.g. 'legacy')
 * @param {object} o.core        a loaded MphbCore
 * @param {{tenant_id, slug, name, config_data}} o.legacyTenant a row of readLegacyTenants
 * @param {boolean} [o.apply=false]
 * @param {object} [o.cipher]    createCipher(MPHB_ENCRYPTION_KEY): required with apply
 * @param {string} [o.legacyKey] the key of encrypted legacy credentials
 * @param {object} [o.clientOptions] extra MotoPress client options (tests: retries, sleep)
 * @param {{allowInsecureHttp?, allowPrivateNetwork?}} [o.sitePolicy]
 * @param {() => Date} [o.clock]
 * @returns {Promise<object>} the report: {tenant, status, message, classes, outcomes, legacy_rows, legacy_units,
 *   missing_bookings, carry, unplaced_platform_data, warnings, run?, monitor?}; status ∈ planned | adopted |
 *   already_adopted | unreadable_credentials | failed
 */
export async function adoptTenant(o) {
  const { db, legacyDb, schema, core, legacyTenant, apply = false, clock = () => new Date() } = o;
  const tenant = { tenant_id: legacyTenant.tenant_id.toLowerCase(), slug: legacyTenant.slug, name: legacyTenant.name };
  const report = { tenant, status: 'planned', message: '' };
  const done = (status, message, extra = {}) => Object.assign(report, { status, message }, extra);

  const [adopted] = await db.query(`select count(*)::int as n, min(adopted_at) as at from public.legacy_reservation_map where tenant_id = $1`, [tenant.tenant_id]);
  const existing = await db.query('select tenant_id, slug from public.tenant_registry where tenant_id = $1 or slug = $2', [tenant.tenant_id, tenant.slug]);
  if (adopted.n > 0) {
    return done('already_adopted', `tenant ${tenant.slug} was adopted on ${new Date(adopted.at).toISOString()} (${adopted.n} legacy rows mapped); nothing to do`);
  }
  if (existing.length > 0) {
    return done('failed', `tenant ${tenant.slug}: mphb-sync already has a tenant with id ${existing[0].tenant_id} or slug ${existing[0].slug}, not from an adoption; remove it (mphb-sync tenant remove) or adopt into another database`, { error: { code: 'tenant_exists' } });
  }

  const credentials = await readLegacyCredentials(legacyTenant.config_data, { legacyKey: o.legacyKey });
  const legacy = await readLegacyRows(legacyDb, schema, legacyTenant.tenant_id);
  report.legacy_counts = countsOf(legacy);
  if (credentials.ok === false) {
    return done('unreadable_credentials', `tenant ${tenant.slug}: ${credentials.message}; its ${report.legacy_counts.reservations} legacy reservations were not classified`, { error: { code: credentials.code } });
  }
  let siteUrl;
  try {
    siteUrl = await checkSiteUrl(credentials.siteUrl, o.sitePolicy ?? {});
  } catch (error) {
    if (!(error instanceof SiteUrlError)) throw error;
    return done('failed', `tenant ${tenant.slug}: legacy site URL: ${error.message}`, { error: { code: error.code } });
  }
  const client = createMotoPressClient({ siteUrl, consumerKey: credentials.consumerKey, consumerSecret: credentials.consumerSecret, tenant: tenant.slug, ...o.clientOptions });

  let plan;
  try {
    plan = await classify({ core, client, tenant, legacy, now: clock().toISOString() });
  } catch (error) {
    if (!error.endpoint) throw error;
    return done('failed', `tenant ${tenant.slug}: MotoPress: ${error.message}`, { error: { code: 'motopress_error', cause: error.code } });
  }
  Object.assign(report, summary(plan));
  if (plan.errors.length > 0) {
    return done('failed', `tenant ${tenant.slug}: ${plan.errors.length} upstream record(s) could not be read (first: ${plan.errors[0].code} at ${plan.errors[0].path}: ${plan.errors[0].message}); nothing adopted`, { errors: plan.errors.slice(0, 50) });
  }
  if (!apply) return done('planned', `tenant ${tenant.slug}: dry run, nothing written; run with --apply to adopt`);

  if (!o.cipher) throw new AdoptionError('missing_encryption_key', 'adopt --apply needs MPHB_ENCRYPTION_KEY to store the credentials');
  let run;
  try {
    run = await db.transaction(async (tx) => {
      const inner = withinTransaction(tx, db.kind);
      await addTenant(inner, o.cipher, {
        tenantId: tenant.tenant_id, slug: tenant.slug, name: tenant.name, siteUrl, consumerKey: credentials.consumerKey, consumerSecret: credentials.consumerSecret,
        allowInsecureHttp: o.sitePolicy?.allowInsecureHttp, allowPrivateNetwork: o.sitePolicy?.allowPrivateNetwork,
      });
      const result = await runSync({ db: inner, core, tenant, client, clock });
      await writeAdoption(inner, tenant, plan);
      return result;
    });
  } catch (error) {
    return done('failed', `tenant ${tenant.slug}: adoption rolled back, nothing written: ${error.message}`, { error: { code: error.code ?? 'database_error' } });
  }
  const monitor = await checkInvariants(db, tenant.tenant_id, clock(), core);
  return done('adopted', `tenant ${tenant.slug}: adopted; ${plan.legacy_rows.length} legacy rows mapped; monitor ${monitor.ok ? 'green' : 'RED'}`,
    { run: { run_id: run.runId, counts: run.counts }, monitor: { ok: monitor.ok, invariants: monitor.tenants[0]?.invariants ?? [] } });
}

// Upstream lists, then the legacy bookings the lists lacked looked up one by one, then the core's verdict.
async function classify({ core, client, tenant, legacy, now }) {
  const [units, bookings] = await getCollectionsTogether(client, ['accommodations', 'bookings']);
  const input = { tenantId: tenant.tenant_id, now, legacy, accommodations: pagesAsJson(units.bodies), bookings: pagesAsJson(bookings.bodies) };
  let plan = core.planLegacyAdoption(input);
  if (plan.confirm.length > 0 && plan.errors.length === 0) {
    const confirmations = [];
    for (const id of plan.confirm) {
      const r = await client.getOne('bookings', id);
      confirmations.push({ id, status: r.status, body: r.status === 200 ? r.body : null });
    }
    plan = core.planLegacyAdoption({ ...input, confirmations });
  }
  return plan;
}

function countsOf(legacyText) {
  const legacy = JSON.parse(legacyText);
  return { reservations: legacy.reservations.length, junction: legacy.junction.length, units: legacy.units.length };
}

function summary(plan) {
  return {
    classes: plan.classes,
    outcomes: plan.outcomes,
    legacy_rows: plan.legacy_rows,
    legacy_units: plan.legacy_units,
    missing_bookings: plan.missing_bookings,
    carry: plan.carry,
    unplaced_platform_data: plan.unplaced_platform_data,
    warnings: plan.warnings,
  };
}

// After the Sync All, in the same transaction: the platform's data on the adopted reservations, and where
// every legacy row went. A target the sync did not write (upstream changed meanwhile) rolls it all back.
async function writeAdoption(db, tenant, plan) {
  if (plan.carry.length > 0) {
    const updated = await db.query(`update public.guest_reservations g
        set guest_documents = g.guest_documents || x.guest_documents,
            staff_notes = case when x.staff_notes is null then g.staff_notes else concat_ws(E'\\n', g.staff_notes, x.staff_notes) end
      from jsonb_to_recordset($2::text::jsonb) as x(reservation_id uuid, guest_documents jsonb, staff_notes text)
      where g.tenant_id = $1 and g.id = x.reservation_id returning g.id`, [tenant.tenant_id, JSON.stringify(plan.carry)]);
    if (updated.length !== plan.carry.length) {
      throw new AdoptionError('upstream_changed', `${plan.carry.length - updated.length} reservation(s) to carry platform data to were not written by the sync (upstream changed during adoption); run adopt again`);
    }
  }
  const rows = plan.legacy_rows.map((r) => ({ legacy_id: r.legacy_id, booking_id: r.booking_id, reservation_id: r.reservation_id, calendar_block_id: r.calendar_block_id, outcome: r.outcome, defects: r.defects }));
  const inserted = await db.query(`insert into public.legacy_reservation_map (tenant_id, legacy_id, booking_id, reservation_id, calendar_block_id, outcome, defects)
    select $1, x.legacy_id, x.booking_id, x.reservation_id, x.calendar_block_id, x.outcome, x.defects
      from jsonb_to_recordset($2::text::jsonb) as x(legacy_id uuid, booking_id bigint, reservation_id uuid, calendar_block_id uuid, outcome text, defects jsonb)
    returning legacy_id`, [tenant.tenant_id, JSON.stringify(rows)]);
  if (inserted.length !== rows.length) throw new AdoptionError('map_incomplete', 'not every legacy row could be mapped');
  const [dangling] = await db.query(`select count(*)::int as n from public.legacy_reservation_map m
    where m.tenant_id = $1 and ((m.reservation_id is not null and not exists (select 1 from public.guest_reservations g where g.id = m.reservation_id))
      or (m.calendar_block_id is not null and not exists (select 1 from public.calendar_blocks b where b.id = m.calendar_block_id)))`, [tenant.tenant_id]);
  if (dangling.n > 0) {
    throw new AdoptionError('upstream_changed', `${dangling.n} legacy row(s) map to rows the sync did not write (upstream changed during adoption); run adopt again`);
  }
}
