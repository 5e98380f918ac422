// Authorization for one request, by scheme (FIELD-NOTES "Transport"): over https HTTP Basic key:secret;
// over plain http one-legged OAuth 1.0a (HMAC-SHA1, signing key `secret&`, no token, parameters in the
// Authorization header) — the secret never crosses the wire. Every call signs afresh: a new nonce and
// timestamp per attempt, retries included, since the plugin accepts each nonce once.
//
// The oauth-1.0a library is given the URL without its query and the query as decoded `data`: its own URL
// parsing would encode bracket keys (`filter[post_status]`) a second time and the signature would not match.
import { createHmac, randomBytes } from 'node:crypto';
import OAuth from 'oauth-1.0a';

import { pairsToData } from './query_string.js';

/**
 * @param {object} o
 * @param {string} o.consumerKey
 * @param {string} o.consumerSecret
 * @param {'http'|'https'} o.scheme
 * @param {'auto'|'basic'|'oauth1'} [o.auth='auto'] auto: Basic over https, OAuth 1.0a over http
 * @param {() => number} [o.nowSeconds] the timestamp source (default: the system clock)
 * @returns {{scheme: 'basic'|'oauth1', headers(method: string, baseUrl: string, pairs: Array<[string, string]>): {Authorization: string}}}
 */
export function createRequestSigner({ consumerKey, consumerSecret, scheme, auth = 'auto', nowSeconds }) {
  if (typeof consumerKey !== 'string' || consumerKey === '') throw new TypeError('consumerKey is required');
  if (typeof consumerSecret !== 'string' || consumerSecret === '') throw new TypeError('consumerSecret is required');
  const method = auth === 'auto' ? (scheme === 'https' ? 'basic' : 'oauth1') : auth;
  if (method === 'basic' && scheme !== 'https') {
    // Basic over http would put the secret on the wire, and the plugin ignores it there anyway.
    throw new TypeError('HTTP Basic is used only over https; plain http sites are signed with OAuth 1.0a');
  }
  if (method === 'basic') {
    const value = `Basic ${Buffer.from(`${consumerKey}:${consumerSecret}`, 'utf8').toString('base64')}`;
    return { scheme: 'basic', headers: () => ({ Authorization: value }) };
  }
  if (method !== 'oauth1') throw new TypeError(`auth must be auto, basic or oauth1, not "${auth}"`);

  const oauth = new OAuth({
    consumer: { key: consumerKey, secret: consumerSecret },
    signature_method: 'HMAC-SHA1',
    hash_function: (base, signingKey) => createHmac('sha1', signingKey).update(base).digest('base64'),
  });
  // A cryptographic nonce (the library's default uses Math.random).
  oauth.getNonce = () => randomBytes(16).toString('hex');
  if (nowSeconds) oauth.getTimeStamp = () => Math.floor(nowSeconds());

  return {
    scheme: 'oauth1',
    headers(httpMethod, baseUrl, pairs) {
      const params = oauth.authorize({ url: baseUrl, method: httpMethod, data: pairsToData(pairs) });
      return oauth.toHeader(params);
    },
  };
}
