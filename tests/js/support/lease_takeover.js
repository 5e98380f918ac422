// A run losing its lease mid-sync: a fetch for the MotoPress client that, at the first /bookings request
// for the given page, hands the tenant's lease to another run id — in one statement, so the running sync
// cannot renew in between, as if its lease ran out and a second run of the tenant took the lock — and
// only then sends the request.
//
//   const takeover = leaseTakeover(db, tenantId, usurper, { page: '2' });
//   await h.syncAll(slug, { clientOptions: { fetch: takeover.fetch } });
//   takeover.tookOver, takeover.taken (the rows the statement updated)

/**
 * @param {object} db  the test's database handle
 * @param {string} tenantId
 * @param {string} usurper  the run id that takes the lease
 * @param {{page?: string}} [o]  the page parameter that triggers it ('1' also matches a request without one)
 */
export function leaseTakeover(db, tenantId, usurper, { page = '2' } = {}) {
  const takeover = {
    tookOver: false,
    taken: null,
    async fetch(url, init) {
      const u = new URL(String(url));
      const asked = u.searchParams.get('page') ?? '1';
      if (!takeover.tookOver && u.pathname.endsWith('/bookings') && asked === page) {
        takeover.tookOver = true;
        takeover.taken = await db.query(`update public.sync_locks set run_id = $2, acquired_at = now(), expires_at = now() + interval '10 minutes'
          where tenant_id = $1 returning run_id`, [tenantId, usurper]);
      }
      return globalThis.fetch(url, init);
    },
  };
  return takeover;
}
