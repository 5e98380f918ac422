// Answers a collection request from the sorted orders of a SortedCollection, with exactly the result of
// the straightforward selectPage (wp_collection.js): the same validation, filter and order, only cheaper.
//   - no filter beyond the status scope (default, `any`, `any`+`trash`): the page is read straight out
//     of the order of the orderby key (cost of the page);
//   - a date_query on the modified or creation time ("modified since"): the binary-searched part of that
//     order, read straight when it is also the orderby key, else sorted (cost of the result);
//   - include: the named ids only;
//   - anything else (search, exclude, after/before, a list of post statuses): one pass over the order
//     of the orderby key, filtering, without sorting.
import { entityFilter, entityOrder, parseCollectionQuery, pageStart } from './wp_collection.js';

const ORDER_OF = { date: 'date', modified: 'modified', id: 'id', title: 'title', slug: 'title', include: 'id' };
const RANGE_ORDER_OF = { modified_gmt: 'modified', created_gmt: 'date' };

/**
 * @param {import('./sorted_collection.js').SortedCollection} collection
 * @param {Record<string, any>} query parsed with parseWpQuery
 * @param {{searchable: (entity) => string[], localCreated: (entity) => string}} access
 * @returns {{error?: {status, body}, page?: Array, total?: number, totalPages?: number, pageNumber?: number}}
 */
export function selectIndexedPage(collection, query, access) {
  const q = parseCollectionQuery(query);
  if ('error' in q) return q;
  const start = pageStart(q);
  const result = (total, page) => ({ page, total, totalPages: Math.ceil(total / q.perPage), pageNumber: q.pageNumber });
  const page = (selected) => result(selected.length, selected.slice(start, start + q.perPage));
  const matches = entityFilter(q, access);

  if (q.include) {
    const named = [...new Set(q.include)].map((id) => collection.get(id)).filter((e) => e !== undefined && matches(e));
    return page(named.sort(entityOrder(q)));
  }

  // Trash is listed only when asked for; `any` means every status but trash.
  const statusesExact = !q.statuses || q.statuses.has('any');
  const scope = !q.statuses || (q.statuses.has('any') && !q.statuses.has('trash')) ? 'live' : 'all';
  const orderKey = ORDER_OF[q.orderby];
  const ordered = collection.order(orderKey, scope);
  // orderby=include without include= is id ascending, whatever the order.
  const descending = q.orderby !== 'include' && q.order === 'desc';

  // A date_query clause on the orderby key saves the sort; otherwise any clause narrows the candidates.
  const ranged = q.clauses.find((c) => RANGE_ORDER_OF[c.field] === orderKey) ?? q.clauses[0];
  // What the index does not answer and `matches` must check.
  const residual = !statusesExact || q.exclude.size > 0 || q.after || q.before || q.search
    || q.clauses.some((c) => c.field !== ranged?.field);

  if (ranged) {
    const rangeKey = RANGE_ORDER_OF[ranged.field];
    const list = collection.order(rangeKey, scope);
    let [from, to] = [0, list.length];
    for (const c of q.clauses) {
      if (c.field !== ranged.field) continue;
      const [a, b] = collection.range(rangeKey, scope, c);
      from = Math.max(from, a);
      to = Math.min(to, b);
    }
    to = Math.max(from, to);
    if (rangeKey === orderKey) {
      if (!residual) return result(to - from, readPage(list, from, to, descending, start, q.perPage));
      return page(collect(list, from, to, descending, matches));
    }
    // Sorting the candidates costs r·log r; one pass over the whole order costs n: take the cheaper.
    const r = to - from;
    if (r * Math.log2(r + 1) < ordered.length) return page(list.slice(from, to).filter(matches).sort(entityOrder(q)));
    return page(collect(ordered, 0, ordered.length, descending, matches));
  }

  if (!residual) return result(ordered.length, readPage(ordered, 0, ordered.length, descending, start, q.perPage));
  return page(collect(ordered, 0, ordered.length, descending, matches));
}

/** The entries of list[from, to) that match, in the listing's direction. */
function collect(list, from, to, descending, matches) {
  const selected = [];
  for (let i = 0; i < to - from; i++) {
    const e = list[descending ? to - 1 - i : from + i];
    if (matches(e)) selected.push(e);
  }
  return selected;
}

/** Entries [start, start + count) of list[from, to) read in the listing's direction. */
function readPage(list, from, to, descending, start, count) {
  const selected = [];
  for (let i = start; i < start + count && i < to - from; i++) selected.push(list[descending ? to - 1 - i : from + i]);
  return selected;
}
