// One sync per tenant at a time (SPEC §3.1), as a lease row in public.sync_locks rather than a session
// advisory lock, so it also holds behind transaction-mode poolers (Supavisor, pgBouncer). The lease is
// short and renewed often (LEASE_RENEW_MS), so a holder that died elsewhere is replaced within
// LEASE_SECONDS; a holder that died on this host (the CLI killed, a server crashed) is replaced at once:
// the row names its host and process id, and a dead process holds nothing — nor does a run of this
// process that has ended but could not delete its row. docs/operations.md.
import { hostname } from 'node:os';

export const LEASE_SECONDS = 30;
export const LEASE_RENEW_MS = 10_000;

// The runs this process holds a lock for right now: a lease of this process for any other run is left
// over from a run whose release could not reach the database, and holds nothing.
const heldHere = new Set();

/** This process, as a lock holder. */
export function currentHolder() {
  return { host: hostname(), pid: process.pid };
}

/** Whether a process of this host is alive (EPERM: alive, another user's). Unknown → alive. */
export function processAlive(pid) {
  if (typeof process.kill !== 'function') return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code !== 'ESRCH';
  }
}

// Drops the tenant's lease when its holder is a dead process of this host; true when it did.
async function releaseDeadHolder(db, tenantId, { holder, isAlive }) {
  const [row] = await db.query(`select run_id, holder_host, holder_pid from public.sync_locks
    where tenant_id = $1 and expires_at >= now()`, [tenantId]);
  if (!row || row.holder_host !== holder.host || !row.holder_pid) return false;
  const stale = row.holder_pid === process.pid && holder.pid === process.pid ? !heldHere.has(row.run_id)
    : row.holder_pid !== holder.pid && !isAlive(row.holder_pid);
  if (!stale) return false;
  const gone = await db.query('delete from public.sync_locks where tenant_id = $1 and run_id = $2 returning run_id', [tenantId, row.run_id]);
  return gone.length === 1;
}

/**
 * @param {object} [o] {leaseSeconds, holder: {host, pid}, isAlive: (pid) => boolean} (tests inject them)
 * @returns {Promise<boolean>} true when this run now holds the tenant's lock
 */
export async function acquireTenantLock(db, tenantId, runId, { leaseSeconds = LEASE_SECONDS, holder = currentHolder(), isAlive = processAlive } = {}) {
  await releaseDeadHolder(db, tenantId, { holder, isAlive });
  const rows = await db.query(`insert into public.sync_locks (tenant_id, run_id, acquired_at, expires_at, holder_host, holder_pid)
      values ($1, $2, now(), now() + make_interval(secs => $3), $4, $5)
    on conflict (tenant_id) do update
      set run_id = excluded.run_id, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at,
          holder_host = excluded.holder_host, holder_pid = excluded.holder_pid
      where public.sync_locks.expires_at < now()
    returning run_id`, [tenantId, runId, leaseSeconds, holder.host, holder.pid]);
  const acquired = rows.length === 1 && rows[0].run_id === runId;
  if (acquired) heldHere.add(runId);
  return acquired;
}

/** Extends the lease of a running run; false when the lease was lost (expired and taken). */
export async function renewTenantLock(db, tenantId, runId, leaseSeconds = LEASE_SECONDS) {
  const rows = await db.query(`update public.sync_locks set expires_at = now() + make_interval(secs => $3)
    where tenant_id = $1 and run_id = $2 returning run_id`, [tenantId, runId, leaseSeconds]);
  return rows.length === 1;
}

/**
 * Inside a write transaction: whether this run still holds the tenant's lock. Locks the lease row (share)
 * until the transaction ends, so no other run can take the lock between this check and the commit — a
 * page is never written by a run that lost its lock (fencing), whatever the renewal timer saw.
 */
export async function holdsTenantLock(tx, tenantId, runId) {
  const [rows] = await tx.pipeline([holdsTenantLockStatement(tenantId, runId)]);
  return rows.length > 0;
}

/** holdsTenantLock as a statement, to lead a pipeline of writes: it holds when it returns a row. */
export function holdsTenantLockStatement(tenantId, runId) {
  return { text: 'select 1 from public.sync_locks where tenant_id = $1 and run_id = $2 for share', params: [tenantId, runId], prepared: true };
}

export async function releaseTenantLock(db, tenantId, runId) {
  heldHere.delete(runId); // even if the row cannot be deleted now, this process no longer holds it
  await db.query('delete from public.sync_locks where tenant_id = $1 and run_id = $2', [tenantId, runId]);
}

/** The live run holding the tenant's lock, if any (for "already running" answers); a dead holder of this host holds nothing. */
export async function currentLockHolder(db, tenantId, { holder = currentHolder(), isAlive = processAlive } = {}) {
  await releaseDeadHolder(db, tenantId, { holder, isAlive });
  const rows = await db.query('select run_id, acquired_at, expires_at from public.sync_locks where tenant_id = $1 and expires_at >= now()', [tenantId]);
  return rows[0] ?? null;
}
