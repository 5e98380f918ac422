// Guest tokens: JWTs (HS256, jose) that carry only the tenant, the reservation and the expiry (7 days
// after check-out, decided by the core at login) — never room data, so every read is fresh from the
// database. Signed with MPHB_GUEST_TOKEN_SECRET, or with a key derived (HKDF-SHA256) from
// MPHB_ENCRYPTION_KEY so a deployment needs no new secret. The audience keeps them apart from staff
// JWTs signed by the platform: a guest token never opens a staff endpoint, nor a staff one a guest's.
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';

import { encryptionKeyBytes } from '../tenants/credential_cipher.js';

export const GUEST_AUDIENCE = 'mphb-sync:guest';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class GuestTokenError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/**
 * The signing key from configuration.
 * @param {{secret?: string, encryptionKey?: string}} o MPHB_GUEST_TOKEN_SECRET (at least 32 characters)
 *   or MPHB_ENCRYPTION_KEY
 * @returns {Promise<Uint8Array>}
 * @throws {GuestTokenError} not_configured (neither given, or the secret is too short)
 */
export async function guestTokenKey({ secret, encryptionKey } = {}) {
  if (secret) {
    if (secret.length < 32) throw new GuestTokenError('not_configured', 'MPHB_GUEST_TOKEN_SECRET must be at least 32 characters');
    return new TextEncoder().encode(secret);
  }
  let raw;
  try {
    raw = encryptionKeyBytes(encryptionKey);
  } catch (error) {
    throw new GuestTokenError('not_configured', `guest tokens need MPHB_GUEST_TOKEN_SECRET or MPHB_ENCRYPTION_KEY: ${error.message}`);
  }
  const base = await crypto.subtle.importKey('raw', raw, 'HKDF', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: new TextEncoder().encode('mphb-sync guest tokens v1') }, base, 256);
  return new Uint8Array(bits);
}

/**
 * @param {{key: Uint8Array, now?: () => Date}} o
 * @returns {{issue: Function, verify: Function}}
 */
export function guestTokens({ key, now = () => new Date() }) {
  return {
    /**
     * @param {{tenantId: string, reservationId: string, expiresAt: string}} t expiresAt ISO-8601
     * @returns {Promise<string>}
     */
    issue: ({ tenantId, reservationId, expiresAt }) => new SignJWT({ tenant_id: tenantId, reservation_id: reservationId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setAudience(GUEST_AUDIENCE)
      .setExpirationTime(Math.floor(Date.parse(expiresAt) / 1000))
      .sign(key),
    /**
     * @param {string} token
     * @returns {Promise<{tenant_id: string, reservation_id: string, expires_at: string}>}
     * @throws {GuestTokenError} token_expired | invalid_token
     */
    async verify(token) {
      let payload;
      try {
        ({ payload } = await jwtVerify(token, key, { audience: GUEST_AUDIENCE, algorithms: ['HS256'], currentDate: now(), requiredClaims: ['exp'] }));
      } catch (error) {
        if (error instanceof joseErrors.JWTExpired) throw new GuestTokenError('token_expired', 'the guest session has expired: log in again');
        throw new GuestTokenError('invalid_token', 'the guest token is not valid: log in again');
      }
      if (!UUID.test(String(payload.tenant_id)) || !UUID.test(String(payload.reservation_id))) {
        throw new GuestTokenError('invalid_token', 'the guest token is not valid: log in again');
      }
      return { tenant_id: payload.tenant_id, reservation_id: payload.reservation_id, expires_at: new Date(payload.exp * 1000).toISOString() };
    },
  };
}
