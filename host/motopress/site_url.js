// A MotoPress site's URL: parsed and normalised into the REST base (`{site}/wp-json/mphb/v1`, FIELD-NOTES
// "Transport"). Which URLs and addresses are allowed (SPEC §7) is the one policy in
// host/tenants/site_url_policy.js, which the client, `tenant add` and `adopt` all use.

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
