// The simulator's control API (/_control/…, not under wp-json) seen through the REST API it changes:
// hotels, booking / unit / type edits, trash and restore, modified times (with an injected clock),
// page shift mid-pass (FIELD-NOTES "Page drift"), request counters, unknown routes; and the CLI
// `mphb-sync simulator` (JSON banner, signed request with the printed keys, SIGTERM, usage errors).
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { startSimulator } from '../../host/simulator/simulator_server.js';
import { oauthFetch } from './support/motopress_test_client.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'host/cli/main.js');
const COLLECTIONS = ['accommodation_types', 'accommodations', 'bookings', 'rates'];

/**
 * A REST client for one simulator: signed GETs (read/write key, OAuth 1.0a) and control calls.
 * `clock` (optional) is the simulator's clock: requests are then signed with its time.
 */
function client(sim, clock) {
  const hotel = (name) => sim.hotels.find((h) => h.name === name);
  async function get(name, path) {
    const h = hotel(name);
    const res = await oauthFetch(`${h.apiBase}${path}`, {
      key: h.keys.readWrite.key,
      secret: h.keys.readWrite.secret,
      timestamp: clock ? Math.floor(clock.now() / 1000) : undefined,
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      total: res.headers.get('x-wp-total') === null ? undefined : Number(res.headers.get('x-wp-total')),
      totalPages: res.headers.get('x-wp-totalpages') === null ? undefined : Number(res.headers.get('x-wp-totalpages')),
      json: JSON.parse(text),
      bytes: Buffer.byteLength(text),
    };
  }
  async function control(method, path, body, { raw } = {}) {
    const res = await fetch(`${sim.url}/_control${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    return { status: res.status, json: await res.json() };
  }
  const ids = (list) => list.map((e) => e.id);
  return { hotel, get, control, ids };
}

/** All ids of a collection, through pages of 100. */
async function allIds(api, hotel, collection, extra = '') {
  const out = [];
  for (let page = 1; ; page++) {
    const r = await api.get(hotel, `/${collection}?per_page=100&page=${page}${extra}`);
    expect(r.status).toBe(200);
    out.push(...api.ids(r.json));
    if (page >= r.totalPages) return out;
  }
}

const MODIFIED_AFTER = (iso) => `filter[date_query][0][column]=post_modified_gmt&filter[date_query][0][after]=${encodeURIComponent(iso)}`;

describe('GET /_control/hotels', () => {
  let sim;
  let api;
  beforeAll(async () => {
    sim = await startSimulator({ hotels: 'indo,simmerdown', seed: 21 });
    api = client(sim);
  });
  afterAll(() => sim.stop());

  test('lists each hotel with siteUrl, apiBase, keys and counts', async () => {
    const { status, json } = await api.control('GET', '/hotels');
    expect(status).toBe(200);
    expect(json.hotels.map((h) => h.name)).toEqual(['indo', 'simmerdown']);
    for (const h of json.hotels) {
      expect(h.siteUrl).toBe(`${sim.url}/${h.name}`);
      expect(h.apiBase).toBe(`${sim.url}/${h.name}/wp-json/mphb/v1`);
      expect(h.profile).toBe(h.name);
      for (const kind of ['readWrite', 'read', 'write']) {
        expect(h.keys[kind]).toEqual({ key: expect.stringMatching(/^ck_[0-9a-f]{40}$/), secret: expect.stringMatching(/^cs_[0-9a-f]{40}$/), permissions: expect.any(String) });
      }
      expect(Object.keys(h.counts).sort()).toEqual([...COLLECTIONS].sort());
    }
    expect(json.hotels).toEqual(sim.hotels);
  });

  test('the counts are the X-WP-Total of each collection', async () => {
    const { json } = await api.control('GET', '/hotels');
    for (const h of json.hotels) {
      for (const collection of COLLECTIONS) {
        const r = await api.get(h.name, `/${collection}?per_page=1`);
        expect([h.name, collection, r.total]).toEqual([h.name, collection, h.counts[collection]]);
      }
    }
    expect(json.hotels.find((h) => h.name === 'simmerdown').counts.bookings).toBe(101);
  });

  test('the siteUrl is the WordPress site and the keys sign requests', async () => {
    const { json } = await api.control('GET', '/hotels');
    const indo = json.hotels[0];
    const home = await fetch(indo.siteUrl);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain(indo.title);
    const read = await oauthFetch(`${indo.apiBase}/bookings`, { key: indo.keys.read.key, secret: indo.keys.read.secret });
    expect(read.status).toBe(200);
    await read.arrayBuffer();
  });
});

describe('bookings through the control API', () => {
  let sim;
  let api;
  beforeAll(async () => {
    sim = await startSimulator({ hotels: 'indo,simmerdown', seed: 21 });
    api = client(sim);
  });
  afterAll(() => sim.stop());

  test('POST /_control/{hotel}/bookings creates a booking that comes first in GET /bookings, X-WP-Total + 1', async () => {
    const before = await api.get('indo', '/bookings');
    const created = await api.control('POST', '/indo/bookings', { status: 'pending', note: 'control-created', check_in_date: '2027-01-05', check_out_date: '2027-01-08' });
    expect(created.status).toBe(200);
    const booking = created.json;
    expect(booking).toEqual(expect.objectContaining({ status: 'pending', note: 'control-created', check_in_date: '2027-01-05', check_out_date: '2027-01-08' }));
    expect(Number.isInteger(booking.id)).toBe(true);
    expect(api.ids(before.json)).not.toContain(booking.id);
    // It names a real unit of the hotel.
    const units = await allIds(api, 'indo', 'accommodations');
    expect(units).toContain(booking.reserved_accommodations[0].accommodation);

    const after = await api.get('indo', '/bookings');
    expect(after.status).toBe(200);
    expect(after.total).toBe(before.total + 1);
    expect(after.json[0]).toEqual(expect.objectContaining({ id: booking.id, status: 'pending', note: 'control-created' }));
    // And by id, as the API serves it.
    const single = await api.get('indo', `/bookings/${booking.id}`);
    expect(single.status).toBe(200);
    expect(single.json.id).toBe(booking.id);
    // The other hotel is untouched.
    const other = await api.get('simmerdown', '/bookings?per_page=1');
    expect(other.total).toBe(101);
  });
  test('POST with a partial customer keeps every customer field', async () => {
    const { json: booking } = await api.control('POST', '/indo/bookings', { customer: { first_name: 'Ana' } });
    expect(booking.customer.first_name).toBe('Ana');
    expect(Object.keys(booking.customer).sort()).toEqual(['address1', 'city', 'country', 'email', 'first_name', 'last_name', 'phone', 'state', 'zip']);
    for (const v of Object.values(booking.customer)) expect(typeof v).toBe('string');
  });

  test('POST with a bad status → 400, nothing created', async () => {
    const before = (await api.get('indo', '/bookings')).total;
    const r = await api.control('POST', '/indo/bookings', { status: 'approved' });
    expect(r.status).toBe(400);
    expect(r.json.error).toBe('bad_status');
    expect((await api.get('indo', '/bookings')).total).toBe(before);
  });

  test('POST .../bookings/{id}/cancel sets status cancelled', async () => {
    const { json: booking } = await api.control('POST', '/indo/bookings', {});
    expect(booking.status).toBe('confirmed');
    const r = await api.control('POST', `/indo/bookings/${booking.id}/cancel`);
    expect(r.status).toBe(200);
    expect(r.json.status).toBe('cancelled');
    expect((await api.get('indo', `/bookings/${booking.id}`)).json.status).toBe('cancelled');
    const cancelled = await api.get('indo', '/bookings?filter[post_status]=cancelled&per_page=100');
    expect(api.ids(cancelled.json)).toContain(booking.id);
    // Cancelled bookings stay in the default list.
    expect(api.ids((await api.get('indo', '/bookings?per_page=100')).json)).toContain(booking.id);
  });

  test('POST .../trash removes it from lists (GET by id says "trash"); .../restore brings it back', async () => {
    const { json: booking } = await api.control('POST', '/indo/bookings', { status: 'pending-payment' });
    const before = await api.get('indo', '/bookings?per_page=100');
    expect(api.ids(before.json)).toContain(booking.id);

    const trashed = await api.control('POST', `/indo/bookings/${booking.id}/trash`);
    expect(trashed.status).toBe(200);
    expect(trashed.json.status).toBe('trash');
    const list = await api.get('indo', '/bookings?per_page=100');
    expect(api.ids(list.json)).not.toContain(booking.id);
    expect(list.total).toBe(before.total - 1);
    expect((await api.get('indo', `/bookings?include=${booking.id}`)).json).toEqual([]);
    const single = await api.get('indo', `/bookings/${booking.id}`);
    expect(single.status).toBe(200);
    expect(single.json.status).toBe('trash');
    expect(api.ids((await api.get('indo', '/bookings?filter[post_status]=trash')).json)).toContain(booking.id);
    expect((await api.control('GET', '/hotels')).json.hotels[0].counts.bookings).toBe(before.total - 1);

    const restored = await api.control('POST', `/indo/bookings/${booking.id}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.json.status).toBe('pending-payment');
    const again = await api.get('indo', '/bookings?per_page=100');
    expect(again.total).toBe(before.total);
    expect(api.ids(again.json)).toContain(booking.id);
    expect((await api.get('indo', `/bookings/${booking.id}`)).json.status).toBe('pending-payment');
  });

  test('DELETE /_control/{hotel}/bookings/{id} deletes for good: GET by id → 404', async () => {
    const { json: booking } = await api.control('POST', '/indo/bookings', {});
    expect(await api.control('DELETE', `/indo/bookings/${booking.id}`)).toEqual({ status: 200, json: { deleted: true } });
    const r = await api.get('indo', `/bookings/${booking.id}`);
    expect(r.status).toBe(404);
    expect(r.json.code).toBe('mphb_rest_invalid_mphb_booking_id');
  });

  test('an unknown booking id → 404 from every booking route', async () => {
    for (const [method, path, body] of [
      ['PATCH', '/indo/bookings/999999', { note: 'x' }],
      ['POST', '/indo/bookings/999999/cancel'],
      ['POST', '/indo/bookings/999999/trash'],
      ['POST', '/indo/bookings/999999/restore'],
      ['DELETE', '/indo/bookings/999999'],
    ]) {
      const r = await api.control(method, path, body);
      expect([method, path, r.status, r.json.error]).toEqual([method, path, 404, 'not_found']);
    }
  });
});

describe('PATCH /_control/{hotel}/bookings/{id} and the modified time (injected clock)', () => {
  const T0 = Date.parse('2027-02-01T09:00:00Z');
  let now = T0;
  const clock = { now: () => now };
  let sim;
  let api;
  beforeAll(async () => {
    sim = await startSimulator({ hotels: 'indo', seed: 21, clock });
    api = client(sim, clock);
  });
  afterAll(() => sim.stop());

  test('updates fields, merges the customer, and moves the modified time to the clock\'s now', async () => {
    const list = await api.get('indo', '/bookings?per_page=100');
    expect(list.status).toBe(200);
    const target = list.json[2];
    const since = '2027-02-01T09:30:00Z';
    const none = await api.get('indo', `/bookings?${MODIFIED_AFTER(since)}`);
    expect(none.status).toBe(200);
    expect(none.json).toEqual([]);
    expect(none.total).toBe(0);

    now = T0 + 60 * 60 * 1000; // 10:00Z
    const patched = await api.control('PATCH', `/indo/bookings/${target.id}`, {
      customer: { phone: '+34 600 111 222', city: 'Sevilla' },
      check_out_date: '2027-03-04',
      note: 'late arrival',
    });
    expect(patched.status).toBe(200);
    expect(patched.json.customer).toEqual({ ...target.customer, phone: '+34 600 111 222', city: 'Sevilla' });
    expect(patched.json).toEqual(expect.objectContaining({ id: target.id, check_out_date: '2027-03-04', note: 'late arrival', status: target.status }));
    // The body has no modified field (FIELD-NOTES); the server-side time is visible through filters only.
    expect(Object.keys(patched.json).filter((k) => /modif/i.test(k))).toEqual([]);

    const changed = await api.get('indo', `/bookings?${MODIFIED_AFTER(since)}`);
    expect(changed.status).toBe(200);
    expect(api.ids(changed.json)).toEqual([target.id]);
    expect(changed.total).toBe(1);
    expect(changed.json[0].customer.first_name).toBe(target.customer.first_name);
    // Not after its own modification time.
    expect((await api.get('indo', `/bookings?${MODIFIED_AFTER('2027-02-01T10:00:01Z')}`)).json).toEqual([]);
    // orderby=modified puts it first.
    expect((await api.get('indo', '/bookings?orderby=modified&order=desc')).json[0].id).toBe(target.id);
    // GET by id shows the merged fields.
    const single = await api.get('indo', `/bookings/${target.id}`);
    expect(single.json.customer).toEqual(patched.json.customer);
    expect(single.json.note).toBe('late arrival');
  });

  test('cancel, trash and restore also move the modified time', async () => {
    const list = await api.get('indo', '/bookings?per_page=100');
    const [a, b] = list.json.slice(-2);
    now = T0 + 2 * 60 * 60 * 1000; // 11:00Z
    expect((await api.control('POST', `/indo/bookings/${a.id}/cancel`)).status).toBe(200);
    now = T0 + 3 * 60 * 60 * 1000; // 12:00Z
    expect((await api.control('POST', `/indo/bookings/${b.id}/trash`)).status).toBe(200);
    const since = (iso) => api.get('indo', `/bookings?${MODIFIED_AFTER(iso)}&filter[post_status]=any`);
    expect(api.ids((await since('2027-02-01T10:30:00Z')).json)).toEqual([a.id]); // "any" excludes trash
    const trashSince = await api.get('indo', `/bookings?${MODIFIED_AFTER('2027-02-01T11:30:00Z')}&filter[post_status]=trash`);
    expect(api.ids(trashSince.json)).toEqual([b.id]);
    now = T0 + 4 * 60 * 60 * 1000; // 13:00Z
    expect((await api.control('POST', `/indo/bookings/${b.id}/restore`)).status).toBe(200);
    expect(api.ids((await api.get('indo', `/bookings?${MODIFIED_AFTER('2027-02-01T12:30:00Z')}`)).json)).toEqual([b.id]);
  });

  test('a booking created by the control API takes the clock\'s now as its creation time', async () => {
    now = T0 + 5 * 60 * 60 * 1000; // 14:00Z
    const { json: booking } = await api.control('POST', '/indo/bookings', {});
    expect(booking.date_created_utc).toBe('2027-02-01T14:00:00');
    expect((await api.get('indo', '/bookings')).json[0].id).toBe(booking.id);
    expect(api.ids((await api.get('indo', `/bookings?${MODIFIED_AFTER('2027-02-01T13:59:00Z')}`)).json)).toEqual([booking.id]);
  });
  test('a created booking\'s date_created is site-local (indo: UTC+07:00), which after= compares with', async () => {
    now = T0 + 6 * 60 * 60 * 1000; // 15:00Z = 22:00 in Bali
    const { json: booking } = await api.control('POST', '/indo/bookings', {});
    expect(booking.date_created_utc).toBe('2027-02-01T15:00:00');
    expect(booking.date_created).toBe('2027-02-01T22:00:00');
    expect(api.ids((await api.get('indo', '/bookings?after=2027-02-01T21:59:00')).json)).toEqual([booking.id]);
  });

  test('PATCH with a bad status → 400 bad_status, the booking unchanged', async () => {
    const { json: [first] } = await api.get('indo', '/bookings');
    const r = await api.control('PATCH', `/indo/bookings/${first.id}`, { status: 'approved' });
    expect(r.status).toBe(400);
    expect(r.json.error).toBe('bad_status');
    expect((await api.get('indo', `/bookings/${first.id}`)).json.status).toBe(first.status);
  });
});

describe('accommodations and accommodation types through the control API', () => {
  let sim;
  let api;
  beforeAll(async () => {
    sim = await startSimulator({ hotels: 'indo', seed: 21 });
    api = client(sim);
  });
  afterAll(() => sim.stop());

  test('POST /_control/{hotel}/accommodations adds a unit of a type', async () => {
    const types = await api.get('indo', '/accommodation_types');
    const typeId = types.json[0].id;
    const before = await api.get('indo', '/accommodations?per_page=100');
    const r = await api.control('POST', '/indo/accommodations', { accommodation_type_id: typeId, title: 'Garden Villa 2' });
    expect(r.status).toBe(200);
    expect(r.json).toEqual(expect.objectContaining({ status: 'publish', accommodation_type_id: typeId, title: 'Garden Villa 2' }));
    const after = await api.get('indo', '/accommodations?per_page=100');
    expect(after.total).toBe(before.total + 1);
    expect(after.json.find((u) => u.id === r.json.id)).toEqual(expect.objectContaining({ accommodation_type_id: typeId, title: 'Garden Villa 2', status: 'publish' }));
    expect((await api.get('indo', `/accommodations/${r.json.id}`)).json.title).toBe('Garden Villa 2');
    expect((await api.control('GET', '/hotels')).json.hotels[0].counts.accommodations).toBe(before.total + 1);
  });

  test.each([
    [{ accommodation_type_id: 999999, title: 'Nowhere' }],
    [{ title: 'No type' }],
  ])('a bad accommodation_type_id %j → 400, nothing added', async (body) => {
    const before = (await api.get('indo', '/accommodations')).total;
    const r = await api.control('POST', '/indo/accommodations', body);
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ error: 'bad_type', message: expect.any(String) });
    expect((await api.get('indo', '/accommodations')).total).toBe(before);
  });

  test('POST /_control/{hotel}/accommodations/{id}/trash removes the unit from the list', async () => {
    const before = await api.get('indo', '/accommodations?per_page=100');
    const victim = before.json[0];
    const r = await api.control('POST', `/indo/accommodations/${victim.id}/trash`);
    expect(r.status).toBe(200);
    expect(r.json.status).toBe('trash');
    const after = await api.get('indo', '/accommodations?per_page=100');
    expect(after.total).toBe(before.total - 1);
    expect(api.ids(after.json)).not.toContain(victim.id);
    expect((await api.control('GET', '/hotels')).json.hotels[0].counts.accommodations).toBe(before.total - 1);
    // Restore brings it back.
    expect((await api.control('POST', `/indo/accommodations/${victim.id}/restore`)).json.status).toBe('publish');
    expect((await api.get('indo', '/accommodations?per_page=100')).total).toBe(before.total);
  });

  test('POST /_control/{hotel}/accommodation_types adds a type (title kept raw), which can then get units', async () => {
    const before = await api.get('indo', '/accommodation_types?per_page=100');
    const title = 'Sea View & Spa – "Deluxe"';
    const r = await api.control('POST', '/indo/accommodation_types', { title, adults: 3, children: 1, total_capacity: 3 });
    expect(r.status).toBe(200);
    expect(r.json).toEqual(expect.objectContaining({ title, adults: 3, children: 1, total_capacity: 3, status: 'publish' }));
    const after = await api.get('indo', '/accommodation_types?per_page=100');
    expect(after.total).toBe(before.total + 1);
    expect(after.json.find((t) => t.id === r.json.id).title).toBe(title);
    const unit = await api.control('POST', '/indo/accommodations', { accommodation_type_id: r.json.id });
    expect(unit.status).toBe(200);
    expect(unit.json.accommodation_type_id).toBe(r.json.id);
    expect(typeof unit.json.title).toBe('string');
  });
});

describe('page shift: a booking created between two page requests (POST /_control/{hotel}/on-request)', () => {
  let sim;
  let api;
  beforeAll(async () => {
    sim = await startSimulator({ hotels: 'simmerdown', seed: 21 });
    api = client(sim);
  });
  afterAll(() => sim.stop());

  test('an unknown action → 400 bad_action', async () => {
    const r = await api.control('POST', '/simmerdown/on-request', { endpoint: 'bookings', after: 1, action: 'delete_everything' });
    expect(r.status).toBe(400);
    expect(r.json.error).toBe('bad_action');
  });

  test('one item appears on two pages; dedupe by id recovers the set; ids seen vs X-WP-Total reveals the shift', async () => {
    const original = await allIds(api, 'simmerdown', 'bookings');
    expect(original).toHaveLength(101);

    const hook = await api.control('POST', '/simmerdown/on-request', { endpoint: 'bookings', after: 1, action: 'create_booking' });
    expect(hook.status).toBe(200);
    expect(hook.json.hook).toEqual(expect.objectContaining({ endpoint: 'bookings', after: 1, action: 'create_booking' }));

    // A pass as a naive sync makes it: per_page=10, newest first, until the last page the server reports.
    const pages = [];
    let lastTotal;
    for (let page = 1; ; page++) {
      const r = await api.get('simmerdown', `/bookings?per_page=10&page=${page}&order=desc`);
      expect(r.status).toBe(200);
      pages.push(api.ids(r.json));
      lastTotal = r.total;
      if (page >= r.totalPages) break;
    }
    const seen = pages.flat();
    const unique = new Set(seen);

    // Page 1's last booking is pushed onto page 2.
    const twice = [...unique].filter((id) => seen.indexOf(id) !== seen.lastIndexOf(id));
    expect(twice).toEqual([pages[0][9]]);
    expect(pages[1][0]).toBe(pages[0][9]);
    // Dedupe by id recovers every booking that existed when the pass began.
    expect([...unique].sort((a, b) => a - b)).toEqual([...original].sort((a, b) => a - b));
    // X-WP-Total at the end of the pass counts one booking more than the ids seen: the pass missed one.
    expect(lastTotal).toBe(102);
    expect(unique.size).toBe(101);
    expect(lastTotal).not.toBe(unique.size);

    // The booking created mid-pass is the newest; a second pass finds it.
    const newest = (await api.get('simmerdown', '/bookings?per_page=1')).json[0];
    expect(unique.has(newest.id)).toBe(false);
    expect(await allIds(api, 'simmerdown', 'bookings')).toHaveLength(102);
  });

  test('the hook fires once (a later pass is stable)', async () => {
    const total = (await api.get('simmerdown', '/bookings?per_page=1')).total;
    const seen = [];
    for (let page = 1; page <= Math.ceil(total / 10); page++) seen.push(...api.ids((await api.get('simmerdown', `/bookings?per_page=10&page=${page}`)).json));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(total);
    expect((await api.get('simmerdown', '/bookings?per_page=1')).total).toBe(total);
  });
});

describe('counters: GET /_control/stats, POST /_control/stats/reset', () => {
  let sim;
  let api;
  beforeAll(async () => {
    sim = await startSimulator({ hotels: 'indo,simmerdown', seed: 21 });
    api = client(sim);
  });
  afterAll(() => sim.stop());

  test('counts requests and bytes per hotel and per endpoint; the control API is not counted', async () => {
    const reset = await api.control('POST', '/stats/reset');
    expect(reset).toEqual({ status: 200, json: { requests: 0, bytes: 0, hotels: {} } });

    const a = await api.get('indo', '/bookings');
    const b = await api.get('indo', '/bookings?page=2');
    const c = await api.get('indo', `/bookings/${a.json[0].id}`);
    const d = await api.get('simmerdown', '/accommodations');
    const anon = await fetch(`${api.hotel('simmerdown').apiBase}/bookings`);
    const anonBytes = (await anon.arrayBuffer()).byteLength;
    expect(anon.status).toBe(401);
    await api.control('GET', '/hotels');

    const { status, json } = await api.control('GET', '/stats');
    expect(status).toBe(200);
    const indoBytes = a.bytes + b.bytes + c.bytes;
    const simmerdownBytes = d.bytes + anonBytes;
    expect(json).toEqual({
      requests: 5,
      bytes: indoBytes + simmerdownBytes,
      hotels: {
        indo: { requests: 3, bytes: indoBytes, endpoints: { 'GET bookings': 2, 'GET bookings/:id': 1 } },
        simmerdown: { requests: 2, bytes: simmerdownBytes, endpoints: { 'GET accommodations': 1, 'GET bookings': 1 } },
      },
    });
    expect(sim.stats()).toEqual(json);
  });

  test('POST /_control/stats/reset zeroes the counters and empties the log', async () => {
    await api.get('indo', '/rates');
    expect((await api.control('GET', '/stats')).json.requests).toBeGreaterThan(0);
    expect((await api.control('GET', '/log')).json.log.length).toBeGreaterThan(0);
    expect(await api.control('POST', '/stats/reset')).toEqual({ status: 200, json: { requests: 0, bytes: 0, hotels: {} } });
    expect((await api.control('GET', '/stats')).json).toEqual({ requests: 0, bytes: 0, hotels: {} });
    expect((await api.control('GET', '/log')).json).toEqual({ log: [] });
    // Counting starts again.
    await api.get('indo', '/rates');
    expect((await api.control('GET', '/stats')).json.hotels).toEqual({ indo: expect.objectContaining({ requests: 1, endpoints: { 'GET rates': 1 } }) });
  });

  test('HEAD requests are counted under their own method, with no body bytes', async () => {
    await api.control('POST', '/stats/reset');
    const h = api.hotel('indo');
    const res = await oauthFetch(`${h.apiBase}/bookings`, { key: h.keys.readWrite.key, secret: h.keys.readWrite.secret, method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-wp-total')).toMatch(/^\d+$/);
    expect((await api.control('GET', '/stats')).json).toEqual({ requests: 1, bytes: 0, hotels: { indo: { requests: 1, bytes: 0, endpoints: { 'HEAD bookings': 1 } } } });
  });
  test('an unsigned HEAD (401, no body) counts no bytes', async () => {
    await api.control('POST', '/stats/reset');
    const res = await fetch(`${api.hotel('indo').apiBase}/bookings`, { method: 'HEAD' });
    expect(res.status).toBe(401);
    expect((await res.arrayBuffer()).byteLength).toBe(0);
    expect((await api.control('GET', '/stats')).json).toEqual({ requests: 1, bytes: 0, hotels: { indo: { requests: 1, bytes: 0, endpoints: { 'HEAD bookings': 1 } } } });
  });
});

describe('unknown control routes', () => {
  let sim;
  let api;
  beforeAll(async () => {
    sim = await startSimulator({ hotels: 'indo', seed: 21 });
    api = client(sim);
  });
  afterAll(() => sim.stop());

  test.each([
    ['GET', '/nope'],
    ['GET', ''],
    ['DELETE', '/stats'],
    ['POST', '/hotels'],
    ['GET', '/indo/bookings'],
    ['GET', '/indo/guests'],
    ['POST', '/indo/guests'],
    ['POST', '/indo/bookings/1/frob'],
    ['POST', '/unknown-hotel/bookings'],
    ['PUT', '/indo/on-request'],
  ])('%s /_control%s → 404 no_route', async (method, path) => {
    const r = await api.control(method, path, method === 'GET' || method === 'DELETE' ? undefined : {});
    expect(r.status).toBe(404);
    expect(r.json).toEqual({ error: 'no_route', message: expect.stringContaining('/_control') });
  });

  test('a body that is not JSON → 400 invalid_json', async () => {
    const r = await api.control('POST', '/indo/bookings', undefined, { raw: '{not json' });
    expect(r.status).toBe(400);
    expect(r.json.error).toBe('invalid_json');
  });

  test('the control API is not under a hotel\'s wp-json', async () => {
    const res = await fetch(`${api.hotel('indo').siteUrl}/wp-json/mphb/v1/_control/hotels`);
    expect(res.status).not.toBe(200);
    await res.arrayBuffer();
  });
});

describe('CLI: mphb-sync simulator', () => {
  function startCli(args) {
    const child = spawn(process.execPath, [CLI, 'simulator', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const banner = new Promise((resolve, reject) => {
      let out = '';
      let err = '';
      child.stderr.on('data', (c) => { err += c; });
      child.stdout.on('data', (c) => {
        out += c;
        const nl = out.indexOf('\n');
        if (nl >= 0) resolve(out.slice(0, nl));
      });
      exited.then(({ code }) => reject(new Error(`simulator exited ${code} before printing: ${err}`)));
    });
    return { child, exited, banner };
  }
  const run = (...args) => {
    const r = spawnSync(process.execPath, [CLI, 'simulator', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 20000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const ARGS = ['--port', '0', '--json', '--hotels', 'indo,simmerdown', '--seed', '7'];

  test('--json prints url and hotels with keys; a request signed with the printed keys → 200; SIGTERM → exit 0', async () => {
    const { child, exited, banner } = startCli(ARGS);
    let info;
    try {
      info = JSON.parse(await banner);
      expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(info.seed).toBe(7);
      expect(info.hotels.map((h) => h.name)).toEqual(['indo', 'simmerdown']);
      const indo = info.hotels[0];
      expect(indo.apiBase).toBe(`${info.url}/indo/wp-json/mphb/v1`);
      const res = await oauthFetch(`${indo.apiBase}/bookings`, { key: indo.keys.readWrite.key, secret: indo.keys.readWrite.secret });
      expect(res.status).toBe(200);
      expect(Number(res.headers.get('x-wp-total'))).toBe(indo.counts.bookings);
      expect(Array.isArray(await res.json())).toBe(true);
      // Unsigned → 401, as the plugin over plain HTTP.
      const anon = await fetch(`${indo.apiBase}/bookings`);
      expect(anon.status).toBe(401);
      await anon.arrayBuffer();
      // The control API is there too.
      const hotels = await (await fetch(`${info.url}/_control/hotels`)).json();
      expect(hotels.hotels.map((h) => h.keys)).toEqual(info.hotels.map((h) => h.keys));
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toEqual({ code: 0, signal: null });
  });

  test('the same seed prints the same keys twice (and startSimulator derives them too)', async () => {
    const keysOf = async () => {
      const { child, exited, banner } = startCli(ARGS);
      try {
        return JSON.parse(await banner).hotels.map((h) => [h.name, h.keys]);
      } finally {
        child.kill('SIGTERM');
        await exited;
      }
    };
    const first = await keysOf();
    const second = await keysOf();
    expect(second).toEqual(first);
    const sim = await startSimulator({ hotels: 'indo,simmerdown', seed: 7 });
    try {
      expect(sim.hotels.map((h) => [h.name, h.keys])).toEqual(first);
    } finally {
      await sim.stop();
    }
    const other = await startSimulator({ hotels: 'indo,simmerdown', seed: 8 });
    try {
      expect(other.hotels[0].keys.readWrite.key).not.toBe(first[0][1].readWrite.key);
    } finally {
      await other.stop();
    }
  });

  test('--hotels nope → exit 2 with a message naming the profile', () => {
    const r = run('--hotels', 'nope');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"nope"');
    expect(r.stdout).toBe('');
  });

  test('--faults \'bookings:frob\' → exit 2 naming the bad fault', () => {
    const r = run('--port', '0', '--faults', 'bookings:frob');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/frob/);
    expect(r.stdout).toBe('');
  });

  test('--help mentions the control API', () => {
    const r = run('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Control API/);
    expect(r.stdout).toContain('/_control/');
    expect(r.stdout).toContain('--faults');
  });
});
