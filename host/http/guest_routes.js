// The guest's endpoints and page (docs/http-api.md, "Guests"): log in with the check-in date and the
// phone's last 4 digits or the reservation code, then read "my stay" and ask about it with the guest
// token. Registered on the one Hono app, so Node, Vercel and Supabase serve the same thing.
import { createHmac } from 'node:crypto';

import { bodyLimit } from 'hono/body-limit';

import { GuestError, askAboutStay, loginGuest, readGuestStay } from '../guest/guest_access.js';
import { DEFAULT_LOGIN_THROTTLE } from '../guest/login_throttle.js';
import { GuestTokenError, guestTokens } from '../guest/guest_tokens.js';
import { TenantError, resolveTenant } from '../tenants/tenant_store.js';
import { guestQuery, validQuery } from './input_schemas.js';
import { setPageSecurityHeaders } from './response_policy.js';
import { credentialInUrlMessage, findUrlCredential } from './staff_auth.js';

const LOGIN_BODY_BYTES = 4 * 1024;
const ASK_BODY_BYTES = 8 * 1024;

/**
 * The client's address as a platform's proxy reports it: `header` when configured (MPHB_CLIENT_IP_HEADER:
 * the header the platform's own proxy sets and a client cannot forge), else X-Real-IP or
 * CF-Connecting-IP (set by Vercel and Cloudflare), else the first X-Forwarded-For entry, else the socket.
 * A forged X-Forwarded-For only moves a client to another per-address count; the per-date count still
 * bounds guessing.
 */
export function forwardedClientAddress(c, header = undefined) {
  const named = header ? c.req.header(header) : undefined;
  if (named) return named.split(',')[0].trim();
  const direct = c.req.header('x-real-ip') ?? c.req.header('cf-connecting-ip');
  if (direct) return direct.trim();
  const forwarded = c.req.header('x-forwarded-for');
  if (forwarded) return forwarded.split(',')[0].trim();
  return socketClientAddress(c);
}

/** The TCP peer (Node): what a server without a trusted proxy in front must use. */
export function socketClientAddress(c) {
  return c.env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

/**
 * @param {import('hono').Hono} app
 * @param {object} deps
 * @param {object} deps.db @param {object} deps.core
 * @param {Uint8Array|Promise<Uint8Array>|null} deps.guestTokenKey from guestTokenKey(); null: guest
 *   endpoints answer 503 not_configured
 * @param {() => Date} [deps.clock]  "now" for logins, token expiry and rate limits (tests inject one)
 * @param {{maxFailures: number, windowSeconds: number}} [deps.loginThrottle]
 * @param {(c) => string} [deps.clientAddress]  default: forwardedClientAddress
 * @param {string} [deps.clientIpHeader]  with the default: the header the platform's proxy sets (MPHB_CLIENT_IP_HEADER)
 * @param {() => string|Promise<string>} [deps.guestPage]  the /my-stay HTML
 */
export function registerGuestRoutes(app, deps) {
  const { db, core, clock = () => new Date() } = deps;
  const loginThrottle = { ...DEFAULT_LOGIN_THROTTLE, ...deps.loginThrottle };
  const clientAddress = deps.clientAddress ?? ((c) => forwardedClientAddress(c, deps.clientIpHeader));
  let secrets = null;
  // The token service, and the rate limiter's HMAC key derived from the same secret.
  const guestSecrets = async () => {
    if (secrets) return secrets;
    const key = await deps.guestTokenKey;
    if (!key) throw new GuestError(503, 'not_configured', 'guest access is not configured: set MPHB_GUEST_TOKEN_SECRET or MPHB_ENCRYPTION_KEY');
    secrets = { tokens: guestTokens({ key, now: clock }), pepper: createHmac('sha256', key).update('mphb-sync login throttle v1').digest() };
    return secrets;
  };
  const tokenService = async () => (await guestSecrets()).tokens;

  const fail = (c, error) => {
    const body = { code: error.code, message: error.message };
    if (error.extra?.field) body.field = error.extra.field;
    if (error.extra?.retryAfterSeconds) c.header('Retry-After', String(error.extra.retryAfterSeconds));
    c.header('Cache-Control', 'no-store');
    return c.json(body, error.status);
  };
  const guarded = (handler) => async (c) => {
    try {
      c.header('Cache-Control', 'no-store');
      return await handler(c);
    } catch (error) {
      if (error instanceof GuestError) return fail(c, error);
      throw error;
    }
  };
  const limit = (maxSize) => bodyLimit({
    maxSize,
    onError: (c) => fail(c, new GuestError(400, 'body_too_large', `the body must be at most ${maxSize} bytes`, { field: 'body' })),
  });

  // Before any guest endpoint: no credential in the URL (any case; tickets are no guest credential either),
  // and ?tenant_id= through the same schema as the staff endpoints' (400 naming tenant_id). The body is
  // the core's to check.
  /** @type {[import('./input_schemas.js').InputMiddleware, import('./input_schemas.js').InputMiddleware]} the two middlewares (Hono's types cannot follow a spread array) */
  const guestInput = [
    async (c, next) => {
      const name = findUrlCredential(c.req.url);
      if (name) return fail(c, new GuestError(400, 'credential_in_url', credentialInUrlMessage(name, { tickets: false })));
      return next();
    },
    validQuery(guestQuery),
  ];

  // The guest's token, and the tenant it is for; ?tenant_id= (optional) must be that tenant.
  async function guestFor(c) {
    const bearer = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1]?.trim();
    if (!bearer) throw new GuestError(401, 'unauthenticated', 'a guest token is required: Authorization: Bearer <token> from /api/guest/login');
    let claims;
    try {
      claims = await (await tokenService()).verify(bearer);
    } catch (error) {
      if (error instanceof GuestTokenError) throw new GuestError(401, error.code, error.message);
      throw error;
    }
    const ref = c.req.valid('query').tenant_id;
    if (ref) {
      let tenant = null;
      try {
        tenant = await resolveTenant(db, ref);
      } catch (error) {
        if (!(error instanceof TenantError)) throw error;
      }
      if (!tenant || tenant.tenant_id !== claims.tenant_id) throw new GuestError(403, 'forbidden_tenant', 'this guest token is for another hotel');
    }
    return claims;
  }

  async function jsonBody(c) {
    try {
      return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(await c.req.arrayBuffer()));
    } catch {
      throw new GuestError(400, 'invalid_body', 'the body must be a JSON object', { field: 'body' });
    }
  }

  app.post('/api/guest/login', ...guestInput, limit(LOGIN_BODY_BYTES), guarded(async (c) => {
    const { tokens, pepper } = await guestSecrets();
    const result = await loginGuest({
      db, core, tokens, pepper, tenantRef: c.req.valid('query').tenant_id, body: new Uint8Array(await c.req.arrayBuffer()),
      client: clientAddress(c), now: clock(), throttle: loginThrottle,
    });
    return c.json(result);
  }));

  app.get('/api/guest/my-stay', ...guestInput, guarded(async (c) => {
    const claims = await guestFor(c);
    return c.json(await readGuestStay({ db, core, tenantId: claims.tenant_id, reservationId: claims.reservation_id, now: clock() }));
  }));

  app.post('/api/guest/ask', ...guestInput, limit(ASK_BODY_BYTES), guarded(async (c) => {
    const claims = await guestFor(c);
    const body = await jsonBody(c);
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new GuestError(400, 'invalid_body', 'the body must be a JSON object {"question": "…"}', { field: 'body' });
    return c.json(await askAboutStay({ db, core, tenantId: claims.tenant_id, reservationId: claims.reservation_id, question: body.question, now: clock() }));
  }));

  app.get('/my-stay', async (c) => {
    c.header('Cache-Control', 'no-store');
    // The page is self-contained: nothing but its own inline code, its own API, and never inside a frame.
    setPageSecurityHeaders(c);
    return c.html(deps.guestPage ? await deps.guestPage() : '<!doctype html><title>My stay</title><p>The guest page is missing.</p>');
  });
}
