// SPEC §4 mapping rules and every quirk of /work/shared/motopress/FIELD-NOTES.md, exercised through the
// real WebAssembly build of the core (js/core.js → dist/wasm). One named test per rule.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadCore } from '../../js/core.js';

const TENANT = '7d3c1e5a-2b4f-4c8e-9a61-0f5e2d4c3b1a';
const OTHER_TENANT = 'c0ffee00-1234-4abc-8def-0123456789ab';
const NOW = '2026-11-28T10:00:00Z';
const AIRBNB_PRODID = '-//Airbnb Inc//Hosting Calendar 1.0//EN';

let core;
beforeAll(async () => {
  core = await loadCore();
});

// ---------------------------------------------------------------------------------------------------------
// Input factories (shapes as the MotoPress REST API sends them, FIELD-NOTES)

const EMPTY_CUSTOMER = Object.freeze({
  first_name: '', last_name: '', email: '', phone: '', country: '', state: '', city: '', zip: '', address1: '',
});

function customer(overrides = {}) {
  return {
    ...EMPTY_CUSTOMER,
    first_name: 'Ana', last_name: 'Restrepo', email: 'ana@example.com', phone: '+57 311 555 0142', country: 'CO',
    ...overrides,
  };
}

function room(overrides = {}) {
  return {
    accommodation: 101, accommodation_type: 12, rate: 7, adults: 2, children: 0, guest_name: '',
    services: [], accommodation_price_per_days: [], fees: [], taxes: { accommodation: [], services: [], fees: [] },
    discount: 0,
    ...overrides,
  };
}

// A confirmed direct booking of unit 101 (type 12).
function booking(overrides = {}) {
  return {
    id: 5001, status: 'confirmed', date_created: '2026-11-20T07:41:00', date_created_utc: '2026-11-20T12:41:00',
    key: '', check_in_date: '2026-12-20', check_out_date: '2026-12-27', check_in_time: '15:00:00',
    check_out_time: '11:00:00', customer: customer(), reserved_accommodations: [room()], coupon_code: '',
    currency: 'USD', total_price: 240, checkout_id: '', payments: [], imported: false, ical_description: '',
    ical_prodid: '', ical_summary: '', note: '', internal_notes: [],
    ...overrides,
  };
}

// An imported iCal booking with no guest data (the base of both blocks and imported guests).
function imported(overrides = {}) {
  return booking({
    imported: true, customer: { ...EMPTY_CUSTOMER }, total_price: 0, key: '',
    reserved_accommodations: [room({ rate: 0, adults: 0, children: 0 })],
    ical_prodid: AIRBNB_PRODID, ical_summary: '', ical_description: '',
    ...overrides,
  });
}

function calendarBlock(overrides = {}) {
  return imported({ ical_summary: 'Airbnb (Not available)', ...overrides });
}

function airbnbDescription(code = 'HMABCD1234', last4 = '4417', newline = '\n') {
  return `Reservation URL: https://www.airbnb.com/hosting/reservations/details/${code}${newline}` +
    `Phone Number (Last 4 Digits): ${last4}`;
}

function importedGuest(overrides = {}) {
  return imported({ ical_summary: 'Reserved', ical_description: airbnbDescription(), ...overrides });
}

function accommodationType(overrides = {}) {
  return {
    id: 12, status: 'publish', title: 'Deluxe Double', description: '<p>Balcony.</p>', excerpt: 'Balcony',
    adults: 2, children: 1, total_capacity: 3, base_adults: 2, base_children: 0, bed_type: 'King', size: 32,
    view: 'Sea', categories: [], tags: [], amenities: [], attributes: [], images: [],
    ...overrides,
  };
}

function unit(overrides = {}) {
  return { id: 101, status: 'publish', accommodation_type_id: 12, title: 'Deluxe 1', excerpt: '', ...overrides };
}

const TYPES = [accommodationType({ id: 12 }), accommodationType({ id: 15, title: 'Garden Double' })];
const UNITS = [
  unit({ id: 101, accommodation_type_id: 12, title: 'Deluxe 1' }),
  unit({ id: 102, accommodation_type_id: 12, title: 'Deluxe 2' }),
  unit({ id: 201, accommodation_type_id: 15, title: 'Garden 1' }),
];

function plan({ bookings, types = TYPES, units = UNITS, tenantId = TENANT, now = NOW } = {}) {
  return core.plan({ tenantId, now, accommodationTypes: types, accommodations: units, bookings });
}

// Plans one booking; returns the plan plus its reservation, junction rows and blocks.
function planOne(b, options = {}) {
  const result = plan({ bookings: [b], ...options });
  return {
    result,
    reservation: result.reservations[0],
    junction: result.reservation_accommodations,
    blocks: result.calendar_blocks,
  };
}

const codes = (list) => list.map((d) => d.code);

// RFC 4122 UUID v5, computed independently of the core: SHA-1(namespace bytes + name), version and variant set.
function uuidV5(namespace, name) {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(Buffer.from(name, 'utf8'))
    .digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// ---------------------------------------------------------------------------------------------------------

describe('SPEC §4 status mapping', () => {
  test.each([
    ['confirmed', 'active'],
    ['pending', 'pending_admin'],
    ['pending-user', 'pending'],
    ['pending-payment', 'pending_payment'],
    ['cancelled', 'cancelled'],
    ['abandoned', 'cancelled'],
  ])('status "%s" maps to "%s" with no warning and keeps the MotoPress status', (mphbStatus, expected) => {
    const { result, reservation } = planOne(booking({ status: mphbStatus }));
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(reservation.status).toBe(expected);
    expect(reservation.mphb_status).toBe(mphbStatus);
    expect(reservation.upstream_gone_at).toBeNull();
  });

  test('an unknown status maps to inactive with warning unknown_status at the status path', () => {
    const { result, reservation } = planOne(booking({ status: 'on-hold' }));
    expect(result.errors).toEqual([]);
    expect(reservation.status).toBe('inactive');
    expect(reservation.mphb_status).toBe('on-hold');
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'unknown_status', path: 'bookings[0].status', tenant_id: TENANT }),
    ]);
  });

  test('an unknown status is never treated as confirmed (e.g. "Confirmed" with a capital C)', () => {
    const { result, reservation } = planOne(booking({ status: 'Confirmed' }));
    expect(reservation.status).toBe('inactive');
    expect(codes(result.warnings)).toEqual(['unknown_status']);
  });

  test('only a confirmed booking gets the one status that may log in ("active")', () => {
    const statuses = ['confirmed', 'pending', 'pending-user', 'pending-payment', 'cancelled', 'abandoned', 'trash', 'weird'];
    const result = plan({ bookings: statuses.map((status, i) => booking({ id: 6000 + i, status })) });
    expect(result.errors).toEqual([]);
    const active = result.reservations.filter((r) => r.status === 'active').map((r) => r.mphb_status);
    expect(active).toEqual(['confirmed']);
    const allowed = new Set(['active', 'pending_admin', 'pending', 'pending_payment', 'cancelled', 'inactive']);
    for (const r of result.reservations) expect(allowed.has(r.status)).toBe(true);
  });
});

describe('SPEC §4 imported bookings', () => {
  test('a calendar block (imported, no guest data, "Not available") goes to calendar_blocks, never to reservations', () => {
    const { result, reservation, junction, blocks } = planOne(calendarBlock({ id: 5004 }));
    expect(result.errors).toEqual([]);
    expect(reservation).toBeUndefined();
    expect(junction).toEqual([]);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]).toMatchObject({
      external_booking_id: 5004,
      position: 0,
      mphb_accommodation_id: 101,
      mphb_type_id: 12,
      accommodation_unit_id: uuidV5(TENANT, 'accommodation_unit:101'),
      start_date: '2026-12-20',
      end_date: '2026-12-27',
      summary: 'Airbnb (Not available)',
      channel: 'airbnb',
      tenant_id: TENANT,
    });
  });

  test('a calendar block with a quoted summary is still a block (summary unquoted)', () => {
    const { reservation, blocks } = planOne(calendarBlock({
      ical_summary: '"Airbnb (Not available)"', ical_prodid: `"${AIRBNB_PRODID}"`,
    }));
    expect(reservation).toBeUndefined();
    expect(blocks).toHaveLength(1);
    expect(blocks[0].summary).toBe('Airbnb (Not available)');
  });

  test('a Booking.com "CLOSED - Not available" import is a calendar block', () => {
    const { reservation, blocks } = planOne(calendarBlock({
      ical_summary: 'CLOSED - Not available', ical_prodid: '-//admin.booking.com//NONSGML Booking.com//EN',
    }));
    expect(reservation).toBeUndefined();
    expect(blocks).toHaveLength(1);
    expect(blocks[0].channel).toBe('booking.com');
  });

  test('a multi-room calendar block gets one block row per room, with positions', () => {
    const { blocks } = planOne(calendarBlock({
      reserved_accommodations: [room({ accommodation: 101, rate: 0 }), room({ accommodation: 201, accommodation_type: 15, rate: 0 })],
    }));
    expect(blocks.map((b) => [b.position, b.mphb_accommodation_id])).toEqual([[0, 101], [1, 201]]);
  });

  test('an imported guest stay ("Reserved" with a reservation URL and phone) is a reservation, not a block', () => {
    const { result, reservation, junction, blocks } = planOne(importedGuest({ id: 5003 }));
    expect(result.errors).toEqual([]);
    expect(blocks).toEqual([]);
    expect(reservation).toMatchObject({
      external_booking_id: 5003,
      booking_source: 'ical',
      status: 'active',
      accommodation_unit_id: uuidV5(TENANT, 'accommodation_unit:101'),
    });
    expect(junction).toHaveLength(1);
  });

  test.each([
    [AIRBNB_PRODID, 'airbnb'],
    [`"${AIRBNB_PRODID}"`, 'airbnb'],
    ['-//admin.booking.com//NONSGML Booking.com//EN', 'booking.com'],
    ['-//HomeAway.com, Inc.//NONSGML HomeAway Calendar//EN', 'vrbo'],
    ['-//Vrbo//Calendar//EN', 'vrbo'],
  ])('channel comes from ical_prodid: %s → %s', (prodid, channel) => {
    const { reservation } = planOne(importedGuest({ ical_prodid: prodid }));
    expect(reservation.channel).toBe(channel);
  });

  test('a direct booking has channel "direct" and booking_source "direct"', () => {
    const { reservation } = planOne(booking());
    expect(reservation.channel).toBe('direct');
    expect(reservation.booking_source).toBe('direct');
  });

  test('an imported booking with no ical_prodid has a null channel (never guessed)', () => {
    const { reservation } = planOne(importedGuest({ ical_prodid: '' }));
    expect(reservation.channel).toBeNull();
    expect(reservation.booking_source).toBe('ical');
  });

  test('reservation code and phone last-4 are parsed from a plain ical_description (newline separated)', () => {
    const { reservation } = planOne(importedGuest({ ical_description: airbnbDescription('HMABCD1234', '4417') }));
    expect(reservation.reservation_code).toBe('HMABCD1234');
    expect(reservation.phone_last_4).toBe('4417');
  });

  test('reservation code and phone last-4 are parsed from a quoted ical_description with an escaped \\n', () => {
    const quoted = `"${airbnbDescription('HMQUOTED99', '2718', '\\n')}"`;
    const { reservation } = planOne(importedGuest({
      ical_summary: '"Reserved"', ical_prodid: `"${AIRBNB_PRODID}"`, ical_description: quoted,
    }));
    expect(reservation.reservation_code).toBe('HMQUOTED99');
    expect(reservation.phone_last_4).toBe('2718');
    expect(reservation.channel).toBe('airbnb');
  });

  test('escaped inner quotes and escaped commas in a quoted ical_description do not break the parse', () => {
    const description = '"Guest note: \\"late\\, arrival\\"\\n' +
      'Reservation URL: https://www.airbnb.com/hosting/reservations/details/HMESC42\\n' +
      'Phone Number (Last 4 Digits): 9876"';
    const { result, reservation } = planOne(importedGuest({ ical_description: description }));
    expect(result.errors).toEqual([]);
    expect(reservation.reservation_code).toBe('HMESC42');
    expect(reservation.phone_last_4).toBe('9876');
  });

  test('CRLF line ends and a trailing slash on the reservation URL are handled', () => {
    const description = 'Reservation URL: https://www.airbnb.com/hosting/reservations/details/HMCRLF7/\r\n' +
      'Phone Number (Last 4 Digits): 1234';
    const { reservation } = planOne(importedGuest({ ical_description: description }));
    expect(reservation.reservation_code).toBe('HMCRLF7');
    expect(reservation.phone_last_4).toBe('1234');
  });

  test.each([
    ['+57 311 555 0142', '0142'],
    ['(305) 555-0100', '0100'],
    ['555.123.4567', '4567'],
  ])('a direct booking takes phone last-4 from customer.phone: %s → %s', (phone, last4) => {
    const { reservation } = planOne(booking({ customer: customer({ phone }) }));
    expect(reservation.phone_last_4).toBe(last4);
    expect(reservation.guest_phone).toBe(phone);
    expect(reservation.reservation_code).toBeNull();
  });
});

describe('SPEC §4 dates', () => {
  test('check-in/out are stored exactly as the given property-local dates, whatever "now" and its offset', () => {
    const b = booking({ check_in_date: '2026-12-31', check_out_date: '2027-01-01' });
    for (const now of ['2026-12-31T23:30:00-05:00', '2027-01-01T00:30:00+14:00', '2026-12-31T12:00:00Z']) {
      const { reservation } = planOne(b, { now });
      expect(reservation.check_in_date).toBe('2026-12-31');
      expect(reservation.check_out_date).toBe('2027-01-01');
    }
    const { blocks } = planOne(calendarBlock({ check_in_date: '2028-02-29', check_out_date: '2028-03-01' }));
    expect([blocks[0].start_date, blocks[0].end_date]).toEqual(['2028-02-29', '2028-03-01']);
  });

  test('check-in/out times are kept as HH:MM:SS', () => {
    const { reservation } = planOne(booking({ check_in_time: '15:00:00', check_out_time: '11:00' }));
    expect(reservation.check_in_time).toBe('15:00:00');
    expect(reservation.check_out_time).toBe('11:00:00');
  });

  test('booked_at comes from date_created_utc; without an offset it is UTC and the output ends with Z', () => {
    const { reservation } = planOne(booking({ date_created: '2026-11-21T07:41:00', date_created_utc: '2026-11-21T12:41:00' }));
    expect(reservation.booked_at).toBe('2026-11-21T12:41:00Z');
  });

  test('booked_at honours an explicit offset in date_created_utc (converted to Z)', () => {
    const { reservation } = planOne(booking({ date_created_utc: '2026-11-21T01:30:00+02:00' }));
    expect(reservation.booked_at).toBe('2026-11-20T23:30:00Z');
  });

  test('booked_at is never taken from date_created (site-local): absent date_created_utc → null', () => {
    const b = booking({ date_created: '2026-11-21T07:41:00' });
    delete b.date_created_utc;
    const { result, reservation } = planOne(b);
    expect(result.errors).toEqual([]);
    expect(reservation.booked_at).toBeNull();
  });
});

describe('SPEC §4 empty customer fields are NULL', () => {
  test('an empty customer (object of empty strings) gives NULLs, never "Guest" or "0000"', () => {
    const { result, reservation } = planOne(booking({ customer: { ...EMPTY_CUSTOMER } }));
    expect(result.errors).toEqual([]);
    for (const field of ['guest_name', 'guest_first_name', 'guest_last_name', 'guest_email', 'guest_phone',
      'guest_country', 'phone_last_4']) {
      expect(reservation[field]).toBeNull();
    }
    const json = JSON.stringify(reservation);
    expect(json).not.toMatch(/"Guest"/i);
    expect(reservation.phone_last_4).not.toBe('0000');
  });

  test('whitespace-only customer fields are NULL too', () => {
    const { reservation } = planOne(booking({ customer: { ...EMPTY_CUSTOMER, first_name: '  ', phone: ' ' } }));
    expect(reservation.guest_first_name).toBeNull();
    expect(reservation.guest_phone).toBeNull();
    expect(reservation.phone_last_4).toBeNull();
  });

  test('an imported guest without a phone has phone_last_4 NULL, not "0000"', () => {
    const { reservation } = planOne(importedGuest({
      ical_description: 'Reservation URL: https://www.airbnb.com/hosting/reservations/details/HMNOPHONE',
    }));
    expect(reservation.reservation_code).toBe('HMNOPHONE');
    expect(reservation.phone_last_4).toBeNull();
    expect(reservation.guest_name).toBeNull();
  });

  test('an empty room guest_name is NULL on the junction row', () => {
    const { junction } = planOne(booking());
    expect(junction[0].guest_name).toBeNull();
  });
});

describe('SPEC §4 money', () => {
  test.each([
    [240, '240'],
    [1840.5, '1840.5'],
    [901.5, '901.5'],
    [0.1, '0.1'],
    [19.99, '19.99'],
    [1234567.89, '1234567.89'],
    [0, '0'],
    ['901.50', '901.5'],
  ])('total_price %p is an exact decimal string %p', (price, expected) => {
    const { result, reservation } = planOne(booking({ total_price: price }));
    expect(result.errors).toEqual([]);
    expect(reservation.total_price).toBe(expected);
  });

  test('a price given as JSON text keeps its exact decimal value (no binary float noise)', () => {
    const text = JSON.stringify([booking()]).replace('"total_price":240', '"total_price":0.30');
    const result = core.plan({ tenantId: TENANT, now: NOW, accommodationTypes: TYPES, accommodations: UNITS, bookings: text });
    expect(result.reservations[0].total_price).toBe('0.3');
  });

  test('tiny prices are exact decimal strings too (0.00001 → "0.00001")', () => {
    const { result, reservation } = planOne(booking({ total_price: 0.00001 }));
    expect(result.errors).toEqual([]);
    expect(reservation.total_price).toBe('0.00001');
    expect(planOne(booking({ total_price: 1e-7 })).reservation.total_price).toBe('0.0000001');
  });

  test('rate is a rate id (junction rate_id), never money', () => {
    const { reservation, junction } = planOne(booking({ total_price: 240, reserved_accommodations: [room({ rate: 7 })] }));
    expect(junction[0].rate_id).toBe(7);
    expect(reservation.total_price).toBe('240');
    expect(Object.keys(reservation)).not.toContain('rate');
    expect(Object.keys(junction[0])).not.toContain('rate');
    expect(Object.values(reservation)).not.toContain('7');
  });

  test('rate 0 (imports) becomes rate_id null, and "0" too', () => {
    const { junction } = planOne(booking({
      reserved_accommodations: [room({ accommodation: 101, rate: 0 }), room({ accommodation: 102, rate: '0' })],
    }));
    expect(junction.map((j) => j.rate_id)).toEqual([null, null]);
  });
});

describe('FIELD-NOTES quirks: accommodation types and units', () => {
  test('a type title given as a plain string is its name', () => {
    const result = plan({ types: [accommodationType({ id: 12, title: 'Deluxe Double' })], units: [], bookings: [] });
    expect(result.accommodation_types[0].name).toBe('Deluxe Double');
  });

  test('a type title given as {rendered} (some proxies) is its name', () => {
    const result = plan({ types: [accommodationType({ id: 15, title: { rendered: 'Garden Double' } })], units: [], bookings: [] });
    expect(result.errors).toEqual([]);
    expect(result.accommodation_types).toHaveLength(1);
    expect(result.accommodation_types[0].name).toBe('Garden Double');
  });

  test('HTML entities &amp; and &#8211; in titles are decoded', () => {
    const result = plan({
      types: [accommodationType({ id: 12, title: 'Sea View &amp; Spa &#8211; &quot;Deluxe&quot;' }),
        accommodationType({ id: 15, title: { rendered: 'Garden &amp; Pool &#8211; Twin' } })],
      units: [unit({ id: 101, accommodation_type_id: 12, title: 'Room &#8211; 1 &amp; 2' })],
      bookings: [],
    });
    expect(result.accommodation_types.map((t) => t.name)).toEqual(['Sea View & Spa – "Deluxe"', 'Garden & Pool – Twin']);
    expect(result.accommodation_units[0].name).toBe('Room – 1 & 2');
  });

  test('raw special characters in titles are kept as they are', () => {
    const raw = 'Sea View & Spa – "Deluxe" <3 ©';
    const result = plan({ types: [accommodationType({ id: 12, title: raw })], units: [], bookings: [] });
    expect(result.accommodation_types[0].name).toBe(raw);
  });

  test('ids given as numeric strings are read as the same numbers (same row ids)', () => {
    const asNumbers = plan({ bookings: [booking({ id: 5001 })] });
    const asStrings = plan({
      types: TYPES.map((t) => ({ ...t, id: String(t.id) })),
      units: UNITS.map((u) => ({ ...u, id: String(u.id), accommodation_type_id: String(u.accommodation_type_id) })),
      bookings: [booking({ id: '5001', reserved_accommodations: [room({ accommodation: '101', accommodation_type: '12', rate: '7', adults: '2', children: '0' })] })],
    });
    expect(asStrings.errors).toEqual([]);
    expect(asStrings.reservations[0].external_booking_id).toBe(5001);
    expect(asStrings.accommodation_types[0].mphb_type_id).toBe(12);
    expect(asStrings.accommodation_units[0].mphb_accommodation_id).toBe(101);
    expect(asStrings.reservation_accommodations[0]).toMatchObject({ mphb_accommodation_id: 101, mphb_type_id: 12, rate_id: 7, adults: 2 });
    expect(asStrings).toEqual(asNumbers);
  });

  test('a type with only an id (optional fields missing) still maps, with NULLs and a missing_title warning', () => {
    const result = plan({ types: [{ id: 14 }], units: [], bookings: [] });
    expect(result.errors).toEqual([]);
    expect(result.accommodation_types[0]).toMatchObject({
      mphb_type_id: 14, name: null, excerpt: null, description: null, bed_type: null, size: null, view: null,
      is_placeholder: false,
    });
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'missing_title', path: 'accommodation_types[0].title' })]);
  });

  test('a unit with only id and accommodation_type_id maps', () => {
    const result = plan({ units: [{ id: 101, accommodation_type_id: 12 }], bookings: [] });
    expect(result.errors).toEqual([]);
    expect(result.accommodation_units[0]).toMatchObject({
      mphb_accommodation_id: 101, mphb_type_id: 12, accommodation_type_id: uuidV5(TENANT, 'accommodation_type:12'),
      is_placeholder: false, is_active: true,
    });
  });

  test('an unpublished (draft) type is still mapped and its bookings still map', () => {
    const result = plan({
      types: [accommodationType({ id: 18, status: 'draft', title: 'Casa Ñandú' })],
      units: [unit({ id: 301, accommodation_type_id: 18, title: 'Casa Ñandú' })],
      bookings: [booking({ reserved_accommodations: [room({ accommodation: 301, accommodation_type: 18 })] })],
    });
    expect(result.errors).toEqual([]);
    expect(result.accommodation_types[0]).toMatchObject({ mphb_type_id: 18, status: 'draft', is_placeholder: false });
    expect(result.accommodation_types[0].is_active).toBe(true);
    expect(result.reservations[0].mphb_type_id).toBe(18);
    expect(result.warnings).toEqual([]);
  });

  test('a trashed unit is kept with is_active false, and a booking naming it still gets its room', () => {
    const result = plan({
      units: [unit({ id: 101, status: 'trash' })],
      bookings: [booking({ reserved_accommodations: [room({ accommodation: 101 })] })],
    });
    expect(result.errors).toEqual([]);
    expect(result.accommodation_units[0]).toMatchObject({ mphb_accommodation_id: 101, status: 'trash', is_active: false, is_placeholder: false });
    expect(result.reservations[0].accommodation_unit_id).toBe(result.accommodation_units[0].id);
    expect(codes(result.warnings)).not.toContain('placeholder_unit');
  });

  test('a trashed type is kept with is_active false', () => {
    const result = plan({ types: [accommodationType({ id: 12, status: 'trash' })], units: [], bookings: [] });
    expect(result.accommodation_types[0]).toMatchObject({ mphb_type_id: 12, is_active: false });
  });

  test('total_capacity smaller than adults + children is accepted as given', () => {
    const result = plan({ types: [accommodationType({ id: 12, adults: 4, children: 2, total_capacity: 5 })], units: [], bookings: [] });
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.accommodation_types[0]).toMatchObject({ adults: 4, children: 2, total_capacity: 5 });
  });

  test('duplicate type and unit ids across pages are deduped (last kept) with warning duplicate_id', () => {
    const result = plan({
      types: [[accommodationType({ id: 12, title: 'Old' })], [accommodationType({ id: 12, title: 'New' }), accommodationType({ id: 15 })]],
      units: [[unit({ id: 101, title: 'Old' })], [unit({ id: 101, title: 'New' })]],
      bookings: [],
    });
    expect(result.accommodation_types.map((t) => [t.mphb_type_id, t.name])).toEqual([[12, 'New'], [15, 'Deluxe Double']]);
    expect(result.accommodation_units.map((u) => [u.mphb_accommodation_id, u.name])).toEqual([[101, 'New']]);
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'duplicate_id', path: 'accommodation_types[1][0].id' }),
      expect.objectContaining({ code: 'duplicate_id', path: 'accommodations[1][0].id' }),
    ]);
  });
});

describe('FIELD-NOTES quirks: bookings', () => {
  test('a booking with optional fields missing still maps, with NULLs', () => {
    const minimal = {
      id: 77, status: 'confirmed', check_in_date: '2026-12-01', check_out_date: '2026-12-03',
      reserved_accommodations: [{ accommodation: 101 }],
    };
    const { result, reservation, junction } = planOne(minimal);
    expect(result.errors).toEqual([]);
    expect(reservation).toMatchObject({
      external_booking_id: 77, status: 'active', guest_name: null, guest_email: null, guest_phone: null,
      phone_last_4: null, total_price: null, currency: null, booked_at: null, check_in_time: null,
      check_out_time: null, reservation_code: null, booking_source: 'direct', adults: 0, children: 0,
      mphb_accommodation_id: 101, mphb_type_id: 12,
    });
    expect(junction[0]).toMatchObject({ mphb_accommodation_id: 101, mphb_type_id: 12, rate_id: null, adults: 0, children: 0, guest_name: null });
  });

  test('a PHP-style empty customer ([]) is an empty customer, not an error', () => {
    const { result, reservation } = planOne(booking({ customer: [] }));
    expect(result.errors).toEqual([]);
    expect(reservation.guest_name).toBeNull();
    expect(reservation.phone_last_4).toBeNull();
  });

  test('multi-room booking: one junction row per room with positions; the reservation unit is the first row\'s unit', () => {
    const { result, reservation, junction } = planOne(booking({
      id: 5001,
      reserved_accommodations: [
        room({ accommodation: 201, accommodation_type: 15, rate: 9, adults: 2, children: 0, guest_name: 'Luis' }),
        room({ accommodation: 101, accommodation_type: 12, rate: 7, adults: 2, children: 1, guest_name: 'Ana' }),
        room({ accommodation: 102, accommodation_type: 12, rate: 7, adults: 1, children: 0 }),
      ],
    }));
    expect(result.errors).toEqual([]);
    expect(junction.map((j) => [j.position, j.mphb_accommodation_id, j.mphb_type_id, j.rate_id, j.guest_name])).toEqual([
      [0, 201, 15, 9, 'Luis'], [1, 101, 12, 7, 'Ana'], [2, 102, 12, 7, null],
    ]);
    for (const j of junction) {
      expect(j.reservation_id).toBe(reservation.id);
      expect(j.accommodation_unit_id).toBe(uuidV5(TENANT, `accommodation_unit:${j.mphb_accommodation_id}`));
    }
    expect(reservation.accommodation_unit_id).toBe(junction[0].accommodation_unit_id);
    expect(reservation.mphb_accommodation_id).toBe(201);
    expect(reservation).toMatchObject({ room_count: 3, adults: 5, children: 1 });
    expect(new Set(junction.map((j) => j.id)).size).toBe(3);
  });

  test('a booking naming a unit absent from the units export gets a placeholder unit and warning placeholder_unit with the exact path', () => {
    const result = plan({
      bookings: [
        booking({ id: 5001 }),
        booking({ id: 5005, reserved_accommodations: [room({ accommodation: 101 }), room({ accommodation: 109, accommodation_type: 12 })] }),
      ],
    });
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'placeholder_unit', path: 'bookings[1].reserved_accommodations[1].accommodation', tenant_id: TENANT }),
    ]);
    const placeholder = result.accommodation_units.find((u) => u.mphb_accommodation_id === 109);
    expect(placeholder).toMatchObject({
      id: uuidV5(TENANT, 'accommodation_unit:109'), mphb_type_id: 12, accommodation_type_id: uuidV5(TENANT, 'accommodation_type:12'),
      is_placeholder: true, is_active: false, placeholder_since: NOW,
    });
    const row = result.reservation_accommodations.find((j) => j.mphb_accommodation_id === 109);
    expect(row).toMatchObject({ external_booking_id: 5005, position: 1, accommodation_unit_id: placeholder.id });
  });

  test('a placeholder unit whose type is also absent gets a placeholder type, so every unit has its type', () => {
    const result = plan({
      bookings: [booking({ reserved_accommodations: [room({ accommodation: 901, accommodation_type: 90 })] })],
    });
    expect(result.errors).toEqual([]);
    expect(codes(result.warnings)).toEqual(['placeholder_unit', 'placeholder_type']);
    expect(result.accommodation_types.find((t) => t.mphb_type_id === 90)).toMatchObject({ is_placeholder: true });
    const typeIds = new Set(result.accommodation_types.map((t) => t.id));
    for (const u of result.accommodation_units) expect(typeIds.has(u.accommodation_type_id)).toBe(true);
  });

  test('placeholder resolution does not depend on the order of bookings', () => {
    const noType = booking({ id: 1, reserved_accommodations: [{ accommodation: 999 }] });
    const withType = booking({ id: 2, reserved_accommodations: [room({ accommodation: 999, accommodation_type: 12 })] });
    const forward = plan({ bookings: [noType, withType] });
    const backward = plan({ bookings: [withType, noType] });
    expect(forward.errors).toEqual([]);
    expect(backward.errors).toEqual([]);
    expect(forward.reservations).toEqual(backward.reservations);
  });

  test('duplicate booking ids across pages (page drift) are deduped, last kept, with warning duplicate_id', () => {
    const result = plan({
      bookings: [
        [booking({ id: 5001, status: 'pending' }), booking({ id: 5002 })],
        [booking({ id: 5001, status: 'cancelled', reserved_accommodations: [room({ accommodation: 102 })] })],
      ],
    });
    expect(result.errors).toEqual([]);
    expect(result.reservations.map((r) => [r.external_booking_id, r.status])).toEqual([[5001, 'cancelled'], [5002, 'active']]);
    expect(result.reservation_accommodations.filter((j) => j.external_booking_id === 5001).map((j) => j.mphb_accommodation_id))
      .toEqual([102]);
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'duplicate_id', path: 'bookings[1][0].id' })]);
  });

  test('a duplicate booking that is superseded leaves no placeholder unit behind', () => {
    const result = plan({
      bookings: [
        [booking({ id: 1, reserved_accommodations: [room({ accommodation: 999, accommodation_type: 12 })] })],
        [booking({ id: 1, reserved_accommodations: [room({ accommodation: 101 })] })],
      ],
    });
    expect(codes(result.warnings)).toEqual(['duplicate_id']);
    expect(result.accommodation_units.map((u) => u.mphb_accommodation_id)).not.toContain(999);
  });

  test('an array of pages maps like one page, with paths naming the page', () => {
    const pages = [[booking({ id: 1 }), booking({ id: 2 })], [booking({ id: 3, status: 'weird' })]];
    const result = plan({ bookings: pages });
    expect(result.errors).toEqual([]);
    expect(result.reservations.map((r) => r.external_booking_id)).toEqual([1, 2, 3]);
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'unknown_status', path: 'bookings[1][0].status' })]);
    const flat = plan({ bookings: pages.flat() });
    expect(flat.reservations).toEqual(result.reservations);
    expect(flat.reservation_accommodations).toEqual(result.reservation_accommodations);
  });

  test('the same external stay imported twice: both kept, warning duplicate_channel_reservation', () => {
    const result = plan({ bookings: [importedGuest({ id: 7001 }), importedGuest({ id: 7002 })] });
    expect(result.errors).toEqual([]);
    expect(result.reservations.map((r) => [r.external_booking_id, r.reservation_code])).toEqual([
      [7001, 'HMABCD1234'], [7002, 'HMABCD1234'],
    ]);
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'duplicate_channel_reservation', path: 'bookings[1].ical_description' }),
    ]);
  });

  test('the same code on two different channels is not a duplicate stay', () => {
    const result = plan({
      bookings: [importedGuest({ id: 7001 }), importedGuest({ id: 7002, ical_prodid: '-//Vrbo//Calendar//EN' })],
    });
    expect(result.warnings).toEqual([]);
  });

  test('status "trash" → inactive with upstream_gone_at = now', () => {
    const { result, reservation } = planOne(booking({ status: 'trash' }));
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(reservation).toMatchObject({ status: 'inactive', mphb_status: 'trash', upstream_gone_at: NOW });
  });

  test('"now" with an offset is normalised to UTC for upstream_gone_at', () => {
    const { reservation } = planOne(booking({ status: 'trash' }), { now: '2026-11-28T12:00:00+02:00' });
    expect(reservation.upstream_gone_at).toBe('2026-11-28T10:00:00Z');
  });

  test('non-Latin names are kept byte for byte', () => {
    const { result, reservation, junction } = planOne(booking({
      customer: customer({ first_name: 'Дмитрий', last_name: 'Ñandú 山田 🌊', country: 'RU' }),
      reserved_accommodations: [room({ guest_name: 'Σοφία Παπαδοπούλου' })],
    }));
    expect(result.errors).toEqual([]);
    expect(reservation.guest_first_name).toBe('Дмитрий');
    expect(reservation.guest_last_name).toBe('Ñandú 山田 🌊');
    expect(reservation.guest_name).toBe('Дмитрий Ñandú 山田 🌊');
    expect(junction[0].guest_name).toBe('Σοφία Παπαδοπούλου');
  });

  test.each([
    ['+7 (912) 345-67-89 доб.', '6789'],
    ['tel: 0044 20 7946 0958', '0958'],
    ['call me', null],
    ['12', null],
  ])('a free-text phone %p is kept as given, last-4 %p', (phone, last4) => {
    const { result, reservation } = planOne(booking({ customer: customer({ phone }) }));
    expect(result.errors).toEqual([]);
    expect(reservation.guest_phone).toBe(phone);
    expect(reservation.phone_last_4).toBe(last4);
  });

  test('imported guest: the room guest_name is the guest name when the customer is empty', () => {
    const { reservation } = planOne(importedGuest({ reserved_accommodations: [room({ rate: 0, guest_name: 'Kim Lee' })] }));
    expect(reservation.guest_name).toBe('Kim Lee');
    expect(reservation.guest_first_name).toBeNull();
  });
});

describe('row ids', () => {
  test('row ids are UUID v5 of the tenant namespace and a kind-qualified MotoPress id', () => {
    const result = plan({ bookings: [booking({ id: 5001 })] });
    const reservation = result.reservations[0];
    expect(reservation.id).toMatch(UUID_V5);
    expect(reservation.id).toBe(uuidV5(TENANT, 'reservation:5001'));
    expect(result.accommodation_types[0].id).toBe(uuidV5(TENANT, 'accommodation_type:12'));
    expect(result.accommodation_units[0].id).toBe(uuidV5(TENANT, 'accommodation_unit:101'));
    expect(result.reservation_accommodations[0].id).toBe(uuidV5(TENANT, 'reservation_accommodation:5001:0'));
    const block = plan({ bookings: [calendarBlock({ id: 5004 })] }).calendar_blocks[0];
    expect(block.id).toBe(uuidV5(TENANT, 'calendar_block:5004:0'));
  });

  test('row ids and the whole plan are deterministic across calls', () => {
    const input = { tenantId: TENANT, now: NOW, accommodationTypes: TYPES, accommodations: UNITS,
      bookings: [booking(), importedGuest({ id: 5003 }), calendarBlock({ id: 5004 })] };
    const first = core.planJson(input);
    const second = core.planJson(input);
    expect(second).toBe(first);
    const again = plan({ bookings: [booking()] }).reservations[0].id;
    expect(again).toBe(uuidV5(TENANT, 'reservation:5001'));
  });

  test('an upper-case tenant id gives the same (lower-case) rows', () => {
    const lower = plan({ bookings: [booking()] });
    const upper = plan({ bookings: [booking()], tenantId: TENANT.toUpperCase() });
    expect(upper).toEqual(lower);
  });

  test('two tenants with the same MotoPress ids get different row ids, each closed over its own tenant', () => {
    const bookings = [booking({ id: 5001 }), calendarBlock({ id: 5004 })];
    const a = plan({ bookings, tenantId: TENANT });
    const b = plan({ bookings, tenantId: OTHER_TENANT });
    for (const table of ['accommodation_types', 'accommodation_units', 'reservations', 'reservation_accommodations', 'calendar_blocks']) {
      expect(a[table].length).toBeGreaterThan(0);
      const idsA = new Set(a[table].map((r) => r.id));
      for (const row of b[table]) {
        expect(idsA.has(row.id)).toBe(false);
        expect(row.tenant_id).toBe(OTHER_TENANT);
      }
    }
    const unitIds = new Set(b.accommodation_units.map((u) => u.id));
    expect(unitIds.has(b.reservations[0].accommodation_unit_id)).toBe(true);
    expect(b.reservation_accommodations[0].reservation_id).toBe(b.reservations[0].id);
    expect(b.reservations[0].id).toBe(uuidV5(OTHER_TENANT, 'reservation:5001'));
  });
});

describe('the seaside-hotel example', () => {
  const dir = fileURLToPath(new URL('../../examples/seaside-hotel/', import.meta.url));
  const read = (name) => readFileSync(dir + name, 'utf8');

  test('maps with no errors: guests, an imported guest, a calendar block and a placeholder unit', () => {
    const result = core.plan({
      tenantId: TENANT, now: NOW,
      accommodationTypes: read('accommodation_types.json'),
      accommodations: read('accommodations.json'),
      bookings: read('bookings.json'),
    });
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'placeholder_unit', path: 'bookings[4].reserved_accommodations[0].accommodation' }),
    ]);
    expect(result.reservations.map((r) => [r.external_booking_id, r.status])).toEqual([
      [5001, 'active'], [5002, 'cancelled'], [5003, 'active'], [5005, 'pending_admin'],
    ]);
    expect(result.calendar_blocks.map((b) => b.external_booking_id)).toEqual([5004]);
    const imp = result.reservations.find((r) => r.external_booking_id === 5003);
    expect(imp).toMatchObject({ channel: 'airbnb', reservation_code: 'HMABCD1234', phone_last_4: '4417' });
    expect(result.accommodation_types.find((t) => t.mphb_type_id === 12).name).toBe('Sea View & Spa – "Deluxe"');
    expect(result.accommodation_types.find((t) => t.mphb_type_id === 15).name).toBe('Garden Double');
    // I1: every reservation naming a room has the unit of its first junction row
    for (const r of result.reservations) {
      const first = result.reservation_accommodations.find((j) => j.reservation_id === r.id && j.position === 0);
      expect(r.accommodation_unit_id).toBe(first.accommodation_unit_id);
    }
  });
});
