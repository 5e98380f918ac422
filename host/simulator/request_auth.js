// Authenticates a REST request the way the plugin does (FIELD-NOTES): over plain HTTP Basic credentials
// are silently ignored and one-legged OAuth 1.0a is required; over HTTPS Basic (or consumer_key /
// consumer_secret query parameters) and OAuth both work. Then the key's read / write permission.
import { errors } from './wp_errors.js';
import { verifyOAuth1 } from './oauth1_verifier.js';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function findKey(site, consumerKey) {
  return Object.values(site.keys).find((k) => k.key === consumerKey);
}

function basicCredentials(header) {
  if (!header || !/^Basic\s/i.test(header)) return null;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { key: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/**
 * @param {object} request {method, scheme, baseUri, queryPairs, headers}
 * @param {import('./hotel_site.js').HotelSite} site
 * @param {import('./oauth1_verifier.js').NonceStore} nonces
 * @param {number} nowSeconds
 * @returns {{ok: true, key: object} | {ok: false, error: {status, body}}}
 */
export function authenticate(request, site, nonces, nowSeconds) {
  const { method, scheme, baseUri, queryPairs, headers } = request;
  let key;
  const oauth = verifyOAuth1({ method, baseUri, queryPairs, authorization: headers.authorization },
    (consumerKey) => findKey(site, consumerKey), nonces, nowSeconds);
  if (oauth.ok) {
    key = findKey(site, oauth.consumerKey);
  } else if (oauth.ok === false && oauth.reason === 'missing_parameter') {
    return { ok: false, error: errors.missingParameter(oauth.message) };
  } else if (oauth.ok === false && oauth.reason === 'invalid') {
    return { ok: false, error: errors.authentication(oauth.message) };
  } else if (scheme === 'https') {
    const query = Object.fromEntries(queryPairs);
    const basic = basicCredentials(headers.authorization)
      ?? (query.consumer_key ? { key: query.consumer_key, secret: query.consumer_secret ?? '' } : null);
    if (basic) {
      key = findKey(site, basic.key);
      if (!key) return { ok: false, error: errors.authentication('Consumer key is invalid.') };
      if (key.secret !== basic.secret) return { ok: false, error: errors.authentication('Consumer secret is invalid.') };
    }
  }
  // Plain HTTP with Basic only, or nothing at all: the request is anonymous.
  if (!key) return { ok: false, error: errors.cannotView() };
  const needs = WRITE_METHODS.has(method) ? 'write' : 'read';
  if (key.permissions !== 'read_write' && key.permissions !== needs) {
    return { ok: false, error: errors.authentication(`The API key provided does not have ${needs} permissions.`) };
  }
  return { ok: true, key };
}
