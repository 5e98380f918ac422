// The JSON a client of the HTTP API sees (docs/http-api.md; the OpenAPI document at /api/openapi.json,
// host/http/openapi_document.js). Bodies only: status codes and headers are in the docs.
// tests/js/http_api_types.test.js checks real answers against the field names declared here.

import type { GuestAnswer, Stay } from '../../js/core.js';

export type { GuestAnswer, Stay, StayRoom, QuestionIntent } from '../../js/core.js';

/** Every error answer: a stable code and a sentence. */
export interface ErrorBody {
  code: string;
  message: string;
}

/** 400s: the field (query parameter or body field) at fault. */
export interface FieldErrorBody extends ErrorBody {
  field?: string;
}

/** 409 already_running, before any stream starts. */
export interface AlreadyRunningBody extends ErrorBody {
  code: 'already_running';
  run_id: string;
}

export interface TenantRef {
  tenant_id: string;
  slug: string;
}

/** POST …/stream-ticket */
export interface StreamTicket {
  ticket: string;
  expires_in: number;
  purpose: 'sync-all' | 'events';
  run_id?: string;
}

/** A run's counts, as in sync_runs (besides the stage counts the core reports). */
export interface RunCounts {
  pass?: 'full' | 'incremental';
  requests?: number;
  bytes?: number;
  [count: string]: unknown;
}

export interface StageStats {
  ms: number;
  requests: number;
  bytes: number;
}

export interface RunStats {
  stages?: Partial<Record<'accommodations' | 'reservations' | 'reconcile', StageStats>>;
  total_ms?: number;
  pass?: { kind: string; reason: string; filters: string };
  [stat: string]: unknown;
}

/** POST …/sync (accommodations only) */
export interface SyncResult {
  run_id: string;
  status: string;
  counts: RunCounts;
  warnings: Array<{ code: string; message: string; path?: string; [key: string]: unknown }>;
}

/** POST …/sync and …/repair when the sync failed (502, 500). */
export interface SyncFailure extends ErrorBody {
  run_id: string | null;
  status: 'failed';
}

/** One run of GET …/runs */
export interface RunRecord {
  id: string;
  kind: string;
  status: string;
  started_at: string;
  finished_at: string | null;
  counts: RunCounts | null;
  stats: RunStats | null;
  error_code: string | null;
  error_message: string | null;
}

/** GET …/runs */
export interface RunList {
  tenant: TenantRef;
  runs: RunRecord[];
}

export interface InvariantResult {
  /** e.g. "I1 no-null-unit" */
  name: string;
  ok: boolean;
  count: number;
  samples: unknown[];
}

/** GET …/health */
export interface HealthReport {
  ok: boolean;
  tenant: TenantRef & {
    name?: string;
    ok: boolean;
    last_success_at: string | null;
    last_success_age_seconds: number | null;
    invariants: InvariantResult[];
  };
}

export type SyncEventType = 'progress' | 'warning' | 'complete' | 'error';
export type SyncStage = 'accommodations' | 'reservations' | 'reconcile' | 'done' | 'sync';

/** `data:` of every Server-Sent Event (`event:` is its type, `id:` is `<run_id>:<seq>`). */
export interface SyncEvent {
  type: SyncEventType;
  stage: SyncStage;
  current: number;
  total: number;
  message: string;
  run_id: string;
  seq: number;
  /** complete: the run's counts */
  counts?: RunCounts;
  /** error: a stable code (already_running, accommodations_failed, motopress_error, …); ends the stream */
  code?: string;
  [key: string]: unknown;
}

/** POST …/repair */
export interface RepairRow {
  booking_id: number | null;
  mphb_id: number | null;
  table: 'accommodation_types' | 'accommodation_units' | 'guest_reservations' | 'reservation_accommodations' | 'calendar_blocks';
  id: string;
  /** rows of bookings (the junction's position); absent from accommodation rows */
  position?: number | null;
  change: 'insert' | 'update' | 'delete';
  reason: string[];
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export interface RepairReport {
  tenant: TenantRef;
  mode: 'dry_run' | 'apply';
  status: 'clean' | 'problems_found' | 'repaired' | 'incomplete';
  run_id: string | null;
  now: string;
  bookings: Array<{ booking_id: number; reason: string[]; action: 'rewrite' | 'mark_gone'; tables: string[] }>;
  accommodations: Array<{ table: string; mphb_id: number; reason: string[]; action: 'rewrite' | 'deactivate' }>;
  rows: RepairRow[];
  unrepairable: Array<{ booking_id: number | null; mphb_id: number | null; table: string | null; reason: string[]; message: string }>;
  /** rows per table, bookings, … and `reasons` (how many of each reason) */
  counts: Record<string, number | Record<string, number>>;
  warnings: unknown[];
}

/** POST /api/guest/login */
export interface GuestLoginBody {
  check_in_date: string;
  phone_last_4?: string;
  reservation_code?: string;
}

export interface GuestToken {
  token: string;
  expires_at: string;
  reservation_id: string;
}

/** GET /api/guest/my-stay */
export type MyStay = Stay;

/** POST /api/guest/ask */
export interface GuestQuestion {
  question: string;
}
export type GuestAskAnswer = GuestAnswer;

/** GET …/preview/record */
export interface PreviewRecord {
  collection: 'accommodations' | 'bookings';
  id: number;
  status: 200 | 404;
  body: Record<string, unknown> | null;
}

/**
 * GET …/preview/source: frames of one JSON header line and `length` bytes of body.
 * start: the stored state; accommodation_types / accommodations: the pages as one JSON array; page: one
 * page of /bookings as MotoPress sent it; end and error have no body.
 */
export type PreviewFrameHeader = { length: number } & (
  | { frame: 'start'; tenant_id: string; slug: string; now: string }
  | { frame: 'accommodation_types' }
  | { frame: 'accommodations' }
  | { frame: 'page'; page: number; total_pages: number | null }
  | { frame: 'end'; total: number | null; consistent: boolean; pages: number; requests: number }
  | { frame: 'error'; code: 'motopress_error' | 'motopress_unauthorized' | 'too_large' | 'database_error' | string; message: string }
);
