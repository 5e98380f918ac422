// Assembles one simulated MotoPress site: setup posts (seasons, images, accommodation types, rates, units),
// then bookings over time. Ids are given at the end, in creation order, from one increasing id space with
// gaps — like wp_posts, where revisions, payments and attachments take ids too.
import { SeededRandom } from './seeded_random.js';
import {
  DATA_NOW, DAY, HOUR,
  bookingRecord, blockIcal, dayDate, dayMonthDay, emptyCustomer, formatTime, guestIcal, localMidnight,
  randomGuest, randomGuestName, rateRecord, reservedRoom, roundMoney, typeRecord, unitRecord,
} from './record_builders.js';

/** Random bookings are made no later than this (leaves room for late, scripted events). */
const LATEST_RANDOM = DATA_NOW - DAY;
/** Check-in days of random bookings, relative to DATA_TODAY: past, in-house and future stays. */
export const CHECK_IN_RANGE = [-183, 273];
const OCC_MIN = -500;
const OCC_SPAN = 900;

const DIRECT_STATUSES = [
  [80, 'confirmed'], [7, 'cancelled'], [3, 'pending'], [3, 'abandoned'], [4, 'pending-user'], [3, 'pending-payment'],
];

const AMENITIES = [[4, 'Wi-Fi'], [5, 'Air conditioning'], [6, 'Minibar'], [7, 'Safe'], [8, 'Balcony'], [9, 'Hair dryer']];

export class HotelBuilder {
  /**
   * @param {object} o
   * @param {string} o.profile
   * @param {string} o.title
   * @param {string|number} o.seed
   * @param {string} o.currency ISO code
   * @param {number} o.utcOffsetMinutes the site's fixed UTC offset
   * @param {number} o.priceStep money rounding step (0.5, 1000 …)
   * @param {number} o.openedDay the day (relative to DATA_TODAY) the site was set up
   * @param {object} o.mix weights: kinds [[w,'direct'|'guest'|'block']], rooms [[w,n]], blockChannels, guestChannels, quoted (0..1)
   * @param {string} [o.checkInTime='14:00:00'] @param {string} [o.checkOutTime='11:00:00']
   * @param {string[]} [o.coupons] @param {string[]} [o.notes]
   */
  constructor(o) {
    this.profile = o.profile;
    this.title = o.title;
    this.currency = o.currency;
    this.offset = o.utcOffsetMinutes;
    this.priceStep = o.priceStep;
    this.checkInTime = o.checkInTime ?? '14:00:00';
    this.checkOutTime = o.checkOutTime ?? '11:00:00';
    this.coupons = o.coupons ?? ['WELCOME10'];
    this.notes = o.notes ?? ['Late arrival, around 23:00.'];
    this.mix = o.mix;
    this.rng = new SeededRandom(`${o.profile}:${o.seed}`);
    this.seq = 0;
    this.clock = localMidnight(o.openedDay, this.offset) + 9 * HOUR;
    this.setupPosts = [];
    this.types = [];
    this.units = [];
    this.rates = [];
    this.bookings = [];
    this.occupancy = new Map();
    this.bookableCache = null;
    this.allYear = this.#setupPost({ kind: 'season', title: 'All year' });
    this.highSeason = this.#setupPost({ kind: 'season', title: 'High season' });
  }

  // ---------------------------------------------------------------------------------------------------
  // Setup: accommodation types with their rates and units

  /** Registers a post created at `at` (default: the setup clock, which then advances a little). */
  #setupPost(obj, at = null) {
    if (at === null) {
      this.clock += this.rng.int(15, 400);
      at = this.clock;
    }
    obj.created = at;
    obj.modified = at;
    obj.seq = this.seq++;
    this.setupPosts.push(obj);
    return obj;
  }

  /**
   * Adds an accommodation type, its rates (1 or 2) and its units.
   * @param {object} s  title, status, adults, children, totalCapacity, baseAdults, baseChildren, bedType, size,
   *   view, description, excerpt, price, images (count), modifiedAt, rates (count, default 1 or 2),
   *   units: [string | {title, status, excerpt, bookable, modifiedAt}]
   */
  addType(s) {
    const rng = this.rng;
    const images = [];
    const imageCount = s.images ?? rng.int(0, 2);
    for (let i = 0; i < imageCount; i++) {
      const name = `room-${this.types.length + 1}-${i + 1}`;
      images.push(this.#setupPost({ kind: 'image', src: `https://cdn.example.com/uploads/2025/11/${name}.jpg`, title: name, alt: i === 0 ? s.excerpt ?? '' : '' }));
    }
    const amenities = rng.shuffle(AMENITIES.slice()).slice(0, rng.int(0, 4)).sort((a, b) => a[0] - b[0]);
    const type = this.#setupPost({
      kind: 'type',
      title: s.title,
      status: s.status ?? 'publish',
      description: s.description ?? `<p>${s.excerpt ?? ''}</p>`,
      excerpt: s.excerpt ?? '',
      adults: s.adults,
      children: s.children ?? 0,
      totalCapacity: s.totalCapacity ?? s.adults + (s.children ?? 0),
      baseAdults: s.baseAdults ?? Math.min(2, s.adults),
      baseChildren: s.baseChildren ?? 0,
      bedType: s.bedType ?? '',
      size: s.size ?? 0,
      view: s.view ?? '',
      services: [],
      categories: s.categories ?? [],
      tags: s.tags ?? [],
      amenities,
      attributes: s.attributes ?? [],
      images,
      price: s.price,
      rates: [],
      units: [],
    });
    if (s.modifiedAt !== undefined) type.modified = s.modifiedAt;
    this.types.push(type);
    this.#addRates(type, s.rates ?? rng.int(1, 2));
    for (const u of s.units ?? []) this.addUnit(type, typeof u === 'string' ? { title: u } : u);
    this.bookableCache = null;
    return type;
  }

  #addRates(type, count) {
    const rng = this.rng;
    const step = this.priceStep;
    for (let i = 0; i < count; i++) {
      const flavour = i === 0 ? 'standard' : rng.pick(['nonref', 'breakfast']);
      const base = roundMoney(flavour === 'standard' ? type.price : flavour === 'nonref' ? type.price * 0.9 : type.price * 1.12, step);
      const extra = roundMoney(type.price * 0.25, step);
      const prices = (basePrice) => ({
        basePrice,
        variations: type.adults > type.baseAdults ? [{ adults: type.baseAdults + 1, children: 0, price: basePrice + extra }] : [],
      });
      const titles = { standard: 'Standard Rate', nonref: 'Non-refundable', breakfast: 'Bed &amp; Breakfast' };
      const rate = this.#setupPost({
        kind: 'rate',
        type,
        status: i > 0 && rng.chance(0.3) ? 'disabled' : 'active',
        title: titles[flavour],
        description: flavour === 'breakfast' ? 'Breakfast included for all guests.' : flavour === 'nonref' ? 'Paid in full at booking, no refunds.' : '',
        seasonPrices: [
          { priority: 0, season: this.allYear, ...prices(base) },
          { priority: 1, season: this.highSeason, ...prices(roundMoney(base * 1.3, step)) },
        ],
      }, type.created + 60 + i);
      type.rates.push(rate);
      this.rates.push(rate);
    }
  }

  /**
   * Adds a unit to `type`. `at` (epoch seconds) creates it later than the setup (e.g. a room added last week).
   * @param {object} s  title, status ('publish'), excerpt, bookable (default: published unit of a published type,
   *   not added late), at, modifiedAt
   */
  addUnit(type, s) {
    const status = s.status ?? 'publish';
    const unit = this.#setupPost({ kind: 'unit', type, title: s.title, status, excerpt: s.excerpt ?? '' }, s.at ?? null);
    if (s.at === undefined) unit.created = Math.max(unit.created, type.created + 120);
    unit.modified = s.modifiedAt ?? unit.created;
    unit.bookable = s.bookable ?? (status === 'publish' && type.status === 'publish' && s.at === undefined);
    type.units.push(unit);
    this.units.push(unit);
    this.bookableCache = null;
    return unit;
  }

  /** Units random bookings may use. */
  bookableUnits() {
    this.bookableCache ??= this.units.filter((u) => u.bookable);
    return this.bookableCache;
  }

  // ---------------------------------------------------------------------------------------------------
  // Bookings

  #occ(unit) {
    let a = this.occupancy.get(unit);
    if (!a) {
      a = new Uint8Array(OCC_SPAN);
      this.occupancy.set(unit, a);
    }
    return a;
  }

  #isFree(unit, checkIn, nights) {
    const a = this.#occ(unit);
    for (let d = checkIn; d < checkIn + nights; d++) {
      const i = d - OCC_MIN;
      if (i >= 0 && i < OCC_SPAN && a[i]) return false;
    }
    return true;
  }

  #occupy(unit, checkIn, nights) {
    const a = this.#occ(unit);
    for (let d = checkIn; d < checkIn + nights; d++) {
      const i = d - OCC_MIN;
      if (i >= 0 && i < OCC_SPAN) a[i] = 1;
    }
  }

  /** `count` distinct units of `pool`, free on those nights when possible (overlaps only when full). */
  #chooseUnits(count, pool, checkIn, nights) {
    const rng = this.rng;
    count = Math.min(count, pool.length);
    const chosen = [];
    for (let attempt = 0; attempt < 10 * count && chosen.length < count; attempt++) {
      const u = rng.pick(pool);
      if (!chosen.includes(u) && this.#isFree(u, checkIn, nights)) chosen.push(u);
    }
    for (const u of pool) {
      if (chosen.length >= count) break;
      if (!chosen.includes(u)) chosen.push(u);
    }
    return chosen;
  }

  randomNights(kind) {
    const rng = this.rng;
    const [lo, hi] = kind === 'block'
      ? rng.weighted([[40, [1, 3]], [45, [3, 10]], [15, [10, 30]]])
      : rng.weighted([[40, [1, 3]], [40, [4, 7]], [15, [8, 14]], [5, [15, 28]]]);
    return rng.int(lo, hi);
  }

  /** When a booking for that check-in day was made: a lead time before arrival, never after DATA_NOW. */
  createdFor(checkIn) {
    const rng = this.rng;
    const arrival = localMidnight(checkIn, this.offset) + 14 * HOUR;
    const [lo, hi] = rng.weighted([[15, [0, 3]], [45, [4, 30]], [30, [31, 90]], [10, [91, 200]]]);
    let created = arrival - rng.int(lo, hi) * DAY - rng.int(HOUR, 20 * HOUR);
    if (created > LATEST_RANDOM) created = LATEST_RANDOM - rng.int(0, 45 * DAY);
    const opened = this.clock; // the end of the regular setup (units added late have their own times)
    if (created < opened + HOUR) created = opened + HOUR + rng.int(0, Math.max(0, Math.min(arrival, LATEST_RANDOM) - opened - 2 * HOUR));
    return created;
  }

  #modifiedFor(plan) {
    const rng = this.rng;
    const c = plan.created;
    let m;
    if (plan.imported) m = rng.chance(0.3) ? c + rng.int(1, 20) * DAY : c;
    else if (plan.status === 'cancelled' || plan.postStatus === 'trash') m = c + rng.int(HOUR, 60 * DAY);
    else if (plan.status === 'abandoned') m = c + rng.int(20 * 60, 2 * HOUR);
    else if (plan.status === 'confirmed') m = rng.chance(0.25) ? c + rng.int(1, 60) * DAY : c + rng.int(5, 900);
    else m = c + rng.int(0, 300);
    return Math.max(c, Math.min(m, Math.max(DATA_NOW, c)));
  }

  /**
   * Adds one booking. Everything not given is drawn at random.
   * @param {object} [s]
   * @param {'direct'|'guest'|'block'} [s.kind]  direct booking, imported guest stay, imported calendar block
   * @param {string} [s.status]  booking status (imports: 'confirmed')
   * @param {string} [s.postStatus]  'trash' for a trashed booking
   * @param {number} [s.checkIn]  day relative to DATA_TODAY
   * @param {number} [s.nights]
   * @param {number|object[]} [s.rooms]  how many rooms, or the units themselves
   * @param {object[]} [s.pool]  units to choose from (default: bookable units)
   * @param {number} [s.createdAt]  epoch seconds
   * @param {string} [s.channel]  'airbnb' | 'booking' | 'vrbo'
   * @param {boolean} [s.quoted]  iCal strings wrapped in literal quotes
   * @param {number} [s.modifiedAt]  epoch seconds (default: drawn after creation)
   * @param {object} [s.duplicateOf]  an imported booking: the same external stay imported again
   */
  book(s = {}) {
    const rng = this.rng;
    const mix = this.mix;
    if (s.duplicateOf) return this.#duplicate(s.duplicateOf, s);
    const kind = s.kind ?? rng.weighted(mix.kinds);
    const imported = kind !== 'direct';
    const status = s.status ?? (imported ? 'confirmed' : rng.weighted(mix.statuses ?? DIRECT_STATUSES));
    const checkIn = s.checkIn ?? rng.int(CHECK_IN_RANGE[0], CHECK_IN_RANGE[1]);
    const nights = s.nights ?? this.randomNights(kind);
    let units;
    if (Array.isArray(s.rooms)) units = s.rooms;
    else {
      const count = s.rooms ?? (imported ? 1 : rng.weighted(mix.rooms));
      units = this.#chooseUnits(count, s.pool ?? this.bookableUnits(), checkIn, nights);
    }
    if (status !== 'cancelled' && status !== 'abandoned') for (const u of units) this.#occupy(u, checkIn, nights);

    const plan = {
      kind, imported, status, postStatus: s.postStatus ?? status, checkIn, nights, units,
      created: s.createdAt ?? this.createdFor(checkIn),
      seq: this.seq++,
    };
    if (imported) this.#fillImported(plan, s);
    else this.#fillDirect(plan);
    plan.modified = s.modifiedAt ?? this.#modifiedFor(plan);
    this.bookings.push(plan);
    return plan;
  }

  #fillImported(plan, s) {
    const rng = this.rng;
    const quoted = s.quoted ?? rng.chance(this.mix.quoted ?? 0.5);
    if (plan.kind === 'block') {
      const channel = s.channel ?? rng.weighted(this.mix.blockChannels ?? [[1, 'airbnb']]);
      plan.ical = { ...blockIcal(rng, channel, quoted), code: null };
    } else {
      const channel = s.channel ?? rng.weighted(this.mix.guestChannels ?? [[1, 'airbnb']]);
      plan.ical = guestIcal(rng, channel, quoted);
    }
    plan.customer = emptyCustomer();
    plan.roomGuests = plan.units.map(() => ({ adults: 0, children: 0, guestName: '', rate: null }));
  }

  #fillDirect(plan) {
    const rng = this.rng;
    const guest = randomGuest(rng);
    plan.customer = guest.customer;
    plan.roomGuests = plan.units.map((u, i) => {
      const t = u.type;
      const cap = Math.max(1, t.totalCapacity);
      const adults = rng.int(1, Math.max(1, Math.min(t.adults, cap, 4)));
      const room = cap - adults;
      const children = t.children > 0 && room > 0 && rng.chance(0.3) ? rng.int(1, Math.min(t.children, room)) : 0;
      const active = t.rates.filter((r) => r.status === 'active');
      const rate = rng.chance(0.9) && active.length ? rng.pick(active) : rng.pick(t.rates);
      const guestName = i === 0 ? (rng.chance(0.5) ? guest.name : '') : (rng.chance(0.4) ? randomGuestName(rng) : '');
      return { adults, children, guestName, rate };
    });
    plan.key = rng.chance(0.6) ? rng.chars(13, '0123456789abcdef') : '';
    plan.checkoutId = rng.chance(0.15) ? rng.chars(32, '0123456789abcdef') : '';
    plan.coupon = rng.chance(0.08) ? rng.pick(this.coupons) : '';
    plan.note = rng.chance(0.2) ? rng.pick(this.notes) : '';
    plan.internalNote = rng.chance(0.1) ? rng.pick(['Paid cash at arrival.', 'Guest asked for a baby cot.', 'Called to confirm — no answer.', 'Upgrade offered at check-in.']) : null;
    const paymentStatus = {
      confirmed: rng.chance(0.6) ? 'completed' : null,
      'pending-payment': 'pending',
      cancelled: rng.chance(0.4) ? 'refunded' : null,
      abandoned: rng.chance(0.5) ? 'abandoned' : null,
    }[plan.status] ?? null;
    plan.payments = paymentStatus ? [{ status: paymentStatus, share: rng.chance(0.3) ? 0.3 : 1, id: 0 }] : [];
  }

  /** The same external stay imported a second time: same unit, dates and iCal strings, a new booking id. */
  #duplicate(original, s) {
    const plan = {
      ...original,
      units: original.units.slice(),
      roomGuests: original.roomGuests.map((g) => ({ ...g })),
      customer: emptyCustomer(),
      created: s.createdAt ?? Math.min(original.created + this.rng.int(HOUR, 10 * DAY), LATEST_RANDOM),
      seq: this.seq++,
    };
    plan.created = Math.max(plan.created, original.created + 1);
    plan.modified = plan.created;
    this.bookings.push(plan);
    return plan;
  }

  /** The newest creation time of any booking so far. */
  latestBookingCreated() {
    let max = 0;
    for (const b of this.bookings) if (b.created > max) max = b.created;
    return max;
  }

  // ---------------------------------------------------------------------------------------------------
  // Build: ids in creation order, then records

  #nightPrice(rate, day, adults, children) {
    const [month, dom] = dayMonthDay(day);
    const high = (month === 12 && dom >= 15) || (month === 1 && dom <= 10) || (month === 7) || (month === 8);
    const sp = high ? rate.seasonPrices[1] : rate.seasonPrices[0];
    if (sp.variations.length && adults + children > rate.type.baseAdults + rate.type.baseChildren) return sp.variations[0].price;
    return sp.basePrice;
  }

  build() {
    const rng = this.rng.fork('ids');
    const posts = this.setupPosts.concat(this.bookings);
    posts.sort((a, b) => a.created - b.created || a.seq - b.seq);
    let next = rng.int(9, 40);
    const take = () => {
      const id = next;
      next += rng.chance(0.25) ? rng.int(2, 5) : 1;
      return id;
    };
    for (const p of posts) {
      p.id = take();
      if (p.payments) for (const pay of p.payments) pay.id = take();
    }

    const meta = (p, postStatus, title) => ({
      created_gmt: formatTime(p.created),
      modified_gmt: formatTime(Math.max(p.created, p.modified)),
      post_status: postStatus,
      title,
    });
    const byId = (a, b) => a.record.id - b.record.id;
    const types = this.types.map((t) => ({ record: typeRecord(t), meta: meta(t, t.status, t.title) })).sort(byId);
    const units = this.units.map((u) => ({ record: unitRecord(u), meta: meta(u, u.status, u.title) })).sort(byId);
    const rates = this.rates.map((r) => ({ record: rateRecord(r), meta: meta(r, r.status, r.title) })).sort(byId);
    this.bookings.sort((a, b) => a.id - b.id);
    const bookings = this.bookings.map((b) => {
      const record = this.#bookingRecord(b);
      return { record, meta: meta(b, b.postStatus, `Booking #${b.id}`) };
    });
    return { profile: this.profile, title: this.title, types, units, bookings, rates };
  }

  #bookingRecord(b) {
    let total = 0;
    const rooms = b.units.map((unit, i) => {
      const g = b.roomGuests[i];
      const nights = [];
      let discount = 0;
      if (!b.imported) {
        let sum = 0;
        for (let d = b.checkIn; d < b.checkIn + b.nights; d++) {
          const price = this.#nightPrice(g.rate, d, g.adults, g.children);
          nights.push([dayDate(d), price]);
          sum += price;
        }
        if (b.coupon) discount = roundMoney(sum * 0.1, this.priceStep);
        total += sum - discount;
      }
      return reservedRoom({
        unitId: unit.id, typeId: unit.type.id, rateId: g.rate ? g.rate.id : 0,
        adults: g.adults, children: g.children, guestName: g.guestName, nights, discount,
      });
    });
    const createdAt = b.created;
    return bookingRecord({
      id: b.id,
      status: b.postStatus === 'trash' ? 'trash' : b.status,
      dateCreated: formatTime(createdAt, this.offset),
      dateCreatedUtc: formatTime(createdAt),
      key: b.key ? `booking_${b.id}_${b.key}` : '',
      checkInDate: dayDate(b.checkIn),
      checkOutDate: dayDate(b.checkIn + b.nights),
      checkInTime: this.checkInTime,
      checkOutTime: this.checkOutTime,
      customer: { ...b.customer },
      rooms,
      couponCode: b.coupon ?? '',
      currency: this.currency,
      totalPrice: total,
      checkoutId: b.checkoutId ?? '',
      payments: (b.payments ?? []).map((p) => ({
        id: p.id, status: p.status, amount: roundMoney(total * p.share, this.priceStep), currency: this.currency,
      })),
      imported: b.imported,
      icalDescription: b.imported ? b.ical.description : '',
      icalProdid: b.imported ? b.ical.prodid : '',
      icalSummary: b.imported ? b.ical.summary : '',
      note: b.note ?? '',
      internalNotes: b.internalNote ? [{ note: b.internalNote, user: 1, date_utc: formatTime(Math.max(b.created, b.modified)) }] : [],
    });
  }
}
