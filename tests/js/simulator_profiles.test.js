// The simulator's seeded hotels (host/simulator/profiles): deterministic per seed, shaped exactly like the
// MotoPress REST API (mphb-v1.openapi.json + FIELD-NOTES quirks), consistent (every room names a real unit
// of its type, one id space), and mapped by the real core with no errors.
import { readFileSync } from 'node:fs';

import { loadCore } from '../../js/core.js';
import { generateHotel, PROFILE_NAMES } from '../../host/simulator/profiles/index.js';

const TENANT = '6f1c2b7e-3f7c-4d8e-9a51-2b7d6c1e0a11';
const NOW = '2026-11-28T10:00:00Z';
const DATA_TODAY = '2026-11-01';
const SEED = 42;
const SCHEMAS = JSON.parse(readFileSync(new URL('../../../shared/motopress/mphb-v1.openapi.json', import.meta.url), 'utf8'))
  .components.schemas;
const LOCAL_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/; // FIELD-NOTES: no offset, no Z
const DATE = /^\d{4}-\d\d-\d\d$/;

const hotels = {};
let core;
beforeAll(async () => {
  for (const name of PROFILE_NAMES) hotels[name] = generateHotel(name, SEED);
  core = await loadCore();
});

const live = (e) => e.meta.post_status !== 'trash';
const isBlock = (r) => r.imported && /not available|blocked|closed/i.test(r.ical_summary);
const isImportedGuest = (r) => r.imported && !isBlock(r);
const unquote = (s) => s.replace(/^"(.*)"$/s, '$1');
const channelCode = (r) => /details\/(HM\w+)|Reservation code: ([\w-]+)/.exec(r.ical_description)?.slice(1).find(Boolean);
const addDays = (date, n) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86400000).toISOString().slice(0, 10);

// Per-record checks collect problems and assert once: calling expect() per record of a 10,000-booking
// hotel is slow. Each test ends with `expect(problems).toEqual([])`, which prints the first few.
function collector() {
  const problems = [];
  const check = (ok, message) => {
    if (!ok && problems.length < 20) problems.push(typeof message === 'function' ? message() : message);
  };
  return { problems, check };
}

// A small JSON-schema check (type, properties, items, enum, required) that also demands every declared
// property, as the plugin always sends them all. Returns a list of "path: problem" strings.
function schemaProblems(schema, value, path = '$', out = []) {
  const t = schema.type;
  const ok = {
    object: () => value !== null && typeof value === 'object' && !Array.isArray(value),
    array: () => Array.isArray(value),
    string: () => typeof value === 'string',
    integer: () => Number.isInteger(value),
    number: () => typeof value === 'number' && Number.isFinite(value),
    boolean: () => typeof value === 'boolean',
  }[t];
  if (ok && !ok()) {
    out.push(`${path}: expected ${t}, got ${JSON.stringify(value)}`);
    return out;
  }
  if (schema.enum && !schema.enum.includes(value)) out.push(`${path}: ${JSON.stringify(value)} not in enum`);
  if (t === 'object' && schema.properties) {
    for (const [key, sub] of Object.entries(schema.properties)) {
      if (!(key in value)) out.push(`${path}.${key}: missing`);
      else schemaProblems(sub, value[key], `${path}.${key}`, out);
    }
  }
  if (t === 'array' && schema.items) value.forEach((item, i) => schemaProblems(schema.items, item, `${path}[${i}]`, out));
  return out;
}

describe('generateHotel: API and determinism', () => {
  test('PROFILE_NAMES lists the five profiles', () => {
    expect(PROFILE_NAMES).toEqual(['indo', 'simmerdown', 'testhotel', 'airbnb-heavy', 'large']);
  });

  test.each(['indo', 'simmerdown', 'testhotel', 'airbnb-heavy', 'large:3000'])('%s: the same seed gives identical data', (spec) => {
    expect(JSON.stringify(generateHotel(spec, 7))).toBe(JSON.stringify(generateHotel(spec, 7)));
  });

  test('the large default is deterministic too', () => {
    expect(JSON.stringify(generateHotel('large', SEED))).toBe(JSON.stringify(hotels.large));
  });

  test.each(['indo', 'simmerdown', 'testhotel', 'airbnb-heavy', 'large:500'])('%s: different seeds give different data', (spec) => {
    const a = generateHotel(spec, 1);
    const b = generateHotel(spec, 2);
    expect(JSON.stringify(a.bookings)).not.toBe(JSON.stringify(b.bookings));
    expect(a.profile).toBe(b.profile);
  });

  test('returns profile, title and the four entity lists, each entity {record, meta}', () => {
    for (const name of PROFILE_NAMES) {
      const h = hotels[name];
      expect(Object.keys(h).sort()).toEqual(['bookings', 'profile', 'rates', 'title', 'types', 'units']);
      expect(h.profile).toBe(name);
      expect(typeof h.title).toBe('string');
      const { problems, check } = collector();
      for (const e of [...h.types, ...h.units, ...h.rates, ...h.bookings]) {
        check(Object.keys(e).sort().join() === 'meta,record', () => `${name}: entity keys ${Object.keys(e)}`);
        check(Object.keys(e.meta).sort().join() === 'created_gmt,modified_gmt,post_status,title', () => `${name} ${e.record.id}: meta keys`);
        check(e.record._links === undefined, () => `${name} ${e.record.id}: _links`);
      }
      expect(problems).toEqual([]);
    }
  });

  test.each([
    ['nope', /unknown profile "nope"/],
    ['Indo', /unknown profile/],
    ['', /unknown profile/],
    ['large:', /large:/],
    ['large:0', /1 to 1000000/],
    ['large:1000001', /1 to 1000000/],
    ['large:1.5', /integer/],
    ['large:-3', /integer/],
    ['large:abc', /integer/],
    ['toString', /unknown profile/],
  ])('rejects profile %j with a clear error', (spec, message) => {
    expect(() => generateHotel(spec, 1)).toThrow(message);
  });

  test('rejects a seed that is not a finite number', () => {
    expect(() => generateHotel('indo', Number.NaN)).toThrow(/seed/);
    expect(() => generateHotel('indo', '1')).toThrow(/seed/);
  });

  test('large:N gives exactly N bookings, down to 1', () => {
    for (const n of [1, 2, 5, 6, 7]) expect(generateHotel(`large:${n}`, 3).bookings).toHaveLength(n);
  });
});

describe('counts per profile', () => {
  test('indo: 3 types, 4 units, 6–8 bookings', () => {
    for (const seed of [SEED, 1, 2, 3, 4, 5]) {
      const h = seed === SEED ? hotels.indo : generateHotel('indo', seed);
      expect(h.types).toHaveLength(3);
      expect(h.units).toHaveLength(4);
      expect(h.bookings.length).toBeGreaterThanOrEqual(6);
      expect(h.bookings.length).toBeLessThanOrEqual(8);
    }
  });

  test('simmerdown: 10 types, 12 units, exactly 101 bookings', () => {
    expect(hotels.simmerdown.types).toHaveLength(10);
    expect(hotels.simmerdown.units).toHaveLength(12);
    expect(hotels.simmerdown.bookings).toHaveLength(101);
  });

  test('testhotel: 5 types, 8 units, 40 bookings', () => {
    expect(hotels.testhotel.types).toHaveLength(5);
    expect(hotels.testhotel.units).toHaveLength(8);
    expect(hotels.testhotel.bookings).toHaveLength(40);
  });

  test('airbnb-heavy: 4 types, 6 units, 150 bookings', () => {
    expect(hotels['airbnb-heavy'].types).toHaveLength(4);
    expect(hotels['airbnb-heavy'].units).toHaveLength(6);
    expect(hotels['airbnb-heavy'].bookings).toHaveLength(150);
  });

  test('large: 40 types, 300 units, 10,000 bookings by default', () => {
    expect(hotels.large.types).toHaveLength(40);
    expect(hotels.large.units).toHaveLength(300);
    expect(hotels.large.bookings).toHaveLength(10000);
  });

  test('large:100000 generates 100,000 bookings', () => {
    const h = generateHotel('large:100000', SEED);
    expect(h.bookings).toHaveLength(100000);
    expect(h.units).toHaveLength(300);
    const ids = new Set(h.bookings.map((b) => b.record.id));
    expect(ids.size).toBe(100000);
  });

  test('every type has one or two rates', () => {
    for (const name of PROFILE_NAMES) {
      const h = hotels[name];
      for (const t of h.types) {
        const n = h.rates.filter((r) => r.record.accommodation_type_id === t.record.id).length;
        expect(n).toBeGreaterThanOrEqual(1);
        expect(n).toBeLessThanOrEqual(2);
      }
    }
  });
});

describe.each(PROFILE_NAMES)('%s: records', (name) => {
  let h;
  beforeAll(() => { h = hotels[name]; });

  test('ids are integers, unique across types, units, rates, bookings and payments (one wp_posts space)', () => {
    const ids = [...h.types, ...h.units, ...h.rates, ...h.bookings].map((e) => e.record.id);
    for (const b of h.bookings) for (const p of b.record.payments) ids.push(p.id);
    expect(ids.every(Number.isInteger)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('ids increase with creation time (like wp_posts)', () => {
    const { problems, check } = collector();
    const all = [...h.types, ...h.units, ...h.rates, ...h.bookings].sort((a, b) => a.record.id - b.record.id);
    for (let i = 1; i < all.length; i++) check(all[i].meta.created_gmt >= all[i - 1].meta.created_gmt, () => `id ${all[i].record.id}`);
    expect(problems).toEqual([]);
  });

  test('record.status equals meta.post_status, with the allowed values per collection', () => {
    const allowed = {
      types: ['publish', 'draft', 'private', 'trash'],
      units: ['publish', 'draft', 'private', 'trash'],
      rates: ['active', 'disabled'],
      bookings: ['confirmed', 'pending', 'pending-user', 'pending-payment', 'cancelled', 'abandoned', 'trash'],
    };
    const { problems, check } = collector();
    for (const [list, values] of Object.entries(allowed)) {
      for (const e of h[list]) {
        check(e.record.status === e.meta.post_status, () => `${list} ${e.record.id}: ${e.record.status} vs ${e.meta.post_status}`);
        check(values.includes(e.meta.post_status), () => `${list} ${e.record.id}: post_status ${e.meta.post_status}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('every record has every property of its OpenAPI schema with the right JSON type', () => {
    const problems = [];
    const check = (schema, list, label) => {
      for (const e of list) {
        const record = e.record.status === 'trash' && label === 'bookings' ? { ...e.record, status: 'cancelled' } : e.record;
        for (const p of schemaProblems(SCHEMAS[schema], record)) problems.push(`${label} ${e.record.id} ${p}`);
      }
    };
    check('accommodation_types', h.types, 'types');
    check('accommodations', h.units, 'units');
    check('rates', h.rates, 'rates');
    check('bookings', h.bookings, 'bookings');
    expect(problems.slice(0, 10)).toEqual([]);
  });

  test('FIELD-NOTES extras: base_adults/base_children on types, all iCal fields on bookings', () => {
    const { problems, check } = collector();
    for (const { record: t } of h.types) {
      check(Number.isInteger(t.base_adults) && Number.isInteger(t.base_children), () => `type ${t.id}: base_adults/base_children`);
    }
    for (const { record: r } of h.bookings) {
      for (const k of ['ical_summary', 'ical_description', 'ical_prodid']) check(typeof r[k] === 'string', () => `booking ${r.id}: ${k}`);
      check(typeof r.imported === 'boolean', () => `booking ${r.id}: imported`);
    }
    expect(problems).toEqual([]);
  });

  test('meta times: created_gmt == date_created_utc, modified >= created, nothing after the data day', () => {
    const { problems, check } = collector();
    const offsets = new Set();
    for (const e of [...h.types, ...h.units, ...h.rates, ...h.bookings]) {
      const m = e.meta;
      check(LOCAL_TIME.test(m.created_gmt) && LOCAL_TIME.test(m.modified_gmt), () => `${e.record.id}: meta time format`);
      check(m.modified_gmt >= m.created_gmt, () => `${e.record.id}: modified before created`);
      check(m.modified_gmt <= `${DATA_TODAY}T23:59:59`, () => `${e.record.id}: modified after the data day`);
      check(typeof m.title === 'string', () => `${e.record.id}: meta.title`);
    }
    for (const { record: r, meta } of h.bookings) {
      check(LOCAL_TIME.test(r.date_created_utc) && LOCAL_TIME.test(r.date_created), () => `booking ${r.id}: date format`);
      check(meta.created_gmt === r.date_created_utc, () => `booking ${r.id}: created_gmt != date_created_utc`);
      offsets.add(Date.parse(`${r.date_created}Z`) - Date.parse(`${r.date_created_utc}Z`));
    }
    expect(problems).toEqual([]);
    expect(offsets.size).toBe(1); // one fixed site offset per profile
  });

  test('every room names an existing unit (trashed allowed) of its type and a rate of that type (0 on imports)', () => {
    const units = new Map(h.units.map((e) => [e.record.id, e.record]));
    const rates = new Map(h.rates.map((e) => [e.record.id, e.record]));
    const typeIds = new Set(h.types.map((e) => e.record.id));
    const { problems, check } = collector();
    for (const u of units.values()) check(typeIds.has(u.accommodation_type_id), () => `unit ${u.id}: unknown type`);
    for (const { record: r } of h.bookings) {
      check(r.reserved_accommodations.length > 0, () => `booking ${r.id}: no rooms`);
      const seen = new Set();
      for (const room of r.reserved_accommodations) {
        const unit = units.get(room.accommodation);
        check(unit !== undefined, () => `booking ${r.id}: unknown unit ${room.accommodation}`);
        check(room.accommodation_type === unit?.accommodation_type_id, () => `booking ${r.id}: type ${room.accommodation_type} is not the unit's`);
        check(!seen.has(room.accommodation), () => `booking ${r.id}: unit ${room.accommodation} twice`);
        seen.add(room.accommodation);
        if (r.imported) check(room.rate === 0, () => `booking ${r.id}: imported with rate ${room.rate}`);
        else check(rates.get(room.rate)?.accommodation_type_id === room.accommodation_type, () => `booking ${r.id}: rate ${room.rate} not of the type`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('prices: one price per night, total = nights − discounts (0 on imports), currency per hotel', () => {
    const { problems, check } = collector();
    const currencies = new Set();
    for (const { record: r } of h.bookings) {
      currencies.add(r.currency);
      check(DATE.test(r.check_in_date) && DATE.test(r.check_out_date), () => `booking ${r.id}: date format`);
      check(r.check_out_date > r.check_in_date, () => `booking ${r.id}: check-out not after check-in`);
      let sum = 0;
      for (const room of r.reserved_accommodations) {
        const days = room.accommodation_price_per_days;
        if (r.imported) {
          check(days.length === 0, () => `booking ${r.id}: imported with prices`);
          continue;
        }
        days.forEach((d, i) => check(d.date === addDays(r.check_in_date, i), () => `booking ${r.id}: night ${i} is ${d.date}`));
        check(addDays(r.check_in_date, days.length) === r.check_out_date, () => `booking ${r.id}: ${days.length} nights`);
        for (const d of days) sum += d.price;
        sum -= room.discount;
        check(room.discount === 0 || r.coupon_code !== '', () => `booking ${r.id}: discount without coupon`);
      }
      check(Math.abs(r.total_price - sum) < 1e-6, () => `booking ${r.id}: total ${r.total_price} != ${sum}`);
      for (const p of r.payments) check(p.currency === r.currency, () => `booking ${r.id}: payment currency`);
    }
    expect(problems).toEqual([]);
    expect(currencies.size).toBe(1);
  });

  test('check-in dates span past, in-house and future stays around 2026-11-01', () => {
    const ins = h.bookings.map((b) => b.record.check_in_date);
    expect(ins.some((d) => d < addDays(DATA_TODAY, -30))).toBe(true);
    expect(ins.some((d) => d > addDays(DATA_TODAY, 2))).toBe(true);
    expect(h.bookings.some((b) => b.record.check_in_date <= DATA_TODAY && b.record.check_out_date > DATA_TODAY)).toBe(true);
    expect(ins.every((d) => d >= addDays(DATA_TODAY, -190) && d <= addDays(DATA_TODAY, 280))).toBe(true);
  });

  test('imported bookings: empty customer (object of empty strings), total 0, no room guest names on blocks', () => {
    const { problems, check } = collector();
    for (const { record: r } of h.bookings.filter((b) => b.record.imported)) {
      check(Object.values(r.customer).every((v) => v === '') && Object.keys(r.customer).length === 9, () => `booking ${r.id}: customer`);
      check(r.total_price === 0, () => `booking ${r.id}: total_price`);
      check(r.ical_prodid !== '', () => `booking ${r.id}: no prodid`);
      if (isBlock(r)) {
        check(r.ical_description === '', () => `block ${r.id}: description`);
        check(r.reserved_accommodations.every((room) => room.guest_name === ''), () => `block ${r.id}: guest name`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('the real core plans it with errors: [] and puts blocks and imported guests where expected', () => {
    const bookings = h.bookings.filter(live).map((e) => e.record);
    const plan = core.plan({
      tenantId: TENANT, now: NOW,
      accommodationTypes: h.types.map((e) => e.record),
      accommodations: h.units.filter(live).map((e) => e.record),
      bookings,
    });
    expect(plan.errors).toEqual([]);
    const blockIds = bookings.filter(isBlock).map((r) => r.id).sort((a, b) => a - b);
    expect([...new Set(plan.calendar_blocks.map((b) => b.external_booking_id))].sort((a, b) => a - b)).toEqual(blockIds);
    const reservations = new Map(plan.reservations.map((r) => [r.external_booking_id, r]));
    expect(reservations.size).toBe(bookings.length - blockIds.length);
    const { problems, check } = collector();
    for (const r of bookings.filter(isImportedGuest)) {
      const row = reservations.get(r.id);
      check(row?.booking_source === 'ical', () => `imported guest ${r.id}: ${row?.booking_source}`);
      check(row?.reservation_code === channelCode(r), () => `imported guest ${r.id}: code ${row?.reservation_code}`);
    }
    for (const r of bookings.filter((b) => !b.imported)) check(reservations.get(r.id)?.booking_source === 'direct', () => `direct ${r.id}`);
    expect(problems).toEqual([]);
    // Placeholders only for the trashed unit(s), with a warning.
    const trashedUnits = new Set(h.units.filter((e) => !live(e)).map((e) => e.record.id));
    const placeholders = plan.accommodation_units.filter((u) => u.is_placeholder).map((u) => u.mphb_accommodation_id);
    for (const id of placeholders) expect(trashedUnits.has(id)).toBe(true);
    const codes = new Set(plan.warnings.map((w) => w.code));
    for (const code of codes) expect(['placeholder_unit', 'duplicate_channel_reservation']).toContain(code);
  });
});

describe('FIELD-NOTES quirks', () => {
  const all = () => PROFILE_NAMES.map((n) => hotels[n]);
  const allBookings = () => all().flatMap((h) => h.bookings.map((b) => b.record));
  const allTypes = () => all().flatMap((h) => h.types.map((t) => t.record));

  test('titles with HTML entities, raw special characters and non-Latin script', () => {
    const titles = allTypes().map((t) => t.title).concat(all().flatMap((h) => h.units.map((u) => u.record.title)));
    expect(titles.some((t) => t.includes('&amp;'))).toBe(true);
    expect(titles.some((t) => t.includes('&#8211;'))).toBe(true);
    expect(titles.some((t) => /[^&]& /.test(t) && t.includes('–') && t.includes('"'))).toBe(true);
    for (const s of ['Ñandú', '海景', 'Ξενία']) expect(titles.some((t) => t.includes(s))).toBe(true);
  });

  test('total_capacity smaller than adults + children on some types', () => {
    expect(allTypes().some((t) => t.total_capacity < t.adults + t.children)).toBe(true);
  });

  test('types with several units, and small hotels pairing a type with one unit', () => {
    const unitsPerType = (h) => h.types.map((t) => h.units.filter((u) => u.record.accommodation_type_id === t.record.id).length);
    expect(unitsPerType(hotels.large).some((n) => n >= 5)).toBe(true);
    expect(unitsPerType(hotels.indo).filter((n) => n === 1).length).toBeGreaterThanOrEqual(2);
  });

  test.each(['simmerdown', 'large'])('%s: a draft type still named by old bookings', (name) => {
    const h = hotels[name];
    const draft = h.types.filter((t) => t.record.status === 'draft').map((t) => t.record.id);
    expect(draft.length).toBeGreaterThan(0);
    const old = h.bookings.filter((b) => b.record.reserved_accommodations.some((r) => draft.includes(r.accommodation_type)));
    expect(old.length).toBeGreaterThan(0);
    for (const b of old) expect(b.record.check_out_date < DATA_TODAY).toBe(true);
  });

  test.each(['simmerdown', 'testhotel', 'large'])('%s: a unit trashed upstream still named by old bookings', (name) => {
    const h = hotels[name];
    const trashed = h.units.filter((u) => u.meta.post_status === 'trash');
    expect(trashed.length).toBe(1);
    const old = h.bookings.filter((b) => b.record.reserved_accommodations.some((r) => r.accommodation === trashed[0].record.id));
    expect(old.length).toBeGreaterThan(0);
    for (const b of old) {
      expect(b.record.check_out_date < DATA_TODAY).toBe(true);
      expect(b.meta.created_gmt < trashed[0].meta.modified_gmt).toBe(true);
    }
  });

  test('testhotel: a private type and a trashed booking (status "trash")', () => {
    expect(hotels.testhotel.types.some((t) => t.meta.post_status === 'private')).toBe(true);
    const trashed = hotels.testhotel.bookings.filter((b) => b.meta.post_status === 'trash');
    expect(trashed).toHaveLength(1);
    expect(trashed[0].record.status).toBe('trash');
  });

  test('free-text phones of several shapes, including empty', () => {
    const phones = allBookings().filter((r) => !r.imported).map((r) => r.customer.phone);
    expect(phones).toContain('');
    expect(phones.some((p) => /^\+57 3\d\d 555 \d{4}$/.test(p))).toBe(true);
    expect(phones.some((p) => /^\(\d{3}\) 555-\d{4}$/.test(p))).toBe(true);
  });

  test('customer countries are in the schema enum, "" included, and non-Latin names occur', () => {
    const countries = new Set(allBookings().map((r) => r.customer.country));
    expect(countries.has('')).toBe(true);
    const names = allBookings().map((r) => r.customer.first_name + r.customer.last_name);
    expect(names.some((n) => /[\u0370-\u03ff\u0400-\u04ff\u3040-\u30ff\u4e00-\u9fff]/.test(n))).toBe(true);
  });

  test('multi-room bookings: several in simmerdown (one with 3+ rooms), one with 8 rooms in large', () => {
    const rooms = (h) => h.bookings.map((b) => b.record.reserved_accommodations.length);
    expect(rooms(hotels.simmerdown).filter((n) => n > 1).length).toBeGreaterThan(1);
    expect(Math.max(...rooms(hotels.simmerdown))).toBeGreaterThanOrEqual(3);
    expect(rooms(hotels.large)).toContain(8);
  });

  test('simmerdown: every booking status and both import kinds', () => {
    const statuses = new Set(hotels.simmerdown.bookings.map((b) => b.record.status));
    for (const s of ['confirmed', 'pending', 'pending-user', 'pending-payment', 'cancelled', 'abandoned']) expect(statuses).toContain(s);
    const records = hotels.simmerdown.bookings.map((b) => b.record);
    expect(records.some(isBlock)).toBe(true);
    expect(records.some(isImportedGuest)).toBe(true);
    expect(records.some((r) => !r.imported && r.reserved_accommodations.length > 1)).toBe(true);
  });

  test('airbnb-heavy: about 70 % of bookings are imported calendar blocks', () => {
    for (const seed of [SEED, 1, 2]) {
      const h = seed === SEED ? hotels['airbnb-heavy'] : generateHotel('airbnb-heavy', seed);
      const share = h.bookings.filter((b) => isBlock(b.record)).length / h.bookings.length;
      expect(share).toBeGreaterThanOrEqual(0.65);
      expect(share).toBeLessThanOrEqual(0.75);
    }
  });

  test('iCal strings with literal surrounding quotes, real newlines and the two characters \\n', () => {
    const imported = allBookings().filter((r) => r.imported);
    expect(imported.some((r) => r.ical_summary === '"Airbnb (Not available)"')).toBe(true);
    expect(imported.some((r) => r.ical_summary === '"Reserved"')).toBe(true);
    expect(imported.some((r) => r.ical_prodid === '"-//Airbnb Inc//Hosting Calendar 1.0//EN"')).toBe(true);
    expect(imported.some((r) => r.ical_prodid === '-//Airbnb Inc//Hosting Calendar 1.0//EN')).toBe(true);
    const airbnbGuests = imported.filter((r) => isImportedGuest(r) && r.ical_description.includes('airbnb.com'));
    expect(airbnbGuests.some((r) => r.ical_description.startsWith('"') && r.ical_description.includes('\\nPhone Number'))).toBe(true);
    expect(airbnbGuests.some((r) => r.ical_description.includes('\nPhone Number (Last 4 Digits): '))).toBe(true);
    for (const r of airbnbGuests) {
      expect(unquote(r.ical_description)).toMatch(
        /^Reservation URL: https:\/\/www\.airbnb\.com\/hosting\/reservations\/details\/HM[A-Z0-9]{8}(\n|\\n)Phone Number \(Last 4 Digits\): \d{4}$/,
      );
    }
  });

  test('Booking.com and VRBO prodids too', () => {
    const prodids = allBookings().map((r) => unquote(r.ical_prodid));
    expect(prodids).toContain('-//admin.booking.com//NONSGML Booking.com//EN');
    expect(prodids.some((p) => /HomeAway|Vrbo/.test(p))).toBe(true);
  });

  test.each(['simmerdown', 'testhotel', 'airbnb-heavy', 'large'])('%s: the same external stay imported twice (two ids, one code)', (name) => {
    const byCode = new Map();
    for (const { record: r } of hotels[name].bookings) {
      if (!isImportedGuest(r)) continue;
      const code = channelCode(r);
      byCode.set(code, [...(byCode.get(code) ?? []), r]);
    }
    const dupes = [...byCode.values()].filter((list) => list.length > 1);
    expect(dupes.length).toBeGreaterThan(0);
    for (const [a, b] of dupes) {
      expect(a.id).not.toBe(b.id);
      expect([b.check_in_date, b.check_out_date, b.reserved_accommodations[0].accommodation])
        .toEqual([a.check_in_date, a.check_out_date, a.reserved_accommodations[0].accommodation]);
    }
    if (name === 'airbnb-heavy') expect(dupes.length).toBeGreaterThanOrEqual(3);
  });

  test('key often empty, coupons, payments, notes and internal notes on some direct bookings', () => {
    const direct = allBookings().filter((r) => !r.imported);
    expect(direct.some((r) => r.key === '')).toBe(true);
    expect(direct.some((r) => r.key === `booking_${r.id}_${r.key.slice(-13)}` && r.key.length > 0)).toBe(true);
    expect(direct.some((r) => r.coupon_code !== '')).toBe(true);
    expect(direct.some((r) => r.payments.length > 0)).toBe(true);
    expect(direct.some((r) => r.internal_notes.length > 0)).toBe(true);
    expect(direct.some((r) => r.note !== '')).toBe(true);
    for (const r of direct) for (const p of r.payments) expect(Object.keys(p).sort()).toEqual(['amount', 'currency', 'id', 'status']);
  });

  test('prices are JSON numbers, some with .5; currencies differ between hotels', () => {
    const prices = allBookings().flatMap((r) => r.reserved_accommodations.flatMap((room) => room.accommodation_price_per_days.map((d) => d.price)));
    expect(prices.some((p) => !Number.isInteger(p) && Number.isInteger(p * 2))).toBe(true);
    expect(new Set(all().map((h) => h.bookings[0].record.currency)).size).toBeGreaterThanOrEqual(3);
  });
});

describe('indo: the production case', () => {
  test('the newest booking names the newest unit, created after every other booking', () => {
    for (const seed of [SEED, 1, 2, 3]) {
      const h = seed === SEED ? hotels.indo : generateHotel('indo', seed);
      const newestUnit = h.units.reduce((a, b) => (b.record.id > a.record.id ? b : a));
      const newestBooking = h.bookings.reduce((a, b) => (b.record.id > a.record.id ? b : a));
      expect(newestBooking.record.reserved_accommodations.map((r) => r.accommodation)).toEqual([newestUnit.record.id]);
      expect(newestBooking.record.reserved_accommodations[0].accommodation_type).toBe(newestUnit.record.accommodation_type_id);
      for (const b of h.bookings) {
        if (b === newestBooking) continue;
        expect(b.meta.created_gmt < newestUnit.meta.created_gmt).toBe(true);
        expect(b.record.id).toBeLessThan(newestUnit.record.id);
      }
      expect(newestBooking.meta.created_gmt > newestUnit.meta.created_gmt).toBe(true);
    }
  });
});
