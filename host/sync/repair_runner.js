// Repair of our own tables (SPEC §2 "true after every sync, repair or failure"; §5 `repair --tenant [--apply]`).
//
// 1. Find: the bookings, accommodations and accommodation types the monitor's invariants name
//    (offendingIdsByInvariant), and every row that disagrees with MotoPress. For the latter the core plans
//    the whole upstream tenant — accommodation lists and every booking page — as if nothing were stored
//    (stored hashes blank), and each planned row is compared with the stored one, column by column, after
//    PostgreSQL has typed both the same way: a different content hash is `hash_mismatch`, a booking we lack
//    is `missing`, the same hash with other columns is `content_drift` (a row edited by hand). After a
//    complete pass, stored bookings the pass did not return are `gone_upstream`.
// 2. Plan: each suspect booking is fetched again BY ID and planned by a core bookings session whose stored
//    state has the suspects' hashes blank, so they plan as changed; 404 or trash is the mark reconcile
//    writes (the core's confirm()). Accommodations are planned from the lists, suspects' hashes blank.
//    Before/after per row is what the writer will leave: rows whose content would not change are dropped,
//    so nothing that is not broken is written.
// 3. Dry run: the report, nothing written. Apply: the tenant lock, then everything in ONE transaction
//    through plan_writer.js (the writer Sync All uses), recorded in sync_runs as kind `repair`.
//
// Every row goes through that writer. A row whose hash is right but whose columns are not (the writer
// skips rows whose hash did not change) is written twice in the transaction: with its hash voided, then as
// planned. The one statement of its own reopens a booking already marked gone whose status was edited, so
// that the reconcile mark applies again.
import { pagesAsJson } from '../motopress/pages_json.js';
import { randomUUID } from 'node:crypto';

import { offendingIdsByInvariant } from '../monitor/invariant_checks.js';
import { markBookingsGone, writeAccommodationsPlan, writeBookingsPagePlan, writeResolvedUnits } from './plan_writer.js';
import { ROW_TABLES } from './row_tables.js';
import { loadStoredAccommodations, loadStoredBookings } from './stored_state.js';
import { SyncError } from './sync_errors.js';
import { acquireTenantLock, currentLockHolder, releaseTenantLock, renewTenantLock } from './tenant_lock.js';
import { getCollectionsTogether } from '../motopress/collections_together.js';

const LEASE_RENEW_MS = 60_000;
const FETCH_CONCURRENCY = 4;

/** Report table names (SPEC §2) of the row kinds of row_tables.js, in writing order. */
export const REPORT_TABLES = {
  accommodation_types: 'accommodation_types',
  accommodation_units: 'accommodation_units',
  reservations: 'guest_reservations',
  reservation_accommodations: 'reservation_accommodations',
  calendar_blocks: 'calendar_blocks',
};
const TABLE_ORDER = Object.values(REPORT_TABLES);

// The writer's upsert keeps the first time noticed (row_tables.js, KEEP_FIRST) and never changes the row id
// or its conflict key: the "after" of an updated row follows the same rules.
const KEEP_FIRST = new Set(['placeholder_since', 'upstream_gone_at']);

// Why a booking (or accommodation) is repaired, besides the invariant names.
export const REASONS = { hashMismatch: 'hash_mismatch', missing: 'missing', drift: 'content_drift', gone: 'gone_upstream' };

// ---------------------------------------------------------------------------------------------------------
// Rows as PostgreSQL types them, so that a planned row and a stored row compare equal exactly when the
// writer would store the same values.

const columnsOf = (kind) => Object.keys(ROW_TABLES[kind].columns);
const pick = (row, names) => Object.fromEntries(names.map((c) => [c, row[c] ?? null]));
const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Planned (or computed) rows, typed by PostgreSQL as the writer's json_to_recordset types them. */
async function typedRows(db, kind, rows) {
  if (rows.length === 0) return [];
  const spec = ROW_TABLES[kind];
  const names = columnsOf(kind);
  const recordset = names.map((c) => `"${c}" ${spec.columns[c]}`).join(', ');
  const out = await db.query(`select to_jsonb(x)::text as j from json_to_recordset($1::text::json) as x(${recordset})`,
    [JSON.stringify(rows.map((r) => pick(r, names)))]);
  return out.map((r) => JSON.parse(r.j));
}

/** Stored rows of a kind (only the columns the sync owns), typed the same way. */
async function storedRows(db, kind, where, params) {
  const select = columnsOf(kind).map((c) => `t."${c}"`).join(', ');
  const out = await db.query(`select to_jsonb(x)::text as j from (select ${select} from ${ROW_TABLES[kind].table} t where ${where}) x`, params);
  return out.map((r) => JSON.parse(r.j));
}

/** What the writer's upsert leaves when `planned` meets `stored` (insert when nothing is stored). */
function upserted(kind, stored, planned) {
  if (!stored) return planned;
  const spec = ROW_TABLES[kind];
  const after = {};
  for (const c of columnsOf(kind)) {
    if (c === 'id' || spec.conflict.includes(c)) after[c] = stored[c];
    else if (KEEP_FIRST.has(c)) after[c] = planned[c] === null ? null : (stored[c] ?? planned[c]);
    else after[c] = planned[c];
  }
  return after;
}

/** The columns that differ: {before, after} holding only those, or null when the rows are equal. */
function changedColumns(kind, before, after) {
  const b = {};
  const a = {};
  for (const c of columnsOf(kind)) {
    if (!same(before[c], after[c])) {
      b[c] = before[c] ?? null;
      a[c] = after[c] ?? null;
    }
  }
  return Object.keys(a).length === 0 ? null : { before: b, after: a };
}

/** Row changes between two sets of rows of one kind, matched by row id. */
function rowChanges(kind, beforeRows, afterRows) {
  const before = new Map(beforeRows.map((r) => [r.id, r]));
  const after = new Map(afterRows.map((r) => [r.id, r]));
  const changes = [];
  for (const [id, row] of after) {
    if (!before.has(id)) {
      changes.push({ change: 'insert', id, row, before: null, after: row });
      continue;
    }
    const diff = changedColumns(kind, before.get(id), row);
    if (diff) changes.push({ change: 'update', id, row, ...diff });
  }
  for (const [id, row] of before) {
    if (!after.has(id)) changes.push({ change: 'delete', id, row, before: row, after: null });
  }
  return changes;
}

// ---------------------------------------------------------------------------------------------------------
// Bookings: what is stored, what the core's plan would leave, and the difference.

/** Stored rows of some bookings: Map booking id → {reservation, junction, blocks}. */
async function loadBookingRows(db, tenantId, bookingIds) {
  const out = new Map(bookingIds.map((id) => [id, { reservation: null, junction: [], blocks: [] }]));
  if (bookingIds.length === 0) return out;
  const params = [tenantId, bookingIds];
  const [reservations, junction, blocks] = await Promise.all([
    storedRows(db, 'reservations', 't.tenant_id = $1 and t.external_booking_id = any($2::bigint[])', params),
    // A junction row belongs to the booking of its reservation (the writer replaces rows by reservation id).
    db.query(`select to_jsonb(x)::text as j, x.owner::text as owner from (
        select ${columnsOf('reservation_accommodations').map((c) => `t."${c}"`).join(', ')}, coalesce(r.external_booking_id, t.external_booking_id) as owner
        from public.reservation_accommodations t left join public.guest_reservations r on r.id = t.reservation_id
        where (r.tenant_id = $1 and r.external_booking_id = any($2::bigint[])) or (t.tenant_id = $1 and t.external_booking_id = any($2::bigint[]))) x`, params),
    storedRows(db, 'calendar_blocks', 't.tenant_id = $1 and t.external_booking_id = any($2::bigint[])', params),
  ]);
  for (const r of reservations) out.get(Number(r.external_booking_id)).reservation = r;
  for (const r of junction) {
    const { owner, ...row } = JSON.parse(r.j);
    out.get(Number(r.owner))?.junction.push(row);
  }
  for (const b of blocks) out.get(Number(b.external_booking_id)).blocks.push(b);
  return out;
}

/** A page plan of the core, typed and grouped per booking. */
async function plannedBookings(db, plan) {
  const [reservations, junction, blocks] = await Promise.all([
    typedRows(db, 'reservations', plan.reservations),
    typedRows(db, 'reservation_accommodations', plan.reservation_accommodations),
    typedRows(db, 'calendar_blocks', plan.calendar_blocks),
  ]);
  const out = new Map();
  const of = (id) => {
    const key = Number(id);
    if (!out.has(key)) out.set(key, { reservation: null, junction: [], blocks: [], deleteReservation: false, deleteBlocks: false });
    return out.get(key);
  };
  for (const r of reservations) of(r.external_booking_id).reservation = r;
  for (const j of junction) of(j.external_booking_id).junction.push(j);
  for (const b of blocks) of(b.external_booking_id).blocks.push(b);
  for (const id of plan.delete_reservations) of(id).deleteReservation = true;
  for (const id of plan.delete_blocks) of(id).deleteBlocks = true;
  return out;
}

/** What writeBookingsPagePlan leaves for one booking (upserts applied as if its hash had changed). */
function bookingAfter(tenantId, before, planned) {
  let { reservation, junction, blocks } = before;
  if (planned.deleteReservation && reservation) {
    junction = junction.filter((j) => j.reservation_id !== reservation.id); // on delete cascade
    reservation = null;
  }
  if (planned.deleteBlocks) blocks = [];
  if (planned.reservation) {
    reservation = upserted('reservations', before.reservation, planned.reservation);
    junction = [...junction.filter((j) => !(j.tenant_id === tenantId && j.reservation_id === planned.reservation.id)), ...planned.junction];
  }
  if (planned.blocks.length > 0) blocks = planned.blocks;
  return { reservation, junction, blocks };
}

/** Row changes of one booking between two states. */
function bookingChanges(before, after) {
  return [
    ...rowChanges('reservations', before.reservation ? [before.reservation] : [], after.reservation ? [after.reservation] : [])
      .map((c) => ({ ...c, kind: 'reservations' })),
    ...rowChanges('reservation_accommodations', before.junction, after.junction).map((c) => ({ ...c, kind: 'reservation_accommodations' })),
    ...rowChanges('calendar_blocks', before.blocks, after.blocks).map((c) => ({ ...c, kind: 'calendar_blocks' })),
  ];
}

// ---------------------------------------------------------------------------------------------------------
// Small helpers shared with the shape of sync_runner.js.

function withoutTenant(message, slug) {
  return message.startsWith(`tenant ${slug}: `) ? message.slice(`tenant ${slug}: `.length) : message;
}

function motoPressFailure(error, stage, slug) {
  const code = error.code === 'unauthorized' || error.code === 'forbidden' ? 'motopress_unauthorized' : 'motopress_error';
  return new SyncError(code, `tenant ${slug}: repair ${stage} stage failed: ${withoutTenant(error.message, slug)}`, { stage, cause: error.code, endpoint: error.endpoint });
}


/** Runs fn over items with at most `limit` in flight; results in item order. */
async function mapLimited(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next;
      next += 1;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const byNumber = (a, b) => a - b;

function addReason(map, id, reason) {
  if (!map.has(id)) map.set(id, new Set());
  map.get(id).add(reason);
}

// Invariant names first (I1…I7), then the upstream reasons.
const reasonOrder = (r) => (/^I\d/.test(r) ? `0${r}` : `1${Object.values(REASONS).indexOf(r)}`);
const sortedReasons = (set) => [...(set ?? [])].sort((a, b) => reasonOrder(a).localeCompare(reasonOrder(b)));

function emptyCounts() {
  return {
    suspects: 0, bookings: 0, rewritten: 0, marked_gone: 0, types: 0, units: 0, rows: 0,
    accommodation_types: 0, accommodation_units: 0, guest_reservations: 0, reservation_accommodations: 0, calendar_blocks: 0,
    unrepairable: 0, upstream_bookings: 0, pages: 0, requests: 0, warnings: 0, reasons: {},
  };
}

// ---------------------------------------------------------------------------------------------------------

/**
 * Finds (and with apply, repairs) what is broken in one tenant's tables. The function the CLI and the
 * HTTP route both call.
 * @param {object} o
 * @param {object} o.db
 * @param {import('../../js/core.js').MphbCore} o.core
 * @param {{tenant_id: string, slug: string}} o.tenant
 * @param {object} o.client           a MotoPress client (createMotoPressClient) for this tenant
 * @param {boolean} [o.apply=false]   false: the dry run (nothing written)
 * @param {() => Date} [o.clock]
 * @param {string} [o.runId]          the sync_runs id of an applied repair
 * @param {(event: {type, stage, current, total, message}) => void} [o.onEvent]
 * @param {number} [o.concurrency=4]  single records (GET /bookings/{id}) in flight at once
 * @returns {Promise<object>} the report (RepairReport in host/http/http_api.d.ts): `{tenant, mode, status, run_id, now, bookings, accommodations, rows,
 *   unrepairable, counts, warnings}`; status ∈ clean | problems_found (dry run) | repaired | incomplete
 * @throws {SyncError} already_running, accommodations_failed, motopress_error, motopress_unauthorized,
 *   unresolved_units, lock_lost, database_error — an applied repair that throws wrote nothing
 */
export async function runRepair({ db, core, tenant, client, apply = false, clock = () => new Date(), runId = randomUUID(), onEvent = () => {}, concurrency = FETCH_CONCURRENCY }) {
  const tenantId = tenant.tenant_id;
  const now = clock().toISOString();
  const counts = emptyCounts();
  const warnings = [];
  const emit = (event) => onEvent({ current: 0, total: 0, message: '', ...event });
  const warn = (list, stage) => {
    for (const w of list) {
      warnings.push({ ...w, stage });
      counts.warnings += 1;
      emit({ type: 'warning', stage, message: `${w.code}${w.path ? ` at ${w.path}` : ''}: ${w.message}`, code: w.code });
    }
  };

  let renewal = null;
  let lockLost = false;
  if (apply) {
    if (!(await acquireTenantLock(db, tenantId, runId, { run: { kind: 'repair', startedAt: now } }))) {
      throw new SyncError('already_running', `tenant ${tenant.slug}: a sync is already running; repair when it has finished`);
    }
    renewal = setInterval(() => {
      renewTenantLock(db, tenantId, runId).then((held) => { lockLost = lockLost || !held; }, () => {});
    }, LEASE_RENEW_MS);
    renewal.unref?.();
  } else {
    const holder = await currentLockHolder(db, tenantId);
    if (holder) throw new SyncError('already_running', `tenant ${tenant.slug}: a sync is already running (run ${holder.run_id}); repair when it has finished`);
  }

  try {
    const fetchOne = async (collection, id, stage) => {
      try {
        const r = await client.getOne(collection, id);
        counts.requests += 1;
        return r;
      } catch (error) {
        if (!error.endpoint) throw error;
        throw motoPressFailure(error, stage, tenant.slug);
      }
    };

    // ---- 1. Suspects the monitor names.
    const bookingReasons = new Map(); // booking id → Set of reasons
    const unitReasons = new Map();
    const typeReasons = new Map();
    for (const invariant of await offendingIdsByInvariant(db, tenantId)) {
      for (const id of invariant.bookings) addReason(bookingReasons, id, invariant.name);
      for (const id of invariant.units) addReason(unitReasons, id, invariant.name);
      for (const id of invariant.types) addReason(typeReasons, id, invariant.name);
    }

    // ---- 1b. Accommodations against the upstream lists.
    emit({ type: 'progress', stage: 'accommodations', message: 'fetching accommodation types and accommodations' });
    let types;
    let units;
    try {
      [types, units] = await getCollectionsTogether(client, ['accommodation_types', 'accommodations']);
    } catch (error) {
      if (!error.endpoint) throw error;
      const failure = motoPressFailure(error, 'accommodations', tenant.slug);
      if (failure.code === 'motopress_error') failure.code = 'accommodations_failed';
      throw failure;
    }
    counts.requests += types.requests + units.requests;
    const upstreamTypes = pagesAsJson(types.bodies);
    const upstreamUnits = pagesAsJson(units.bodies);
    const storedAccommodations = await loadStoredAccommodations(db, tenantId);
    /** @type {(state: object, keep?: (id: number) => boolean) => object} */
    const blankHashes = (state, keep = () => false) => Object.fromEntries(Object.entries(state).map(([id, s]) => [id, keep(Number(id)) ? s : { ...s, hash: '' }]));
    const planAccommodations = (current) => {
      const plan = core.planAccommodations({ tenantId, now, accommodationTypes: upstreamTypes, accommodations: upstreamUnits, current });
      if (plan.errors.length > 0) {
        const e = plan.errors[0];
        throw new SyncError('accommodations_failed', `tenant ${tenant.slug}: repair accommodations stage failed: ${e.code} at ${e.path}: ${e.message}`, { stage: 'accommodations', errors: plan.errors });
      }
      return plan;
    };
    const everyAccommodation = planAccommodations({
      accommodation_types: blankHashes(storedAccommodations.accommodation_types),
      accommodation_units: blankHashes(storedAccommodations.accommodation_units),
    });
    const accKinds = [
      { kind: 'accommodation_types', idColumn: 'mphb_type_id', reasons: typeReasons, stored: storedAccommodations.accommodation_types, deactivate: 'deactivate_types' },
      { kind: 'accommodation_units', idColumn: 'mphb_accommodation_id', reasons: unitReasons, stored: storedAccommodations.accommodation_units, deactivate: 'deactivate_units' },
    ];
    const storedAcc = {};
    for (const a of accKinds) {
      storedAcc[a.kind] = new Map((await storedRows(db, a.kind, 't.tenant_id = $1', [tenantId])).map((r) => [Number(r[a.idColumn]), r]));
      for (const planned of await typedRows(db, a.kind, everyAccommodation[a.kind])) {
        const id = Number(planned[a.idColumn]);
        const stored = storedAcc[a.kind].get(id);
        if (!stored) addReason(a.reasons, id, REASONS.missing);
        else if (changedColumns(a.kind, stored, upserted(a.kind, stored, planned))) {
          if (stored.content_hash !== planned.content_hash) addReason(a.reasons, id, REASONS.hashMismatch);
          else if (!a.reasons.has(id)) addReason(a.reasons, id, REASONS.drift);
        }
      }
      for (const id of everyAccommodation[a.deactivate]) addReason(a.reasons, Number(id), REASONS.gone);
    }
    const upstreamUnitTypes = Object.fromEntries(everyAccommodation.accommodation_units.map((u) => [String(u.mphb_accommodation_id), Number(u.mphb_type_id)]));
    const upstreamTypeIds = everyAccommodation.accommodation_types.map((t) => Number(t.mphb_type_id));
    emit({ type: 'progress', stage: 'accommodations', current: 1, total: 1, message: `${types.records.length} accommodation types, ${units.records.length} accommodations` });

    // ---- 1c. Every booking page, planned as if nothing were stored, compared with what is stored.
    const state = await loadStoredBookings(db, tenantId);
    const upstreamKind = new Map(); // booking id → 'reservation' | 'block', as the core classified it
    const fetchUnits = async (session, unknown, stage) => {
      const results = await mapLimited(unknown, concurrency, async (u) => {
        const r = await fetchOne('accommodations', u.mphb_accommodation_id, stage);
        return { id: u.mphb_accommodation_id, status: r.status, body: r.body };
      });
      const resolved = session.resolveUnits(results);
      if (resolved.errors.length > 0) {
        throw new SyncError('unresolved_units', `tenant ${tenant.slug}: ${resolved.errors[0].message}`, { stage, errors: resolved.errors });
      }
      return resolved;
    };
    const detect = core.bookingsSync({
      tenantId, now,
      knownUnits: { ...upstreamUnitTypes, ...state.knownUnits },
      knownTypes: [...new Set([...state.knownTypes, ...upstreamTypeIds])],
      stored: blankHashes(state.stored),
    });
    let pass;
    let pageErrors = 0;
    try {
      pass = await client.streamCollection('bookings', {
        onPage: async ({ page, bytes, totalPages }) => {
          let plan = detect.planPage(bytes);
          if (plan.unknown_units.length > 0) {
            await fetchUnits(detect, plan.unknown_units, 'reservations');
            plan = detect.planPage(bytes);
            if (plan.unknown_units.length > 0) throw new SyncError('unresolved_units', `tenant ${tenant.slug}: units still unknown after fetching them`, { stage: 'reservations' });
          }
          counts.pages += 1;
          counts.upstream_bookings += plan.counts.records ?? 0;
          pageErrors += plan.errors.length;
          warn(plan.errors.map((e) => ({ ...e, page })), 'reservations');
          const planned = await plannedBookings(db, plan);
          const ids = [...planned.keys()];
          const stored = await loadBookingRows(db, tenantId, ids);
          for (const id of ids) {
            const p = planned.get(id);
            if (p.reservation) upstreamKind.set(id, 'reservation');
            else if (p.blocks.length > 0) upstreamKind.set(id, 'block');
            const before = stored.get(id);
            const changes = bookingChanges(before, bookingAfter(tenantId, before, p));
            const storedState = state.stored[String(id)];
            const hash = p.reservation?.content_hash ?? p.blocks[0]?.content_hash;
            if (!storedState) addReason(bookingReasons, id, REASONS.missing);
            else if (storedState.hash !== hash || storedState.kind !== upstreamKind.get(id)) addReason(bookingReasons, id, REASONS.hashMismatch);
            else if (changes.length > 0 && !bookingReasons.has(id)) addReason(bookingReasons, id, REASONS.drift);
          }
          emit({ type: 'progress', stage: 'reservations', current: page, total: totalPages, message: `page ${page} of ${totalPages} compared` });
        },
      });
    } catch (error) {
      detect.close();
      if (error instanceof SyncError) throw error;
      if (error.code && error.endpoint) throw motoPressFailure(error, 'reservations', tenant.slug);
      throw error;
    }
    counts.requests += pass.requests;
    const reconcile = detect.reconcile(pass.total);
    detect.close();
    if (!reconcile.complete || pageErrors > 0) {
      warn([{ code: 'reconcile_skipped', path: 'bookings', message: `the pass saw ${reconcile.seen} of ${reconcile.total} bookings${pageErrors ? ` and ${pageErrors} could not be mapped` : ''}; bookings gone upstream are not looked for this time`, tenant_id: tenantId }], 'reconcile');
    } else {
      for (const id of reconcile.confirm) addReason(bookingReasons, Number(id), REASONS.gone);
    }

    // ---- 2a. Accommodations to write: the suspects' hashes blank, every other row as stored.
    const suspectAccommodations = (a) => (id) => !a.reasons.has(id);
    const accPlan = planAccommodations({
      accommodation_types: blankHashes(storedAccommodations.accommodation_types, suspectAccommodations(accKinds[0])),
      accommodation_units: blankHashes(storedAccommodations.accommodation_units, suspectAccommodations(accKinds[1])),
    });
    const accWrite = { accommodation_types: [], accommodation_units: [], deactivate_types: [], deactivate_units: [] };
    const voidAcc = { accommodation_types: [], accommodation_units: [] };
    const accommodationReports = [];
    const rows = [];
    const unrepairable = [];
    for (const a of accKinds) {
      const plannedRows = new Map(accPlan[a.kind].map((r) => [Number(r[a.idColumn]), r]));
      const typed = new Map((await typedRows(db, a.kind, accPlan[a.kind])).map((r) => [Number(r[a.idColumn]), r]));
      const deactivate = new Set(accPlan[a.deactivate].map(Number));
      for (const id of [...a.reasons.keys()].sort(byNumber)) {
        const reasons = sortedReasons(a.reasons.get(id));
        const stored = storedAcc[a.kind].get(id) ?? null;
        let after = null;
        if (typed.has(id)) after = upserted(a.kind, stored, typed.get(id));
        else if (deactivate.has(id) && stored) after = { ...stored, is_active: false, content_hash: `gone:${stored.content_hash}` };
        const changes = rowChanges(a.kind, stored ? [stored] : [], after ? [after] : []);
        if (changes.length === 0) {
          unrepairable.push({ table: REPORT_TABLES[a.kind], booking_id: null, mphb_id: id, reason: reasons,
            message: typed.has(id) || deactivate.has(id) ? 'MotoPress gives the same row as the stored one; rewriting it cannot change anything'
              : 'MotoPress no longer lists it; there is nothing to rewrite it from' });
          continue;
        }
        if (typed.has(id)) {
          accWrite[a.kind].push(plannedRows.get(id));
          if (stored && stored.content_hash === typed.get(id).content_hash) voidAcc[a.kind].push(id);
        } else {
          accWrite[a.deactivate].push(id);
        }
        accommodationReports.push({ table: REPORT_TABLES[a.kind], mphb_id: id, reason: reasons, action: typed.has(id) ? 'rewrite' : 'deactivate' });
        for (const c of changes) rows.push({ booking_id: null, mphb_id: id, table: REPORT_TABLES[a.kind], id: c.id, change: c.change, reason: reasons, before: c.before, after: c.after });
      }
    }
    counts.types = accWrite.accommodation_types.length + accWrite.deactivate_types.length;
    counts.units = accWrite.accommodation_units.length + accWrite.deactivate_units.length;

    // ---- 2b. Suspect bookings, fetched again one by one.
    const suspects = [...bookingReasons.keys()].sort(byNumber);
    counts.suspects = suspects.length + accommodationReports.length;
    emit({ type: 'progress', stage: 'refetch', current: 0, total: suspects.length, message: `fetching ${suspects.length} bookings by id` });
    let fetched = 0;
    const results = await mapLimited(suspects, concurrency, async (id) => {
      const r = await fetchOne('bookings', id, 'refetch');
      fetched += 1;
      emit({ type: 'progress', stage: 'refetch', current: fetched, total: suspects.length, message: `booking ${id}: ${r.status}` });
      return { id, ...r };
    });
    const storedWrite = { ...state.stored };
    for (const id of suspects) {
      const s = state.stored[String(id)];
      if (!s) continue;
      // A booking stored in both tables (I4): the stored kind opposite to the upstream one makes the core
      // delete the stray copy.
      const both = bookingReasons.get(id).has('I4 one-row-per-booking') && upstreamKind.has(id);
      storedWrite[String(id)] = { ...s, hash: '', kind: both ? (upstreamKind.get(id) === 'block' ? 'reservation' : 'block') : s.kind };
    }
    const writeSession = core.bookingsSync({
      tenantId, now,
      knownUnits: { ...Object.fromEntries(accWrite.accommodation_units.map((u) => [String(u.mphb_accommodation_id), Number(u.mphb_type_id)])), ...state.knownUnits },
      knownTypes: [...new Set([...state.knownTypes, ...accWrite.accommodation_types.map((t) => Number(t.mphb_type_id))])],
      stored: storedWrite,
    });
    let bookingPlan;
    let resolvedUnits = { accommodation_types: [], accommodation_units: [] };
    const gone = new Map(); // booking id → mark
    try {
      const bodies = [];
      for (const r of results) {
        if (r.status === 404 || r.body?.status === 'trash') {
          const decision = writeSession.confirm(r.id, r.status, r.bytes ? new TextDecoder().decode(r.bytes) : '');
          warn(decision.warnings, 'refetch');
          warn(decision.errors, 'refetch');
          if (decision.decision === 'gone') gone.set(r.id, decision.mark);
        } else {
          bodies.push(r.bytes);
        }
      }
      const bytes = pagesAsJson(bodies);
      bookingPlan = writeSession.planPage(bytes);
      if (bookingPlan.unknown_units.length > 0) {
        resolvedUnits = await fetchUnits(writeSession, bookingPlan.unknown_units, 'refetch');
        warn(resolvedUnits.warnings, 'refetch');
        bookingPlan = writeSession.planPage(bytes);
        if (bookingPlan.unknown_units.length > 0) throw new SyncError('unresolved_units', `tenant ${tenant.slug}: units still unknown after fetching them`, { stage: 'refetch' });
      }
    } finally {
      writeSession.close();
    }
    const planErrors = new Map();
    for (const e of bookingPlan.errors) {
      const m = /^bookings\[(\d+)\]/.exec(e.path ?? '');
      const id = m ? results.filter((r) => !(r.status === 404 || r.body?.status === 'trash'))[Number(m[1])]?.id : undefined;
      if (id !== undefined) planErrors.set(id, e);
      else warn([e], 'refetch');
    }
    warn(bookingPlan.warnings, 'refetch');

    // ---- 2c. Before/after per row; only bookings whose rows change are written.
    const planned = await plannedBookings(db, bookingPlan);
    const storedBookings = await loadBookingRows(db, tenantId, suspects);
    const keep = new Set();
    const voidReservations = [];
    const reopen = []; // [booking id, upstream_gone_at] of bookings already marked gone whose rows were edited
    const bookingReports = [];
    for (const id of suspects) {
      const reasons = sortedReasons(bookingReasons.get(id));
      const before = storedBookings.get(id);
      let after = null;
      let action = 'rewrite';
      if (gone.has(id)) {
        action = 'mark_gone';
        const mark = gone.get(id);
        const marked = (row) => ({ ...row, status: mark.status, upstream_gone_at: row.upstream_gone_at ?? mark.upstream_gone_at,
          content_hash: row.upstream_gone_at ? row.content_hash : `gone:${row.content_hash}` });
        const [reservation] = before.reservation ? await typedRows(db, 'reservations', [marked(before.reservation)]) : [null];
        after = { reservation, junction: before.junction, blocks: await typedRows(db, 'calendar_blocks', before.blocks.filter((b) => !b.upstream_gone_at).map(marked)) };
        after.blocks.push(...before.blocks.filter((b) => b.upstream_gone_at));
      } else if (planned.has(id)) {
        after = bookingAfter(tenantId, before, planned.get(id));
      }
      const changes = after ? bookingChanges(before, after) : [];
      const structural = reasons.some((r) => /^I[1-47] /.test(r));
      if (changes.length === 0 || (action === 'mark_gone' && structural)) {
        const message = planErrors.has(id) ? `MotoPress's booking cannot be mapped: ${planErrors.get(id).code} at ${planErrors.get(id).path}: ${planErrors.get(id).message}`
          : action === 'mark_gone' ? 'MotoPress no longer has this booking: its rows cannot be read again, only marked gone'
            : after ? 'MotoPress gives the same rows as the stored ones; rewriting them cannot change anything'
              : 'the booking was not planned';
        unrepairable.push({ table: null, booking_id: id, mphb_id: null, reason: reasons, message });
        if (changes.length === 0) continue;
      }
      keep.add(id);
      bookingReports.push({ booking_id: id, reason: reasons, action, tables: [...new Set(changes.map((c) => REPORT_TABLES[c.kind]))].sort((a, b) => TABLE_ORDER.indexOf(a) - TABLE_ORDER.indexOf(b)) });
      for (const c of changes) {
        rows.push({ booking_id: id, mphb_id: null, table: REPORT_TABLES[c.kind], id: c.id, position: c.row.position ?? null, change: c.change, reason: reasons, before: c.before, after: c.after });
      }
      if (action === 'mark_gone') {
        if (before.reservation?.upstream_gone_at && changes.some((c) => c.kind === 'reservations')) reopen.push([id, before.reservation.upstream_gone_at]);
      } else {
        const p = planned.get(id);
        if (p.reservation && before.reservation && before.reservation.content_hash === p.reservation.content_hash
          && changes.some((c) => c.kind === 'reservations' && c.change === 'update')) voidReservations.push(id);
      }
    }

    // The core's plans, cut down to what is written.
    const kept = (id) => keep.has(Number(id)) && !gone.has(Number(id));
    const bookingWrite = {
      reservations: bookingPlan.reservations.filter((r) => kept(r.external_booking_id)),
      reservation_accommodations: bookingPlan.reservation_accommodations.filter((r) => kept(r.external_booking_id)),
      calendar_blocks: bookingPlan.calendar_blocks.filter((r) => kept(r.external_booking_id)),
      delete_reservations: bookingPlan.delete_reservations.filter(kept),
      delete_blocks: bookingPlan.delete_blocks.filter(kept),
    };
    const namedUnits = new Set([...bookingWrite.reservation_accommodations, ...bookingWrite.calendar_blocks].map((r) => Number(r.mphb_accommodation_id)));
    const unitsWrite = resolvedUnits.accommodation_units.filter((u) => namedUnits.has(Number(u.mphb_accommodation_id)));
    const namedTypes = new Set(unitsWrite.map((u) => Number(u.mphb_type_id)));
    const resolvedWrite = { accommodation_types: resolvedUnits.accommodation_types.filter((t) => namedTypes.has(Number(t.mphb_type_id))), accommodation_units: unitsWrite };
    for (const [kind, list] of Object.entries(resolvedWrite)) {
      for (const row of await typedRows(db, kind, list)) {
        rows.push({ booking_id: null, mphb_id: Number(row.mphb_accommodation_id ?? row.mphb_type_id), table: REPORT_TABLES[kind], id: row.id, change: 'insert', reason: ['placeholder'], before: null, after: row });
      }
    }
    const goneWrite = [...gone.keys()].filter((id) => keep.has(id));

    rows.sort((a, b) => TABLE_ORDER.indexOf(a.table) - TABLE_ORDER.indexOf(b.table) || (a.booking_id ?? 0) - (b.booking_id ?? 0)
      || (a.mphb_id ?? 0) - (b.mphb_id ?? 0) || (a.position ?? -1) - (b.position ?? -1) || String(a.id).localeCompare(String(b.id)));
    counts.bookings = bookingReports.length;
    counts.rewritten = bookingReports.filter((b) => b.action === 'rewrite').length;
    counts.marked_gone = goneWrite.length;
    counts.rows = rows.length;
    for (const r of rows) counts[r.table] += 1;
    counts.unrepairable = unrepairable.length;
    for (const b of [...bookingReports, ...accommodationReports]) for (const reason of b.reason) counts.reasons[reason] = (counts.reasons[reason] ?? 0) + 1;

    // ---- 3. Apply: everything in one transaction, through the writer Sync All uses.
    const somethingToWrite = rows.length > 0;
    if (apply && somethingToWrite) {
      emit({ type: 'progress', stage: 'write', current: 0, total: 1, message: `writing ${rows.length} rows of ${counts.bookings} bookings, ${counts.types} types and ${counts.units} units in one transaction` });
      if (lockLost || !(await renewTenantLock(db, tenantId, runId))) {
        throw new SyncError('lock_lost', `tenant ${tenant.slug}: this repair's lock expired and another run took it; nothing was written`, { stage: 'write' });
      }
      // The writer skips a row whose hash did not change: a row whose hash is right but whose columns are
      // not is written twice, first with its hash voided ('repair:' + hash), then as planned. (Voiding the
      // stored hash with an UPDATE would fail on exactly the rows that break a CHECK constraint.)
      const voided = (list) => list.map((r) => ({ ...r, content_hash: `repair:${r.content_hash}` }));
      const voidTypes = accWrite.accommodation_types.filter((t) => voidAcc.accommodation_types.includes(Number(t.mphb_type_id)));
      const voidUnits = accWrite.accommodation_units.filter((u) => voidAcc.accommodation_units.includes(Number(u.mphb_accommodation_id)));
      const voidIds = new Set(voidReservations);
      const voidBookings = {
        reservations: voided(bookingWrite.reservations.filter((r) => voidIds.has(Number(r.external_booking_id)))),
        reservation_accommodations: bookingWrite.reservation_accommodations.filter((r) => voidIds.has(Number(r.external_booking_id))),
        calendar_blocks: [], delete_reservations: [], delete_blocks: [],
      };
      await db.transaction(async (tx) => {
        if (voidTypes.length + voidUnits.length > 0) {
          await writeAccommodationsPlan(tx, tenantId, { accommodation_types: voided(voidTypes), accommodation_units: voided(voidUnits), deactivate_types: [], deactivate_units: [] }, now);
        }
        await writeAccommodationsPlan(tx, tenantId, accWrite, now);
        await writeResolvedUnits(tx, tenantId, resolvedWrite);
        if (voidBookings.reservations.length > 0) await writeBookingsPagePlan(tx, tenantId, voidBookings);
        await writeBookingsPagePlan(tx, tenantId, bookingWrite);
        // Already marked gone, but edited since: reopened, then marked again with the time first noticed.
        for (const [id, since] of reopen) {
          await tx.query(`update public.guest_reservations set upstream_gone_at = null, content_hash = regexp_replace(content_hash, '^gone:', '')
            where tenant_id = $1 and external_booking_id = $2`, [tenantId, id]);
          await markBookingsGone(tx, tenantId, [id], { ...gone.get(id), upstream_gone_at: since });
        }
        const fresh = goneWrite.filter((id) => !reopen.some(([r]) => r === id));
        if (fresh.length > 0) await markBookingsGone(tx, tenantId, fresh, gone.get(fresh[0]));
      });
      emit({ type: 'progress', stage: 'write', current: 1, total: 1, message: 'written' });
    }

    const status = !somethingToWrite && unrepairable.length === 0 ? 'clean'
      : !apply ? 'problems_found'
        : unrepairable.length > 0 ? 'incomplete' : 'repaired';
    const report = {
      tenant: { tenant_id: tenantId, slug: tenant.slug },
      mode: apply ? 'apply' : 'dry_run',
      status,
      run_id: apply ? runId : null,
      now,
      bookings: bookingReports,
      accommodations: accommodationReports,
      rows,
      unrepairable,
      counts,
      warnings,
    };
    if (apply) {
      const runWarnings = [...unrepairable.map((u) => ({ code: 'unrepairable', booking_id: u.booking_id, mphb_id: u.mphb_id, table: u.table, reason: u.reason, message: u.message })), ...warnings];
      await db.query(`update public.sync_runs set status = 'succeeded', finished_at = now(), counts = $2::text::jsonb, warnings = $3::text::jsonb
        where id = $1 and status = 'running'`, [runId, JSON.stringify(counts), JSON.stringify(runWarnings.slice(0, 200))]);
    }
    emit({ type: 'complete', stage: 'done', current: 1, total: 1, message: `repair of ${tenant.slug}: ${status}`, counts });
    return report;
  } catch (error) {
    const failure = error instanceof SyncError ? error
      : new SyncError('database_error', `tenant ${tenant.slug}: repair failed: ${error.message}`, { cause: error.code });
    if (apply) {
      await db.query(`update public.sync_runs set status = 'failed', finished_at = now(), counts = $2::text::jsonb, warnings = $3::text::jsonb,
          error_code = $4, error_message = $5 where id = $1`,
      [runId, JSON.stringify(counts), JSON.stringify(warnings.slice(0, 200)), failure.code, failure.message]).catch(() => {});
      failure.runId = runId;
    }
    failure.counts = counts;
    emit({ type: 'error', stage: failure.details.stage ?? 'repair', message: failure.message, code: failure.code, counts });
    throw failure;
  } finally {
    if (renewal) clearInterval(renewal);
    if (apply) await releaseTenantLock(db, tenantId, runId).catch(() => {});
  }
}
