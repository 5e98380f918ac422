// Which failures deserve another attempt, and how long to wait first: bounded attempts, exponential
// backoff with full jitter (a random wait in [0, min(cap, base·2^n))), and a server's Retry-After honoured
// (capped) on 429 and 5xx. Client errors (400/401/403/404) and TLS failures are final: retrying them
// only hammers the site and, for 401, burns a nonce per try.

export const RETRYABLE_CODES = new Set(['timeout', 'network', 'http_5xx', 'rate_limited', 'malformed_json']);

/**
 * @param {object} [o]
 * @param {number} [o.retries=4] retries after the first attempt (attempts = retries + 1)
 * @param {number} [o.backoffMs=500] the first backoff ceiling
 * @param {number} [o.maxBackoffMs=30000] the backoff ceiling's cap
 * @param {number} [o.maxRetryAfterMs=60000] Retry-After is honoured up to this
 * @param {() => number} [o.random=Math.random] jitter source in [0, 1)
 */
export function createRetryPolicy({ retries = 4, backoffMs = 500, maxBackoffMs = 30_000, maxRetryAfterMs = 60_000, random = Math.random } = {}) {
  if (!Number.isInteger(retries) || retries < 0) throw new TypeError('retries must be a non-negative integer');
  if (!(backoffMs >= 0)) throw new TypeError('backoffMs must be ≥ 0');
  return {
    attempts: retries + 1,

    /** @param {{code: string}} failure */
    retryable: (failure) => RETRYABLE_CODES.has(failure.code),

    /**
     * Milliseconds to wait after failed attempt number `attempt` (1-based).
     * @param {number} attempt
     * @param {{retryAfterMs?: number|null}} failure
     */
    delayMs(attempt, failure) {
      const ceiling = Math.min(maxBackoffMs, backoffMs * 2 ** (attempt - 1));
      const jitter = Math.floor(clamp01(random()) * ceiling);
      const retryAfter = failure?.retryAfterMs;
      if (retryAfter === null || retryAfter === undefined) return jitter;
      return Math.max(Math.min(retryAfter, maxRetryAfterMs), jitter);
    },
  };
}

function clamp01(x) {
  return Number.isFinite(x) ? Math.min(Math.max(x, 0), 1) : 0;
}

/** Sleeps `ms` with the injected sleep, but wakes (rejecting) as soon as `signal` aborts. */
export async function sleepUnlessAborted(sleep, ms, signal) {
  if (!signal) return sleep(ms);
  if (signal.aborted) throw signal.reason;
  let onAbort;
  const aborted = new Promise((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([sleep(ms, signal), aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** setTimeout as a promise; the timer is cleared when `signal` aborts (no stray timer keeps a process up). */
export function defaultSleep(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}
