// Database faults as values (docs/operations.md): which failures are transient — the connection was
// closed or its backend terminated, a serialization failure, a deadlock — and may be retried at a page
// boundary (the page is written in one transaction, so a retry writes it whole or not at all); every
// other failure (a statement timeout, a constraint violation) ends the run as database_error.
const TRANSIENT_CODES = new Set([
  'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE',
  '57P01', // admin_shutdown (pg_terminate_backend)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000', '08003', '08006', '08001', '08004', // connection exceptions
  '40001', // serialization_failure
  '40P01', // deadlock_detected
]);

export function isTransientDatabaseError(error) {
  return Boolean(error) && (TRANSIENT_CODES.has(error.code) || TRANSIENT_CODES.has(error.errno));
}

/**
 * Runs fn (one whole transaction), again after a transient failure, at most `attempts` times in all.
 * @template T
 * @param {() => Promise<T>} fn @param {{attempts?: number, onRetry?: (error, attempt) => void}} [o]
 * @returns {Promise<T>}
 */
export async function withTransientRetry(fn, { attempts = 3, onRetry = () => {} } = {}) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= attempts || !isTransientDatabaseError(error)) throw error;
      onRetry(error, attempt);
    }
  }
}
