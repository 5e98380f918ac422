// SPEC §7: bad input to the core (any bytes) returns an error value with a JSON path, never a throw or a
// trap. Exercised through the real WebAssembly build (js/core.js → dist/wasm).
import { loadCore } from '../../js/core.js';
import { mulberry32 } from './support/seeded_random.js';

const TENANT = '7d3c1e5a-2b4f-4c8e-9a61-0f5e2d4c3b1a';
const NOW = '2026-11-28T10:00:00Z';
const PLAN_ARRAYS = [
  'accommodation_types', 'accommodation_units', 'reservations', 'reservation_accommodations', 'calendar_blocks',
  'warnings', 'errors',
];
const ROOTS = ['accommodation_types', 'accommodations', 'bookings', 'tenant_id', 'now'];

let core;
beforeAll(async () => {
  core = await loadCore();
});

// ---------------------------------------------------------------------------------------------------------
// Input factories

const EMPTY_CUSTOMER = Object.freeze({
  first_name: '', last_name: '', email: '', phone: '', country: '', state: '', city: '', zip: '', address1: '',
});

function room(overrides = {}) {
  return { accommodation: 101, accommodation_type: 12, rate: 7, adults: 2, children: 0, guest_name: '', ...overrides };
}

function booking(overrides = {}) {
  return {
    id: 5001, status: 'confirmed', date_created_utc: '2026-11-20T12:41:00',
    check_in_date: '2026-12-20', check_out_date: '2026-12-27', check_in_time: '15:00:00', check_out_time: '11:00:00',
    customer: { ...EMPTY_CUSTOMER, first_name: 'Ana', last_name: 'Restrepo', phone: '+57 311 555 0142' },
    reserved_accommodations: [room()], currency: 'USD', total_price: 240, imported: false,
    ical_description: '', ical_prodid: '', ical_summary: '',
    ...overrides,
  };
}

function calendarBlock(overrides = {}) {
  return booking({
    imported: true, customer: { ...EMPTY_CUSTOMER }, total_price: 0, reserved_accommodations: [room({ rate: 0, adults: 0 })],
    ical_summary: 'Airbnb (Not available)', ical_prodid: '-//Airbnb Inc//Hosting Calendar 1.0//EN',
    ...overrides,
  });
}

const TYPES = [{ id: 12, status: 'publish', title: 'Deluxe Double' }, { id: 15, status: 'publish', title: 'Garden Double' }];
const UNITS = [
  { id: 101, status: 'publish', accommodation_type_id: 12, title: 'Deluxe 1' },
  { id: 102, status: 'publish', accommodation_type_id: 12, title: 'Deluxe 2' },
  { id: 201, status: 'publish', accommodation_type_id: 15, title: 'Garden 1' },
];

// JSON text of one booking with a raw (unquoted) value spliced in for one field — for inputs that a JS
// value cannot express (1e400, integers beyond 2^53).
function bookingText(field, rawValue, overrides = {}) {
  const marker = '__RAW__';
  return JSON.stringify([booking({ ...overrides, [field]: marker })]).replace(`"${marker}"`, rawValue);
}

function plan({ bookings, types = TYPES, units = UNITS, tenantId = TENANT, now = NOW } = {}) {
  const result = core.plan({ tenantId, now, accommodationTypes: types, accommodations: units, bookings });
  expectPlanShape(result);
  return result;
}

// The plan always has its seven arrays, and every diagnostic is {code, path, message, tenant_id} with a
// path into one of the inputs.
function expectPlanShape(result) {
  expect(Object.keys(result).sort()).toEqual([...PLAN_ARRAYS].sort());
  for (const key of PLAN_ARRAYS) expect(Array.isArray(result[key])).toBe(true);
  for (const d of [...result.warnings, ...result.errors]) {
    expect(typeof d.code).toBe('string');
    expect(d.code).toMatch(/^[a-z_0-9]+$/);
    expect(typeof d.message).toBe('string');
    expect(typeof d.path).toBe('string');
    expect(ROOTS.some((root) => d.path === root || d.path.startsWith(`${root}[`) || d.path.startsWith(`${root}.`))).toBe(true);
  }
}

const errorPairs = (result) => result.errors.map((e) => [e.code, e.path]);

// ---------------------------------------------------------------------------------------------------------

describe('truncated JSON', () => {
  test('stopping inside a value reports invalid_json at that value: bookings[0].check_out_date', () => {
    const full = JSON.stringify([booking()]);
    const cut = full.slice(0, full.indexOf('"check_out_date":"') + '"check_out_date":"2026-12'.length);
    const result = plan({ bookings: cut });
    expect(errorPairs(result)).toEqual([['invalid_json', 'bookings[0].check_out_date']]);
    expect(result.errors[0].tenant_id).toBe(TENANT);
    expect(result.reservations).toEqual([]);
    expect(result.reservation_accommodations).toEqual([]);
  });

  test('a truncated bookings export still plans the accommodations', () => {
    const result = plan({ bookings: '[{"id":5001,"status":"confirmed","check_in_date":"2026-' });
    expect(errorPairs(result)).toEqual([['invalid_json', 'bookings[0].check_in_date']]);
    expect(result.accommodation_types).toHaveLength(2);
    expect(result.accommodation_units).toHaveLength(3);
  });

  test('stopping inside the second page reports the page and record: bookings[1][0].status', () => {
    const result = plan({ bookings: '[[{"id":1}],[{"id":2,"status":"conf' });
    expect(errorPairs(result)).toEqual([['invalid_json', 'bookings[1][0].status']]);
  });

  test('stopping after a complete record reports the next slot: bookings[1]', () => {
    const result = plan({ bookings: `[${JSON.stringify(booking())},` });
    expect(errorPairs(result)).toEqual([['invalid_json', 'bookings[1]']]);
    expect(result.reservations).toEqual([]);
  });

  test('stopping inside a nested room reports its path', () => {
    // Cut inside a string: the member being read is unambiguous. (A cut right after a number leaves a
    // complete value, so the path is the record: bookings[0].reserved_accommodations[1].)
    const result = plan({ bookings: '[{"id":1,"reserved_accommodations":[{"accommodation":101},{"guest_name":"An' });
    expect(errorPairs(result)).toEqual([['invalid_json', 'bookings[0].reserved_accommodations[1].guest_name']]);
  });

  test('a truncated accommodation types export names its own root', () => {
    const result = plan({ types: '[{"id":12,"title":"Deluxe', bookings: [] });
    expect(errorPairs(result)).toEqual([['invalid_json', 'accommodation_types[0].title']]);
  });

  test('stopping between two members of a record reports the record, not the previous member', () => {
    const result = plan({ bookings: '[{"id":1,"customer":{"first_name":"A"},' });
    expect(errorPairs(result)).toEqual([['invalid_json', 'bookings[0]']]);
  });
});

describe('wrong types', () => {
  test('customer as a string → wrong_type at bookings[0].customer', () => {
    const result = plan({ bookings: [booking({ customer: 'Ana Restrepo' })] });
    expect(errorPairs(result)).toEqual([['wrong_type', 'bookings[0].customer']]);
    expect(result.reservations).toEqual([]);
  });

  test('reserved_accommodations[0].accommodation as an object → wrong_type at its exact path', () => {
    const result = plan({ bookings: [booking({ reserved_accommodations: [room({ accommodation: { id: 101 } })] })] });
    expect(errorPairs(result)).toEqual([['wrong_type', 'bookings[0].reserved_accommodations[0].accommodation']]);
  });

  test.each([
    { field: 'reserved_accommodations', value: { accommodation: 101 }, path: 'bookings[0].reserved_accommodations' },
    { field: 'status', value: 5, path: 'bookings[0].status' },
    { field: 'check_in_date', value: 20261220, path: 'bookings[0].check_in_date' },
    { field: 'total_price', value: true, path: 'bookings[0].total_price' },
    { field: 'imported', value: 'yes', path: 'bookings[0].imported' },
    { field: 'date_created_utc', value: 1732106460, path: 'bookings[0].date_created_utc' },
    { field: 'id', value: [5001], path: 'bookings[0].id' },
  ])('booking field $field of the wrong type → wrong_type at $path', ({ field, value, path }) => {
    const result = plan({ bookings: [booking({ [field]: value })] });
    expect(errorPairs(result)).toEqual([['wrong_type', path]]);
    expect(result.reservations).toEqual([]);
  });

  test('a room that is not an object → wrong_type at bookings[0].reserved_accommodations[1]', () => {
    const result = plan({ bookings: [booking({ reserved_accommodations: [room(), 101] })] });
    expect(errorPairs(result)).toEqual([['wrong_type', 'bookings[0].reserved_accommodations[1]']]);
  });

  test('a record that is not an object → wrong_type at its index; the other records map', () => {
    const result = plan({ bookings: [booking({ id: 1 }), 'booking 2', booking({ id: 3 })] });
    expect(errorPairs(result)).toEqual([['wrong_type', 'bookings[1]']]);
    expect(result.reservations.map((r) => r.external_booking_id)).toEqual([1, 3]);
  });

  test('a customer field of the wrong type → wrong_type at bookings[0].customer.email', () => {
    const result = plan({ bookings: [booking({ customer: { ...EMPTY_CUSTOMER, email: ['a@b.c'] } })] });
    expect(errorPairs(result)).toEqual([['wrong_type', 'bookings[0].customer.email']]);
  });

  test('a type title of the wrong type → wrong_type at accommodation_types[0].title (and .rendered)', () => {
    const result = plan({ types: [{ id: 12, title: 42 }, { id: 15, title: { rendered: 7 } }], units: [], bookings: [] });
    expect(errorPairs(result)).toEqual([
      ['wrong_type', 'accommodation_types[0].title'],
      ['wrong_type', 'accommodation_types[1].title.rendered'],
    ]);
    expect(result.accommodation_types).toEqual([]);
  });

  test('a unit accommodation_type_id of the wrong type → wrong_type at accommodations[0].accommodation_type_id', () => {
    const result = plan({ units: [{ id: 101, accommodation_type_id: { id: 12 } }], bookings: [] });
    expect(errorPairs(result)).toEqual([['wrong_type', 'accommodations[0].accommodation_type_id']]);
    expect(result.accommodation_units).toEqual([]);
  });

  test('a non-numeric id string → invalid_format at bookings[0].id', () => {
    const result = plan({ bookings: [booking({ id: '50x1' })] });
    expect(errorPairs(result)).toEqual([['invalid_format', 'bookings[0].id']]);
  });
});

describe('huge numbers', () => {
  test('id 1e400 (beyond double) → invalid_json at bookings[0].id', () => {
    const result = plan({ bookings: bookingText('id', '1e400') });
    expect(errorPairs(result)).toEqual([['invalid_json', 'bookings[0].id']]);
    expect(result.reservations).toEqual([]);
  });

  test('id 99999999999999999999 (beyond 64 bits) → out_of_range at bookings[0].id', () => {
    const result = plan({ bookings: bookingText('id', '99999999999999999999') });
    expect(errorPairs(result)).toEqual([['out_of_range', 'bookings[0].id']]);
    expect(result.reservations).toEqual([]);
  });

  test('id 2^53 → out_of_range; 2^53-1 is the largest id accepted', () => {
    expect(errorPairs(plan({ bookings: bookingText('id', '9007199254740992') }))).toEqual([['out_of_range', 'bookings[0].id']]);
    const ok = plan({ bookings: bookingText('id', '9007199254740991') });
    expect(ok.errors).toEqual([]);
    expect(ok.reservations[0].external_booking_id).toBe(9007199254740991);
  });

  test.each([['0'], ['-3'], ['5001.5']])('id %s → out_of_range at bookings[0].id', (raw) => {
    expect(errorPairs(plan({ bookings: bookingText('id', raw) }))).toEqual([['out_of_range', 'bookings[0].id']]);
  });

  test('total_price 1e300 → out_of_range at bookings[0].total_price', () => {
    const result = plan({ bookings: bookingText('total_price', '1e300') });
    expect(errorPairs(result)).toEqual([['out_of_range', 'bookings[0].total_price']]);
  });

  test('a unit accommodation_type_id of 1e400 → invalid_json at accommodations[0].accommodation_type_id', () => {
    const result = plan({ units: '[{"id":101,"accommodation_type_id":1e400}]', bookings: [] });
    expect(errorPairs(result)).toEqual([['invalid_json', 'accommodations[0].accommodation_type_id']]);
  });

  test.each([['10001'], ['100000'], ['18446744073709551615'], ['-1']])('adults %s → out_of_range at the room', (raw) => {
    const text = JSON.stringify([booking({ reserved_accommodations: [room({ adults: '__RAW__' })] })]).replace('"__RAW__"', raw);
    expect(errorPairs(plan({ bookings: text }))).toEqual([['out_of_range', 'bookings[0].reserved_accommodations[0].adults']]);
  });

  test.each([['1e20'], ['99999999999999999999']])('adults %s → out_of_range (not wrong_type)', (raw) => {
    const text = JSON.stringify([booking({ reserved_accommodations: [room({ adults: '__RAW__' })] })]).replace('"__RAW__"', raw);
    expect(errorPairs(plan({ bookings: text }))).toEqual([['out_of_range', 'bookings[0].reserved_accommodations[0].adults']]);
  });

  test('a numeric-string id beyond 2^53 with 17 digits → out_of_range', () => {
    const result = plan({ bookings: [booking({ id: '12345678901234567' })] });
    expect(errorPairs(result)).toEqual([['out_of_range', 'bookings[0].id']]);
  });
});

describe('deep nesting', () => {
  test('100000 nested arrays → too_deep, no crash', () => {
    const result = plan({ bookings: '['.repeat(100000) });
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0].code).toBe('too_deep');
    expect(result.errors[0].path.startsWith('bookings[0][0]')).toBe(true);
  });

  test('a deeply nested value inside a booking → too_deep with the path into it', () => {
    const text = `[{"id":1,"customer":${'{"a":'.repeat(200)}1${'}'.repeat(200)}}]`;
    const result = plan({ bookings: text });
    expect(result.errors.map((e) => e.code)).toEqual(['too_deep']);
    expect(result.errors[0].path.startsWith('bookings[0].customer.a.a.a')).toBe(true);
    expect(result.reservations).toEqual([]);
  });

  test('moderate nesting in fields the core ignores is fine', () => {
    let notes = 'x';
    for (let i = 0; i < 30; i += 1) notes = [notes];
    const result = plan({ bookings: [booking({ internal_notes: notes })] });
    expect(result.errors).toEqual([]);
    expect(result.reservations).toHaveLength(1);
  });
});

describe('invalid UTF-8', () => {
  const encoder = new TextEncoder();
  const withBytes = (bad) => new Uint8Array([
    ...encoder.encode('[{"id":12,"title":"Sea '), ...bad, ...encoder.encode('"}]'),
  ]);

  test.each([
    ['a lone 0xFF byte', [0xff]],
    ['a lone continuation byte', [0x80]],
    ['an overlong encoding', [0xc0, 0xaf]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a truncated 3-byte sequence', [0xe2, 0x82]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ])('%s in a Uint8Array → invalid_utf8 at accommodation_types[0].title', (_name, bad) => {
    const result = plan({ types: withBytes(bad), units: [], bookings: [] });
    expect(errorPairs(result)).toEqual([['invalid_utf8', 'accommodation_types[0].title']]);
    expect(result.accommodation_types).toEqual([]);
  });

  test('invalid UTF-8 in a booking (ArrayBuffer input) → invalid_utf8 at its path', () => {
    const bytes = new Uint8Array([...encoder.encode('[{"id":1,"customer":{"first_name":"Ana'), 0xff, ...encoder.encode('"}}]')]);
    const result = plan({ bookings: bytes.buffer });
    expect(errorPairs(result)).toEqual([['invalid_utf8', 'bookings[0].customer.first_name']]);
  });

  test('valid multi-byte UTF-8 bytes are accepted', () => {
    const result = plan({ types: encoder.encode('[{"id":12,"title":"Casa Ñandú 山田 🌊"}]'), units: [], bookings: [] });
    expect(result.errors).toEqual([]);
    expect(result.accommodation_types[0].name).toBe('Casa Ñandú 山田 🌊');
  });
});

describe('not a collection', () => {
  test('a WordPress error object instead of an array → not_a_collection at the root', () => {
    const wpError = { code: 'mphb_rest_cannot_view', message: 'Sorry, you cannot list resources.', data: { status: 401 } };
    const result = plan({ bookings: wpError });
    expect(errorPairs(result)).toEqual([['not_a_collection', 'bookings']]);
    expect(result.errors[0].message).toContain('mphb_rest_cannot_view');
  });

  test('a WordPress error object for the units export → not_a_collection at accommodations', () => {
    const result = plan({ units: { code: 'rest_invalid_param', message: 'Invalid parameter(s): per_page', data: { status: 400 } }, bookings: [] });
    expect(errorPairs(result)).toEqual([['not_a_collection', 'accommodations']]);
  });

  test.each([['{}'], ['null'], ['"bookings"'], ['42'], ['true']])('%s → not_a_collection at bookings', (text) => {
    expect(errorPairs(plan({ bookings: text }))).toEqual([['not_a_collection', 'bookings']]);
  });
});

describe('empty input', () => {
  test.each([
    ['an empty string', ''],
    ['only whitespace', ' \n\t '],
    ['an empty Uint8Array', new Uint8Array(0)],
  ])('%s → invalid_json at the root', (_name, value) => {
    expect(errorPairs(plan({ bookings: value }))).toEqual([['invalid_json', 'bookings']]);
  });

  test('an empty array and an empty list of pages are valid and map nothing', () => {
    for (const value of ['[]', '[[]]', [], [[], []]]) {
      const result = plan({ bookings: value });
      expect(result.errors).toEqual([]);
      expect(result.reservations).toEqual([]);
    }
  });

  test('omitted exports are left out without errors', () => {
    const result = core.plan({ tenantId: TENANT, now: NOW });
    expectPlanShape(result);
    expect(result.errors).toEqual([]);
  });
});

describe('invalid dates', () => {
  test('check_out before check_in → invalid_dates at bookings[0].check_out_date', () => {
    const result = plan({ bookings: [booking({ check_in_date: '2026-12-27', check_out_date: '2026-12-20' })] });
    expect(errorPairs(result)).toEqual([['invalid_dates', 'bookings[0].check_out_date']]);
    expect(result.reservations).toEqual([]);
  });

  test('check_out equal to check_in is accepted', () => {
    expect(plan({ bookings: [booking({ check_in_date: '2026-12-20', check_out_date: '2026-12-20' })] }).errors).toEqual([]);
  });

  test.each([['2026-02-30'], ['2026-13-01'], ['12/20/2026'], ['2026-12-20T00:00:00']])('check_in_date %s → invalid_format', (value) => {
    expect(errorPairs(plan({ bookings: [booking({ check_in_date: value })] }))).toEqual([['invalid_format', 'bookings[0].check_in_date']]);
  });

  test('an unparseable date_created_utc → invalid_format at its path', () => {
    expect(errorPairs(plan({ bookings: [booking({ date_created_utc: 'yesterday' })] })))
      .toEqual([['invalid_format', 'bookings[0].date_created_utc']]);
  });
});

describe('missing required fields', () => {
  const without = (field) => {
    const b = booking();
    delete b[field];
    return b;
  };

  test.each([
    ['id', 'bookings[0].id'],
    ['status', 'bookings[0].status'],
    ['check_in_date', 'bookings[0].check_in_date'],
    ['check_out_date', 'bookings[0].check_out_date'],
  ])('a booking without %s → missing_field at %s', (field, path) => {
    const result = plan({ bookings: [without(field)] });
    expect(errorPairs(result)).toEqual([['missing_field', path]]);
    expect(result.reservations).toEqual([]);
  });

  test('a null or empty required field is missing too', () => {
    expect(errorPairs(plan({ bookings: [booking({ id: null })] }))).toEqual([['missing_field', 'bookings[0].id']]);
    expect(errorPairs(plan({ bookings: [booking({ status: '' })] }))).toEqual([['missing_field', 'bookings[0].status']]);
    expect(errorPairs(plan({ bookings: [booking({ check_in_date: '' })] }))).toEqual([['missing_field', 'bookings[0].check_in_date']]);
  });

  test('a room without accommodation → missing_field at bookings[0].reserved_accommodations[0].accommodation', () => {
    const result = plan({ bookings: [booking({ reserved_accommodations: [{ accommodation_type: 12, adults: 2 }] })] });
    expect(errorPairs(result)).toEqual([['missing_field', 'bookings[0].reserved_accommodations[0].accommodation']]);
  });

  test('a type without id and a unit without accommodation_type_id → missing_field at their paths', () => {
    const result = plan({ types: [{ title: 'No id' }], units: [{ id: 101, title: 'Orphan' }], bookings: [] });
    expect(errorPairs(result)).toEqual([
      ['missing_field', 'accommodation_types[0].id'],
      ['missing_field', 'accommodations[0].accommodation_type_id'],
    ]);
    expect(result.accommodation_types).toEqual([]);
    expect(result.accommodation_units).toEqual([]);
  });

  test('every problem of one booking is reported, each at its own path', () => {
    const b = without('check_in_date');
    b.customer = 'x';
    b.id = 'abc';
    const paths = plan({ bookings: [b] }).errors.map((e) => e.path).sort();
    expect(paths).toEqual(['bookings[0].check_in_date', 'bookings[0].customer', 'bookings[0].id']);
  });
});

describe('rejected bookings', () => {
  test('a rejected booking leaves no reservation or junction row; the other bookings still map', () => {
    const result = plan({
      bookings: [
        booking({ id: 1 }),
        booking({ id: 2, customer: 'not an object' }),
        booking({ id: 3, reserved_accommodations: [room({ accommodation: 101 }), room({ accommodation: 201, accommodation_type: 15 })] }),
        booking({ id: 4, check_in_date: '2026-12-27', check_out_date: '2026-12-20' }),
      ],
    });
    expect(errorPairs(result)).toEqual([
      ['wrong_type', 'bookings[1].customer'],
      ['invalid_dates', 'bookings[3].check_out_date'],
    ]);
    expect(result.reservations.map((r) => r.external_booking_id)).toEqual([1, 3]);
    expect(result.reservation_accommodations.map((j) => [j.external_booking_id, j.position])).toEqual([[1, 0], [3, 0], [3, 1]]);
  });

  test('one bad room rejects the whole multi-room booking (never half a booking)', () => {
    const result = plan({
      bookings: [
        booking({ id: 9, reserved_accommodations: [room({ accommodation: 101 }), room({ accommodation: 'x' }), room({ accommodation: 201 })] }),
        booking({ id: 10 }),
      ],
    });
    expect(errorPairs(result)).toEqual([['invalid_format', 'bookings[0].reserved_accommodations[1].accommodation']]);
    expect(result.reservations.map((r) => r.external_booking_id)).toEqual([10]);
    expect(result.reservation_accommodations.map((j) => j.external_booking_id)).toEqual([10]);
  });

  test('a rejected calendar block leaves no block row', () => {
    const result = plan({ bookings: [calendarBlock({ id: 20, check_out_date: 'soon' }), calendarBlock({ id: 21 })] });
    expect(errorPairs(result)).toEqual([['invalid_format', 'bookings[0].check_out_date']]);
    expect(result.calendar_blocks.map((b) => b.external_booking_id)).toEqual([21]);
  });

  test('a rejected booking plans no placeholder unit for the unit it names', () => {
    const result = plan({ bookings: [booking({ id: 30, status: 7, reserved_accommodations: [room({ accommodation: 999 })] })] });
    expect(errorPairs(result)).toEqual([['wrong_type', 'bookings[0].status']]);
    expect(result.accommodation_units.map((u) => u.mphb_accommodation_id)).not.toContain(999);
  });

  test('an unknown unit with no type cannot get a placeholder: error, booking rejected, others kept', () => {
    const result = plan({ bookings: [booking({ id: 40, reserved_accommodations: [{ accommodation: 999 }] }), booking({ id: 41 })] });
    expect(errorPairs(result)).toEqual([['unknown_accommodation_type', 'bookings[0].reserved_accommodations[0].accommodation']]);
    expect(result.reservations.map((r) => r.external_booking_id)).toEqual([41]);
    expect(result.reservation_accommodations.map((j) => j.external_booking_id)).toEqual([41]);
  });
});

describe('invalid tenant and time', () => {
  test('a tenant id that is not a UUID and an unparseable now → errors, empty plan, no throw', () => {
    const result = core.plan({ tenantId: 'hotel-1', now: 'tomorrow', bookings: [booking()] });
    expectPlanShape(result);
    expect(errorPairs(result)).toEqual([['invalid_tenant_id', 'tenant_id'], ['invalid_now', 'now']]);
    expect(result.reservations).toEqual([]);
  });
});

describe('random bytes never crash the core', () => {
  test('300 random byte strings (seeded) always give the seven arrays', () => {
    const random = mulberry32(0x5eed1234);
    const alphabet = new TextEncoder().encode('[]{}",:0123456789.eE-+ \\truefalsnl"id"status"');
    for (let i = 0; i < 300; i += 1) {
      const length = Math.floor(random() * 200);
      const bytes = new Uint8Array(length);
      const jsonish = random() < 0.5; // half of them from JSON punctuation, half any byte
      for (let j = 0; j < length; j += 1) {
        bytes[j] = jsonish ? alphabet[Math.floor(random() * alphabet.length)] : Math.floor(random() * 256);
      }
      const slot = i % 3;
      const result = core.plan({
        tenantId: TENANT, now: NOW,
        accommodationTypes: slot === 0 ? bytes : undefined,
        accommodations: slot === 1 ? bytes : undefined,
        bookings: slot === 2 ? bytes : undefined,
      });
      expectPlanShape(result);
    }
  });

  test('200 seeded mutations of a valid export (cut, flipped, inserted bytes) always give the seven arrays', () => {
    const random = mulberry32(0xbadc0de);
    const valid = new TextEncoder().encode(JSON.stringify([
      booking({ id: 1 }), calendarBlock({ id: 2 }),
      booking({ id: 3, reserved_accommodations: [room(), room({ accommodation: 201, accommodation_type: 15 })] }),
    ]));
    for (let i = 0; i < 200; i += 1) {
      let bytes = valid.slice();
      const edits = 1 + Math.floor(random() * 4);
      for (let e = 0; e < edits; e += 1) {
        const at = Math.floor(random() * bytes.length);
        const kind = random();
        if (kind < 0.3) bytes = bytes.slice(0, at);
        else if (kind < 0.7) bytes[at] = Math.floor(random() * 256);
        else bytes = new Uint8Array([...bytes.slice(0, at), Math.floor(random() * 256), ...bytes.slice(at)]);
        if (bytes.length === 0) break;
      }
      const result = plan({ bookings: bytes });
      for (const r of result.reservations) {
        // I1/I2 still hold for whatever survived: a kept reservation has all its junction rows
        const rows = result.reservation_accommodations.filter((j) => j.reservation_id === r.id);
        expect(rows).toHaveLength(r.room_count);
        if (r.room_count > 0) expect(r.accommodation_unit_id).toBe(rows.find((j) => j.position === 0).accommodation_unit_id);
      }
    }
  });

  test('the core still maps correctly after all that', () => {
    const result = plan({ bookings: [booking()] });
    expect(result.errors).toEqual([]);
    expect(result.reservations).toHaveLength(1);
  });
});
