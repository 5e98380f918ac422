// WordPress REST collection semantics, as measured on the real plugin (FIELD-NOTES): per_page 1..100
// and page >= 1 (else 400 rest_invalid_param), a page past the end is 200 [] with the real totals,
// X-WP-Total / X-WP-TotalPages as decimal strings, Link next/prev copying every request parameter
// (oauth_* included), filters after/before/include/exclude/search/orderby/filter[…].
import { errors } from './wp_errors.js';
import { listParam } from './wp_query.js';

const ORDERBY = new Set(['date', 'id', 'include', 'title', 'slug', 'modified']);

function invalid(name, message) {
  return { error: errors.invalidParam({ [name]: message }) };
}

function integerParam(value) {
  return /^-?\d+$/.test(String(value)) ? Number(value) : NaN;
}

// WordPress parses `after`/`before` with strtotime; an unparseable value is silently ignored.
function parseLocalDate(value) {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?))?/.exec(value);
  if (!m) return undefined;
  return `${m[1]}T${(m[2] ?? '00:00:00').padEnd(8, ':00')}`;
}

function statusFilter(filter) {
  const raw = filter?.post_status;
  if (raw === undefined) return undefined;
  return new Set(typeof raw === 'string' ? raw.split(',') : Object.values(raw).map(String));
}

// filter[date_query][i][column|after|before|inclusive] on post_modified_gmt, post_date_gmt or post_date.
function dateQueryClauses(filter) {
  const dq = filter?.date_query;
  if (!dq || typeof dq !== 'object') return [];
  const clauses = [];
  for (const clause of Object.values(dq)) {
    if (!clause || typeof clause !== 'object') continue;
    const column = clause.column ?? 'post_date';
    const field = { post_modified_gmt: 'modified_gmt', post_modified: 'modified_gmt', post_date_gmt: 'created_gmt', post_date: 'created_gmt' }[column];
    if (!field) continue;
    clauses.push({ field, after: parseLocalDate(clause.after), before: parseLocalDate(clause.before), inclusive: clause.inclusive === 'true' || clause.inclusive === '1' });
  }
  return clauses;
}

/**
 * Selects, orders and pages a collection.
 * @param {Array<{record: object, meta: object}>} entities all entities of the collection (trash included)
 * @param {Record<string, any>} query parsed with parseWpQuery
 * @param {{searchable: (entity) => string[], localCreated: (entity) => string}} access
 * @returns {{error?: {status, body}, page?: Array, total?: number, totalPages?: number, pageNumber?: number}}
 */
export function selectPage(entities, query, access) {
  const perPage = query.per_page === undefined ? 10 : integerParam(query.per_page);
  if (!(perPage >= 1 && perPage <= 100)) return invalid('per_page', 'per_page must be between 1 (inclusive) and 100 (inclusive)');
  const pageNumber = query.page === undefined ? 1 : integerParam(query.page);
  if (!(pageNumber >= 1)) return invalid('page', 'page must be greater than or equal to 1');
  const offset = query.offset === undefined ? undefined : integerParam(query.offset);
  if (offset !== undefined && !(offset >= 0)) return invalid('offset', 'offset is not of type integer.');
  const order = query.order ?? 'desc';
  if (order !== 'asc' && order !== 'desc') return invalid('order', 'order is not one of asc and desc.');
  const orderby = query.orderby ?? 'date';
  if (!ORDERBY.has(orderby)) return invalid('orderby', `orderby is not one of ${[...ORDERBY].join(', ')}.`);

  const statuses = statusFilter(query.filter);
  const include = listParam(query.include)?.map(Number);
  const exclude = new Set(listParam(query.exclude)?.map(Number) ?? []);
  const after = parseLocalDate(query.after);
  const before = parseLocalDate(query.before);
  const clauses = dateQueryClauses(query.filter);
  const search = typeof query.search === 'string' && query.search !== '' ? query.search : undefined;

  let selected = entities.filter((e) => {
    const status = e.meta.post_status;
    if (statuses ? !statuses.has(status) && !(statuses.has('any') && status !== 'trash') : status === 'trash') return false;
    if (include && !include.includes(e.record.id)) return false;
    if (exclude.has(e.record.id)) return false;
    const local = access.localCreated(e);
    if (after && !(local > after)) return false;
    if (before && !(local < before)) return false;
    for (const c of clauses) {
      const v = e.meta[c.field];
      if (c.after && !(c.inclusive ? v >= c.after : v > c.after)) return false;
      if (c.before && !(c.inclusive ? v <= c.before : v < c.before)) return false;
    }
    if (search && String(e.record.id) !== search && !access.searchable(e).includes(search)) return false;
    return true;
  });

  const key = {
    date: (e) => e.meta.created_gmt,
    modified: (e) => e.meta.modified_gmt,
    id: (e) => e.record.id,
    title: (e) => e.meta.title ?? '',
    slug: (e) => e.meta.title ?? '',
    include: (e) => (include ? include.indexOf(e.record.id) : e.record.id),
  }[orderby];
  const direction = orderby === 'include' ? 1 : order === 'asc' ? 1 : -1;
  selected = selected.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka < kb) return -direction;
    if (ka > kb) return direction;
    return (a.record.id - b.record.id) * (order === 'asc' ? 1 : -1); // ties as MySQL does in practice: by id
  });

  const total = selected.length;
  const totalPages = Math.ceil(total / perPage);
  const start = offset ?? (pageNumber - 1) * perPage;
  return { page: selected.slice(start, start + perPage), total, totalPages, pageNumber };
}

/**
 * Link header with next/prev URLs that copy every parameter of the request, oauth_* included, as the
 * real plugin does (following them verbatim replays a used nonce).
 * @param {URL} requestUrl the full request URL
 */
export function linkHeader(requestUrl, pageNumber, totalPages) {
  const links = [];
  const at = (page) => {
    const url = new URL(requestUrl);
    url.searchParams.set('page', String(page));
    return url.toString();
  };
  // As WordPress: past the end, "prev" points at the last page.
  if (pageNumber > 1) links.push(`<${at(Math.min(pageNumber - 1, Math.max(totalPages, 1)))}>; rel="prev"`);
  if (pageNumber < totalPages) links.push(`<${at(pageNumber + 1)}>; rel="next"`);
  return links.join(', ');
}
