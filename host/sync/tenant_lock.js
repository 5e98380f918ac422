// One sync per tenant at a time (SPEC §3.1), as a lease row in public.sync_locks rather than a session
// advisory lock, so it also holds behind transaction-mode poolers (Supavisor, pgBouncer). The lease is
// short and renewed often (LEASE_RENEW_MS), so a holder that died elsewhere is replaced within
// LEASE_SECONDS; a holder that died on this host (the CLI killed, a server crashed) is replaced at once:
// the row names its host and process id, and a dead process holds nothing — nor does a run of this
// process that has ended but could not delete its row. docs/operations.md.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

import { syncCursorParams, syncCursorUpsertSql } from './sync_cursor_store.js';

export const LEASE_SECONDS = 30;
export const LEASE_RENEW_MS = 10_000;

// The runs this process holds a lock for right now: a lease of this process for any other run is left
// over from a run whose release could not reach the database, and holds nothing.
const heldHere = new Set();

/** This process, as a lock holder. */
export function currentHolder() {
  return { host: hostName(), pid: process.pid };
}

// Deno without --allow-sys (the Supabase function) may not tell its host name: then a name of this
// process alone, so no other process is ever taken for one of "this host" (its lease expires instead).
let ownHostName = null;
function hostName() {
  try {
    return hostname();
  } catch {
    ownHostName ??= `unnamed-${randomUUID()}`;
    return ownHostName;
  }
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
// recorded as running. Both only when the lease is this run's. It also returns the tenant's incremental
// cursor (public.sync_cursors), which a Sync All needs before its first bookings request: read here, it
// costs no round trip and no second connection (opening one took ~40 ms of a fresh process's start). It
// is the cursor as of the statement's start: a run ending at that moment may have stored a newer one, and
// the older one is safe — it only widens the next incremental pass.
const LEASE_AND_RUN_SQL = `with lease as (${LEASE_SQL}),
  closed as (update public.sync_runs set status = 'interrupted', finished_at = now(), error_code = 'interrupted',
      error_message = 'the process running this sync stopped before it finished; the next run completed the work'
    where tenant_id = $1 and status = 'running' and exists (select 1 from lease where run_id = $2)),
  started as (insert into public.sync_runs (id, tenant_id, kind, status, started_at)
    select $2, $1, $6, 'running', $7 where exists (select 1 from lease where run_id = $2))
  select lease.run_id, c.modified_after, c.incremental_runs, c.filters, c.last_total_pages
    from lease left join public.sync_cursors c on c.tenant_id = $1`;

/**
 * Takes the tenant's lock for a run. With `run`, the same statement also records the run in
 * public.sync_runs as 'running' (its id is runId) and closes the runs a dead process left 'running';
 * nothing is written when another live run holds the lock. A lease whose holder is a dead process of this
 * host is dropped and the lock taken at once (only looked at when the lock is held).
 * @param {{run?: {kind: string, startedAt: string}, leaseSeconds?: number, holder?: {host: string, pid: number},
 *   isAlive?: (pid: number) => boolean}} [options] (tests inject holder and isAlive)
 * @returns {Promise<boolean>} true when this run now holds the tenant's lock
 */
export async function acquireTenantLock(db, tenantId, runId, options = {}) {
  return (await startTenantRun(db, tenantId, runId, options)).acquired;
}

/**
 * acquireTenantLock, answering also, when `run` is given and the lock was taken, the tenant's sync cursor
 * row as the run starts ({modified_after, incremental_runs, filters, last_total_pages}, or null).
 * @param {object} db @param {string} tenantId @param {string} runId
 * @param {{run?: {kind: string, startedAt: string}, leaseSeconds?: number, holder?: {host: string, pid: number},
 *   isAlive?: (pid: number) => boolean}} [o]
 * @returns {Promise<{acquired: boolean, cursorRow: object|null}>}
 */
export async function startTenantRun(db, tenantId, runId, { run, leaseSeconds = LEASE_SECONDS, holder = currentHolder(), isAlive = processAlive } = {}) {
  const params = [tenantId, runId, leaseSeconds, holder.host, holder.pid];
  const attempt = async () => {
    const rows = run ? await db.query(LEASE_AND_RUN_SQL, [...params, run.kind, run.startedAt]) : await db.query(LEASE_SQL, params);
    return rows.length === 1 && rows[0].run_id === runId ? rows[0] : null;
  };
  const row = (await attempt()) ?? ((await releaseDeadHolder(db, tenantId, { holder, isAlive })) ? await attempt() : null);
  if (!row) return { acquired: false, cursorRow: null };
  heldHere.add(runId);
  return { acquired: true, cursorRow: run && row.incremental_runs !== null ? row : null };
}

// A run's successful end in one statement, its own transaction (one statement: postgres.js sends each
// parameterized statement it has not prepared on that connection in two round trips, one after the other,
// so five statements in a transaction cost ~13 round trips; this costs two). Releasing the lease is the
// fence: the lease row is deleted only if it is still this run's, and everything else is written only if
// it was — a run whose lease another run took writes none of it. $1–$5: the cursor
// (sync_cursor_store.js), stored when $10.
const RUN_END_SQL = `with released as (delete from public.sync_locks where tenant_id = $1 and run_id = $6 returning run_id),
  cursor as (${syncCursorUpsertSql('select $1::uuid, $2::text, $3::integer, $4::text, $5::integer, now() where $10::boolean and exists (select 1 from released)')}),
  run as (update public.sync_runs set status = 'succeeded', finished_at = now(), counts = $7::text::jsonb, warnings = $8::text::jsonb,
      stats = $9::text::jsonb where id = $6 and status = 'running' and exists (select 1 from released)),
  config as (update public.integration_configs set last_sync_at = now()
    where tenant_id = $1 and integration_type = 'motopress' and exists (select 1 from released))
  select count(*)::int as held from released`;

/**
 * Ends a run that succeeded: stores `cursor` ({cursor, lastTotalPages}, or null: leave the stored one),
 * records the run as succeeded with its counts, warnings and stats, sets the tenant's last_sync_at, and
 * releases the lease — all only if the lease is still this run's.
 * @returns {Promise<boolean>} false when the lease was no longer this run's (nothing was written)
 */
export async function endTenantRun(db, tenantId, runId, { cursor = null, counts, warnings, stats }) {
  heldHere.delete(runId);
  const [row] = await db.query(RUN_END_SQL, [
    ...syncCursorParams(tenantId, cursor?.cursor, cursor?.lastTotalPages ?? null),
    runId, JSON.stringify(counts), JSON.stringify(warnings), JSON.stringify(stats), cursor !== null,
  ], { prepared: true });
  return row.held === 1;
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
