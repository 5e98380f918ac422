// What one attempt's outcome means: a usable answer, or a failure with a stable code (motopress_error.js),
// a cause for the message, the WordPress error code when the body is one, and Retry-After when sent.
// Whether a failure is worth another attempt is retry_policy.js's decision, not this file's.

const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });

/**
 * @param {import('./http_exchange.js').ExchangeResponse | import('./http_exchange.js').ExchangeFailure} outcome
 * @param {{expect: 'array'|'array-bytes'|'object', allow404?: boolean, now?: () => number}} expectation
 *   'array-bytes': a JSON array whose bytes the caller parses (json is null; only the framing is checked)
 * @returns {{ok: true, status: number, json: any, bytes: Uint8Array, notFound?: {wpCode: string|null}}
 *   | {ok: false, code: string, cause: string, status: number|null, wpCode?: string|null, wpMessage?: string|null,
 *      retryAfterMs?: number|null, error?: unknown}}
 */
export function classifyOutcome(outcome, { expect, allow404 = false, now = Date.now }) {
  if (outcome.kind === 'failure') {
    const code = outcome.code === 'too_large' ? 'http_error' : outcome.code;
    return { ok: false, code, cause: outcome.cause, status: outcome.status ?? null, error: outcome.error };
  }
  const { status, headers } = outcome;
  const bytes = stripBom(outcome.bytes);
  const contentType = (headers.get('content-type') ?? '').toLowerCase();
  const looksHtml = /html/.test(contentType) || startsWith(bytes, '<');

  if (status >= 200 && status < 300) {
    if (outcome.truncated) {
      const { received, expected } = outcome.truncated;
      return { ok: false, code: 'malformed_json', status, cause: `HTTP ${status} body truncated (${received}${expected !== null ? ` of ${expected}` : ''} bytes, connection closed)` };
    }
    if (/html/.test(contentType)) {
      return { ok: false, code: 'not_motopress', status, cause: `HTTP ${status} answered with an HTML page (${contentType.split(';')[0]}), not the MotoPress REST API` };
    }
    if (expect === 'array-bytes') {
      // The caller's own parser reads the body (the core, for booking pages: one parse per page). Only the
      // framing is checked here, so a PHP notice or a cut body is still a malformed answer worth retrying.
      const framing = arrayFraming(bytes);
      if (framing === 'array') return { ok: true, status, json: null, bytes };
      if (framing === 'object') {
        return { ok: false, code: 'not_motopress', status, cause: `HTTP ${status} with a JSON object where a collection (JSON array) was expected` };
      }
      return { ok: false, code: 'malformed_json', status, cause: `HTTP ${status} body is not a JSON array (${bytes.byteLength} bytes${bytes.byteLength ? `, starting with ${JSON.stringify(String.fromCharCode(bytes[0]))}` : ''})` };
    }
    const parsed = parseJson(bytes);
    if (!parsed.ok) {
      return { ok: false, code: 'malformed_json', status, cause: `HTTP ${status} body is not valid JSON (${bytes.byteLength} bytes${bytes.byteLength ? `, starting with ${JSON.stringify(String.fromCharCode(bytes[0]))}` : ''})` };
    }
    const json = parsed.value;
    if (expect === 'array' && !Array.isArray(json)) {
      return { ok: false, code: 'not_motopress', status, cause: `HTTP ${status} with a JSON ${typeName(json)} where a collection (JSON array) was expected` };
    }
    if (expect === 'object' && !isPlainObject(json)) {
      return { ok: false, code: 'not_motopress', status, cause: `HTTP ${status} with a JSON ${typeName(json)} where an object was expected` };
    }
    return { ok: true, status, json, bytes };
  }

  // An error status: a WordPress error object {code, message, data: {status}}, or a proxy's page.
  const wp = looksHtml ? null : wpError(bytes);
  const wpCode = wp?.code ?? null;
  const wpMessage = wp?.message ?? null;
  const detail = wp ? ` ${wp.code}${wp.message ? `: ${wp.message}` : ''}` : '';
  const fail = (code, extra = {}) => ({ ok: /** @type {const} */ (false), code, status, wpCode, wpMessage, cause: `HTTP ${status}${detail}`, ...extra });

  if (status >= 300 && status < 400) {
    const location = safeLocation(headers.get('location'));
    return fail('http_error', { cause: `HTTP ${status} redirect${location ? ` to ${location}` : ''} (redirects are not followed: use the final URL as the site URL)`, location });
  }
  if (status === 400) return fail('bad_request');
  if (status === 401) return fail('unauthorized');
  if (status === 403) return fail('forbidden');
  if (status === 404) {
    if (!wp || wpCode === 'rest_no_route') {
      return fail('not_motopress', { cause: `HTTP 404${wp ? detail : ' (not a WordPress REST answer)'}: no MotoPress REST API at this URL` });
    }
    return allow404 ? { ok: true, status, json: null, bytes: null, notFound: { wpCode } } : fail('not_found');
  }
  if (status === 408) return fail('timeout');
  if (status === 429) return fail('rate_limited', { retryAfterMs: parseRetryAfter(headers.get('retry-after'), now) });
  if (status >= 500) return fail('http_5xx', { retryAfterMs: parseRetryAfter(headers.get('retry-after'), now) });
  return fail('http_error');
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value, now = Date.now) {
  if (value === null || value === undefined) return null;
  const text = String(value).trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now());
}

function parseJson(bytes) {
  try {
    return { ok: true, value: JSON.parse(decoder.decode(bytes)) };
  } catch {
    return { ok: false };
  }
}

function wpError(bytes) {
  const parsed = parseJson(bytes);
  if (!parsed.ok || !isPlainObject(parsed.value)) return null;
  const { code, message } = parsed.value;
  return typeof code === 'string' ? { code, message: typeof message === 'string' ? message : '' } : null;
}

/** Some WordPress hosts prefix a UTF-8 byte order mark (a plugin file saved with one); it is not JSON. */
export function stripBom(bytes) {
  return bytes.byteLength >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
}

// 'array' when the body is framed as a JSON array ([ … ] between whitespace), 'object' for { … }, else null.
function arrayFraming(bytes) {
  const ws = (b) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
  let first = 0;
  while (first < bytes.length && ws(bytes[first])) first += 1;
  let last = bytes.length - 1;
  while (last > first && ws(bytes[last])) last -= 1;
  if (last <= first) return null;
  if (bytes[first] === 0x5b && bytes[last] === 0x5d) return 'array';
  if (bytes[first] === 0x7b && bytes[last] === 0x7d) return 'object';
  return null;
}

function startsWith(bytes, char) {
  for (const b of bytes) {
    if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) continue;
    return b === char.charCodeAt(0);
  }
  return false;
}

// Only scheme, host and path: a redirect's query could echo request parameters.
function safeLocation(value) {
  if (!value) return null;
  try {
    const u = new URL(value, 'http://relative.invalid');
    return u.host === 'relative.invalid' ? u.pathname : `${u.origin}${u.pathname}`;
  } catch {
    return null;
  }
}

function isPlainObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function typeName(v) {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}
