// One pass over a WordPress collection: page 1 (it tells X-WP-TotalPages) — together with pages 2..k when
// the caller expects k pages (the last pass's count), so no page goes out alone — then the rest with at
// most `concurrency` requests in flight, handed to `onPage` strictly in page order while later pages are
// still being fetched. Records are deduplicated by id across pages (pages drift when bookings are created
// while paging, FIELD-NOTES), and at the end the unique ids are compared with X-WP-Total — reported, not
// thrown. The first failure cancels the pages still in flight; the pass settles before it rejects.
//
// Memory stays bounded: a page is fetched only while fewer than `window` pages wait for delivery.

/**
 * @typedef {{records: any[]|null, bytes: Uint8Array, total: number|null, totalPages: number|null}} FetchedPage
 *   records null: fetched unparsed (the caller parses the bytes)
 * @typedef {{page: number, bytes: Uint8Array, records: any[]|null, duplicates: number|null, total: number|null,
 *   totalPages: number|null, reportedTotal: number|null}} PageEvent
 */

/**
 * @param {object} o
 * @param {(page: number, signal: AbortSignal) => Promise<FetchedPage>} o.fetchPage
 * @param {number} o.perPage
 * @param {number} o.concurrency
 * @param {(event: PageEvent) => (void|Promise<void>)} [o.onPage]
 * @param {AbortSignal} [o.signal]
 * @param {string} [o.collection] for warnings
 * @param {number} [o.window] pages fetched ahead of delivery (default 4 × concurrency: a pass keeps
 *   fetching while its consumer is busy with something else, such as the accommodations stage)
 * @param {number} [o.expectedPages] how many pages the caller expects (e.g. the last pass's): pages
 *   2..concurrency are requested together with page 1, and the next expected ones as they answer, until page
 *   1 answers with the real count; past the real end they answer [] and are dropped
 * @returns {Promise<{total: number|null, totalPages: number|null, totalAtEnd: number|null, pages: number,
 *   unique: number|null, duplicates: number|null, withoutId: number|null, counted: boolean, consistent: boolean,
 *   warnings: Array<{code: string, message: string}>}>} counted false: pages came unparsed (records null),
 *   so ids were neither deduplicated nor counted here, and `consistent` covers the totals only
 */
export async function streamPages({ fetchPage, perPage, concurrency, onPage, signal, collection = 'collection', window, expectedPages }) {
  const controller = new AbortController();
  const linked = signal ? AbortSignal.any([signal, controller.signal]) : controller.signal;
  const ahead = Math.max(window ?? concurrency * 4, concurrency, 1);
  const seen = new Set();
  let duplicates = 0;
  let withoutId = 0;
  let totalAtEnd;
  const warnings = [];

  // Pages fetched unparsed (records null: the caller's parser reads the bytes) are not deduplicated here:
  // the caller counts ids, and the summary says so (counted: false).
  let counted = true;
  function deliver(page, fetched, plan) {
    if (fetched.records === null) {
      counted = false;
      return onPage?.({ page, bytes: fetched.bytes, records: null, duplicates: null, total: plan.total, totalPages: plan.totalPages, reportedTotal: fetched.total });
    }
    const records = [];
    let dups = 0;
    for (const record of fetched.records) {
      const id = record !== null && typeof record === 'object' ? record.id : undefined;
      if (typeof id !== 'number' && typeof id !== 'string') {
        withoutId += 1;
        records.push(record);
        continue;
      }
      const key = String(id);
      if (seen.has(key)) {
        dups += 1;
        continue;
      }
      seen.add(key);
      records.push(record);
    }
    duplicates += dups;
    return onPage?.({ page, bytes: fetched.bytes, records, duplicates: dups, total: plan.total, totalPages: plan.totalPages, reportedTotal: fetched.total });
  }

  // Pages requested before page 1 answered (by page number); a rejection is observed only if the page is used.
  // While page 1 is out, each early page that answers hands its slot to the next expected page, so no slot
  // waits for page 1 (the slowest answer of a round, often) — at most `concurrency` requests, page 1 included.
  const early = new Map();
  const lastEarly = Math.min(Math.floor(expectedPages ?? 1), ahead);
  let nextEarly = 2;
  let firstAnswered = false;
  const requestEarly = () => {
    if (firstAnswered || nextEarly > lastEarly) return;
    const page = nextEarly;
    nextEarly += 1;
    const pending = fetchPage(page, linked);
    pending.catch(() => {});
    early.set(page, pending);
    pending.then(requestEarly, () => {});
  };
  for (let slot = 1; slot < concurrency; slot += 1) requestEarly();
  let first;
  try {
    first = await fetchPage(1, linked);
  } catch (error) {
    firstAnswered = true;
    controller.abort(error);
    await Promise.allSettled(early.values());
    throw error;
  }
  firstAnswered = true;
  const plan = { total: first.total, totalPages: first.totalPages };
  totalAtEnd = first.total;
  let pages;

  // Early pages past the real end, or all of them when paging falls back to sequential, are not used.
  for (const page of [...early.keys()]) {
    if (plan.totalPages === null || page > plan.totalPages) early.delete(page);
  }
  if (plan.totalPages === null) {
    // No X-WP-TotalPages (a proxy stripped it): page sequentially until a short or an all-seen page.
    warnings.push({ code: 'no_totals', message: `${collection}: no X-WP-Total / X-WP-TotalPages headers; paged until a short page` });
    pages = await sequential(first);
  } else {
    pages = await concurrent(first, Math.max(plan.totalPages, 1));
  }

  async function sequential(firstPage) {
    let page = 1;
    let fetched = firstPage;
    for (;;) {
      // Where the page ends needs its records: an unparsed page is parsed here (this rare path only).
      const records = fetched.records ?? parsedRecords(fetched.bytes);
      const before = seen.size;
      for (const r of fetched.records === null ? records : []) {
        if (r !== null && typeof r === 'object' && (typeof r.id === 'number' || typeof r.id === 'string')) seen.add(String(r.id));
      }
      await deliver(page, fetched, plan);
      if (records.length < perPage || seen.size === before) return page;
      page += 1;
      fetched = await fetchPage(page, linked);
    }
  }

  async function concurrent(firstPage, lastPage) {
    const ready = new Map([[1, firstPage]]);
    let delivered = 0;
    let failure = null;
    let next = 2;
    const waiting = [];
    const wake = () => { for (const resolve of waiting.splice(0)) resolve(); };
    const fail = (error) => {
      if (failure) return;
      failure = error;
      controller.abort(error);
      wake();
    };

    let delivering = Promise.resolve();
    const drain = () => {
      delivering = delivering.then(async () => {
        while (!failure && ready.has(delivered + 1)) {
          // A page is delivered (planned: CPU) only after the request that replaced it has gone out:
          // otherwise every request waits for a page's planning, on every round of the pass.
          await nextMacrotask();
          if (failure) break;
          const page = delivered + 1;
          const fetched = ready.get(page);
          ready.delete(page);
          await deliver(page, fetched, plan);
          delivered = page;
          wake();
        }
      }).catch(fail);
    };

    async function worker() {
      while (!failure && next <= lastPage) {
        const page = next;
        next += 1;
        while (!failure && page > delivered + ahead) await new Promise((resolve) => waiting.push(resolve));
        if (failure) return;
        try {
          const fetched = await (early.get(page) ?? fetchPage(page, linked));
          early.delete(page);
          if (fetched.total !== null) totalAtEnd = fetched.total;
          ready.set(page, fetched);
          drain();
        } catch (error) {
          fail(error);
          return;
        }
      }
    }

    drain(); // page 1 goes out while pages 2..n are fetched
    await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(lastPage - 1, 0)) }, worker));
    await delivering;
    if (failure) throw failure;
    return delivered;
  }

  const unique = counted ? seen.size : null;
  const total = plan.total;
  const consistent = total === null || (totalAtEnd === total && (!counted || (unique + withoutId === total && duplicates === 0)));
  if (!consistent) {
    const parts = [...(counted ? [`${unique} unique ids`] : []), `X-WP-Total ${total} at the start`];
    if (totalAtEnd !== total) parts.push(`${totalAtEnd} at the end`);
    if (duplicates) parts.push(`${duplicates} duplicate${duplicates === 1 ? '' : 's'} across pages`);
    warnings.push({ code: 'page_drift', message: `${collection}: ${parts.join(', ')} (items moved between pages during the pass)` });
  }
  return { total, totalPages: plan.totalPages, totalAtEnd, pages, unique, duplicates: counted ? duplicates : null, withoutId: counted ? withoutId : null, counted, consistent, warnings };
}

function parsedRecords(bytes) {
  try {
    const value = JSON.parse(new TextDecoder().decode(bytes));
    return Array.isArray(value) ? value : [];
  } catch {
    return [];
  }
}

// After the I/O already queued (requests being sent): setImmediate in Node, Deno and Bun; a zero timeout
// elsewhere.
const nextMacrotask = typeof setImmediate === 'function'
  ? () => new Promise((resolve) => { setImmediate(resolve); })
  : () => new Promise((resolve) => { setTimeout(resolve, 0); });
