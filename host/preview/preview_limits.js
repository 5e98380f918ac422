// How much of MotoPress a tenant's previews may ask for through this instance: each preview streams every
// page of the site with the tenant's keys, so a script (or a stuck browser tab) must not turn it into a
// load generator against the hotel's WordPress. In memory, per instance: an edge platform's isolates
// each keep their own (docs/http-api.md says so).

/**
 * @param {object} [o]
 * @param {number} [o.sources=6]      source streams per tenant per window
 * @param {number} [o.records=2000]   single-record look-ups per tenant per window
 * @param {number} [o.windowSeconds=600]
 * @param {() => Date} [o.clock]
 */
export function createPreviewLimits({ sources = 6, records = 2000, windowSeconds = 600, clock = () => new Date() } = {}) {
  const used = new Map(); // `${kind}:${tenant}` → timestamps (ms) inside the window
  const open = new Set(); // tenants with a source stream in progress
  const windowMs = windowSeconds * 1000;
  const take = (kind, tenantId, max) => {
    const now = clock().getTime();
    const key = `${kind}:${tenantId}`;
    const recent = (used.get(key) ?? []).filter((t) => t > now - windowMs);
    if (recent.length >= max) {
      used.set(key, recent);
      return { ok: /** @type {const} */ (false), retryAfter: Math.max(1, Math.ceil((recent[0] + windowMs - now) / 1000)) };
    }
    recent.push(now);
    used.set(key, recent);
    return { ok: /** @type {const} */ (true) };
  };
  return {
    /**
     * A source stream may start: one at a time per tenant, `sources` per window.
     * @returns {{ok: true, release: () => void}|{ok: false, code: 'preview_running'|'rate_limited', retryAfter: number}}
     */
    startSource(tenantId) {
      if (open.has(tenantId)) return { ok: false, code: 'preview_running', retryAfter: 5 };
      const verdict = take('source', tenantId, sources);
      if (verdict.ok === false) return { ...verdict, code: 'rate_limited' };
      open.add(tenantId);
      let released = false;
      return { ok: true, release: () => { if (!released) { released = true; open.delete(tenantId); } } };
    },
    /** @returns {{ok: true}|{ok: false, code: 'rate_limited', retryAfter: number}} */
    takeRecord(tenantId) {
      const verdict = take('record', tenantId, records);
      return verdict.ok === true ? verdict : { ...verdict, code: 'rate_limited' };
    },
  };
}

/**
 * MPHB_PREVIEW_MAX_BYTES: how many bytes one preview source stream may carry (default 256 MiB).
 * @throws {Error} naming the variable when it is not a whole number of at least 1 MiB
 */
export function previewMaxBytes(text) {
  if (text === undefined || text === null || String(text).trim() === '') return 256 * 1024 * 1024;
  const value = Number(String(text).trim());
  if (!Number.isSafeInteger(value) || value < 1024 * 1024) {
    throw new Error('MPHB_PREVIEW_MAX_BYTES must be a whole number of bytes, at least 1048576 (1 MiB)');
  }
  return value;
}
