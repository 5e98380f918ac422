// Staff bearer tokens: random, shown once, stored as SHA-256 hashes, scoped to one tenant and a role,
// revocable. `mphb-sync token create|list|revoke`.
import { createHash, randomBytes, randomUUID } from 'node:crypto';

export const ROLES = ['admin', 'staff'];

export function hashSecret(secret) {
  return createHash('sha256').update(secret).digest('hex');
}

/**
 * @param {object} db
 * @param {{tenantId: string, role: 'admin'|'staff', label?: string, expiresInSeconds?: number}} o
 * @returns {Promise<{id: string, token: string, role: string, expires_at: string|null}>} the token is shown only here
 */
export async function createStaffToken(db, { tenantId, role, label = null, expiresInSeconds }) {
  if (!ROLES.includes(role)) throw Object.assign(new Error(`role must be one of ${ROLES.join(', ')}`), { code: 'invalid_role' });
  const id = randomUUID();
  const token = `mst_${randomBytes(32).toString('base64url')}`;
  const [row] = await db.query(`insert into public.staff_tokens (id, tenant_id, role, token_hash, label, expires_at)
    values ($1, $2, $3, $4, $5, case when $6::int is null then null else now() + make_interval(secs => $6::int) end)
    returning expires_at`, [id, tenantId, role, hashSecret(token), label, expiresInSeconds ?? null]);
  return { id, token, role, expires_at: row.expires_at ? new Date(row.expires_at).toISOString() : null };
}

/** @returns {Promise<{tenant_id, role, token_id}|null>} null for unknown, expired or revoked tokens */
export async function verifyStaffToken(db, token) {
  const rows = await db.query(`select id, tenant_id, role from public.staff_tokens
    where token_hash = $1 and revoked_at is null and (expires_at is null or expires_at > now())`, [hashSecret(token)]);
  return rows[0] ? { tenant_id: rows[0].tenant_id, role: rows[0].role, token_id: rows[0].id } : null;
}

export async function revokeStaffToken(db, id) {
  const rows = await db.query('update public.staff_tokens set revoked_at = now() where id = $1 and revoked_at is null returning id', [id]);
  return rows.length === 1;
}

export async function listStaffTokens(db, tenantId) {
  return db.query(`select id, role, label, created_at, expires_at, revoked_at from public.staff_tokens
    where tenant_id = $1 order by created_at`, [tenantId]);
}
