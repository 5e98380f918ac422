// Sync All (SPEC §3) for one tenant: lock, accommodations first (one transaction, or nothing), then
// reservations page by page (each page and its rooms in one transaction), then reconcile after a
// complete pass, and the run recorded in sync_runs. The core decides every row; this only fetches,
// hands bytes to the core and applies its plans.
import { randomUUID } from 'node:crypto';

import { withTransientRetry } from '../db/database_faults.js';
import { getCollectionsTogether } from '../motopress/collections_together.js';
import { pagesAsJson } from '../motopress/pages_json.js';
import { createPageWriteQueue } from './page_write_queue.js';
import { bookingsPageStatements, markBookingsGone, writeAccommodationsPlan, writeResolvedUnits } from './plan_writer.js';
import { plannerStatistics } from './planner_statistics.js';
import { loadActiveBookingIds, loadKnownUnits, loadStoredAccommodations, loadStoredBookingsFor } from './stored_state.js';
import { saveSyncCursorStatement, syncCursorFromRow } from './sync_cursor_store.js';
import { SyncError } from './sync_errors.js';
import {
  LEASE_RENEW_MS, endTenantRun, holdsTenantLock, holdsTenantLockStatement, releaseTenantLock, renewTenantLock, startTenantRun,
} from './tenant_lock.js';

// A full pass every N-th run catches bookings deleted for good (an incremental pass never sees them).
const FULL_PASS_EVERY = Math.max(1, Number(process.env.MPHB_FULL_PASS_EVERY) || 24);
// The incremental query starts this long before the cursor: covers clock skew and late commits upstream.
const OVERLAP_SECONDS = 600;

// Client errors already name the tenant; say it once.
function withoutTenant(message, slug) {
  return message.startsWith(`tenant ${slug}: `) ? message.slice(`tenant ${slug}: `.length) : message;
}

// A MotoPress failure in a stage, with one code whatever the stage: unauthorized and forbidden keys are
// the tenant's to fix, everything else (5xx, timeouts, malformed bodies after retries) is motopress_error.
function motoPressFailure(error, stage, slug, fallback = 'motopress_error') {
  const code = error.code === 'unauthorized' || error.code === 'forbidden' ? 'motopress_unauthorized' : fallback;
  return new SyncError(code, `tenant ${slug}: ${stage} stage failed: ${withoutTenant(error.message, slug)}`, { stage, cause: error.code, endpoint: error.endpoint });
}

// Core paths are relative to the page (bookings[92]…): add the page and the booking id, for people.
function locateInPage(diagnostic, page, bytes) {
  const m = /^bookings\[(\d+)\]/.exec(diagnostic.path);
  let bookingId;
  if (m) {
    try {
      bookingId = JSON.parse(new TextDecoder().decode(bytes))[Number(m[1])]?.id;
    } catch { /* the page did not parse: the path says where */ }
  }
  return { ...diagnostic, page, booking_id: bookingId ?? null };
}

function emptyCounts() {
  return {
    types_created: 0, types_updated: 0, types_unchanged: 0, types_deactivated: 0,
    units_created: 0, units_updated: 0, units_unchanged: 0, units_deactivated: 0,
    created: 0, updated: 0, unchanged: 0, cancelled: 0, blocks: 0, placeholders: 0, gone: 0, warnings: 0, errors: 0,
    pages: 0, requests: 0, bytes: 0,
  };
}

/**
 * Runs a sync of one tenant.
 * @param {object} o
 * @param {object} o.db               from openDatabase
 * @param {import('../../js/core.js').MphbCore} o.core
 * @param {{tenant_id: string, slug: string}} o.tenant
 * @param {object} o.client           a MotoPress client (createMotoPressClient) for this tenant
 * @param {'sync-all'|'sync'} [o.kind='sync-all']  'sync' is the accommodations stage alone
 * @param {() => Date} [o.clock]      "now" for the core (the core itself never reads a clock)
 * @param {(event: {type, stage, current, total, message, counts?, code?}) => void} [o.onEvent]
 * @param {string} [o.runId]          the run's id (default: a new UUID), known to the caller before events
 * @param {AbortSignal} [o.signal]    stop at the next page boundary (never inside a page) as 'interrupted'
 * @param {'auto'|'full'} [o.pass='auto']  'auto': incremental when the tenant's cursor allows (only bookings
 *   modified since the last complete pass, trash included; never reconciles), else full; 'full': list every
 *   booking and reconcile. counts.pass says which ran; stats has per-stage timings, requests and bytes.
 * @returns {Promise<{runId, status: 'succeeded', counts, warnings, stats}>}
 * @throws {SyncError} with a stable code; the run is recorded as failed (unless already_running)
 */
export async function runSync({ db, core, tenant, client, kind = 'sync-all', clock = () => new Date(), onEvent = () => {}, runId = randomUUID(), signal, pass: requestedPass = 'auto' }) {
  if (requestedPass !== 'auto' && requestedPass !== 'full') throw new TypeError(`pass must be 'auto' or 'full', not ${JSON.stringify(requestedPass)}`);
  const tenantId = tenant.tenant_id;
  // `stage` is a stage name (SSE events carry it); `where` says where in it the run stopped.
  // The signal's reason says why (a departed SSE client, SIGTERM); never inside a page.
  const stopIfAsked = (stage, where) => {
    if (!signal?.aborted) return;
    const why = typeof signal.reason === 'string' ? signal.reason : 'the client went away';
    throw new SyncError('interrupted', `tenant ${tenant.slug}: stopped ${where} because ${why}; the next run completes the work`, { stage });
  };
  const now = clock().toISOString();
  const runStarted = performance.now();
  const counts = emptyCounts();
  const warnings = [];
  // Per stage: wall time, requests and bytes received (recorded on the run; `mphb-sync runs` shows them).
  const stats = { stages: {} };
  const stageStarted = {};
  const startStage = (stage) => { stageStarted[stage] = { at: performance.now(), requests: counts.requests, bytes: counts.bytes }; };
  const endStage = (stage) => {
    const s = stageStarted[stage];
    if (s) stats.stages[stage] = { ms: Math.round(performance.now() - s.at), requests: counts.requests - s.requests, bytes: counts.bytes - s.bytes };
  };
  const emit = (event) => onEvent({ current: 0, total: 0, message: '', ...event });
  const warn = (list, stage) => {
    for (const w of list) {
      warnings.push({ ...w, stage });
      counts.warnings += 1;
      emit({ type: 'warning', stage, message: `${w.code} at ${w.path}: ${w.message}`, code: w.code });
    }
  };

  let acquired;
  let cursorRow;
  try {
    // The run is recorded, and the tenant's cursor read, in the same statement (one round trip before the
    // first request).
    ({ acquired, cursorRow } = await startTenantRun(db, tenantId, runId, { run: { kind, startedAt: now } }));
  } catch (error) {
    const failure = new SyncError('database_error', `tenant ${tenant.slug}: could not take the tenant's lock: ${error.message}`, { cause: error.code });
    emit({ type: 'error', stage: 'sync', message: failure.message, code: failure.code });
    throw failure;
  }
  if (!acquired) {
    throw new SyncError('already_running', `tenant ${tenant.slug}: a sync is already running; try again when it has finished`);
  }
  let session = null;
  let endCursor = null; // the settled cursor, stored with the run's end
  let released = false; // the lease was released with the run's end
  // The lease is renewed on a timer for the whole run (long stages included); a lost lease stops the
  // run at its next step.
  let lockLost = false;
  const renewal = setInterval(() => {
    renewTenantLock(db, tenantId, runId).then((held) => { lockLost = lockLost || !held; }, () => {});
  }, LEASE_RENEW_MS);
  renewal.unref?.();
  const stopIfLockLost = (stage, where) => {
    if (lockLost) throw new SyncError('lock_lost', `tenant ${tenant.slug}: this run's lock expired and another run took it; stopped ${where}`, { stage });
  };
  // Inside a write transaction: this run still holds the lock, until the commit (see holdsTenantLock).
  const fence = async (tx, where, stage = 'reconcile') => {
    if (!(await holdsTenantLock(tx, tenantId, runId))) lockLost = true;
    stopIfLockLost(stage, where);
  };
  try {
    // The bookings pass starts with the accommodations stage: its pages are fetched (a window of them, as
    // in any pass) while stage 1 runs, and planned and written only once stage 1 has committed and the
    // session holds the units now in the database (SPEC §3: no reservation is written if stage 1 fails).
    /** @type {{resolve: (value?: unknown) => void, reject: (error: unknown) => void}} */
    let ready;
    const stageOneCommitted = new Promise((resolve, reject) => { ready = { resolve, reject }; });
    stageOneCommitted.catch(() => {});
    const prefetch = new AbortController();
    const pageErrors = [];
    // What the core counted of the pass's ids: a booking on two pages, records without an id.
    const pageIds = { duplicates: 0, withoutId: 0 };
    const statistics = plannerStatistics(db);
    // Pages are planned in order and written while later pages are fetched and planned, up to
    // db.writeConcurrency transactions at once; a page with nothing to write opens no transaction.
    const writes = createPageWriteQueue(db.writeConcurrency ?? 1);
    const recordPage = (page, totalPages, plan, bytes, passKind) => {
      counts.created += plan.counts.created;
      counts.updated += plan.counts.updated;
      counts.unchanged += plan.counts.unchanged;
      counts.blocks += plan.counts.blocks_written;
      pageIds.duplicates += plan.counts.duplicates ?? 0;
      pageIds.withoutId += plan.counts.without_id ?? 0;
      counts.cancelled += plan.counts.cancelled;
      counts.pages += 1;
      counts.errors += plan.errors.length;
      const located = plan.errors.map((e) => locateInPage(e, page, bytes));
      pageErrors.push(...located);
      warn(plan.warnings.map((w) => locateInPage(w, page, bytes)), 'reservations');
      for (const e of located) emit({ type: 'warning', stage: 'reservations', message: `${e.code} at ${e.path} of page ${page}${e.booking_id ? ` (booking ${e.booking_id})` : ''}: ${e.message}`, code: e.code });
      emit({ type: 'progress', stage: 'reservations', current: page, total: totalPages, message: `${passKind === 'incremental' ? 'changed bookings: ' : ''}page ${page} of ${totalPages}` });
      // The lease is renewed by the timer, off this path; a lost lease stops the run here.
      stopIfLockLost('reservations', `after page ${page}`);
    };
    const onBookingsPage = async ({ page, bytes, totalPages }, passKind) => {
      stopIfAsked('reservations', `before page ${page}`);
      // The page is read once and held by the core; only its bookings' stored rows are read (memory flat
      // at any tenant size).
      let read = session.readPage(bytes);
      if (read.unknown_units.length > 0) {
        // Rooms first: fetch each unknown unit individually; placeholders only when MotoPress no longer has it.
        const results = await Promise.all(read.unknown_units.map(async (u) => {
          const r = await client.getOne('accommodations', u.mphb_accommodation_id);
          counts.requests += 1;
          return { id: u.mphb_accommodation_id, status: r.status, body: r.body };
        }));
        const resolved = session.resolveUnits(results);
        if (resolved.errors.length > 0) {
          throw new SyncError('unresolved_units', `tenant ${tenant.slug}: ${resolved.errors[0].message}`, { stage: 'reservations', errors: resolved.errors });
        }
        // Committed before this page's write starts (the rooms' foreign keys), and before any later
        // page's; after the writes in flight (a nested handle runs one transaction at a time).
        await writes.settle();
        await db.transaction((tx) => writeResolvedUnits(tx, tenantId, resolved));
        // The core counts what it decided to write; a unit fetched by id is a unit created.
        counts.units_created += resolved.counts.units_created;
        counts.types_created += resolved.counts.types_created;
        counts.placeholders += resolved.counts.placeholders;
        warn(resolved.warnings, 'reservations');
        read = session.readPage(bytes);
        if (read.unknown_units.length > 0) throw new SyncError('unresolved_units', `tenant ${tenant.slug}: units still unknown after fetching them`);
      }
      if (read.errors.length > 0) throw new SyncError('invalid_state', `tenant ${tenant.slug}: ${read.errors[0].code} at ${read.errors[0].path}: ${read.errors[0].message}`, { stage: 'reservations' });
      // Looked up, planned and written while later pages are fetched and read: a page's stored rows do not
      // depend on an earlier page's write (an id on two pages is planned once, from the first).
      const lookUpAndWrite = async () => {
        const stored = await withTransientRetry(() => loadStoredBookingsFor(db, tenantId, read.ids));
        const plan = session.planReadPage(read.page, stored);
        const statements = bookingsPageStatements(tenantId, plan);
        if (statements.length === 0) return plan;
        // A page is one transaction, led by the fence; a transient fault (connection lost,
        // serialization) is retried whole.
        await withTransientRetry(() => db.transaction(async (tx) => {
          stopIfLockLost('reservations', `before writing page ${page}`);
          const [held] = await tx.pipeline([holdsTenantLockStatement(tenantId, runId), ...statements]);
          if (held.length === 0) lockLost = true;
          stopIfLockLost('reservations', `before committing page ${page}`);
        }, { pipelined: true }), {
          onRetry: (error) => warn([{ code: 'database_retry', path: `page ${page}`, message: `page ${page} written again after ${error.code}: ${error.message}`, tenant_id: tenantId }], 'reservations'),
        });
        statistics.added(plan.counts.created);
        return plan;
      };
      await writes.add(lookUpAndWrite, (plan) => recordPage(page, totalPages, plan, bytes, passKind));
    };
    // Stage 2's pass, begun now: the cursor, the core's decision (a probe of the site's filters the first
    // time), then the pages. Its requests are counted in stage 2.
    const probeCounts = { requests: 0, bytes: 0 };
    let decided;
    const decisionMade = new Promise((resolve, reject) => { decided = { resolve, reject }; });
    decisionMade.catch(() => {});
    const bookingsPass = async () => {
      try {
        const made = await decidePass();
        decided.resolve(made.decision);
        return await fetchPass(made);
      } catch (error) {
        decided.reject(error);
        throw error;
      }
    };
    const decidePass = async () => {
      const { cursor, lastTotalPages } = syncCursorFromRow(cursorRow);
      const passInput = { tenant_id: tenantId, requested: requestedPass, now, cursor, full_every: FULL_PASS_EVERY, overlap_seconds: OVERLAP_SECONDS };
      // The probe of the site's filters: one page of a query no booking can match. 403: the key may not filter.
      const askProbe = async (query) => {
        probeCounts.requests += 1;
        try {
          const answer = await client.getPage('bookings', { query, signal: probeSignal });
          probeCounts.bytes += answer.bytes.length;
          return { status: answer.status, total: answer.total };
        } catch (error) {
          if (!error.endpoint) throw error;
          if (error.status !== 403) throw motoPressFailure(error, 'reservations', tenant.slug);
          return { status: 403, total: null };
        }
      };
      let decision = core.decideSyncPass(passInput);
      if (decision.pass === 'probe') decision = core.decideSyncPass({ ...passInput, probe: await askProbe(decision.query) });
      // A full pass while the verdict is unknown asks the probe alongside, so the next run can be incremental.
      const probeAnswer = decision.probe ? askProbe(decision.probe) : null;
      probeAnswer?.catch(() => {});
      if (decision.errors.length > 0) throw new SyncError('invalid_state', `tenant ${tenant.slug}: ${decision.errors[0].code} at ${decision.errors[0].path}: ${decision.errors[0].message}`, { stage: 'reservations' });
      return { decision, cursor, lastTotalPages, probeAnswer };
    };
    const fetchPass = async ({ decision, cursor, lastTotalPages, probeAnswer }) => {
      try {
        const pass = await client.streamCollection('bookings', {
          query: decision.query ?? undefined,
          signal: prefetch.signal, // a caller's signal stops the run at a page boundary (stopIfAsked), not mid-fetch
          parse: false, // one parse per page: the core's; it counts the ids (duplicates across pages included)
          expectedPages: decision.pass === 'full' ? lastTotalPages ?? undefined : undefined,
          onPage: async (event) => {
            await stageOneCommitted;
            await onBookingsPage(event, decision.pass);
          },
        });
        await writes.settle();
        return { decision, cursor, probeAnswer, pass };
      } catch (error) {
        // Writes already started finish (each all or nothing) before the run is recorded and its lock released.
        await writes.settle().catch(() => {});
        if (error instanceof SyncError) throw error;
        if (error.code && error.endpoint) throw motoPressFailure(error, 'reservations', tenant.slug);
        throw error;
      }
    };
    const probeSignal = signal ? AbortSignal.any([signal, prefetch.signal]) : prefetch.signal;
    const reservations = kind === 'sync-all' ? bookingsPass() : null;
    reservations?.catch(() => {});
    // The ids of the stored bookings not marked gone, read once the pass is known to be full (reconcile
    // checks them against the pass), while pages are fetched: bookings written during the pass are seen
    // by it, and the lock keeps every other writer of this tenant out.
    const activeIds = decisionMade.then((decision) => (decision.pass === 'full' ? loadActiveBookingIds(db, tenantId) : '[]'));
    activeIds.catch(() => {});
    const storedAccommodations = loadStoredAccommodations(db, tenantId);
    storedAccommodations.catch(() => {});

    // Stage 1: accommodations, all or nothing.
    try {
      startStage('accommodations');
      emit({ type: 'progress', stage: 'accommodations', message: 'fetching accommodation types and accommodations' });
      let types;
      let units;
      try {
        [types, units] = await getCollectionsTogether(client, ['accommodation_types', 'accommodations']);
      } catch (error) {
        if (!error.endpoint) throw error;
        throw motoPressFailure(error, 'accommodations', tenant.slug, 'accommodations_failed');
      }
      counts.requests += types.requests + units.requests;
      counts.bytes += types.bytes + units.bytes;
      const accommodationsPlan = core.planAccommodations({
        tenantId, now, accommodationTypes: pagesAsJson(types.bodies), accommodations: pagesAsJson(units.bodies),
        current: await storedAccommodations,
      });
      if (accommodationsPlan.errors.length > 0) {
        throw new SyncError('accommodations_failed', `tenant ${tenant.slug}: accommodations stage failed: ${accommodationsPlan.errors[0].code} at ${accommodationsPlan.errors[0].path}: ${accommodationsPlan.errors[0].message}`,
          { stage: 'accommodations', errors: accommodationsPlan.errors });
      }
      await db.transaction((tx) => writeAccommodationsPlan(tx, tenantId, accommodationsPlan, now));
      Object.assign(counts, Object.fromEntries(Object.entries(accommodationsPlan.counts).map(([k, v]) => [k, v])));
      counts.placeholders += accommodationsPlan.accommodation_types.filter((t) => t.is_placeholder).length;
      warn(accommodationsPlan.warnings, 'accommodations');
      emit({ type: 'progress', stage: 'accommodations', current: 1, total: 1,
        message: `${types.records.length} accommodation types, ${units.records.length} accommodations` });
      endStage('accommodations');
    } catch (error) {
      ready.reject(error);
      prefetch.abort('the accommodations stage failed');
      await Promise.all([reservations?.catch(() => {}), storedAccommodations.catch(() => {})]);
      throw error;
    }

    if (kind === 'sync-all') {
      // Stage 2: reservations, page by page, each page with its rooms in one transaction. The core
      // decided the pass: full, or only what changed since the tenant's cursor.
      startStage('reservations');
      counts.requests += probeCounts.requests;
      counts.bytes += probeCounts.bytes;
      try {
        const [known] = await Promise.all([loadKnownUnits(db, tenantId), statistics.start()]);
        session = core.bookingsSync({ tenantId, now, ...known, stored: null });
      } catch (error) {
        ready.reject(error);
        prefetch.abort('the reservations stage could not start');
        await reservations.catch(() => {});
        throw error;
      }
      ready.resolve();
      let outcome;
      try {
        const made = await decisionMade;
        warn(made.warnings, 'reservations');
        counts.pass = made.pass;
        stats.pass = { kind: made.pass, reason: made.reason, filters: made.filters };
        outcome = await reservations;
      } finally {
        await statistics.settle();
      }
      const { decision, cursor, probeAnswer, pass } = outcome;
      counts.requests += pass.requests;
      counts.bytes += pass.bytes;
      for (const w of pass.warnings) warn([{ ...w, path: 'bookings', tenant_id: tenantId }], 'reservations');
      endStage('reservations');

      // Stage 3: reconcile, only after a complete, error-free full pass.
      stopIfAsked('reconcile', 'before reconcile');
      startStage('reconcile');
      // An incremental pass marks nothing gone: no stored ids are checked against it.
      const reconcile = session.reconcile(pass.total, await activeIds);
      if (reconcile.errors.length > 0) throw new SyncError('invalid_state', `tenant ${tenant.slug}: ${reconcile.errors[0].code} at ${reconcile.errors[0].path}: ${reconcile.errors[0].message}`, { stage: 'reconcile' });
      // The pass is whole when its totals held (the client checked X-WP-Total at both ends) and the core saw
      // as many distinct bookings as the site counted, none twice (items move between pages when bookings
      // are created during a pass, FIELD-NOTES).
      const idsHeld = pass.total === null || (reconcile.seen + pageIds.withoutId === pass.total && pageIds.duplicates === 0);
      if (pass.consistent && !idsHeld) {
        warn([{ code: 'page_drift', path: 'bookings', tenant_id: tenantId, message: `bookings: ${reconcile.seen} unique ids, X-WP-Total ${pass.total}`
          + `${pageIds.duplicates ? `, ${pageIds.duplicates} duplicate${pageIds.duplicates === 1 ? '' : 's'} across pages` : ''} (items moved between pages during the pass)` }], 'reservations');
      }
      const complete = pageErrors.length === 0 && pass.consistent && idsHeld && (decision.pass === 'incremental' || reconcile.complete);
      if (decision.pass === 'incremental') {
        // Only changed bookings were listed: nothing can be concluded about the others.
      } else if (!reconcile.complete || pageErrors.length > 0) {
        warn([{ code: 'reconcile_skipped', path: 'bookings', message: `the pass saw ${reconcile.seen} of ${reconcile.total} bookings${pageErrors.length ? ` and ${pageErrors.length} had errors` : ''}; nothing is marked gone this run`, tenant_id: tenantId }], 'reconcile');
      } else {
        emit({ type: 'progress', stage: 'reconcile', current: 0, total: reconcile.confirm.length, message: `confirming ${reconcile.confirm.length} bookings missing from the pass` });
        const gone = [];
        let mark = null;
        for (const [i, id] of reconcile.confirm.entries()) {
          let r;
          try {
            r = await client.getOne('bookings', id);
          } catch (error) {
            if (!error.endpoint) throw error;
            throw motoPressFailure(error, 'reconcile', tenant.slug);
          }
          counts.requests += 1;
          counts.bytes += r.bytes?.length ?? 0;
          const verdict = session.confirm(id, r.status, r.bytes ? new TextDecoder().decode(r.bytes) : '');
          warn(verdict.warnings, 'reconcile');
          if (verdict.decision === 'gone') {
            gone.push(id);
            mark = verdict.mark;
          }
          emit({ type: 'progress', stage: 'reconcile', current: i + 1, total: reconcile.confirm.length, message: `booking ${id}: ${verdict.decision}` });
        }
        stopIfLockLost('reconcile', 'before marking bookings gone');
        if (gone.length > 0) await db.transaction(async (tx) => { await fence(tx, 'before marking bookings gone'); await markBookingsGone(tx, tenantId, gone, mark); });
        counts.gone = gone.length;
      }
      endStage('reconcile');
      // The cursor moves only after a complete pass, to when it began by the site's clock (its Date header;
      // else ours): everything modified before then is in the database.
      stopIfLockLost('reconcile', 'before storing the cursor');
      const settled = core.settleSyncPass({ tenant_id: tenantId, pass: decision.pass, started_at: pass.serverDate ?? now, complete, cursor,
        filters: decision.filters, ...(probeAnswer ? { probe: await probeAnswer } : {}) });
      warn(settled.warnings, 'reconcile');
      endCursor = settled.cursor ? { cursor: settled.cursor, lastTotalPages: decision.pass === 'full' && complete ? pass.totalPages : null } : null;
      if (pageErrors.length > 0) {
        if (endCursor) {
          const store = saveSyncCursorStatement(tenantId, endCursor.cursor, endCursor.lastTotalPages);
          await db.transaction(async (tx) => {
            await fence(tx, 'before storing the cursor');
            await tx.query(store.text, store.params);
          });
        }
        const first = pageErrors[0];
        throw new SyncError('invalid_records', `tenant ${tenant.slug}: ${pageErrors.length} booking(s) could not be mapped (first: ${first.booking_id ? `booking ${first.booking_id}, ` : ''}${first.code} at ${first.path} of page ${first.page}: ${first.message}); the others were written`,
          { stage: 'reservations', errors: pageErrors.slice(0, 50) });
      }
    }

    stopIfLockLost('done', 'before recording the run');
    stats.total_ms = Math.round(performance.now() - runStarted);
    // The run ends in one statement (tenant_lock.js endTenantRun), fenced by the lease it releases. A
    // transient fault (connection lost) sends it again, as for a page; when the connection was lost after
    // the first one committed, the lease is gone because this run released it, and its row says so.
    let endAttempts = 0;
    const held = await withTransientRetry(async () => {
      endAttempts += 1;
      if (await endTenantRun(db, tenantId, runId, { cursor: endCursor, counts, warnings: warnings.slice(0, 200), stats })) return true;
      if (endAttempts === 1) return false;
      const [run] = await db.query('select status from public.sync_runs where id = $1', [runId]);
      return run?.status === 'succeeded';
    });
    if (!held) lockLost = true;
    stopIfLockLost('done', 'before recording the run');
    released = true;
    emit({ type: 'complete', stage: 'done', current: 1, total: 1, message: `${kind} of ${tenant.slug} finished`, counts });
    return { runId, status: 'succeeded', counts, warnings, stats };
  } catch (error) {
    const failure = error instanceof SyncError ? error
      : new SyncError('database_error', `tenant ${tenant.slug}: ${error.message}`, { cause: error.code });
    // The database may be the thing that failed: record the failure as soon as it answers again (a few
    // seconds at most; otherwise the next run closes this one as interrupted).
    stats.total_ms = Math.round(performance.now() - runStarted);
    await persist(() => db.query(`update public.sync_runs set status = $6, finished_at = now(), counts = $2::text::jsonb, warnings = $3::text::jsonb,
        error_code = $4, error_message = $5, stats = $7::text::jsonb where id = $1`,
    [runId, JSON.stringify(counts), JSON.stringify(warnings.slice(0, 200)), failure.code, failure.message,
      failure.code === 'interrupted' ? 'interrupted' : 'failed', JSON.stringify(stats)]));
    failure.runId = runId;
    failure.counts = counts;
    emit({ type: 'error', stage: failure.details.stage ?? 'sync', message: failure.message, code: failure.code, counts });
    throw failure;
  } finally {
    clearInterval(renewal);
    session?.close();
    if (!released) await persist(() => releaseTenantLock(db, tenantId, runId));
  }
}

// A write of the failure path, tried again while the database is unreachable: 0, 0.5, 1 and 2 s.
async function persist(write) {
  for (const pause of [0, 500, 1000, 2000]) {
    if (pause) await new Promise((resolve) => { setTimeout(resolve, pause); });
    try {
      await write();
      return true;
    } catch {
      // tried again below; a run never fails twice over its own bookkeeping
    }
  }
  return false;
}
