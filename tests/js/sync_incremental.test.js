// The incremental re-sync (issue 11, SPEC §6 B2). One simulator hotel is registered as two tenants: "inc"
// syncs the product's way (a full first run, then incremental passes), "full" makes a full pass every
// time. Between runs random upstream edits happen (new bookings, status changes, cancellations, guest
// edits, trash and restore); after every run both tenants must hold the same bookings, statuses, guests
// and rooms. Bookings deleted for good are only seen by a full pass (every MPHB_FULL_PASS_EVERY-th run):
// that is checked on its own below. Real parts throughout: simulator, database, WASM core, client.
import { jest } from '@jest/globals';

import { createSyncHarness } from './support/sync_harness.js';
import { closeTemplates, databaseKinds } from './support/test_databases.js';
import { mulberry32 } from './support/seeded_random.js';

jest.setTimeout(240_000);
afterAll(() => closeTemplates());

async function control(h, method, path, body) {
  const response = await fetch(`${h.sim.url}/_control/${path}`, {
    method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

// What a guest's chat depends on, per booking: never the run-dependent columns (ids, times, hashes).
async function bookingsOf(db, tenantId) {
  const reservations = await db.query(`select r.external_booking_id::bigint as id, r.status, r.upstream_gone_at is not null as gone,
      r.check_in_date::text as check_in, r.check_out_date::text as check_out, r.guest_name, r.phone_last_4,
      coalesce((select string_agg(u.mphb_accommodation_id::text, ',' order by ra.position) from public.reservation_accommodations ra
        join hotels.accommodation_units u on u.id = ra.accommodation_unit_id where ra.reservation_id = r.id), '') as rooms
    from public.guest_reservations r where r.tenant_id = $1 order by 1`, [tenantId]);
  const blocks = await db.query(`select external_booking_id::bigint as id, upstream_gone_at is not null as gone, start_date::text as start_date, end_date::text as end_date,
      count(*)::int as rows from public.calendar_blocks where tenant_id = $1 group by 1, 2, 3, 4 order by 1, 3`, [tenantId]);
  return { reservations: reservations.map((r) => ({ ...r, id: Number(r.id) })), blocks: blocks.map((b) => ({ ...b, id: Number(b.id) })) };
}

// Trashed and gone bookings: the full pass never lists them, so a tenant that never saw one has no row for
// it; compare the bookings both hold, and require every booking the full tenant holds as live to be live
// and equal in the incremental one.
function live(list) {
  return list.filter((r) => !r.gone);
}

describe.each(databaseKinds())('incremental re-sync on %s', (kind) => {
  let h;
  const hotel = 'testhotel';
  beforeAll(async () => {
    h = await createSyncHarness(kind, { hotels: hotel, seed: 11 });
    await h.addTenant(hotel, { slug: 'inc' });
    await h.addTenant(hotel, { slug: 'full' });
  });
  afterAll(() => h?.close());

  const ids = async () => (await h.db.query(`select external_booking_id::bigint as id from public.guest_reservations where tenant_id = $1
      union select external_booking_id from public.calendar_blocks where tenant_id = $1`, [h.tenant('full').tenant_id])).map((r) => Number(r.id));

  test('the first run is full; a re-sync with nothing changed is incremental: 3 requests, nothing written', async () => {
    const first = await h.syncAll('inc', { pass: 'auto' });
    expect(first.counts.pass).toBe('full');
    expect(first.stats.pass).toMatchObject({ kind: 'full', reason: 'no_cursor' });
    await h.syncAll('full');
    const second = await h.syncAll('inc', { pass: 'auto' });
    expect(second.counts).toMatchObject({ pass: 'incremental', requests: 3, created: 0, updated: 0, cancelled: 0, gone: 0, blocks: 0 });
    expect(second.stats.pass).toMatchObject({ kind: 'incremental', filters: 'working' });
    expect(Object.keys(second.stats.stages)).toEqual(['accommodations', 'reservations', 'reconcile']);
    const [run] = await h.db.query('select stats, counts from public.sync_runs where id = $1', [second.runId]);
    expect(run.stats.stages.reservations.requests).toBe(1);
    expect(run.counts.pass).toBe('incremental');
  });

  test.each([1, 2, 3])('random upstream edits between runs (seed %i): incremental runs only keep the database equal to full passes', async (seed) => {
    const random = mulberry32(seed);
    const pick = (list) => list[Math.floor(random() * list.length)];
    const trashed = new Set();
    for (let round = 0; round < 4; round += 1) {
      const known = (await ids()).filter((id) => !trashed.has(id));
      const edits = 1 + Math.floor(random() * 5);
      for (let e = 0; e < edits; e += 1) {
        const action = pick(['create', 'status', 'cancel', 'guest', 'trash', 'restore']);
        const id = pick(known);
        if (action === 'create') {
          const created = await control(h, 'POST', `${hotel}/bookings`, { status: pick(['confirmed', 'pending', 'confirmed']) });
          known.push(created.id);
        } else if (action === 'status' && id) {
          await control(h, 'PATCH', `${hotel}/bookings/${id}`, { status: pick(['confirmed', 'pending', 'abandoned']) });
        } else if (action === 'cancel' && id) {
          await control(h, 'POST', `${hotel}/bookings/${id}/cancel`);
        } else if (action === 'guest' && id) {
          await control(h, 'PATCH', `${hotel}/bookings/${id}`, { customer: { last_name: `Edited${round}${e}`, phone: `+34 600 000 ${String(1000 + e).slice(-3)}${round}` } });
        } else if (action === 'trash' && id) {
          await control(h, 'POST', `${hotel}/bookings/${id}/trash`);
          trashed.add(id);
        } else if (action === 'restore' && trashed.size > 0) {
          const back = pick([...trashed]);
          await control(h, 'POST', `${hotel}/bookings/${back}/restore`);
          trashed.delete(back);
        }
      }
      const inc = await h.syncAll('inc', { pass: 'auto' });
      expect(inc.counts.pass).toBe('incremental');
      await h.syncAll('full');
      const a = await bookingsOf(h.db, h.tenant('inc').tenant_id);
      const b = await bookingsOf(h.db, h.tenant('full').tenant_id);
      expect(live(a.reservations)).toEqual(live(b.reservations));
      expect(live(a.blocks)).toEqual(live(b.blocks));
      // A booking the full pass marked gone (trashed) is gone in the incremental tenant too.
      const goneInFull = new Set(b.reservations.filter((r) => r.gone).map((r) => r.id));
      for (const r of a.reservations) if (goneInFull.has(r.id)) expect(r.gone).toBe(true);
    }
  });

  test('a booking deleted for good is only marked gone by a full pass (--full, or every N-th run)', async () => {
    const victim = (await h.db.query(`select external_booking_id::bigint as id from public.guest_reservations where tenant_id = $1 and upstream_gone_at is null
      order by 1 limit 1`, [h.tenant('inc').tenant_id]))[0].id;
    await control(h, 'DELETE', `${hotel}/bookings/${victim}`);
    const incremental = await h.syncAll('inc', { pass: 'auto' });
    expect(incremental.counts).toMatchObject({ pass: 'incremental', gone: 0 });
    const full = await h.syncAll('inc', { pass: 'full' });
    expect(full.counts).toMatchObject({ pass: 'full', gone: 1 });
    const [row] = await h.db.query('select upstream_gone_at is not null as gone from public.guest_reservations where tenant_id = $1 and external_booking_id = $2', [h.tenant('inc').tenant_id, victim]);
    expect(row.gone).toBe(true);
    // After a complete full pass the next run is incremental again.
    expect((await h.syncAll('inc', { pass: 'auto' })).counts.pass).toBe('incremental');
  });

  test('a key whose user cannot edit bookings: the probe is refused (403), every run is full, one warning per run', async () => {
    await control(h, 'PUT', `${hotel}/settings`, { can_edit_bookings: false });
    try {
      await h.addTenant(hotel, { slug: 'readonly' });
      await h.syncAll('readonly', { pass: 'auto' });
      const second = await h.syncAll('readonly', { pass: 'auto' });
      expect(second.counts.pass).toBe('full');
      expect(second.stats.pass).toMatchObject({ reason: 'filters_refused', filters: 'refused' });
      expect(second.warnings.filter((w) => w.code === 'incremental_unavailable')).toHaveLength(1);
      expect(second.warnings[0].tenant_id).toBe(h.tenant('readonly').tenant_id);
    } finally {
      await control(h, 'PUT', `${hotel}/settings`, { can_edit_bookings: true });
    }
  });
});
