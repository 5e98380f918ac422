// A test client for the simulator that signs as a real integration would: one-legged OAuth 1.0a with
// the maintained `oauth-1.0a` library (independent of the simulator's own verifier), or Basic.
import { createHmac } from 'node:crypto';
import OAuth from 'oauth-1.0a';

/**
 * Signs and sends a request.
 * @param {string} url full URL, query included
 * @param {object} o
 * @param {string} o.key  @param {string} o.secret
 * @param {string} [o.method='GET']
 * @param {'HMAC-SHA1'|'HMAC-SHA256'} [o.signatureMethod]
 * @param {'header'|'query'} [o.placement='header']
 * @param {number} [o.timestamp] seconds; default now
 * @param {string} [o.nonce]
 * @param {object} [o.body] JSON body for writes
 * @param {(oauthParams: object) => object} [o.tamper] change the signed parameters before sending
 */
export async function oauthFetch(url, { key, secret, method = 'GET', signatureMethod = 'HMAC-SHA1', placement = 'header', timestamp, nonce, body, tamper, signal } = {}) {
  const { href, headers } = signRequest(url, { key, secret, method, signatureMethod, placement, timestamp, nonce, tamper });
  return fetch(href, {
    method,
    headers: { ...headers, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    signal,
  });
}

/** The URL and headers of a signed request, without sending it. */
export function signRequest(url, { key, secret, method = 'GET', signatureMethod = 'HMAC-SHA1', placement = 'header', timestamp, nonce, tamper }) {
  const algorithm = signatureMethod === 'HMAC-SHA256' ? 'sha256' : 'sha1';
  const oauth = OAuth({
    consumer: { key, secret },
    signature_method: signatureMethod,
    hash_function: (base, signingKey) => createHmac(algorithm, signingKey).update(base).digest('base64'),
  });
  if (timestamp !== undefined) oauth.getTimeStamp = () => timestamp;
  if (nonce !== undefined) oauth.getNonce = () => nonce;
  const parsed = new URL(url);
  const base = `${parsed.origin}${parsed.pathname}`;
  // Pass the query as decoded data: the library then encodes names and values exactly once.
  // Repeated names (include[]=1&include[]=2) become arrays, which the library signs value by value.
  const data = {};
  for (const [k, v] of parsed.searchParams) data[k] = k in data ? [].concat(data[k], v) : v;
  let params = oauth.authorize({ url: base, method, data });
  if (tamper) params = tamper({ ...params });
  if (placement === 'query') {
    for (const [k, v] of Object.entries(params)) if (k.startsWith('oauth_')) parsed.searchParams.set(k, v);
    return { href: parsed.toString(), headers: {} };
  }
  return { href: parsed.toString(), headers: oauth.toHeader(params) };
}

export function basicHeader(key, secret) {
  return { Authorization: `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}` };
}
