// The one site-URL policy (SPEC §7), used by `tenant add`, `adopt`, the MotoPress client and any HTTP path
// that accepts a site URL: https, or plain http only with an explicit opt-in (then OAuth 1.0a signing keeps
// the secret off the wire) or on a loopback host (the simulator); and only addresses on the public
// internet, unless the tenant opted in to a private network (local development).
//
// Addresses are classified with ipaddr.js: IPv4-mapped IPv6 (`::ffff:10.0.0.1`) is un-mapped first, and
// the IPv4 address embedded in NAT64 (64:ff9b::/96), IPv4-translated (::ffff:0:0:0/96), 6to4 (2002::/16)
// and Teredo (2001::/32) addresses is classified too — the most restrictive class wins.
//
//   class (ipaddr range)                                   without opt-in   with allowPrivateNetwork
//   public unicast, as112, amt, documentation (see below)   allowed          allowed
//   loopback (127/8, ::1)                                   literal/localhost host only; a name that
//                                                           resolves to it: refused     allowed
//   private (RFC 1918), linkLocal (169.254/16, fe80::/10),
//   carrierGradeNat (100.64/10), uniqueLocal (fc00::/7),
//   deprecatedSiteLocal, local-use NAT64 (64:ff9b:1::/48)   refused          allowed
//   reserved (192.0.0/24, 240/4, …), benchmarking
//   (198.18/15, 2001:2::/48), discard, ORCHID, SRv6,
//   IPv4-compatible ::a.b.c.d, anything unclassified        refused          allowed
//   unspecified (0/8, ::), multicast, broadcast             refused          refused (never)
//
// Documentation prefixes (192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32) are never routed on the
// internet; they count as public so that examples and tests can stand for a public host with them.
//
// The check happens twice: before any request (`checkSite`, which resolves a name once for an early,
// clear refusal) and — on Node — at connect time, through `createSiteLookup`, the `lookup` the client's
// sockets resolve names with, so the address checked is the address connected to (no DNS-rebinding
// window). See host/motopress/motopress_client.js for where each is used and the edge-runtime limit.
import dns from 'node:dns';
import { isIP } from 'node:net';

import ipaddr from 'ipaddr.js';

import { parseSiteUrl } from '../motopress/site_url.js';

export class SiteUrlError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/** Thrown by the connect-time lookup; http_exchange.js reports `failureCode` instead of a network error. */
export class SiteAddressError extends Error {
  constructor(message, { address = null, category = null } = {}) {
    super(message);
    this.name = 'SiteAddressError';
    this.code = 'ERR_SITE_ADDRESS_REFUSED';
    this.failureCode = 'private_address';
    this.address = address;
    this.category = category;
  }
}

/** @type {Array<[ipaddr.IPv4|ipaddr.IPv6, number]>} address ranges: [network, prefix length] */
const DOCUMENTATION = [
  ['192.0.2.0', 24], ['198.51.100.0', 24], ['203.0.113.0', 24], ['2001:db8::', 32],
].map(([a, bits]) => [ipaddr.parse(String(a)), Number(bits)]);
/** @type {[ipaddr.IPv4|ipaddr.IPv6, number]} */
const BENCHMARKING_V4 = [ipaddr.parse('198.18.0.0'), 15];
/** @type {[ipaddr.IPv4|ipaddr.IPv6, number]} */
const NAT64_WELL_KNOWN = [ipaddr.parse('64:ff9b::'), 96];
/** @type {[ipaddr.IPv4|ipaddr.IPv6, number]} */
const IPV4_COMPATIBLE = [ipaddr.parse('::'), 96];

const PUBLIC_RANGES = new Set(['unicast', 'as112', 'amt', 'as112v6']);
const PRIVATE_RANGES = new Set(['private', 'linkLocal', 'carrierGradeNat', 'uniqueLocal', 'deprecatedSiteLocal']);
const NEVER_RANGES = new Set(['unspecified', 'multicast', 'broadcast']);
const RANK = { public: 0, loopback: 1, private: 2, reserved: 3, never: 4, invalid: 5 };

const LABELS = {
  unicast: 'public', as112: 'public (AS112)', amt: 'public (AMT)', as112v6: 'public (AS112)', documentation: 'documentation',
  loopback: 'loopback', private: 'private', linkLocal: 'link-local', carrierGradeNat: 'carrier-grade NAT (100.64.0.0/10)',
  uniqueLocal: 'unique-local', deprecatedSiteLocal: 'site-local', nat64LocalUse: 'local-use NAT64',
  reserved: 'reserved', benchmarking: 'benchmarking', discard: 'discard-only', ipv4Compatible: 'IPv4-compatible IPv6',
  unspecified: 'unspecified', multicast: 'multicast', broadcast: 'broadcast', invalid: 'unparseable',
};

const inRange = (addr, [net, bits]) => addr.kind() === net.kind() && addr.match(net, bits);
const v4From = (hi, lo) => ipaddr.fromByteArray([hi >> 8, hi & 255, lo >> 8, lo & 255]);

/**
 * The class of one IP address.
 * @param {string} address an IPv4 or IPv6 address (brackets allowed)
 * @returns {{address: string, range: string, category: 'public'|'loopback'|'private'|'reserved'|'never'|'invalid',
 *   label: string, embedded?: {address: string, range: string, via: string}}}
 */
export function classifyAddress(address) {
  const text = String(address ?? '').replace(/^\[|\]$/g, '');
  let addr;
  try {
    addr = ipaddr.process(text); // un-maps ::ffff:a.b.c.d to a.b.c.d
  } catch {
    return { address: text, range: 'invalid', category: 'invalid', label: LABELS.invalid };
  }
  const normal = addr.toString();
  const own = rangeOf(addr);
  const embedded = embeddedIPv4(addr, own);
  if (!embedded) return { address: normal, range: own, category: categoryOf(own), label: LABELS[own] ?? own };
  // NAT64, IPv4-translated, 6to4, Teredo: the embedded IPv4 address (or the worst of two, for Teredo).
  let worst = null;
  for (const inner of embedded.addresses) {
    const range = rangeOf(inner);
    let category = categoryOf(range);
    if (category === 'loopback') category = 'private'; // a translator's loopback is not ours
    if (!worst || RANK[category] > RANK[worst.category]) worst = { range, category, inner };
  }
  const { category } = worst;
  return {
    address: normal, range: own, category,
    label: LABELS[worst.range] ?? worst.range,
    embedded: { address: worst.inner.toString(), range: worst.range, via: embedded.via },
  };
}

function rangeOf(addr) {
  if (DOCUMENTATION.some((r) => inRange(addr, r))) return 'documentation';
  if (inRange(addr, BENCHMARKING_V4)) return 'benchmarking';
  const range = addr.range();
  if (addr.kind() === 'ipv6') {
    if (range === 'rfc6052' && !inRange(addr, NAT64_WELL_KNOWN)) return 'nat64LocalUse';
    if (range === 'unicast' && inRange(addr, IPV4_COMPATIBLE)) return 'ipv4Compatible';
  }
  return range;
}

/** @returns {'public'|'loopback'|'private'|'reserved'|'never'|'invalid'} */
function categoryOf(range) {
  if (PUBLIC_RANGES.has(range) || range === 'documentation') return 'public';
  if (range === 'loopback') return 'loopback';
  if (PRIVATE_RANGES.has(range) || range === 'nat64LocalUse') return 'private';
  if (NEVER_RANGES.has(range)) return 'never';
  if (range === 'invalid') return 'invalid';
  return 'reserved'; // reserved, benchmarking, discard, ORCHID, SRv6, IPv4-compatible, anything new
}

function embeddedIPv4(addr, range) {
  if (addr.kind() !== 'ipv6') return null;
  const p = addr.parts;
  if (range === 'rfc6052') return { via: 'NAT64', addresses: [v4From(p[6], p[7])] };
  if (range === 'rfc6145') return { via: 'IPv4-translated', addresses: [v4From(p[6], p[7])] };
  if (range === '6to4') return { via: '6to4', addresses: [v4From(p[1], p[2])] };
  if (range === 'teredo') return { via: 'Teredo', addresses: [v4From(p[2], p[3]), v4From(~p[6] & 0xffff, ~p[7] & 0xffff)] };
  return null;
}

/** True for `localhost`, `*.localhost` and loopback IP literals (127/8, ::1, ::ffff:127.x): plain http needs no opt-in. */
export function isLoopbackHost(hostname) {
  const h = String(hostname ?? '').toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 0) return false;
  const c = classifyAddress(h);
  return c.category === 'loopback' && !c.embedded;
}

/**
 * May a connection go to this address?
 * @param {string} address
 * @param {{allowPrivateNetwork?: boolean, loopbackHost?: boolean}} [o] loopbackHost: the URL's host is itself
 *   loopback (`localhost`, 127.0.0.1) — only then is a loopback address allowed without the opt-in
 * @returns {{allowed: boolean, category: string, label: string, address: string, description: string,
 *   reason: string|null, because: string|null}} reason: "10.0.0.1 is a private address; …"; because: the same
 *   without the address (for "hotel.test resolves to 10.0.0.1, a private address; …")
 */
export function addressVerdict(address, { allowPrivateNetwork = false, loopbackHost = false } = {}) {
  const c = classifyAddress(address);
  let allowed;
  switch (c.category) {
    case 'public': allowed = true; break;
    case 'loopback': allowed = loopbackHost || allowPrivateNetwork; break;
    case 'private':
    case 'reserved': allowed = allowPrivateNetwork; break;
    default: allowed = false; // never, invalid
  }
  const a = (word) => (/^(?:[aeio]|u(?!ni)|IPv)/i.test(word) ? 'an' : 'a');
  const description = c.embedded
    ? `${a(c.embedded.via)} ${c.embedded.via} address embedding ${c.embedded.address}, ${a(c.label)} ${c.label} address`
    : `${a(c.label)} ${c.label} address`;
  let because = null;
  if (!allowed) {
    if (c.category === 'never' || c.category === 'invalid') because = `${description}, never allowed (not even with --allow-private-network)`;
    else if (c.category === 'loopback') because = `${description}, allowed without --allow-private-network only when the site URL names it (localhost, 127.0.0.1, [::1])`;
    else because = `${description}; private or link-local addresses (and other non-public ranges) are allowed only with --allow-private-network (local development)`;
  }
  return { allowed, category: c.category, label: c.label, address: c.address, description, reason: because && `${c.address} is ${because}`, because };
}

/** The system resolver: every address of a name (A and AAAA), as strings. */
export async function systemResolve(hostname) {
  return (await dns.promises.lookup(hostname, { all: true })).map((r) => r.address);
}

/**
 * Checks a parsed site (see host/motopress/site_url.js parseSiteUrl) before any request: scheme, a literal
 * address, and — for a name — every address it resolves to now. A name that does not resolve passes (the
 * request reports "unreachable"; the connect-time lookup checks what it does resolve to then).
 * @param {{scheme: 'http'|'https', hostname: string}} site
 * @param {{allowInsecureHttp?: boolean, allowPrivateNetwork?: boolean, resolve?: (host: string) => Promise<string[]>}} [o]
 * @returns {Promise<{ok: true, addresses: string[]} | {ok: false, code: 'insecure_site'|'private_address', message: string}>}
 */
export async function checkSite(site, { allowInsecureHttp = false, allowPrivateNetwork = false, resolve = systemResolve } = {}) {
  const hostname = site.hostname.replace(/^\[|\]$/g, '');
  const loopbackHost = isLoopbackHost(hostname);
  if (site.scheme === 'http' && !loopbackHost && !allowInsecureHttp) {
    return { ok: false, code: 'insecure_site', message: `the site is plain http (${site.hostname}); use https, or opt in with --allow-insecure-http (requests are then OAuth 1.0a signed)` };
  }
  let addresses;
  if (isIP(hostname)) {
    addresses = [hostname];
  } else {
    try {
      addresses = await resolve(hostname);
    } catch {
      return { ok: true, addresses: [] };
    }
  }
  for (const address of addresses) {
    const v = addressVerdict(address, { allowPrivateNetwork, loopbackHost });
    if (!v.allowed) {
      const message = isIP(hostname) ? v.reason : `${hostname} resolves to ${v.address}, ${v.because}`;
      return { ok: false, code: 'private_address', message };
    }
  }
  return { ok: true, addresses };
}

const SITE_URL_ERROR_CODES = { insecure_site: 'insecure_site_url', private_address: 'private_site_url' };

/**
 * The site URL as `tenant add` and `adopt` store it: parsed, normalised and checked.
 * @param {string} siteUrl
 * @param {{allowInsecureHttp?: boolean, allowPrivateNetwork?: boolean, resolve?: (host: string) => Promise<string[]>}} [options]
 * @returns {Promise<string>} the normalised site URL (no trailing slash, a pasted `/wp-json/mphb/v1` removed)
 * @throws {SiteUrlError} invalid_site_url | insecure_site_url | private_site_url
 */
export async function checkSiteUrl(siteUrl, options = {}) {
  const site = parseSiteUrl(siteUrl);
  if (site.ok === false) throw new SiteUrlError('invalid_site_url', site.message);
  const verdict = await checkSite(site, options);
  if (verdict.ok === false) throw new SiteUrlError(SITE_URL_ERROR_CODES[verdict.code], `site URL ${new URL(site.siteUrl).origin}: ${verdict.message}`);
  return site.siteUrl;
}

/**
 * A `lookup` for node:net / node:http(s) (`{lookup}` request or agent option) that resolves a name and
 * refuses — with a SiteAddressError — when any address it resolves to is refused by the policy, so the
 * socket only ever connects to an address that was checked. IP literals never reach a lookup (node connects
 * to them directly); `checkSite` checks those.
 * @param {{allowPrivateNetwork?: boolean, resolve?: (host: string) => Promise<string[]>}} [o] resolve: replaces
 *   the system resolver (tests point a name anywhere without DNS)
 * @returns {(hostname: string, options: object, callback: Function) => void}
 */
export function createSiteLookup({ allowPrivateNetwork = false, resolve } = {}) {
  return function siteLookup(hostname, options, callback) {
    if (typeof options === 'function') [callback, options] = [options, {}];
    const opts = typeof options === 'number' ? { family: options } : (options ?? {});
    const family = opts.family === 'IPv4' ? 4 : opts.family === 'IPv6' ? 6 : Number(opts.family) || 0;
    const answer = resolve
      ? Promise.resolve().then(() => resolve(hostname)).then((list) => list.map((address) => ({ address, family: isIP(address) })))
      : dns.promises.lookup(hostname, { all: true, family, hints: opts.hints });
    answer.then((records) => {
      const usable = records.filter((r) => family === 0 || r.family === family);
      if (usable.length === 0) {
        throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
      }
      const loopbackHost = isLoopbackHost(hostname);
      for (const r of usable) {
        const v = addressVerdict(r.address, { allowPrivateNetwork, loopbackHost });
        if (!v.allowed) throw new SiteAddressError(`${hostname} resolved at connect time to ${v.address}, ${v.because}`, { address: v.address, category: v.category });
      }
      if (opts.all) callback(null, usable);
      else callback(null, usable[0].address, usable[0].family);
    }).catch((error) => callback(error));
  };
}
