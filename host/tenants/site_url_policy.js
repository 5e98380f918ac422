// Which MotoPress site URLs a tenant may use (SPEC §7): https, or plain http only with an explicit
// opt-in (then OAuth 1.0a signing keeps the secret off the wire); a loopback address (the simulator)
// needs no opt-in; private and link-local addresses are refused unless allowed for local development.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

export class SiteUrlError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

function isLoopback(address) {
  return /^127\./.test(address) || address === '::1';
}

function isPrivateOrLinkLocal(address) {
  return /^10\./.test(address) || /^192\.168\./.test(address) || /^172\.(1[6-9]|2\d|3[01])\./.test(address)
    || /^169\.254\./.test(address) || /^0\./.test(address) || /^(fc|fd)[0-9a-f]{2}:/i.test(address) || /^fe80:/i.test(address);
}

/**
 * @param {string} siteUrl
 * @param {{allowInsecureHttp?: boolean, allowPrivateNetwork?: boolean, resolve?: (host) => Promise<string[]>}} [options]
 * @returns {Promise<string>} the normalised site URL (no trailing slash)
 * @throws {SiteUrlError} invalid_site_url | insecure_site_url | private_site_url
 */
export async function checkSiteUrl(siteUrl, options = {}) {
  let url;
  try {
    url = new URL(siteUrl);
  } catch {
    throw new SiteUrlError('invalid_site_url', `site URL "${siteUrl}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new SiteUrlError('invalid_site_url', `site URL must be http(s), got ${url.protocol}`);
  if (url.username || url.password) throw new SiteUrlError('invalid_site_url', 'site URL must not contain credentials');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const resolve = options.resolve ?? (async (h) => (await lookup(h, { all: true })).map((a) => a.address));
  let addresses;
  try {
    addresses = isIP(host) ? [host] : host === 'localhost' ? ['127.0.0.1'] : await resolve(host);
  } catch {
    addresses = []; // unresolvable now: the credential check reports "unreachable"
  }
  const loopback = addresses.length > 0 && addresses.every(isLoopback);
  if (url.protocol === 'http:' && !loopback && !options.allowInsecureHttp) {
    throw new SiteUrlError('insecure_site_url', `site URL ${url.origin} is plain http: use https, or opt in with --allow-insecure-http (requests are then OAuth-signed)`);
  }
  if (addresses.some(isPrivateOrLinkLocal) && !options.allowPrivateNetwork) {
    throw new SiteUrlError('private_site_url', `site URL ${url.origin} resolves to a private or link-local address; allowed only with --allow-private-network (local development)`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
