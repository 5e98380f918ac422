// Tenants (hotels) and their MotoPress integration: add, list, remove, resolve by slug or UUID, and the
// decrypted credentials a sync needs. Nothing here ever returns or prints a secret except loadCredentials.
import { randomUUID } from 'node:crypto';

export class TenantError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * @param {object} db @param {object} cipher from createCipher
 * @param {{slug, name, siteUrl, consumerKey, consumerSecret, allowInsecureHttp?, allowPrivateNetwork?, tenantId?}} t siteUrl already checked
 * @returns {Promise<{tenant_id, slug, name, site_url}>}
 * @throws {TenantError} slug_taken | invalid_slug | invalid_tenant_id
 */
export async function addTenant(db, cipher, t) {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(t.slug ?? '')) throw new TenantError('invalid_slug', `slug "${t.slug}" must be lower-case letters, digits and dashes`);
  if (!t.name) throw new TenantError('invalid_name', 'name is required');
  if (t.tenantId !== undefined && !UUID.test(t.tenantId)) throw new TenantError('invalid_tenant_id', `tenant id "${t.tenantId}" is not a UUID`);
  const tenantId = (t.tenantId ?? randomUUID()).toLowerCase();
  const [key, secret] = [await cipher.encrypt(t.consumerKey), await cipher.encrypt(t.consumerSecret)];
  return db.transaction(async (tx) => {
    const existing = await tx.query('select 1 from public.tenant_registry where slug = $1 or tenant_id = $2', [t.slug, tenantId]);
    if (existing.length > 0) throw new TenantError('tenant_exists', `a tenant with slug "${t.slug}" or id ${tenantId} already exists`);
    await tx.query('insert into public.tenant_registry (tenant_id, slug, name) values ($1, $2, $3)', [tenantId, t.slug, t.name]);
    await tx.query(`insert into public.integration_configs
      (tenant_id, integration_type, site_url, consumer_key_encrypted, consumer_secret_encrypted, allow_insecure_http, allow_private_network)
      values ($1, 'motopress', $2, $3, $4, $5, $6)`, [tenantId, t.siteUrl, key, secret, Boolean(t.allowInsecureHttp), Boolean(t.allowPrivateNetwork)]);
    return { tenant_id: tenantId, slug: t.slug, name: t.name, site_url: t.siteUrl };
  });
}

/** @returns {Promise<Array<{tenant_id, slug, name, site_url, is_active, last_sync_at}>>} no secrets */
export async function listTenants(db) {
  return db.query(`select t.tenant_id, t.slug, t.name, c.site_url, c.is_active, c.last_sync_at
    from public.tenant_registry t left join public.integration_configs c
      on c.tenant_id = t.tenant_id and c.integration_type = 'motopress'
    order by t.slug`);
}

/** @param {string} ref slug or UUID  @throws {TenantError} unknown_tenant */
export async function resolveTenant(db, ref) {
  const rows = UUID.test(ref ?? '')
    ? await db.query('select tenant_id, slug, name from public.tenant_registry where tenant_id = $1', [ref.toLowerCase()])
    : await db.query('select tenant_id, slug, name from public.tenant_registry where slug = $1', [ref]);
  if (rows.length === 0) throw new TenantError('unknown_tenant', `no tenant "${ref}" (give its slug or UUID; see mphb-sync tenant list)`);
  return rows[0];
}

// Children before parents: the composite (tenant_id, id) foreign keys do not cascade across tables.
const TENANT_TABLES = ['public.legacy_reservation_map', 'public.reservation_accommodations', 'public.guest_reservations', 'public.calendar_blocks',
  'hotels.accommodation_units', 'hotels.accommodation_types', 'public.sync_locks', 'public.sync_runs',
  'public.staff_tokens', 'public.stream_tickets', 'public.integration_configs', 'public.tenant_registry'];

/** Deletes the tenant and all of its synced data, in one transaction. */
export async function removeTenant(db, ref) {
  const tenant = await resolveTenant(db, ref);
  await db.transaction(async (tx) => {
    for (const table of TENANT_TABLES) await tx.query(`delete from ${table} where tenant_id = $1`, [tenant.tenant_id]);
    await tx.query('delete from public.guest_login_failures where tenant_key = $1', [tenant.tenant_id]);
  });
  return tenant;
}

/** @returns {Promise<{siteUrl, consumerKey, consumerSecret, allowInsecureHttp, allowPrivateNetwork}>} @throws {TenantError} no_integration */
export async function loadCredentials(db, cipher, tenantId) {
  const rows = await db.query(`select site_url, consumer_key_encrypted, consumer_secret_encrypted, allow_insecure_http, allow_private_network, is_active
    from public.integration_configs where tenant_id = $1 and integration_type = 'motopress'`, [tenantId]);
  if (rows.length === 0) throw new TenantError('no_integration', `tenant ${tenantId} has no MotoPress integration`);
  const r = rows[0];
  if (!r.is_active) throw new TenantError('integration_inactive', `tenant ${tenantId}: the MotoPress integration is not active`);
  return {
    siteUrl: r.site_url,
    consumerKey: await cipher.decrypt(r.consumer_key_encrypted),
    consumerSecret: await cipher.decrypt(r.consumer_secret_encrypted),
    allowInsecureHttp: r.allow_insecure_http,
    allowPrivateNetwork: r.allow_private_network,
  };
}

/** Points a tenant's MotoPress integration at another site URL (already checked by the caller). */
export async function updateSiteUrl(db, tenantId, siteUrl) {
  await db.query(`update public.integration_configs set site_url = $2, updated_at = now()
    where tenant_id = $1 and integration_type = 'motopress'`, [tenantId, siteUrl]);
}
