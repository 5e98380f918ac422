// Who is calling, for which tenant: a staff bearer token, a platform JWT (MPHB_JWT_SECRET or
// MPHB_JWKS_URL, verified with jose), or — for SSE URLs only — a single-use stream ticket bound to one
// purpose (and run). No long-lived credential is ever accepted in a URL.
import { createRemoteJWKSet, jwtVerify } from 'jose';

import { PLATFORM_ROLE, PLATFORM_TOKEN_PREFIX, verifyPlatformToken } from './platform_tokens.js';
import { verifyStaffToken } from './staff_tokens.js';
import { redeemStreamTicket } from './stream_tickets.js';

export class AuthError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// Query parameter names that carry a credential, compared case-insensitively and without '-' or '_'
// (?Token=, ?JWT=, ?api-key=, ?Access_Token=). `ticket` only where no ticket is accepted.
const URL_CREDENTIALS = ['token', 'access_token', 'bearer', 'authorization', 'api_key', 'apikey', 'jwt', 'key', 'secret', 'password', 'ticket'];
const normalizeName = (name) => name.toLowerCase().replace(/[-_]/g, '');
const CREDENTIAL_NAMES = new Set(URL_CREDENTIALS.map(normalizeName));
const STAFF_ROLES = new Set(['admin', 'staff']);

/** The first query parameter of `url` that carries a credential (its name as sent), or null. */
export function findUrlCredential(url, { allowTicket = false } = {}) {
  for (const name of new URL(url).searchParams.keys()) {
    const n = normalizeName(name);
    if (n === 'ticket' && allowTicket) continue;
    if (CREDENTIAL_NAMES.has(n)) return name;
  }
  return null;
}

/** The refusal of a credential in a URL (400 credential_in_url); the value is never echoed. */
export function credentialInUrlMessage(name, { tickets = true } = {}) {
  const safe = name.replace(/[^\w.-]/g, '?').slice(0, 40);
  return `credentials are never accepted in a URL (${safe}=): send Authorization: Bearer${tickets ? ', or a stream ticket for SSE URLs' : ''}`;
}

export const JWT_MAX_LIFETIME_SECONDS = 24 * 3600;
export const JWT_CLOCK_SKEW_SECONDS = 60;

/**
 * Builds the JWT verifier from configuration, or null when the platform has not configured one.
 * A token must be signed with the key, carry `exp` (not passed, give or take the 60 s clock skew) and live
 * at most 24 h: exp − iat ≤ 24 h when it has `iat` (and `iat` is not in the future beyond the skew), else
 * exp ≤ now + 24 h. With `issuer` / `audience` (MPHB_JWT_ISSUER / MPHB_JWT_AUDIENCE) `iss` / `aud` must match.
 * @param {{secret?: string, jwksUrl?: string, issuer?: string, audience?: string, clock?: () => Date}} o
 * @returns {((jwt: string, o?: {now?: Date}) => Promise<object>)|null} the claims; throws when refused
 */
export function platformJwtVerifier({ secret, jwksUrl, issuer, audience, clock = () => new Date() } = {}) {
  if (!secret && !jwksUrl) return null;
  const key = secret ? new TextEncoder().encode(secret) : createRemoteJWKSet(new URL(jwksUrl));
  return async (jwt, { now = clock() } = {}) => {
    const { payload } = await jwtVerify(jwt, key, {
      issuer: issuer || undefined,
      audience: audience || undefined,
      requiredClaims: ['exp'],
      clockTolerance: JWT_CLOCK_SKEW_SECONDS,
      currentDate: now,
    });
    const nowSeconds = Math.floor(now.getTime() / 1000);
    if (payload.iat !== undefined) {
      if (payload.iat > nowSeconds + JWT_CLOCK_SKEW_SECONDS) throw new Error('the JWT was issued in the future');
      if (payload.exp - payload.iat > JWT_MAX_LIFETIME_SECONDS) throw new Error('the JWT lives longer than 24 hours');
    } else if (payload.exp > nowSeconds + JWT_MAX_LIFETIME_SECONDS + JWT_CLOCK_SKEW_SECONDS) {
      throw new Error('the JWT (without iat) expires more than 24 hours from now');
    }
    return payload;
  };
}

/**
 * @param {Request} request
 * @param {object} o {db, tenant?: {tenant_id, slug}, jwt: verifier|null, now?: Date, allowTicket: boolean,
 *   ticketFor?: {purpose: 'sync-all'|'events', runId?: string}}; without a tenant the caller checks it
 *   with assertTenant (so unknown tenants are not told from known ones before the credential is checked).
 *   A ticket is spent by its first presentation; one issued for another purpose or run is refused (401).
 * @returns {Promise<{tenant_id, role, via: 'token'|'jwt'|'ticket', purpose?, run_id?}>}
 * @throws {AuthError}
 */
export async function authenticateStaff(request, { db, tenant, jwt, now, allowTicket = false, ticketFor = null }) {
  const url = new URL(request.url);
  const inUrl = findUrlCredential(url, { allowTicket });
  if (inUrl) throw new AuthError(400, 'credential_in_url', credentialInUrlMessage(inUrl));
  let principal = null;
  const header = request.headers.get('authorization') ?? '';
  const bearer = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
  if (bearer) {
    if (bearer.startsWith('mst_')) {
      const t = await verifyStaffToken(db, bearer);
      if (t) principal = { tenant_id: t.tenant_id, role: t.role, via: /** @type {const} */ ('token') };
    } else if (jwt) {
      try {
        const claims = await jwt(bearer, now ? { now } : undefined);
        // Only staff roles: a guest's or any other token signed with the same secret is not staff.
        if (typeof claims.tenant_id === 'string' && STAFF_ROLES.has(claims.role)) {
          principal = { tenant_id: claims.tenant_id.toLowerCase(), role: claims.role, via: /** @type {const} */ ('jwt') };
        }
      } catch {
        principal = null;
      }
    }
    if (!principal) throw new AuthError(401, 'unauthenticated', 'the bearer credential is unknown, expired or revoked');
  } else if (allowTicket && url.searchParams.get('ticket')) {
    const t = await redeemStreamTicket(db, url.searchParams.get('ticket'));
    if (!t) throw new AuthError(401, 'unauthenticated', 'the stream ticket is unknown, expired or already used; ask for a new one');
    if (ticketFor && (t.purpose !== ticketFor.purpose || (t.run_id ?? null) !== (ticketFor.runId ?? null))) {
      throw new AuthError(401, 'unauthenticated', `the stream ticket was issued for another URL (purpose ${t.purpose}${t.run_id ? `, run ${t.run_id}` : ''}); ask for a ticket for this one`);
    }
    principal = { tenant_id: t.tenant_id, role: t.role, via: /** @type {const} */ ('ticket'), purpose: t.purpose, run_id: t.run_id ?? null };
  } else {
    throw new AuthError(401, 'unauthenticated', 'a staff credential is required: Authorization: Bearer <token>');
  }
  if (tenant) assertTenant(principal, tenant);
  return principal;
}

/**
 * A platform-wide caller (fleet endpoints): a platform token (mpt_…, `token create --platform`) or a
 * platform JWT with role platform_admin. A tenant's staff credential is known but not enough (403).
 * @param {Request} request
 * @param {{db: object, jwt: Function|null, now?: Date}} o
 * @returns {Promise<{role: 'platform_admin', via: 'token'|'jwt'}>}
 * @throws {AuthError} 400 credential_in_url, 401 unauthenticated, 403 forbidden_role
 */
export async function authenticatePlatform(request, { db, jwt, now }) {
  const inUrl = findUrlCredential(new URL(request.url));
  if (inUrl) throw new AuthError(400, 'credential_in_url', credentialInUrlMessage(inUrl, { tickets: false }));
  const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.get('authorization') ?? '')?.[1]?.trim();
  if (!bearer) throw new AuthError(401, 'unauthenticated', 'a platform credential is required: Authorization: Bearer <platform token or JWT with role platform_admin>');
  const tenantCredential = () => new AuthError(403, 'forbidden_role', 'this endpoint needs a platform-wide credential (token create --platform, or a JWT with role platform_admin); a tenant\'s staff credential is not one');
  if (bearer.startsWith(PLATFORM_TOKEN_PREFIX)) {
    if (await verifyPlatformToken(db, bearer)) return { role: PLATFORM_ROLE, via: 'token' };
  } else if (bearer.startsWith('mst_')) {
    if (await verifyStaffToken(db, bearer)) throw tenantCredential();
  } else if (jwt) {
    let claims;
    try {
      claims = await jwt(bearer, now ? { now } : undefined);
    } catch {
      claims = null;
    }
    if (claims?.role === PLATFORM_ROLE) return { role: PLATFORM_ROLE, via: 'jwt' };
    if (claims && STAFF_ROLES.has(claims.role)) throw tenantCredential();
  }
  throw new AuthError(401, 'unauthenticated', 'the bearer credential is unknown, expired or revoked');
}

/** @throws {AuthError} 403 forbidden_tenant when the principal is another tenant's */
export function assertTenant(principal, tenant) {
  if (principal.tenant_id !== tenant.tenant_id) throw new AuthError(403, 'forbidden_tenant', `this credential is not for tenant ${tenant.slug}`);
}
