// One HTTP attempt: fetch with a per-attempt timeout (AbortSignal.timeout, covering the body too), read the
// whole body while counting bytes (a body cut short of its Content-Length is reported as truncated, not
// as a parse error of half a page), never follow redirects (a signed request must not be replayed to
// another URL), and turn thrown errors into a described failure instead of an exception.
//
// `createNodeFetch` is the client's transport on Node: node:http(s) with the site policy's `lookup` on the
// sockets (site_url_policy.js createSiteLookup), so the address a name resolves to is checked at the moment
// the connection is made — the global fetch (undici) offers no lookup hook without the undici package.
import { ResponseHeaders } from './response_headers.js';

const TLS_CODES = /^(CERT_|ERR_TLS_|ERR_SSL_|UNABLE_TO_|SELF_SIGNED_CERT|DEPTH_ZERO_SELF_SIGNED_CERT|ERR_OSSL_|HOSTNAME_MISMATCH)/;

const NETWORK_CAUSES = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed while sending',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed (temporary)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed before a complete response (socket hang up)',
  UND_ERR_CLOSED: 'connection closed',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no response headers in time',
  UND_ERR_BODY_TIMEOUT: 'response body stalled',
};

/**
 * @typedef {{kind: 'response', status: number, headers: Headers, bytes: Uint8Array, durationMs: number,
 *   truncated: null | {received: number, expected: number|null}}} ExchangeResponse
 * @typedef {{kind: 'failure', code: 'timeout'|'network'|'tls'|'aborted'|'too_large', cause: string,
 *   error?: unknown, status?: number, durationMs: number}} ExchangeFailure
 * @typedef {(url: string, init: {method: string, headers: Record<string, string>, signal?: AbortSignal, redirect?: RequestRedirect})
 *   => Promise<Response>} Transport the global fetch, or createNodeFetch's
 */

/**
 * @param {object} o
 * @param {Transport} o.fetch
 * @param {string} o.url
 * @param {Record<string, string>} o.headers
 * @param {number} o.timeoutMs
 * @param {AbortSignal} [o.signal] the caller's cancellation
 * @param {number} [o.maxBodyBytes]
 * @returns {Promise<ExchangeResponse | ExchangeFailure>}
 */
export async function exchange({ fetch, url, headers, timeoutMs, signal, maxBodyBytes = 64 * 1024 * 1024 }) {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  const failed = (error, phase) => describeFailure(error, { phase, timeoutMs, aborted: signal?.aborted, timedOut: timeout.aborted, durationMs: elapsed() });

  let res;
  try {
    res = await fetch(url, { method: 'GET', headers, signal: combined, redirect: 'manual' });
  } catch (error) {
    return failed(error, 'connect');
  }

  const expected = declaredLength(res.headers);
  const chunks = [];
  let received = 0;
  const reader = res.body?.getReader();
  try {
    while (reader) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.byteLength;
      if (received > maxBodyBytes) {
        await reader.cancel().catch(() => {});
        return { kind: 'failure', code: 'too_large', cause: `response body larger than ${maxBodyBytes} bytes`, status: res.status, durationMs: elapsed() };
      }
      chunks.push(value);
    }
  } catch (error) {
    reader.cancel().catch(() => {});
    if (timeout.aborted || signal?.aborted) return failed(error, 'body');
    // The connection ended before the body was complete.
    return { kind: 'response', status: res.status, headers: res.headers, bytes: concat(chunks, received), durationMs: elapsed(), truncated: { received, expected } };
  }
  const truncated = expected !== null && received < expected ? { received, expected } : null;
  return { kind: 'response', status: res.status, headers: res.headers, bytes: concat(chunks, received), durationMs: elapsed(), truncated };
}

// Content-Length counts the bytes on the wire; with a Content-Encoding fetch hands back decoded bytes.
function declaredLength(headers) {
  if (headers.get('content-encoding')) return null;
  const value = headers.get('content-length');
  return value !== null && /^\d+$/.test(value) ? Number(value) : null;
}

function concat(chunks, size) {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/**
 * A thrown fetch error as {code, cause}; never includes request headers.
 * @param {any} error
 * @param {{phase?: 'connect'|'body', timeoutMs?: number, aborted?: boolean, timedOut?: boolean, durationMs?: number}} [o]
 * @returns {ExchangeFailure}
 */
export function describeFailure(error, { phase = 'connect', timeoutMs, aborted = false, timedOut = false, durationMs = 0 } = {}) {
  const base = { kind: /** @type {const} */ ('failure'), error, durationMs };
  const refusal = policyRefusal(error);
  if (refusal) return { ...base, code: refusal.failureCode, cause: refusal.message };
  if (aborted) return { ...base, code: 'aborted', cause: 'cancelled by the caller' };
  if (timedOut || error?.name === 'TimeoutError') {
    return { ...base, code: 'timeout', cause: `timed out after ${timeoutMs} ms${phase === 'body' ? ' (while reading the body)' : ''}` };
  }
  if (error?.name === 'AbortError') return { ...base, code: 'aborted', cause: 'cancelled' };
  const code = errorCode(error);
  if (code && TLS_CODES.test(code)) return { ...base, code: 'tls', cause: `TLS: ${code}` };
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT' || code === 'UND_ERR_HEADERS_TIMEOUT') {
    return { ...base, code: 'timeout', cause: `${NETWORK_CAUSES[code]} (${code})` };
  }
  const text = NETWORK_CAUSES[code] ?? innermostMessage(error) ?? 'network error';
  return { ...base, code: 'network', cause: code ? `${text} (${code})` : text };
}

// A connect-time policy refusal (a SiteAddressError from the lookup) carries the failure code to report.
function policyRefusal(error) {
  for (let e = error, depth = 0; e && depth < 5; e = e.cause, depth++) if (typeof e.failureCode === 'string') return e;
  return null;
}

function errorCode(error) {
  for (let e = error, depth = 0; e && depth < 5; e = e.cause, depth++) {
    if (typeof e.code === 'string') return e.code;
    if (Array.isArray(e.errors)) { // AggregateError from happy eyeballs
      const inner = e.errors.find((x) => typeof x?.code === 'string');
      if (inner) return inner.code;
    }
  }
  return null;
}

function innermostMessage(error) {
  let message = null;
  for (let e = error, depth = 0; e && depth < 5; e = e.cause, depth++) if (typeof e.message === 'string' && e.message) message = e.message;
  return message;
}

/**
 * A fetch-shaped GET over node:http / node:https whose sockets resolve names with `lookup` (one keep-alive
 * agent per scheme and per instance: a pooled socket is only ever one this lookup approved). Redirects are
 * not followed; gzip / deflate / br bodies are decoded, as fetch does. Resolves with a Response-like
 * `{status, statusText, ok, url, headers: ResponseHeaders, body: ReadableStream<Uint8Array>|null}`; rejects with the
 * socket's error (its `code`: ECONNREFUSED, ENOTFOUND, a TLS code, or a policy refusal's `failureCode`).
 * @param {{lookup?: Function}} [o]
 * @returns {(url: string|URL, init?: {method?: string, headers?: Record<string, string>, signal?: AbortSignal}) => Promise<object>}
 */
export function createNodeFetch({ lookup } = {}) {
  const agents = {};
  return async function nodeFetch(input, init = {}) {
    const url = new URL(String(input));
    const secure = url.protocol === 'https:';
    if (!secure && url.protocol !== 'http:') throw new TypeError(`unsupported protocol ${url.protocol}`);
    const [{ request, Agent }, zlib, { pipeline }] = await Promise.all([
      import(secure ? 'node:https' : 'node:http'), import('node:zlib'), import('node:stream'),
    ]);
    const agent = (agents[url.protocol] ??= new Agent({ keepAlive: true, ...(lookup ? { lookup } : {}) }));
    const headers = { ...(init.headers ?? {}) };
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'accept-encoding')) headers['Accept-Encoding'] = 'gzip, deflate, br';
    const signal = init.signal;
    signal?.throwIfAborted();
    return new Promise((resolve, reject) => {
      const req = request({
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: init.method ?? 'GET',
        headers,
        agent,
        signal,
      });
      req.on('error', reject); // after the response, errors reach the body stream
      req.on('response', (res) => {
        const status = res.statusCode;
        const responseHeaders = new ResponseHeaders(res.rawHeaders);
        const nullBody = init.method === 'HEAD' || status === 204 || status === 205 || status === 304;
        let source = res;
        const decoder = nullBody ? null : bodyDecoder(zlib, responseHeaders.get('content-encoding'));
        if (decoder) {
          source = decoder;
          pipeline(res, decoder, () => {}); // an error in either destroys both; the reader sees it
        }
        const iterator = source[Symbol.asyncIterator]();
        const body = nullBody ? null : new ReadableStream({
          async pull(controller) {
            const { done, value } = await iterator.next();
            if (done) controller.close();
            else controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
          },
          cancel() {
            res.destroy();
            decoder?.destroy();
          },
        });
        if (nullBody) res.resume();
        resolve({ status, statusText: res.statusMessage ?? '', ok: status >= 200 && status < 300, url: url.href, headers: responseHeaders, body, redirected: false });
      });
      req.end();
    });
  };
}

function bodyDecoder(zlib, encoding) {
  const e = (encoding ?? '').trim().toLowerCase();
  const lenient = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  if (e === 'gzip' || e === 'x-gzip') return zlib.createGunzip(lenient);
  if (e === 'deflate') return zlib.createInflate(lenient);
  if (e === 'br') return zlib.createBrotliDecompress({ flush: zlib.constants.BROTLI_OPERATION_FLUSH, finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH });
  return null;
}
