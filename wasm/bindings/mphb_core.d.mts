// Types of the Emscripten glue (dist/wasm/mphb_core.mjs, generated from wasm/bindings/embind.cpp); CMake
// copies this file next to it. js/core.js is the only caller: use its API (js/core.d.ts), not this one.
// A "view" is a Uint8Array over the core's memory holding the last result's UTF-8 JSON; decode it before
// the next call. Inputs are (pointer, length) pairs written with _malloc; length -1 means "not given".

type View = Uint8Array;

export interface BookingsSyncHandle {
  initErrors(): string;
  planPage(ptr: number, len: number): View;
  readPage(ptr: number, len: number): View;
  planReadPage(page: number, ptr: number, len: number): View;
  resolveUnits(resultsJson: string): string;
  reconcile(total: number, ptr: number, len: number): View;
  confirm(bookingId: number, httpStatus: number, body: string): string;
  delete(): void;
}

export interface SyncPreviewHandle {
  accommodations(typesPtr: number, typesLen: number, unitsPtr: number, unitsLen: number): View;
  bookingsPage(ptr: number, len: number): View;
  resolveUnits(ptr: number, len: number): View;
  reconcile(total: number): View;
  confirm(bookingId: number, httpStatus: number, ptr: number, len: number): View;
  diff(): View;
  delete(): void;
}

export interface MphbCoreModule {
  version(): string;
  planOffline(tenantId: string, now: string, typesPtr: number, typesLen: number, unitsPtr: number, unitsLen: number,
    bookingsPtr: number, bookingsLen: number): View;
  planAccommodations(tenantId: string, now: string, typesPtr: number, typesLen: number, unitsPtr: number, unitsLen: number,
    currentJson: string): View;
  guestStay(ptr: number, len: number): View;
  answerQuestion(stayPtr: number, stayLen: number, questionPtr: number, questionLen: number): View;
  guestLoginRequest(ptr: number, len: number): View;
  guestLoginDecision(requestPtr: number, requestLen: number, candidatesPtr: number, candidatesLen: number, now: string): View;
  guestAccess(stayPtr: number, stayLen: number, now: string): View;
  syncPassDecision(ptr: number, len: number): View;
  syncPassSettlement(ptr: number, len: number): View;
  fleetJobStart(ptr: number, len: number): View;
  fleetJobEnd(ptr: number, len: number): View;
  hostBackoff(ptr: number, len: number): View;
  fleetReport(ptr: number, len: number): View;
  planLegacyAdoption(tenantId: string, now: string, legacyPtr: number, legacyLen: number, unitsPtr: number, unitsLen: number,
    bookingsPtr: number, bookingsLen: number, confirmationsPtr: number, confirmationsLen: number): View;
  BookingsSync: new (tenantId: string, now: string, knownUnitsJson: string, knownTypesJson: string, storedJson: string) => BookingsSyncHandle;
  SyncPreview: new (tenantId: string, now: string, storedPtr: number, storedLen: number) => SyncPreviewHandle;
  _malloc(size: number): number;
  _free(ptr: number): void;
  readonly HEAPU8: Uint8Array;
}

/** Emscripten module options (locateFile, wasmBinary, …). */
export type MphbCoreModuleOptions = Record<string, unknown>;

declare function createMphbCore(options?: MphbCoreModuleOptions): Promise<MphbCoreModule>;
export default createMphbCore;
