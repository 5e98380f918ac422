// The MotoPress Hotel Booking REST client (FIELD-NOTES "Transport", SPEC §3, §7): collections paged
// concurrently and delivered in page order, single records, and a credentials check — signed per scheme,
// retried with backoff and jitter, failing with a MotoPressError that names tenant, endpoint and cause.
//
//   const client = createMotoPressClient({ siteUrl, consumerKey, consumerSecret, tenant: 'indo' });
//   const { records, total } = await client.getCollection('accommodations');
//   await client.streamCollection('bookings', { onPage: async ({ page, bytes, records }) => { … } });
//   const { status, body } = await client.getOne('bookings', 42);     // 404 is a result
//   const check = await client.checkCredentials();                     // {ok: true} | {ok: false, code, message}
import { credentialFailure } from './credential_check.js';
import { MotoPressError } from './motopress_error.js';
import { streamPages } from './page_fetcher.js';
import { queryPairs } from './query_string.js';
import { createNodeFetch } from './http_exchange.js';
import { createRequestRunner, DEFAULT_USER_AGENT } from './request_runner.js';
import { createRequestSigner } from './request_signer.js';
import { createRetryPolicy, defaultSleep } from './retry_policy.js';
import { parseSiteUrl } from './site_url.js';
import { checkSite, createSiteLookup, systemResolve } from '../tenants/site_url_policy.js';

export { MotoPressError, ERROR_CODES } from './motopress_error.js';
export { DEFAULT_USER_AGENT } from './request_runner.js';

const MAX_PER_PAGE = 100;
const COLLECTION_NAME = /^[a-z][a-z_]*$/;

/**
 * @param {object} options
 * @param {string} options.siteUrl the WordPress site (`https://hotel.example`); a pasted `…/wp-json/mphb/v1` is accepted
 * @param {string} options.consumerKey
 * @param {string} options.consumerSecret
 * @param {string} [options.tenant] names the tenant in errors (default: the site's host)
 * @param {number} [options.concurrency=4] pages in flight at once per collection stream
 * @param {number} [options.maxInFlight] requests in flight at once for the whole client (every stream, page
 *   and record together; default: no limit beyond `concurrency` per stream) — a fleet worker's host share
 * @param {number} [options.timeoutMs=30000] per attempt, body included
 * @param {number} [options.retries=4] retries after the first attempt
 * @param {number} [options.backoffMs=500] first backoff ceiling (doubles per retry, full jitter)
 * @param {number} [options.maxBackoffMs=30000]
 * @param {number} [options.maxRetryAfterMs=60000] Retry-After honoured up to this
 * @param {() => number} [options.random=Math.random] jitter source
 * @param {(ms: number) => Promise<void>} [options.sleep]
 * @param {typeof globalThis.fetch} [options.fetch] a replacement transport (tests). Without it, on Node, requests go through
 *   node:http(s) with the site policy's lookup on every socket (see "Addresses" below); elsewhere (Deno, the
 *   Supabase Edge Runtime) through globalThis.fetch
 * @param {(hostname: string) => Promise<string[]>} [options.resolve] replaces the system resolver for the
 *   policy check and the connect-time lookup (tests point `hotel.test` anywhere without DNS)
 * @param {(info: object) => void} [options.onRequest] {event: 'start'|'end', tenant, method, endpoint, path, attempt,
 *   status?, bytes?, durationMs?, error?, wpCode?, cause?, retryInMs?, retryAfterMs?} — never credentials;
 *   retryAfterMs: the server's Retry-After as sent (the client honours it up to maxRetryAfterMs)
 * @param {'auto'|'basic'|'oauth1'} [options.auth='auto'] auto: Basic over https, OAuth 1.0a over http
 * @param {boolean} [options.allowInsecureHttp=false] the tenant's explicit plain-http opt-in (loopback needs none;
 *   as stored in integration_configs.allow_insecure_http; `allowHttp` is accepted as an alias)
 * @param {boolean} [options.allowHttp] alias of allowInsecureHttp
 * @param {boolean} [options.allowPrivateNetwork=false] allow private / link-local addresses (local development)
 * @param {string} [options.userAgent]
 *
 * Addresses (SPEC §7, host/tenants/site_url_policy.js): before the first request the site is checked once —
 * scheme, a literal address, and every address its name resolves to then (a refusal: `attempts: 0`). On
 * Node the default transport also checks at connect time: every socket resolves the name through the
 * policy's lookup, which refuses the connection (code `private_address`, not retried) when the name now
 * resolves to a refused address — the address checked is the address connected to, so a name that
 * re-resolves (DNS rebinding) between the check and the request cannot reach a private address. Limit: in
 * edge runtimes (Deno / Supabase Edge Functions) fetch offers no lookup hook, so only the check before the
 * first request applies and fetch resolves the name again; a replacement `fetch` is likewise unchecked at
 * connect time. `client.addressCheck` says which applies: 'connect' or 'preflight'.
 */
export function createMotoPressClient(options) {
  const {
    siteUrl, consumerKey, consumerSecret, concurrency = 4, timeoutMs = 30_000, retries = 4, backoffMs = 500,
    maxBackoffMs, maxRetryAfterMs, random = Math.random, sleep = defaultSleep, fetch: replacementFetch, onRequest,
    auth = 'auto', allowInsecureHttp, allowHttp, allowPrivateNetwork = false, userAgent = DEFAULT_USER_AGENT, resolve, maxInFlight = Infinity,
  } = options ?? {};
  const httpOptIn = Boolean(allowInsecureHttp ?? allowHttp);
  const addressCheck = replacementFetch === undefined && canUseNodeLookup() ? 'connect' : 'preflight';
  const fetch = replacementFetch
    ?? (addressCheck === 'connect' ? createNodeFetch({ lookup: createSiteLookup({ allowPrivateNetwork: Boolean(allowPrivateNetwork), resolve }) }) : globalThis.fetch);
  const tenantName = options?.tenant;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new TypeError('concurrency must be an integer ≥ 1');
  if (!(timeoutMs > 0)) throw new TypeError('timeoutMs must be > 0');
  if (!(maxInFlight === Infinity || (Number.isInteger(maxInFlight) && maxInFlight >= 1))) throw new TypeError('maxInFlight must be an integer ≥ 1');
  if (typeof fetch !== 'function') throw new TypeError('no fetch implementation');

  const site = parseSiteUrl(siteUrl);
  const tenant = tenantName ?? (site.ok ? site.hostname : String(siteUrl));
  const redact = redactor(consumerSecret);
  const policy = createRetryPolicy({ retries, backoffMs, maxBackoffMs, maxRetryAfterMs, random });

  // An unusable site URL or a refused address fails every call (and is what checkCredentials reports).
  let policyCheck = null;
  const preflight = async (label) => {
    if (site.ok === false) throw new MotoPressError({ code: 'invalid_site_url', tenant, endpoint: label, cause: site.message, attempts: 0 });
    policyCheck ??= checkSite(site, { allowInsecureHttp: httpOptIn, allowPrivateNetwork: Boolean(allowPrivateNetwork), resolve: resolve ?? systemResolve });
    const verdict = await policyCheck;
    if (!verdict.ok) throw new MotoPressError({ code: verdict.code, tenant, endpoint: label, cause: verdict.message, attempts: 0 });
  };

  const signer = createRequestSigner({ consumerKey, consumerSecret, scheme: site.ok ? site.scheme : 'https', auth: site.ok ? auth : 'oauth1' });
  const runner = createRequestRunner({
    apiBase: site.ok ? site.apiBase : '', tenant, signer, policy, fetch, timeoutMs, sleep, onRequest, userAgent, redact, preflight, maxInFlight,
  });

  /**
   * Streams a collection; see page_fetcher.js. Resolves with the pass's summary, plus `requests`, `bytes`
   * (bodies received) and `serverDate` (the site's Date header on page 1, ISO-8601, or null): the site's
   * own clock, which post_modified_gmt is written by.
   * @param {string} collection
   * @param {{query?, onPage?, signal?, expectedPages?: number, parse?: boolean}} [o] expectedPages: see
   *   streamPages; parse false: pages are not parsed here (only checked to be framed as a JSON array) —
   *   the caller parses the bytes and counts ids (`records` null in page events, summary `counted` false)
   */
  async function streamCollection(collection, { query, onPage, signal, expectedPages, parse = true } = {}) {
    checkCollection(collection);
    const { perPage, pairs } = collectionQuery(query);
    let requests = 0;
    let bytes = 0;
    let serverDate = null;
    const onAttempt = () => { requests += 1; };
    const fetchPage = async (page, pageSignal) => {
      const response = await runner.get(`/${collection}`, [['per_page', String(perPage)], ['page', String(page)], ...pairs], {
        expect: parse ? 'array' : 'array-bytes', label: `GET /${collection}?page=${page}`, signal: pageSignal, onAttempt,
      });
      bytes += response.bytes.length;
      if (page === 1) serverDate = httpDate(response.headers);
      return {
        records: response.json,
        bytes: response.bytes,
        total: intHeader(response.headers, 'x-wp-total'),
        totalPages: intHeader(response.headers, 'x-wp-totalpages'),
      };
    };
    const summary = await streamPages({ fetchPage, perPage, concurrency, onPage, signal, collection, expectedPages });
    return { ...summary, requests, bytes, serverDate };
  }

  /**
   * One page of a collection, one request (retried like any other): {status: 200, total, totalPages,
   * bytes}; a refusal (401/403) or any other failure throws MotoPressError (code unauthorized, forbidden, …).
   */
  /** @param {string} collection @param {{query?, page?: number, signal?: AbortSignal}} [o] */
  async function getPage(collection, { query, page = 1, signal } = {}) {
    checkCollection(collection);
    const { perPage, pairs } = collectionQuery(query);
    const response = await runner.get(`/${collection}`, [['per_page', String(perPage)], ['page', String(page)], ...pairs], {
      expect: 'array', label: `GET /${collection}?page=${page}`, signal,
    });
    return { status: response.status, total: intHeader(response.headers, 'x-wp-total'), totalPages: intHeader(response.headers, 'x-wp-totalpages'), bytes: response.bytes };
  }

  /** The whole collection in memory: records (deduplicated, page order) and each page's raw bytes. */
  /** @param {string} collection @param {{query?, onPage?: (event: object) => Promise<void>|void, signal?: AbortSignal}} [o] */
  async function getCollection(collection, { query, onPage, signal } = {}) {
    const records = [];
    const bodies = [];
    const summary = await streamCollection(collection, {
      query,
      signal,
      onPage: async (event) => {
        for (const record of event.records) records.push(record);
        bodies.push(event.bytes);
        await onPage?.(event);
      },
    });
    return { records, bodies, ...summary };
  }

  /** One record. 200 (trashed bookings included: `status: 'trash'`) or 404 are results; the rest throws. */
  /** @param {string} collection @param {number|string} id @param {{signal?: AbortSignal}} [o] */
  async function getOne(collection, id, { signal } = {}) {
    checkCollection(collection);
    if (!(Number.isSafeInteger(Number(id)) && Number(id) > 0 && /^\d+$/.test(String(id)))) throw new TypeError(`id must be a positive integer, not ${JSON.stringify(id)}`);
    const response = await runner.get(`/${collection}/${Number(id)}`, [], { expect: 'object', allow404: true, label: `GET /${collection}/${Number(id)}`, signal });
    if (response.notFound) return { status: 404, body: null, bytes: null, wpCode: response.notFound.wpCode };
    return { status: response.status, body: response.json, bytes: response.bytes };
  }

  /** One GET /accommodation_types?per_page=1, one attempt, mapped for the admin UI. */
  /** @param {{signal?: AbortSignal}} [o] */
  async function checkCredentials({ signal } = {}) {
    try {
      const response = await runner.get('/accommodation_types', [['per_page', '1']], {
        expect: 'array', label: 'GET /accommodation_types?per_page=1', attempts: 1, signal,
      });
      return { ok: true, auth: signer.scheme, accommodationTypes: intHeader(response.headers, 'x-wp-total') };
    } catch (error) {
      if (error instanceof MotoPressError && error.code !== 'aborted') return credentialFailure(error);
      throw error;
    }
  }

  return {
    tenant,
    siteUrl: site.ok ? site.siteUrl : null,
    apiBase: site.ok ? site.apiBase : null,
    auth: signer.scheme,
    addressCheck,
    getCollection,
    streamCollection,
    getPage,
    getOne,
    checkCredentials,
  };
}

// node:http(s) with a socket `lookup` — Node itself; not Deno or Bun, whose node:http compatibility layers
// may ignore the option (a check that silently does nothing is worse than none).
function canUseNodeLookup() {
  return typeof globalThis.Deno === 'undefined' && typeof globalThis.Bun === 'undefined'
    && typeof process !== 'undefined' && process.release?.name === 'node';
}

function checkCollection(collection) {
  if (typeof collection !== 'string' || !COLLECTION_NAME.test(collection)) throw new TypeError(`collection must be a name such as "bookings", not ${JSON.stringify(collection)}`);
}

// per_page from the query (tests page small) or 100; `page` is the client's; `_embed` doubles the payload
// and stalls some hosts (FIELD-NOTES), so it is refused.
function collectionQuery(query) {
  /** @type {Array<[string, string]>} */
  const pairs = [];
  let perPage = MAX_PER_PAGE;
  for (const [name, value] of queryPairs(query)) {
    if (name === 'per_page') {
      perPage = Number(value);
      if (!Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PER_PAGE) throw new TypeError(`per_page must be 1..${MAX_PER_PAGE}, not ${JSON.stringify(value)}`);
    } else if (name === 'page' || name === 'offset') {
      throw new TypeError(`"${name}" is set by the client while paging`);
    } else if (name === '_embed') {
      throw new TypeError('_embed is not used: fetch accommodation types and accommodations once and join in memory');
    } else {
      pairs.push([name, value]);
    }
  }
  return { perPage, pairs };
}

function httpDate(headers) {
  const value = headers?.get('date');
  const time = value ? Date.parse(value) : NaN;
  return Number.isFinite(time) ? new Date(time).toISOString() : null;
}

function intHeader(headers, name) {
  const value = headers?.get(name);
  return value !== null && value !== undefined && /^\s*\d+\s*$/.test(value) ? Number(value) : null;
}

function redactor(secret) {
  if (typeof secret !== 'string' || secret.length < 4) return (text) => text;
  return (text) => (typeof text === 'string' ? text.split(secret).join('[redacted]') : text);
}
