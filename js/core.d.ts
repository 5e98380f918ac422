// The public JavaScript API of the mphb-sync core (js/core.js, js/page_plan.js, js/preview_driver.js).
// Every result is the JSON the core wrote, parsed: rows are named like the database columns, and bad input
// never throws — it shows up in `errors` as diagnostics with a JSON path into the input.
// tests/types/core_usage.ts uses these types with real shapes (tsc checks it in npm test).

import type { MphbCoreModule, MphbCoreModuleOptions } from '../wasm/bindings/mphb_core.d.mts';

/** JSON text, UTF-8 bytes, or a value the core serialises first. */
export type JsonInput = string | Uint8Array | ArrayBuffer | object;

/** A warning or an error of the core: a stable code, the JSON path at fault, a sentence. */
export interface Diagnostic {
  code: string;
  /** e.g. `bookings[17].reserved_accommodations[0].accommodation`, `tenant_id`, `body` */
  path: string;
  message: string;
  /** the tenant the input was for (null when tenant_id itself was bad); absent from some calls */
  tenant_id?: string | null;
}

/** What every planner answers besides its own fields. */
export interface Diagnosed {
  warnings: Diagnostic[];
  errors: Diagnostic[];
}

/** `YYYY-MM-DD` (property-local) */
export type IsoDate = string;
/** ISO-8601 timestamp */
export type IsoTimestamp = string;
/** UUID v5 of tenant + kind + MotoPress id */
export type RowId = string;

export interface AccommodationTypeRow {
  id: RowId;
  tenant_id: string;
  mphb_type_id: number;
  name: string | null;
  status: string | null;
  description: string | null;
  excerpt: string | null;
  adults: number;
  children: number;
  base_adults: number;
  base_children: number;
  total_capacity: number | null;
  bed_type: string | null;
  /** as MotoPress sends it (text) */
  size: string | null;
  view: string | null;
  is_active: boolean;
  is_placeholder: boolean;
  placeholder_since: IsoTimestamp | null;
  /** present on rows to write (sync stages), absent from the offline plan */
  content_hash?: string;
}

export interface AccommodationUnitRow {
  id: RowId;
  tenant_id: string;
  mphb_accommodation_id: number;
  mphb_type_id: number;
  accommodation_type_id: RowId;
  name: string | null;
  status: string | null;
  excerpt: string | null;
  is_active: boolean;
  is_placeholder: boolean;
  placeholder_since: IsoTimestamp | null;
  content_hash?: string;
}

/** SPEC §4: confirmed → active, pending → pending_admin, pending-user → pending, … */
export type ReservationStatus = 'active' | 'pending_admin' | 'pending' | 'pending_payment' | 'cancelled' | 'inactive';

export interface ReservationRow {
  id: RowId;
  tenant_id: string;
  external_booking_id: number;
  status: ReservationStatus;
  mphb_status: string;
  /** the unit of the first reserved accommodation (I1) */
  accommodation_unit_id: RowId | null;
  mphb_accommodation_id: number | null;
  mphb_type_id: number | null;
  check_in_date: IsoDate;
  check_out_date: IsoDate;
  check_in_time: string | null;
  check_out_time: string | null;
  booked_at: IsoTimestamp | null;
  adults: number;
  children: number;
  room_count: number;
  guest_name: string | null;
  guest_first_name: string | null;
  guest_last_name: string | null;
  guest_email: string | null;
  guest_phone: string | null;
  guest_country: string | null;
  phone_last_4: string | null;
  reservation_code: string | null;
  channel: string | null;
  booking_source: string | null;
  currency: string | null;
  /** money, as text */
  total_price: string | null;
  upstream_gone_at: IsoTimestamp | null;
  content_hash?: string;
}

/** One row per reserved accommodation of a booking (the junction). */
export interface ReservationAccommodationRow {
  id: RowId;
  tenant_id: string;
  reservation_id: RowId;
  external_booking_id: number;
  position: number;
  accommodation_unit_id: RowId;
  mphb_accommodation_id: number;
  mphb_type_id: number;
  adults: number;
  children: number;
  guest_name: string | null;
  /** a rate id, never money */
  rate_id: number | null;
}

export interface CalendarBlockRow {
  id: RowId;
  tenant_id: string;
  external_booking_id: number;
  position: number;
  accommodation_unit_id: RowId;
  mphb_accommodation_id: number;
  mphb_type_id: number;
  start_date: IsoDate;
  end_date: IsoDate;
  status: ReservationStatus;
  mphb_status: string;
  channel: string | null;
  summary: string | null;
  upstream_gone_at: IsoTimestamp | null;
  content_hash?: string;
}

/** The offline dry run (`plan`): what a sync would write, with no database. */
export interface OfflinePlan extends Diagnosed {
  accommodation_types: AccommodationTypeRow[];
  accommodation_units: AccommodationUnitRow[];
  reservations: ReservationRow[];
  reservation_accommodations: ReservationAccommodationRow[];
  calendar_blocks: CalendarBlockRow[];
}

export interface PlanInput {
  /** UUID of the tenant (namespace of every row id) */
  tenantId: string;
  /** the only notion of time the core has */
  now: IsoTimestamp;
  /** /accommodation_types records: one page (an array) or an array of pages */
  accommodationTypes?: JsonInput;
  accommodations?: JsonInput;
  bookings?: JsonInput;
}

/** Stored state of one accommodation type or unit, by MotoPress id. */
export interface StoredAccommodation {
  hash: string;
  is_active: boolean;
  is_placeholder: boolean;
  mphb_type_id?: number;
  row?: Record<string, unknown>;
}

export interface AccommodationsPlan extends Diagnosed {
  accommodation_types: AccommodationTypeRow[];
  accommodation_units: AccommodationUnitRow[];
  deactivate_types: number[];
  deactivate_units: number[];
  counts: {
    types_created: number; types_updated: number; types_unchanged: number; types_deactivated: number;
    units_created: number; units_updated: number; units_unchanged: number; units_deactivated: number;
  };
}

/** Stored state of one booking, by MotoPress id. */
export interface StoredBooking {
  hash: string;
  kind: 'reservation' | 'block';
  is_active: boolean;
}

export interface UnknownUnit {
  mphb_accommodation_id: number;
  mphb_type_id: number | null;
  path: string;
}

/** GET /accommodations/{id} outcome for resolveUnits. */
export interface UnitFetchResult {
  id: number;
  status: number;
  body?: object | null;
}

/** One page of /bookings planned by a BookingsSyncSession (js/page_plan.js: row arrays parsed lazily). */
export interface PagePlan extends Diagnosed {
  reservations: ReservationRow[];
  reservation_accommodations: ReservationAccommodationRow[];
  calendar_blocks: CalendarBlockRow[];
  delete_reservations: RowId[];
  delete_blocks: RowId[];
  /** when not empty nothing else was planned: fetch these, write resolveUnits' rows, plan the page again */
  unknown_units: UnknownUnit[];
  /** empty while units are unknown */
  counts: Partial<Record<'blocks_written' | 'cancelled' | 'created' | 'duplicates' | 'records' | 'unchanged' | 'updated' | 'without_id', number>>;
  /** not enumerable: the three row arrays as the JSON text the core wrote (when its layout allowed) */
  readonly rows_text?: { calendar_blocks: string | null; reservation_accommodations: string | null; reservations: string | null };
}

export interface ReadPageAnswer {
  page: number | null;
  ids: number[];
  unknown_units: UnknownUnit[];
  errors: Diagnostic[];
}

export interface ResolvedUnits extends Diagnosed {
  accommodation_types: AccommodationTypeRow[];
  accommodation_units: AccommodationUnitRow[];
  counts: { units_created: number; types_created: number; placeholders: number };
}

export interface Reconciliation {
  complete: boolean;
  seen: number;
  total: number;
  /** booking ids to GET before marking them gone; empty unless complete */
  confirm: number[];
  errors: Diagnostic[];
}

export interface Confirmation extends Diagnosed {
  booking_id: number;
  decision: 'gone' | 'keep';
  mark?: { status: ReservationStatus; upstream_gone_at: IsoTimestamp };
}

export interface BookingsSyncInput {
  tenantId: string;
  now: IsoTimestamp;
  /** stored units: MotoPress accommodation id → type id */
  knownUnits?: Record<string, number>;
  knownTypes?: number[];
  /** stored bookings by MotoPress id, or that object as JSON text; null: per-page sessions (readPage) */
  stored?: Record<string, StoredBooking> | string | null;
}

export declare class BookingsSyncSession {
  private constructor(core: MphbCore, session: unknown);
  /** errors in the session's own inputs; planPage reports them too */
  readonly initErrors: Diagnostic[];
  planPage(bytes: string | Uint8Array | ArrayBuffer): PagePlan;
  readPage(bytes: string | Uint8Array | ArrayBuffer): ReadPageAnswer;
  planReadPage(page: number, stored?: Record<string, StoredBooking> | string | null): PagePlan;
  resolveUnits(results: UnitFetchResult[]): ResolvedUnits;
  reconcile(total: number, active?: string | number[]): Reconciliation;
  confirm(bookingId: number, httpStatus: number, body?: string): Confirmation;
  close(): void;
}

/** What the preview says a sync would do with one accommodation type, unit or booking. */
export type PreviewOutcome = 'create' | 'update' | 'unchanged' | 'cancel' | 'block' | 'gone' | 'placeholder' | 'rejected';

export interface FieldChange {
  field: string;
  old: unknown;
  new: unknown;
}

export interface PreviewEntry {
  outcome: PreviewOutcome;
  /** for updates whose stored rows were given; else null */
  changed: FieldChange[] | null;
  [field: string]: unknown;
}

export interface PreviewDiff extends Diagnosed {
  tenant_id: string;
  now: IsoTimestamp;
  complete: boolean;
  pages: number;
  counts: Record<string, number>;
  bookings_by_outcome: Record<PreviewOutcome, number>;
  accommodation_types: PreviewEntry[];
  accommodation_units: PreviewEntry[];
  bookings: PreviewEntry[];
}

export interface PreviewStepAnswer extends Diagnosed {
  counts: Record<string, number>;
}

export interface PreviewPageAnswer extends PreviewStepAnswer {
  unknown_units: UnknownUnit[];
}

export interface SyncPreviewInput {
  tenantId: string;
  now: IsoTimestamp;
  /** `{accommodation_types, accommodation_units, bookings}` by MotoPress id, or its JSON text; default: an empty database */
  stored?: {
    accommodation_types?: Record<string, StoredAccommodation>;
    accommodation_units?: Record<string, StoredAccommodation>;
    bookings?: Record<string, StoredBooking & { row?: Record<string, unknown>; rooms?: unknown[] }>;
  } | string | Uint8Array;
}

export declare class SyncPreviewSession {
  private constructor(core: MphbCore, preview: unknown);
  accommodations(types: JsonInput, units: JsonInput): PreviewStepAnswer;
  bookingsPage(bytes: JsonInput): PreviewPageAnswer;
  resolveUnits(results: UnitFetchResult[]): PreviewStepAnswer;
  reconcile(total: number): Omit<Reconciliation, 'errors'> & { errors?: Diagnostic[] };
  confirm(bookingId: number, httpStatus: number, body?: string): Diagnosed & { booking_id: number; decision: 'gone' | 'keep' };
  diff(): PreviewDiff;
  /** diff() as the core wrote it (byte parity between hosts) */
  diffText(): string;
  close(): void;
}

export interface StayRoom {
  position: number;
  unit_name: string | null;
  mphb_accommodation_id: number | null;
  type_name: string | null;
  mphb_type_id: number | null;
  bed_type: string | null;
  size_m2: number | null;
  view: string | null;
  capacity: number | null;
  adults: number;
  children: number;
  guest_name: string | null;
  is_placeholder: boolean;
}

/** The guest's stay ("my stay"); missing data is null. */
export interface Stay {
  tenant_id: string;
  hotel_name: string | null;
  reservation_id: string;
  booking_id: number;
  status: ReservationStatus;
  guest_name: string | null;
  check_in_date: IsoDate;
  check_out_date: IsoDate;
  check_in_time: string | null;
  check_out_time: string | null;
  nights: number | null;
  adults: number;
  children: number;
  guests: number;
  room_count: number;
  rooms: StayRoom[];
}

export type QuestionIntent = 'room_unit' | 'room_type' | 'room_count' | 'check_in' | 'check_out' | 'stay_dates' | 'nights'
  | 'guests' | 'bed_type' | 'size' | 'view' | 'capacity' | 'status';

export interface GuestAnswer {
  answered: boolean;
  intent: QuestionIntent | null;
  language: 'es' | 'en';
  answer: string | null;
  /** the exact values the answer used */
  facts: Record<string, unknown>;
  /** a compact text of the stay, to ground a chat model when answered is false */
  context: string;
}

export interface GuestLoginRequest {
  check_in_date: IsoDate;
  phone_last_4: string | null;
  reservation_code: string | null;
}

export interface GuestLoginCandidate {
  id: string;
  external_booking_id: number;
  status: ReservationStatus;
  check_in_date: IsoDate;
  check_out_date: IsoDate;
  phone_last_4: string | null;
  reservation_code: string | null;
}

export type GuestLoginDecision =
  | { decision: 'ok'; reservation_id: string; booking_id: number; expires_at: IsoTimestamp }
  | { decision: 'refused'; code: 'invalid_credentials' | 'ambiguous' | 'stay_ended'; message: string }
  | { decision: 'error'; errors: Diagnostic[] };

export type GuestAccessDecision =
  | { allowed: true }
  | { allowed: false; code: 'reservation_inactive' | 'stay_ended' | 'invalid_stay'; message: string };

export interface SyncCursor {
  modified_after: string | null;
  incremental_runs: number;
  filters: 'unknown' | 'working' | 'refused' | 'ignored';
}

export interface SyncPassInput {
  tenant_id?: string;
  requested: 'auto' | 'full';
  now: IsoTimestamp;
  cursor: SyncCursor | null;
  full_every?: number;
  overlap_seconds?: number;
  probe?: { status: number; total: number | null };
}

export interface SyncPassDecision extends Diagnosed {
  pass: 'full' | 'incremental' | 'probe';
  reason: string;
  /** the /bookings filters of an incremental pass or of the probe */
  query: Record<string, string> | null;
  /** a probe to ask alongside a full pass while the filters are unknown */
  probe?: Record<string, string>;
  filters: SyncCursor['filters'];
}

/** A fleet job before its run (docs/fleet.md). */
export interface FleetJobStartInput {
  tenant_id: string;
  /** default sync_all */
  job?: 'sync_all' | 'repair';
  now: IsoTimestamp;
  paused?: boolean;
  host_backoff_until?: IsoTimestamp | null;
  /** null: not tried yet; 'none': all of the host's slots stayed busy */
  slot?: null | 'taken' | 'none';
}
export interface FleetJobStartDecision extends Diagnosed {
  action: 'skip' | 'defer' | 'take_slot' | 'run';
  code: 'paused' | 'host_backoff' | 'host_busy' | 'invalid_input' | null;
  /** what the queue records when the job does not run (a repair is retried, never dropped) */
  queue_status: 'completed' | 'failed' | null;
  due_in_seconds: number | null;
}
export interface FleetJobEndDecision extends Diagnosed {
  outcome: 'completed' | 'skipped' | 'handed_back' | 'failed' | 'deadletter';
  queue_status: 'completed' | 'failed' | 'deadletter';
  due_in_seconds: number | null;
}
export interface FleetReportTenantFacts {
  tenant_id: string;
  slug: string;
  enabled: boolean | null;
  interval_seconds: number | null;
  created_at: IsoTimestamp;
  last_success_at: IsoTimestamp | null;
  failures: number;
  last_error_code: string | null;
}
export interface FleetReportInput {
  now: IsoTimestamp;
  queue_ready: boolean;
  lag_window_seconds?: number;
  tenants: FleetReportTenantFacts[];
  jobs?: Array<{ tenant_id: string; queue?: 'sync_all' | 'repair'; state: 'created' | 'retry' | 'active'; later?: boolean }>;
  /** dead letters not yet answered by a later success */
  dead_letters?: Array<{ tenant_id: string; queue?: 'sync_all' | 'repair'; count: number }>;
  lags?: number[];
}
export interface FleetQueueFigures { depth: number; running: number; retrying: number; deferred: number; dead_letters: number }
/** The document of `mphb-sync fleet status --json` and GET /api/fleet/status. */
export interface FleetReport extends Diagnosed {
  generated_at: IsoTimestamp;
  queue_ready: boolean;
  queue: FleetQueueFigures;
  repair_queue: FleetQueueFigures;
  lag_seconds: { p50: number | null; p99: number | null; samples: number; window_seconds: number };
  totals: { tenants: number; scheduled: number; paused: number; stale: number; failing: number; with_dead_letters: number };
  tenants: Array<{
    tenant_id: string; slug: string; enabled: boolean; interval_seconds: number | null;
    state: 'idle' | 'queued' | 'retrying' | 'running';
    repair_state: 'idle' | 'queued' | 'retrying' | 'running';
    last_success_at: IsoTimestamp | null; last_success_age_seconds: number | null; stale: boolean;
    failures_24h: number; last_error_code: string | null; dead_letters: number;
  }>;
}

export interface SyncPassSettlementInput {
  tenant_id?: string;
  pass: 'full' | 'incremental';
  started_at: IsoTimestamp;
  complete: boolean;
  cursor: SyncCursor | null;
  filters: string;
}

export interface LegacyAdoptionInput {
  tenantId: string;
  now: IsoTimestamp;
  /** `{reservations, junction, units}` as host/adoption/legacy_reader.js reads them */
  legacy: JsonInput;
  accommodations: JsonInput;
  bookings: JsonInput;
  confirmations?: Array<{ id: number; status: number; body?: unknown }>;
}

export interface LegacyAdoptionPlan extends Diagnosed {
  legacy_rows: unknown[];
  legacy_units: unknown[];
  missing_bookings: unknown[];
  carry: unknown[];
  unplaced_platform_data: unknown[];
  classes: Record<string, unknown>;
  outcomes: Record<string, unknown>;
  /** booking ids to look up before the plan is final */
  confirm: number[];
}

/** Instantiates the core (its own memory); reuse one per process or worker. */
export declare function loadCore(moduleOptions?: MphbCoreModuleOptions): Promise<MphbCore>;

export declare class MphbCore {
  constructor(module: MphbCoreModule);
  /** @internal the Emscripten module */
  readonly module: MphbCoreModule;
  /** the core's version: package.json's */
  readonly version: string;
  planJson(input: PlanInput): string;
  plan(input: PlanInput): OfflinePlan;
  planAccommodations(input: {
    tenantId: string;
    now: IsoTimestamp;
    accommodationTypes: JsonInput;
    accommodations: JsonInput;
    current?: { accommodation_types?: Record<string, StoredAccommodation>; accommodation_units?: Record<string, StoredAccommodation> };
  }): AccommodationsPlan;
  bookingsSync(input: BookingsSyncInput): BookingsSyncSession;
  syncPreview(input: SyncPreviewInput): SyncPreviewSession;
  guestStay(input: JsonInput): Diagnosed & { stay: Stay | null };
  answerQuestion(stay: Stay | object | string, question: string): GuestAnswer & { errors: Diagnostic[] };
  readGuestLogin(body: string | Uint8Array | null | undefined): { request: GuestLoginRequest | null; errors: Diagnostic[] };
  decideGuestLogin(input: { request: GuestLoginRequest; candidates: GuestLoginCandidate[]; now: IsoTimestamp }): GuestLoginDecision;
  decideGuestAccess(input: { stay: Stay | object; now: IsoTimestamp }): GuestAccessDecision;
  decideSyncPass(input: SyncPassInput): SyncPassDecision;
  settleSyncPass(input: SyncPassSettlementInput): Diagnosed & { cursor: SyncCursor | null };
  planLegacyAdoption(input: LegacyAdoptionInput): LegacyAdoptionPlan;
  decideFleetJobStart(input: FleetJobStartInput): FleetJobStartDecision;
  decideFleetJobEnd(input: { tenant_id?: string; job?: 'sync_all' | 'repair'; error_code: string | null; stopping: boolean }): FleetJobEndDecision;
  decideHostBackoff(input: { status: number | null; retry_in_ms?: number | null; min_seconds: number; max_seconds: number }): Diagnosed & { back_off_seconds: number | null };
  fleetReport(input: FleetReportInput): FleetReport;
  /** @internal */
  callWith(fn: (...buffers: Array<{ ptr: number; len: number }>) => Uint8Array, ...inputs: unknown[]): any;
  /** @internal */
  decodeView(view: Uint8Array): any;
  /** @internal */
  decodeText(view: Uint8Array): string;
  /** @internal */
  writeInput(value: unknown): { ptr: number; len: number };
}
