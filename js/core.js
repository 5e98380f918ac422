// The mphb-sync core, loaded from its WebAssembly build. Identical in Node 20, jest, edge runtimes and
// browsers: it does no I/O of its own beyond loading its .wasm (read from disk on Node, fetched by URL
// elsewhere) and never reads a clock; time ("now") and all data are arguments.
//
//   import { loadCore } from 'mphb-sync';
//   const core = await loadCore();
//   const plan = core.plan({ tenantId, now: new Date().toISOString(), accommodationTypes, accommodations, bookings });
//
// Inputs may be JSON text (string), bytes (Uint8Array / ArrayBuffer), or already-parsed values (they are
// serialised first). Large inputs are written straight into the module's memory with
// TextEncoder.encodeInto; nothing is copied byte by byte in JS.
import createMphbCore from '../dist/wasm/mphb_core.mjs';
import { readPagePlan } from './page_plan.js';

/** @typedef {import('../dist/wasm/mphb_core.mjs').MphbCoreModule} MphbCoreModule */

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Instantiates the core. Each instance is independent (its own memory); reuse one per process or worker.
 * @param {object} [moduleOptions] passed to the Emscripten factory (e.g. `locateFile` or `wasmBinary`).
 * @returns {Promise<MphbCore>}
 */
export async function loadCore(moduleOptions = {}) {
  const module = await createMphbCore(moduleOptions);
  return new MphbCore(module);
}

export class MphbCore {
  /** @param {MphbCoreModule} module an instantiated Emscripten module of mphb_core */
  constructor(module) {
    this.module = module;
  }

  /** The core's version string. */
  get version() {
    return this.module.version();
  }

  /**
   * The offline dry run: what a sync would write for these MotoPress exports, with no database.
   * Each export is a JSON array as the API returns a page, or an array of pages; omit one to leave it out.
   * @param {object} input
   * @param {string} input.tenantId  UUID of the tenant (namespace of every row id)
   * @param {string} input.now  ISO-8601 timestamp (the only notion of time the core has)
   * @param {string|Uint8Array|ArrayBuffer|object[]} [input.accommodationTypes]  /accommodation_types records
   * @param {string|Uint8Array|ArrayBuffer|object[]} [input.accommodations]  /accommodations records (units)
   * @param {string|Uint8Array|ArrayBuffer|object[]} [input.bookings]  /bookings records
   * @returns {string} compact JSON of the plan (see plan())
   */
  planJson({ tenantId, now, accommodationTypes, accommodations, bookings }) {
    if (typeof tenantId !== 'string') throw new TypeError('tenantId must be a string');
    if (typeof now !== 'string') throw new TypeError('now must be an ISO-8601 string');
    const buffers = [accommodationTypes, accommodations, bookings].map((value) => this.#write(value));
    try {
      const view = this.module.planOffline(
        tenantId,
        now,
        buffers[0].ptr, buffers[0].len,
        buffers[1].ptr, buffers[1].len,
        buffers[2].ptr, buffers[2].len,
      );
      // The view points into wasm memory owned by the core; decode it before the next call.
      return decoder.decode(view);
    } finally {
      for (const b of buffers) if (b.ptr) this.module._free(b.ptr);
    }
  }

  /**
   * Like planJson, parsed: `{accommodation_types, accommodation_units, reservations,
   * reservation_accommodations, calendar_blocks, warnings, errors}`, each an array. Rows are named like
   * the database columns; warnings and errors are `{code, path, message, tenant_id}` with a JSON path
   * into the input such as `bookings[17].reserved_accommodations[0].accommodation`. Bad input never
   * throws: it shows up in `errors`.
   */
  plan(input) {
    return JSON.parse(this.planJson(input));
  }

  /**
   * Stage "accommodations" of a sync: the complete upstream lists against what the database holds.
   * @param {object} input
   * @param {string} input.tenantId  @param {string} input.now
   * @param {string|Uint8Array|object[]} input.accommodationTypes all /accommodation_types records
   * @param {string|Uint8Array|object[]} input.accommodations all /accommodations records
   * @param {{accommodation_types: object, accommodation_units: object}} input.current per MotoPress id:
   *   `{hash, is_active, is_placeholder}` of the stored rows
   * @returns {{accommodation_types: object[], accommodation_units: object[], deactivate_types: number[],
   *   deactivate_units: number[], counts: object, warnings: object[], errors: object[]}} rows to upsert
   *   (new or changed, with content_hash) and ids to mark inactive. Any error: write nothing.
   */
  planAccommodations({ tenantId, now, accommodationTypes, accommodations, current }) {
    const buffers = [accommodationTypes, accommodations].map((value) => this.#write(value ?? []));
    try {
      const view = this.module.planAccommodations(tenantId, now, buffers[0].ptr, buffers[0].len, buffers[1].ptr, buffers[1].len,
        JSON.stringify(current ?? {}));
      return JSON.parse(decoder.decode(view));
    } finally {
      for (const b of buffers) if (b.ptr) this.module._free(b.ptr);
    }
  }

  /**
   * Stage "reservations" of a sync, driven page by page (a sans-I/O session: it decides, you fetch and
   * write). Call `close()` when done.
   * @param {object} input
   * @param {string} input.tenantId  @param {string} input.now
   * @param {Record<string, number>} input.knownUnits stored units: MotoPress accommodation id → type id
   * @param {number[]} input.knownTypes stored type ids
   * @param {Record<string, {hash: string, kind: 'reservation'|'block', is_active: boolean}>|string|null} input.stored
   *   stored bookings by MotoPress id (is_active false once marked gone), or that object as JSON text: the
   *   session plans pages with planPage. null: stored rows come per page — readPage, then planReadPage with
   *   the rows of the ids it names (memory flat at any tenant size)
   * @returns {BookingsSyncSession}
   */
  bookingsSync({ tenantId, now, knownUnits, knownTypes, stored }) {
    const session = new this.module.BookingsSync(tenantId, now, JSON.stringify(knownUnits ?? {}), JSON.stringify(knownTypes ?? []),
      typeof stored === 'string' ? stored : JSON.stringify(stored === undefined ? {} : stored));
    return new BookingsSyncSession(this, session);
  }

  /**
   * The dry run of a Sync All (SPEC §3–§5): feed it what MotoPress answers, in the sync's order, and it
   * says what the sync would do — per accommodation type, unit and booking, decided by the sync's own
   * planners — without anything being written. Sans-I/O: you fetch (units and confirmations when asked).
   * Call `close()` when done.
   * @param {object} input
   * @param {string} input.tenantId  @param {string} input.now
   * @param {object|string} [input.stored] `{accommodation_types: {"<id>": {hash, is_active, is_placeholder,
   *   row?}}, accommodation_units: {"<id>": {hash, is_active, is_placeholder, mphb_type_id, row?}}, bookings:
   *   {"<id>": {hash, kind, is_active, row?, rooms?}}}` (rows as the core names columns: the changed fields
   *   of updates come from them), or its JSON text; default: an empty database
   * @returns {SyncPreviewSession}
   */
  syncPreview({ tenantId, now, stored }) {
    const input = this.#write(stored ?? {});
    try {
      return new SyncPreviewSession(this, new this.module.SyncPreview(tenantId, now, input.ptr, input.len));
    } finally {
      if (input.ptr) this.module._free(input.ptr);
    }
  }

  /**
   * The guest's stay ("my stay") from the rows the database holds for one reservation.
   * @param {string|Uint8Array|object} input `{tenant: {tenant_id, name, slug}, reservation: row|null,
   *   reservation_accommodations: rows, accommodation_units: rows, accommodation_types: rows}` — rows as
   *   PostgreSQL's to_json writes them (host/guest/stay_reader.js builds it in one query)
   * @returns {{stay: object|null, warnings: object[], errors: object[]}} stay: `{tenant_id, hotel_name,
   *   reservation_id, booking_id, status, guest_name, check_in_date, check_out_date, check_in_time,
   *   check_out_time, nights, adults, children, guests, room_count, rooms: [{position, unit_name,
   *   mphb_accommodation_id, type_name, mphb_type_id, bed_type, size_m2, view, capacity, adults, children,
   *   guest_name, is_placeholder}]}` (rooms in position order; missing data null). Errors: invalid_input,
   *   no_reservation.
   */
  guestStay(input) {
    return this.#call((a) => this.module.guestStay(a.ptr, a.len), input);
  }

  /**
   * Answers a guest's question about their stay, in the question's language (es or en).
   * @param {object|string} stay a stay from guestStay
   * @param {string} question
   * @returns {{answered: boolean, intent: string|null, language: 'es'|'en', answer: string|null,
   *   facts: object, context: string, errors: object[]}} intent ∈ room_unit, room_type, room_count,
   *   check_in, check_out, stay_dates, nights, guests, bed_type, size, view, capacity, status. `context`
   *   is a compact text of the stay's facts, for a chat model when `answered` is false. Errors
   *   (empty_question, question_too_long, invalid_stay) come with answered false.
   */
  answerQuestion(stay, question) {
    if (typeof question !== 'string') throw new TypeError('question must be a string');
    return this.#call((a, b) => this.module.answerQuestion(a.ptr, a.len, b.ptr, b.len), stay, question);
  }

  /**
   * Validates a guest login body.
   * @param {string|Uint8Array} body the request's JSON bytes
   * @returns {{request: {check_in_date, phone_last_4, reservation_code}|null, errors: Array<{code, path, message}>}}
   *   path names the field (check_in_date, phone_last_4, reservation_code or body)
   */
  readGuestLogin(body) {
    return this.#call((a) => this.module.guestLoginRequest(a.ptr, a.len), body ?? '');
  }

  /**
   * Decides a guest login (only active reservations, until 7 days after check-out; never an arbitrary pick).
   * @param {object} input
   * @param {object} input.request   the `request` of readGuestLogin
   * @param {object[]} input.candidates the tenant's reservations with that check-in date, any status:
   *   `{id, external_booking_id, status, check_in_date, check_out_date, phone_last_4, reservation_code}`
   * @param {string} input.now ISO-8601
   * @returns {{decision: 'ok', reservation_id, booking_id, expires_at} | {decision: 'refused', code:
   *   'invalid_credentials'|'ambiguous'|'stay_ended', message} | {decision: 'error', errors}}
   */
  decideGuestLogin({ request, candidates, now }) {
    if (typeof now !== 'string') throw new TypeError('now must be an ISO-8601 string');
    return this.#call((a, b) => this.module.guestLoginDecision(a.ptr, a.len, b.ptr, b.len, now), request, candidates);
  }

  /**
   * Whether a logged-in guest may still read this stay (checked on every read): still active, and not
   * ended more than 7 days ago.
   * @param {{stay: object, now: string}} input a stay of guestStay; now ISO-8601
   * @returns {{allowed: true} | {allowed: false, code: 'reservation_inactive'|'stay_ended'|'invalid_stay', message: string}}
   */
  decideGuestAccess({ stay, now }) {
    if (typeof now !== 'string') throw new TypeError('now must be an ISO-8601 string');
    return this.#call((a) => this.module.guestAccess(a.ptr, a.len, now), stay);
  }

  /**
   * Which pass a Sync All makes over /bookings: full (every booking; may reconcile), incremental (only
   * bookings modified since the cursor, trash included) or first a probe of whether the site's filters
   * work for this key. Bad input never throws: it shows up in `errors` (and the pass is full).
   * @param {{tenant_id?: string, requested: 'auto'|'full', now: string, cursor: null|{modified_after: string|null,
   *   incremental_runs: number, filters: 'unknown'|'working'|'refused'|'ignored'}, full_every?: number,
   *   overlap_seconds?: number, probe?: {status: number, total: number|null}}} input
   * @returns {{pass: 'full'|'incremental'|'probe', reason: string, query: object|null, probe?: object, filters: string, warnings, errors}}
   */
  decideSyncPass(input) {
    return this.#call((a) => this.module.syncPassDecision(a.ptr, a.len), input);
  }

  /**
   * The cursor a pass leaves: advanced to the pass's start only when the pass was complete.
   * @param {{tenant_id?: string, pass: 'full'|'incremental', started_at: string, complete: boolean, cursor: object|null, filters: string}} input
   * @returns {{cursor: {modified_after: string|null, incremental_runs: number, filters: string}|null, warnings, errors}}
   */
  settleSyncPass(input) {
    return this.#call((a) => this.module.syncPassSettlement(a.ptr, a.len), input);
  }

  /**
   * What a fleet worker does with a job before its run (docs/fleet.md): skip a paused tenant, defer while
   * its host backs off or all the host's slots stay busy (due again in `due_in_seconds`, spread by a jitter
   * from the tenant id), else take a host slot, then run.
   * @param {{tenant_id: string, now: string, paused?: boolean, host_backoff_until?: string|null, slot?: null|'taken'|'none'}} input
   * @returns {{action: 'skip'|'defer'|'take_slot'|'run', code: string|null, due_in_seconds: number|null, warnings, errors}}
   */
  decideFleetJobStart(input) {
    return this.#call((a) => this.module.fleetJobStart(a.ptr, a.len), input);
  }

  /**
   * What a job's end means for the queue: completed, skipped (another run holds the tenant; no tenant),
   * handed_back (stopped by this worker's shutdown: due again at once), failed (retried with backoff, then
   * dead-lettered) or deadletter at once (credentials refused, integration missing).
   * @param {{tenant_id?: string, error_code: string|null, stopping: boolean}} input
   * @returns {{outcome: 'completed'|'skipped'|'handed_back'|'failed'|'deadletter', queue_status: 'completed'|'failed'|'deadletter',
   *   due_in_seconds: number|null, warnings, errors}}
   */
  decideFleetJobEnd(input) {
    return this.#call((a) => this.module.fleetJobEnd(a.ptr, a.len), input);
  }

  /**
   * How long every worker leaves a MotoPress host alone after a response: 429 and 503 only, for the
   * Retry-After asked within [min_seconds, max_seconds]; null otherwise.
   * @param {{status: number|null, retry_in_ms?: number|null, min_seconds: number, max_seconds: number}} input
   * @returns {{back_off_seconds: number|null, warnings, errors}}
   */
  decideHostBackoff(input) {
    return this.#call((a) => this.module.hostBackoff(a.ptr, a.len), input);
  }

  /**
   * The fleet's health report from its facts: per tenant its state in the queue, last success age and
   * whether it is stale (scheduled, and the last success — never: its creation — older than 3× its
   * interval); queue figures; lag p50/p99 (interpolated). Times are ISO-8601 UTC. The document of
   * `mphb-sync fleet status --json`, plus warnings and errors (bad facts, named by path).
   * @param {{now: string, queue_ready: boolean, lag_window_seconds?: number, tenants: object[], jobs?: object[],
   *   dead_letters?: Array<{tenant_id: string, count: number}>, lags?: number[]}} input
   * @returns {object}
   */
  fleetReport(input) {
    return this.#call((a) => this.module.fleetReport(a.ptr, a.len), input);
  }

  /**
   * Adoption of a database the old sync wrote: every legacy row classified with the defect classes of
   * shared/legacy/README.md and what adoption does with it, against the upstream truth.
   * @param {object} input
   * @param {string} input.tenantId  @param {string} input.now
   * @param {string|Uint8Array|object} input.legacy `{reservations, junction, units}` as host/adoption/legacy_reader.js reads them
   * @param {string|Uint8Array|object[]} input.accommodations all upstream /accommodations records (a page or pages)
   * @param {string|Uint8Array|object[]} input.bookings all upstream /bookings records (a page or pages)
   * @param {Array<{id, status, body}>} [input.confirmations] GET /bookings/{id} of legacy bookings the list lacked
   * @returns {{legacy_rows, legacy_units, missing_bookings, carry, unplaced_platform_data, classes, outcomes,
   *   confirm: number[], warnings, errors}} `confirm` lists booking ids to look up before the plan is final
   */
  planLegacyAdoption({ tenantId, now, legacy, accommodations, bookings, confirmations = [] }) {
    if (typeof tenantId !== 'string' || typeof now !== 'string') throw new TypeError('tenantId and now must be strings');
    return this.#call((a, b, c, d) => this.module.planLegacyAdoption(tenantId, now, a.ptr, a.len, b.ptr, b.len, c.ptr, c.len, d.ptr, d.len),
      legacy, accommodations, bookings, confirmations);
  }

  // Writes each input into wasm memory, calls, decodes the one result buffer, frees the inputs.
  #call(fn, ...inputs) {
    const buffers = [];
    try {
      for (const value of inputs) buffers.push(this.#write(value));
      return JSON.parse(decoder.decode(fn(...buffers)));
    } finally {
      for (const b of buffers) if (b.ptr) this.module._free(b.ptr);
    }
  }

  /** @internal Inputs copied in, fn called with their {ptr, len}, the one buffer out parsed. */
  callWith(fn, ...inputs) {
    return this.#call(fn, ...inputs);
  }

  /** @internal */
  decodeView(view) {
    return JSON.parse(decoder.decode(view));
  }

  /** @internal */
  decodeText(view) {
    return decoder.decode(view);
  }

  /** @internal */
  writeInput(value) {
    return this.#write(value);
  }

  // Copies one input into wasm memory. Returns {ptr, len}; len -1 means "not given".
  #write(value) {
    if (value === undefined || value === null) return { ptr: 0, len: -1 };
    let bytes = null;
    let text = null;
    if (typeof value === 'string') text = value;
    else if (value instanceof Uint8Array) bytes = value;
    else if (value instanceof ArrayBuffer) bytes = new Uint8Array(value);
    else text = JSON.stringify(value);

    const capacity = bytes ? bytes.length : text.length * 3; // UTF-8 needs at most 3 bytes per UTF-16 unit
    const ptr = this.module._malloc(Math.max(capacity, 1));
    if (!ptr) throw new RangeError(`mphb core: cannot allocate ${capacity} bytes`);
    // Read HEAPU8 after _malloc: memory growth replaces the buffer.
    const heap = this.module.HEAPU8;
    if (bytes) {
      heap.set(bytes, ptr);
      return { ptr, len: bytes.length };
    }
    const { written } = encoder.encodeInto(text, heap.subarray(ptr, ptr + capacity));
    return { ptr, len: written };
  }
}

/** See MphbCore.bookingsSync. */
export class BookingsSyncSession {
  constructor(core, session) {
    this.core = core;
    this.session = session;
    const errors = JSON.parse(session.initErrors());
    /** Errors in the session's own inputs; planPage reports them too. */
    this.initErrors = errors;
  }

  /**
   * Plans one page of /bookings (JSON text or bytes). When `unknown_units` is not empty nothing else is
   * planned: fetch those units, write what resolveUnits returns, then plan the same page again.
   * @returns {{reservations, reservation_accommodations, calendar_blocks, delete_reservations,
   *   delete_blocks, unknown_units, counts, warnings, errors}} counts: {blocks_written, cancelled (reservations
   *   written as cancelled), created, duplicates (ids an earlier page held), records, unchanged, updated,
   *   without_id}; the three row arrays are parsed when first read; `plan.rows_text` (not enumerable) has
   *   them as the JSON text the core wrote (js/page_plan.js)
   */
  planPage(bytes) {
    const input = this.core.writeInput(bytes);
    try {
      return readPagePlan(this.core.decodeText(this.session.planPage(input.ptr, input.len)));
    } finally {
      if (input.ptr) this.core.module._free(input.ptr);
    }
  }

  /**
   * Per-page sessions (stored: null): reads one page of /bookings (JSON text or bytes) once and holds it.
   * @returns {{page: number|null, ids: number[], unknown_units: object[], errors: object[]}} page: the held
   *   page's number for planReadPage; ids: the bookings whose stored rows it needs. When unknown_units is
   *   not empty nothing is held: fetch and write those units (resolveUnits), then read the same page again.
   *   errors: a call in the wrong mode (wrong_call) or bad session input
   */
  readPage(bytes) {
    return this.core.callWith((input) => this.session.readPage(input.ptr, input.len), bytes);
  }

  /**
   * Plans a held page against the stored rows of its ids.
   * @param {number} page readPage's page number
   * @param {string|object} stored `{"<booking id>": {hash, kind, is_active}}` for (some of) the page's ids,
   *   as JSON text or an object; an id without a row is new
   * @returns the plan planPage returns (wrong_call when the page is not held)
   */
  planReadPage(page, stored) {
    const input = this.core.writeInput(stored ?? '{}');
    try {
      return readPagePlan(this.core.decodeText(this.session.planReadPage(page, input.ptr, input.len)));
    } finally {
      if (input.ptr) this.core.module._free(input.ptr);
    }
  }

  /**
   * @param {Array<{id: number, status: number, body?: object}>} results GET /accommodations/{id} outcomes
   * @returns {{accommodation_types, accommodation_units, counts: {units_created, types_created, placeholders}, warnings, errors}}
   *   rows to write first, and how many of each that creates
   */
  resolveUnits(results) {
    return JSON.parse(this.session.resolveUnits(JSON.stringify(results)));
  }

  /**
   * @param {number} total X-WP-Total of the pass
   * @param {string|number[]} [active] per-page sessions: the ids of the tenant's stored bookings not marked
   *   gone (JSON text or an array); ignored when the session holds the whole stored state
   * @returns {{complete, seen, total, confirm: number[], errors: object[]}} confirm: the ids to GET before
   *   marking them gone; empty unless complete
   */
  reconcile(total, active) {
    return this.core.callWith((input) => this.session.reconcile(total, input.ptr, input.len), active ?? '');
  }

  /**
   * @param {number} bookingId @param {number} httpStatus @param {string} [body] the response body
   * @returns {{booking_id, decision: 'gone'|'keep', mark?: {status, upstream_gone_at}, warnings, errors}}
   */
  confirm(bookingId, httpStatus, body = '') {
    return JSON.parse(this.session.confirm(bookingId, httpStatus, body));
  }

  close() {
    this.session.delete();
  }
}

/**
 * See MphbCore.syncPreview. Every call answers `{…, warnings, errors}`; a call out of order is a
 * wrong_call error. Inputs are JSON text, bytes or values.
 */
export class SyncPreviewSession {
  constructor(core, preview) {
    this.core = core;
    this.preview = preview;
  }

  /** The complete lists (the sync's stage 1): first, once. @returns {{counts, warnings, errors}} */
  accommodations(types, units) {
    return this.core.callWith((a, b) => this.preview.accommodations(a.ptr, a.len, b.ptr, b.len), types, units);
  }

  /**
   * One page of /bookings, in page order.
   * @returns {{unknown_units: Array<{mphb_accommodation_id, mphb_type_id, path}>, counts, warnings, errors}}
   *   when unknown_units is not empty nothing was planned: fetch those units (GET /accommodations/{id}),
   *   resolveUnits, then the same page again
   */
  bookingsPage(bytes) {
    return this.core.callWith((a) => this.preview.bookingsPage(a.ptr, a.len), bytes);
  }

  /** @param {Array<{id, status, body?}>} results GET /accommodations/{id} outcomes */
  resolveUnits(results) {
    return this.core.callWith((a) => this.preview.resolveUnits(a.ptr, a.len), results);
  }

  /** @param {number} total X-WP-Total of the pass @returns {{complete, seen, total, confirm: number[]}} */
  reconcile(total) {
    return this.core.decodeView(this.preview.reconcile(total));
  }

  /** GET /bookings/{id} for an id reconcile listed. @returns {{booking_id, decision: 'gone'|'keep', warnings, errors}} */
  confirm(bookingId, httpStatus, body = '') {
    return this.core.callWith((a) => this.preview.confirm(bookingId, httpStatus, a.ptr, a.len), body);
  }

  /**
   * @returns {object} `{tenant_id, now, complete, pages, counts, bookings_by_outcome, accommodation_types,
   *   accommodation_units, bookings, warnings, errors}`: entries sorted by MotoPress id, each with `outcome`
   *   (create | update | unchanged | cancel | block | gone | placeholder | rejected) and `changed`
   *   ([{field, old, new}] for updates whose stored rows were given, else null)
   */
  diff() {
    return JSON.parse(this.diffText());
  }

  /** diff() as the core wrote it (byte parity between hosts). */
  diffText() {
    return this.core.decodeText(this.preview.diff());
  }

  close() {
    this.preview.delete();
  }
}
