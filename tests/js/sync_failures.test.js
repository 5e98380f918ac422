// Sync All when things go wrong (SPEC §3, §7, invariants I2/I5/I7): the accommodations stage failing,
// MotoPress failing in the middle of the reservations stage (5xx, malformed and truncated pages, 401),
// the database failing in the middle of a page, and bookings the core cannot map. Each case checks what
// was written (whole pages or nothing), how the run is recorded, that the lock is released, and that the
// next run completes the work.
import { randomUUID } from 'node:crypto';

import { jest } from '@jest/globals';

import { SyncError } from '../../host/sync/sync_errors.js';
import { closeTemplates, databaseKinds } from './support/test_databases.js';
import { createSyncHarness } from './support/sync_harness.js';

jest.setTimeout(120000);

const PER_PAGE = 100; // the client's page size
const TABLES = ['hotels.accommodation_types', 'hotels.accommodation_units', 'public.guest_reservations', 'public.reservation_accommodations', 'public.calendar_blocks'];

async function rowCounts(db, tenantId) {
  const out = {};
  for (const table of TABLES) {
    const [{ n }] = await db.query(`select count(*)::int as n from ${table} where tenant_id = $1`, [tenantId]);
    out[table] = n;
  }
  return out;
}

/** Every row of every synced table, minus the times that differ between runs (created/updated, first noticed). */
async function snapshot(db, tenantId) {
  const out = {};
  for (const table of TABLES) {
    const rows = await db.query(`select ((to_jsonb(t) - 'created_at' - 'updated_at' - 'placeholder_since' - 'upstream_gone_at')
        || jsonb_build_object('gone', (to_jsonb(t) ->> 'upstream_gone_at') is not null,
                              'placeholder_noted', (to_jsonb(t) ->> 'placeholder_since') is not null))::text as j
      from ${table} t where tenant_id = $1 order by id`, [tenantId]);
    out[table] = rows.map((r) => JSON.parse(r.j));
  }
  return out;
}

/** MotoPress booking ids present in the database (guest reservations and calendar blocks). */
async function storedBookingIds(db, tenantId) {
  const rows = await db.query(`select external_booking_id::text as id from public.guest_reservations where tenant_id = $1
    union select external_booking_id::text from public.calendar_blocks where tenant_id = $1`, [tenantId]);
  return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
}

/** Reservations that do not hold exactly their rooms (I1/I2), checked independently of the triggers. */
async function incompleteReservations(db, tenantId) {
  return db.query(`select r.external_booking_id::text as booking, r.room_count, count(j.id)::int as rooms
      from public.guest_reservations r
      left join public.reservation_accommodations j on j.reservation_id = r.id and j.tenant_id = r.tenant_id
     where r.tenant_id = $1
     group by r.id, r.external_booking_id, r.room_count, r.accommodation_unit_id
    having count(j.id) <> r.room_count
        or count(distinct j.position) <> r.room_count
        or coalesce(max(j.position), -1) <> r.room_count - 1
        or (r.room_count > 0 and r.accommodation_unit_id is distinct from (array_agg(j.accommodation_unit_id order by j.position))[1])
        or bool_or(j.accommodation_unit_id is null)`, [tenantId]);
}

async function goneCount(db, tenantId) {
  const [{ n }] = await db.query(`select (select count(*) from public.guest_reservations where tenant_id = $1 and upstream_gone_at is not null)
    + (select count(*) from public.calendar_blocks where tenant_id = $1 and upstream_gone_at is not null) as n`, [tenantId]);
  return Number(n);
}

async function runs(db, tenantId) {
  return db.query(`select status, kind, error_code, error_message, finished_at is not null as finished
    from public.sync_runs where tenant_id = $1 order by started_at, finished_at`, [tenantId]);
}

async function lockRows(db, tenantId) {
  return db.query('select run_id from public.sync_locks where tenant_id = $1', [tenantId]);
}

async function rowVersions(db) {
  return db.query(`select 'r' || id::text as k, xmin::text as v from public.guest_reservations
    union all select 'j' || id::text, xmin::text from public.reservation_accommodations
    union all select 'u' || id::text, xmin::text from hotels.accommodation_units
    union all select 't' || id::text, xmin::text from hotels.accommodation_types
    union all select 'b' || id::text, xmin::text from public.calendar_blocks order by 1`);
}

/** The booking ids of each page as the API serves them now (a pass of our own, before any fault is set). */
async function bookingPages(h, slug) {
  const pages = [];
  await h.client(slug).getCollection('bookings', { onPage: ({ page, records }) => { pages[page - 1] = records.map((r) => r.id); } });
  return pages;
}

/** Pages of the reservations stage that were written, from the progress events. */
function pagesWritten(events) {
  return events.filter((e) => e.type === 'progress' && e.stage === 'reservations' && e.current > 0).map((e) => e.current);
}

async function syncFailure(h, slug, options) {
  const error = await h.syncAll(slug, options).then(
    (result) => { throw new Error(`expected the sync to fail, it ${result.status}`); },
    (e) => e,
  );
  expect(error).toBeInstanceOf(SyncError);
  return error;
}

describe.each(databaseKinds())('sync-all failures on %s', (kind) => {
  const harnesses = [];
  const harness = async (simOptions) => {
    const h = await createSyncHarness(kind, simOptions);
    harnesses.push(h);
    return h;
  };
  afterEach(async () => {
    await Promise.all(harnesses.splice(0).map((h) => h.close()));
  });

  test('the accommodations stage failing (503, retries exhausted) stops the sync before any reservation, records the run, releases the lock', async () => {
    const h = await harness({ hotels: 'indo', seed: 1 });
    const { tenant_id: tenantId } = await h.addTenant('indo');
    h.sim.setFaults('indo:accommodations:status=503');
    const events = [];
    const error = await syncFailure(h, 'indo', { events });

    expect(error.code).toBe('accommodations_failed');
    expect(error.message).toContain('indo');
    expect(error.details.stage).toBe('accommodations');
    // Every /accommodations request was answered 503: the first attempt and both retries. Booking pages may
    // have been fetched alongside (the bookings pass begins with stage 1), but none was planned or written.
    const log = h.sim.log();
    expect(log.filter((e) => e.path.endsWith('/wp-json/mphb/v1/accommodations') && e.fault === 'status')).toHaveLength(3);

    expect(await rowCounts(h.db, tenantId)).toEqual(Object.fromEntries(TABLES.map((t) => [t, 0])));
    expect(await runs(h.db, tenantId)).toEqual([
      { status: 'failed', kind: 'sync-all', error_code: 'accommodations_failed', error_message: expect.stringContaining('indo'), finished: true },
    ]);
    expect(await lockRows(h.db, tenantId)).toEqual([]);

    // The event stream ends with one error event carrying the code; the reservations stage never started.
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'accommodations_failed' });
    expect(events.filter((e) => e.type === 'error')).toHaveLength(1);
    expect(events.filter((e) => e.stage === 'reservations' || e.stage === 'reconcile')).toEqual([]);
    expect(events.filter((e) => e.type === 'complete')).toEqual([]);

    // The lock was released: once the fault is gone the next sync runs and completes.
    h.sim.setFaults('');
    const ok = await h.syncAll('indo');
    expect(ok.status).toBe('succeeded');
    const counts = await rowCounts(h.db, tenantId);
    expect(counts['public.guest_reservations']).toBeGreaterThan(0);
    expect(counts['hotels.accommodation_units']).toBeGreaterThan(0);
    expect(await incompleteReservations(h.db, tenantId)).toEqual([]);
    expect((await runs(h.db, tenantId)).map((r) => r.status)).toEqual(['failed', 'succeeded']);
    expect(await lockRows(h.db, tenantId)).toEqual([]);
  });

  test('when one accommodations list fails, the other stops too: no request of the run reaches the site after it ended', async () => {
    const h = await harness({ hotels: 'indo', seed: 1 });
    await h.addTenant('indo');
    // Types fail after one quick retry; accommodations are asked to wait 3 s before their retry (429 with
    // Retry-After), with the client's real sleep: without stopping it, its retry would come after the run.
    h.sim.setFaults('indo:accommodation_types:status=500,indo:accommodations:rate-limit=3');
    const sleep = (ms, signal) => new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => { clearTimeout(timer); reject(signal.reason); }, { once: true });
    });
    const error = await h.syncAll('indo', { clientOptions: { sleep, retries: 1, backoffMs: 50 } }).catch((e) => e);
    const ended = Date.now();
    expect(error).toBeInstanceOf(SyncError);
    expect(error.code).toBe('accommodations_failed');
    await new Promise((resolve) => { setTimeout(resolve, 4000); });
    const accommodations = h.sim.log().filter((e) => e.path.endsWith('/wp-json/mphb/v1/accommodations'));
    expect(accommodations.length).toBeGreaterThanOrEqual(1);
    expect(accommodations.filter((e) => e.at > ended)).toEqual([]);
    h.sim.setFaults('');
  });

  test('a 503 from the 5th bookings request on fails the pass: only whole pages written, nothing marked gone; re-runs converge to a clean run', async () => {
    const seed = 7;
    const tenantId = randomUUID();
    const [a, b] = await Promise.all([harness({ hotels: 'large:1200', seed }), harness({ hotels: 'large:1200', seed })]);
    await a.addTenant('large', { tenantId });
    await b.addTenant('large', { tenantId });
    const pages = await bookingPages(b, 'large');
    expect(pages).toHaveLength(12);

    // 1. A fresh tenant; the pass breaks from the 5th page request on (pages are fetched 4 at a time).
    a.sim.setFaults('large:bookings:status=503@5+');
    let events = [];
    let error = await syncFailure(a, 'large', { events });
    expect(error.code).toBe('motopress_error');
    expect(error.details).toMatchObject({ stage: 'reservations', cause: 'http_5xx' });
    expect(error.message).toMatch(/tenant large: .*GET \/bookings\?page=\d+ failed after 3 attempts: HTTP 503/);
    let written = pagesWritten(events);
    expect(written.length).toBeGreaterThanOrEqual(1);
    expect(written.length).toBeLessThan(12);
    expect(written).toEqual(written.map((_, i) => i + 1)); // in page order, no gap
    // Whole pages and only them: the bookings of pages 1..k, each reservation with all of its rooms.
    expect(await storedBookingIds(a.db, tenantId)).toEqual(pages.slice(0, written.length).flat().sort((x, y) => x - y));
    expect(await incompleteReservations(a.db, tenantId)).toEqual([]);
    expect(await goneCount(a.db, tenantId)).toBe(0);
    expect(events.filter((e) => e.stage === 'reconcile')).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'motopress_error' });
    expect((await runs(a.db, tenantId)).at(-1)).toMatchObject({ status: 'failed', error_code: 'motopress_error', finished: true });
    expect(await lockRows(a.db, tenantId)).toEqual([]);

    a.sim.setFaults('');
    expect((await a.syncAll('large')).status).toBe('succeeded');
    expect((await b.syncAll('large')).status).toBe('succeeded');
    const clean = await snapshot(b.db, tenantId);
    expect(clean['public.guest_reservations'].length + new Set(clean['public.calendar_blocks'].map((r) => r.external_booking_id)).size).toBe(1200);
    expect(await snapshot(a.db, tenantId)).toEqual(clean);

    // 2. The same upstream edits on both sites (one booking trashed, one changed on the last page), then a
    // pass that breaks again: the trashed booking must not be marked gone by an incomplete pass.
    const trashed = pages[0][3];
    const changed = pages[11][50];
    for (const h of [a, b]) {
      h.sim.site('large').trash('bookings', trashed);
      h.sim.site('large').updateBooking(changed, { customer: { first_name: 'Renamed', last_name: 'Mid Pass' } });
    }
    a.sim.setFaults('large:bookings:status=503@5+');
    events = [];
    error = await syncFailure(a, 'large', { events });
    expect(error.code).toBe('motopress_error');
    written = pagesWritten(events);
    expect(written.length).toBeLessThan(12);
    expect(await goneCount(a.db, tenantId)).toBe(0);
    expect(await a.db.query('select upstream_gone_at from public.guest_reservations where tenant_id = $1 and external_booking_id = $2 union all select upstream_gone_at from public.calendar_blocks where tenant_id = $1 and external_booking_id = $2', [tenantId, trashed]))
      .toEqual(expect.arrayContaining([{ upstream_gone_at: null }]));
    expect(await incompleteReservations(a.db, tenantId)).toEqual([]);
    expect(events.filter((e) => e.stage === 'reconcile')).toEqual([]);

    a.sim.setFaults('');
    expect((await a.syncAll('large')).counts.gone).toBe(1);
    expect((await b.syncAll('large')).counts.gone).toBe(1);
    const after = await snapshot(a.db, tenantId);
    expect(after).toEqual(await snapshot(b.db, tenantId));
    const gone = [...after['public.guest_reservations'], ...after['public.calendar_blocks']].filter((r) => r.gone);
    expect(new Set(gone.map((r) => Number(r.external_booking_id)))).toEqual(new Set([trashed]));
  });

  test.each([
    ['bookings:malformed@3', 'malformed'],
    ['bookings:truncate@2', 'truncate'],
  ])('a page answered %s is retried and the run succeeds', async (spec, fault) => {
    const h = await harness({ hotels: 'large:400', seed: 3 });
    const { tenant_id: tenantId } = await h.addTenant('large');
    h.sim.setFaults(spec);
    const result = await h.syncAll('large');
    expect(result.status).toBe('succeeded');
    expect(result.counts.pages).toBe(4);

    // The faulted page was asked for again, and answered the second time.
    // The pages of the pass (not the one-request probe of the site's filters, which a first run also makes).
    const bookingLog = h.sim.log().filter((e) => e.path.endsWith('/wp-json/mphb/v1/bookings') && !e.query['filter[date_query][0][after]']);
    const faulted = bookingLog.filter((e) => e.fault === fault);
    expect(faulted).toHaveLength(1);
    const samePage = bookingLog.filter((e) => e.query.page === faulted[0].query.page);
    expect(samePage).toHaveLength(2);
    expect(samePage[1]).toMatchObject({ status: 200, fault: null });

    expect((await storedBookingIds(h.db, tenantId)).length).toBe(400);
    expect(await incompleteReservations(h.db, tenantId)).toEqual([]);
    expect(await goneCount(h.db, tenantId)).toBe(0);
    // Complete: a clean re-sync finds nothing to write.
    h.sim.setFaults('');
    const before = await rowVersions(h.db);
    const again = await h.syncAll('large');
    expect(again.counts).toMatchObject({ created: 0, updated: 0, gone: 0 });
    expect(await rowVersions(h.db)).toEqual(before);
  });

  test('a database error on one booking rolls back its whole page; the run is recorded database_error; the next run completes it', async () => {
    const h = await harness({ hotels: 'large:300', seed: 5 });
    const { tenant_id: tenantId } = await h.addTenant('large');
    const pages = await bookingPages(h, 'large');
    expect(pages).toHaveLength(3);
    const victim = pages[1][37];
    await h.db.exec(`
      create function public.mphb_test_fail_booking() returns trigger language plpgsql as $$
      begin
        if new.external_booking_id = ${victim} then
          raise exception 'test: booking % refused', new.external_booking_id;
        end if;
        return new;
      end;
      $$;
      create trigger mphb_test_fail_reservation before insert or update on public.guest_reservations
        for each row execute function public.mphb_test_fail_booking();
      create trigger mphb_test_fail_block before insert or update on public.calendar_blocks
        for each row execute function public.mphb_test_fail_booking();`);

    const events = [];
    const error = await syncFailure(h, 'large', { events });
    expect(error.code).toBe('database_error');
    expect(error.message).toContain('large');
    expect(error.message).toContain(`booking ${victim} refused`);
    // Page 1 is in; nothing of page 2 (the victim's page), nor of page 3 (the pass stopped).
    expect(await storedBookingIds(h.db, tenantId)).toEqual([...pages[0]].sort((x, y) => x - y));
    expect(await incompleteReservations(h.db, tenantId)).toEqual([]);
    expect(await goneCount(h.db, tenantId)).toBe(0);
    expect((await runs(h.db, tenantId)).at(-1)).toMatchObject({ status: 'failed', error_code: 'database_error', finished: true });
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'database_error' });
    expect(await lockRows(h.db, tenantId)).toEqual([]);

    await h.db.exec(`drop trigger mphb_test_fail_reservation on public.guest_reservations;
      drop trigger mphb_test_fail_block on public.calendar_blocks;
      drop function public.mphb_test_fail_booking();`);
    const ok = await h.syncAll('large');
    expect(ok.status).toBe('succeeded');
    expect(await storedBookingIds(h.db, tenantId)).toEqual(pages.flat().sort((x, y) => x - y));
    expect(await incompleteReservations(h.db, tenantId)).toEqual([]);
    expect(await goneCount(h.db, tenantId)).toBe(0);
    const before = await rowVersions(h.db);
    const again = await h.syncAll('large');
    expect(again.counts).toMatchObject({ created: 0, updated: 0, gone: 0 });
    expect(await rowVersions(h.db)).toEqual(before);
  });

  test('a constraint violation on the calendar blocks of page 1 rolls back the reservations of that page too', async () => {
    const h = await harness({ hotels: 'large:300', seed: 5 });
    const { tenant_id: tenantId } = await h.addTenant('large');
    await h.db.exec('alter table public.calendar_blocks add constraint mphb_test_no_blocks check (false) not valid');
    const error = await syncFailure(h, 'large');
    expect(error.code).toBe('database_error');
    const counts = await rowCounts(h.db, tenantId);
    // The accommodations stage committed; the failed page left nothing behind.
    expect(counts['hotels.accommodation_units']).toBe(299);
    expect(counts['public.guest_reservations']).toBe(0);
    expect(counts['public.reservation_accommodations']).toBe(0);
    expect(counts['public.calendar_blocks']).toBe(0);
    expect((await runs(h.db, tenantId)).at(-1)).toMatchObject({ status: 'failed', error_code: 'database_error' });
    expect(await lockRows(h.db, tenantId)).toEqual([]);

    await h.db.exec('alter table public.calendar_blocks drop constraint mphb_test_no_blocks');
    expect((await h.syncAll('large')).status).toBe('succeeded');
    expect((await storedBookingIds(h.db, tenantId)).length).toBe(300);
    expect((await rowCounts(h.db, tenantId))['public.calendar_blocks']).toBeGreaterThan(0);
    expect(await incompleteReservations(h.db, tenantId)).toEqual([]);
  });

  // The site starts answering 401 after a few page requests (credentials revoked mid-pass).
  async function unauthorizedMidPass() {
    const h = await harness({ hotels: 'large:600', seed: 11 });
    const { tenant_id: tenantId } = await h.addTenant('large');
    // 4 accommodation requests (1 page of types, 3 of units), bookings page 1, one more page; then 401.
    const before = h.sim.stats().hotels.large?.requests ?? 0;
    h.sim.setFaults(`large:*:unauthorized-after=${before + 6}`);
    const events = [];
    const error = await syncFailure(h, 'large', { events });
    return { h, tenantId, events, error };
  }

  test('401 mid-pass: the run fails naming the cause, only whole pages are written, nothing is marked gone', async () => {
    const { h, tenantId, events, error } = await unauthorizedMidPass();
    expect(error.details).toMatchObject({ stage: 'reservations', cause: 'unauthorized' });
    expect(error.message).toMatch(/tenant large: .*GET \/(bookings|accommodations)\S* failed after 1 attempt: HTTP 401/);
    expect(events.at(-1)).toMatchObject({ type: 'error', code: error.code });
    expect((await runs(h.db, tenantId)).at(-1)).toMatchObject({ status: 'failed', error_code: error.code, finished: true });
    // 401 is final: no page was asked for twice.
    const pageRequests = h.sim.log().filter((e) => e.path.endsWith('/bookings') && !e.query['filter[date_query][0][after]']).map((e) => e.query.page);
    expect(new Set(pageRequests).size).toBe(pageRequests.length);

    const written = pagesWritten(events);
    expect(written.length).toBeGreaterThanOrEqual(1);
    expect(written.length).toBeLessThan(6);
    expect((await storedBookingIds(h.db, tenantId)).length).toBe(written.length * PER_PAGE);
    expect(await incompleteReservations(h.db, tenantId)).toEqual([]);
    expect(await goneCount(h.db, tenantId)).toBe(0);
    expect(await lockRows(h.db, tenantId)).toEqual([]);

    h.sim.setFaults('');
    expect((await h.syncAll('large')).status).toBe('succeeded');
    expect((await storedBookingIds(h.db, tenantId)).length).toBe(600);
    expect(await incompleteReservations(h.db, tenantId)).toEqual([]);
  });
  test('401 mid-pass is reported with the same code as a 401 in the accommodations stage (motopress_unauthorized)', async () => {
    const { error } = await unauthorizedMidPass();
    expect(error.code).toBe('motopress_unauthorized');
  });

  // A booking whose data is wrong upstream: a clean first sync, then edits (one booking broken, one
  // trashed, one renamed, one created), then a sync that must write the others and skip reconcile.
  async function invalidRecordScenario() {
    const h = await harness({ hotels: 'large:300', seed: 13 });
    const { tenant_id: tenantId } = await h.addTenant('large');
    expect((await h.syncAll('large')).status).toBe('succeeded');
    const pages = await bookingPages(h, 'large');
    const site = h.sim.site('large');
    const direct = new Set((await h.db.query(`select external_booking_id::text as id from public.guest_reservations
      where tenant_id = $1 and booking_source = 'direct'`, [tenantId])).map((r) => Number(r.id)));
    const [bad, trashed, renamed] = [pages[1].filter((id) => direct.has(id))[10], pages[0][20], pages[2].filter((id) => direct.has(id))[30]];
    const [{ check_in_date: storedCheckIn }] = await h.db.query(`select check_in_date::text from public.guest_reservations
      where tenant_id = $1 and external_booking_id = $2`, [tenantId, bad]);
    const originalCheckIn = site.get('bookings', bad).record.check_in_date;
    site.updateBooking(bad, { check_in_date: 'not-a-date' });
    site.trash('bookings', trashed);
    site.updateBooking(renamed, { customer: { first_name: 'Renamed', last_name: 'Upstream', email: 'renamed@example.com' } });
    const created = site.createBooking({ status: 'confirmed' }).record.id;
    const events = [];
    const error = await syncFailure(h, 'large', { events });
    return { h, tenantId, pages, site, bad, trashed, renamed, created, storedCheckIn, originalCheckIn, events, error };
  }

  test('an invalid booking: the others are written, the run fails invalid_records naming the path, reconcile is skipped', async () => {
    const { h, tenantId, site, bad, trashed, renamed, created, storedCheckIn, originalCheckIn, events, error } = await invalidRecordScenario();
    expect(error.code).toBe('invalid_records');
    expect(error.details.stage).toBe('reservations');
    expect(error.details.errors).toHaveLength(1);
    expect(error.details.errors[0].path).toMatch(/^bookings\[\d+\]\.check_in_date$/);
    expect(error.message).toContain(error.details.errors[0].path);
    expect(error.message).toContain('large');
    expect((await runs(h.db, tenantId)).at(-1)).toMatchObject({ status: 'failed', error_code: 'invalid_records', finished: true });
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'invalid_records' });
    expect(events.some((e) => e.type === 'warning' && e.code === 'reconcile_skipped')).toBe(true);
    expect(events.filter((e) => e.stage === 'reconcile' && e.type === 'progress')).toEqual([]);

    // The others were written: the new booking, the renamed guest.
    expect((await storedBookingIds(h.db, tenantId))).toContain(created);
    const [row] = await h.db.query('select guest_first_name, guest_last_name, guest_email from public.guest_reservations where tenant_id = $1 and external_booking_id = $2', [tenantId, renamed]);
    expect(row).toEqual({ guest_first_name: 'Renamed', guest_last_name: 'Upstream', guest_email: 'renamed@example.com' });
    // The broken one kept what it had; the trashed one is not marked gone (reconcile skipped).
    const [{ check_in_date: nowCheckIn }] = await h.db.query(`select check_in_date::text from public.guest_reservations
      where tenant_id = $1 and external_booking_id = $2`, [tenantId, bad]);
    expect(nowCheckIn).toBe(storedCheckIn);
    expect(await goneCount(h.db, tenantId)).toBe(0);
    expect(await incompleteReservations(h.db, tenantId)).toEqual([]);
    expect(await lockRows(h.db, tenantId)).toEqual([]);

    // Fixed upstream: the next run succeeds and the trashed booking is marked gone.
    site.updateBooking(bad, { check_in_date: originalCheckIn });
    const ok = await h.syncAll('large');
    expect(ok.status).toBe('succeeded');
    expect(ok.counts.gone).toBe(1);
    expect(await h.db.query(`select status from public.guest_reservations where tenant_id = $1 and external_booking_id = $2 and upstream_gone_at is not null
      union all select status from public.calendar_blocks where tenant_id = $1 and external_booking_id = $2 and upstream_gone_at is not null`, [tenantId, trashed]))
      .toEqual(expect.arrayContaining([{ status: 'inactive' }]));
  });
  test('an invalid booking is named by its MotoPress id (or a path that identifies it)', async () => {
    const { bad, error } = await invalidRecordScenario();
    const named = error.message.includes(String(bad)) || JSON.stringify(error.details.errors[0]).includes(String(bad));
    expect(named).toBe(true);
  });

  // MotoPress failing while reconcile confirms a missing booking (GET /bookings/{id} answers 503).
  async function reconcileFailure() {
    const h = await harness({ hotels: 'simmerdown', seed: 1 });
    const { tenant_id: tenantId } = await h.addTenant('simmerdown');
    expect((await h.syncAll('simmerdown')).status).toBe('succeeded');
    const [{ id }] = await h.db.query(`select external_booking_id::text as id from public.guest_reservations
      where tenant_id = $1 order by external_booking_id limit 1`, [tenantId]);
    const trashed = Number(id);
    h.sim.site('simmerdown').trash('bookings', trashed);
    h.sim.setFaults('simmerdown:bookings/:id:status=503');
    const events = [];
    const error = await syncFailure(h, 'simmerdown', { events });
    return { h, tenantId, trashed, events, error };
  }

  test('reconcile failing to confirm a missing booking: the run fails, nothing is marked gone, the next run marks it', async () => {
    const { h, tenantId, trashed, events, error } = await reconcileFailure();
    expect(error.message).toContain('simmerdown');
    expect(error.message).toContain(`GET /bookings/${trashed}`);
    expect(error.message).toContain('HTTP 503');
    expect((await runs(h.db, tenantId)).at(-1)).toMatchObject({ status: 'failed', error_code: error.code, finished: true });
    expect(events.at(-1)).toMatchObject({ type: 'error', code: error.code });
    expect(await goneCount(h.db, tenantId)).toBe(0);
    expect(await lockRows(h.db, tenantId)).toEqual([]);

    h.sim.setFaults('');
    const ok = await h.syncAll('simmerdown');
    expect(ok.counts.gone).toBe(1);
    expect(await h.db.query('select status from public.guest_reservations where tenant_id = $1 and upstream_gone_at is not null', [tenantId]))
      .toEqual([{ status: 'inactive' }]);
  });
  test('reconcile failing on MotoPress is reported as a MotoPress error of the reconcile stage', async () => {
    const { error, events } = await reconcileFailure();
    expect(error.code).toBe('motopress_error');
    expect(error.details).toMatchObject({ stage: 'reconcile', cause: 'http_5xx' });
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'motopress_error', stage: 'reconcile' });
  });
});

afterAll(() => closeTemplates());
