// The guest's side, for every host (HTTP on Node and edge, the CLI): log in, read "my stay", ask about
// it. The core decides (who may log in, what the stay is, what a question means); this file only reads
// the database, counts failures and signs tokens. Errors are GuestError values with an HTTP status, a
// stable code and, for bad input, the field.
import { TenantError, resolveTenant } from '../tenants/tenant_store.js';
import { DEFAULT_LOGIN_THROTTLE, loginBlocked, recordLoginFailure, throttleKeys } from './login_throttle.js';
import { readLoginCandidates, readStayInput } from './stay_reader.js';

export class GuestError extends Error {
  /** @param {number} status @param {string} code @param {string} message @param {object} [extra] e.g. {field} */
  constructor(status, code, message, extra = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.extra = extra;
  }
}

// One answer for a wrong pair and an unknown tenant: nothing tells them apart.
const NO_MATCH = 'no active reservation matches this check-in date and phone digits or reservation code';
const REFUSALS = { invalid_credentials: 401, stay_ended: 403, ambiguous: 409 };

/**
 * @param {object} o
 * @param {object} o.db @param {object} o.core a loaded MphbCore
 * @param {{issue: Function}} o.tokens from guestTokens
 * @param {string} o.tenantRef the tenant's UUID or slug, as the caller gave it
 * @param {string|Uint8Array} o.body the request's JSON bytes {check_in_date, phone_last_4?, reservation_code?}
 * @param {string} o.client the client's address (rate limiting)
 * @param {Uint8Array} o.pepper the secret the throttle's HMACs are keyed with
 * @param {Date} o.now
 * @param {{maxFailures, maxFailuresPerDate, windowSeconds}} [o.throttle]
 * @returns {Promise<{token: string, expires_at: string, reservation_id: string}>}
 * @throws {GuestError} 400 (field named), 401 invalid_credentials, 403 stay_ended, 409 ambiguous,
 *   429 too_many_attempts (extra.retryAfterSeconds)
 */
export async function loginGuest({ db, core, tokens, tenantRef, body, client, pepper, now, throttle = DEFAULT_LOGIN_THROTTLE }) {
  if (!tenantRef) throw new GuestError(400, 'missing_tenant', 'tenant_id (the hotel\'s UUID or slug) is required', { field: 'tenant_id' });
  const { request, errors } = core.readGuestLogin(body);
  if (errors.length > 0) throw new GuestError(400, errors[0].code, errors[0].message, { field: errors[0].path, errors });

  let tenant = null;
  try {
    tenant = await resolveTenant(db, tenantRef);
  } catch (error) {
    if (!(error instanceof TenantError)) throw error;
  }
  const attempt = {
    tenantKey: tenant ? tenant.tenant_id : `unknown:${String(tenantRef).toLowerCase()}`,
    keys: throttleKeys({ client, checkInDate: request.check_in_date, pepper, policy: throttle }),
    now,
    policy: throttle,
  };
  const gate = await loginBlocked(db, attempt);
  if (gate.blocked) {
    throw new GuestError(429, 'too_many_attempts', `too many failed attempts: try again in ${gate.retryAfterSeconds} s`, { retryAfterSeconds: gate.retryAfterSeconds });
  }
  if (!tenant) {
    await recordLoginFailure(db, attempt);
    throw new GuestError(401, 'invalid_credentials', NO_MATCH);
  }
  const candidates = await readLoginCandidates(db, tenant.tenant_id, request.check_in_date);
  const decision = core.decideGuestLogin({ request, candidates, now: now.toISOString() });
  if (decision.decision === 'ok') {
    const token = await tokens.issue({ tenantId: tenant.tenant_id, reservationId: decision.reservation_id, expiresAt: decision.expires_at });
    return { token, expires_at: decision.expires_at, reservation_id: decision.reservation_id };
  }
  if (decision.decision !== 'refused') throw new Error(`guest login: the core could not decide (${JSON.stringify(decision.errors)})`);
  // Only a wrong pair counts: ambiguous and stay_ended come from details that were right.
  if (decision.code === 'invalid_credentials') await recordLoginFailure(db, attempt);
  throw new GuestError(REFUSALS[decision.code] ?? 401, decision.code, decision.code === 'invalid_credentials' ? NO_MATCH : decision.message);
}

const ACCESS_REFUSALS = { reservation_inactive: 401, stay_ended: 403 };

/**
 * The stay of one reservation, read fresh (a room changed by a later sync shows at once).
 * @param {{db, core, tenantId, reservationId, now?: Date}} o with `now` (a guest's read), access is
 *   checked too: still active, not ended more than 7 days ago; without it (staff tools) any status shows
 * @returns {Promise<object>} the core's stay
 * @throws {GuestError} 401 unknown_reservation (gone since the token was issued), 401 reservation_inactive,
 *   403 stay_ended
 */
export async function readGuestStay({ db, core, tenantId, reservationId, now }) {
  const { stay, errors } = core.guestStay(await readStayInput(db, tenantId, reservationId));
  if (!stay) {
    if (errors.some((e) => e.code === 'no_reservation')) throw new GuestError(401, 'unknown_reservation', 'this reservation no longer exists: log in again');
    throw new Error(`guest stay: ${JSON.stringify(errors)}`);
  }
  if (now) {
    const access = core.decideGuestAccess({ stay, now: now.toISOString() });
    if (!access.allowed) {
      if (!ACCESS_REFUSALS[access.code]) throw new Error(`guest access: ${access.message}`);
      throw new GuestError(ACCESS_REFUSALS[access.code], access.code, access.message);
    }
  }
  return stay;
}

/**
 * Answers a question about the stay (with `now`: only while the guest may still read it, as readGuestStay).
 * @param {{db: object, core: import('../../js/core.js').MphbCore, tenantId: string, reservationId: string, question: string, now?: Date}} o
 * @returns {Promise<{answered, intent, language, answer, facts, context}>}
 * @throws {GuestError} 400 with field "question" (empty, too long, not a string)
 */
export async function askAboutStay({ db, core, tenantId, reservationId, question, now }) {
  if (typeof question !== 'string') throw new GuestError(400, question === undefined ? 'missing_field' : 'wrong_type', 'question must be a string', { field: 'question' });
  const stay = await readGuestStay({ db, core, tenantId, reservationId, now });
  const { errors, ...answer } = core.answerQuestion(stay, question);
  if (errors?.length > 0) {
    const e = errors.find((x) => x.path === 'question') ?? errors[0];
    if (e.path === 'question') throw new GuestError(400, e.code, e.message, { field: 'question' });
    throw new Error(`guest ask: ${JSON.stringify(errors)}`);
  }
  return answer;
}
