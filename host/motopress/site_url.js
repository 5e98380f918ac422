// A MotoPress site's URL: normalised into the REST base (`{site}/wp-json/mphb/v1`, FIELD-NOTES "Transport"),
// and checked against the transport policy of SPEC §7: https, or plain http only on a loopback address
// (the simulator) or with an explicit opt-in; no private or link-local addresses unless allowed.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

export const API_PATH = '/wp-json/mphb/v1';

/**
 * Parses and normalises a site URL: trailing slashes stripped, and a pasted API URL (`…/wp-json` or
 * `…/wp-json/mphb/v1`) reduced to the site. Query strings, fragments and embedded credentials are refused.
 * @returns {{ok: true, siteUrl: string, apiBase: string, scheme: 'http'|'https', hostname: string}
 *   | {ok: false, message: string}}
 */
export function parseSiteUrl(input) {
  if (typeof input !== 'string' || input.trim() === '') return { ok: false, message: 'site URL is empty' };
  let url;
  try {
    url = new URL(input.trim());
  } catch {
    return { ok: false, message: `site URL "${input}" is not a URL` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, message: `site URL must be http(s), not ${url.protocol}` };
  if (url.username || url.password) return { ok: false, message: 'site URL must not contain credentials' };
  if (url.search || url.hash || input.includes('?') || input.includes('#')) return { ok: false, message: 'site URL must not contain a query or fragment' };
  const path = url.pathname.replace(/\/+$/, '').replace(/\/wp-json(\/mphb\/v1)?$/, '');
  const siteUrl = `${url.origin}${path}`;
  return {
    ok: true,
    siteUrl,
    apiBase: `${siteUrl}${API_PATH}`,
    scheme: url.protocol === 'https:' ? 'https' : 'http',
    hostname: url.hostname.replace(/^\[|\]$/g, ''),
  };
}

/** True for 127.0.0.0/8, ::1 and `localhost` (loopback needs no opt-in for plain http, SPEC §7). */
export function isLoopbackHost(hostname) {
  const h = hostname.toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) {
    const mapped = mappedIPv4(h);
    return mapped ? mapped.startsWith('127.') : h === '::1';
  }
  return false;
}

// `::ffff:192.168.1.1`, which the URL parser writes as `::ffff:c0a8:101`, is an IPv4 address.
function mappedIPv4(address) {
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (dotted) return dotted[1];
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(address);
  if (!hex) return null;
  const [hi, lo] = [parseInt(hex[1], 16), parseInt(hex[2], 16)];
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** True for private (RFC 1918, CGNAT, ULA) and link-local addresses (IPv4 and IPv6 literals). */
export function isPrivateAddress(address) {
  const v = isIP(address);
  if (v === 4) {
    const [a, b] = address.split('.').map(Number);
    return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)
      || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127) || a === 0;
  }
  if (v === 6) {
    const h = address.toLowerCase();
    const mapped = mappedIPv4(h);
    if (mapped) return isPrivateAddress(mapped);
    return /^f[cd]/.test(h) || /^fe[89ab]/.test(h) || h === '::';
  }
  return false;
}

/**
 * Checks a parsed site against the policy. Resolves the host name once (DNS) to refuse names that point at
 * private addresses; a name that does not resolve is left to the request (→ unreachable).
 * @param {{scheme: string, hostname: string}} site
 * @param {{allowHttp?: boolean, allowPrivateNetwork?: boolean, resolve?: (host: string) => Promise<string[]>}} policy
 * @returns {Promise<{ok: true} | {ok: false, code: 'insecure_site'|'private_address', message: string}>}
 */
export async function checkSitePolicy(site, { allowHttp = false, allowPrivateNetwork = false, resolve = resolveAll } = {}) {
  const loopback = isLoopbackHost(site.hostname);
  if (site.scheme === 'http' && !loopback && !allowHttp) {
    return { ok: false, code: 'insecure_site', message: `the site is plain http (${site.hostname}); use https, or add the tenant with the explicit plain-http opt-in` };
  }
  if (allowPrivateNetwork || loopback) return { ok: true };
  if (isPrivateAddress(site.hostname)) {
    return { ok: false, code: 'private_address', message: `${site.hostname} is a private or link-local address (allowed only for local development)` };
  }
  if (isIP(site.hostname)) return { ok: true };
  let addresses = [];
  try {
    addresses = await resolve(site.hostname);
  } catch {
    return { ok: true }; // does not resolve: the request itself reports "unreachable"
  }
  // A public-looking name that resolves inside (loopback included) is refused: only literal loopback is trusted.
  const inside = addresses.find((a) => isPrivateAddress(a) || isLoopbackHost(a));
  if (inside) return { ok: false, code: 'private_address', message: `${site.hostname} resolves to the private address ${inside} (allowed only for local development)` };
  return { ok: true };
}

async function resolveAll(hostname) {
  return (await lookup(hostname, { all: true })).map((r) => r.address);
}
