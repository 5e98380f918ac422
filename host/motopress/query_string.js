// WordPress query parameters as decoded [name, value] pairs, and their one-time RFC 3986 encoding.
// A query is given either flat (`{'filter[post_status]': 'trash'}`) or nested
// (`{filter: {date_query: [{column: 'post_modified_gmt', after: '2026-01-01T00:00:00'}]}}`), which is
// flattened the way PHP's parse_str reads it back (`filter[date_query][0][column]=…`). An array of plain
// values becomes repeated `name[]` pairs (`include: [1, 2]` → `include[]=1&include[]=2`); pass a string
// (`include: '1,2'`) for the comma form, which WordPress accepts too.

/** RFC 3986 percent-encoding (only unreserved characters kept), as OAuth 1.0a signs it. */
export function rfc3986(value) {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * @param {Record<string, any>|Array<[string, any]>|URLSearchParams|undefined} query
 * @returns {Array<[string, string]>} decoded pairs, in the given order
 */
export function queryPairs(query) {
  if (query === undefined || query === null) return [];
  if (query instanceof URLSearchParams) return [...query];
  if (Array.isArray(query)) return query.map(([k, v]) => /** @type {[string, string]} */ ([String(k), scalar(k, v)]));
  const pairs = [];
  for (const [name, value] of Object.entries(query)) flatten(name, value, pairs);
  return pairs;
}

function flatten(name, value, pairs) {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) {
      const key = name.endsWith('[]') ? name : `${name}[]`;
      for (const v of value) if (v !== undefined && v !== null) pairs.push([key, scalar(name, v)]);
      return;
    }
    value.forEach((v, i) => flatten(`${name}[${i}]`, v, pairs));
    return;
  }
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(`${name}[${k}]`, v, pairs);
    return;
  }
  pairs.push([name, scalar(name, value)]);
}

function scalar(name, value) {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  throw new TypeError(`query parameter "${name}" must be a string, number or boolean`);
}

/** `a=1&filter%5Bpost_status%5D=trash`: each name and value encoded exactly once. */
export function encodeQuery(pairs) {
  return pairs.map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`).join('&');
}

/** Decoded pairs as the oauth-1.0a library's `data` object (repeated names → arrays). */
export function pairsToData(pairs) {
  const data = {};
  for (const [k, v] of pairs) {
    if (!Object.hasOwn(data, k)) data[k] = v;
    else if (Array.isArray(data[k])) data[k].push(v);
    else data[k] = [data[k], v];
  }
  return data;
}
