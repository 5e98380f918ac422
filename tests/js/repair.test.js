// `repair` (SPEC §2 "true after every sync, repair or failure", §5): after Sync All, breakage is planted
// in our own tables with triggers off — a reservation without its unit, one without its rooms, a room
// pointing at another unit, a stale status — and one booking is changed upstream without a sync. The dry
// run must name exactly those bookings with their reasons and each row before → after, and write nothing;
// the applied repair (the function, the CLI process, the HTTP route) must fix exactly those rows — every
// other row keeps its xmin — leave the monitor green, record a `repair` run, and leave nothing for a
// second repair or a following sync. A MotoPress or database fault mid-apply leaves everything as it was.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { jest } from '@jest/globals';

import { openDatabase } from '../../host/db/database.js';
import { createHttpApp } from '../../host/http/http_app.js';
import { createStaffToken } from '../../host/http/staff_tokens.js';
import { checkInvariants } from '../../host/monitor/invariant_checks.js';
import { runRepair } from '../../host/sync/repair_runner.js';
import { runSync } from '../../host/sync/sync_runner.js';
import { acquireTenantLock, releaseTenantLock } from '../../host/sync/tenant_lock.js';
import { createCipher } from '../../host/tenants/credential_cipher.js';
import { addTenant } from '../../host/tenants/tenant_store.js';
import { runCli } from './support/cli_process.js';
import { i1Offenders, i2Offenders, i4Offenders, i7Offenders, mappedStatus } from './support/invariant_sql.js';
import { closeTemplates, databaseKinds, openTestDatabase } from './support/test_databases.js';
import { createSyncHarness } from './support/sync_harness.js';

jest.setTimeout(180000);

const KEY = Buffer.alloc(32, 7).toString('base64'); // the harness's key
const BASE = '/api/integrations/motopress';

afterAll(() => closeTemplates());

let renames = 0;

/**
 * Breaks five distinct bookings of a tenant, as only hand edits (or a buggy old sync) could: triggers
 * off (session_replication_role = replica), and the I1 CHECK constraint dropped and re-added NOT VALID
 * for the reservation whose unit is nulled. One booking is changed upstream only.
 * @returns {{expected: Map<number, string[]>, picks: object, constraint: string}}
 */
async function plantBreakage(db, tenantId, site) {
  const q = (sql) => db.query(sql, [tenantId]);
  const [multi] = await q(`select external_booking_id::int as b, id from public.guest_reservations
    where tenant_id = $1 and room_count >= 2 and status <> 'cancelled' and upstream_gone_at is null order by 1 limit 1`);
  const [cancelled] = await q(`select external_booking_id::int as b, id from public.guest_reservations
    where tenant_id = $1 and status = 'cancelled' and room_count = 1 and upstream_gone_at is null order by 1 limit 1`);
  const [nullUnit, noRooms, renamed] = await q(`select external_booking_id::int as b, id, room_count from public.guest_reservations
    where tenant_id = $1 and room_count = 1 and status = 'active' and upstream_gone_at is null order by 1 limit 3`);
  expect([multi, cancelled, nullUnit, noRooms, renamed].every(Boolean)).toBe(true);
  const [{ conname }] = await db.query(`select conname from pg_constraint where conrelid = 'public.guest_reservations'::regclass
    and contype = 'c' and pg_get_constraintdef(oid) like '%accommodation_unit_id IS NOT NULL%'`);
  const [right] = await db.query('select accommodation_unit_id from public.reservation_accommodations where reservation_id = $1 and position = 1', [multi.id]);
  const [wrong] = await db.query(`select id from hotels.accommodation_units where tenant_id = $1 and id <> $2 and not is_placeholder
    order by mphb_accommodation_id limit 1`, [tenantId, right.accommodation_unit_id]);
  const [firstUnit] = await db.query('select accommodation_unit_id from public.guest_reservations where id = $1', [nullUnit.id]);
  await db.transaction(async (tx) => {
    await tx.query('set local session_replication_role = replica');
    await tx.query(`alter table public.guest_reservations drop constraint "${conname}"`);
    await tx.query('update public.guest_reservations set accommodation_unit_id = null where id = $1', [nullUnit.id]);
    await tx.query(`alter table public.guest_reservations add constraint "${conname}" check (room_count = 0 or accommodation_unit_id is not null) not valid`);
    await tx.query('delete from public.reservation_accommodations where reservation_id = $1', [noRooms.id]);
    await tx.query('update public.reservation_accommodations set accommodation_unit_id = $2 where reservation_id = $1 and position = 1', [multi.id, wrong.id]);
    await tx.query(`update public.guest_reservations set status = 'active' where id = $1`, [cancelled.id]);
  });
  renames += 1;
  const newName = { first_name: 'Zelda', last_name: `Repaired${renames}` };
  site.updateBooking(renamed.b, { customer: newName });
  return {
    constraint: conname,
    picks: {
      nullUnit: { ...nullUnit, unit: firstUnit.accommodation_unit_id },
      noRooms, multi: { ...multi, right: right.accommodation_unit_id, wrong: wrong.id }, cancelled, renamed: { ...renamed, name: `Zelda Repaired${renames}` },
    },
    expected: new Map([
      [nullUnit.b, ['I1 no-null-unit']],
      [noRooms.b, ['I1 no-null-unit', 'I2 junction-complete', 'I7 atomic-booking']],
      [multi.b, ['I2 junction-complete']],
      [cancelled.b, ['I5 status-true']],
      [renamed.b, ['hash_mismatch']],
    ]),
  };
}

/** Row versions of every synced row of every tenant, with the booking (or unit, type) each row stands for. */
async function versions(db) {
  const rows = await db.query(`
    select 't:' || id::text as k, xmin::text as v, tenant_id::text || ':type:' || mphb_type_id::text as owner from hotels.accommodation_types
    union all select 'u:' || id::text, xmin::text, tenant_id::text || ':unit:' || mphb_accommodation_id::text from hotels.accommodation_units
    union all select 'r:' || id::text, xmin::text, tenant_id::text || ':' || external_booking_id::text from public.guest_reservations
    union all select 'j:' || id::text, xmin::text, tenant_id::text || ':' || external_booking_id::text from public.reservation_accommodations
    union all select 'b:' || id::text, xmin::text, tenant_id::text || ':' || external_booking_id::text from public.calendar_blocks`);
  return new Map(rows.map((r) => [r.k, r]));
}

/** The bookings (tenant:id) any of whose rows was written, added or removed between two snapshots. */
function touchedOwners(before, after) {
  const owners = new Set();
  for (const [k, row] of before) if (after.get(k)?.v !== row.v) owners.add(row.owner);
  for (const [k, row] of after) if (!before.has(k)) owners.add(row.owner);
  return [...owners].sort();
}

const ownersOf = (tenantId, expected) => [...expected.keys()].map((b) => `${tenantId}:${b}`).sort();

/** The dry-run report's before/after for the planted rows. */
function expectPlantedRows(report, { picks, expected }) {
  const rowsOf = (b) => report.rows.filter((r) => r.booking_id === b);
  expect(report.rows.every((r) => expected.has(r.booking_id))).toBe(true);
  expect(rowsOf(picks.nullUnit.b)).toEqual([expect.objectContaining({
    table: 'guest_reservations', change: 'update', reason: ['I1 no-null-unit'],
    before: { accommodation_unit_id: null }, after: { accommodation_unit_id: picks.nullUnit.unit },
  })]);
  expect(rowsOf(picks.noRooms.b)).toEqual([expect.objectContaining({
    table: 'reservation_accommodations', change: 'insert', position: 0, before: null,
    after: expect.objectContaining({ reservation_id: picks.noRooms.id, position: 0, accommodation_unit_id: expect.any(String) }),
  })]);
  expect(rowsOf(picks.multi.b)).toEqual([expect.objectContaining({
    table: 'reservation_accommodations', change: 'update', position: 1, reason: ['I2 junction-complete'],
    before: { accommodation_unit_id: picks.multi.wrong }, after: { accommodation_unit_id: picks.multi.right },
  })]);
  expect(rowsOf(picks.cancelled.b)).toEqual([expect.objectContaining({
    table: 'guest_reservations', change: 'update', reason: ['I5 status-true'], before: { status: 'active' }, after: { status: 'cancelled' },
  })]);
  const [renamed] = rowsOf(picks.renamed.b);
  expect(renamed).toMatchObject({ table: 'guest_reservations', change: 'update', reason: ['hash_mismatch'], after: { guest_name: picks.renamed.name } });
  expect(renamed.before.guest_name).not.toBe(picks.renamed.name);
  expect(Object.keys(renamed.after)).toEqual(expect.arrayContaining(['guest_name', 'content_hash']));
}

/** Independent SQL (tests/js/support/invariant_sql.js) and the monitor agree that the tenant is whole. */
async function expectWhole(db, tenantId, constraint) {
  expect(await i1Offenders(db, tenantId)).toEqual([]);
  expect(await i2Offenders(db, tenantId)).toEqual([]);
  expect(await i4Offenders(db, tenantId)).toEqual([]);
  expect(await i7Offenders(db, tenantId)).toEqual([]);
  const wrongStatus = (await db.query('select status, mphb_status, upstream_gone_at from public.guest_reservations where tenant_id = $1', [tenantId]))
    .filter((r) => r.status !== (r.upstream_gone_at ? 'inactive' : mappedStatus(r.mphb_status)));
  expect(wrongStatus).toEqual([]);
  const monitor = await checkInvariants(db, tenantId);
  expect(monitor.tenants[0].invariants.filter((i) => !i.ok)).toEqual([]);
  // Every row satisfies the I1 CHECK constraint again: it can be validated.
  if (constraint) await db.query(`alter table public.guest_reservations validate constraint "${constraint}"`);
}

describe.each(databaseKinds())('repair on %s', (kind) => {
  let h;
  const tenantOf = (hotel) => h.tenant(hotel);
  const repair = (hotel, options = {}) => runRepair({
    db: h.db, core: h.core, tenant: { tenant_id: tenantOf(hotel).tenant_id, slug: hotel }, client: h.client(hotel), ...options,
  });
  const repairRuns = async (tenantId) => h.db.query(`select id, status, counts, warnings, error_code from public.sync_runs
    where tenant_id = $1 and kind = 'repair' order by started_at, finished_at`, [tenantId]);

  beforeAll(async () => {
    h = await createSyncHarness(kind, { hotels: 'simmerdown,testhotel' });
    for (const hotel of ['simmerdown', 'testhotel']) {
      await h.addTenant(hotel);
      expect((await h.syncAll(hotel)).status).toBe('succeeded');
    }
  });
  afterAll(() => h?.close());

  test.each(['simmerdown', 'testhotel'])('%s right after Sync All: nothing to repair, nothing written', async (hotel) => {
    const v0 = await versions(h.db);
    const report = await repair(hotel);
    expect(report).toMatchObject({ mode: 'dry_run', status: 'clean', run_id: null, bookings: [], accommodations: [], rows: [], unrepairable: [] });
    expect(report.counts.upstream_bookings).toBeGreaterThan(30);
    const applied = await repair(hotel, { apply: true });
    expect(applied).toMatchObject({ mode: 'apply', status: 'clean', rows: [] });
    expect(await versions(h.db)).toEqual(v0);
  });

  test.each(['simmerdown', 'testhotel'])('%s: the dry run names exactly the broken bookings, writes nothing; the repair fixes exactly those rows', async (hotel) => {
    const tenantId = tenantOf(hotel).tenant_id;
    const planted = await plantBreakage(h.db, tenantId, h.sim.site(hotel));
    const failing = (await checkInvariants(h.db, tenantId)).tenants[0].invariants.filter((i) => !i.ok).map((i) => i.name);
    expect(failing).toEqual(['I1 no-null-unit', 'I2 junction-complete', 'I5 status-true', 'I7 atomic-booking']);
    const runsBefore = await repairRuns(tenantId);
    const v0 = await versions(h.db);

    const dry = await repair(hotel);
    expect(dry).toMatchObject({ mode: 'dry_run', status: 'problems_found', run_id: null, accommodations: [], unrepairable: [], warnings: [] });
    expect(Object.fromEntries(dry.bookings.map((b) => [b.booking_id, b.reason]))).toEqual(Object.fromEntries(planted.expected));
    expectPlantedRows(dry, planted);
    expect(dry.counts).toMatchObject({ bookings: 5, rows: 5, guest_reservations: 3, reservation_accommodations: 2, calendar_blocks: 0, unrepairable: 0 });
    expect(await versions(h.db)).toEqual(v0); // nothing written …
    expect(await repairRuns(tenantId)).toEqual(runsBefore); // … not even a run

    const applied = await repair(hotel, { apply: true });
    expect(applied).toMatchObject({ mode: 'apply', status: 'repaired', run_id: expect.any(String), unrepairable: [] });
    expect(applied.rows).toEqual(dry.rows);
    await expectWhole(h.db, tenantId, planted.constraint);
    const v1 = await versions(h.db);
    expect(touchedOwners(v0, v1)).toEqual(ownersOf(tenantId, planted.expected));
    const [reservation] = await h.db.query('select guest_name, status from public.guest_reservations where tenant_id = $1 and external_booking_id = $2', [tenantId, planted.picks.renamed.b]);
    expect(reservation).toEqual({ guest_name: planted.picks.renamed.name, status: 'active' });

    const runs = await repairRuns(tenantId);
    expect(runs.length).toBe(runsBefore.length + 1);
    expect(runs.at(-1)).toMatchObject({ id: applied.run_id, status: 'succeeded', error_code: null });
    expect(runs.at(-1).counts).toMatchObject({ bookings: 5, rows: 5 });

    // A second repair finds nothing; a sync after it writes nothing (the repair wrote what a sync writes).
    expect(await repair(hotel)).toMatchObject({ status: 'clean', rows: [] });
    const sync = await h.syncAll(hotel);
    expect(sync.counts).toMatchObject({ created: 0, updated: 0, gone: 0, types_updated: 0, units_updated: 0 });
    expect(await versions(h.db)).toEqual(v1);
  });

  test('a MotoPress fault mid-apply leaves the database exactly as it was; the next repair completes', async () => {
    const tenantId = tenantOf('simmerdown').tenant_id;
    const planted = await plantBreakage(h.db, tenantId, h.sim.site('simmerdown'));
    const v0 = await versions(h.db);
    // The first two single-booking requests answer, every later one fails (retries included).
    h.sim.setFaults('simmerdown:bookings/:id:status=503@3+');
    try {
      await expect(repair('simmerdown', { apply: true })).rejects.toMatchObject({ code: 'motopress_error', message: expect.stringMatching(/simmerdown.*GET \/bookings\/\d+/) });
    } finally {
      h.sim.setFaults([]);
    }
    expect(await versions(h.db)).toEqual(v0);
    expect((await repairRuns(tenantId)).at(-1)).toMatchObject({ status: 'failed', error_code: 'motopress_error' });
    // The lock was released: the repair runs again and completes.
    expect(await repair('simmerdown', { apply: true })).toMatchObject({ status: 'repaired' });
    await expectWhole(h.db, tenantId, planted.constraint);
    expect(touchedOwners(v0, await versions(h.db))).toEqual(ownersOf(tenantId, planted.expected));
  });

  test('a database failure inside the transaction writes nothing', async () => {
    const tenantId = tenantOf('testhotel').tenant_id;
    const planted = await plantBreakage(h.db, tenantId, h.sim.site('testhotel'));
    const v0 = await versions(h.db);
    // The transaction fails at its last write (the rooms of the changed reservations).
    const failing = {
      ...h.db,
      transaction: (fn) => h.db.transaction((tx) => {
        const query = async (sql, params) => {
          if (/^insert into public\.reservation_accommodations/.test(sql.trim())) {
            await tx.query(sql, params);
            throw Object.assign(new Error('connection lost (simulated)'), { code: '08006' });
          }
          return tx.query(sql, params);
        };
        const pipeline = async (statements) => {
          const results = [];
          for (const s of statements) results.push(await query(s.text, s.params));
          return results;
        };
        return fn({ ...tx, query, pipeline });
      }),
    };
    const client = h.client('testhotel');
    await expect(runRepair({ db: failing, core: h.core, tenant: { tenant_id: tenantId, slug: 'testhotel' }, client, apply: true }))
      .rejects.toMatchObject({ code: 'database_error' });
    expect(await versions(h.db)).toEqual(v0);
    expect((await repairRuns(tenantId)).at(-1)).toMatchObject({ status: 'failed', error_code: 'database_error' });
    expect(await repair('testhotel', { apply: true })).toMatchObject({ status: 'repaired' });
    await expectWhole(h.db, tenantId, planted.constraint);
  });

  test('never beside a sync: already_running while the tenant lock is held, nothing written', async () => {
    const tenantId = tenantOf('simmerdown').tenant_id;
    const planted = await plantBreakage(h.db, tenantId, h.sim.site('simmerdown'));
    const v0 = await versions(h.db);
    const holder = '00000000-0000-4000-8000-0000000000aa';
    expect(await acquireTenantLock(h.db, tenantId, holder)).toBe(true);
    try {
      await expect(repair('simmerdown', { apply: true })).rejects.toMatchObject({ code: 'already_running' });
      await expect(repair('simmerdown')).rejects.toMatchObject({ code: 'already_running' });
    } finally {
      await releaseTenantLock(h.db, tenantId, holder);
    }
    expect(await versions(h.db)).toEqual(v0);
    // And a sync cannot start while a repair holds the lock.
    let syncResult;
    const applied = await repair('simmerdown', {
      apply: true,
      onEvent: (e) => {
        if (e.stage === 'write' && e.current === 0) {
          syncResult = runSync({ db: h.db, core: h.core, tenant: { tenant_id: tenantId, slug: 'simmerdown' }, client: h.client('simmerdown') })
            .then(() => 'ran', (error) => error.code);
        }
      },
    });
    expect(applied.status).toBe('repaired');
    expect(await syncResult).toBe('already_running');
    await expectWhole(h.db, tenantId, planted.constraint);
  });

  test('HTTP: POST …/repair — admin only, the dry run and the repair answer the report, 409 beside a sync', async () => {
    const tenant = tenantOf('simmerdown');
    const tenantId = tenant.tenant_id;
    const app = createHttpApp({ db: h.db, core: h.core, clientFor: async (t) => h.client(t.slug) });
    const admin = (await createStaffToken(h.db, { tenantId, role: 'admin' })).token;
    const staff = (await createStaffToken(h.db, { tenantId, role: 'staff' })).token;
    const otherAdmin = (await createStaffToken(h.db, { tenantId: tenantOf('testhotel').tenant_id, role: 'admin' })).token;
    const post = async (query, token) => {
      const response = await app.fetch(new Request(`http://mphb.test${BASE}/repair?${query}`, {
        method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {},
      }));
      return { status: response.status, body: await response.json() };
    };
    const planted = await plantBreakage(h.db, tenantId, h.sim.site('simmerdown'));
    const v0 = await versions(h.db);

    expect(await post('tenant_id=simmerdown')).toMatchObject({ status: 401, body: { code: 'unauthenticated' } });
    expect(await post('tenant_id=simmerdown&apply=true', staff)).toMatchObject({ status: 403, body: { code: 'forbidden_role' } });
    expect(await post(`tenant_id=${tenantId}&apply=true`, otherAdmin)).toMatchObject({ status: 403, body: { code: 'forbidden_tenant' } });
    expect(await post('tenant_id=simmerdown&apply=yes', admin)).toMatchObject({ status: 400, body: { code: 'invalid_parameter', field: 'apply' } });

    const dry = await post('tenant_id=simmerdown', admin);
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ mode: 'dry_run', status: 'problems_found', tenant: { tenant_id: tenantId, slug: 'simmerdown' } });
    expect(Object.fromEntries(dry.body.bookings.map((b) => [b.booking_id, b.reason]))).toEqual(Object.fromEntries(planted.expected));
    expectPlantedRows(dry.body, planted);
    expect(await versions(h.db)).toEqual(v0);

    const holder = '00000000-0000-4000-8000-0000000000bb';
    await acquireTenantLock(h.db, tenantId, holder);
    try {
      expect(await post('tenant_id=simmerdown&apply=true', admin)).toMatchObject({ status: 409, body: { code: 'already_running', run_id: holder } });
    } finally {
      await releaseTenantLock(h.db, tenantId, holder);
    }
    expect(await versions(h.db)).toEqual(v0);

    const applied = await post('tenant_id=simmerdown&apply=true', admin);
    expect(applied).toMatchObject({ status: 200, body: { mode: 'apply', status: 'repaired', run_id: expect.any(String) } });
    expect(applied.body.rows).toEqual(dry.body.rows);
    await expectWhole(h.db, tenantId, planted.constraint);
    expect(touchedOwners(v0, await versions(h.db))).toEqual(ownersOf(tenantId, planted.expected));
    expect(await post(`tenant_id=${tenantId}&apply=true`, admin)).toMatchObject({ status: 200, body: { status: 'clean', rows: [] } });
    // No credential in any answer.
    const hotel = h.sim.hotels.find((x) => x.name === 'simmerdown');
    expect(JSON.stringify([dry.body, applied.body])).not.toContain(hotel.keys.readWrite.secret);
  });

  test('CLI process: dry run exit 1 with each row before → after, --apply exit 0, again exit 0; exit 2 for an unknown tenant or no key', async () => {
    // A database of its own that a CLI process can open: a fresh PostgreSQL database, or PGlite on disk
    // (closed while the CLI runs: one process at a time).
    const dataDir = mkdtempSync(join(tmpdir(), 'mphb-repair-cli-'));
    const open = () => (kind === 'postgres' ? openTestDatabase('postgres') : openDatabase({ url: null, dataDir: join(dataDir, 'pglite') }));
    let db = await open();
    const env = kind === 'postgres' ? { DATABASE_URL: db.testUrl } : { DATABASE_URL: '', MPHB_DATA_DIR: dataDir };
    const reopen = async () => {
      if (kind !== 'postgres') db = await open();
      return db;
    };
    const pause = async () => {
      if (kind !== 'postgres') await db.close();
    };
    try {
      const site = h.sim.hotels.find((x) => x.name === 'simmerdown');
      const tenant = await addTenant(db, await createCipher(KEY), {
        slug: 'simmerdown', name: site.title, siteUrl: site.siteUrl, consumerKey: site.keys.readWrite.key, consumerSecret: site.keys.readWrite.secret,
      });
      const client = h.client('simmerdown');
      expect((await runSync({ db, core: h.core, tenant, client })).status).toBe('succeeded');
      const planted = await plantBreakage(db, tenant.tenant_id, h.sim.site('simmerdown'));
      const v0 = await versions(db);
      await pause();

      const dry = await cli(['repair', '--tenant', 'simmerdown'], env);
      expect(dry.code).toBe(1);
      expect(dry.stdout).toMatch(/^repair simmerdown \(dry run\): 5 bookings, 0 accommodation types, 0 accommodations: 5 rows to repair; nothing written/);
      expect(dry.stdout).toContain(`booking ${planted.picks.nullUnit.b} — I1 no-null-unit`);
      expect(dry.stdout).toContain(`guest_reservations: accommodation_unit_id null → "${planted.picks.nullUnit.unit}"`);
      expect(dry.stdout).toContain(`booking ${planted.picks.noRooms.b} — I1 no-null-unit, I2 junction-complete, I7 atomic-booking`);
      expect(dry.stdout).toContain('reservation_accommodations #0: (missing) → inserted');
      expect(dry.stdout).toContain(`reservation_accommodations #1: accommodation_unit_id "${planted.picks.multi.wrong}" → "${planted.picks.multi.right}"`);
      expect(dry.stdout).toContain('guest_reservations: status "active" → "cancelled"');
      expect(dry.stdout).toContain(`booking ${planted.picks.renamed.b} — hash_mismatch`);
      expect(dry.stdout).toContain(`→ "${planted.picks.renamed.name}"`);
      expect(dry.stdout).toMatch(/--apply/);

      const json = await cli(['repair', '--tenant', tenant.tenant_id, '--json'], env);
      expect(json.code).toBe(1);
      const report = JSON.parse(json.stdout);
      expect(report).toMatchObject({ mode: 'dry_run', status: 'problems_found', tenant: { tenant_id: tenant.tenant_id, slug: 'simmerdown' } });
      expect(Object.fromEntries(report.bookings.map((b) => [b.booking_id, b.reason]))).toEqual(Object.fromEntries(planted.expected));
      expectPlantedRows(report, planted);

      await reopen();
      expect(await versions(db)).toEqual(v0);
      await pause();

      const applied = await cli(['repair', '--tenant', 'simmerdown', '--apply'], env);
      expect(applied.code).toBe(0);
      expect(applied.stdout).toMatch(/^repair simmerdown: 5 bookings, 0 accommodation types, 0 accommodations: 5 rows repaired in one transaction \(run [0-9a-f-]{36}\)/);
      const again = await cli(['repair', '--tenant', 'simmerdown', '--apply', '--json'], env);
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ mode: 'apply', status: 'clean', rows: [] });
      const human = await cli(['repair', '--tenant', 'simmerdown'], env);
      expect(human.code).toBe(0);
      expect(human.stdout).toMatch(/nothing to repair/);

      const unknown = await cli(['repair', '--tenant', 'nowhere'], env);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/nowhere/);
      const noKey = await cli(['repair', '--tenant', 'simmerdown'], { ...env, MPHB_ENCRYPTION_KEY: '' });
      expect(noKey.code).toBe(2);
      expect(noKey.stderr).toMatch(/MPHB_ENCRYPTION_KEY/);
      expect((await cli(['repair'], env)).code).toBe(2); // --tenant is required

      await reopen();
      await expectWhole(db, tenant.tenant_id, planted.constraint);
      expect(touchedOwners(v0, await versions(db))).toEqual(ownersOf(tenant.tenant_id, planted.expected));
      const runs = await db.query(`select status, counts from public.sync_runs where tenant_id = $1 and kind = 'repair' order by started_at`, [tenant.tenant_id]);
      expect(runs.map((r) => [r.status, r.counts.rows])).toEqual([['succeeded', 5], ['succeeded', 0]]);
    } finally {
      await db.close().catch(() => {});
    }
  });
});

/** Runs `mphb-sync` as a process. */
const cli = (args, env) => runCli(args, { env: { MPHB_ENCRYPTION_KEY: KEY, ...env } });
