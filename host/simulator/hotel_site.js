// One simulated MotoPress site: its accommodation types, units, bookings and rates as WordPress posts
// (with the server-side created/modified times and post status the REST bodies do not show), and the
// edits the control API and write endpoints make. Edits update the modified time, as WordPress does.
// Each collection keeps its list orders sorted (sorted_collection.js), so every edit goes through it.
import { deriveHotelKeys } from './hotel_keys.js';
import { selectIndexedPage } from './indexed_page.js';
import { plainString } from './plain_string.js';
import { generateHotel } from './profiles/index.js';
import { SortedCollection } from './sorted_collection.js';

export const COLLECTIONS = ['accommodation_types', 'accommodations', 'bookings', 'rates'];
const BOOKING_STATUSES = new Set(['pending-user', 'pending-payment', 'pending', 'abandoned', 'confirmed', 'cancelled']);

/** "YYYY-MM-DDTHH:MM:SS" in UTC, the form WordPress keeps post_modified_gmt in. */
export function gmtString(ms) {
  return plainString(new Date(ms).toISOString().slice(0, 19));
}

export class SiteError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export class HotelSite {
  /**
   * @param {{name: string, profile: string, seed: number, clock: {now(): number}}} options
   */
  constructor({ name, profile, seed, clock }) {
    const data = generateHotel(profile, seed);
    this.name = name;
    this.profile = profile;
    this.title = data.title;
    this.clock = clock;
    this.keys = deriveHotelKeys(seed, name);
    this.settings = { canEditBookings: true };
    this.collections = {};
    let maxId = 0;
    for (const collection of COLLECTIONS) {
      const source = { accommodation_types: data.types, accommodations: data.units, bookings: data.bookings, rates: data.rates }[collection];
      this.collections[collection] = new SortedCollection(source.map((e) => ({
        record: e.record,
        meta: { ...e.meta, created_gmt: plainString(e.meta.created_gmt), modified_gmt: plainString(e.meta.modified_gmt) },
      })));
      for (const e of source) maxId = Math.max(maxId, e.record.id);
    }
    this.nextId = maxId + 1;
    // The site's UTC offset and currency, as its own bookings show them (date_created is site-local).
    const sample = data.bookings.find((b) => b.record.date_created && b.record.date_created_utc);
    this.utcOffsetMs = sample ? Date.parse(`${sample.record.date_created}Z`) - Date.parse(`${sample.record.date_created_utc}Z`) : 0;
    this.currency = data.bookings.find((b) => b.record.currency)?.record.currency ?? 'USD';
  }

  /** Every entity of the collection, trash included (a copy: for tests and tools, not the request path). */
  list(collection) {
    return [...this.collections[collection].values()];
  }

  /** How many entities a default list of the collection counts (trash left out). */
  count(collection) {
    return this.collections[collection].liveCount;
  }

  /** One page of a collection request (see wp_collection.js), answered from the sorted orders. */
  page(collection, query) {
    return selectIndexedPage(this.collections[collection], query, {
      searchable: (e) => this.searchable(collection, e),
      localCreated: (e) => this.localCreated(collection, e),
    });
  }

  get(collection, id) {
    return this.collections[collection].get(id);
  }

  /** The record as the REST API serves it, with `_links` (and `_embedded` when asked). */
  serve(collection, entity, apiBase, embed = false) {
    const out = { ...entity.record, status: entity.meta.post_status };
    const links = {
      self: [{ href: `${apiBase}/${collection}/${entity.record.id}` }],
      collection: [{ href: `${apiBase}/${collection}` }],
    };
    if (collection === 'accommodations' || collection === 'rates') {
      links.accommodation_type = [{ embeddable: true, href: `${apiBase}/accommodation_types/${entity.record.accommodation_type_id}` }];
    }
    if (collection === 'bookings') {
      const rooms = entity.record.reserved_accommodations ?? [];
      links.accommodation = rooms.map((r) => ({ embeddable: true, href: `${apiBase}/accommodations/${r.accommodation}` }));
      links.accommodation_type = rooms.map((r) => ({ embeddable: true, href: `${apiBase}/accommodation_types/${r.accommodation_type}` }));
      links.rate = rooms.filter((r) => r.rate).map((r) => ({ embeddable: true, href: `${apiBase}/rates/${r.rate}` }));
      if (embed) {
        const embedded = (target, id) => {
          const e = this.get(target, id);
          return e ? this.serve(target, e, apiBase) : { code: 'rest_post_invalid_id', message: 'Invalid post ID.', data: { status: 404 } };
        };
        out._embedded = {
          accommodation: rooms.map((r) => embedded('accommodations', r.accommodation)),
          accommodation_type: rooms.map((r) => embedded('accommodation_types', r.accommodation_type)),
          rate: rooms.filter((r) => r.rate).map((r) => embedded('rates', r.rate)),
        };
      }
    }
    out._links = links;
    return out;
  }

  /** Strings `search=` matches exactly (booking meta and id), as the plugin's search does. */
  searchable(collection, entity) {
    const r = entity.record;
    if (collection !== 'bookings') return [r.title ?? ''].map(String);
    const c = r.customer ?? {};
    return [r.key, c.first_name, c.last_name, c.email, c.phone, r.ical_summary, r.ical_description].filter((v) => typeof v === 'string' && v !== '');
  }

  /** Site-local creation time, which `after` / `before` compare against. */
  localCreated(collection, entity) {
    return collection === 'bookings' && entity.record.date_created ? entity.record.date_created : entity.meta.created_gmt;
  }

  #touch(entity) {
    entity.meta.modified_gmt = gmtString(this.clock.now());
  }

  #require(collection, id) {
    const entity = this.get(collection, Number(id));
    if (!entity) throw new SiteError(404, 'not_found', `${collection} ${id} does not exist`);
    return entity;
  }

  /** Creates a booking: a confirmed direct stay in the first published unit unless `fields` say otherwise. */
  createBooking(fields = {}) {
    const id = this.nextId++;
    const now = gmtString(this.clock.now());
    const local = gmtString(this.clock.now() + this.utcOffsetMs);
    const unit = firstWhere(this.collections.accommodations.values(), (u) => u.meta.post_status === 'publish');
    if (!unit && !fields.reserved_accommodations) throw new SiteError(409, 'no_unit', 'the hotel has no published accommodation to book');
    const status = fields.status ?? 'confirmed';
    if (!BOOKING_STATUSES.has(status)) throw new SiteError(400, 'bad_status', `status must be one of ${[...BOOKING_STATUSES].join(', ')}`);
    const { customer, ...rest } = fields;
    const record = {
      id, status, date_created: local, date_created_utc: now, key: '',
      check_in_date: '2026-12-10', check_out_date: '2026-12-12', check_in_time: '14:00:00', check_out_time: '11:00:00',
      customer: { first_name: 'New', last_name: 'Guest', email: `guest${id}@example.com`, phone: '+1 555 010 0000', country: 'US', state: '', city: '', zip: '', address1: '' },
      reserved_accommodations: unit ? [{
        accommodation: unit.record.id, accommodation_type: unit.record.accommodation_type_id, rate: 0, adults: 2, children: 0,
        guest_name: '', services: [], accommodation_price_per_days: [], fees: [], taxes: { accommodation: [], services: [], fees: [] }, discount: 0,
      }] : [],
      coupon_code: '', currency: this.currency, total_price: 0, checkout_id: '', payments: [], imported: false,
      ical_description: '', ical_prodid: '', ical_summary: '', note: '', internal_notes: [],
      ...rest,
    };
    record.customer = { ...record.customer, ...(customer ?? {}) };
    record.id = id;
    record.status = status;
    const entity = { record, meta: { created_gmt: now, modified_gmt: now, post_status: status, title: `Booking #${id}` } };
    this.collections.bookings.add(entity);
    return entity;
  }

  /** Changes booking fields (customer merged field by field); `status` changes the post status too. */
  updateBooking(id, changes) {
    const entity = this.#require('bookings', id);
    if (changes.status !== undefined && !BOOKING_STATUSES.has(changes.status)) {
      throw new SiteError(400, 'bad_status', `status must be one of ${[...BOOKING_STATUSES].join(', ')}`);
    }
    const { customer, ...rest } = changes;
    this.collections.bookings.edit(entity, () => {
      entity.record = { ...entity.record, ...rest, id: entity.record.id, customer: { ...entity.record.customer, ...(customer ?? {}) } };
      if (changes.status !== undefined && entity.meta.post_status !== 'trash') entity.meta.post_status = changes.status;
      this.#touch(entity);
    });
    return entity;
  }

  trash(collection, id) {
    const entity = this.#require(collection, id);
    this.collections[collection].edit(entity, () => {
      entity.meta.post_status = 'trash';
      this.#touch(entity);
    });
    return entity;
  }

  restore(collection, id) {
    const entity = this.#require(collection, id);
    this.collections[collection].edit(entity, () => {
      entity.meta.post_status = collection === 'bookings' ? entity.record.status : 'publish';
      this.#touch(entity);
    });
    return entity;
  }

  deletePermanently(collection, id) {
    this.#require(collection, id);
    this.collections[collection].delete(Number(id));
  }

  addType(fields = {}) {
    const id = this.nextId++;
    const now = gmtString(this.clock.now());
    const title = fields.title ?? `Room type ${id}`;
    const record = {
      id, status: 'publish', title, description: '', excerpt: '', adults: 2, children: 0, total_capacity: 2,
      base_adults: 2, base_children: 0, bed_type: '', size: 0, view: '', services: [], categories: [], tags: [],
      amenities: [], attributes: [], images: [], ...fields,
    };
    record.id = id;
    record.status = 'publish';
    const entity = { record, meta: { created_gmt: now, modified_gmt: now, post_status: 'publish', title } };
    this.collections.accommodation_types.add(entity);
    return entity;
  }

  addUnit(fields = {}) {
    const typeId = Number(fields.accommodation_type_id);
    if (!this.get('accommodation_types', typeId)) throw new SiteError(400, 'bad_type', `accommodation_type_id ${fields.accommodation_type_id} does not exist`);
    const id = this.nextId++;
    const now = gmtString(this.clock.now());
    const title = fields.title ?? `Accommodation ${id}`;
    const record = { id, status: 'publish', accommodation_type_id: typeId, title, excerpt: fields.excerpt ?? '' };
    const entity = { record, meta: { created_gmt: now, modified_gmt: now, post_status: 'publish', title } };
    this.collections.accommodations.add(entity);
    return entity;
  }
}

function firstWhere(iterable, predicate) {
  for (const item of iterable) if (predicate(item)) return item;
  return undefined;
}
