// The legacy writer (tests/js/support/legacy_writer.js) writes what ../shared/legacy/README.md says the old
// sync wrote, and its manifest tells the truth. Every check here is computed independently: the README's
// rules re-stated below, upstream as it was before the write (and as it is after), and plain SQL.
import { jest } from '@jest/globals';

import { startSimulator } from '../../host/simulator/simulator_server.js';
import {
  closeLegacyTestDatabase, DEFECT_CLASSES, legacyTables, MOVE_ASIDE_SQL, openLegacyTestDatabase, openPublicLegacyDatabase,
  writeLegacyHotel,
} from './support/legacy_writer.js';
import { databaseKinds } from './support/test_databases.js';

jest.setTimeout(120000);

const HOTELS = 'indo,simmerdown,testhotel,airbnb-heavy,large=large:300';
const TODAY = '2026-11-01';
const LAST_DAY = '2028-11-01';
const ALL = Object.fromEntries([...DEFECT_CLASSES, 'sire', 'conversations', 'encrypted_secret'].map((k) => [k, true]));
const PROFILES = [
  { hotel: 'indo', tenantId: '1e9a0001-0000-4000-8000-000000000001', defects: {} },
  { hotel: 'simmerdown', tenantId: '1e9a0001-0000-4000-8000-000000000002', defects: ALL },
  { hotel: 'testhotel', tenantId: '1e9a0001-0000-4000-8000-000000000003', defects: ALL },
  { hotel: 'airbnb-heavy', tenantId: '1e9a0001-0000-4000-8000-000000000004', defects: { sire: true, conversations: true } },
  { hotel: 'large', tenantId: '1e9a0001-0000-4000-8000-000000000005', defects: ALL },
];
const TYPICAL_TENANT = (p) => p.tenantId.replace(/^1e9a0001/, '1e9a0002');
// Classes the typical old-sync database never has; all others it has by construction.
const SWITCH_ONLY = ['junction_partial', 'junction_duplicate', 'duplicate_rows', 'stale_status', 'unknown_upstream'];
const LIVE = ['active', 'pending_admin', 'pending_payment', 'pending'];

// ----- the README's rules, re-stated

const unq = (s) => String(s ?? '').trim().replace(/^"(.*)"$/s, '$1');
function blockRecord(r) {
  const c = r.customer;
  const empty = Object.values(c).every((v) => v === '') && r.reserved_accommodations.every((x) => !x.guest_name);
  return r.imported && empty && unq(r.ical_description) === '' && /not available|blocked|closed|unavailable/i.test(unq(r.ical_summary));
}
function readmeRow(r) {
  const c = r.customer;
  const room = r.reserved_accommodations[0];
  const name = [c.first_name.trim(), c.last_name.trim()].filter((s) => s.length > 0).join(' ') || room.guest_name.trim() || 'Guest';
  const digits = c.phone.replace(/[^0-9]/g, '');
  const status = { confirmed: 'active', pending: 'pending_admin', 'pending-payment': 'pending_payment', 'pending-user': 'pending' }[r.status];
  return {
    guest_name: name,
    phone_last_4: digits.length >= 4 ? digits.slice(digits.length - 4) : '0000',
    phone_full: c.phone.trim() === '' ? 'N/A' : c.phone.trim(),
    reservation_code: (r.ical_description.match(/[A-Z0-9]{10,}/) ?? [null])[0],
    currency: r.currency || 'COP',
    booking_source: r.ical_description.includes('airbnb.com') ? 'mphb-airbnb' : 'motopress',
    status,
    adults: room.adults,
    children: room.children,
    check_in_date: r.check_in_date,
    check_out_date: r.check_out_date,
  };
}
/** Would the old sync write this booking (as upstream was before the write)? */
function inWindow(b) {
  if (['trash', 'cancelled', 'abandoned'].includes(b.status)) return false;
  return b.record.check_in_date >= TODAY && b.record.check_in_date <= LAST_DAY;
}
const entries = (rows) => rows.map((r) => ({ legacy_id: r.legacy_id ?? null, booking_id: r.booking_id ?? null }))
  .sort((a, b) => (a.booking_id ?? Infinity) - (b.booking_id ?? Infinity) || String(a.legacy_id).localeCompare(String(b.legacy_id)));
const ids = (list) => list.map((e) => e.booking_id);

function snapshot(site) {
  return new Map(site.list('bookings').map((e) => [e.record.id, { status: e.meta.post_status, created: e.meta.created_gmt, record: structuredClone({ ...e.record, status: e.meta.post_status }) }]));
}

function write(db, sim, p, { tenantId = p.tenantId, slug = p.hotel, defects = p.defects, schema = 'legacy', siteUrl } = {}) {
  const h = sim.hotels.find((x) => x.name === p.hotel);
  return writeLegacyHotel(db, { schema, tenantId, slug, name: h.title, site: sim.site(p.hotel), siteUrl: siteUrl ?? h.siteUrl, keys: h.keys.readWrite, defects });
}

/** Every legacy row of a tenant, table by table, in id order. */
async function dump(db, schema, tenantId) {
  const t = legacyTables(schema);
  const q = (sql) => db.query(sql, [tenantId]);
  return {
    tenant: await q(`select * from ${t.tenantRegistry} where tenant_id::text = $1`),
    config: await q(`select * from ${t.integrationConfigs} where tenant_id::text = $1 order by id`),
    history: await q(`select * from ${t.syncHistory} where tenant_id::text = $1 order by id`),
    units: await q(`select * from ${t.units} where tenant_id = $1 order by id`),
    reservations: await q(`select * from ${t.reservations} where tenant_id = $1 order by id`),
    junction: await q(`select j.* from ${t.junction} j join ${t.reservations} r on r.id = j.reservation_id where r.tenant_id = $1 order by j.id`),
    guestConversations: await q(`select * from ${t.guestConversations} where tenant_id = $1 order by id`),
    chatConversations: await q(`select * from ${t.chatConversations} where tenant_id = $1 order by id`),
  };
}

describe.each(databaseKinds())('legacy writer on %s', (kind) => {
  const T = legacyTables('legacy');
  let db;
  let db2;
  let sim;
  let simB;
  const before = {};
  const manifests = {};
  const typical = {};
  const twins = {};

  beforeAll(async () => {
    [db, db2, sim, simB] = await Promise.all([
      openLegacyTestDatabase(kind), openPublicLegacyDatabase(kind),
      startSimulator({ hotels: HOTELS, seed: 1 }), startSimulator({ hotels: HOTELS, seed: 1 }),
    ]);
    for (const p of PROFILES) before[p.hotel] = snapshot(sim.site(p.hotel));
    for (const p of PROFILES) manifests[p.hotel] = await write(db, sim, p);
    // A second database (legacy tables where the platform had them) and a second, identical simulator:
    // first the typical database of each profile (it edits nothing upstream), then the very same write.
    for (const p of PROFILES) typical[p.hotel] = await write(db2, simB, p, { tenantId: TYPICAL_TENANT(p), slug: `${p.hotel}-typical`, defects: {}, schema: 'public' });
    // The same inputs: simB serves on another port, so give it simA's site URL (the keys are the seed's).
    for (const p of PROFILES) twins[p.hotel] = await write(db2, simB, p, { schema: 'public', siteUrl: sim.hotels.find((x) => x.name === p.hotel).siteUrl });
  });

  afterAll(async () => {
    await Promise.all([sim?.stop(), simB?.stop()]);
    if (db) await closeLegacyTestDatabase(db);
    if (db2) await closeLegacyTestDatabase(db2);
  });

  test('the legacy tables sit in `legacy`, the platform tables in public point at them, and mphb-sync migrated after', async () => {
    expect(MOVE_ASIDE_SQL).toMatch(/create schema if not exists legacy;/);
    for (const table of ['public.tenant_registry', 'public.integration_configs', 'hotels.accommodation_units', 'public.guest_reservations', 'public.reservation_accommodations']) {
      expect(MOVE_ASIDE_SQL).toContain(`alter table ${table} set schema legacy;`);
    }
    const tables = await db.query(`select table_schema || '.' || table_name as t from information_schema.tables
      where table_schema in ('legacy', 'public', 'hotels') and table_type = 'BASE TABLE' order by 1`);
    const names = tables.map((r) => r.t);
    expect(names.filter((n) => n.startsWith('legacy.'))).toEqual([
      'legacy.accommodation_units', 'legacy.guest_reservations', 'legacy.integration_configs', 'legacy.reservation_accommodations', 'legacy.tenant_registry']);
    expect(names).toEqual(expect.arrayContaining(['public.guest_conversations', 'public.chat_conversations', 'public.sync_history',
      'public.tenant_registry', 'public.guest_reservations', 'hotels.accommodation_units', 'hotels.accommodation_types', 'public.calendar_blocks']));
    const fks = await db.query(`select conrelid::regclass::text as t, confrelid::regclass::text as target from pg_constraint
      where contype = 'f' and conrelid::regclass::text in ('guest_conversations', 'chat_conversations', 'sync_history', 'public.guest_conversations', 'public.chat_conversations', 'public.sync_history')
      order by 1`);
    expect(fks.map((r) => [r.t.replace(/^public\./, ''), r.target])).toEqual([
      ['chat_conversations', 'legacy.guest_reservations'], ['guest_conversations', 'legacy.guest_reservations'], ['sync_history', 'legacy.tenant_registry']]);
    const [{ n }] = await db.query('select count(*)::int as n from public.mphb_schema_migrations');
    expect(n).toBeGreaterThan(0);
    // mphb-sync's own tables are empty: the writer touched only legacy and platform tables.
    const [{ r }] = await db.query('select count(*)::int as r from public.guest_reservations');
    expect(r).toBe(0);
    await expect(writeLegacyHotel(db, { slug: 'x', site: sim.site('indo'), siteUrl: 'http://x', keys: { key: 'k', secret: 's' }, defects: { typo: true } }))
      .rejects.toThrow(/unknown defect switch typo/);
  });

  describe.each(PROFILES)('$hotel', (p) => {
    const tenant = p.tenantId;
    const site = () => sim.site(p.hotel);
    const reservations = () => db.query(`select id, external_booking_id::int as booking, guest_name, phone_full, phone_last_4, check_in_date::text as check_in_date,
        check_out_date::text as check_out_date, reservation_code, status, currency, booking_source, adults, children, accommodation_unit_id, tenant_id
      from ${T.reservations} where tenant_id = $1 order by id`, [tenant]);

    test('tenant, credentials and row counts add up', async () => {
      const m = manifests[p.hotel];
      const h = sim.hotels.find((x) => x.name === p.hotel);
      const [reg] = await db.query(`select slug, subdomain, nombre_comercial, features from ${T.tenantRegistry} where tenant_id = $1`, [tenant]);
      expect(reg).toMatchObject({ slug: p.hotel, subdomain: p.hotel, nombre_comercial: h.title });
      expect(reg.features.guest_chat_enabled).toBe(true);
      expect(typeof reg.features.sire_hotel_code === 'string').toBe(p.defects.sire === true);
      const [cfg] = await db.query(`select integration_type, config_data from ${T.integrationConfigs} where tenant_id = $1`, [tenant]);
      expect(cfg.integration_type).toBe('motopress');
      if (p.defects.encrypted_secret) {
        expect(Object.keys(cfg.config_data).sort()).toEqual(['consumer_key_encrypted', 'consumer_secret_encrypted', 'site_url']);
        expect(cfg.config_data.site_url).toBe(h.siteUrl);
        expect(JSON.stringify(cfg.config_data)).not.toContain(h.keys.readWrite.secret);
        expect(cfg.config_data.consumer_secret_encrypted).toMatch(/^[A-Za-z0-9+/=:]+$/);
      } else {
        expect(cfg.config_data).toEqual({ site_url: h.siteUrl, consumer_key: h.keys.readWrite.key, consumer_secret: h.keys.readWrite.secret });
      }
      const count = async (sql) => (await db.query(sql, [tenant]))[0].n;
      expect(await count(`select count(*)::int as n from ${T.reservations} where tenant_id = $1`)).toBe(m.rows.reservations);
      expect(await count(`select count(*)::int as n from ${T.junction} j join ${T.reservations} r on r.id = j.reservation_id where r.tenant_id = $1`)).toBe(m.rows.junction);
      expect(await count(`select count(*)::int as n from ${T.units} where tenant_id = $1`)).toBe(m.rows.units);
      expect(await count(`select (select count(*) from public.guest_conversations where tenant_id = $1) + (select count(*) from public.chat_conversations where tenant_id = $1) as n`).then(Number)).toBe(m.rows.conversations);
      // Rows = bookings written (a few of them twice) + rows for bookings MotoPress does not have.
      const rows = await reservations();
      const distinct = new Set(rows.map((r) => r.booking));
      expect(rows.length).toBe(distinct.size + m.planted.duplicate_rows.length - new Set(ids(m.planted.duplicate_rows)).size);
      const upstream = before[p.hotel];
      const window = [...upstream.values()].filter(inWindow).map((b) => b.record.id);
      const missingInWindow = window.filter((id) => !distinct.has(id));
      expect(missingInWindow.every((id) => ids(m.planted.missing_booking).includes(id))).toBe(true);
      expect(distinct.size).toBe(window.length - missingInWindow.length + [...distinct].filter((id) => !upstream.has(id)).length);
      expect(m.bookingsSkipped).toEqual([...upstream.keys()].filter((id) => !distinct.has(id)).sort((a, b) => a - b));
    });

    test('cancelled, abandoned, trashed, past and far-future bookings are absent; every row follows the README', async () => {
      const m = manifests[p.hotel];
      const upstream = before[p.hotel];
      const rows = await reservations();
      const placeholders = new Set(m.planted.placeholder_phone.map((e) => e.legacy_id));
      let blocks = 0;
      for (const row of rows) {
        expect(row.tenant_id).toBe(tenant);
        const b = upstream.get(row.booking);
        if (!b) {
          expect(ids(m.planted.unknown_upstream)).toContain(row.booking); // invented: MotoPress never had it
          continue;
        }
        expect(inWindow(b)).toBe(true);
        const want = readmeRow(b.record);
        const got = { ...row };
        if (placeholders.has(row.id) && got.phone_last_4 !== want.phone_last_4) {
          expect([got.phone_last_4, got.phone_full]).toEqual(['0000', 'N/A']); // planted: a real phone lost
          Object.assign(got, { phone_last_4: want.phone_last_4, phone_full: want.phone_full });
        }
        expect(got).toMatchObject(want);
        if (blockRecord(b.record)) {
          blocks += 1;
          expect([row.status, row.guest_name, row.phone_last_4, row.phone_full]).toEqual(['active', 'Guest', '0000', 'N/A']);
        }
      }
      const windowBlocks = [...upstream.values()].filter((b) => inWindow(b) && blockRecord(b.record));
      expect(windowBlocks.length).toBeGreaterThan(0);
      const written = new Set(rows.map((r) => r.booking));
      const unwritten = windowBlocks.filter((b) => !written.has(b.record.id)).map((b) => b.record.id);
      expect(blocks).toBe(rows.filter((r) => windowBlocks.some((b) => b.record.id === r.booking)).length);
      expect(unwritten.every((id) => m.skipReasons[id] === 'sync_error')).toBe(true); // only the missing_booking switch skips a block
      const gone = [...upstream.values()].filter((b) => !inWindow(b)).map((b) => b.record.id);
      expect(gone.length).toBeGreaterThan(0);
      expect(rows.filter((r) => gone.includes(r.booking))).toEqual([]);
    });

    test('units: one row per type from the accommodations sync, one auto-created row per type for the junction', async () => {
      const m = manifests[p.hotel];
      const types = site().list('accommodation_types').filter((e) => e.meta.post_status !== 'trash');
      const title = new Map(types.map((e) => [e.record.id, e.record.title]));
      const perType = await db.query(`select motopress_unit_id as type, name, tenant_id from ${T.units} where tenant_id = $1 and motopress_type_id is null order by 1`, [tenant]);
      expect(perType.map((r) => [r.type, r.name, r.tenant_id])).toEqual(types.map((e) => [e.record.id, e.record.title, tenant]).sort((a, b) => a[0] - b[0]));
      const auto = await db.query(`select motopress_type_id as type, name, motopress_unit_id from ${T.units} where tenant_id = $1 and motopress_type_id is not null`, [tenant]);
      expect(auto.length).toBeGreaterThan(0);
      const perTypeCount = new Map();
      for (const u of auto) {
        expect(u.motopress_unit_id).toBeNull();
        expect([title.get(u.type), `Alojamiento ${u.type}`]).toContain(u.name);
        perTypeCount.set(u.type, (perTypeCount.get(u.type) ?? 0) + 1);
      }
      const twice = [...perTypeCount.values()].filter((n) => n > 1);
      if (p.defects.auto_created_unit) expect(twice).toEqual([2]);
      else expect(twice).toEqual([]);
      expect(perType.length + auto.length).toBe(m.rows.units);
      // Junction rows: rooms of the booking (unit id, type id, rate id), each on an auto-created row of that type.
      const junction = await db.query(`select r.external_booking_id::int as booking, j.motopress_accommodation_id as unit, j.motopress_type_id as type,
          j.room_rate::int as rate, u.motopress_type_id as unit_type, u.tenant_id as unit_tenant
        from ${T.junction} j join ${T.reservations} r on r.id = j.reservation_id left join ${T.units} u on u.id = j.accommodation_unit_id
        where r.tenant_id = $1`, [tenant]);
      for (const j of junction) {
        expect([j.unit_type, j.unit_tenant]).toEqual([j.type, tenant]);
        const b = before[p.hotel].get(j.booking);
        if (b) expect(b.record.reserved_accommodations.map((x) => `${x.accommodation}/${x.accommodation_type}/${x.rate}`)).toContain(`${j.unit}/${j.type}/${j.rate}`);
      }
      // A reservation's unit, when set, is a row of room 0's type.
      const units = await db.query(`select r.external_booking_id::int as booking, coalesce(u.motopress_type_id, u.motopress_unit_id) as type
        from ${T.reservations} r join ${T.units} u on u.id = r.accommodation_unit_id where r.tenant_id = $1`, [tenant]);
      for (const u of units) {
        const b = before[p.hotel].get(u.booking);
        if (b) expect(u.type).toBe(b.record.reserved_accommodations[0].accommodation_type);
      }
    });

    test('the manifest lists exactly the rows that have each defect class', async () => {
      const m = manifests[p.hotel];
      const s = site();
      const q = (sql, params = []) => db.query(sql, [tenant, ...params]);
      const R = T.reservations;
      const typeIds = s.list('accommodation_types').map((e) => e.record.id);
      const rows = await q(`select id as legacy_id, external_booking_id::int as booking_id, status from ${R} where tenant_id = $1`);
      // Distinct rooms in the junction against the booking's rooms — known only while MotoPress still has the booking.
      const junctionCount = new Map((await q(`select r.id, count(distinct j.motopress_accommodation_id)::int as n from ${R} r left join ${T.junction} j on j.reservation_id = r.id
        where r.tenant_id = $1 group by r.id`)).map((r) => [r.id, r.n]));
      const roomsOf = (bookingId) => s.get('bookings', bookingId)?.record.reserved_accommodations.length ?? 0;
      const expected = {
        null_unit: await q(`select id as legacy_id, external_booking_id::int as booking_id from ${R} where tenant_id = $1 and accommodation_unit_id is null`),
        junction_missing: await q(`select id as legacy_id, external_booking_id::int as booking_id from ${R} r where tenant_id = $1
          and not exists (select 1 from ${T.junction} j where j.reservation_id = r.id)`),
        junction_partial: rows.filter((r) => junctionCount.get(r.legacy_id) > 0 && junctionCount.get(r.legacy_id) < roomsOf(r.booking_id)),
        junction_duplicate: await q(`select distinct r.id as legacy_id, r.external_booking_id::int as booking_id from ${R} r join ${T.junction} j on j.reservation_id = r.id
          where r.tenant_id = $1 group by r.id, j.motopress_accommodation_id having count(*) > 1`),
        unit_is_type: await q(`select r.id as legacy_id, r.external_booking_id::int as booking_id from ${R} r join ${T.units} u on u.id = r.accommodation_unit_id
          where r.tenant_id = $1 and (u.motopress_type_id is not null or u.motopress_unit_id = any($2::int[]))`, [typeIds]),
        auto_created_unit: await q(`select id as legacy_id, null::int as booking_id from ${T.units} where tenant_id = $1 and motopress_type_id is not null`),
        duplicate_rows: await q(`select id as legacy_id, external_booking_id::int as booking_id from ${R} where tenant_id = $1 and external_booking_id in
          (select external_booking_id from ${R} where tenant_id = $1 group by external_booking_id having count(*) > 1)`),
        block_as_guest: rows.filter((r) => before[p.hotel].has(r.booking_id) && blockRecord(before[p.hotel].get(r.booking_id).record)),
        stale_status: rows.filter((r) => LIVE.includes(r.status) && (!s.get('bookings', r.booking_id) || ['cancelled', 'abandoned', 'trash'].includes(s.get('bookings', r.booking_id).meta.post_status))),
        placeholder_phone: await q(`select id as legacy_id, external_booking_id::int as booking_id from ${R} where tenant_id = $1
          and phone_last_4 = '0000' and right(regexp_replace(phone_full, '[^0-9]', '', 'g'), 4) <> '0000'`),
        missing_booking: s.list('bookings').filter((e) => e.meta.post_status !== 'trash' && !rows.some((r) => r.booking_id === e.record.id))
          .map((e) => ({ legacy_id: null, booking_id: e.record.id })),
        unknown_upstream: rows.filter((r) => !s.get('bookings', r.booking_id)),
      };
      expect(Object.keys(m.planted).sort()).toEqual([...DEFECT_CLASSES].sort());
      for (const cls of DEFECT_CLASSES) expect([cls, entries(m.planted[cls])]).toEqual([cls, entries(expected[cls])]);

      // Classes the old sync made on its own, whatever the switches.
      for (const cls of ['block_as_guest', 'null_unit', 'unit_is_type', 'auto_created_unit', 'placeholder_phone', 'missing_booking']) {
        expect([cls, m.planted[cls].length > 0]).toEqual([cls, true]);
      }
      const switched = (cls) => p.defects[cls] === true;
      const gonesBySwitch = switched('unknown_upstream') || switched('stale_status') || switched('conversations');
      for (const cls of SWITCH_ONLY) {
        if (cls === 'unknown_upstream' || cls === 'stale_status') expect([cls, m.planted[cls].length > 0]).toEqual([cls, gonesBySwitch]);
        else if (cls === 'junction_partial' && switched(cls)) {
          const multi = [...before[p.hotel].values()].some((b) => inWindow(b) && b.record.reserved_accommodations.length > 1);
          expect([cls, m.planted[cls].length > 0]).toEqual([cls, multi]);
        } else expect([cls, m.planted[cls].length > 0]).toEqual([cls, switched(cls)]);
      }
    });

    test('each switch plants its class beyond what the typical database of the same hotel has', async () => {
      const m = manifests[p.hotel];
      const base = typical[p.hotel];
      // The typical database has the switch-only classes empty (conversations may delete one booking upstream).
      for (const cls of ['junction_partial', 'junction_duplicate', 'duplicate_rows', 'stale_status', 'unknown_upstream']) expect([cls, base.planted[cls]]).toEqual([cls, []]);
      expect(base.rows.conversations).toBe(0);
      expect(base.sire).toEqual([]);
      for (const cls of DEFECT_CLASSES) {
        if (!p.defects[cls]) continue;
        if (cls === 'block_as_guest') {
          // Already every block: the switch adds none (a block the missing_booking switch skipped is simply absent).
          const skipped = Object.keys(m.skipReasons).map(Number);
          expect(ids(base.planted[cls]).filter((id) => !skipped.includes(id))).toEqual(ids(m.planted[cls]));
        } else if (cls === 'auto_created_unit') continue; // a type with two auto-created rows: see the units test
        else if (cls === 'junction_partial' && m.planted[cls].length === 0) continue; // no multi-room booking in the window
        else expect([cls, ids(m.planted[cls]).some((id) => !ids(base.planted[cls]).includes(id))]).toEqual([cls, true]);
      }
      if (p.defects.missing_booking) {
        const bySwitch = Object.entries(m.skipReasons).filter(([, reason]) => reason === 'sync_error').map(([id]) => Number(id));
        expect(bySwitch.length).toBe(2);
        expect(bySwitch.every((id) => inWindow(before[p.hotel].get(id)))).toBe(true);
      }
      if (p.defects.stale_status) {
        const edited = ids(m.planted.stale_status).map((id) => site().get('bookings', id)?.meta.post_status);
        expect(edited).toEqual(expect.arrayContaining(['cancelled', 'trash']));
      }
      if (p.defects.unknown_upstream) {
        const unknown = ids(m.planted.unknown_upstream);
        expect(unknown.filter((id) => before[p.hotel].has(id)).length).toBe(1); // deleted for good after the sync
        expect(unknown.filter((id) => !before[p.hotel].has(id)).length).toBe(1); // never existed
      }
    });

    test('SIRE columns and conversations: where the manifest says, nowhere else', async () => {
      const m = manifests[p.hotel];
      const sire = await db.query(`select id as legacy_id, external_booking_id::int as booking_id from ${T.reservations} where tenant_id = $1 and
        (document_type is not null or document_number is not null or birth_date is not null or first_surname is not null or given_names is not null
         or nationality_code is not null or movement_type is not null or hotel_sire_code is not null)`, [tenant]);
      expect(entries(m.sire)).toEqual(entries(sire));
      if (!p.defects.sire) expect(sire).toEqual([]);
      else {
        expect(sire.length).toBeGreaterThanOrEqual(3);
        if (p.defects.duplicate_rows) {
          const dupIds = new Set(m.planted.duplicate_rows.map((e) => e.legacy_id));
          const pairs = sire.filter((r) => dupIds.has(r.legacy_id));
          expect(pairs.length).toBe(2);
          expect(pairs[0].booking_id).toBe(pairs[1].booking_id);
          const both = await db.query(`select document_number, given_names, movement_type from ${T.reservations} where id = any($1::uuid[]) order by movement_type nulls first`, [pairs.map((r) => r.legacy_id)]);
          expect(both[0].document_number).toBe(both[1].document_number);
          expect(both.map((r) => r.movement_type)).toEqual([null, 'E']);
        }
      }
      const conversations = await db.query(`select 'guest_conversations' as "table", id, guest_id as legacy_id from public.guest_conversations where tenant_id = $1
        union all select 'chat_conversations', id, reservation_id from public.chat_conversations where tenant_id = $1`, [tenant]);
      const key = (c) => `${c.table}:${c.id}:${c.legacy_id}`;
      expect(m.conversations.map(key).sort()).toEqual(conversations.map(key).sort());
      if (!p.defects.conversations) expect(conversations).toEqual([]);
      else {
        const targets = new Set(conversations.map((c) => c.legacy_id));
        const has = (cls) => m.planted[cls].some((e) => targets.has(e.legacy_id));
        expect(has('block_as_guest')).toBe(true);
        const rows = await db.query(`select id, external_booking_id::int as booking from ${T.reservations} where id = any($1::uuid[])`, [[...targets]]);
        expect(rows.length).toBe(targets.size);
        expect(rows.some((r) => !site().get('bookings', r.booking) || site().get('bookings', r.booking).meta.post_status === 'trash')).toBe(true);
        if (p.defects.duplicate_rows) expect(has('duplicate_rows')).toBe(true);
      }
    });

    test('determinism: the same write into another database, from another simulator of the same seed, gives identical rows', async () => {
      expect(twins[p.hotel]).toEqual(manifests[p.hotel]);
      const a = await dump(db, 'legacy', tenant);
      const b = await dump(db2, 'public', tenant);
      expect(a.reservations.length).toBe(manifests[p.hotel].rows.reservations);
      expect(b).toEqual(a);
      // Another tenant of the same hotel gets other ids.
      const other = await dump(db2, 'public', TYPICAL_TENANT(p));
      const idsOf = (d) => new Set(d.reservations.map((r) => r.id));
      expect([...idsOf(other)].some((x) => idsOf(a).has(x))).toBe(false);
    });
  });

  test('indo: the production case — the newest booking names the newest unit and has no unit and no rooms', async () => {
    const m = manifests.indo;
    const upstream = [...before.indo.values()];
    const newest = upstream.reduce((x, y) => (y.created > x.created ? y : x));
    const newestUnit = sim.site('indo').list('accommodations').reduce((x, y) => (y.meta.created_gmt > x.meta.created_gmt ? y : x));
    expect(newest.record.reserved_accommodations[0].accommodation).toBe(newestUnit.record.id);
    const rows = await db.query(`select r.id, r.accommodation_unit_id, (select count(*)::int from ${T.junction} j where j.reservation_id = r.id) as rooms
      from ${T.reservations} r where r.tenant_id = $1 and r.external_booking_id = $2`, [PROFILES[0].tenantId, String(newest.record.id)]);
    expect(rows).toEqual([{ id: expect.any(String), accommodation_unit_id: null, rooms: 0 }]);
    expect(m.planted.null_unit).toContainEqual({ legacy_id: rows[0].id, booking_id: newest.record.id });
    expect(m.planted.junction_missing).toEqual([{ legacy_id: rows[0].id, booking_id: newest.record.id }]);
    // The room was auto-created anyway ("0.3 s later"), just never written back.
    const [{ n }] = await db.query(`select count(*)::int as n from ${T.units} where tenant_id = $1 and motopress_type_id = $2`,
      [PROFILES[0].tenantId, newestUnit.record.accommodation_type_id]);
    expect(n).toBe(1);
  });
});
