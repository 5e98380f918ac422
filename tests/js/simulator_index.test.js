// The simulator answers list requests from sorted orders kept up to date on every edit
// (host/simulator/sorted_collection.js, indexed_page.js). Property: over random edit sequences (creates,
// updates, status changes, trash, restore, deletes, clock moves — ties in time included) and random
// queries (every orderby and order, paging, per_page, offset, post_status, date_query, include, exclude,
// search, after/before, invalid values), the indexed answer equals the straightforward one
// (wp_collection.js selectPage: filter everything, sort everything): same error, same page in the same
// order, same totals. Repeatable: every choice comes from a seeded PRNG.
import { HotelSite, COLLECTIONS } from '../../host/simulator/hotel_site.js';
import { selectPage } from '../../host/simulator/wp_collection.js';
import { parseWpQuery } from '../../host/simulator/wp_query.js';
import { prng } from './support/seeded_random.js';

const RUNS = 24;
const STEPS = 120;
const PROFILES = ['testhotel', 'simmerdown', 'indo', 'airbnb-heavy', 'large:400'];
const BOOKING_STATUSES = ['pending-user', 'pending-payment', 'pending', 'abandoned', 'confirmed', 'cancelled'];

const gmtMs = (text) => Date.parse(`${text}Z`);
const gmt = (ms) => new Date(ms).toISOString().slice(0, 19);

/** A time near the data: an entity's created/modified time (exact, for the inclusive bounds), shifted or not. */
function nearTime(rng, site) {
  const collection = rng.pick(COLLECTIONS);
  const entities = site.list(collection);
  if (entities.length === 0) return gmt(site.clock.now());
  const e = rng.pick(entities);
  const base = rng.chance(0.5) ? e.meta.modified_gmt : e.meta.created_gmt;
  if (rng.chance(0.4)) return base;
  return gmt(gmtMs(base) + rng.int(-3, 3) * rng.pick([1000, 60000, 86400000]));
}

/** A date string as a client might send it: full, without seconds, a bare date, or garbage. */
function dateParam(rng, site) {
  const t = nearTime(rng, site);
  return rng.pick([t, t, t, t.replace('T', ' '), t.slice(0, 16), t.slice(0, 10), 'yesterday', '']);
}

function randomIds(rng, site, collection) {
  const ids = site.list(collection).map((e) => e.record.id);
  const n = rng.int(0, 6);
  return Array.from({ length: n }, () => (ids.length > 0 && rng.chance(0.85) ? rng.pick(ids) : rng.int(1, 5000)));
}

/** A random query string for a collection of the site. */
function randomQuery(rng, site, collection) {
  const p = new URLSearchParams();
  if (rng.chance(0.8)) p.set('orderby', rng.pick(['date', 'id', 'include', 'title', 'slug', 'modified', 'modified', 'date', rng.chance(0.1) ? 'price' : 'id']));
  if (rng.chance(0.7)) p.set('order', rng.pick(['asc', 'desc', 'asc', 'desc', rng.chance(0.1) ? 'up' : 'asc']));
  if (rng.chance(0.8)) p.set('per_page', String(rng.pick([1, 2, 3, 5, 10, 17, 50, 100, rng.chance(0.2) ? rng.pick([0, 101, -1]) : 7])));
  if (rng.chance(0.7)) p.set('page', rng.chance(0.05) ? rng.pick(['0', 'x', '1.5']) : String(rng.int(1, 12)));
  if (rng.chance(0.1)) p.set('offset', rng.chance(0.1) ? '-1' : String(rng.int(0, 60)));
  const status = rng.int(0, 9);
  if (status === 1) p.set('filter[post_status]', 'any');
  if (status === 2 || status === 3) {
    p.set('filter[post_status][0]', 'any');
    p.set('filter[post_status][1]', 'trash');
  }
  if (status === 4) p.set('filter[post_status]', 'trash');
  if (status === 5) p.set('filter[post_status]', rng.pick([...BOOKING_STATUSES, 'publish', 'draft', 'active']));
  if (status === 6) p.set('filter[post_status]', `${rng.pick(BOOKING_STATUSES)},${rng.pick([...BOOKING_STATUSES, 'trash', 'publish'])}`);
  if (status === 7) {
    p.set('filter[post_status][0]', rng.pick(BOOKING_STATUSES));
    p.set('filter[post_status][1]', 'trash');
  }
  const clauses = rng.chance(0.45) ? rng.int(1, 2) : 0;
  for (let i = 0; i < clauses; i++) {
    if (rng.chance(0.9)) p.set(`filter[date_query][${i}][column]`, rng.pick(['post_modified_gmt', 'post_modified_gmt', 'post_date_gmt', 'post_date', 'post_modified', 'menu_order']));
    const bound = rng.int(0, 3);
    if (bound !== 1) p.set(`filter[date_query][${i}][after]`, dateParam(rng, site));
    if (bound >= 1) p.set(`filter[date_query][${i}][before]`, dateParam(rng, site));
    if (rng.chance(0.4)) p.set(`filter[date_query][${i}][inclusive]`, rng.pick(['true', '1', 'false']));
  }
  if (rng.chance(0.1)) p.set('include', randomIds(rng, site, collection).join(','));
  if (rng.chance(0.08)) randomIds(rng, site, collection).forEach((id) => p.append('include[]', String(id)));
  if (rng.chance(0.1)) p.set('exclude', randomIds(rng, site, collection).join(','));
  if (rng.chance(0.08)) {
    const e = rng.pick(site.list(collection));
    p.set('search', rng.pick([String(e?.record.id ?? 1), e?.record.customer?.email ?? 'x', e?.record.title ?? 'x', 'nobody', '']));
  }
  if (rng.chance(0.1)) p.set('after', dateParam(rng, site));
  if (rng.chance(0.1)) p.set('before', dateParam(rng, site));
  return p;
}

/** One random edit of the site, as the control API and write endpoints make them. */
function randomEdit(rng, site, clock) {
  const kind = rng.int(0, 11);
  const existing = (collection) => {
    const all = site.list(collection);
    return all.length > 0 ? rng.pick(all) : undefined;
  };
  if (kind <= 1) {
    // Whole seconds keep many times equal (ties broken by id); now and then far back or forward.
    clock.ms += rng.pick([0, 0, 400, 1000, 1000, 5000, 60000, -1000, -86400000 * rng.int(1, 400), 86400000 * rng.int(1, 30)]);
  } else if (kind <= 3) {
    site.createBooking(rng.chance(0.5) ? { status: rng.pick(BOOKING_STATUSES) } : {});
  } else if (kind <= 5) {
    const e = existing('bookings');
    if (e) site.updateBooking(e.record.id, rng.chance(0.6) ? { status: rng.pick(BOOKING_STATUSES) } : { note: `note ${rng.int(1, 99)}`, customer: { email: `x${rng.int(1, 9)}@example.com` } });
  } else if (kind <= 7) {
    const collection = rng.chance(0.7) ? 'bookings' : rng.pick(COLLECTIONS);
    const e = existing(collection);
    if (e) site.trash(collection, e.record.id);
  } else if (kind === 8) {
    const collection = rng.chance(0.7) ? 'bookings' : rng.pick(COLLECTIONS);
    const trashed = site.list(collection).filter((e) => e.meta.post_status === 'trash');
    if (trashed.length > 0) site.restore(collection, rng.pick(trashed).record.id);
  } else if (kind === 9) {
    const collection = rng.chance(0.7) ? 'bookings' : rng.pick(COLLECTIONS);
    const e = existing(collection);
    if (e) site.deletePermanently(collection, e.record.id);
  } else if (kind === 10) {
    const type = site.addType(rng.chance(0.5) ? { title: rng.pick(['Aa', 'Zz', 'Suite', 'Ξενία', 'Casa Ñandú']) } : {});
    if (rng.chance(0.5)) site.addUnit({ accommodation_type_id: type.record.id });
  } else {
    const type = existing('accommodation_types');
    if (type) site.addUnit({ accommodation_type_id: type.record.id, title: rng.pick([undefined, 'Room 1', 'Room 1', 'A']) });
  }
}

/** The result of a list request in comparable form: the error, or the page's ids and the totals. */
function outcome(result) {
  if (result.error) return { error: result.error };
  return { ids: result.page.map((e) => e.record.id), total: result.total, totalPages: result.totalPages, pageNumber: result.pageNumber };
}

describe('indexed list answers equal the straightforward ones', () => {
  test.each(Array.from({ length: RUNS }, (_, i) => [i + 1]))('seed %i: random edits and queries', (seed) => {
    const rng = prng(seed * 7919);
    const profile = PROFILES[seed % PROFILES.length];
    const clock = { ms: 0, now: () => clock.ms };
    const site = new HotelSite({ name: 'h', profile, seed, clock });
    // Start the clock near the data (so new posts sort in among the old ones) or later.
    clock.ms = gmtMs(nearTime(rng, site)) + rng.pick([0, 500, 3600000, 400 * 86400000]);
    let compared = 0;
    for (let step = 0; step < STEPS; step++) {
      if (step > 0) randomEdit(rng, site, clock);
      for (let i = 0; i < 4; i++) {
        const collection = rng.chance(0.6) ? 'bookings' : rng.pick(COLLECTIONS);
        const params = randomQuery(rng, site, collection);
        const query = parseWpQuery(params);
        const reference = selectPage(site.list(collection), query, {
          searchable: (e) => site.searchable(collection, e),
          localCreated: (e) => site.localCreated(collection, e),
        });
        const indexed = site.page(collection, query);
        const context = { seed, step, collection, query: params.toString() };
        expect({ ...context, ...outcome(indexed) }).toEqual({ ...context, ...outcome(reference) });
        compared += 1;
      }
    }
    expect(compared).toBe(STEPS * 4);
  });

  test('counts follow the edits: count() equals the live entities', () => {
    const clock = { ms: Date.parse('2026-11-01T00:00:00Z'), now: () => clock.ms };
    const site = new HotelSite({ name: 'h', profile: 'testhotel', seed: 3, clock });
    const rng = prng(11);
    for (let step = 0; step < 200; step++) {
      randomEdit(rng, site, clock);
      for (const c of COLLECTIONS) expect(site.count(c)).toBe(site.list(c).filter((e) => e.meta.post_status !== 'trash').length);
    }
  });
});
