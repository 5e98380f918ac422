// The one error the MotoPress client throws: a stable `code`, the tenant and endpoint it concerns, and a
// message naming all three with the cause (SPEC §7). Never carries credentials or signatures.

/** Stable codes (the sync maps them to user messages; do not rename). */
export const ERROR_CODES = Object.freeze([
  'timeout', // no complete answer within timeoutMs
  'network', // connection refused / reset, DNS failure, socket closed before a response
  'tls', // certificate or TLS handshake failure (not retried)
  'http_5xx', // 5xx from the site or a proxy in front of it
  'rate_limited', // 429
  'unauthorized', // 401
  'forbidden', // 403
  'bad_request', // 400 (e.g. rest_invalid_param)
  'not_found', // 404 from the plugin on a collection (not "no route")
  'http_error', // another unexpected status (3xx redirect, 405, 410, …)
  'malformed_json', // a body that does not parse as JSON, or is cut short of its Content-Length
  'not_motopress', // the URL does not answer as the MotoPress REST API (404 rest_no_route, HTML, wrong shape)
  'insecure_site', // plain http without the opt-in
  'private_address', // a private or link-local address without the opt-in
  'invalid_site_url',
  'aborted', // the caller's AbortSignal
]);

export class MotoPressError extends Error {
  /**
   * @param {object} o
   * @param {string} o.code one of ERROR_CODES
   * @param {string} o.tenant
   * @param {string} o.endpoint e.g. "GET /bookings?page=3"
   * @param {string} o.cause what went wrong, e.g. "HTTP 503"
   * @param {number} [o.attempts=1]
   * @param {number|null} [o.status] the HTTP status of the last attempt (null: no response)
   * @param {string|null} [o.wpCode] the WordPress error code of the last answer
   * @param {string|null} [o.wpMessage]
   * @param {unknown} [o.error] the underlying exception, if any
   */
  constructor({ code, tenant, endpoint, cause, attempts = 1, status = null, wpCode = null, wpMessage = null, error }) {
    const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
    const what = attempts === 0 ? 'was not sent' : `failed after ${tries}`;
    super(`tenant ${tenant}: ${endpoint} ${what}: ${cause}`, error === undefined ? undefined : { cause: error });
    this.name = 'MotoPressError';
    this.code = code;
    this.tenant = tenant;
    this.endpoint = endpoint;
    this.status = status;
    this.attempts = attempts;
    this.wpCode = wpCode;
    this.wpMessage = wpMessage;
    this.reason = cause;
  }

  toJSON() {
    const { name, code, tenant, endpoint, status, attempts, wpCode, wpMessage, message } = this;
    return { name, code, tenant, endpoint, status, attempts, wpCode, wpMessage, message };
  }
}
