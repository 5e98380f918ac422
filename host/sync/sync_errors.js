// Why a sync failed, as a value with a stable code (SSE `error` events and exit codes rely on it).
export class SyncError extends Error {
  /**
   * @param {string} code already_running | accommodations_failed | motopress_error | invalid_records |
   *   unresolved_units | database_error | lock_lost
   * @param {string} message names the tenant and the cause
   * @param {object} [details] e.g. {stage, endpoint, errors}
   */
  constructor(code, message, details = {}) {
    super(message);
    this.code = code;
    this.details = details;
    /** @type {string|null|undefined} the sync_runs row, once the run was recorded */
    this.runId = undefined;
    /** @type {object|undefined} the run's counts when it failed */
    this.counts = undefined;
  }
}
