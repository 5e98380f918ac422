// Platform tokens: like staff tokens (random, shown once, stored as SHA-256 hashes, revocable), but for
// the whole platform rather than one tenant — role platform_admin, for fleet-wide endpoints
// (GET /api/fleet/status). `mphb-sync token create --platform`.
import { randomBytes, randomUUID } from 'node:crypto';

import { hashSecret } from './staff_tokens.js';

export const PLATFORM_ROLE = 'platform_admin';
export const PLATFORM_TOKEN_PREFIX = 'mpt_';

/**
 * @param {object} db
 * @param {{label?: string|null, expiresInSeconds?: number}} [o]
 * @returns {Promise<{id: string, token: string, role: string, expires_at: string|null}>} the token is shown only here
 */
export async function createPlatformToken(db, { label = null, expiresInSeconds } = {}) {
  const id = randomUUID();
  const token = `${PLATFORM_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const [row] = await db.query(`insert into public.platform_tokens (id, role, token_hash, label, expires_at)
    values ($1, $2, $3, $4, case when $5::int is null then null else now() + make_interval(secs => $5::int) end)
    returning expires_at`, [id, PLATFORM_ROLE, hashSecret(token), label, expiresInSeconds ?? null]);
  return { id, token, role: PLATFORM_ROLE, expires_at: row.expires_at ? new Date(row.expires_at).toISOString() : null };
}

/** @returns {Promise<{role: string, token_id: string}|null>} null for unknown, expired or revoked tokens */
export async function verifyPlatformToken(db, token) {
  const rows = await db.query(`select id, role from public.platform_tokens
    where token_hash = $1 and revoked_at is null and (expires_at is null or expires_at > now())`, [hashSecret(token)]);
  return rows[0] ? { role: rows[0].role, token_id: rows[0].id } : null;
}

export async function revokePlatformToken(db, id) {
  const rows = await db.query('update public.platform_tokens set revoked_at = now() where id = $1 and revoked_at is null returning id', [id]);
  return rows.length === 1;
}

export async function listPlatformTokens(db) {
  return db.query('select id, role, label, created_at, expires_at, revoked_at from public.platform_tokens order by created_at');
}
