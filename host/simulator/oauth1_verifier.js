// One-legged OAuth 1.0a verification as the plugin does it over plain HTTP (RFC 5849 §3.4, WooCommerce
// style): HMAC-SHA1 or HMAC-SHA256, signing key `consumer_secret&`, parameters from the query string or
// an `Authorization: OAuth …` header, timestamp within ±15 minutes, each nonce accepted once.
// Written from the RFC, independently of the client library the tests sign with.
import { createHmac, timingSafeEqual } from 'node:crypto';

const TIMESTAMP_WINDOW_SECONDS = 15 * 60;
const REQUIRED = ['oauth_consumer_key', 'oauth_timestamp', 'oauth_nonce', 'oauth_signature', 'oauth_signature_method'];

/** RFC 3986 percent-encoding (unreserved characters kept), as RFC 5849 §3.6 requires. */
export function rfc3986(value) {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Parses `Authorization: OAuth k="v", …` into pairs; returns null when the header is not OAuth. */
export function parseOAuthHeader(header) {
  if (!header || !/^OAuth\s/i.test(header)) return null;
  const pairs = [];
  for (const m of header.slice(6).matchAll(/([A-Za-z0-9_-]+)="([^"]*)"/g)) {
    if (m[1] === 'realm') continue;
    pairs.push([decodeURIComponent(m[1]), decodeURIComponent(m[2])]);
  }
  return pairs;
}

/** RFC 5849 §3.4.1 signature base string. `pairs` are decoded [name, value] pairs (oauth_signature excluded). */
export function signatureBaseString(method, baseUri, pairs) {
  const normalized = pairs
    .map(([k, v]) => [rfc3986(k), rfc3986(v)])
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  return [method.toUpperCase(), rfc3986(baseUri), rfc3986(normalized)].join('&');
}

/**
 * Remembers used nonces per consumer key for the timestamp window (the plugin stores them likewise).
 */
export class NonceStore {
  constructor() {
    this.used = new Map(); // key → Map(nonce → timestamp)
  }

  /** @returns {boolean} true when the nonce is fresh (and records it), false when it was used before */
  claim(consumerKey, nonce, timestamp, nowSeconds) {
    let nonces = this.used.get(consumerKey);
    if (!nonces) this.used.set(consumerKey, (nonces = new Map()));
    for (const [n, t] of nonces) if (t < nowSeconds - 2 * TIMESTAMP_WINDOW_SECONDS) nonces.delete(n);
    if (nonces.has(nonce)) return false;
    nonces.set(nonce, timestamp);
    return true;
  }
}

/**
 * Verifies an OAuth 1.0a request.
 * @param {object} request
 * @param {string} request.method
 * @param {string} request.baseUri  scheme://host[:port]/path, no query (RFC 5849 §3.4.1.2)
 * @param {Array<[string,string]>} request.queryPairs  decoded query parameters
 * @param {string|undefined} request.authorization  the Authorization header
 * @param {(consumerKey: string) => ({secret: string}|undefined)} lookupKey
 * @param {NonceStore} nonces
 * @param {number} nowSeconds
 * @returns {{ok: true, consumerKey: string} | {ok: false, reason: 'absent'|'missing_parameter'|'invalid', message: string}}
 */
export function verifyOAuth1({ method, baseUri, queryPairs, authorization }, lookupKey, nonces, nowSeconds) {
  const headerPairs = parseOAuthHeader(authorization);
  const oauthInQuery = queryPairs.some(([k]) => k.startsWith('oauth_'));
  if (!headerPairs && !oauthInQuery) return { ok: false, reason: 'absent', message: 'No OAuth parameters.' };
  const allPairs = [...queryPairs, ...(headerPairs ?? [])];
  const oauth = Object.fromEntries(allPairs.filter(([k]) => k.startsWith('oauth_')));
  const missing = REQUIRED.filter((k) => !oauth[k]);
  if (missing.length > 0) {
    return { ok: false, reason: 'missing_parameter', message: `Missing OAuth parameter ${missing.join(', ')}` };
  }
  if (oauth.oauth_version && oauth.oauth_version !== '1.0') {
    return { ok: false, reason: 'invalid', message: 'Invalid OAuth version.' };
  }
  const algorithm = { 'HMAC-SHA1': 'sha1', 'HMAC-SHA256': 'sha256' }[oauth.oauth_signature_method];
  if (!algorithm) return { ok: false, reason: 'invalid', message: 'Invalid signature method - must be HMAC-SHA1 or HMAC-SHA256' };
  const key = lookupKey(oauth.oauth_consumer_key);
  if (!key) return { ok: false, reason: 'invalid', message: 'Consumer key is invalid.' };
  const timestamp = Number(oauth.oauth_timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > TIMESTAMP_WINDOW_SECONDS) {
    return { ok: false, reason: 'invalid', message: 'Invalid timestamp.' };
  }
  const signed = allPairs.filter(([k]) => k !== 'oauth_signature');
  const base = signatureBaseString(method, baseUri, signed);
  const expected = createHmac(algorithm, `${rfc3986(key.secret)}&`).update(base).digest();
  const given = Buffer.from(oauth.oauth_signature, 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'invalid', message: 'Invalid signature - provided signature does not match.' };
  }
  // Only a correctly signed request spends its nonce, as in the plugin.
  if (!nonces.claim(oauth.oauth_consumer_key, oauth.oauth_nonce, timestamp, nowSeconds)) {
    return { ok: false, reason: 'invalid', message: 'Invalid nonce - nonce has already been used.' };
  }
  return { ok: true, consumerKey: oauth.oauth_consumer_key };
}
