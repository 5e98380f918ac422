// js/preview_driver.js: drives the core's dry run (MphbCore.syncPreview) in the sync's order, with the I/O given.
import type { Diagnostic, PreviewDiff, PreviewPageAnswer, PreviewStepAnswer, Reconciliation, SyncPreviewSession, UnitFetchResult } from './core.js';

export interface PreviewIo {
  /** GET /accommodations/{id}: 200 with the record, 404 when gone */
  fetchUnit?: (id: number) => Promise<UnitFetchResult>;
  /** GET /bookings/{id} (body as text); without it nothing is confirmed and nothing is called gone */
  fetchBooking?: (id: number) => Promise<{ status: number; body?: string }>;
}

/** Thrown when the core refuses a step: the sync would have stopped there too. */
export declare class PreviewStopped extends Error {
  constructor(code: string, message: string, errors: Diagnostic[]);
  /** accommodations_failed | unresolved_units */
  code: string;
  errors: Diagnostic[];
}

export declare class PreviewDriver {
  constructor(preview: SyncPreviewSession, io?: PreviewIo);
  readonly preview: SyncPreviewSession;
  /** pages fed so far */
  pages: number;
  /** @throws {PreviewStopped} accommodations_failed */
  accommodations(types: string | Uint8Array | object, units: string | Uint8Array | object): PreviewStepAnswer;
  /** One page of /bookings; units the core does not know are fetched first. @throws {PreviewStopped} unresolved_units */
  page(bytes: string | Uint8Array): Promise<PreviewPageAnswer>;
  /** After the last page (total: X-WP-Total of the pass, null when unknown). */
  finish(pass: { total: number | null }): Promise<Partial<Reconciliation> & { complete: boolean; confirm: number[] }>;
  diff(): PreviewDiff;
  diffText(): string;
}
