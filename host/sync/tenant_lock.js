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

// The lease taken: inserted, or an expired one replaced; `returning run_id` names this run when it holds it.
const LEASE_SQL = `insert into public.sync_locks (tenant_id, run_id, acquired_at, expires_at, holder_host, holder_pid)
    values ($1, $2, now(), now() + make_interval(secs => $3), $4, $5)
  on conflict (tenant_id) do update
    set run_id = excluded.run_id, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at,
        holder_host = excluded.holder_host, holder_pid = excluded.holder_pid
    where public.sync_locks.expires_at < now()
  returning run_id`;

// The lease and the run's start in one statement (one round trip): holding the lock, any other run of the
// tenant still 'running' belongs to a process that died, so it is closed as interrupted; this run is
// recorded as running. Both only when the lease is this run's.
const LEASE_AND_RUN_SQL = `with lease as (${LEASE_SQL}),
  closed as (update public.sync_runs set status = 'interrupted', finished_at = now(), error_code = 'interrupted',
      error_message = 'the process running this sync stopped before it finished; the next run completed the work'
    where tenant_id = $1 and status = 'running' and exists (select 1 from lease where run_id = $2)),
  started as (insert into public.sync_runs (id, tenant_id, kind, status, started_at)
    select $2, $1, $6, 'running', $7 where exists (select 1 from lease where run_id = $2))
  select run_id from lease`;

/**
 * Takes the tenant's lock for a run. With `run`, the same statement also records the run in
 * public.sync_runs as 'running' (its id is runId) and closes the runs a dead process left 'running';
 * nothing is written when another live run holds the lock. A lease whose holder is a dead process of this
 * host is dropped and the lock taken at once (only looked at when the lock is held).
 * @param {object} [o] {run: {kind, startedAt}, leaseSeconds, holder: {host, pid}, isAlive: (pid) => boolean}
 *   (tests inject holder and isAlive)
 * @returns {Promise<boolean>} true when this run now holds the tenant's lock
 */
export async function acquireTenantLock(db, tenantId, runId, { run, leaseSeconds = LEASE_SECONDS, holder = currentHolder(), isAlive = processAlive } = {}) {
  const params = [tenantId, runId, leaseSeconds, holder.host, holder.pid];
  const attempt = async () => {
    const rows = run ? await db.query(LEASE_AND_RUN_SQL, [...params, run.kind, run.startedAt]) : await db.query(LEASE_SQL, params);
    return rows.length === 1 && rows[0].run_id === runId;
  };
  const acquired = (await attempt()) || ((await releaseDeadHolder(db, tenantId, { holder, isAlive })) && (await attempt()));
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
  const release = releaseTenantLockStatement(tenantId, runId);
  await db.query(release.text, release.params);
}

/**
 * The release as a statement, to end a run's last transaction. From this call on this process no longer
 * holds the lock, whether or not the statement commits: a lease row it leaves behind holds nothing here.
 */
export function releaseTenantLockStatement(tenantId, runId) {
  heldHere.delete(runId);
  return { text: 'delete from public.sync_locks where tenant_id = $1 and run_id = $2', params: [tenantId, runId] };
}

/** The live run holding the tenant's lock, if any (for "already running" answers); a dead holder of this host holds nothing. */
export async function currentLockHolder(db, tenantId, { holder = currentHolder(), isAlive = processAlive } = {}) {
  await releaseDeadHolder(db, tenantId, { holder, isAlive });
  const rows = await db.query('select run_id, acquired_at, expires_at from public.sync_locks where tenant_id = $1 and expires_at >= now()', [tenantId]);
  return rows[0] ?? null;
}
