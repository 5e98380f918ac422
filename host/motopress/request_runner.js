// A signed GET with bounded retries: each attempt is signed afresh (new OAuth nonce and timestamp), sent
// with a per-attempt timeout, classified, reported to `onRequest`, and — when retryable — retried after
// the policy's backoff. The last failure becomes a MotoPressError naming tenant, endpoint and cause.
import { exchange } from './http_exchange.js';
import { MotoPressError } from './motopress_error.js';
import { encodeQuery } from './query_string.js';
import { classifyOutcome } from './response_classifier.js';
import { sleepUnlessAborted } from './retry_policy.js';
import packageJson from '../../package.json' with { type: 'json' };

// Plain and curl-like (FIELD-NOTES: some WAFs stall unknown agents); major.minor of package.json's version.
export const DEFAULT_USER_AGENT = `mphb-sync/${packageJson.version.split('.').slice(0, 2).join('.')} curl-compatible`;

/**
 * @param {object} o
 * @param {string} o.apiBase `{site}/wp-json/mphb/v1`
 * @param {string} o.tenant
 * @param {{headers(method, baseUrl, pairs): object}} o.signer
 * @param {ReturnType<import('./retry_policy.js').createRetryPolicy>} o.policy
 * @param {import('./http_exchange.js').Transport} o.fetch
 * @param {number} o.timeoutMs
 * @param {(ms: number, signal?: AbortSignal) => Promise<void>} o.sleep
 * @param {(info: object) => void} [o.onRequest]
 * @param {string} [o.userAgent]
 * @param {(text: string) => string} o.redact removes credentials from any text
 * @param {(label: string) => Promise<void>} [o.preflight] a check run before the first request (site policy)
 * @param {number} [o.maxInFlight=Infinity] requests of this client in flight at once, whatever asks for them
 *   (pages of several collections, single records): a fleet worker's share of a host's limit
 */
export function createRequestRunner({ apiBase, tenant, signer, policy, fetch, timeoutMs, sleep, onRequest, userAgent = DEFAULT_USER_AGENT, redact, preflight, maxInFlight = Infinity }) {
  // A counting semaphore over the attempts themselves (not the backoff between them).
  let inFlight = 0;
  const waiting = [];
  const acquire = () => {
    if (inFlight < maxInFlight) {
      inFlight += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => { waiting.push(resolve); });
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else inFlight -= 1;
  };
  const notify = (info) => {
    if (!onRequest) return;
    try {
      onRequest(info);
    } catch {
      // an observer must not break a sync
    }
  };

  /**
   * @param {string} path e.g. "/bookings" or "/bookings/12"
   * @param {Array<[string, string]>} pairs decoded query
   * @param {object} o
   * @param {'array'|'array-bytes'|'object'} o.expect
   * @param {boolean} [o.allow404]
   * @param {string} o.label the endpoint as messages show it, e.g. "GET /bookings?page=3"
   * @param {AbortSignal} [o.signal]
   * @param {number} [o.attempts] overrides the policy's attempt count (e.g. 1 for a credentials check)
   * @param {() => void} [o.onAttempt] counts requests sent
   */
  async function get(path, pairs, { expect, allow404 = false, label, signal, attempts: maxAttempts = policy.attempts, onAttempt }) {
    if (preflight) await preflight(label);
    const baseUrl = `${apiBase}${path}`;
    const query = encodeQuery(pairs);
    const url = query ? `${baseUrl}?${query}` : baseUrl;
    let last;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (signal?.aborted) throw abortedError(label, attempt - 1, signal);
      const headers = {
        ...signer.headers('GET', baseUrl, pairs), // signed afresh for every attempt
        Accept: 'application/json',
        'User-Agent': userAgent,
      };
      await acquire();
      let outcome;
      try {
        if (signal?.aborted) throw abortedError(label, attempt - 1, signal);
        onAttempt?.();
        notify({ event: 'start', tenant, method: 'GET', endpoint: label, path, attempt });
        outcome = await exchange({ fetch, url, headers, timeoutMs, signal });
      } finally {
        release();
      }
      const verdict = classifyOutcome(outcome, { expect, allow404 });
      const bytes = outcome.kind === 'response' ? outcome.bytes.byteLength : 0;
      if (verdict.ok === true) {
        notify({ event: 'end', tenant, method: 'GET', endpoint: label, path, attempt, status: verdict.status, bytes, durationMs: outcome.durationMs });
        return { ...verdict, headers: outcome.kind === 'response' ? outcome.headers : undefined, attempts: attempt };
      }
      last = verdict;
      if (verdict.code === 'aborted') {
        notify({ event: 'end', tenant, method: 'GET', endpoint: label, path, attempt, status: null, bytes, durationMs: outcome.durationMs, error: 'aborted', retryInMs: null });
        throw abortedError(label, attempt, signal, verdict.error);
      }
      const again = attempt < maxAttempts && policy.retryable(verdict);
      const delayMs = again ? policy.delayMs(attempt, verdict) : null;
      notify({
        event: 'end', tenant, method: 'GET', endpoint: label, path, attempt, status: verdict.status ?? null, bytes,
        durationMs: outcome.durationMs, error: verdict.code, wpCode: verdict.wpCode ?? null, cause: redact(verdict.cause), retryInMs: delayMs,
        retryAfterMs: verdict.retryAfterMs ?? null,
      });
      if (!again) return fail(label, attempt, verdict);
      try {
        await sleepUnlessAborted(sleep, delayMs, signal);
      } catch (error) {
        throw abortedError(label, attempt, signal, error);
      }
    }
    return fail(label, maxAttempts, last);
  }

  /** @returns {never} */
  function fail(label, attempts, verdict) {
    throw new MotoPressError({
      code: verdict.code,
      tenant,
      endpoint: label,
      cause: redact(verdict.cause),
      attempts,
      status: verdict.status ?? null,
      wpCode: verdict.wpCode ?? null,
      wpMessage: verdict.wpMessage ? redact(verdict.wpMessage) : null,
      error: verdict.error,
    });
  }

  function abortedError(label, attempts, signal, error) {
    const reason = signal?.reason instanceof MotoPressError ? signal.reason : null;
    return new MotoPressError({ code: 'aborted', tenant, endpoint: label, cause: reason ? `cancelled (${reason.endpoint} failed)` : 'cancelled', attempts, error });
  }

  return { get };
}
