// A property of Sync All (SPEC §2 I1–I6, §3, §4): whatever the upstream site looks like, after a
// successful run the database holds exactly the core's offline mapping (core.plan) of the site's current
// data — reservations, their rooms and calendar blocks — plus the bookings that disappeared upstream,
// kept as they were last seen but marked inactive with upstream_gone_at. And a run with no upstream edit
// writes no row at all.
//
// Repeatable: the simulator seeds, hotels and every upstream edit come from a seeded PRNG.
import { jest } from '@jest/globals';

import { ROW_TABLES } from '../../host/sync/row_tables.js';
import { closeTemplates, databaseKinds } from './support/test_databases.js';
import { createSyncHarness } from './support/sync_harness.js';
import { prng } from './support/seeded_random.js';
import { upstreamEditor as editor } from './support/upstream_editor.js';

jest.setTimeout(60000);

const master = prng(20261128);
const HOTELS = ['simmerdown', 'testhotel', 'airbnb-heavy', 'indo'];
const CASES = HOTELS.map((hotel) => [master.int(1, 1_000_000), hotel]);
const ROUNDS = 6;

// ---------------------------------------------------------------------------------------------------------
// Rows: the database's and the plan's, normalised per column type so both sides compare equal.

const IGNORED = new Set(['upstream_gone_at', 'placeholder_since', 'content_hash']);

function normalise(kind, row) {
  const columns = ROW_TABLES[kind].columns;
  const out = {};
  for (const [name, type] of Object.entries(columns)) {
    if (IGNORED.has(name)) continue;
    const v = row[name];
    if (v === null || v === undefined) {
      out[name] = null;
    } else if (type === 'bigint' || type === 'integer' || type === 'numeric') {
      out[name] = Number(v);
    } else if (type === 'boolean') {
      out[name] = Boolean(v);
    } else if (type === 'date') {
      out[name] = String(v).slice(0, 10);
    } else if (type === 'time') {
      out[name] = String(v).length === 5 ? `${v}:00` : String(v);
    } else if (type === 'timestamptz') {
      out[name] = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(String(v)) ? String(v) : `${v}Z`);
    } else {
      out[name] = String(v);
    }
  }
  return out;
}

const roomKey = (r) => `${Number(r.external_booking_id)}/${Number(r.position)}`;

async function tableRows(db, table, tenantId) {
  const rows = await db.query(`select to_jsonb(t)::text as j from ${table} t where tenant_id = $1`, [tenantId]);
  return rows.map((r) => JSON.parse(r.j));
}

async function storedState(db, tenantId) {
  const [reservations, rooms, blocks, units, types] = await Promise.all([
    tableRows(db, 'public.guest_reservations', tenantId),
    tableRows(db, 'public.reservation_accommodations', tenantId),
    tableRows(db, 'public.calendar_blocks', tenantId),
    tableRows(db, 'hotels.accommodation_units', tenantId),
    tableRows(db, 'hotels.accommodation_types', tenantId),
  ]);
  return { reservations, rooms, blocks, units, types };
}

async function rowVersions(db) {
  return db.query(`select 'r' || id::text as k, xmin::text as v from public.guest_reservations
    union all select 'j' || id::text, xmin::text from public.reservation_accommodations
    union all select 'u' || id::text, xmin::text from hotels.accommodation_units
    union all select 't' || id::text, xmin::text from hotels.accommodation_types
    union all select 'b' || id::text, xmin::text from public.calendar_blocks order by 1`);
}

// ---------------------------------------------------------------------------------------------------------
// Upstream: what the API lists now, and random edits through the site's own methods.

function upstream(h, hotel) {
  const site = h.sim.site(hotel);
  const apiBase = h.sim.hotels.find((x) => x.name === hotel).apiBase;
  const listed = (collection) => site.list(collection).filter((e) => e.meta.post_status !== 'trash');
  const bookings = listed('bookings');
  // Trashed units are not listed, but the sync fetches by id those that a booking still names.
  const named = new Set(bookings.flatMap((b) => (b.record.reserved_accommodations ?? []).map((r) => r.accommodation)));
  const trashedNamed = site.list('accommodations').filter((e) => e.meta.post_status === 'trash' && named.has(e.record.id));
  return {
    types: listed('accommodation_types').map((e) => site.serve('accommodation_types', e, apiBase)),
    units: [...listed('accommodations'), ...trashedNamed].map((e) => site.serve('accommodations', e, apiBase)),
    liveUnitIds: new Set(listed('accommodations').map((e) => e.record.id)),
    bookings: bookings.map((e) => site.serve('bookings', e, apiBase)),
  };
}

// ---------------------------------------------------------------------------------------------------------
// The property.

/**
 * Compares the database with the plan of the upstream state. `seen` carries, per booking id, what the
 * database last held for bookings that were live: those now gone upstream must still be there, marked.
 */
async function expectDatabaseIsTheMapping(h, hotel, tenantId, seen, context) {
  const up = upstream(h, hotel);
  const plan = h.core.plan({
    tenantId, now: new Date().toISOString(), accommodationTypes: up.types, accommodations: up.units, bookings: up.bookings,
  });
  expect({ context, errors: plan.errors }).toEqual({ context, errors: [] });
  const db = await storedState(h.db, tenantId);

  const liveIds = new Set(up.bookings.map((b) => b.id));
  // Bookings the database held before and upstream no longer lists: kept as last seen, marked inactive.
  for (const [id, last] of seen) {
    if (liveIds.has(id)) continue;
    last.gone = true;
    if (last.reservation) last.reservation = { ...last.reservation, status: 'inactive' };
    last.blocks = last.blocks.map((b) => ({ ...b, status: 'inactive' }));
  }
  for (const id of liveIds) seen.set(id, { gone: false, reservation: null, rooms: [], blocks: [] });
  for (const r of plan.reservations) seen.get(Number(r.external_booking_id)).reservation = normalise('reservations', r);
  for (const r of plan.reservation_accommodations) seen.get(Number(r.external_booking_id)).rooms.push(normalise('reservation_accommodations', r));
  for (const b of plan.calendar_blocks) seen.get(Number(b.external_booking_id)).blocks.push(normalise('calendar_blocks', b));

  const expected = { reservations: {}, rooms: {}, blocks: {} };
  const goneExpected = { reservations: {}, blocks: {} };
  for (const [id, s] of seen) {
    if (s.reservation) {
      expected.reservations[id] = s.reservation;
      goneExpected.reservations[id] = s.gone;
    }
    for (const r of s.rooms) expected.rooms[roomKey(r)] = r;
    for (const b of s.blocks) {
      expected.blocks[roomKey(b)] = b;
      goneExpected.blocks[roomKey(b)] = s.gone;
    }
  }
  const actual = {
    reservations: Object.fromEntries(db.reservations.map((r) => [Number(r.external_booking_id), normalise('reservations', r)])),
    rooms: Object.fromEntries(db.rooms.map((r) => [roomKey(r), normalise('reservation_accommodations', r)])),
    blocks: Object.fromEntries(db.blocks.map((b) => [roomKey(b), normalise('calendar_blocks', b)])),
  };
  const goneActual = {
    reservations: Object.fromEntries(db.reservations.map((r) => [Number(r.external_booking_id), r.upstream_gone_at !== null])),
    blocks: Object.fromEntries(db.blocks.map((b) => [roomKey(b), b.upstream_gone_at !== null])),
  };
  expect({ context, ...actual }).toEqual({ context, ...expected });
  expect({ context, ...goneActual }).toEqual({ context, ...goneExpected });

  // Units and types: every listed one stored and active with its mapped row; the others inactive.
  const planUnits = Object.fromEntries(plan.accommodation_units.filter((u) => up.liveUnitIds.has(Number(u.mphb_accommodation_id)))
    .map((u) => [Number(u.mphb_accommodation_id), normalise('accommodation_units', u)]));
  const dbUnits = Object.fromEntries(db.units.filter((u) => u.is_active).map((u) => [Number(u.mphb_accommodation_id), normalise('accommodation_units', u)]));
  expect({ context, units: dbUnits }).toEqual({ context, units: planUnits });
  const planTypes = Object.fromEntries(plan.accommodation_types.map((t) => [Number(t.mphb_type_id), normalise('accommodation_types', t)]));
  const dbTypes = Object.fromEntries(db.types.filter((t) => t.is_active).map((t) => [Number(t.mphb_type_id), normalise('accommodation_types', t)]));
  expect({ context, types: dbTypes }).toEqual({ context, types: planTypes });
}

describe.each(databaseKinds())('sync-all property on %s', (kind) => {
  test.each(CASES)('seed %i, hotel %s: after every run the database is the mapping of the upstream state', async (seed, hotel) => {
    const h = await createSyncHarness(kind, { hotels: hotel, seed });
    try {
      const { tenant_id: tenantId } = await h.addTenant(hotel);
      const rng = prng(seed * 7919 + 17);
      const edit = editor(h.sim.site(hotel), rng);
      const seen = new Map();
      const log = [];
      for (let round = 0; round <= ROUNDS; round++) {
        const edits = round === 0 ? [] : Array.from({ length: rng.int(1, 8) }, () => edit());
        log.push(`round ${round}: ${edits.join(', ') || 'no edits'}`);
        const context = log.join(' | ');

        const result = await h.syncAll(hotel);
        expect({ context, status: result.status }).toEqual({ context, status: 'succeeded' });
        await expectDatabaseIsTheMapping(h, hotel, tenantId, seen, context);

        // No upstream change: nothing written, nothing newly gone.
        const before = await rowVersions(h.db);
        const again = await h.syncAll(hotel);
        expect({ context, counts: again.counts }).toMatchObject({
          context, counts: { created: 0, updated: 0, gone: 0, types_created: 0, types_updated: 0, units_created: 0, units_updated: 0, units_deactivated: 0, types_deactivated: 0 },
        });
        expect({ context, versions: await rowVersions(h.db) }).toEqual({ context, versions: before });
      }
    } finally {
      await h.close();
    }
  });
});

afterAll(() => closeTemplates());
