// Sync All scenarios (SPEC §2–§4) against the simulator and a real database: the production race (a
// booking of a unit the database has never seen), placeholders for units MotoPress no longer has,
// upstream edits (cancel, trash, delete, restore, room changes, block ↔ guest), tenants with identical
// MotoPress ids, two concurrent runs of one tenant, platform-owned columns, sync_runs counts and events.
// Tests inside a describe build on each other, in order.
import { randomUUID } from 'node:crypto';

import { jest } from '@jest/globals';

import { checkInvariants } from '../../host/monitor/invariant_checks.js';
import { SyncError } from '../../host/sync/sync_errors.js';
import { releaseTenantLock } from '../../host/sync/tenant_lock.js';
import {
  expectedBookings, i1Offenders, i2Offenders, i3Offenders, i4Offenders, i7Offenders, mappedStatus, reservationOf, roomsOf, rowVersions,
  storedBookingIds,
} from './support/invariant_sql.js';
import { closeTemplates, databaseKinds } from './support/test_databases.js';
import { leaseTakeover } from './support/lease_takeover.js';
import { createSyncHarness } from './support/sync_harness.js';

jest.setTimeout(60000);

/** One reserved_accommodations[] entry for a unit id and type id, as MotoPress sends it. */
function room(unitId, typeId, { adults = 2, children = 0, guestName = '' } = {}) {
  return {
    accommodation: unitId, accommodation_type: typeId, rate: 0, adults, children, guest_name: guestName, services: [],
    accommodation_price_per_days: [], fees: [], taxes: { accommodation: [], services: [], fees: [] }, discount: 0,
  };
}
const roomOf = (unitEntity, options) => room(unitEntity.record.id, unitEntity.record.accommodation_type_id, options);

const EMPTY_CUSTOMER = { first_name: '', last_name: '', email: '', phone: '', country: '', state: '', city: '', zip: '', address1: '' };

/** All invariants, by our own SQL, for one tenant; plus the monitor's verdict. */
async function expectInvariants(db, tenantId) {
  expect({
    i1: await i1Offenders(db, tenantId), i2: await i2Offenders(db, tenantId), i4: await i4Offenders(db, tenantId), i7: await i7Offenders(db, tenantId),
  }).toEqual({ i1: [], i2: [], i4: [], i7: [] });
  const report = await checkInvariants(db, tenantId);
  expect(report.tenants[0].invariants.filter((i) => !i.ok)).toEqual([]);
}

describe.each(databaseKinds())('sync-all scenarios on %s', (kind) => {
  let h;
  beforeAll(async () => {
    h = await createSyncHarness(kind, { hotels: 'indo,a=indo,b=indo,c=simmerdown,d=testhotel' });
    for (const hotel of ['indo', 'a', 'b', 'c', 'd']) await h.addTenant(hotel);
  });
  afterAll(() => h?.close());

  describe('rooms before reservations (indo)', () => {
    const slug = 'indo';
    const site = () => h.sim.site(slug);
    const tenantId = () => h.tenant(slug).tenant_id;
    const bungalowType = () => site().list('accommodation_types')[0].record.id;
    let firstEvents;

    test('first run: the newest booking, on the newest unit, lands with its unit and junction row', async () => {
      const bookings = site().list('bookings').filter((e) => e.meta.post_status !== 'trash');
      const newest = bookings.reduce((a, b) => (a.record.date_created_utc >= b.record.date_created_utc ? a : b));
      const newestUnit = site().list('accommodations').reduce((a, b) => (a.meta.created_gmt >= b.meta.created_gmt ? a : b));
      expect(newest.record.reserved_accommodations.map((r) => r.accommodation)).toEqual([newestUnit.record.id]);

      firstEvents = [];
      const result = await h.syncAll(slug, { events: firstEvents });
      expect(result.status).toBe('succeeded');
      const reservation = await reservationOf(h.db, tenantId(), newest.record.id);
      expect(reservation.accommodation_unit_id).not.toBeNull();
      const rooms = await roomsOf(h.db, tenantId(), newest.record.id);
      expect(rooms).toEqual([expect.objectContaining({ position: 0, unit: newestUnit.record.id, unit_of_row: newestUnit.record.id, unit_tenant: tenantId(), is_placeholder: false })]);
      expect(rooms[0].accommodation_unit_id).toBe(reservation.accommodation_unit_id);
      await expectInvariants(h.db, tenantId());
    });

    test('events: every accommodations-stage event comes before any reservations-stage event; the last is complete', () => {
      const stages = firstEvents.map((e) => e.stage);
      const lastAccommodations = stages.lastIndexOf('accommodations');
      const firstReservations = stages.indexOf('reservations');
      expect(lastAccommodations).toBeGreaterThanOrEqual(0);
      expect(firstReservations).toBeGreaterThan(lastAccommodations);
      expect(firstEvents.at(-1)).toMatchObject({ type: 'complete' });
      expect(firstEvents.filter((e) => e.type === 'complete')).toHaveLength(1);
      for (const e of firstEvents) {
        expect(e).toEqual(expect.objectContaining({ type: expect.any(String), stage: expect.any(String), current: expect.any(Number), total: expect.any(Number), message: expect.any(String) }));
        expect(['progress', 'warning', 'complete', 'error']).toContain(e.type);
      }
      expect(firstEvents.at(-1).counts).toEqual(expect.objectContaining({ created: expect.any(Number) }));
    });

    test('a unit added between two runs, and a booking on it, land on the next run', async () => {
      const unit = site().addUnit({ accommodation_type_id: bungalowType(), title: 'Bungalow 3' });
      const booking = site().createBooking({ reserved_accommodations: [roomOf(unit)] });
      const result = await h.syncAll(slug);
      expect(result.counts).toMatchObject({ units_created: 1, created: 1, placeholders: 0 });
      const rooms = await roomsOf(h.db, tenantId(), booking.record.id);
      expect(rooms).toEqual([expect.objectContaining({ position: 0, unit: unit.record.id, unit_of_row: unit.record.id, is_placeholder: false })]);
      expect((await reservationOf(h.db, tenantId(), booking.record.id)).accommodation_unit_id).toBe(rooms[0].accommodation_unit_id);
      await expectInvariants(h.db, tenantId());
    });

    test('a unit created after the accommodations stage and booked before the bookings are fetched lands in the same run (real unit, no placeholder)', async () => {
      let added = null;
      const racingFetch = async (url, init) => {
        if (!added && new URL(String(url)).pathname.endsWith('/bookings')) {
          const unit = site().addUnit({ accommodation_type_id: bungalowType(), title: 'Bungalow 4 (built mid-sync)' });
          added = { unit, booking: site().createBooking({ reserved_accommodations: [roomOf(unit)] }) };
        }
        return globalThis.fetch(url, init);
      };
      const events = [];
      const result = await h.syncAll(slug, { events, clientOptions: { fetch: racingFetch } });
      expect(added).not.toBeNull();
      expect(result.status).toBe('succeeded');
      const rooms = await roomsOf(h.db, tenantId(), added.booking.record.id);
      expect(rooms).toEqual([expect.objectContaining({ position: 0, unit: added.unit.record.id, unit_of_row: added.unit.record.id, is_placeholder: false })]);
      const [unitRow] = await h.db.query('select name, is_placeholder, is_active from hotels.accommodation_units where tenant_id = $1 and mphb_accommodation_id = $2', [tenantId(), added.unit.record.id]);
      expect(unitRow).toEqual({ name: 'Bungalow 4 (built mid-sync)', is_placeholder: false, is_active: true });
      expect(events.filter((e) => e.type === 'warning')).toEqual([]);
      await expectInvariants(h.db, tenantId());
    });

    test('a booking of a unit MotoPress deleted for good gets a flagged placeholder unit, created before the reservation, and a warning', async () => {
      const unit = site().addUnit({ accommodation_type_id: bungalowType(), title: 'Bungalow 5 (demolished)' });
      const booking = site().createBooking({ reserved_accommodations: [roomOf(unit)] });
      site().deletePermanently('accommodations', unit.record.id);
      const [{ n: placeholdersBefore }] = await h.db.query('select count(*)::int as n from hotels.accommodation_units where tenant_id = $1 and is_placeholder', [tenantId()]);
      const events = [];
      const result = await h.syncAll(slug, { events });

      const [placeholder] = await h.db.query(`select u.id, u.is_placeholder, u.mphb_type_id::int as type, u.created_at, u.xmin::text::bigint as x
        from hotels.accommodation_units u where u.tenant_id = $1 and u.mphb_accommodation_id = $2`, [tenantId(), unit.record.id]);
      expect(placeholder).toMatchObject({ is_placeholder: true, type: bungalowType() });
      const [reservation] = await h.db.query('select id, accommodation_unit_id, created_at, xmin::text::bigint as x from public.guest_reservations where tenant_id = $1 and external_booking_id = $2',
        [tenantId(), booking.record.id]);
      expect(reservation.accommodation_unit_id).toBe(placeholder.id);
      expect(await roomsOf(h.db, tenantId(), booking.record.id)).toEqual([expect.objectContaining({ position: 0, unit: unit.record.id, is_placeholder: true })]);
      // Written before the reservation: in an earlier transaction.
      expect(new Date(placeholder.created_at).getTime()).toBeLessThanOrEqual(new Date(reservation.created_at).getTime());
      expect(Number(placeholder.x)).toBeLessThan(Number(reservation.x));

      const warnings = events.filter((e) => e.type === 'warning');
      expect(warnings).toEqual([expect.objectContaining({ stage: 'reservations', code: 'placeholder_unit', message: expect.stringContaining(String(unit.record.id)) })]);
      expect(result.counts.placeholders).toBe(1);
      expect(result.counts.warnings).toBe(1);
      const [{ n: placeholdersAfter }] = await h.db.query('select count(*)::int as n from hotels.accommodation_units where tenant_id = $1 and is_placeholder', [tenantId()]);
      expect(placeholdersAfter - placeholdersBefore).toBe(result.counts.placeholders);
      const [run] = await h.db.query('select status, counts, warnings from public.sync_runs where id = $1', [result.runId]);
      expect(run.status).toBe('succeeded');
      expect(run.warnings).toEqual([expect.objectContaining({ code: 'placeholder_unit' })]);
      await expectInvariants(h.db, tenantId());
    });

    test('a booking naming a unit id (and a type) that never existed gets placeholders for both', async () => {
      const booking = site().createBooking({ reserved_accommodations: [room(990001, 990002)] });
      const events = [];
      const result = await h.syncAll(slug, { events });
      const [unit] = await h.db.query(`select u.id, u.is_placeholder, t.is_placeholder as type_placeholder, t.mphb_type_id::int as type
        from hotels.accommodation_units u join hotels.accommodation_types t on t.id = u.accommodation_type_id
        where u.tenant_id = $1 and u.mphb_accommodation_id = 990001`, [tenantId()]);
      expect(unit).toMatchObject({ is_placeholder: true, type_placeholder: true, type: 990002 });
      expect((await reservationOf(h.db, tenantId(), booking.record.id)).accommodation_unit_id).toBe(unit.id);
      expect(events.filter((e) => e.type === 'warning').map((e) => e.code).sort()).toEqual(['placeholder_type', 'placeholder_unit']);
      expect(result.counts.placeholders).toBe(2);
      await expectInvariants(h.db, tenantId());
    });

    test('a unit that was synced and is then deleted upstream is marked inactive, never deleted; its reservation keeps its room', async () => {
      const unit = site().addUnit({ accommodation_type_id: bungalowType(), title: 'Bungalow 6' });
      const booking = site().createBooking({ reserved_accommodations: [roomOf(unit)] });
      await h.syncAll(slug);
      site().deletePermanently('accommodations', unit.record.id);
      const result = await h.syncAll(slug);
      expect(result.counts.units_deactivated).toBe(1);
      const [row] = await h.db.query('select id, is_active, upstream_gone_at from hotels.accommodation_units where tenant_id = $1 and mphb_accommodation_id = $2', [tenantId(), unit.record.id]);
      expect(row.is_active).toBe(false);
      expect(row.upstream_gone_at).not.toBeNull();
      expect((await reservationOf(h.db, tenantId(), booking.record.id)).accommodation_unit_id).toBe(row.id);
      await expectInvariants(h.db, tenantId());
    });

    test('after all that, a re-sync writes no row', async () => {
      const before = await rowVersions(h.db);
      const result = await h.syncAll(slug);
      expect(result.counts).toMatchObject({ created: 0, updated: 0, placeholders: 0, units_created: 0, units_updated: 0, units_deactivated: 0, warnings: 0 });
      expect(await rowVersions(h.db)).toEqual(before);
    });
  });

  describe('upstream changes reach the next run (testhotel as tenant d)', () => {
    const slug = 'd';
    const site = () => h.sim.site(slug);
    const tenantId = () => h.tenant(slug).tenant_id;
    const units = () => site().list('accommodations').filter((e) => e.meta.post_status === 'publish');
    const pick = (predicate) => site().list('bookings').find((e) => e.meta.post_status !== 'trash' && !e.record.imported && predicate(e.record));

    test('first run: sync_runs records counts matching the database', async () => {
      const result = await h.syncAll(slug);
      const [run] = await h.db.query('select status, kind, counts, warnings, finished_at, error_code from public.sync_runs where id = $1', [result.runId]);
      expect(run).toMatchObject({ status: 'succeeded', kind: 'sync-all', error_code: null });
      expect(run.finished_at).not.toBeNull();
      expect(run.counts).toEqual(result.counts);
      const [db] = await h.db.query(`select
          (select count(*)::int from public.guest_reservations where tenant_id = $1) as reservations,
          (select count(distinct external_booking_id)::int from public.calendar_blocks where tenant_id = $1) as blocks,
          (select count(*)::int from public.guest_reservations where tenant_id = $1 and status = 'cancelled') as cancelled,
          (select count(*)::int from hotels.accommodation_units where tenant_id = $1 and is_placeholder)
            + (select count(*)::int from hotels.accommodation_types where tenant_id = $1 and is_placeholder) as placeholders,
          (select count(*)::int from hotels.accommodation_units where tenant_id = $1) as units,
          (select count(*)::int from hotels.accommodation_types where tenant_id = $1) as types`, [tenantId()]);
      const { reservations, blocks } = expectedBookings(site());
      expect(db.reservations).toBe(reservations.size);
      expect(db.blocks).toBe(blocks.size);
      expect(run.counts).toMatchObject({
        created: db.reservations + db.blocks, updated: 0, unchanged: 0, blocks: db.blocks, cancelled: db.cancelled,
        placeholders: db.placeholders, warnings: run.warnings.length,
        // Units a booking names that the list does not show (trashed upstream) were fetched one by one: counted too.
        units_created: db.units,
        types_created: site().list('accommodation_types').filter((e) => e.meta.post_status !== 'trash').length,
      });
      expect(db.units).toBeGreaterThanOrEqual(site().list('accommodations').filter((e) => e.meta.post_status !== 'trash').length);
      expect(db.types).toBe(run.counts.types_created);
      expect(db.cancelled).toBeGreaterThan(0);
    });

    test('guest text in any script reaches the database exactly (the core writes its plans as ASCII, with \\u escapes)', async () => {
      const target = pick((r) => r.status === 'confirmed' && r.reserved_accommodations.length === 1);
      const customer = { first_name: 'Zoë José', last_name: 'Müller-Łukasiewicz 山田 😀', phone: '+49 30 123456\u007f' };
      site().updateBooking(target.record.id, { customer });
      const result = await h.syncAll(slug);
      expect(result.counts).toMatchObject({ created: 0, updated: 1 });
      const [row] = await h.db.query('select guest_first_name, guest_last_name, guest_phone from public.guest_reservations where tenant_id = $1 and external_booking_id = $2',
        [tenantId(), target.record.id]);
      expect(row).toEqual({ guest_first_name: customer.first_name, guest_last_name: customer.last_name, guest_phone: customer.phone });
      const again = await h.syncAll(slug);
      expect(again.counts).toMatchObject({ created: 0, updated: 0 });
    });

    test('a booking cancelled upstream becomes cancelled on the next run (and only it is written)', async () => {
      const target = pick((r) => r.status === 'confirmed' && r.reserved_accommodations.length === 1);
      site().updateBooking(target.record.id, { status: 'cancelled' });
      const result = await h.syncAll(slug);
      expect(result.counts).toMatchObject({ created: 0, updated: 1, cancelled: 1, blocks: 0 });
      const row = await reservationOf(h.db, tenantId(), target.record.id);
      expect(row).toMatchObject({ status: 'cancelled', mphb_status: 'cancelled', upstream_gone_at: null });
      await expectInvariants(h.db, tenantId());
    });

    let trashed;
    let deleted;
    test('a trashed booking and a deleted-for-good booking are marked inactive with upstream_gone_at after reconcile, never deleted', async () => {
      trashed = pick((r) => r.status === 'pending' && r.reserved_accommodations.length >= 1);
      deleted = pick((r) => r.status === 'confirmed' && r.id !== trashed.record.id && r.reserved_accommodations.length >= 1);
      const deletedRooms = deleted.record.reserved_accommodations.length;
      site().trash('bookings', trashed.record.id);
      site().deletePermanently('bookings', deleted.record.id);
      const events = [];
      const result = await h.syncAll(slug, { events });
      expect(result.counts.gone).toBe(2);
      const reconcileAt = events.findIndex((e) => e.stage === 'reconcile');
      expect(reconcileAt).toBeGreaterThan(events.map((e) => e.stage).lastIndexOf('reservations'));
      for (const [booking, rooms] of [[trashed, trashed.record.reserved_accommodations.length], [deleted, deletedRooms]]) {
        const row = await reservationOf(h.db, tenantId(), booking.record.id);
        expect(row).toBeDefined();
        expect(row.status).toBe('inactive');
        expect(row.upstream_gone_at).not.toBeNull();
        expect(await roomsOf(h.db, tenantId(), booking.record.id)).toHaveLength(rooms); // its rooms stay with it (I7)
      }
      await expectInvariants(h.db, tenantId());
      // Marked once: the next run leaves them as they are.
      const before = await rowVersions(h.db);
      const again = await h.syncAll(slug);
      expect(again.counts).toMatchObject({ created: 0, updated: 0, gone: 0 });
      expect(await rowVersions(h.db)).toEqual(before);
    });

    test('a trashed booking restored later comes back to its mapped status', async () => {
      site().restore('bookings', trashed.record.id);
      const result = await h.syncAll(slug);
      expect(result.counts).toMatchObject({ created: 0, updated: 1 });
      const row = await reservationOf(h.db, tenantId(), trashed.record.id);
      expect(row).toMatchObject({ status: mappedStatus('pending'), mphb_status: 'pending', upstream_gone_at: null });
      await expectInvariants(h.db, tenantId());
    });

    let multi;
    test('a multi-room booking has all its junction rows at positions 0..n-1, in booking order', async () => {
      const [u1, u2, u3] = units();
      multi = site().createBooking({ reserved_accommodations: [roomOf(u3, { guestName: 'Room three' }), roomOf(u1, { adults: 1 }), roomOf(u2, { children: 1 })] });
      await h.syncAll(slug);
      const rooms = await roomsOf(h.db, tenantId(), multi.record.id);
      expect(rooms.map((r) => [r.position, r.unit, r.unit_of_row])).toEqual([[0, u3.record.id, u3.record.id], [1, u1.record.id, u1.record.id], [2, u2.record.id, u2.record.id]]);
      const row = await reservationOf(h.db, tenantId(), multi.record.id);
      expect(row.room_count).toBe(3);
      expect(row.accommodation_unit_id).toBe(rooms[0].accommodation_unit_id);
      const [detail] = await h.db.query(`select j.guest_name, j.adults, j.children from public.reservation_accommodations j join public.guest_reservations r on r.id = j.reservation_id
        where r.tenant_id = $1 and r.external_booking_id = $2 and j.position = 0`, [tenantId(), multi.record.id]);
      expect(detail).toEqual({ guest_name: 'Room three', adults: 2, children: 0 });
    });

    test('a booking whose rooms change has exactly the new rooms after the next run', async () => {
      const all = units();
      const [, , , u4, u5] = all;
      site().updateBooking(multi.record.id, { reserved_accommodations: [roomOf(u5), roomOf(u4)] });
      const result = await h.syncAll(slug);
      expect(result.counts).toMatchObject({ created: 0, updated: 1 });
      const rooms = await roomsOf(h.db, tenantId(), multi.record.id);
      expect(rooms.map((r) => [r.position, r.unit, r.unit_of_row])).toEqual([[0, u5.record.id, u5.record.id], [1, u4.record.id, u4.record.id]]);
      const row = await reservationOf(h.db, tenantId(), multi.record.id);
      expect(row.room_count).toBe(2);
      expect(row.accommodation_unit_id).toBe(rooms[0].accommodation_unit_id);
      // Back to one room.
      site().updateBooking(multi.record.id, { reserved_accommodations: [roomOf(all[0])] });
      await h.syncAll(slug);
      expect((await roomsOf(h.db, tenantId(), multi.record.id)).map((r) => [r.position, r.unit])).toEqual([[0, all[0].record.id]]);
      await expectInvariants(h.db, tenantId());
    });

    let block;
    test('a calendar block lands in calendar_blocks, not in guest_reservations', async () => {
      const [unit] = units();
      block = site().createBooking({
        imported: true, customer: EMPTY_CUSTOMER, reserved_accommodations: [roomOf(unit)], total_price: 0,
        ical_summary: '"Airbnb (Not available)"', ical_description: '', ical_prodid: '"-//Airbnb Inc//Hosting Calendar 1.0//EN"',
      });
      const result = await h.syncAll(slug);
      expect(result.counts).toMatchObject({ created: 1, blocks: 1 });
      const stored = await storedBookingIds(h.db, tenantId());
      expect(stored.blocks).toContain(block.record.id);
      expect(stored.reservations).not.toContain(block.record.id);
    });

    test('a block that becomes a guest moves to guest_reservations without duplicates, and back', async () => {
      site().updateBooking(block.record.id, {
        customer: { first_name: 'María', last_name: 'López', email: 'maria@example.com', phone: '+57 311 555 0142' },
        ical_summary: '"Reserved"',
      });
      const result = await h.syncAll(slug);
      expect(result.counts).toMatchObject({ created: 0, updated: 1, blocks: 0 });
      let stored = await storedBookingIds(h.db, tenantId());
      expect(stored.reservations.filter((id) => id === block.record.id)).toHaveLength(1);
      expect(stored.blocks).not.toContain(block.record.id);
      expect(await reservationOf(h.db, tenantId(), block.record.id)).toMatchObject({ status: 'active', room_count: 1 });
      expect(await roomsOf(h.db, tenantId(), block.record.id)).toHaveLength(1);

      site().updateBooking(block.record.id, { customer: EMPTY_CUSTOMER, ical_summary: '"Airbnb (Not available)"' });
      await h.syncAll(slug);
      stored = await storedBookingIds(h.db, tenantId());
      expect(stored.reservations).not.toContain(block.record.id);
      expect(stored.blocks.filter((id) => id === block.record.id)).toHaveLength(1);
      const [{ n }] = await h.db.query('select count(*)::int as n from public.reservation_accommodations where tenant_id = $1 and external_booking_id = $2', [tenantId(), block.record.id]);
      expect(n).toBe(0);
      await expectInvariants(h.db, tenantId());
    });

    test('a block deleted upstream is marked, not deleted', async () => {
      site().deletePermanently('bookings', block.record.id);
      await h.syncAll(slug);
      const rows = await h.db.query('select status, upstream_gone_at from public.calendar_blocks where tenant_id = $1 and external_booking_id = $2', [tenantId(), block.record.id]);
      expect(rows).toHaveLength(1);
      expect(rows[0].status).toBe('inactive');
      expect(rows[0].upstream_gone_at).not.toBeNull();
    });

    test('rows the platform owns (guest_documents, staff_notes) survive an update of that reservation', async () => {
      const target = pick((r) => r.status === 'confirmed' && r.reserved_accommodations.length === 1);
      const documents = [{ kind: 'passport', file: 'scan-1.pdf' }];
      await h.db.query(`update public.guest_reservations set guest_documents = $3::text::jsonb, staff_notes = 'VIP — late arrival'
        where tenant_id = $1 and external_booking_id = $2`, [tenantId(), target.record.id, JSON.stringify(documents)]);
      const before = await reservationOf(h.db, tenantId(), target.record.id);
      const other = units().find((u) => u.record.id !== target.record.reserved_accommodations[0].accommodation);
      site().updateBooking(target.record.id, { check_out_date: '2027-01-05', customer: { phone: '+1 305 555 7788' }, reserved_accommodations: [roomOf(other)] });
      const result = await h.syncAll(slug);
      expect(result.counts).toMatchObject({ updated: 1 });
      const after = await reservationOf(h.db, tenantId(), target.record.id);
      expect(after.content_hash).not.toBe(before.content_hash);
      expect(after.guest_documents).toEqual(documents);
      expect(after.staff_notes).toBe('VIP — late arrival');
      const [dates] = await h.db.query(`select check_out_date::text as out, guest_phone, phone_last_4 from public.guest_reservations where id = $1`, [after.id]);
      expect(dates).toEqual({ out: '2027-01-05', guest_phone: '+1 305 555 7788', phone_last_4: '7788' });
      expect((await roomsOf(h.db, tenantId(), target.record.id)).map((r) => r.unit)).toEqual([other.record.id]);
      await expectInvariants(h.db, tenantId());
    });

    test('nothing is marked gone unless the pass completes: a failed run leaves the trashed booking as it was, the next run marks it', async () => {
      const target = pick((r) => r.status === 'confirmed' && r.reserved_accommodations.length === 1);
      site().trash('bookings', target.record.id);
      const before = await rowVersions(h.db);
      h.sim.setFaults('d:bookings:status=503');
      const events = [];
      try {
        await expect(h.syncAll(slug, { events })).rejects.toMatchObject({ code: 'motopress_error', message: expect.stringMatching(/tenant d\b/) });
      } finally {
        h.sim.setFaults('');
      }
      expect(events.at(-1)).toMatchObject({ type: 'error', code: 'motopress_error' });
      expect(await rowVersions(h.db)).toEqual(before);
      expect(await reservationOf(h.db, tenantId(), target.record.id)).toMatchObject({ status: 'active', upstream_gone_at: null });
      const [run] = await h.db.query(`select status, error_code, finished_at from public.sync_runs where tenant_id = $1 order by started_at desc limit 1`, [tenantId()]);
      expect(run).toMatchObject({ status: 'failed', error_code: 'motopress_error' });
      expect(run.finished_at).not.toBeNull();
      expect(await h.db.query('select 1 from public.sync_locks where tenant_id = $1', [tenantId()])).toEqual([]);

      const result = await h.syncAll(slug);
      expect(result.counts.gone).toBe(1);
      expect((await reservationOf(h.db, tenantId(), target.record.id)).status).toBe('inactive');
      await expectInvariants(h.db, tenantId());
    });

    test('an unknown MotoPress status is stored as inactive (not gone) with a warning, and mapped again when it is known', async () => {
      const target = pick((r) => r.status === 'confirmed' && r.reserved_accommodations.length === 1);
      // MotoPress add-ons can add statuses: rewrite this booking's status in the list responses.
      const rewriting = async (url, init) => {
        const response = await globalThis.fetch(url, init);
        if (!new URL(String(url)).pathname.endsWith('/bookings') || response.status !== 200) return response;
        const list = await response.json();
        for (const b of list) if (b.id === target.record.id) b.status = 'checked-in';
        const headers = new Headers(response.headers);
        headers.delete('content-length');
        return new Response(JSON.stringify(list), { status: 200, headers });
      };
      const events = [];
      await h.syncAll(slug, { events, clientOptions: { fetch: rewriting } });
      expect(await reservationOf(h.db, tenantId(), target.record.id)).toMatchObject({ status: 'inactive', mphb_status: 'checked-in', upstream_gone_at: null });
      expect(events.filter((e) => e.type === 'warning')).toEqual([expect.objectContaining({ code: 'unknown_status', message: expect.stringContaining('checked-in') })]);
      await expectInvariants(h.db, tenantId());
      await h.syncAll(slug);
      expect(await reservationOf(h.db, tenantId(), target.record.id)).toMatchObject({ status: 'active', mphb_status: 'confirmed' });
    });

    test('counts of an update run match what was written', async () => {
      const confirmed = site().list('bookings').filter((e) => e.meta.post_status === 'confirmed' && !e.record.imported);
      site().updateBooking(confirmed[0].record.id, { status: 'cancelled' });
      site().updateBooking(confirmed[1].record.id, { customer: { email: 'changed-upstream@example.com' }, check_in_time: '16:00:00' });
      site().createBooking({ status: 'pending-payment' });
      const { reservations, blocks } = expectedBookings(site());
      const before = await rowVersions(h.db);
      const result = await h.syncAll(slug);
      const after = await rowVersions(h.db);
      const beforeMap = new Map(before.map((r) => [r.k, r.v]));
      const written = after.filter((r) => r.k.startsWith('r') && beforeMap.get(r.k) !== r.v);
      expect(result.counts).toMatchObject({ created: 1, updated: 2, cancelled: 1, blocks: 0, placeholders: 0, gone: 0 });
      expect(written).toHaveLength(result.counts.created + result.counts.updated);
      // unchanged + written = every booking the pass returned
      expect(result.counts.created + result.counts.updated + result.counts.unchanged).toBe(reservations.size + blocks.size);
      const [run] = await h.db.query('select counts, warnings from public.sync_runs where id = $1', [result.runId]);
      expect(run.counts).toEqual(result.counts);
      expect(run.warnings).toHaveLength(result.counts.warnings);
    });
  });

  describe('two tenants with identical MotoPress ids (a=indo, b=indo)', () => {
    test('stay separate: different row ids, each tenant references only its own units', async () => {
      const [ra, rb] = [await h.syncAll('a'), await h.syncAll('b')];
      expect([ra.status, rb.status]).toEqual(['succeeded', 'succeeded']);
      const [ta, tb] = [h.tenant('a').tenant_id, h.tenant('b').tenant_id];
      const ids = async (table, tenantId) => (await h.db.query(`select id from ${table} where tenant_id = $1`, [tenantId])).map((r) => r.id);
      for (const table of ['hotels.accommodation_types', 'hotels.accommodation_units', 'public.guest_reservations', 'public.reservation_accommodations', 'public.calendar_blocks']) {
        const [x, y] = [await ids(table, ta), await ids(table, tb)];
        expect(x.length).toBeGreaterThan(0);
        expect(x.length).toBe(y.length);
        expect(x.filter((id) => y.includes(id))).toEqual([]);
      }
      const booked = async (tenantId) => (await h.db.query('select external_booking_id::int as b from public.guest_reservations where tenant_id = $1 order by 1', [tenantId])).map((r) => r.b);
      expect(await booked(ta)).toEqual(await booked(tb));
      expect(await i3Offenders(h.db)).toEqual([]);
      const crossing = await h.db.query(`select r.tenant_id, u.tenant_id as unit_tenant from public.guest_reservations r
        join hotels.accommodation_units u on u.id = r.accommodation_unit_id where r.tenant_id in ($1, $2) and u.tenant_id <> r.tenant_id`, [ta, tb]);
      expect(crossing).toEqual([]);
      const [{ n }] = await h.db.query(`select count(*)::int as n from public.reservation_accommodations j join hotels.accommodation_units u on u.id = j.accommodation_unit_id
        where j.tenant_id in ($1, $2) and u.tenant_id = j.tenant_id`, [ta, tb]);
      expect(n).toBeGreaterThan(0);
      expect(n).toBe((await ids('public.reservation_accommodations', ta)).length * 2);
    });

    test("an upstream change in one tenant's site leaves the other tenant's rows alone", async () => {
      const [ta, tb] = [h.tenant('a').tenant_id, h.tenant('b').tenant_id];
      const target = h.sim.site('a').list('bookings').find((e) => e.meta.post_status === 'confirmed' && !e.record.imported);
      h.sim.site('a').updateBooking(target.record.id, { status: 'cancelled' });
      const before = (await rowVersions(h.db));
      await h.syncAll('a');
      await h.syncAll('b');
      expect((await reservationOf(h.db, ta, target.record.id)).status).toBe('cancelled');
      expect((await reservationOf(h.db, tb, target.record.id)).status).toBe('active');
      const bIds = new Set((await h.db.query(`select 'r' || id::text as k from public.guest_reservations where tenant_id = $1
        union all select 'j' || id::text from public.reservation_accommodations where tenant_id = $1`, [tb])).map((r) => r.k));
      const after = new Map((await rowVersions(h.db)).map((r) => [r.k, r.v]));
      expect(before.filter((r) => bIds.has(r.k) && after.get(r.k) !== r.v)).toEqual([]);
    });
  });

  describe('two concurrent sync-all of one tenant (simmerdown as tenant c)', () => {
    test('exactly one succeeds, the other is refused with already_running naming the tenant; one run recorded; no duplicates', async () => {
      const tenantId = h.tenant('c').tenant_id;
      h.sim.setLatency(25);
      let settled;
      try {
        settled = await Promise.allSettled([h.syncAll('c'), h.syncAll('c')]);
      } finally {
        h.sim.setLatency(0);
      }
      const fulfilled = settled.filter((s) => s.status === 'fulfilled');
      const rejected = settled.filter((s) => s.status === 'rejected');
      expect(fulfilled).toHaveLength(1);
      expect(rejected).toHaveLength(1);
      expect(fulfilled[0].value.status).toBe('succeeded');
      const error = rejected[0].reason;
      expect(error).toBeInstanceOf(SyncError);
      expect(error.code).toBe('already_running');
      expect(error.message).toMatch(/tenant c\b/);

      const runs = await h.db.query('select status, finished_at from public.sync_runs where tenant_id = $1', [tenantId]);
      expect(runs).toHaveLength(1);
      expect(runs[0].status).toBe('succeeded');
      expect(runs[0].finished_at).not.toBeNull();
      expect(await h.db.query('select run_id from public.sync_locks where tenant_id = $1', [tenantId])).toEqual([]);

      const { reservations, blocks } = expectedBookings(h.sim.site('c'));
      const stored = await storedBookingIds(h.db, tenantId);
      expect(stored.reservations).toHaveLength(reservations.size);
      expect(stored.blocks).toHaveLength(blocks.size);
      await expectInvariants(h.db, tenantId);
    });

    test('once the first run has finished, the next one runs', async () => {
      const result = await h.syncAll('c');
      expect(result.status).toBe('succeeded');
      const runs = await h.db.query(`select status from public.sync_runs where tenant_id = $1 order by started_at`, [h.tenant('c').tenant_id]);
      expect(runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
    });
    test('a run that lost its lease to another run stops with lock_lost instead of writing on', async () => {
      const tenantId = h.tenant('c').tenant_id;
      const usurper = randomUUID();
      // The lease runs out (a slow page) and a second run of the tenant takes the lock, at page 2.
      const takeover = leaseTakeover(h.db, tenantId, usurper, { page: '2' });
      try {
        const outcome = await h.syncAll('c', { clientOptions: { fetch: takeover.fetch } }).then((r) => r, (e) => e);
        expect(takeover.tookOver).toBe(true);
        expect(takeover.taken).toHaveLength(1);
        expect(outcome).toBeInstanceOf(SyncError);
        expect(outcome.code).toBe('lock_lost');
        // A stage name, as SSE error events carry it. Nothing changed upstream since the last run, so no page
        // had anything to write (such a page opens no transaction): the run stops at its first write, its
        // end (the cursor and the run row, one statement fenced by the lease it releases), stage "done".
        expect(outcome.details.stage).toBe('done');
        const [run] = await h.db.query('select status, error_code from public.sync_runs where tenant_id = $1 order by started_at desc limit 1', [tenantId]);
        expect(run).toEqual({ status: 'failed', error_code: 'lock_lost' });
        // The usurper's lock is not released by the run that lost it.
        expect(await h.db.query('select run_id from public.sync_locks where tenant_id = $1', [tenantId])).toEqual([{ run_id: usurper }]);
      } finally {
        await releaseTenantLock(h.db, tenantId, usurper);
      }
    });
    test('a run left running by a crashed process is closed as interrupted when the next run takes the expired lock', async () => {
      const tenantId = h.tenant('c').tenant_id;
      const crashed = randomUUID();
      await h.db.query(`insert into public.sync_runs (id, tenant_id, kind, status, started_at) values ($1, $2, 'sync-all', 'running', now() - interval '2 hours')`, [crashed, tenantId]);
      await h.db.query(`insert into public.sync_locks (tenant_id, run_id, acquired_at, expires_at)
        values ($1, $2, now() - interval '2 hours', now() - interval '1 hour')`, [tenantId, crashed]);
      try {
        const result = await h.syncAll('c');
        expect(result.status).toBe('succeeded');
        const [run] = await h.db.query('select status, finished_at from public.sync_runs where id = $1', [crashed]);
        expect(['interrupted', 'failed']).toContain(run.status);
        expect(run.finished_at).not.toBeNull();
      } finally {
        await h.db.query('delete from public.sync_locks where tenant_id = $1 and run_id = $2', [tenantId, crashed]);
        await h.db.query(`delete from public.sync_runs where id = $1`, [crashed]);
      }
    });
  });

  describe('at the end', () => {
    test('every tenant still holds I1–I7 (own SQL and the monitor)', async () => {
      for (const slug of ['indo', 'a', 'b', 'c', 'd']) await expectInvariants(h.db, h.tenant(slug).tenant_id);
      const report = await checkInvariants(h.db);
      expect(report.tenants.filter((t) => !t.ok).map((t) => ({ slug: t.slug, failing: t.invariants.filter((i) => !i.ok) }))).toEqual([]);
      expect(report.tenants).toHaveLength(5);
      expect(await i3Offenders(h.db)).toEqual([]);
    });
  });
});

afterAll(() => closeTemplates());
