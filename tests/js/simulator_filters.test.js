// The simulator's /bookings filters, trash and _embed, checked against FIELD-NOTES (shared/motopress/
// FIELD-NOTES.md): after/before on the site-local creation date (unparseable → ignored), include, exclude,
// exact search, orderby=modified, the raw filter[post_status] / filter[date_query] query object ("modified
// since", needs a user who can edit bookings, else 403), ignored status= / modified_after=, trashed bookings
// (gone from lists, include= and X-WP-Total, still 200 by id with status "trash"), 404 for unknown or
// deleted ids, and _embed arrays with one entry per reserved room. Expectations come from the site's data
// (sim.site(name)), read at assertion time, since some tests edit it.
import { startSimulator } from '../../host/simulator/simulator_server.js';
import { oauthFetch } from './support/motopress_test_client.js';

const SEED = 5;
const MODIFIED_FIELDS = ['modified', 'modified_gmt', 'date_modified', 'date_modified_gmt', 'date_modified_utc', 'post_modified', 'post_modified_gmt'];

let sim;
// The server's clock: wall time (after every seeded date), moved forward by hand; whole seconds.
let nowMs = Math.floor(Date.now() / 1000) * 1000;
const clock = { now: () => nowMs };
const tick = (seconds) => { nowMs += seconds * 1000; };

beforeAll(async () => {
  sim = await startSimulator({ hotels: 'simmerdown,testhotel', seed: SEED, clock });
});

afterAll(async () => {
  await sim?.stop();
});

const hotelOf = (name) => sim.hotels.find((h) => h.name === name);
const live = (name) => sim.site(name).list('bookings').filter((e) => e.meta.post_status !== 'trash');
const liveIds = (name) => live(name).map((e) => e.record.id).sort((a, b) => a - b);
const byId = (a, b) => a - b;
const idsOf = (list) => list.map((b) => b.id);
const sortedIds = (list) => idsOf(list).sort(byId);
const shiftLocal = (local, ms) => new Date(Date.parse(`${local}Z`) + ms).toISOString().slice(0, 19);

/** One signed request (read/write key, OAuth in the header, timestamp from the server clock). */
async function call(name, pathAndQuery, options = {}) {
  const h = hotelOf(name);
  const res = await oauthFetch(`${h.apiBase}${pathAndQuery}`, {
    key: h.keys.readWrite.key, secret: h.keys.readWrite.secret, timestamp: Math.floor(nowMs / 1000), ...options,
  });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, headers: res.headers, body, total: res.headers.get('x-wp-total') };
}

/** Every page of /bookings?{query} (per_page=100), in server order; also the X-WP-Total of the first page. */
async function listAll(name, query = '') {
  const items = [];
  let total;
  for (let page = 1; page < 100; page++) {
    const r = await call(name, `/bookings?${query}${query ? '&' : ''}per_page=100&page=${page}`);
    if (r.status !== 200) throw new Error(`GET /bookings?${query} page ${page}: ${r.status} ${JSON.stringify(r.body)}`);
    total ??= r.total;
    items.push(...r.body);
    if (page >= Number(r.headers.get('x-wp-totalpages'))) break;
  }
  return { items, ids: idsOf(items), total };
}

async function control(method, path, body) {
  const res = await fetch(`${sim.url}/_control${path}`, {
    method,
    headers: body ? { 'Content-Type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: await res.json() };
}

function expectWpError(r, status, code) {
  expect({ status: r.status, code: r.body?.code }).toEqual({ status, code });
  expect(r.body).toEqual({ code, message: expect.any(String), data: expect.objectContaining({ status }) });
}

describe.each([['simmerdown'], ['testhotel']])('%s: after / before on the site-local creation date', (name) => {
  // A booking whose local and UTC creation times differ (both hotels are off UTC), and a boundary halfway
  // between them: comparing on date_created (site-local) and on date_created_utc disagree about it.
  function splitBooking() {
    const sorted = live(name).sort((a, b) => (a.record.date_created < b.record.date_created ? -1 : 1));
    const x = sorted[Math.floor(sorted.length / 2)].record;
    const mid = (Date.parse(`${x.date_created}Z`) + Date.parse(`${x.date_created_utc}Z`)) / 2;
    const boundary = new Date(Math.floor(mid / 1000) * 1000 + 1000).toISOString().slice(0, 19);
    expect(x.date_created).not.toBe(x.date_created_utc);
    expect(live(name).some((e) => e.record.date_created === boundary)).toBe(false);
    return { x, boundary };
  }

  test('after=<local time> keeps exactly the bookings created (site-local) after it', async () => {
    const { x, boundary } = splitBooking();
    const want = live(name).filter((e) => e.record.date_created > boundary).map((e) => e.record.id).sort(byId);
    const wrongIfUtc = live(name).filter((e) => e.record.date_created_utc > boundary).map((e) => e.record.id).sort(byId);
    expect(want).not.toEqual(wrongIfUtc); // the boundary tells local from UTC
    const r = await listAll(name, `after=${boundary}`);
    expect(r.ids.sort(byId)).toEqual(want);
    expect(r.total).toBe(String(want.length));
    expect(r.ids.includes(x.id)).toBe(x.date_created > boundary);
    for (const b of r.items) expect(b.date_created > boundary).toBe(true);
  });

  test('before=<local time> keeps exactly the bookings created (site-local) before it', async () => {
    const { boundary } = splitBooking();
    const want = live(name).filter((e) => e.record.date_created < boundary).map((e) => e.record.id).sort(byId);
    const r = await listAll(name, `before=${encodeURIComponent(boundary)}`);
    expect(r.ids.sort(byId)).toEqual(want);
    expect(r.total).toBe(String(want.length));
    for (const b of r.items) expect(b.date_created < boundary).toBe(true);
  });

  test('after and before together: a window', async () => {
    const dates = live(name).map((e) => e.record.date_created).sort();
    const from = shiftLocal(dates[Math.floor(dates.length / 4)], 1000);
    const to = shiftLocal(dates[Math.floor((3 * dates.length) / 4)], 1000);
    const want = live(name).filter((e) => e.record.date_created > from && e.record.date_created < to).map((e) => e.record.id).sort(byId);
    expect(want.length).toBeGreaterThan(0);
    const r = await listAll(name, `after=${from}&before=${to}`);
    expect(r.ids.sort(byId)).toEqual(want);
  });

  test.each([['not-a-date'], ['31/12/2025'], ['']])('an unparseable after=%j is ignored (same as no parameter)', async (value) => {
    const plain = await listAll(name);
    const r = await listAll(name, `after=${encodeURIComponent(value)}`);
    expect(r.ids).toEqual(plain.ids);
    expect(r.total).toBe(plain.total);
    expect(r.ids.sort(byId)).toEqual(liveIds(name));
  });
});

describe('testhotel: include, exclude, search, orderby', () => {
  test('include=a,b,c returns exactly those bookings', async () => {
    const ids = liveIds('testhotel');
    const chosen = [ids[0], ids[5], ids[ids.length - 1]];
    const r = await call('testhotel', `/bookings?include=${chosen.join(',')}`);
    expect(r.status).toBe(200);
    expect(sortedIds(r.body)).toEqual([...chosen].sort(byId));
    expect(r.total).toBe('3');
    // PHP array form. Indexed (include[0]=…): the test client signs the query as an object, so a repeated
    // name (include[]=a&include[]=b) would keep only its last value.
    const arrayForm = await call('testhotel', `/bookings?${chosen.map((id, i) => `include[${i}]=${id}`).join('&')}`);
    expect(arrayForm.status).toBe(200);
    expect(sortedIds(arrayForm.body)).toEqual([...chosen].sort(byId));
  });

  test('orderby=include keeps the include order', async () => {
    const ids = liveIds('testhotel');
    const chosen = [ids[7], ids[2], ids[9]];
    const r = await call('testhotel', `/bookings?include=${chosen.join(',')}&orderby=include`);
    expect(idsOf(r.body)).toEqual(chosen);
  });

  test('exclude=a,b returns everything else', async () => {
    const ids = liveIds('testhotel');
    const excluded = [ids[1], ids[3]];
    const r = await listAll('testhotel', `exclude=${excluded.join(',')}`);
    expect(r.ids.sort(byId)).toEqual(ids.filter((id) => !excluded.includes(id)));
    expect(r.total).toBe(String(ids.length - 2));
  });

  test('search=<customer email> matches that email exactly', async () => {
    const withEmail = live('testhotel').filter((e) => e.record.customer.email !== '');
    const email = withEmail[Math.floor(withEmail.length / 2)].record.customer.email;
    const want = live('testhotel').filter((e) => e.record.customer.email === email).map((e) => e.record.id).sort(byId);
    const r = await call('testhotel', `/bookings?search=${encodeURIComponent(email)}&per_page=100`);
    expect(r.status).toBe(200);
    expect(sortedIds(r.body)).toEqual(want);
    expect(r.body.every((b) => b.customer.email === email)).toBe(true);
  });

  test('search=<id> returns that booking', async () => {
    const id = liveIds('testhotel')[4];
    const r = await call('testhotel', `/bookings?search=${id}`);
    expect(idsOf(r.body)).toEqual([id]);
    expect(r.total).toBe('1');
  });

  test('a partial string matches nothing (not a substring search)', async () => {
    const email = live('testhotel').find((e) => e.record.customer.email !== '').record.customer.email;
    for (const partial of [email.slice(0, 6), email.split('@')[1], email.toUpperCase() === email ? null : email.slice(1)].filter(Boolean)) {
      const r = await call('testhotel', `/bookings?search=${encodeURIComponent(partial)}`);
      expect([partial, r.status, r.body, r.total]).toEqual([partial, 200, [], '0']);
    }
  });

  test('orderby=modified sorts on the server-side modified time (desc by default, asc on request)', async () => {
    const site = sim.site('testhotel');
    const modified = (id) => site.get('bookings', id).meta.modified_gmt;
    const desc = await listAll('testhotel', 'orderby=modified');
    expect([...desc.ids].sort(byId)).toEqual(liveIds('testhotel'));
    const times = desc.ids.map(modified);
    expect(times).toEqual([...times].sort().reverse());
    const byDate = await listAll('testhotel');
    expect(desc.ids).not.toEqual(byDate.ids); // the seeded data has bookings edited out of creation order
    const asc = await listAll('testhotel', 'orderby=modified&order=asc');
    const ascTimes = asc.ids.map(modified);
    expect(ascTimes).toEqual([...ascTimes].sort());
  });
});

describe('testhotel: filter[post_status]', () => {
  test('filter[post_status]=cancelled lists only the cancelled bookings, and X-WP-Total counts them', async () => {
    const want = live('testhotel').filter((e) => e.meta.post_status === 'cancelled').map((e) => e.record.id).sort(byId);
    expect(want.length).toBeGreaterThan(0);
    const r = await call('testhotel', '/bookings?filter[post_status]=cancelled&per_page=100');
    expect(r.status).toBe(200);
    expect(sortedIds(r.body)).toEqual(want);
    expect(r.body.every((b) => b.status === 'cancelled')).toBe(true);
    expect(r.total).toBe(String(want.length));
    // Paged, the total stays the filtered one.
    const page = await call('testhotel', '/bookings?filter[post_status]=cancelled&per_page=1');
    expect(page.total).toBe(String(want.length));
    expect(page.headers.get('x-wp-totalpages')).toBe(String(want.length));
  });

  test('filter[post_status][0]=cancelled&filter[post_status][1]=abandoned lists both statuses', async () => {
    const want = live('testhotel').filter((e) => ['cancelled', 'abandoned'].includes(e.meta.post_status)).map((e) => e.record.id).sort(byId);
    const r = await listAll('testhotel', 'filter[post_status][0]=cancelled&filter[post_status][1]=abandoned');
    expect(r.ids.sort(byId)).toEqual(want);
    expect(r.total).toBe(String(want.length));
    expect(new Set(r.items.map((b) => b.status))).toEqual(new Set(['cancelled', 'abandoned']));
  });

  test('filter[post_status]=trash lists exactly the trashed bookings (status "trash")', async () => {
    const want = sim.site('testhotel').list('bookings').filter((e) => e.meta.post_status === 'trash').map((e) => e.record.id).sort(byId);
    expect(want.length).toBeGreaterThan(0); // testhotel is seeded with a trashed booking
    const r = await listAll('testhotel', 'filter[post_status]=trash');
    expect(r.ids.sort(byId)).toEqual(want);
    expect(r.total).toBe(String(want.length));
    expect(r.items.every((b) => b.status === 'trash')).toBe(true);
  });

  test('status=cancelled and modified_after= / modified_before= are ignored (same as no parameter)', async () => {
    const plain = await listAll('testhotel');
    const later = new Date(nowMs + 3600_000).toISOString();
    for (const query of ['status=cancelled', `modified_after=${encodeURIComponent(later)}`, 'modified_after=2026-01-01T00:00:00', 'modified_before=2000-01-01T00:00:00', 'unknown_param=1']) {
      const r = await listAll('testhotel', query);
      expect([query, r.ids, r.total]).toEqual([query, plain.ids, plain.total]);
    }
  });
});

describe('testhotel: "modified since" with filter[date_query] on post_modified_gmt', () => {
  const since = (ms) => `filter[date_query][0][column]=post_modified_gmt&filter[date_query][0][after]=${encodeURIComponent(new Date(ms).toISOString())}`;

  test('nothing is modified after now; an edit a few seconds later is the only result, with no modified time in the body', async () => {
    const t0 = nowMs;
    const empty = await call('testhotel', `/bookings?${since(t0)}`);
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual([]);
    expect(empty.total).toBe('0');

    // An edit through the site (sim.site(name).updateBooking), 5 s later.
    tick(5);
    const first = liveIds('testhotel')[2];
    sim.site('testhotel').updateBooking(first, { note: 'Late arrival, around 23:00.' });
    const r1 = await listAll('testhotel', since(t0));
    expect(r1.ids).toEqual([first]);
    expect(r1.total).toBe('1');
    expect(r1.items[0].note).toBe('Late arrival, around 23:00.');
    for (const field of MODIFIED_FIELDS) expect([field, field in r1.items[0]]).toEqual([field, false]);

    // An edit through the control API, 5 s later: after t1 only it, after t0 both.
    const t1 = nowMs;
    tick(5);
    const second = liveIds('testhotel')[6];
    const patched = await control('PATCH', `/testhotel/bookings/${second}`, { customer: { phone: '+49 30 5550 1234' } });
    expect(patched.status).toBe(200);
    expect((await listAll('testhotel', since(t1))).ids).toEqual([second]);
    expect((await listAll('testhotel', since(t0))).ids.sort(byId)).toEqual([first, second].sort(byId));

    // An edit through the API itself (POST /bookings/{id} with the read/write key) updates it too.
    const t2 = nowMs;
    tick(5);
    const third = liveIds('testhotel')[8];
    const posted = await call('testhotel', `/bookings/${third}`, { method: 'POST', body: { note: 'Edited through the API.' } });
    expect(posted.status).toBe(200);
    for (const field of MODIFIED_FIELDS) expect([field, field in posted.body]).toEqual([field, false]);
    expect((await listAll('testhotel', since(t2))).ids).toEqual([third]);

    // And orderby=modified now starts with the latest edits.
    expect((await call('testhotel', '/bookings?orderby=modified&per_page=3')).body.map((b) => b.id)).toEqual([third, second, first]);
  });

  test('a date_query "after" in the future lists nothing', async () => {
    const r = await call('testhotel', `/bookings?${since(nowMs + 3600_000)}`);
    expect([r.status, r.body, r.total]).toEqual([200, [], '0']);
  });
});

describe('testhotel: filter[...] needs a user who can edit bookings', () => {
  test('with can_edit_bookings=false any filter[...] → 403 mphb_rest_cannot_view; plain listing still works', async () => {
    const set = await control('PUT', '/testhotel/settings', { can_edit_bookings: false });
    expect(set.status).toBe(200);
    try {
      for (const query of [
        'filter[post_status]=cancelled',
        'filter[post_status][0]=cancelled&filter[post_status][1]=abandoned',
        'filter[post_status]=trash',
        `filter[date_query][0][column]=post_modified_gmt&filter[date_query][0][after]=${encodeURIComponent('2026-01-01T00:00:00Z')}`,
      ]) {
        const r = await call('testhotel', `/bookings?${query}`);
        expect(query && r.status).toBe(403);
        expectWpError(r, 403, 'mphb_rest_cannot_view');
      }
      const plain = await call('testhotel', '/bookings');
      expect(plain.status).toBe(200);
      expect(plain.total).toBe(String(liveIds('testhotel').length));
      // The other hotel is not affected.
      expect((await call('simmerdown', '/bookings?filter[post_status]=cancelled')).status).toBe(200);
    } finally {
      await control('PUT', '/testhotel/settings', { can_edit_bookings: true });
    }
    expect((await call('testhotel', '/bookings?filter[post_status]=cancelled')).status).toBe(200);
  });
});

describe('testhotel: trash and delete', () => {
  test('a trashed booking vanishes from lists, include= and X-WP-Total, but GET by id answers 200 with status "trash"', async () => {
    const before = await listAll('testhotel');
    const id = live('testhotel').find((e) => e.meta.post_status === 'confirmed').record.id;
    expect(before.ids).toContain(id);

    tick(1);
    const trashed = await control('POST', `/testhotel/bookings/${id}/trash`);
    expect(trashed.status).toBe(200);

    const after = await listAll('testhotel');
    expect(after.ids).not.toContain(id);
    expect(after.total).toBe(String(Number(before.total) - 1));
    expect(after.ids.sort(byId)).toEqual(before.ids.filter((x) => x !== id).sort(byId));

    const included = await call('testhotel', `/bookings?include=${id}`);
    expect([included.status, included.body, included.total]).toEqual([200, [], '0']);
    const searched = await call('testhotel', `/bookings?search=${id}`);
    expect(searched.body).toEqual([]);

    const one = await call('testhotel', `/bookings/${id}`);
    expect(one.status).toBe(200);
    expect(one.body.id).toBe(id);
    expect(one.body.status).toBe('trash');

    const inTrash = await listAll('testhotel', 'filter[post_status]=trash');
    expect(inTrash.ids).toContain(id);
  });

  test('an unknown id → 404 mphb_rest_invalid_mphb_booking_id', async () => {
    const unknown = Math.max(...sim.site('testhotel').list('bookings').map((e) => e.record.id)) + 100000;
    expectWpError(await call('testhotel', `/bookings/${unknown}`), 404, 'mphb_rest_invalid_mphb_booking_id');
  });

  test('DELETE /bookings/{id}?force=true with the read/write key, then GET → 404', async () => {
    const id = live('testhotel').find((e) => e.meta.post_status === 'confirmed').record.id;
    const before = await listAll('testhotel');
    const del = await call('testhotel', `/bookings/${id}?force=true`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expectWpError(await call('testhotel', `/bookings/${id}`), 404, 'mphb_rest_invalid_mphb_booking_id');
    const after = await listAll('testhotel');
    expect(after.ids).not.toContain(id);
    expect(after.total).toBe(String(Number(before.total) - 1));
    expect((await listAll('testhotel', 'filter[post_status]=trash')).ids).not.toContain(id);
  });

  test('a trashed booking deleted for good → 404 too', async () => {
    const id = sim.site('testhotel').list('bookings').find((e) => e.meta.post_status === 'trash').record.id;
    expect((await call('testhotel', `/bookings/${id}`)).status).toBe(200);
    const del = await call('testhotel', `/bookings/${id}?force=true`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expectWpError(await call('testhotel', `/bookings/${id}`), 404, 'mphb_rest_invalid_mphb_booking_id');
  });
});

describe('simmerdown: _embed=1 on a multi-room booking', () => {
  const multiRoom = () => live('simmerdown')
    .filter((e) => e.record.reserved_accommodations.length > 1 && !e.record.imported)
    .sort((a, b) => b.record.reserved_accommodations.length - a.record.reserved_accommodations.length)[0].record;

  function expectEmbedded(body, booking) {
    const rooms = booking.reserved_accommodations;
    expect(rooms.length).toBeGreaterThan(1);
    expect(body._embedded).toBeDefined();
    expect(Array.isArray(body._embedded.accommodation)).toBe(true);
    expect(Array.isArray(body._embedded.accommodation_type)).toBe(true);
    expect(body._embedded.accommodation).toHaveLength(rooms.length);
    expect(body._embedded.accommodation_type).toHaveLength(rooms.length);
    expect(body._embedded.accommodation.map((u) => u.id)).toEqual(rooms.map((r) => r.accommodation));
    expect(body._embedded.accommodation_type.map((t) => t.id)).toEqual(rooms.map((r) => r.accommodation_type));
    // rate: one per reserved room too (a direct booking: every room has a rate id).
    expect(rooms.every((r) => r.rate > 0)).toBe(true);
    expect(body._embedded.rate.map((r) => r.id)).toEqual(rooms.map((r) => r.rate));
    for (const u of body._embedded.accommodation) expect(typeof u.title).toBe('string');
    for (const t of body._embedded.accommodation_type) expect(typeof t.title).toBe('string');
  }

  test('GET /bookings/{id}?_embed=1: _embedded.accommodation / accommodation_type have one entry per reserved room', async () => {
    const booking = multiRoom();
    const r = await call('simmerdown', `/bookings/${booking.id}?_embed=1`);
    expect(r.status).toBe(200);
    expectEmbedded(r.body, booking);
  });

  test('in a list (include=<id>&_embed=1) too', async () => {
    const booking = multiRoom();
    const r = await call('simmerdown', `/bookings?include=${booking.id}&_embed=1`);
    expect(r.body).toHaveLength(1);
    expectEmbedded(r.body[0], booking);
  });

  test('without _embed there is no _embedded', async () => {
    const booking = multiRoom();
    const r = await call('simmerdown', `/bookings/${booking.id}`);
    expect(r.status).toBe(200);
    expect(r.body._embedded).toBeUndefined();
    expect(r.body._links.accommodation).toHaveLength(booking.reserved_accommodations.length);
  });
});
