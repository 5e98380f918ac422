// Who is calling, for which tenant: a staff bearer token, a platform JWT (MPHB_JWT_SECRET or
// MPHB_JWKS_URL, verified with jose), or — for SSE URLs only — a single-use stream ticket. No long-lived
// credential is ever accepted in a URL.
import { createRemoteJWKSet, jwtVerify } from 'jose';

import { verifyStaffToken } from './staff_tokens.js';
import { redeemStreamTicket } from './stream_tickets.js';

export class AuthError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const URL_CREDENTIALS = ['token', 'access_token', 'bearer', 'authorization', 'api_key'];
const STAFF_ROLES = new Set(['admin', 'staff']);

/** Builds the JWT verifier from configuration, or null when the platform has not configured one. */
export function platformJwtVerifier({ secret, jwksUrl, issuer, audience } = {}) {
  if (!secret && !jwksUrl) return null;
  const key = secret ? new TextEncoder().encode(secret) : createRemoteJWKSet(new URL(jwksUrl));
  return async (jwt) => {
    const { payload } = await jwtVerify(jwt, key, { issuer, audience });
    return payload;
  };
}

/**
 * @param {Request} request
 * @param {object} o {db, tenant?: {tenant_id, slug}, jwt: verifier|null, allowTicket: boolean}; without
 *   a tenant the caller checks it with assertTenant (so unknown tenants are not told from known ones
 *   before the credential is checked)
 * @returns {Promise<{tenant_id, role, via: 'token'|'jwt'|'ticket'}>}
 * @throws {AuthError}
 */
export async function authenticateStaff(request, { db, tenant, jwt, allowTicket = false }) {
  const url = new URL(request.url);
  for (const name of URL_CREDENTIALS) {
    if (url.searchParams.has(name)) throw new AuthError(400, 'credential_in_url', `credentials are never accepted in a URL (${name}=): send Authorization: Bearer, or a stream ticket for SSE`);
  }
  let principal = null;
  const header = request.headers.get('authorization') ?? '';
  const bearer = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
  if (bearer) {
    if (bearer.startsWith('mst_')) {
      const t = await verifyStaffToken(db, bearer);
      if (t) principal = { tenant_id: t.tenant_id, role: t.role, via: 'token' };
    } else if (jwt) {
      try {
        const claims = await jwt(bearer);
        // Only staff roles: a guest's or any other token signed with the same secret is not staff.
        if (typeof claims.tenant_id === 'string' && STAFF_ROLES.has(claims.role)) {
          principal = { tenant_id: claims.tenant_id.toLowerCase(), role: claims.role, via: 'jwt' };
        }
      } catch {
        principal = null;
      }
    }
    if (!principal) throw new AuthError(401, 'unauthenticated', 'the bearer credential is unknown, expired or revoked');
  } else if (allowTicket && url.searchParams.get('ticket')) {
    const t = await redeemStreamTicket(db, url.searchParams.get('ticket'));
    if (!t) throw new AuthError(401, 'unauthenticated', 'the stream ticket is unknown, expired or already used; ask for a new one');
    principal = { tenant_id: t.tenant_id, role: t.role, via: 'ticket' };
  } else {
    throw new AuthError(401, 'unauthenticated', 'a staff credential is required: Authorization: Bearer <token>');
  }
  if (tenant) assertTenant(principal, tenant);
  return principal;
}

/** @throws {AuthError} 403 forbidden_tenant when the principal is another tenant's */
export function assertTenant(principal, tenant) {
  if (principal.tenant_id !== tenant.tenant_id) throw new AuthError(403, 'forbidden_tenant', `this credential is not for tenant ${tenant.slug}`);
}
