// Page writes overlap the fetching and planning of later pages (issue 11): what a user sees must not
// change — progress in page order, each page all or nothing, a failed page stops the run with its error —
// and a first sync into an empty database refreshes the planner's statistics as the tables grow.
import { jest } from '@jest/globals';

import { randomUUID } from 'node:crypto';

import { SyncError } from '../../host/sync/sync_errors.js';
import { runSync } from '../../host/sync/sync_runner.js';
import { releaseTenantLock } from '../../host/sync/tenant_lock.js';
import { leaseTakeover } from './support/lease_takeover.js';
import { createSyncHarness } from './support/sync_harness.js';
import { i1Offenders, i2Offenders } from './support/invariant_sql.js';
import { closeTemplates, databaseKinds } from './support/test_databases.js';

jest.setTimeout(180_000);
afterAll(() => closeTemplates());

describe.each(databaseKinds())('pipelined page writes on %s', (kind) => {
  let h;
  // The site's clock, moved on by hand between runs so that each pass starts at another second.
  const siteClock = { offset: 0, now: () => Date.now() + siteClock.offset };
  beforeAll(async () => {
    h = await createSyncHarness(kind, { hotels: 'big=large:700', seed: 5, clock: siteClock });
    await h.addTenant('big', { slug: 'first' });
    await h.addTenant('big', { slug: 'broken' });
    await h.addTenant('big', { slug: 'usurped' });
    await h.addTenant('big', { slug: 'drift' });
    await h.addTenant('big', { slug: 'ended' });
    await h.addTenant('big', { slug: 'unacknowledged' });
  });
  afterAll(() => h?.close());

  test('a first sync: progress in page order, every page written, invariants hold, statistics refreshed', async () => {
    const [before] = await h.db.query("select reltuples::float8 as n from pg_class where oid = 'public.guest_reservations'::regclass");
    const events = [];
    const result = await h.syncAll('first', { events });
    const pages = events.filter((e) => e.type === 'progress' && e.stage === 'reservations' && e.current > 0).map((e) => e.current);
    expect(pages.length).toBeGreaterThanOrEqual(7);
    expect(pages).toEqual(Array.from({ length: pages.length }, (_, i) => i + 1));
    expect(result.counts.pages).toBe(pages.length);
    const tenantId = h.tenant('first').tenant_id;
    const [{ n }] = await h.db.query(`select (select count(*) from public.guest_reservations where tenant_id = $1)
      + (select count(distinct external_booking_id) from public.calendar_blocks where tenant_id = $1) as n`, [tenantId]);
    expect(Number(n)).toBe(result.counts.created);
    expect(await i1Offenders(h.db, tenantId)).toEqual([]);
    expect(await i2Offenders(h.db, tenantId)).toEqual([]);
    // The tables were empty (never analyzed) before; the run's ANALYZE gave the planner their size.
    const [after] = await h.db.query("select reltuples::float8 as n from pg_class where oid = 'public.guest_reservations'::regclass");
    expect(Number(before.n)).toBeLessThanOrEqual(0);
    expect(Number(after.n)).toBeGreaterThan(0);

    // Nothing changed upstream: nothing written, the same page order.
    const again = [];
    const second = await h.syncAll('first', { events: again });
    expect(second.counts).toMatchObject({ created: 0, updated: 0, pages: pages.length });
    expect(again.filter((e) => e.type === 'progress' && e.stage === 'reservations' && e.current > 0).map((e) => e.current)).toEqual(pages);
  });

  test('a page that fails to write stops the run: the pages before it are written and counted, its own bookings are not', async () => {
    const tenant = h.tenant('broken');
    // A booking of page 3, as the site lists it, that is a reservation (the first tenant holds the same hotel).
    let pageThree = [];
    await h.client('broken').streamCollection('bookings', {
      onPage: ({ page, bytes }) => {
        if (page === 3) pageThree = JSON.parse(new TextDecoder().decode(bytes)).map((b) => Number(b.id));
      },
    });
    const [row] = await h.db.query('select external_booking_id::bigint as id from public.guest_reservations where tenant_id = $1 and external_booking_id = any($2::bigint[]) order by 1 limit 1',
      [h.tenant('first').tenant_id, pageThree]);
    const victim = Number(row?.id);
    expect(victim).toBeGreaterThan(0);
    await h.db.exec(`create or replace function public.test_refuse_booking() returns trigger language plpgsql as $$
      begin
        if new.tenant_id = '${tenant.tenant_id}' and new.external_booking_id = ${Number(victim)} then
          raise exception 'test: booking % refused', new.external_booking_id using errcode = '23514';
        end if;
        return new;
      end $$;
      create trigger test_refuse_booking before insert or update on public.guest_reservations for each row execute function public.test_refuse_booking();`);
    try {
      const events = [];
      const error = await h.syncAll('broken', { events }).then(() => null, (e) => e);
      expect(error?.code).toBe('database_error');
      expect(error.message).toContain(`booking ${victim} refused`);
      const pages = events.filter((e) => e.type === 'progress' && e.stage === 'reservations' && e.current > 0).map((e) => e.current);
      expect(pages).toEqual([1, 2]);
      expect(error.counts.pages).toBe(2);
      expect(events.at(-1)).toMatchObject({ type: 'error', code: 'database_error' });
      const written = await h.db.query('select external_booking_id::bigint as id from public.guest_reservations where tenant_id = $1', [tenant.tenant_id]);
      expect(written.length).toBeGreaterThan(0);
      expect(written.map((r) => Number(r.id))).not.toContain(Number(victim));
      const [run] = await h.db.query("select status, error_code from public.sync_runs where tenant_id = $1 order by started_at desc limit 1", [tenant.tenant_id]);
      expect(run).toEqual({ status: 'failed', error_code: 'database_error' });
    } finally {
      await h.db.exec('drop trigger test_refuse_booking on public.guest_reservations; drop function public.test_refuse_booking();');
    }
    // The next run completes the work.
    const result = await h.syncAll('broken');
    expect(result.status).toBe('succeeded');
  });
  test('pages in flight are fenced: a run whose lease another run took writes no page', async () => {
    const tenantId = h.tenant('usurped').tenant_id;
    const usurper = randomUUID();
    // Taken at the first bookings request (page 1, or the filter probe): every page is fetched, planned and
    // written after it, so each page's fence finds the lease gone.
    const takeover = leaseTakeover(h.db, tenantId, usurper, { page: '1' });
    try {
      const outcome = await h.syncAll('usurped', { clientOptions: { fetch: takeover.fetch } }).then((r) => r, (e) => e);
      expect(takeover.tookOver).toBe(true);
      expect(takeover.taken).toHaveLength(1);
      expect(outcome).toBeInstanceOf(SyncError);
      expect(outcome.code).toBe('lock_lost');
      expect(outcome.details.stage).toBe('reservations');
      const [{ n }] = await h.db.query('select count(*)::int as n from public.guest_reservations where tenant_id = $1', [tenantId]);
      expect(n).toBe(0);
    } finally {
      await releaseTenantLock(h.db, tenantId, usurper);
    }
  });
  // The run's end (cursor, run row, last sync, lease release) is one statement, fenced by the lease it
  // releases. The lease is taken just before that statement is sent.
  test('a run whose lease is taken after its last page records nothing of its end', async () => {
    const tenantId = h.tenant('ended').tenant_id;
    const usurper = randomUUID();
    let tookOver = false;
    const db = {
      ...h.db,
      query: async (text, params, options) => {
        if (!tookOver && text.includes("set status = 'succeeded'")) {
          tookOver = true;
          await h.db.query(`update public.sync_locks set run_id = $2, expires_at = now() + interval '10 minutes' where tenant_id = $1`, [tenantId, usurper]);
        }
        return h.db.query(text, params, options);
      },
    };
    try {
      const outcome = await runSync({ db, core: h.core, tenant: { tenant_id: tenantId, slug: 'ended' }, client: h.client('ended'), pass: 'full' }).then((r) => r, (e) => e);
      expect(tookOver).toBe(true);
      expect(outcome).toBeInstanceOf(SyncError);
      expect(outcome.code).toBe('lock_lost');
      const [run] = await h.db.query('select status, error_code from public.sync_runs where id = $1', [outcome.runId]);
      expect(run).toEqual({ status: 'failed', error_code: 'lock_lost' });
      expect(await h.db.query('select 1 from public.sync_cursors where tenant_id = $1', [tenantId])).toEqual([]);
      const [config] = await h.db.query("select last_sync_at from public.integration_configs where tenant_id = $1 and integration_type = 'motopress'", [tenantId]);
      expect(config.last_sync_at).toBeNull();
      // Its pages were committed before (each fenced while it held the lease); the usurper keeps the lease.
      const [{ n }] = await h.db.query('select count(*)::int as n from public.guest_reservations where tenant_id = $1', [tenantId]);
      expect(n).toBeGreaterThan(0);
      expect((await h.db.query('select run_id from public.sync_locks where tenant_id = $1', [tenantId]))[0].run_id).toBe(usurper);
    } finally {
      await releaseTenantLock(h.db, tenantId, usurper);
    }
    const next = await h.syncAll('ended');
    expect(next.status).toBe('succeeded');
    const [config] = await h.db.query("select last_sync_at from public.integration_configs where tenant_id = $1 and integration_type = 'motopress'", [tenantId]);
    expect(config.last_sync_at).not.toBeNull();
  });
  test('a run whose end committed but whose answer was lost (connection reset) is sent again and still succeeds', async () => {
    const tenantId = h.tenant('unacknowledged').tenant_id;
    let lost = 0;
    const db = {
      ...h.db,
      query: async (text, params, options) => {
        const rows = await h.db.query(text, params, options);
        if (lost === 0 && text.includes("set status = 'succeeded'")) {
          lost += 1;
          throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }); // after the commit
        }
        return rows;
      },
    };
    const result = await runSync({ db, core: h.core, tenant: { tenant_id: tenantId, slug: 'unacknowledged' }, client: h.client('unacknowledged'), pass: 'full' });
    expect(lost).toBe(1);
    expect(result.status).toBe('succeeded');
    const [run] = await h.db.query('select status from public.sync_runs where id = $1', [result.runId]);
    expect(run.status).toBe('succeeded');
    expect(await h.db.query('select 1 from public.sync_locks where tenant_id = $1', [tenantId])).toEqual([]);
    expect(await h.db.query('select 1 from public.sync_cursors where tenant_id = $1', [tenantId])).toHaveLength(1);
  });
  test('bookings moving between pages during the pass (one created while pages are read): page_drift, the cursor stays', async () => {
    const tenantId = h.tenant('drift').tenant_id;
    const cursor = async () => (await h.db.query('select modified_after from public.sync_cursors where tenant_id = $1', [tenantId]))[0]?.modified_after ?? null;
    await h.syncAll('drift', { pass: 'full' });
    const before = await cursor();
    expect(before).not.toBeNull();
    // The next full pass asks for pages 1-4 at once (the last pass had 7); once one is answered a booking
    // is created, so the later pages shift by one.
    siteClock.offset += 3000;
    const hook = await fetch(`${h.sim.url}/_control/big/on-request`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ endpoint: 'bookings', after: 1, action: 'create_booking' }),
    });
    expect(hook.status).toBe(200);
    const drifted = await h.syncAll('drift', { pass: 'full' });
    expect(drifted.warnings.map((w) => w.code)).toContain('page_drift');
    expect(await cursor()).toBe(before);
    // Nothing moves during the next pass: it is whole, and the cursor moves on.
    siteClock.offset += 3000;
    const whole = await h.syncAll('drift', { pass: 'full' });
    expect(whole.warnings.map((w) => w.code)).not.toContain('page_drift');
    expect(await cursor()).not.toBe(before);
  });
});
