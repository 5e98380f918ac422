// A sync reads each page's stored rows, never the whole tenant's (SPEC §6 B4): a session built with
// stored: null reads a page once (readPage), names the bookings whose rows it needs, and plans the held
// page against them (planReadPage). Property: whatever is stored and in whatever order held pages are
// planned, every plan equals the one the whole stored state gives, and so does reconcile.
import { loadCore } from '../../js/core.js';
import { hotelPages } from './support/hotel_pages.js';
import { prng } from './support/seeded_random.js';

const TENANT = '6f1c2b7e-3f7c-4d8e-9a51-2b7d6c1e0a11';
const NOW = '2026-11-28T10:00:00Z';

let core;
beforeAll(async () => { core = await loadCore(); });

const encode = (records) => new TextEncoder().encode(JSON.stringify(records));
const plain = (plan) => JSON.parse(JSON.stringify(plan));

// The hashes a first sync stores for every booking of the hotel.
function firstSyncHashes({ knownUnits, knownTypes, pages }) {
  const session = core.bookingsSync({ tenantId: TENANT, now: NOW, knownUnits, knownTypes, stored: {} });
  const stored = {};
  try {
    for (const records of pages) {
      const plan = session.planPage(encode(records));
      for (const r of plan.reservations) stored[r.external_booking_id] = { hash: r.content_hash, kind: 'reservation', is_active: true };
      for (const b of plan.calendar_blocks) stored[b.external_booking_id] = { hash: b.content_hash, kind: 'block', is_active: true };
    }
  } finally {
    session.close();
  }
  return stored;
}

// A random stored state over the hotel's bookings (and some the site no longer has): absent, unchanged,
// changed upstream, held as the other kind, marked gone.
function randomStored(hashes, random) {
  const stored = {};
  for (const [id, row] of Object.entries(hashes)) {
    const roll = random.int(0, 9);
    if (roll === 0) continue;
    if (roll === 1) stored[id] = { ...row, hash: 'changed upstream' };
    else if (roll === 2) stored[id] = { ...row, kind: row.kind === 'block' ? 'reservation' : 'block' };
    else if (roll === 3) stored[id] = { ...row, is_active: false };
    else stored[id] = row;
  }
  for (let i = 0; i < 5; i += 1) stored[900000 + i] = { hash: 'h', kind: random.pick(['reservation', 'block']), is_active: random.chance(0.7) };
  return stored;
}

function rowsOf(stored, ids) {
  return JSON.stringify(Object.fromEntries(ids.filter((id) => stored[id]).map((id) => [id, stored[id]])));
}

describe('stored rows read per page', () => {
  test.each([1, 2, 3, 4, 5, 6])('seed %i: every plan and reconcile equal the whole stored state\'s, pages planned out of order', (seed) => {
    const random = prng(seed);
    const hotel = hotelPages(random.pick(['testhotel', 'indo', 'simmerdown', 'airbnb-heavy', 'large:300']), seed, random.int(7, 60));
    const stored = randomStored(firstSyncHashes(hotel), random);
    // Pages shift while paging: some bookings come twice.
    const pages = hotel.pages.map((records, i) => (i > 0 && random.chance(0.3) ? [...records, hotel.pages[i - 1][0]] : records));
    const { knownUnits, knownTypes } = hotel;
    const whole = core.bookingsSync({ tenantId: TENANT, now: NOW, knownUnits, knownTypes, stored });
    const perPage = core.bookingsSync({ tenantId: TENANT, now: NOW, knownUnits, knownTypes, stored: null });
    try {
      const expected = pages.map((records) => plain(whole.planPage(encode(records))));
      const held = [];
      const planned = new Array(pages.length);
      const planSome = (all) => {
        while (held.length > 0 && (all || random.chance(0.5))) {
          const [{ index, read }] = held.splice(random.int(0, held.length - 1), 1);
          planned[index] = plain(perPage.planReadPage(read.page, rowsOf(stored, read.ids)));
        }
      };
      pages.forEach((records, index) => {
        const read = perPage.readPage(encode(records));
        expect(read.errors).toEqual([]);
        expect(read.unknown_units).toEqual([]);
        held.push({ index, read });
        planSome(false);
      });
      planSome(true);
      expect(planned).toEqual(expected);
      const total = new Set(pages.flat().map((b) => b.id)).size;
      const active = Object.entries(stored).filter(([, row]) => row.is_active).map(([id]) => Number(id));
      expect(perPage.reconcile(total, JSON.stringify(active))).toEqual({ ...whole.reconcile(total), errors: [] });
      expect(perPage.reconcile(total, active).confirm.length).toBeGreaterThan(0); // the ids the site no longer has
    } finally {
      whole.close();
      perPage.close();
    }
  });

  test('a page naming unknown units holds nothing until they are resolved, then is read again', () => {
    const hotel = hotelPages('testhotel', 5);
    const session = core.bookingsSync({ tenantId: TENANT, now: NOW, knownUnits: {}, knownTypes: [], stored: null });
    try {
      const bytes = encode(hotel.pages[0]);
      const asked = session.readPage(bytes);
      expect(asked.page).toBeNull();
      expect(asked.unknown_units.length).toBeGreaterThan(0);
      session.resolveUnits(asked.unknown_units.map((u) => ({ id: u.mphb_accommodation_id, status: 404 })));
      const read = session.readPage(bytes);
      expect(read.unknown_units).toEqual([]);
      const plan = session.planReadPage(read.page, '{}');
      expect(plan.errors).toEqual([]);
      expect(plan.counts.created).toBe(read.ids.length);
    } finally {
      session.close();
    }
  });

  test('calls in the wrong mode, or for a page not held, are wrong_call errors', () => {
    const hotel = hotelPages('testhotel', 6);
    const perPage = core.bookingsSync({ tenantId: TENANT, now: NOW, knownUnits: hotel.knownUnits, knownTypes: hotel.knownTypes, stored: null });
    const whole = core.bookingsSync({ tenantId: TENANT, now: NOW, knownUnits: hotel.knownUnits, knownTypes: hotel.knownTypes, stored: {} });
    try {
      const bytes = encode(hotel.pages[0]);
      expect(perPage.planPage(bytes).errors.map((e) => [e.code, e.path])).toEqual([['wrong_call', 'plan_page']]);
      expect(perPage.planReadPage(42, '{}').errors.map((e) => e.code)).toEqual(['wrong_call']);
      expect(perPage.reconcile(1).errors.length).toBeGreaterThan(0); // the active ids are required
      expect(whole.readPage(bytes).errors.map((e) => [e.code, e.path])).toEqual([['wrong_call', 'read_page']]);
      expect(whole.planReadPage(1, '{}').errors.map((e) => e.code)).toEqual(['wrong_call']);
      const read = perPage.readPage(bytes);
      // Rows that are not rows plan nothing (the page could be written as new or skipped as unchanged).
      const bad = perPage.planReadPage(read.page, { [read.ids[0]]: 'h' });
      expect(bad.errors.map((e) => [e.code, e.path])).toEqual([['invalid_state', `stored.${read.ids[0]}`]]);
      expect(bad.reservations).toEqual([]);
      expect(perPage.planReadPage(read.page, '{}').errors.map((e) => e.code)).toEqual(['wrong_call']); // released
    } finally {
      perPage.close();
      whole.close();
    }
  });
});
