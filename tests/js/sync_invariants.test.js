// SPEC §2 invariants I1–I7 after Sync All of every simulator profile, checked with SQL written from the
// SPEC (tests/js/support/invariant_sql.js) and against the simulator's own booking data — not through
// the monitor, which is only asked to agree. Then the database's own guards: the deferred I1/I2 triggers
// refuse commits that break a reservation's rooms, and the monitor names a break it is shown.
import { jest } from '@jest/globals';

import { checkInvariants } from '../../host/monitor/invariant_checks.js';
import {
  expectedBookings, i1Offenders, i2Offenders, i3Offenders, i4Offenders, i7Offenders, inRolledBackTransaction, junctionRooms,
  mappedStatus, rowVersions, storedBookingIds,
} from './support/invariant_sql.js';
import { closeTemplates, databaseKinds } from './support/test_databases.js';
import { createSyncHarness } from './support/sync_harness.js';

jest.setTimeout(120000);

const HOTELS = ['indo', 'simmerdown', 'testhotel', 'airbnb-heavy', 'large'];
const SIM_HOTELS = 'indo,simmerdown,testhotel,airbnb-heavy,large:1500';

describe.each(databaseKinds())('invariants after sync-all of every profile on %s', (kind) => {
  let h;
  const results = new Map();
  const tenantOf = (hotel) => h.tenant(hotel).tenant_id;

  beforeAll(async () => {
    h = await createSyncHarness(kind, { hotels: SIM_HOTELS });
    for (const hotel of HOTELS) await h.addTenant(hotel);
    for (const hotel of HOTELS) results.set(hotel, await h.syncAll(hotel));
  });
  afterAll(() => h?.close());

  test('every sync succeeded', () => {
    for (const hotel of HOTELS) expect([hotel, results.get(hotel).status]).toEqual([hotel, 'succeeded']);
  });

  test.each(HOTELS)('I1 no-null-unit: %s — every reservation with rooms has the unit of its position-0 junction row', async (hotel) => {
    expect(await i1Offenders(h.db, tenantOf(hotel))).toEqual([]);
    const [{ n }] = await h.db.query('select count(*)::int as n from public.guest_reservations where tenant_id = $1 and room_count > 0', [tenantOf(hotel)]);
    expect(n).toBeGreaterThan(0);
  });

  test.each(HOTELS)('I2 junction-complete: %s — one junction row per reserved room of the MotoPress booking, same tenant', async (hotel) => {
    const tenantId = tenantOf(hotel);
    expect(await i2Offenders(h.db, tenantId)).toEqual([]);
    const { reservations } = expectedBookings(h.sim.site(hotel));
    const stored = await junctionRooms(h.db, tenantId);
    const counts = new Map((await h.db.query('select external_booking_id::int as b, room_count from public.guest_reservations where tenant_id = $1', [tenantId]))
      .map((r) => [r.b, r.room_count]));
    const mismatches = [];
    for (const [id, record] of reservations) {
      const want = record.reserved_accommodations.map((r, i) => ({ position: i, unit: r.accommodation, unit_of_row: r.accommodation, same_tenant: true }));
      const got = (stored.get(id) ?? []).map(({ position, unit, unit_of_row, same_tenant }) => ({ position, unit, unit_of_row, same_tenant }));
      if (JSON.stringify(got) !== JSON.stringify(want) || counts.get(id) !== want.length) mismatches.push({ booking: id, want, got, room_count: counts.get(id) });
    }
    expect(mismatches).toEqual([]);
    // Multi-room bookings are among them (simmerdown, testhotel and large have 2-, 3- and 8-room bookings).
    if (hotel !== 'indo' && hotel !== 'airbnb-heavy') expect([...stored.values()].some((rooms) => rooms.length > 1)).toBe(true);
  });

  test('I3 tenant-closed: no row of any table references a row of another tenant', async () => {
    expect(await i3Offenders(h.db)).toEqual([]);
    const [{ n }] = await h.db.query('select count(distinct tenant_id)::int as n from public.guest_reservations');
    expect(n).toBe(HOTELS.length);
  });

  test.each(HOTELS)('I4 one-row-per-booking: %s — reservations and blocks are exactly the non-trashed MotoPress bookings, once', async (hotel) => {
    const tenantId = tenantOf(hotel);
    expect(await i4Offenders(h.db, tenantId)).toEqual([]);
    const { reservations, blocks } = expectedBookings(h.sim.site(hotel));
    const stored = await storedBookingIds(h.db, tenantId);
    expect(stored.reservations).toEqual([...reservations.keys()].sort((a, b) => a - b));
    expect(stored.blocks).toEqual([...blocks.keys()].sort((a, b) => a - b));
    // One unit row per published MotoPress accommodation, one type row per type.
    const units = (await h.db.query('select mphb_accommodation_id::int as id from hotels.accommodation_units where tenant_id = $1', [tenantId])).map((r) => r.id);
    const published = h.sim.site(hotel).list('accommodations').filter((e) => e.meta.post_status !== 'trash').map((e) => e.record.id);
    expect(units).toEqual(expect.arrayContaining(published));
    expect(new Set(units).size).toBe(units.length);
  });

  test.each(HOTELS)('I5 status-true: %s — stored status is the §4 mapping of the current MotoPress status', async (hotel) => {
    const tenantId = tenantOf(hotel);
    const { reservations, blocks } = expectedBookings(h.sim.site(hotel));
    const rows = await h.db.query('select external_booking_id::int as b, status, mphb_status, upstream_gone_at from public.guest_reservations where tenant_id = $1', [tenantId]);
    const wrong = rows.filter((r) => {
      const record = reservations.get(r.b);
      return !record || r.status !== mappedStatus(record.status) || r.mphb_status !== record.status || r.upstream_gone_at !== null;
    }).map((r) => ({ ...r, upstream: reservations.get(r.b)?.status }));
    expect(wrong).toEqual([]);
    const blockRows = await h.db.query('select external_booking_id::int as b, status, mphb_status from public.calendar_blocks where tenant_id = $1', [tenantId]);
    expect(blockRows.filter((r) => r.mphb_status !== blocks.get(r.b)?.status || r.status !== mappedStatus(r.mphb_status))).toEqual([]);
    // Every status the profile uses is represented and mapped (simmerdown and testhotel have them all).
    if (hotel === 'simmerdown' || hotel === 'testhotel') {
      expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['active', 'pending_admin', 'pending', 'pending_payment', 'cancelled']));
    }
  });

  test.each(HOTELS)('I6 blocks-are-not-guests: %s — imported, empty customer, "Not available" summary → calendar_blocks only', async (hotel) => {
    const tenantId = tenantOf(hotel);
    const { blocks } = expectedBookings(h.sim.site(hotel));
    if (hotel === 'airbnb-heavy') expect(blocks.size).toBeGreaterThanOrEqual(100);
    else expect(blocks.size).toBeGreaterThan(0);
    const ids = [...blocks.keys()];
    const leaked = await h.db.query('select external_booking_id::int as b from public.guest_reservations where tenant_id = $1 and external_booking_id = any($2::bigint[])', [tenantId, ids]);
    expect(leaked).toEqual([]);
    // A block is stored once per room, positions 0..n-1, each on the room's unit.
    const rows = await h.db.query(`select b.external_booking_id::int as b, b.position, b.mphb_accommodation_id::int as unit, u.mphb_accommodation_id::int as unit_of_row
      from public.calendar_blocks b join hotels.accommodation_units u on u.id = b.accommodation_unit_id
      where b.tenant_id = $1 order by 1, 2`, [tenantId]);
    const got = new Map();
    for (const r of rows) got.set(r.b, [...(got.get(r.b) ?? []), [r.position, r.unit, r.unit_of_row]]);
    for (const [id, record] of blocks) {
      expect([id, got.get(id)]).toEqual([id, record.reserved_accommodations.map((room, i) => [i, room.accommodation, room.accommodation])]);
    }
    // No stored guest can log in without guest data: no active ical reservation is empty of guest data.
    const loginless = await h.db.query(`select id from public.guest_reservations where tenant_id = $1 and booking_source = 'ical' and status = 'active'
      and guest_name is null and guest_email is null and guest_phone is null and phone_last_4 is null and reservation_code is null`, [tenantId]);
    expect(loginless).toEqual([]);
  });

  test.each(HOTELS)('I7 atomic-booking: %s — no reservation without its rooms, no rooms without their reservation', async (hotel) => {
    expect(await i7Offenders(h.db, tenantOf(hotel))).toEqual([]);
  });

  test('the monitor agrees: every tenant ok, every invariant by name', async () => {
    const report = await checkInvariants(h.db);
    expect(report.tenants.map((t) => t.slug).sort()).toEqual([...HOTELS].sort());
    for (const t of report.tenants) {
      expect({ slug: t.slug, failing: t.invariants.filter((i) => !i.ok) }).toEqual({ slug: t.slug, failing: [] });
      expect(t.invariants.map((i) => i.name)).toEqual(['I1 no-null-unit', 'I2 junction-complete', 'I3 tenant-closed',
        'I4 one-row-per-booking', 'I5 status-true', 'I6 blocks-are-not-guests', 'I7 atomic-booking']);
      expect(t.last_success_at).not.toBeNull();
    }
    expect(report.ok).toBe(true);
  });

  describe('the database refuses what would break I1/I2 (deferred triggers, checked at commit)', () => {
    let multi; // a multi-room reservation of simmerdown
    beforeAll(async () => {
      [multi] = await h.db.query(`select r.id, r.accommodation_unit_id, r.room_count from public.guest_reservations r
        where r.tenant_id = $1 and r.room_count >= 2 order by r.external_booking_id limit 1`, [tenantOf('simmerdown')]);
    });
    const junction = () => h.db.query('select id, position, accommodation_unit_id from public.reservation_accommodations where reservation_id = $1 order by position', [multi.id]);

    test('deleting a junction row fails at commit with the I2 message, and nothing changes', async () => {
      const before = await junction();
      let deleted = false;
      await expect(h.db.transaction(async (tx) => {
        const rows = await tx.query('delete from public.reservation_accommodations where id = $1 returning id', [before[before.length - 1].id]);
        deleted = rows.length === 1; // the statement itself succeeds: the check is deferred to commit
      })).rejects.toThrow(/I2 junction-complete/);
      expect(deleted).toBe(true);
      expect(await junction()).toEqual(before);
    });

    test('with constraints set immediate, the delete itself fails with the I2 message', async () => {
      await expect(h.db.transaction(async (tx) => {
        await tx.query('set constraints all immediate');
        await tx.query('delete from public.reservation_accommodations where reservation_id = $1 and position = 0', [multi.id]);
      })).rejects.toThrow(/I2 junction-complete/);
    });

    test('pointing accommodation_unit_id at another unit fails at commit with the I1 message', async () => {
      const rooms = await junction();
      const other = rooms.find((r) => r.accommodation_unit_id !== multi.accommodation_unit_id)
        ?? (await h.db.query('select id as accommodation_unit_id from hotels.accommodation_units where tenant_id = $1 and id <> $2 limit 1', [tenantOf('simmerdown'), multi.accommodation_unit_id]))[0];
      await expect(h.db.transaction(async (tx) => {
        await tx.query('update public.guest_reservations set accommodation_unit_id = $2 where id = $1', [multi.id, other.accommodation_unit_id]);
      })).rejects.toThrow(/I1 no-null-unit/);
      const [row] = await h.db.query('select accommodation_unit_id from public.guest_reservations where id = $1', [multi.id]);
      expect(row.accommodation_unit_id).toBe(multi.accommodation_unit_id);
    });

    test('nulling accommodation_unit_id of a reservation with rooms is refused (already by a check constraint)', async () => {
      await expect(h.db.transaction(async (tx) => {
        await tx.query('update public.guest_reservations set accommodation_unit_id = null where id = $1', [multi.id]);
      })).rejects.toThrow(/check constraint|I1 no-null-unit/);
      const [row] = await h.db.query('select accommodation_unit_id from public.guest_reservations where id = $1', [multi.id]);
      expect(row.accommodation_unit_id).toBe(multi.accommodation_unit_id);
    });

    test('adding a junction row beyond room_count fails at commit with the I2 message', async () => {
      const [first] = await junction();
      await expect(h.db.transaction(async (tx) => {
        await tx.query(`insert into public.reservation_accommodations (id, tenant_id, reservation_id, external_booking_id, position, accommodation_unit_id, mphb_accommodation_id)
          select gen_random_uuid(), tenant_id, reservation_id, external_booking_id, $2, accommodation_unit_id, mphb_accommodation_id
          from public.reservation_accommodations where id = $1`, [first.id, multi.room_count]);
      })).rejects.toThrow(/I2 junction-complete/);
    });
  });

  describe('the monitor names a break it is shown (triggers bypassed inside a rolled-back transaction)', () => {
    const failing = (report, slug) => Object.fromEntries(report.tenants.find((t) => t.slug === slug).invariants
      .filter((i) => !i.ok).map((i) => [i.name, i.samples]));

    test('a deleted junction row → I2 junction-complete (and I1, I7 when it was the only room), with the reservation id', async () => {
      const tenantId = tenantOf('testhotel');
      const [victim] = await h.db.query(`select r.id from public.guest_reservations r where r.tenant_id = $1 and r.room_count = 1
        order by r.external_booking_id limit 1`, [tenantId]);
      const report = await inRolledBackTransaction(h.db, async (tx) => {
        await tx.query('set local session_replication_role = replica'); // no triggers fire: the break can be looked at
        await tx.query('delete from public.reservation_accommodations where reservation_id = $1', [victim.id]);
        expect(await i2Offenders(tx, tenantId)).toEqual([expect.objectContaining({ id: victim.id })]);
        expect(await i7Offenders(tx, tenantId)).toEqual([expect.objectContaining({ id: victim.id })]);
        return checkInvariants(tx, tenantId);
      });
      expect(report.ok).toBe(false);
      const f = failing(report, 'testhotel');
      expect(f['I2 junction-complete']).toContain(victim.id);
      expect(f['I1 no-null-unit']).toContain(victim.id);
      expect(f['I7 atomic-booking']).toContain(victim.id);
      expect((await checkInvariants(h.db, tenantId)).ok).toBe(true); // rolled back
    });

    test('a reservation pointing at another unit → I1 no-null-unit with its id', async () => {
      const tenantId = tenantOf('testhotel');
      const [victim] = await h.db.query(`select r.id, r.accommodation_unit_id from public.guest_reservations r where r.tenant_id = $1 and r.room_count = 1
        order by r.external_booking_id desc limit 1`, [tenantId]);
      const [other] = await h.db.query('select id from hotels.accommodation_units where tenant_id = $1 and id <> $2 limit 1', [tenantId, victim.accommodation_unit_id]);
      const report = await inRolledBackTransaction(h.db, async (tx) => {
        await tx.query('set local session_replication_role = replica');
        await tx.query('update public.guest_reservations set accommodation_unit_id = $2 where id = $1', [victim.id, other.id]);
        expect(await i1Offenders(tx, tenantId)).toEqual([expect.objectContaining({ id: victim.id })]);
        return checkInvariants(tx, tenantId);
      });
      expect(failing(report, 'testhotel')).toEqual({ 'I1 no-null-unit': [victim.id] });
    });

    test("a junction row on another tenant's unit → I3 tenant-closed (and I2) with its id", async () => {
      const tenantId = tenantOf('indo');
      const [row] = await h.db.query(`select j.id, j.reservation_id from public.reservation_accommodations j
        where j.tenant_id = $1 and j.position > 0 limit 1`, [tenantOf('simmerdown')]);
      const [foreign] = await h.db.query('select id from hotels.accommodation_units where tenant_id = $1 limit 1', [tenantId]);
      const report = await inRolledBackTransaction(h.db, async (tx) => {
        await tx.query('set local session_replication_role = replica');
        await tx.query('update public.reservation_accommodations set accommodation_unit_id = $2 where id = $1', [row.id, foreign.id]);
        expect(await i3Offenders(tx)).toEqual([expect.objectContaining({ id: row.id })]);
        return checkInvariants(tx);
      });
      const f = failing(report, 'simmerdown');
      expect(f['I3 tenant-closed']).toContain(row.id);
      expect(f['I2 junction-complete']).toContain(row.reservation_id);
      expect(report.tenants.filter((t) => !t.ok).map((t) => t.slug)).toEqual(['simmerdown']);
    });

    test('a wrong status → I5 status-true with its id', async () => {
      const tenantId = tenantOf('simmerdown');
      const [victim] = await h.db.query(`select id from public.guest_reservations where tenant_id = $1 and mphb_status = 'cancelled' limit 1`, [tenantId]);
      const report = await inRolledBackTransaction(h.db, async (tx) => {
        await tx.query(`update public.guest_reservations set status = 'active' where id = $1`, [victim.id]);
        return checkInvariants(tx, tenantId);
      });
      expect(failing(report, 'simmerdown')).toEqual({ 'I5 status-true': [victim.id] });
    });
  });

  describe('re-sync', () => {
    test('I4: a re-sync of every tenant with no upstream change writes no row (xmin of every row unchanged)', async () => {
      const before = await rowVersions(h.db);
      expect(before.length).toBeGreaterThan(1500);
      for (const hotel of HOTELS) {
        const again = await h.syncAll(hotel);
        expect([hotel, again.counts]).toEqual([hotel, expect.objectContaining({
          created: 0, updated: 0, blocks: 0, gone: 0, placeholders: 0,
          types_created: 0, types_updated: 0, types_deactivated: 0, units_created: 0, units_updated: 0, units_deactivated: 0,
        })]);
      }
      expect(await rowVersions(h.db)).toEqual(before);
      const runs = await h.db.query(`select t.slug, count(*)::int as n from public.sync_runs s join public.tenant_registry t using (tenant_id)
        where s.status = 'succeeded' group by t.slug order by t.slug`);
      expect(runs).toEqual([...HOTELS].sort().map((slug) => ({ slug, n: 2 })));
    });
  });
});

afterAll(() => closeTemplates());
