// A legacy ("muva-era") database for tests: the tables the OLD sync filled, written the way it filled them
// (../shared/legacy/README.md), with its defect classes planted on purpose. Test support, not product code.
//
//   const db = await openLegacyTestDatabase('pglite');      // legacy tables in `legacy`, then mphb-sync migrated
//   const manifest = await writeLegacyHotel(db, { tenantId, slug: 'indo', site: sim.site('indo'),
//     siteUrl: hotel.siteUrl, keys: hotel.keys.readWrite, defects: { duplicate_rows: true } });
//
// THE MODEL (what the old sync would have left for one hotel, one snapshot of upstream at `now`):
// - Accommodations sync: one hotels.accommodation_units row per accommodation TYPE not in the trash
//   (motopress_unit_id = type id, motopress_type_id NULL, tenant_id = the tenant uuid as text, name = title).
// - Reservations sync: one pass over the bookings in the API's default order (creation date, newest first).
//   Skipped: trashed (never listed), cancelled and abandoned, unknown statuses, check-in before today (the UTC
//   date of `now`) or more than two years after it, and rows the insert would have rejected (a value too long
//   for its column; the error was swallowed). Each written booking (calendar blocks included, as 'Guest'/'0000'):
//     * unit lookup by room 0's type among rows with motopress_type_id set (the auto-created ones) only; a
//       miss leaves accommodation_unit_id NULL (a booking the pass reached before any booking had made its
//       type's row: in practice the newest booking of each type);
//     * junction: one row per room, unit looked up the same way; a miss auto-creates ONE bare row per type
//       (deterministic "random" uuid, motopress_type_id set, name = the type title when the run used _embed —
//       a per-tenant seeded choice — else "Alojamiento <type id>"), reused by every later booking of the type;
//     * the INDO case: when room 0's unit was created upstream less than 24 h before the booking, the run met a
//       room it had never seen: the reservation is inserted (lookup as above: NULL when it is the type's first
//       booking, as for indo's newest booking), the type's row is auto-created right after, and the junction
//       insert failed silently → no junction rows.
//   Field rules exactly as the README says (room 0 only, 'Guest', '0000', 'N/A', [A-Z0-9]{10,}, currency
//   defaulting to COP, 'mphb-airbnb' | 'motopress'); `pending-user`, which the README does not map, is
//   written as the schema's own 'pending'.
//
// CLASSES BY CONSTRUCTION (all switches off): block_as_guest (every block in the window), placeholder_phone
// (every row without a real phone: blocks, imported guests, direct bookings with no phone), null_unit (the
// lookup misses above, the INDO case included), junction_missing (the INDO case),
// unit_is_type (every reservation with a unit: all legacy unit rows are per type), auto_created_unit (the
// auto-created rows), missing_booking (past / far-future / cancelled / abandoned bookings and failed inserts).
// Empty by construction: junction_partial, junction_duplicate, duplicate_rows, stale_status, unknown_upstream.
//
// SWITCHES (`defects`), each on a few rows chosen with a seeded PRNG, never the INDO-case booking:
//   null_unit (2 more rows lose their unit) · junction_missing (2 reservations lose every junction row) ·
//   junction_partial (multi-room bookings lose their last junction row) · junction_duplicate (room 0 twice) ·
//   unit_is_type (2 reservations point at the accommodations-sync row of their type instead of the auto one) ·
//   auto_created_unit (a concurrent run: a SECOND auto-created row for one type, used by one reservation) ·
//   duplicate_rows (2 bookings get a second row with accommodation_unit_id NULL, both with junction rows) ·
//   block_as_guest (nothing more: already every block) · stale_status (after writing, one booking is cancelled
//   upstream with site.updateBooking and one trashed with site.trash) · placeholder_phone (2 direct bookings
//   with a real phone written as '0000'/'N/A') · missing_booking (2 bookings in the window not written) ·
//   unknown_upstream (a row for an id MotoPress never had, and one booking deleted upstream for good after
//   writing — that row is also stale_status: active here, gone upstream) · sire (SIRE columns on a few guest
//   rows and on BOTH rows of a duplicate pair: identity on the NULL-unit row, identity + movement on the
//   other — complementary, never conflicting) · conversations (guest_conversations + chat_conversations at
//   two guest rows, a block row, the NULL-unit row of a duplicate pair when there is one, and a row whose
//   booking is gone upstream — when no switch made one, this switch deletes one booking upstream itself) ·
//   encrypted_secret (config_data with undecryptable *_encrypted values).
// Switches that edit upstream (stale_status, unknown_upstream, conversations) do so through `site`, AFTER
// the rows are written: the same inputs on a fresh simulator give the same rows.
//
// The manifest's `planted` is computed at the end from the rows written and upstream as it is then, not
// from the switches. Every entry is {legacy_id, booking_id}: legacy_id is a guest_reservations id, except
// auto_created_unit (an accommodation_units id, booking_id null) and missing_booking (legacy_id null).
import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import { openDatabase, wrapPglite } from '../../../host/db/database.js';
import { applyMigrations } from '../../../host/db/migrations.js';
import { SeededRandom } from '../../../host/simulator/profiles/seeded_random.js';

/** The legacy schema file; in CI the repository is cloned with shared/ beside it. */
export const LEGACY_SCHEMA_FILE = fileURLToPath(new URL('../../../../shared/legacy/muva-era-schema.sql', import.meta.url));

/** How the adoption guide moves the legacy tables aside before mphb-sync's migrations run. */
export const MOVE_ASIDE_SQL = `create schema if not exists legacy;
alter table public.tenant_registry set schema legacy;
alter table public.integration_configs set schema legacy;
alter table hotels.accommodation_units set schema legacy;
alter table public.guest_reservations set schema legacy;
alter table public.reservation_accommodations set schema legacy;
`;

export const DEFECT_CLASSES = [
  'null_unit', 'junction_missing', 'junction_partial', 'junction_duplicate', 'unit_is_type', 'auto_created_unit',
  'duplicate_rows', 'block_as_guest', 'stale_status', 'placeholder_phone', 'missing_booking', 'unknown_upstream',
];
const SWITCHES = new Set([...DEFECT_CLASSES, 'sire', 'conversations', 'encrypted_secret']);

/**
 * Qualified names of the legacy tables. guest_conversations, chat_conversations and sync_history are
 * platform tables: they stay in public either way.
 * @param {'legacy'|'public'} schema
 */
export function legacyTables(schema = 'legacy') {
  if (schema !== 'legacy' && schema !== 'public') throw new RangeError(`legacy schema must be 'legacy' or 'public', got ${schema}`);
  const moved = schema === 'legacy';
  return {
    tenantRegistry: moved ? 'legacy.tenant_registry' : 'public.tenant_registry',
    integrationConfigs: moved ? 'legacy.integration_configs' : 'public.integration_configs',
    units: moved ? 'legacy.accommodation_units' : 'hotels.accommodation_units',
    reservations: moved ? 'legacy.guest_reservations' : 'public.guest_reservations',
    junction: moved ? 'legacy.reservation_accommodations' : 'public.reservation_accommodations',
    guestConversations: 'public.guest_conversations',
    chatConversations: 'public.chat_conversations',
    syncHistory: 'public.sync_history',
  };
}

/**
 * Creates the legacy tables from muva-era-schema.sql. schema 'public': as the file says (public + hotels).
 * schema 'legacy': the same, then MOVE_ASIDE_SQL — run it BEFORE mphb-sync's migrations on that database.
 */
export async function createLegacySchema(db, { schema = 'public' } = {}) {
  legacyTables(schema);
  await db.exec(await readFile(LEGACY_SCHEMA_FILE, 'utf8'));
  if (schema === 'legacy') await db.exec(MOVE_ASIDE_SQL);
}

/**
 * A database with the legacy tables moved aside to `legacy` and THEN mphb-sync's migrations applied.
 * PostgreSQL: a fresh database on MPHB_TEST_DATABASE_URL (db.testUrl); close it with closeLegacyTestDatabase.
 * @param {'pglite'|'postgres'} kind
 */
export async function openLegacyTestDatabase(kind) {
  const db = await openEmptyDatabase(kind);
  await createLegacySchema(db, { schema: 'legacy' });
  await applyMigrations(db);
  return db;
}

/** An empty database with the legacy tables where the old platform had them (public + hotels), not migrated. */
export async function openPublicLegacyDatabase(kind) {
  const db = await openEmptyDatabase(kind);
  await createLegacySchema(db, { schema: 'public' });
  return db;
}

async function openEmptyDatabase(kind) {
  if (kind === 'pglite') {
    const { PGlite } = await import('@electric-sql/pglite');
    return wrapPglite(new PGlite());
  }
  if (kind !== 'postgres') throw new RangeError(`unknown database kind ${kind}`);
  if (!process.env.MPHB_TEST_DATABASE_URL) throw new Error('MPHB_TEST_DATABASE_URL is not set');
  const { default: postgres } = await import('postgres');
  const admin = postgres(process.env.MPHB_TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  const name = `mphb_legacy_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(process.env.MPHB_TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString(), migrate: false });
  db.testUrl = url.toString();
  db.testDatabaseName = name;
  return db;
}

/** Closes a database from openLegacyTestDatabase / openPublicLegacyDatabase; PostgreSQL: drops it too. */
export async function closeLegacyTestDatabase(db) {
  await db.close();
  if (db.kind !== 'postgres' || !db.testDatabaseName) return;
  const { default: postgres } = await import('postgres');
  const admin = postgres(process.env.MPHB_TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${db.testDatabaseName} with (force)`);
  } finally {
    await admin.end();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

/** A v4-shaped uuid from a hash: equal inputs, equal ids. */
export function legacyUuid(...parts) {
  const h = createHash('sha256').update(parts.join('\u0000')).digest();
  h[6] = (h[6] & 0x0f) | 0x40;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

const STATUS = { confirmed: 'active', pending: 'pending_admin', 'pending-payment': 'pending_payment', 'pending-user': 'pending' };
const LIVE = new Set(['active', 'pending_admin', 'pending_payment', 'pending']);
const NEW_UNIT_WINDOW_MS = 24 * 3600 * 1000;

const unquote = (s) => String(s ?? '').trim().replace(/^"(.*)"$/s, '$1').replace(/\\"/g, '"');

/** SPEC §4 / FIELD-NOTES: imported, no guest data at all, a "Not available"-type summary. */
function isBlock(record) {
  if (!record.imported) return false;
  if (Object.values(record.customer ?? {}).some((v) => typeof v === 'string' && v.trim() !== '')) return false;
  if ((record.reserved_accommodations ?? []).some((r) => String(r.guest_name ?? '').trim() !== '')) return false;
  if (unquote(record.ical_description) !== '') return false;
  return /not available|unavailable|blocked|closed/i.test(unquote(record.ical_summary));
}

const gmtMs = (text) => Date.parse(/Z$|[+-]\d\d:\d\d$/.test(text) ? text : `${text}Z`);
/** ISO with Z (timestamptz columns) and without (timestamp columns), for epoch ms. */
const tz = (ms) => new Date(ms).toISOString();
const naive = (ms) => new Date(ms).toISOString().slice(0, 23);

function addYears(date, years) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d.toISOString().slice(0, 10);
}

/** The old sync's reservation columns for a booking (room 0 only), or the column it would have overflowed. */
function legacyFields(record) {
  const c = record.customer ?? {};
  const room = (record.reserved_accommodations ?? [])[0] ?? {};
  const fullName = [c.first_name, c.last_name].map((s) => String(s ?? '').trim()).filter(Boolean).join(' ');
  const guestName = fullName || String(room.guest_name ?? '').trim() || 'Guest';
  const phone = String(c.phone ?? '').trim();
  const digits = phone.replace(/\D/g, '');
  const description = String(record.ical_description ?? '');
  const fields = {
    guest_name: guestName,
    phone_full: phone || 'N/A',
    phone_last_4: digits.length >= 4 ? digits.slice(-4) : '0000',
    check_in_date: record.check_in_date,
    check_out_date: record.check_out_date,
    reservation_code: /[A-Z0-9]{10,}/.exec(description)?.[0] ?? null,
    status: STATUS[record.status],
    guest_email: String(c.email ?? '').trim() || null,
    guest_country: String(c.country ?? '').trim() || null,
    adults: room.adults ?? 1,
    children: room.children ?? 0,
    total_price: record.total_price ?? null,
    currency: record.currency || 'COP',
    booking_source: /airbnb\.com/i.test(description) ? 'mphb-airbnb' : 'motopress',
    external_booking_id: String(record.id),
  };
  const limits = { guest_name: 255, phone_full: 20, reservation_code: 20, guest_email: 255, guest_country: 100, currency: 3 };
  for (const [column, max] of Object.entries(limits)) if (fields[column] !== null && fields[column].length > max) return { failed: column };
  if (fields.total_price !== null && Math.abs(fields.total_price) >= 1e8) return { failed: 'total_price' };
  return { fields };
}

const SIRE_DOCUMENT_TYPES = ['3', '5', '10', '46'];
const SIRE_NATIONALITIES = ['169', '249', '245', '105', '023'];
const SIRE_CITIES = ['11001', '05001', '76001', '13001', '08001'];
const GIVEN = ['ANA MARIA', 'JUAN', 'SOFIA', 'LUCAS', 'MARTINA', 'DIEGO'];
const SURNAMES = ['GOMEZ', 'RESTREPO', 'SMITH', 'MULLER', 'LEFEVRE', 'YAMADA', 'OSPINA', 'QUISPE'];
const INVENTED_GUESTS = [['Camila Torres', '+57 301 555 2210'], ['Peter Jansen', '+31 6 5555 1203'], ['Laura Vidal', '+34 612 55 44 19']];

// ---------------------------------------------------------------------------------------------------------
// The writer

/**
 * Writes what the old sync would have written for one hotel, plants the defects asked for, returns a manifest.
 * @param {object} db  the database interface of host/db/database.js
 * @param {object} o
 * @param {'legacy'|'public'} [o.schema='legacy']
 * @param {string} [o.tenantId] uuid (default: derived from slug and seed)
 * @param {string} o.slug
 * @param {string} [o.name] nombre_comercial (default: the site's title)
 * @param {import('../../../host/simulator/hotel_site.js').HotelSite} o.site  sim.site(hotel)
 * @param {string} o.siteUrl
 * @param {{key: string, secret: string}} o.keys
 * @param {Record<string, boolean>} [o.defects]
 * @param {string} [o.now='2026-11-01T12:00:00Z']
 * @param {number} [o.seed=1]
 * @returns {Promise<{tenantId, slug, planted: Record<string, {legacy_id: string|null, booking_id: number|null}[]>,
 *   rows: {reservations, junction, units, conversations, sync_history}, bookingsSkipped: number[],
 *   skipReasons: Record<number, string>, sire: {legacy_id, booking_id}[], conversations: {table, id, legacy_id}[]}>}
 */
export async function writeLegacyHotel(db, {
  schema = 'legacy', tenantId, slug, name, site, siteUrl, keys, defects = {}, now = '2026-11-01T12:00:00Z', seed = 1,
} = {}) {
  if (!slug) throw new TypeError('writeLegacyHotel: slug is required');
  if (!site || typeof site.list !== 'function') throw new TypeError('writeLegacyHotel: site must be a simulator HotelSite (sim.site(name))');
  if (!siteUrl || !keys?.key || !keys?.secret) throw new TypeError('writeLegacyHotel: siteUrl and keys {key, secret} are required');
  for (const k of Object.keys(defects)) if (!SWITCHES.has(k)) throw new RangeError(`writeLegacyHotel: unknown defect switch ${k}`);
  const tables = legacyTables(schema);
  tenantId ??= legacyUuid('tenant', slug, seed);
  name ??= site.title;
  const on = (k) => defects[k] === true;
  const rngFor = (label) => new SeededRandom(`legacy-writer:${seed}:${tenantId}:${label}`);
  const id = (kind, key) => legacyUuid(seed, tenantId, kind, key);
  const nowMs = gmtMs(now);
  const today = tz(nowMs).slice(0, 10);
  const lastDay = addYears(today, 2);
  let clockMs = nowMs; // the pass's progress: each row a little later than the previous one
  const tick = () => (clockMs += 100);

  // ----- upstream as the old sync saw it
  const types = site.list('accommodation_types').filter((e) => e.meta.post_status !== 'trash').sort((a, b) => a.record.id - b.record.id);
  const typeTitle = new Map(site.list('accommodation_types').map((e) => [e.record.id, e.record.title]));
  const unitCreated = new Map(site.list('accommodations').map((e) => [e.record.id, gmtMs(e.meta.created_gmt)]));
  const bookings = site.list('bookings')
    .map((e) => ({ id: e.record.id, status: e.meta.post_status, created: e.meta.created_gmt, record: structuredClone({ ...e.record, status: e.meta.post_status }) }))
    .sort((a, b) => (a.created < b.created ? 1 : a.created > b.created ? -1 : b.id - a.id)); // API order: newest first
  const snapshot = new Map(bookings.map((b) => [b.id, b]));
  const isIndoCase = (b) => {
    const room = b.record.reserved_accommodations?.[0];
    const created = room ? unitCreated.get(room.accommodation) : undefined;
    if (created === undefined) return false;
    const age = gmtMs(b.created) - created;
    return age >= 0 && age < NEW_UNIT_WINDOW_MS;
  };

  // ----- accommodations sync: one row per type
  const units = [];
  const typeRows = new Map();
  for (const t of types) {
    const at = tick();
    const row = {
      id: id('type-unit', t.record.id), tenant_id: tenantId, name: t.record.title, description: t.record.excerpt ?? null,
      capacity: { adults: t.record.adults, children: t.record.children, total: t.record.total_capacity },
      view_type: t.record.view || null, motopress_type_id: null, motopress_unit_id: t.record.id, status: 'active',
      display_order: units.length + 1, created_at: tz(at), updated_at: tz(at),
    };
    units.push(row);
    typeRows.set(t.record.id, row);
  }

  // ----- which bookings the pass wrote
  const skipReasons = {};
  const eligible = [];
  for (const b of bookings) {
    let reason = null;
    if (b.status === 'trash') reason = 'trashed';
    else if (b.status === 'cancelled' || b.status === 'abandoned') reason = b.status;
    else if (!STATUS[b.status]) reason = 'unknown_status';
    else if (b.record.check_in_date < today) reason = 'past_check_in';
    else if (b.record.check_in_date > lastDay) reason = 'far_future_check_in';
    else {
      const mapped = legacyFields(b.record);
      if (mapped.failed) reason = `insert_failed:${mapped.failed}`;
      else b.fields = mapped.fields;
    }
    if (reason) skipReasons[b.id] = reason;
    else eligible.push(b);
  }
  const protectedIds = new Set(eligible.filter(isIndoCase).map((b) => b.id)); // switches leave the INDO case alone
  const pick = (label, pool, n) => rngFor(label).shuffle(pool.slice().sort((a, b) => a.bookingId - b.bookingId || (a.id < b.id ? -1 : 1))).slice(0, n);
  const taken = new Set(); // booking ids already used by a switch: classes stay apart

  if (on('missing_booking')) {
    const pool = eligible.filter((b) => !protectedIds.has(b.id)).map((b) => ({ bookingId: b.id, id: String(b.id) }));
    for (const p of pick('missing_booking', pool, 2)) {
      skipReasons[p.bookingId] = 'sync_error';
      taken.add(p.bookingId);
    }
  }

  // ----- reservations sync
  const embedNames = rngFor('embed').chance(0.5);
  const autoRows = new Map(); // type id → the auto-created row (motopress_type_id set)
  const autoCreate = (typeId) => {
    const at = tick();
    const row = {
      id: id('auto-unit', typeId), tenant_id: tenantId,
      name: embedNames && typeTitle.has(typeId) ? typeTitle.get(typeId) : `Alojamiento ${typeId}`,
      motopress_type_id: typeId, motopress_unit_id: null, status: 'active', created_at: tz(at), updated_at: tz(at),
    };
    units.push(row);
    autoRows.set(typeId, row);
    return row;
  };
  const reservations = [];
  const junctionRow = (res, room, position, unitId, copy = '') => ({
    id: id('junction', `${res.id}:${position}${copy}`), reservation_id: res.id, accommodation_unit_id: unitId,
    motopress_accommodation_id: room.accommodation, motopress_type_id: room.accommodation_type, room_rate: room.rate ?? 0,
    created_at: tz(tick()),
  });
  for (const b of eligible) {
    if (skipReasons[b.id]) continue;
    const rooms = b.record.reserved_accommodations ?? [];
    const lookup = rooms.length ? autoRows.get(rooms[0].accommodation_type) ?? null : null;
    const at = tick();
    const row = { id: id('reservation', b.id), tenant_id: tenantId, ...b.fields, accommodation_unit_id: lookup?.id ?? null, created_at: naive(at), updated_at: naive(at) };
    const res = { row, bookingId: b.id, origin: 'sync', block: isBlock(b.record), rooms: rooms.length, junction: [] };
    if (isIndoCase(b)) {
      if (!autoRows.has(rooms[0].accommodation_type)) autoCreate(rooms[0].accommodation_type); // 0.3 s later; junction insert failed
    } else {
      rooms.forEach((room, i) => {
        const unit = autoRows.get(room.accommodation_type) ?? autoCreate(room.accommodation_type);
        res.junction.push(junctionRow(row, room, i, unit.id));
      });
    }
    reservations.push(res);
  }
  const edited = (res) => upstreamEdits.some((e) => e.bookingId === res.bookingId);
  const free = (res) => res.origin === 'sync' && !protectedIds.has(res.bookingId) && !edited(res);
  const asPool = (list) => list.map((res) => ({ bookingId: res.bookingId, id: res.row.id, res }));
  // Rows no other switch has used first, so that classes stay apart; small hotels share rows when they must.
  const claim = (label, list, n) => {
    const fresh = pick(label, asPool(list.filter((r) => !taken.has(r.bookingId))), n);
    const more = pick(`${label}:shared`, asPool(list.filter((r) => taken.has(r.bookingId))), n - fresh.length);
    return [...fresh, ...more].map((p) => (taken.add(p.bookingId), p.res));
  };
  const upstreamEdits = []; // applied after the rows are written

  // ----- switches on reservations
  if (on('null_unit')) for (const res of claim('null_unit', reservations.filter((r) => free(r) && r.row.accommodation_unit_id), 2)) res.row.accommodation_unit_id = null;
  if (on('unit_is_type')) {
    const pool = reservations.filter((r) => free(r) && r.row.accommodation_unit_id && typeRows.has(snapshot.get(r.bookingId).record.reserved_accommodations[0].accommodation_type));
    for (const res of claim('unit_is_type', pool, 2)) res.row.accommodation_unit_id = typeRows.get(snapshot.get(res.bookingId).record.reserved_accommodations[0].accommodation_type).id;
  }
  if (on('auto_created_unit')) {
    // A second sync of the tenant at the same time: its junction step missed the first run's row and made another.
    const used = (unitId) => reservations.filter((r) => r.junction.some((j) => j.accommodation_unit_id === unitId));
    const pool = reservations.filter((r) => free(r) && r.junction.length > 0 && used(r.junction[0].accommodation_unit_id).length >= 2);
    for (const res of claim('auto_created_unit', pool, 1)) {
      const typeId = res.junction[0].motopress_type_id;
      const first = autoRows.get(typeId);
      const at = tick();
      const second = { ...first, id: id('auto-unit-concurrent', typeId), name: `Alojamiento ${typeId}`, created_at: tz(at), updated_at: tz(at) };
      units.push(second);
      for (const j of res.junction) if (j.accommodation_unit_id === first.id) j.accommodation_unit_id = second.id;
      if (res.row.accommodation_unit_id === first.id) res.row.accommodation_unit_id = second.id;
    }
  }
  if (on('junction_missing')) for (const res of claim('junction_missing', reservations.filter((r) => free(r) && r.junction.length > 0), 2)) res.junction = [];
  if (on('junction_partial')) for (const res of claim('junction_partial', reservations.filter((r) => free(r) && r.rooms >= 2 && r.junction.length === r.rooms), 2)) res.junction.pop();
  if (on('junction_duplicate')) {
    for (const res of claim('junction_duplicate', reservations.filter((r) => free(r) && r.junction.length > 0), 2)) {
      res.junction.push({ ...res.junction[0], id: id('junction', `${res.row.id}:0:again`), created_at: tz(tick()) });
    }
  }
  if (on('placeholder_phone')) {
    for (const res of claim('placeholder_phone', reservations.filter((r) => free(r) && r.row.phone_last_4 !== '0000'), 2)) {
      res.row.phone_last_4 = '0000';
      res.row.phone_full = 'N/A';
    }
  }
  const pairs = [];
  if (on('duplicate_rows')) {
    // Two runs at once: both found no row; one inserted before the type's row existed (NULL), the other with it.
    const pool = reservations.filter((r) => free(r) && !r.block && r.row.accommodation_unit_id && r.junction.length === r.rooms && r.rooms > 0);
    for (const res of claim('duplicate_rows', pool, 2)) {
      const at = gmtMs(`${res.row.created_at}Z`) - 1000;
      const row = { ...res.row, id: id('reservation-null-unit', res.bookingId), accommodation_unit_id: null, created_at: naive(at), updated_at: naive(at) };
      const twin = { row, bookingId: res.bookingId, origin: 'duplicate', block: false, rooms: res.rooms, junction: [] };
      twin.junction = res.junction.map((j, i) => ({ ...j, id: id('junction', `${row.id}:${i}`), reservation_id: row.id }));
      reservations.push(twin);
      pairs.push([twin, res]);
    }
  }
  if (on('stale_status')) {
    const pool = reservations.filter((r) => free(r) && !r.block && r.row.status === 'active' && snapshot.get(r.bookingId).status === 'confirmed');
    claim('stale_status', pool, 2).forEach((res, i) => upstreamEdits.push({ kind: i === 0 ? 'cancel' : 'trash', bookingId: res.bookingId }));
  }
  const addDeletion = (label) => {
    const pool = reservations.filter((r) => free(r) && !r.block && LIVE.has(r.row.status));
    const [res] = claim(label, pool, 1);
    if (res) upstreamEdits.push({ kind: 'delete', bookingId: res.bookingId });
    return res;
  };
  if (on('unknown_upstream')) {
    // A booking MotoPress never had (an id beyond any it gave), and one deleted upstream for good after the sync.
    const rng = rngFor('unknown_upstream');
    const maxId = bookings.reduce((m, b) => Math.max(m, b.id), site.nextId ?? 0);
    const bookingId = maxId + 100000 + rng.int(0, 999);
    const typeId = rng.pick(types).record.id;
    const unitIds = site.list('accommodations').filter((u) => u.record.accommodation_type_id === typeId).map((u) => u.record.id).sort((a, b) => a - b);
    const [guest, phone] = rng.pick(INVENTED_GUESTS);
    const checkIn = addDays(today, rng.int(10, 90));
    const at = tick();
    const unit = autoRows.get(typeId) ?? autoCreate(typeId);
    const row = {
      id: id('reservation', bookingId), tenant_id: tenantId, guest_name: guest, phone_full: phone, phone_last_4: phone.replace(/\D/g, '').slice(-4),
      check_in_date: checkIn, check_out_date: addDays(checkIn, rng.int(2, 6)), reservation_code: null, status: 'active',
      guest_email: null, guest_country: null, adults: 2, children: 0, total_price: null, currency: site.currency || 'COP',
      booking_source: 'motopress', external_booking_id: String(bookingId), accommodation_unit_id: unit.id, created_at: naive(at), updated_at: naive(at),
    };
    const res = { row, bookingId, origin: 'invented', block: false, rooms: 1, junction: [] };
    res.junction.push(junctionRow(row, { accommodation: unitIds[0] ?? null, accommodation_type: typeId, rate: 0 }, 0, unit.id));
    reservations.push(res);
    addDeletion('unknown_upstream');
  }

  // ----- platform data
  const sire = [];
  const features = { guest_chat_enabled: true };
  if (on('sire')) {
    const rng = rngFor('sire');
    const hotelCode = rng.digits(6);
    const hotelCity = rng.pick(SIRE_CITIES);
    features.sire_hotel_code = hotelCode;
    const identity = () => ({
      document_type: rng.pick(SIRE_DOCUMENT_TYPES), document_number: `${rng.int(1, 9)}${rng.digits(rng.int(7, 9))}`,
      birth_date: `${rng.int(1955, 2004)}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`,
      first_surname: rng.pick(SURNAMES), second_surname: rng.chance(0.6) ? rng.pick(SURNAMES) : null,
      given_names: rng.pick(GIVEN), nationality_code: rng.pick(SIRE_NATIONALITIES),
    });
    const movement = (res) => ({
      origin_city_code: rng.pick(SIRE_CITIES), destination_city_code: rng.pick(SIRE_CITIES), hotel_sire_code: hotelCode,
      hotel_city_code: hotelCity, movement_type: 'E', movement_date: res.row.check_in_date,
    });
    const paired = new Set(pairs.map(([twin]) => twin.bookingId));
    const guests = reservations.filter((r) => r.origin === 'sync' && !r.block && r.row.guest_name !== 'Guest' && !protectedIds.has(r.bookingId) && !paired.has(r.bookingId));
    for (const p of pick('sire', asPool(guests), 3)) Object.assign(p.res.row, identity(), movement(p.res));
    if (pairs.length) {
      const [nullRow, unitRow] = pairs[0];
      const person = identity();
      Object.assign(nullRow.row, person); // entered by the guest on one row …
      Object.assign(unitRow.row, person, movement(unitRow)); // … and by staff on the other
    }
    for (const r of reservations) if (r.row.document_number) sire.push({ legacy_id: r.row.id, booking_id: r.bookingId });
  }
  const conversationTargets = [];
  if (on('conversations')) {
    conversationTargets.push(...claim('conversations', reservations.filter((r) => free(r) && !r.block), 2));
    const [block] = pick('conversations-block', asPool(reservations.filter((r) => r.block)), 1);
    if (block) conversationTargets.push(block.res);
    if (pairs.length) conversationTargets.push(pairs[0][0]);
    let gone = reservations.find((r) => upstreamEdits.some((e) => e.bookingId === r.bookingId && e.kind === 'delete'))
      ?? reservations.find((r) => upstreamEdits.some((e) => e.bookingId === r.bookingId && e.kind === 'trash'));
    gone ??= addDeletion('conversations-gone');
    if (gone) conversationTargets.push(gone);
  }
  const guestConversations = [];
  const chatConversations = [];
  const conversations = [];
  for (const [i, res] of [...new Set(conversationTargets)].entries()) {
    const at = tick();
    const g = { id: id('guest-conversation', res.row.id), guest_id: res.row.id, tenant_id: tenantId, title: i % 2 ? 'Wi-Fi y check-in' : 'Pregunta sobre mi reserva', created_at: tz(at) };
    const c = { id: id('chat-conversation', res.row.id), reservation_id: res.row.id, tenant_id: tenantId, started_at: tz(at) };
    guestConversations.push(g);
    chatConversations.push(c);
    conversations.push({ table: 'guest_conversations', id: g.id, legacy_id: res.row.id }, { table: 'chat_conversations', id: c.id, legacy_id: res.row.id });
  }

  // ----- tenant, credentials, run history
  const rngTenant = rngFor('tenant');
  const tenantRow = {
    tenant_id: tenantId, nit: `9${rngTenant.digits(8)}-${rngTenant.int(0, 9)}`, razon_social: `${name} S.A.S.`, nombre_comercial: name,
    tenant_type: 'hotel', is_active: true, slug, subdomain: slug.toLowerCase().replace(/[^a-z0-9-]+/g, '-'), subscription_tier: 'basic',
    features, created_at: tz(nowMs - 180 * 86400000), updated_at: tz(nowMs - 180 * 86400000),
  };
  const rngKey = rngFor('encrypted_secret');
  const junk = (n) => Buffer.from(Array.from({ length: n }, () => rngKey.int(0, 255))).toString('base64');
  const configData = on('encrypted_secret')
    ? { site_url: siteUrl, consumer_key_encrypted: `${junk(12)}:${junk(48)}`, consumer_secret_encrypted: `${junk(12)}:${junk(48)}` }
    : { site_url: siteUrl, consumer_key: keys.key, consumer_secret: keys.secret };
  const configRow = {
    id: id('integration-config', 'motopress'), tenant_id: tenantId, integration_type: 'motopress', config_data: configData, is_active: true,
    last_sync_at: naive(nowMs), created_at: naive(nowMs - 170 * 86400000), updated_at: naive(nowMs),
  };
  const junction = reservations.flatMap((r) => r.junction);
  const history = [
    { id: id('sync-history', 'accommodations'), tenant_id: tenantId, integration_type: 'motopress', sync_type: 'accommodations', status: 'success',
      records_processed: types.length, records_created: types.length, records_updated: 0, error_message: null, metadata: { source: 'legacy_writer' },
      started_at: naive(nowMs), completed_at: naive(nowMs + 1000) },
    { id: id('sync-history', 'reservations'), tenant_id: tenantId, integration_type: 'motopress', sync_type: 'reservations', status: 'success',
      records_processed: bookings.filter((b) => b.status !== 'trash').length, records_created: reservations.filter((r) => r.origin === 'sync').length,
      records_updated: 0, error_message: null, metadata: { source: 'legacy_writer' }, started_at: naive(nowMs + 1000), completed_at: naive(clockMs) },
  ];

  // ----- write
  await db.transaction(async (tx) => {
    await insertRows(tx, tables.tenantRegistry, [tenantRow]);
    await insertRows(tx, tables.integrationConfigs, [configRow]);
    await insertRows(tx, tables.syncHistory, history);
    await insertRows(tx, tables.units, units);
    await insertRows(tx, tables.reservations, reservations.map((r) => r.row));
    await insertRows(tx, tables.junction, junction);
    await insertRows(tx, tables.guestConversations, guestConversations);
    await insertRows(tx, tables.chatConversations, chatConversations);
  });

  // ----- upstream changes the old sync never noticed
  for (const e of upstreamEdits) {
    if (e.kind === 'cancel') site.updateBooking(e.bookingId, { status: 'cancelled' });
    else if (e.kind === 'trash') site.trash('bookings', e.bookingId);
    else site.deletePermanently('bookings', e.bookingId);
  }

  // ----- the manifest: what the rows ARE, against upstream as it is now
  const planted = Object.fromEntries(DEFECT_CLASSES.map((c) => [c, []]));
  const add = (cls, legacyId, bookingId) => planted[cls].push({ legacy_id: legacyId, booking_id: bookingId });
  const perBooking = new Map();
  for (const r of reservations) perBooking.set(r.bookingId, (perBooking.get(r.bookingId) ?? 0) + 1);
  const autoIds = new Set(units.filter((u) => u.motopress_type_id !== null).map((u) => u.id));
  const typeRowIds = new Set(units.map((u) => u.id)); // every legacy unit row stands for a type
  for (const r of reservations) {
    const upstream = site.get('bookings', r.bookingId);
    // A booking deleted for good tells nobody how many rooms it had: only its partial junction goes unclaimed.
    const rooms = upstream ? (upstream.record.reserved_accommodations ?? []).length : null;
    const roomIds = r.junction.map((j) => j.motopress_accommodation_id);
    if (r.row.accommodation_unit_id === null) add('null_unit', r.row.id, r.bookingId);
    if (r.junction.length === 0) add('junction_missing', r.row.id, r.bookingId);
    if (rooms !== null && r.junction.length > 0 && new Set(roomIds).size < rooms) add('junction_partial', r.row.id, r.bookingId);
    if (new Set(roomIds).size < roomIds.length) add('junction_duplicate', r.row.id, r.bookingId);
    if (r.row.accommodation_unit_id !== null && typeRowIds.has(r.row.accommodation_unit_id)) add('unit_is_type', r.row.id, r.bookingId);
    if (perBooking.get(r.bookingId) > 1) add('duplicate_rows', r.row.id, r.bookingId);
    if (r.block || (upstream && isBlock({ ...upstream.record, status: upstream.meta.post_status }))) add('block_as_guest', r.row.id, r.bookingId);
    const status = upstream?.meta.post_status;
    if (LIVE.has(r.row.status) && (!upstream || ['cancelled', 'abandoned', 'trash'].includes(status))) add('stale_status', r.row.id, r.bookingId);
    const digits = r.row.phone_full.replace(/\D/g, '');
    if (r.row.phone_last_4 === '0000' && !digits.endsWith('0000')) add('placeholder_phone', r.row.id, r.bookingId);
    if (!upstream) add('unknown_upstream', r.row.id, r.bookingId);
  }
  for (const u of units) if (autoIds.has(u.id)) add('auto_created_unit', u.id, null);
  const written = new Set(reservations.map((r) => r.bookingId));
  for (const e of site.list('bookings')) if (e.meta.post_status !== 'trash' && !written.has(e.record.id)) add('missing_booking', null, e.record.id);
  for (const list of Object.values(planted)) list.sort(byEntry);

  const bookingsSkipped = Object.keys(skipReasons).map(Number).sort((a, b) => a - b);
  return {
    tenantId, slug, planted,
    rows: { reservations: reservations.length, junction: junction.length, units: units.length, conversations: guestConversations.length + chatConversations.length, sync_history: history.length },
    bookingsSkipped,
    skipReasons: Object.fromEntries(bookingsSkipped.map((b) => [b, skipReasons[b]])),
    sire: sire.sort(byEntry),
    conversations,
  };
}

function byEntry(a, b) {
  const x = a.booking_id ?? Infinity;
  const y = b.booking_id ?? Infinity;
  if (x !== y) return x - y;
  return String(a.legacy_id) < String(b.legacy_id) ? -1 : String(a.legacy_id) > String(b.legacy_id) ? 1 : 0;
}

function addDays(date, n) {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86400000).toISOString().slice(0, 10);
}

/** Inserts rows (objects; a key missing from a row is NULL) in chunks, one statement each: one JSON parameter. */
async function insertRows(q, table, rows) {
  if (rows.length === 0) return;
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const list = columns.join(', ');
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500).map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? null])));
    await q.query(`insert into ${table} (${list}) select ${list} from json_populate_recordset(null::${table}, $1::text::json)`, [JSON.stringify(chunk)]);
  }
}
