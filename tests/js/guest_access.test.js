// The guest's side end to end, against real parts: every simulator profile synced into PGlite and
// PostgreSQL, the real WASM core, a real HTTP server (`mphb-sync serve`'s), and plain fetch. Who logs in
// (only active reservations, until 7 days after check-out; never a calendar block, never by '0000'
// without a real phone), what my-stay shows (exactly the reservation's rooms, read fresh), the answers,
// tokens, rate limits and bad input. The clock is injected: the simulated data's "today" is 2026-11-01.
import { jest } from '@jest/globals';
import Ajv2020 from 'ajv/dist/2020.js';
import { SignJWT, decodeJwt } from 'jose';

import { startHttpServer } from '../../host/http/node_server.js';
import { createStaffToken } from '../../host/http/staff_tokens.js';
import { closeTemplates, databaseKinds } from './support/test_databases.js';
import { createSyncHarness } from './support/sync_harness.js';

jest.setTimeout(300_000);

const TEST_KEY = Buffer.alloc(32, 7).toString('base64');
const TODAY = '2026-11-01';
const START = new Date(`${TODAY}T12:00:00Z`);
const HOTELS = ['indo', 'simmerdown', 'testhotel', 'airbnb-heavy', 'large'];
const STAY_KEYS = ['adults', 'booking_id', 'check_in_date', 'check_in_time', 'check_out_date', 'check_out_time', 'children', 'guest_name',
  'guests', 'hotel_name', 'nights', 'reservation_id', 'room_count', 'rooms', 'status', 'tenant_id'].sort();

afterAll(() => closeTemplates());

describe.each(databaseKinds())('guest access on %s', (kind) => {
  let h;
  let server;
  let now = START;
  let address = 0;
  const changed = {};

  // Every request from its own client address unless told otherwise, so rate limits apply only where a test wants them.
  const nextAddress = () => `198.51.100.${(address++ % 250) + 1}, 10.0.0.${address % 250}`;
  async function call(method, path, { body, token, client = nextAddress(), raw } = {}) {
    const headers = { 'x-forwarded-for': client };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined || raw !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${server.url}${path}`, { method, headers, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
    const text = await res.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, headers: res.headers, json, text };
  }
  const login = (tenant, body, options) => call('POST', `/api/guest/login?tenant_id=${tenant}`, { body, ...options });
  const myStay = (token, query = '') => call('GET', `/api/guest/my-stay${query}`, { token });
  const ask = (token, question) => call('POST', '/api/guest/ask', { token, body: { question } });

  const tenantId = (hotel) => h.tenant(hotel).tenant_id;
  const rows = (sql, params) => h.db.query(sql, params);
  /** The rooms of a reservation as the database holds them, in position order. */
  const roomsOf = (reservationId) => rows(`select ra.position, u.name as unit_name, t.name as type_name
    from public.reservation_accommodations ra join hotels.accommodation_units u on u.id = ra.accommodation_unit_id
    join hotels.accommodation_types t on t.id = u.accommodation_type_id where ra.reservation_id = $1 order by ra.position`, [reservationId]);
  /** Active reservations with a phone that may still log in "today", with how many share their pair. */
  const loginable = (hotel) => rows(`select r.id, r.external_booking_id, r.check_in_date::text as check_in_date, r.phone_last_4, r.room_count,
      (select count(*) from public.guest_reservations o where o.tenant_id = r.tenant_id and o.status = 'active'
        and o.check_in_date = r.check_in_date and o.phone_last_4 = r.phone_last_4 and o.check_out_date >= $2::date - 7)::int as twins
    from public.guest_reservations r where r.tenant_id = $1 and r.status = 'active' and r.phone_last_4 is not null
      and r.check_out_date >= $2::date - 7 order by r.external_booking_id`, [tenantId(hotel), TODAY]);

  beforeAll(async () => {
    h = await createSyncHarness(kind, { hotels: 'indo,simmerdown,testhotel,airbnb-heavy,large=large:400', seed: 1 });
    for (const hotel of HOTELS) await h.addTenant(hotel);
    for (const hotel of HOTELS) await h.syncAll(hotel);
    // Upstream, one loginable guest per hotel is trashed and another cancelled; the next sync marks them.
    for (const hotel of HOTELS) {
      const [trashed, cancelled] = (await loginable(hotel)).filter((r) => r.twins === 1);
      h.sim.site(hotel).trash('bookings', trashed.external_booking_id);
      h.sim.site(hotel).updateBooking(cancelled.external_booking_id, { status: 'cancelled' });
      changed[hotel] = { trashed, cancelled };
      await h.syncAll(hotel);
    }
    server = await startHttpServer({ db: h.db, core: h.core, encryptionKey: TEST_KEY, port: 0, trustProxy: true, clock: () => now });
  });

  afterAll(async () => {
    await server?.stop();
    await h?.close();
  });

  describe.each(HOTELS)('profile %s', (hotel) => {
    test('every active reservation with a phone, checked out at most 7 days ago, logs in with its check-in date and last 4 digits, and my-stay lists exactly its rooms', async () => {
      const guests = await loginable(hotel);
      expect(guests.length).toBeGreaterThan(0);
      let multiRoom = 0;
      for (const g of guests) {
        const res = await login(hotel, { check_in_date: g.check_in_date, phone_last_4: g.phone_last_4 });
        if (g.twins > 1) {
          expect({ booking: g.external_booking_id, status: res.status, code: res.json.code }).toEqual({ booking: g.external_booking_id, status: 409, code: 'ambiguous' });
          continue;
        }
        expect({ booking: g.external_booking_id, status: res.status }).toEqual({ booking: g.external_booking_id, status: 200 });
        expect(res.json.reservation_id).toBe(g.id);
        const stay = await myStay(res.json.token);
        expect(stay.status).toBe(200);
        expect(Object.keys(stay.json).sort()).toEqual(STAY_KEYS);
        expect(stay.json.reservation_id).toBe(g.id);
        expect(stay.json.booking_id).toBe(Number(g.external_booking_id));
        const expected = await roomsOf(g.id);
        expect(expected.length).toBe(g.room_count);
        expect(stay.json.rooms.map((r) => ({ position: r.position, unit_name: r.unit_name, type_name: r.type_name }))).toEqual(expected);
        if (expected.length > 1) multiRoom += 1;
      }
      if (hotel === 'simmerdown') expect(multiRoom).toBeGreaterThan(0);
    });

    test('pending, cancelled and trashed bookings never log in with their own pair', async () => {
      const { trashed, cancelled } = changed[hotel];
      const [t] = await rows('select status, upstream_gone_at from public.guest_reservations where id = $1', [trashed.id]);
      const [c] = await rows('select status from public.guest_reservations where id = $1', [cancelled.id]);
      expect(t.status).toBe('inactive');
      expect(t.upstream_gone_at).not.toBeNull();
      expect(c.status).toBe('cancelled');
      const refused = await rows(`select id, status, check_in_date::text as check_in_date, phone_last_4, reservation_code from public.guest_reservations
        where tenant_id = $1 and status <> 'active' and (phone_last_4 is not null or reservation_code is not null)`, [tenantId(hotel)]);
      expect(refused.map((r) => r.id)).toEqual(expect.arrayContaining([trashed.id, cancelled.id]));
      for (const r of refused) {
        const attempts = [];
        if (r.phone_last_4) attempts.push({ check_in_date: r.check_in_date, phone_last_4: r.phone_last_4 });
        if (r.reservation_code) attempts.push({ check_in_date: r.check_in_date, reservation_code: r.reservation_code });
        for (const body of attempts) {
          const res = await login(hotel, body);
          // A 200 can only be another, active guest with the same details — never this one.
          if (res.status === 200) {
            expect(res.json.reservation_id).not.toBe(r.id);
            const [other] = await rows('select status from public.guest_reservations where id = $1', [res.json.reservation_id]);
            expect(other.status).toBe('active');
          } else {
            expect([401, 403, 409]).toContain(res.status);
          }
        }
      }
    });

    test("calendar blocks never log in, and '0000' logs nobody in unless a real phone ends in 0000", async () => {
      const dates = await rows(`select distinct d from (
          select start_date::text as d from public.calendar_blocks where tenant_id = $1
          union select check_in_date::text from public.guest_reservations where tenant_id = $1) x order by d`, [tenantId(hotel)]);
      const blocks = await rows('select count(*)::int as n from public.calendar_blocks where tenant_id = $1', [tenantId(hotel)]);
      if (hotel === 'airbnb-heavy') expect(blocks[0].n).toBeGreaterThan(10);
      for (const { d } of dates) {
        const res = await login(hotel, { check_in_date: d, phone_last_4: '0000' });
        if (res.status === 200) {
          const [r] = await rows('select status, phone_last_4 from public.guest_reservations where id = $1', [res.json.reservation_id]);
          expect(r).toEqual({ status: 'active', phone_last_4: '0000' });
        } else {
          expect(res.status).toBe(401);
          expect(res.json.code).toBe('invalid_credentials');
        }
      }
      const blockIds = await rows('select id from public.calendar_blocks where tenant_id = $1', [tenantId(hotel)]);
      const logins = await rows('select id from public.guest_reservations where tenant_id = $1', [tenantId(hotel)]);
      const reservationIds = new Set(logins.map((r) => r.id));
      for (const b of blockIds) expect(reservationIds.has(b.id)).toBe(false);
    });
  });

  test('a real phone ending in 0000 logs in with 0000; a guest without a phone never does', async () => {
    const site = h.sim.site('indo');
    const withZeros = site.createBooking({ check_in_date: '2026-11-25', check_out_date: '2026-11-27', customer: { phone: '+1 555 010 0000' } });
    const without = site.createBooking({ check_in_date: '2026-11-26', check_out_date: '2026-11-28', customer: { phone: '' } });
    await h.syncAll('indo');
    const ok = await login('indo', { check_in_date: '2026-11-25', phone_last_4: '0000' });
    expect(ok.status).toBe(200);
    const [r] = await rows('select external_booking_id from public.guest_reservations where id = $1', [ok.json.reservation_id]);
    expect(Number(r.external_booking_id)).toBe(withZeros.record.id);
    const [nophone] = await rows('select phone_last_4 from public.guest_reservations where tenant_id = $1 and external_booking_id = $2', [tenantId('indo'), without.record.id]);
    expect(nophone.phone_last_4).toBeNull();
    expect((await login('indo', { check_in_date: '2026-11-26', phone_last_4: '0000' })).status).toBe(401);
  });

  test('every room of a multi-room booking is named in the answer to the room question', async () => {
    const guests = (await loginable('simmerdown')).filter((g) => g.twins === 1 && g.room_count > 1);
    expect(guests.length).toBeGreaterThan(0);
    for (const g of guests) {
      const { json } = await login('simmerdown', { check_in_date: g.check_in_date, phone_last_4: g.phone_last_4 });
      const units = (await roomsOf(g.id)).map((r) => r.unit_name);
      for (const question of ['¿Qué habitación tengo?', 'Which room am I in?', '¿Qué tipo de habitación tengo?', 'How many rooms did I book?']) {
        const res = await ask(json.token, question);
        expect(res.status).toBe(200);
        expect(res.json.answered).toBe(true);
        for (const unit of units) expect(res.json.answer).toContain(unit);
      }
      const res = await ask(json.token, 'How many rooms did I book?');
      expect(res.json.facts.room_count).toBe(units.length);
    }
  });

  test('the INDO production case: the booking of the newest unit answers with its room type, never "sin asignar"', async () => {
    const [g] = await rows(`select r.id, r.check_in_date::text as check_in_date, r.phone_last_4, u.name as unit, t.name as type
      from hotels.accommodation_units u join public.reservation_accommodations ra on ra.accommodation_unit_id = u.id
      join public.guest_reservations r on r.id = ra.reservation_id join hotels.accommodation_types t on t.id = u.accommodation_type_id
      where u.tenant_id = $1 and not u.is_placeholder and r.created_at is not null
      order by u.mphb_accommodation_id desc, r.booked_at desc limit 1`, [tenantId('indo')]);
    expect(g.unit).toBe('Bungalow 2');
    const { json } = await login('indo', { check_in_date: g.check_in_date, phone_last_4: g.phone_last_4 });
    const res = await ask(json.token, '¿Qué tipo de habitación tengo?');
    expect(res.json).toMatchObject({ answered: true, intent: 'room_type', language: 'es' });
    expect(res.json.answer).toContain(g.type);
    expect(res.json.answer).toContain('Bungalow 2');
    expect(res.json.answer).not.toMatch(/sin asignar/i);
  });

  test('questions: answers carry the exact facts; an unanswerable one returns the context with every room', async () => {
    const [g] = (await loginable('simmerdown')).filter((x) => x.twins === 1 && x.room_count > 1);
    const { json } = await login('simmerdown', { check_in_date: g.check_in_date, phone_last_4: g.phone_last_4 });
    const stay = (await myStay(json.token)).json;
    const checkIn = await ask(json.token, 'What time is check-in?');
    expect(checkIn.json).toMatchObject({ answered: true, intent: 'check_in', language: 'en', facts: { check_in_date: stay.check_in_date, check_in_time: stay.check_in_time } });
    const nights = await ask(json.token, '¿Cuántas noches me quedo?');
    expect(nights.json).toMatchObject({ answered: true, intent: 'nights', language: 'es', facts: { nights: stay.nights } });
    const guests = await ask(json.token, 'how many guests are on my booking');
    expect(guests.json.facts).toEqual({ guests: stay.guests, adults: stay.adults, children: stay.children });
    const wifi = await ask(json.token, '¿Cuál es la clave del wifi?');
    expect(wifi.status).toBe(200);
    expect(wifi.json).toMatchObject({ answered: false, intent: null, answer: null });
    for (const r of stay.rooms) expect(wifi.json.context).toContain(r.unit_name);
  });

  test('a room reassigned upstream shows, after the next sync, through the same guest token', async () => {
    const [g] = (await loginable('testhotel')).filter((x) => x.twins === 1 && x.room_count === 1);
    const { json } = await login('testhotel', { check_in_date: g.check_in_date, phone_last_4: g.phone_last_4 });
    const before = (await myStay(json.token)).json.rooms[0];
    const site = h.sim.site('testhotel');
    const booking = site.get('bookings', Number(g.external_booking_id)).record;
    const other = site.list('accommodations').find((u) => u.meta.post_status === 'publish' && u.record.id !== booking.reserved_accommodations[0].accommodation);
    site.updateBooking(booking.id, { reserved_accommodations: [{ ...booking.reserved_accommodations[0], accommodation: other.record.id, accommodation_type: other.record.accommodation_type_id }] });
    await h.syncAll('testhotel');
    const after = (await myStay(json.token)).json.rooms;
    expect(after).toHaveLength(1);
    expect(after[0].mphb_accommodation_id).toBe(other.record.id);
    expect(after[0].unit_name).not.toBe(before.unit_name);
    expect(after.map((r) => ({ position: r.position, unit_name: r.unit_name, type_name: r.type_name }))).toEqual(await roomsOf(g.id));
  });

  test('two active reservations with the same pair are ambiguous; the reservation code tells them apart', async () => {
    const site = h.sim.site('airbnb-heavy');
    const ical = (code) => ({
      imported: true, customer: { first_name: '', last_name: '', email: '', phone: '', country: '' }, ical_summary: '"Reserved"',
      ical_prodid: '"-//Airbnb Inc//Hosting Calendar 1.0//EN"',
      ical_description: `"Reservation URL: https://www.airbnb.com/hosting/reservations/details/${code}\\nPhone Number (Last 4 Digits): 8765"`,
      check_in_date: '2026-11-20', check_out_date: '2026-11-23',
    });
    const a = site.createBooking(ical('HMTWINAAA1'));
    const b = site.createBooking(ical('HMTWINBBB2'));
    await h.syncAll('airbnb-heavy');
    const res = await login('airbnb-heavy', { check_in_date: '2026-11-20', phone_last_4: '8765' });
    expect(res.status).toBe(409);
    expect(res.json.code).toBe('ambiguous');
    expect(res.json.message).toContain('reservation_code');
    const byCode = await login('airbnb-heavy', { check_in_date: '2026-11-20', phone_last_4: '8765', reservation_code: 'hmtwinbbb2' });
    expect(byCode.status).toBe(200);
    const [r] = await rows('select external_booking_id from public.guest_reservations where id = $1', [byCode.json.reservation_id]);
    expect(Number(r.external_booking_id)).toBe(b.record.id);
    const codeOnly = await login('airbnb-heavy', { check_in_date: '2026-11-20', reservation_code: 'HMTWINAAA1' });
    expect(codeOnly.status).toBe(200);
    const [ra] = await rows('select external_booking_id from public.guest_reservations where id = $1', [codeOnly.json.reservation_id]);
    expect(Number(ra.external_booking_id)).toBe(a.record.id);
  });

  test('failed logins are rate-limited per tenant and client: 429 with Retry-After, then success after the window', async () => {
    const [g] = (await loginable('indo')).filter((x) => x.twins === 1);
    const client = '203.0.113.77';
    const wrong = { check_in_date: g.check_in_date, phone_last_4: g.phone_last_4 === '1111' ? '2222' : '1111' };
    for (let i = 0; i < 5; i += 1) expect((await login('indo', wrong, { client })).status).toBe(401);
    const blocked = await login('indo', { check_in_date: g.check_in_date, phone_last_4: g.phone_last_4 }, { client });
    expect(blocked.status).toBe(429);
    expect(blocked.json.code).toBe('too_many_attempts');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(800);
    // Another address, and the same address at another hotel, are not blocked.
    expect((await login('indo', { check_in_date: g.check_in_date, phone_last_4: g.phone_last_4 }, { client: '203.0.113.78' })).status).toBe(200);
    expect((await login('simmerdown', wrong, { client })).status).toBe(401);
    try {
      now = new Date(START.getTime() + 14 * 60 * 1000);
      expect((await login('indo', { check_in_date: g.check_in_date, phone_last_4: g.phone_last_4 }, { client })).status).toBe(429);
      now = new Date(START.getTime() + 15 * 60 * 1000 + 1000);
      const after = await login('indo', { check_in_date: g.check_in_date, phone_last_4: g.phone_last_4 }, { client });
      expect(after.status).toBe(200);
      expect(after.json.reservation_id).toBe(g.id);
    } finally {
      now = START;
    }
    // The UUID and the slug of one hotel share one count.
    const client2 = '203.0.113.79';
    for (let i = 0; i < 3; i += 1) await login('indo', wrong, { client: client2 });
    for (let i = 0; i < 2; i += 1) await login(tenantId('indo'), wrong, { client: client2 });
    expect((await login(tenantId('indo'), wrong, { client: client2 })).status).toBe(429);
  });

  test('guessing one check-in date from many addresses is capped too (30 failures per date and window)', async () => {
    const [g] = (await loginable('indo')).filter((x) => x.twins === 1);
    const date = '2031-01-01';
    for (let i = 0; i < 30; i += 1) {
      expect((await login('indo', { check_in_date: date, phone_last_4: String(1000 + i) }, { client: `192.0.2.${i + 1}` })).status).toBe(401);
    }
    const capped = await login('indo', { check_in_date: date, phone_last_4: '4999' }, { client: '192.0.2.200' });
    expect(capped.status).toBe(429);
    expect(Number(capped.headers.get('retry-after'))).toBeGreaterThan(800);
    // Other dates, and the date at other hotels, are not affected.
    expect((await login('indo', { check_in_date: g.check_in_date, phone_last_4: g.phone_last_4 }, { client: '192.0.2.201' })).status).toBe(200);
    expect((await login('simmerdown', { check_in_date: date, phone_last_4: '4999' }, { client: '192.0.2.202' })).status).toBe(401);
    // Nothing in the table reveals an address or a date.
    const stored = await rows('select tenant_key, subject_hash from public.guest_login_failures');
    expect(JSON.stringify(stored)).not.toMatch(/192\.0\.2|2031-01-01/);
  });

  test('ambiguous and stay_ended do not count as failures: they come from details that were right', async () => {
    const [past] = await rows(`select check_in_date::text as check_in_date, phone_last_4 from public.guest_reservations r
      where tenant_id = $1 and status = 'active' and phone_last_4 is not null and check_out_date < $2::date - 7
        and not exists (select 1 from public.guest_reservations o where o.tenant_id = r.tenant_id and o.id <> r.id and o.status = 'active'
          and o.check_in_date = r.check_in_date and o.phone_last_4 = r.phone_last_4)
      order by external_booking_id limit 1`, [tenantId('simmerdown'), TODAY]);
    for (let i = 0; i < 7; i += 1) expect((await login('simmerdown', past, { client: '192.0.2.210' })).status).toBe(403);
  });

  test('a reservation cancelled upstream after login closes the guest\'s access at the next sync', async () => {
    const [g] = (await loginable('large')).filter((x) => x.twins === 1);
    const { json } = await login('large', { check_in_date: g.check_in_date, phone_last_4: g.phone_last_4 });
    expect((await myStay(json.token)).status).toBe(200);
    h.sim.site('large').updateBooking(Number(g.external_booking_id), { status: 'cancelled' });
    await h.syncAll('large');
    const res = await myStay(json.token);
    expect(res.status).toBe(401);
    expect(res.json.code).toBe('reservation_inactive');
    expect((await ask(json.token, 'Which room am I in?')).status).toBe(401);
    expect((await login('large', { check_in_date: g.check_in_date, phone_last_4: g.phone_last_4 })).status).toBe(401);
  });

  test('the guest page is sent with headers that keep it out of frames and to its own code', async () => {
    const res = await call('GET', '/my-stay?tenant=indo');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    expect(res.headers.get('content-security-policy')).toMatch(/connect-src 'self'/);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  test('a wrong pair and an unknown tenant answer alike; unknown tenants are rate-limited too', async () => {
    const [g] = (await loginable('indo')).filter((x) => x.twins === 1);
    const wrong = await login('indo', { check_in_date: g.check_in_date, phone_last_4: g.phone_last_4 === '1111' ? '2222' : '1111' });
    const unknown = await login('no-such-hotel', { check_in_date: g.check_in_date, phone_last_4: g.phone_last_4 });
    expect(unknown.status).toBe(wrong.status);
    expect(unknown.json).toEqual(wrong.json);
    const client = '203.0.113.80';
    for (let i = 0; i < 5; i += 1) await login('no-such-hotel', { check_in_date: g.check_in_date, phone_last_4: '1234' }, { client });
    expect((await login('no-such-hotel', { check_in_date: g.check_in_date, phone_last_4: '1234' }, { client })).status).toBe(429);
  });

  test('a stay that ended more than 7 days ago no longer logs in', async () => {
    const [past] = await rows(`select check_in_date::text as check_in_date, phone_last_4 from public.guest_reservations r
      where tenant_id = $1 and status = 'active' and phone_last_4 is not null and check_out_date < $2::date - 7
        and not exists (select 1 from public.guest_reservations o where o.tenant_id = r.tenant_id and o.id <> r.id and o.status = 'active'
          and o.check_in_date = r.check_in_date and o.phone_last_4 = r.phone_last_4)
      order by external_booking_id limit 1`, [tenantId('simmerdown'), TODAY]);
    const res = await login('simmerdown', past);
    expect(res.status).toBe(403);
    expect(res.json.code).toBe('stay_ended');
  });

  describe('tokens', () => {
    let g;
    let token;
    beforeAll(async () => {
      [g] = (await loginable('indo')).filter((x) => x.twins === 1);
      ({ json: { token } } = await login('indo', { check_in_date: g.check_in_date, phone_last_4: g.phone_last_4 }));
    });

    test('carry only the tenant, the reservation and the expiry (7 days after check-out)', async () => {
      const claims = decodeJwt(token);
      expect(Object.keys(claims).sort()).toEqual(['aud', 'exp', 'reservation_id', 'tenant_id']);
      expect(claims).toMatchObject({ tenant_id: tenantId('indo'), reservation_id: g.id });
      const [r] = await rows(`select ((check_out_date + 8)::text || 'T00:00:00Z') as expires from public.guest_reservations where id = $1`, [g.id]);
      expect(new Date(claims.exp * 1000).toISOString()).toBe(new Date(r.expires).toISOString());
    });

    test('an expired token is refused', async () => {
      const { exp } = decodeJwt(token);
      try {
        now = new Date(exp * 1000 + 1000);
        const res = await myStay(token);
        expect(res.status).toBe(401);
        expect(res.json.code).toBe('token_expired');
      } finally {
        now = START;
      }
    });

    test('a tampered or foreign token is refused', async () => {
      const [head, payload, sig] = token.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      const forgedPayload = Buffer.from(JSON.stringify({ ...claims, reservation_id: (await loginable('indo')).find((x) => x.id !== g.id).id })).toString('base64url');
      for (const bad of [`${head}.${forgedPayload}.${sig}`, `${head}.${payload}.${sig.slice(0, -2)}AA`, `${head}.${payload}.`, 'not-a-jwt',
        await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new Uint8Array(32).fill(1))]) {
        const res = await myStay(bad);
        expect(res.status).toBe(401);
        expect(res.json.code).toBe('invalid_token');
      }
      expect((await myStay(undefined)).status).toBe(401);
    });

    test("another hotel's page cannot use this token", async () => {
      expect((await myStay(token, '?tenant_id=simmerdown')).status).toBe(403);
      expect((await myStay(token, '?tenant_id=indo')).status).toBe(200);
      expect((await myStay(token, `?tenant_id=${tenantId('indo')}`)).status).toBe(200);
      expect((await myStay(token, '?token=abc')).status).toBe(400);
    });

    test('a guest token never opens staff endpoints, and a staff token never opens guest ones', async () => {
      for (const path of ['/api/integrations/motopress/runs?tenant_id=indo', '/api/integrations/motopress/health?tenant_id=indo']) {
        const res = await call('GET', path, { token });
        expect(res.status).toBe(401);
      }
      expect((await call('POST', '/api/integrations/motopress/sync?tenant_id=indo', { token })).status).toBe(401);
      const staff = await createStaffToken(h.db, { tenantId: tenantId('indo'), role: 'admin' });
      expect((await myStay(staff.token)).status).toBe(401);
      expect((await ask(staff.token, 'Which room am I in?')).status).toBe(401);
      expect((await call('GET', '/api/integrations/motopress/runs?tenant_id=indo', { token: staff.token })).status).toBe(200);
    });

    test('my-stay and ask answer as the OpenAPI document says', async () => {
      const doc = (await call('GET', '/api/openapi.json')).json;
      const ajv = new Ajv2020({ strict: false, allErrors: true });
      const validStay = ajv.compile(doc.components.schemas.Stay);
      const validAnswer = ajv.compile(doc.components.schemas.Answer);
      const stay = (await myStay(token)).json;
      expect(validStay(stay) ? [] : validStay.errors).toEqual([]);
      for (const question of ['Which room am I in?', '¿Hay piscina?', '¿Qué vista tiene mi habitación?']) {
        const answer = (await ask(token, question)).json;
        expect(validAnswer(answer) ? [] : validAnswer.errors).toEqual([]);
      }
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/guest/login', '/api/guest/my-stay', '/api/guest/ask', '/my-stay']));
    });

    test('my-stay holds nothing but the stay: no phone, email or platform data', async () => {
      const res = await myStay(token);
      const [r] = await rows('select guest_phone, guest_email from public.guest_reservations where id = $1', [g.id]);
      expect(res.text).not.toContain(r.guest_email);
      expect(res.text).not.toContain(r.guest_phone);
      expect(res.text).not.toMatch(/guest_documents|content_hash|phone|email/);
      expect(res.headers.get('cache-control')).toBe('no-store');
    });
  });

  describe('bad input gets 400 naming the field', () => {
    test.each([
      ['no check-in date', { phone_last_4: '1234' }, 'check_in_date'],
      ['a malformed date', { check_in_date: '01/11/2026', phone_last_4: '1234' }, 'check_in_date'],
      ['an impossible date', { check_in_date: '2026-02-30', phone_last_4: '1234' }, 'check_in_date'],
      ['a 5-digit phone_last_4', { check_in_date: '2026-11-10', phone_last_4: '12345' }, 'phone_last_4'],
      ['a numeric phone_last_4', { check_in_date: '2026-11-10', phone_last_4: 1234 }, 'phone_last_4'],
      ['neither phone nor code', { check_in_date: '2026-11-10' }, 'phone_last_4'],
      ['a code with spaces', { check_in_date: '2026-11-10', reservation_code: 'HM 12' }, 'reservation_code'],
    ])('login with %s', async (_, body, field) => {
      const res = await login('indo', body);
      expect(res.status).toBe(400);
      expect(res.json.field).toBe(field);
      expect(typeof res.json.code).toBe('string');
      expect(typeof res.json.message).toBe('string');
    });

    test('login with a body that is not JSON, an array, or too large', async () => {
      for (const raw of ['{', '[]', 'null', `{"check_in_date": "2026-11-10", "phone_last_4": "1234", "pad": "${'x'.repeat(5000)}"}`]) {
        const res = await call('POST', '/api/guest/login?tenant_id=indo', { raw });
        expect(res.status).toBe(400);
        expect(res.json.field).toBe('body');
      }
      const res = await call('POST', '/api/guest/login', { body: { check_in_date: '2026-11-10', phone_last_4: '1234' } });
      expect(res.status).toBe(400);
      expect(res.json.field).toBe('tenant_id');
    });

    test('ask with a missing, empty, non-string or too long question', async () => {
      const [g] = (await loginable('indo')).filter((x) => x.twins === 1);
      const { json: { token } } = await login('indo', { check_in_date: g.check_in_date, phone_last_4: g.phone_last_4 });
      for (const body of [{}, { question: '' }, { question: '  ¿? ' }, { question: 42 }, { question: 'x'.repeat(1500) }]) {
        const res = await call('POST', '/api/guest/ask', { token, body });
        expect({ body, status: res.status, field: res.json.field }).toEqual({ body, status: 400, field: 'question' });
      }
      expect((await call('POST', '/api/guest/ask', { token, raw: `{"question": "${'x'.repeat(9000)}"}` })).json.field).toBe('body');
    });
  });
});
