// What a fleet job's end means for the queue — one table, so every worker decides alike:
//   completed   the tenant is fresh, or there is nothing to do (another run holds it, it was removed)
//   handed_back stopped by this worker's shutdown at a page boundary: due again at once, no retry spent
//   deferred    its host is backing off or busy: due again later, no retry spent
//   failed      retried with backoff; after the queue's retry limit, dead-lettered (sync_all_dlq)
//   deadletter  retrying cannot help until someone acts (credentials refused, integration missing)

const DEAD_AT_ONCE = new Set(['motopress_unauthorized', 'no_integration', 'integration_inactive', 'bad_ciphertext', 'decrypt_failed']);

/**
 * @param {{code?: string}|null} error the run's error (SyncError, TenantError, CipherError) or null on success
 * @param {{stopping: boolean}} o stopping: this worker is shutting down
 * @returns {'completed'|'skipped'|'handed_back'|'failed'|'deadletter'}
 */
export function jobOutcome(error, { stopping }) {
  if (!error) return 'completed';
  const code = error.code ?? 'internal_error';
  if (code === 'already_running' || code === 'unknown_tenant') return 'skipped';
  if (code === 'interrupted' && stopping) return 'handed_back';
  if (DEAD_AT_ONCE.has(code)) return 'deadletter';
  return 'failed';
}
