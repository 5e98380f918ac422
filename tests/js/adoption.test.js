// Adoption of a database the old sync wrote (issue 9; docs/adopting.md), against real parts: legacy
// databases written by tests/js/support/legacy_writer.js from simulator hotels exactly as the old sync did,
// on PGlite and PostgreSQL, the real WASM core, the MotoPress simulator. The dry run names every planted
// row with its defect class; --apply gives the tables a clean Sync All gives, plus the platform's data, a
// map row for every legacy row, a green monitor; failures roll back; re-running changes nothing.

import { jest } from '@jest/globals';

import { loadCore } from '../../js/core.js';
import { adoptTenant } from '../../host/adoption/adoption_runner.js';
import { readLegacyTenants } from '../../host/adoption/legacy_reader.js';
import { buildRepointSql } from '../../host/adoption/repoint_sql.js';
import { withinTransaction } from '../../host/db/database.js';
import { startHttpServer } from '../../host/http/node_server.js';
import { checkInvariants } from '../../host/monitor/invariant_checks.js';
import { createMotoPressClient } from '../../host/motopress/motopress_client.js';
import { startSimulator } from '../../host/simulator/simulator_server.js';
import { runSync } from '../../host/sync/sync_runner.js';
import { createCipher } from '../../host/tenants/credential_cipher.js';
import { addTenant } from '../../host/tenants/tenant_store.js';
import { runCli } from './support/cli_process.js';
import { DEFECT_CLASSES, closeLegacyTestDatabase, openLegacyTestDatabase, writeLegacyHotel } from './support/legacy_writer.js';
import { closeTemplates, databaseKinds, openTestDatabase } from './support/test_databases.js';

jest.setTimeout(600_000);

const KEY = Buffer.alloc(32, 9).toString('base64');
const NOW = new Date('2026-11-01T12:00:00Z');
const CLIENT = { retries: 1, sleep: async () => {}, timeoutMs: 10_000 };
const PROFILES = ['indo', 'simmerdown', 'testhotel', 'airbnb-heavy', 'large'];
const SWITCHES = [...DEFECT_CLASSES.filter((c) => c !== 'block_as_guest'), 'sire', 'conversations'];
const ALL = Object.fromEntries([...DEFECT_CLASSES, 'sire', 'conversations'].map((k) => [k, true]));
const solo = (name) => `solo-${name.replace(/_/g, '-')}`;
// Columns that say when a row was written, not what it holds (and the platform's own columns).
const VOLATILE = ['created_at', 'updated_at', 'placeholder_since', 'upstream_gone_at', 'guest_documents', 'staff_notes'];
const OUR_TABLES = ['hotels.accommodation_types', 'hotels.accommodation_units', 'public.guest_reservations', 'public.reservation_accommodations', 'public.calendar_blocks'];

afterAll(() => closeTemplates());

/** The report's rows with a class, in the manifest's terms. */
function reported(report, cls) {
  if (cls === 'missing_booking') return report.missing_bookings.map((m) => m.booking_id).sort((a, b) => a - b);
  if (cls === 'auto_created_unit') return report.legacy_units.filter((u) => u.defects.includes(cls)).map((u) => u.legacy_id).sort();
  return report.legacy_rows.filter((r) => r.defects.includes(cls)).map((r) => r.legacy_id).sort();
}
function planted(manifest, cls) {
  const list = manifest.planted[cls] ?? [];
  if (cls === 'missing_booking') return list.map((p) => Number(p.booking_id)).sort((a, b) => a - b);
  return [...new Set(list.map((p) => p.legacy_id))].sort();
}

/** Every row of our tables for a tenant, without write times, in id order. */
async function contents(db, tenantId) {
  const out = {};
  for (const table of OUR_TABLES) {
    const rows = await db.query(`select (to_jsonb(t) ${VOLATILE.map((c) => `- '${c}'`).join(' ')})::text as row from ${table} t where tenant_id = $1 order by id`, [tenantId]);
    out[table] = rows.map((r) => JSON.parse(r.row));
  }
  return out;
}

/** Everything in mphb-sync's tables, to prove a failed apply changed nothing. */
async function snapshot(db) {
  const out = {};
  for (const table of [...OUR_TABLES, 'public.tenant_registry', 'public.integration_configs', 'public.sync_runs', 'public.sync_locks', 'public.legacy_reservation_map']) {
    out[table] = (await db.query(`select to_jsonb(t)::text as row from ${table} t order by 1`)).map((r) => r.row);
  }
  return out;
}

describe.each(databaseKinds())('adoption on %s', (kind) => {
  let db;
  let sim;
  let core;
  let cipher;
  const manifests = {};
  const dryRuns = {};

  const hotel = (name) => sim.hotels.find((h) => h.name === name);
  const legacyTenant = async (slug) => (await readLegacyTenants(db, 'legacy')).find((t) => t.slug === slug);
  const adopt = async (slug, options = {}) => adoptTenant({
    db, legacyDb: db, schema: 'legacy', core, cipher, legacyTenant: await legacyTenant(slug), clientOptions: CLIENT, clock: () => NOW, ...options,
  });
  async function write(name, defects) {
    const h = hotel(name);
    manifests[name] = await writeLegacyHotel(db, { schema: 'legacy', slug: name, name: h.title, site: sim.site(name), siteUrl: h.siteUrl, keys: h.keys.readWrite, defects });
    return manifests[name];
  }

  beforeAll(async () => {
    const hotels = [...PROFILES.map((p) => (p === 'large' ? 'large=large:300' : p)), ...SWITCHES.map((s) => `${solo(s)}=simmerdown`),
      'secret=indo', 'faulty=testhotel', 'dbfail=testhotel', 'cli=indo'];
    [db, sim, core, cipher] = await Promise.all([openLegacyTestDatabase(kind), startSimulator({ hotels: hotels.join(','), seed: 1 }), loadCore(), createCipher(KEY)]);
    for (const p of PROFILES) await write(p, ALL);
    for (const s of SWITCHES) await write(solo(s), { [s]: true });
    await write('secret', { encrypted_secret: true });
    await write('faulty', {});
    await write('dbfail', { sire: true });
    await write('cli', { conversations: true, sire: true });
  });
  afterAll(async () => {
    await sim?.stop();
    await closeLegacyTestDatabase(db);
  });

  describe.each(SWITCHES)('the %s switch alone (simmerdown)', (s) => {
    test('the dry run names exactly the rows of every class the legacy writer planted, and writes nothing', async () => {
      const before = await snapshot(db);
      const report = await adopt(solo(s));
      expect(report.status).toBe('planned');
      for (const cls of DEFECT_CLASSES) expect({ cls, rows: reported(report, cls) }).toEqual({ cls, rows: planted(manifests[solo(s)], cls) });
      if (DEFECT_CLASSES.includes(s)) expect(reported(report, s).length).toBeGreaterThan(0);
      expect(report.legacy_rows).toHaveLength(manifests[solo(s)].rows.reservations);
      expect(await snapshot(db)).toEqual(before);
    });
  });

  describe.each(PROFILES)('every class at once: %s', (name) => {
    let report;
    let dry;
    beforeAll(async () => {
      dry = await adopt(name);
      dryRuns[name] = dry;
      report = await adopt(name, { apply: true });
    });

    test('the dry run names every planted row with its class and what adoption does with it', () => {
      expect(dry.status).toBe('planned');
      for (const cls of DEFECT_CLASSES) expect({ cls, rows: reported(dry, cls) }).toEqual({ cls, rows: planted(manifests[name], cls) });
      for (const cls of DEFECT_CLASSES) expect(dry.classes[cls].count).toBe(cls === 'missing_booking' ? dry.missing_bookings.length : reported(dry, cls).length);
      for (const r of dry.legacy_rows) expect(['adopted', 'merged', 'calendar_block', 'gone']).toContain(r.outcome);
      for (const r of dry.legacy_rows.filter((x) => x.defects.includes('block_as_guest'))) expect(r.outcome).toBe('calendar_block');
      for (const r of dry.legacy_rows.filter((x) => x.defects.includes('duplicate_rows'))) expect(r.outcome).toBe('merged');
    });

    test('--apply: the tables equal a clean Sync All of the same hotel', async () => {
      expect(report.status).toBe('adopted');
      const clean = await openTestDatabase(kind);
      try {
        const h = hotel(name);
        const tenant = await addTenant(clean, cipher, { tenantId: report.tenant.tenant_id, slug: name, name: h.title, siteUrl: h.siteUrl, consumerKey: h.keys.readWrite.key, consumerSecret: h.keys.readWrite.secret });
        const client = createMotoPressClient({ siteUrl: h.siteUrl, consumerKey: h.keys.readWrite.key, consumerSecret: h.keys.readWrite.secret, tenant: name, ...CLIENT });
        await runSync({ db: clean, core, tenant, client, clock: () => NOW });
        const adopted = await contents(db, report.tenant.tenant_id);
        const expected = await contents(clean, report.tenant.tenant_id);
        for (const table of OUR_TABLES) expect({ table, rows: adopted[table] }).toEqual({ table, rows: expected[table] });
        expect(adopted['public.guest_reservations'].length).toBeGreaterThan(0);
      } finally {
        await clean.close();
      }
    });

    test('--apply: the map accounts for every legacy row, the platform data is carried, the monitor is green', async () => {
      const map = await db.query('select legacy_id::text as legacy_id, outcome, reservation_id, calendar_block_id from public.legacy_reservation_map where tenant_id = $1', [report.tenant.tenant_id]);
      const legacy = await db.query('select id::text as id from legacy.guest_reservations where tenant_id = $1', [report.tenant.tenant_id]);
      expect(map.map((m) => m.legacy_id).sort()).toEqual(legacy.map((l) => l.id).sort());
      expect(report.monitor.ok).toBe(true);
      expect((await checkInvariants(db, report.tenant.tenant_id)).ok).toBe(true);
      for (const c of report.carry) {
        const [r] = await db.query('select guest_documents, staff_notes from public.guest_reservations where id = $1', [c.reservation_id]);
        expect(r.guest_documents).toEqual(c.guest_documents);
      }
      // Every SIRE row the writer filled is carried or reported as not placed — never lost silently.
      const carried = new Set(report.carry.flatMap((c) => c.legacy_ids));
      const unplaced = new Set(report.unplaced_platform_data.map((u) => u.legacy_id));
      for (const s of manifests[name].sire) expect(carried.has(s.legacy_id) || unplaced.has(s.legacy_id)).toBe(true);
    });

    test('re-running adopt changes nothing and says so', async () => {
      const before = await snapshot(db);
      const again = await adopt(name, { apply: true });
      expect(again.status).toBe('already_adopted');
      expect(again.message).toMatch(/nothing to do/);
      expect(await snapshot(db)).toEqual(before);
    });
  });

  test('the INDO production case: the booking of the newest unit gets its unit and rooms, its guest logs in and the answer names the unit', async () => {
    // The booking of the newest unit, as adopted; in the legacy tables it had no unit and no rooms.
    const [row] = await db.query(`select r.id, r.external_booking_id, r.accommodation_unit_id, r.check_in_date::text as check_in_date, r.phone_last_4, u.name as unit
      from hotels.accommodation_units u join public.guest_reservations r on r.accommodation_unit_id = u.id
      where u.tenant_id = $1 and not u.is_placeholder order by u.mphb_accommodation_id desc, r.booked_at desc limit 1`, [manifests.indo.tenantId]);
    const bookingId = Number(row.external_booking_id);
    expect(manifests.indo.planted.null_unit.map((p) => Number(p.booking_id))).toContain(bookingId);
    expect(manifests.indo.planted.junction_missing.map((p) => Number(p.booking_id))).toContain(bookingId);
    expect(dryRuns.indo.legacy_rows.find((r) => r.booking_id === bookingId).defects).toEqual(expect.arrayContaining(['null_unit', 'junction_missing']));
    expect(row.unit).toBe('Bungalow 2');
    const rooms = await db.query('select accommodation_unit_id from public.reservation_accommodations where reservation_id = $1', [row.id]);
    expect(rooms.map((r) => r.accommodation_unit_id)).toEqual([row.accommodation_unit_id]);
    const server = await startHttpServer({ db, core, encryptionKey: KEY, port: 0, clock: () => NOW });
    try {
      const login = await fetch(`${server.url}/api/guest/login?tenant_id=indo`, { method: 'POST', body: JSON.stringify({ check_in_date: row.check_in_date, phone_last_4: row.phone_last_4 }) });
      expect(login.status).toBe(200);
      const { token } = await login.json();
      const ask = await fetch(`${server.url}/api/guest/ask`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ question: '¿Qué tipo de habitación tengo?' }) });
      const answer = await ask.json();
      expect(answer.answered).toBe(true);
      expect(answer.answer).toContain('Bungalow 2');
    } finally {
      await server.stop();
    }
  });

  test('SIRE data on both rows of a duplicate pair: both kept on the one reservation, and the report says so', async () => {
    const dupes = new Map();
    for (const p of manifests.simmerdown.planted.duplicate_rows) dupes.set(p.booking_id, [...(dupes.get(p.booking_id) ?? []), p.legacy_id]);
    const sire = new Set(manifests.simmerdown.sire.map((s) => s.legacy_id));
    const [bookingId, legacyIds] = [...dupes].find(([, ids]) => ids.every((id) => sire.has(id)));
    const [r] = await db.query('select guest_documents from public.guest_reservations where tenant_id = $1 and external_booking_id = $2', [manifests.simmerdown.tenantId, bookingId]);
    expect(r.guest_documents.map((d) => d.legacy_id).sort()).toEqual([...legacyIds].sort());
    expect(dryRuns.simmerdown.warnings.some((w) => w.code === 'platform_data_kept_both' && w.message.includes(`booking ${bookingId}:`))).toBe(true);
  });

  test('a legacy booking deleted upstream and a past booking the old sync skipped', async () => {
    const report = await adopt(solo('unknown_upstream'));
    for (const p of manifests[solo('unknown_upstream')].planted.unknown_upstream) {
      const row = report.legacy_rows.find((r) => r.legacy_id === p.legacy_id);
      expect(row).toMatchObject({ outcome: 'gone', reservation_id: null });
      expect(row.upstream_status === 'deleted' || row.booking_id === null || row.upstream_status === null).toBe(true);
    }
    const missing = await adopt(solo('missing_booking'));
    const skipped = manifests[solo('missing_booking')].planted.missing_booking.map((p) => Number(p.booking_id));
    expect(missing.missing_bookings.map((m) => m.booking_id)).toEqual(expect.arrayContaining(skipped));
    const applied = await adopt(solo('missing_booking'), { apply: true });
    expect(applied.status).toBe('adopted');
    const rows = await db.query('select external_booking_id from public.guest_reservations where tenant_id = $1 union select external_booking_id from public.calendar_blocks where tenant_id = $1', [applied.tenant.tenant_id]);
    const present = new Set(rows.map((r) => Number(r.external_booking_id)));
    for (const id of skipped) expect(present.has(id)).toBe(true);
  });

  test('a legacy tenant whose secret cannot be read is reported, not guessed, and nothing is written', async () => {
    const before = await snapshot(db);
    const report = await adopt('secret', { apply: true });
    expect(report.status).toBe('unreadable_credentials');
    expect(report.message).toMatch(/encrypted/);
    expect(await snapshot(db)).toEqual(before);
  });

  test('a MotoPress failure mid-apply leaves the target exactly as before; the rerun adopts', async () => {
    const before = await snapshot(db);
    sim.setFaults('faulty:bookings:status=503@2+');
    let report;
    try {
      // The dry-run part reads page 1 only; the Sync All inside the transaction meets the fault.
      report = await adopt('faulty', { apply: true, clientOptions: { ...CLIENT, retries: 0 } });
    } finally {
      sim.setFaults([]);
    }
    expect(report.status).toBe('failed');
    expect(await snapshot(db)).toEqual(before);
    const rerun = await adopt('faulty', { apply: true });
    expect(rerun.status).toBe('adopted');
    expect(rerun.monitor.ok).toBe(true);
  });

  test('a database error mid-apply leaves the target exactly as before; the rerun adopts', async () => {
    const before = await snapshot(db);
    // The map insert fails, after the Sync All and the platform data were written in the same transaction.
    const failing = {
      ...db,
      transaction: (fn) => db.transaction((tx) => fn({
        ...tx,
        query: (text, params) => (/insert into public\.legacy_reservation_map/.test(text) ? Promise.reject(new Error('simulated: connection lost')) : tx.query(text, params)),
      })),
    };
    const report = await adoptTenant({ db: failing, legacyDb: db, schema: 'legacy', core, cipher, legacyTenant: await legacyTenant('dbfail'), clientOptions: CLIENT, clock: () => NOW, apply: true });
    expect(report.status).toBe('failed');
    expect(report.message).toMatch(/rolled back/);
    expect(await snapshot(db)).toEqual(before);
    expect((await adopt('dbfail', { apply: true })).status).toBe('adopted');
  });

  test('the re-point SQL moves every conversation of an adopted row and lists, never drops, the others', async () => {
    const report = await adopt('cli', { apply: true });
    expect(report.status).toBe('adopted');
    const conversations = manifests.cli.conversations;
    const map = new Map((await db.query('select legacy_id::text as legacy_id, reservation_id, outcome from public.legacy_reservation_map')).map((m) => [m.legacy_id, m]));
    const { sql, references } = await buildRepointSql(db, { schema: 'legacy' });
    expect(references.map((r) => r.table).sort()).toEqual(['public.chat_conversations', 'public.guest_conversations']);
    const orphans = conversations.filter((c) => !map.get(c.legacy_id)?.reservation_id);
    expect(orphans.length).toBeGreaterThan(0); // the block-as-guest and the gone booking of the writer
    for (const o of orphans) expect(sql).toContain(`id ${o.id} → legacy ${o.legacy_id}`);
    const counts = async () => (await db.query('select (select count(*) from public.guest_conversations)::int as g, (select count(*) from public.chat_conversations)::int as c'))[0];
    const before = await counts();
    // As a platform runs it (psql -f); postgres.js wants its own transaction instead of BEGIN/COMMIT.
    await db.transaction((tx) => tx.exec(sql.replace(/^begin;$/m, '').replace(/^commit;$/m, '')));
    expect(await counts()).toEqual(before);
    for (const c of conversations) {
      const column = c.table === 'guest_conversations' ? 'guest_id' : 'reservation_id';
      const [row] = await db.query(`select ${column}::text as ref from public.${c.table} where id = $1`, [c.id]);
      const target = map.get(c.legacy_id)?.reservation_id;
      expect(row.ref).toBe(target ?? c.legacy_id);
    }
  });

  test('a database error inside withinTransaction rolls back only its savepoint', async () => {
    await db.transaction(async (tx) => {
      const inner = withinTransaction(tx, db.kind);
      await expect(inner.transaction(async (t) => { await t.query('select 1/0'); })).rejects.toThrow();
      expect((await inner.query('select 1 as ok'))[0].ok).toBe(1);
    });
  });

  // Faults and commands that exist only on a server: registered for PostgreSQL alone (not skipped on PGlite).
  const pgOnly = (name, fn, timeout) => (kind === 'postgres' ? test(name, fn, timeout) : undefined);
  pgOnly('the CLI: dry run, --json, exit codes', async () => {
    const run = (args, env = {}) => runCli(['adopt', ...args], { env: { DATABASE_URL: db.testUrl, MPHB_ENCRYPTION_KEY: KEY, ...env } });
    const dry = await run(['--tenant', solo('null_unit')]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/null_unit\s+\d+ legacy rows, e\.g\. bookings \d+/);
    expect(dry.stdout).toMatch(/becomes a calendar block/);
    const json = await run(['--tenant', solo('null_unit'), '--json']);
    expect(JSON.parse(json.stdout).tenants[0].status).toBe('planned');
    expect((await run([])).code).toBe(2);
    const unknown = await run(['--tenant', 'nowhere']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no legacy tenant "nowhere"/);
    expect((await run(['--tenant', 'secret'])).code).toBe(1);
    expect((await run(['--all', '--legacy-schema', 'nope'])).stderr).toMatch(/lacks the legacy tables/);
    const emitted = await run(['--emit-repoint-sql']);
    expect(emitted.code).toBe(0);
    expect(emitted.stdout).toMatch(/^-- mphb-sync adopt --emit-repoint-sql/);
  });
});
