// WordPress REST collection semantics, as measured on the real plugin (FIELD-NOTES): per_page 1..100
// and page >= 1 (else 400 rest_invalid_param), a page past the end is 200 [] with the real totals,
// X-WP-Total / X-WP-TotalPages as decimal strings, Link next/prev copying every request parameter
// (oauth_* included), filters after/before/include/exclude/search/orderby/filter[…].
import { plainString } from './plain_string.js';
import { errors } from './wp_errors.js';
import { listParam } from './wp_query.js';

/**
 * @typedef {{perPage: number, pageNumber: number, offset?: number, order: 'asc'|'desc', orderby: string,
 *   statuses?: Set<string>, include?: number[], exclude: Set<number>, after?: string, before?: string,
 *   clauses: Array<{field: string, after?: string, before?: string, inclusive: boolean}>, search?: string}} CollectionQuery
 */

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
  return plainString(`${m[1]}T${(m[2] ?? '00:00:00').padEnd(8, ':00')}`);
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
 * Reads and validates the paging, ordering and filter parameters of a collection request.
 * @param {Record<string, any>} query parsed with parseWpQuery
 * @returns {{error: {status, body}} | CollectionQuery}
 */
export function parseCollectionQuery(query) {
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
  return {
    perPage,
    pageNumber,
    offset,
    order,
    orderby,
    statuses: statusFilter(query.filter),
    include: listParam(query.include)?.map(Number),
    exclude: new Set(listParam(query.exclude)?.map(Number) ?? []),
    after: parseLocalDate(query.after),
    before: parseLocalDate(query.before),
    clauses: dateQueryClauses(query.filter),
    search: typeof query.search === 'string' && query.search !== '' ? query.search : undefined,
  };
}

/**
 * Whether an entity is listed: post status (trash only when asked for), include/exclude, after/before,
 * date_query clauses and search.
 * @param {CollectionQuery} q
 * @param {{searchable: (entity) => string[], localCreated: (entity) => string}} access
 */
export function entityFilter(q, access) {
  const { statuses, include, exclude, after, before, clauses, search } = q;
  return (e) => {
    const status = e.meta.post_status;
    if (statuses ? !statuses.has(status) && !(statuses.has('any') && status !== 'trash') : status === 'trash') return false;
    if (include && !include.includes(e.record.id)) return false;
    // Only when asked: records come in many shapes, so reading their id is a slow (megamorphic) load.
    if (exclude.size > 0 && exclude.has(e.record.id)) return false;
    if (after || before) {
      const local = access.localCreated(e);
      if (after && !(local > after)) return false;
      if (before && !(local < before)) return false;
    }
    for (const c of clauses) {
      const v = e.meta[c.field];
      if (c.after && !(c.inclusive ? v >= c.after : v > c.after)) return false;
      if (c.before && !(c.inclusive ? v <= c.before : v < c.before)) return false;
    }
    if (search && String(e.record.id) !== search && !access.searchable(e).includes(search)) return false;
    return true;
  };
}

/** The order of a listing: the orderby key in the asked direction, ties as MySQL shows them (by id). */
export function entityOrder(q) {
  const { include, order, orderby } = q;
  const key = {
    date: (e) => e.meta.created_gmt,
    modified: (e) => e.meta.modified_gmt,
    id: (e) => e.record.id,
    title: (e) => e.meta.title ?? '',
    slug: (e) => e.meta.title ?? '',
    include: (e) => (include ? include.indexOf(e.record.id) : e.record.id),
  }[orderby];
  const direction = orderby === 'include' ? 1 : order === 'asc' ? 1 : -1;
  return (a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka < kb) return -direction;
    if (ka > kb) return direction;
    return (a.record.id - b.record.id) * (order === 'asc' ? 1 : -1); // ties as MySQL does in practice: by id
  };
}

/** Where a page starts in the listing: `offset` replaces `page` when given. */
export function pageStart(q) {
  return q.offset ?? (q.pageNumber - 1) * q.perPage;
}

/**
 * Selects, orders and pages a collection the straightforward way: filters every entity, sorts the
 * matches. The reference the indexed path (indexed_page.js) must agree with, and its fallback.
 * @param {Iterable<{record: object, meta: object}>} entities all entities of the collection (trash included)
 * @param {Record<string, any>} query parsed with parseWpQuery
 * @param {{searchable: (entity) => string[], localCreated: (entity) => string}} access
 * @returns {{error?: {status, body}, page?: Array, total?: number, totalPages?: number, pageNumber?: number}}
 */
export function selectPage(entities, query, access) {
  const q = parseCollectionQuery(query);
  if ('error' in q) return q;
  const selected = [...entities].filter(entityFilter(q, access)).sort(entityOrder(q));
  const total = selected.length;
  const start = pageStart(q);
  return { page: selected.slice(start, start + q.perPage), total, totalPages: Math.ceil(total / q.perPage), pageNumber: q.pageNumber };
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
