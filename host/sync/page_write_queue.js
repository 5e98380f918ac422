// Page writes overlapped with each other and with the fetching and planning of later pages, their results
// recorded strictly in page order. Each page is its own transaction, so pages may commit in any order;
// what is counted and announced (progress events, counts) follows the page order, and only for pages
// whose write committed. The first failure stops the queue: later writes already started finish (each is
// all or nothing), their results are not recorded, and the failure is thrown to the next `add` or `settle`.

/**
 * @param {number} limit  writes in flight at most (1: each page written before the next is planned)
 */
export function createPageWriteQueue(limit) {
  const max = Math.max(1, Math.floor(limit) || 1);
  const inFlight = new Set();
  let recorded = Promise.resolve();
  let failure = null;

  return {
    /**
     * Starts a page's write once fewer than `limit` are in flight, and records its result after every
     * earlier page's. Resolves when the write has started, not when it has committed.
     * @param {() => (Promise<unknown>|null)} write  null: nothing to write (the result is still recorded in order)
     * @param {(result: unknown) => void} record     may throw: that stops the queue like a failed write
     * @throws the first failure of an earlier write or record
     */
    async add(write, record) {
      while (!failure && inFlight.size >= max) await Promise.race(inFlight);
      if (failure) throw failure;
      const pending = write();
      pending?.catch(() => {}); // observed through the record chain below
      const done = recorded.then(() => pending).then(record);
      recorded = done;
      const tracked = done.catch((error) => { failure ??= error; }).finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
    },
    /** Waits for every write started and recorded; throws the first failure. */
    async settle() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
      if (failure) throw failure;
    },
    get failed() {
      return failure !== null;
    },
  };
}
