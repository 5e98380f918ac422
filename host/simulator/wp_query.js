// Reads a WordPress REST query string: plain parameters, PHP-style arrays (`include[]=1&include[]=2`,
// `include=1,2`) and nested objects (`filter[date_query][0][after]=…`), as PHP's parse_str would.

/**
 * @param {URLSearchParams} params
 * @returns {Record<string, any>} nested object; repeated `a[]` become arrays, `a[0]` objects keyed "0"
 */
export function parseWpQuery(params) {
  const out = {};
  for (const [rawKey, value] of params) {
    const match = /^([^[\]]+)((?:\[[^\]]*\])*)$/.exec(rawKey);
    if (!match) {
      out[rawKey] = value;
      continue;
    }
    const path = [match[1], ...[...match[2].matchAll(/\[([^\]]*)\]/g)].map((m) => m[1])];
    let node = out;
    for (let i = 0; i < path.length; i++) {
      const last = i === path.length - 1;
      /** @type {string|number} */
      let key = path[i];
      if (key === '') key = Array.isArray(node) ? node.length : Object.keys(node).length;
      if (last) {
        node[key] = value;
      } else {
        if (typeof node[key] !== 'object' || node[key] === null) node[key] = path[i + 1] === '' ? [] : {};
        node = node[key];
      }
    }
  }
  return out;
}

/** A list parameter (`include=1,2`, `include[]=1`, `include[0]=1`) as an array of strings. */
export function listParam(value) {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value.split(',').map((s) => s.trim()).filter(Boolean);
  return Object.values(value).map(String);
}
