// One sync per tenant at a time (SPEC §3.1), as a lease row in public.sync_locks rather than a session
// advisory lock, so it also holds behind transaction-mode poolers. A crashed holder's lease expires.
const DEFAULT_LEASE_SECONDS = 600;

/** @returns {Promise<boolean>} true when this run now holds the tenant's lock */
export async function acquireTenantLock(db, tenantId, runId, leaseSeconds = DEFAULT_LEASE_SECONDS) {
  const rows = await db.query(`insert into public.sync_locks (tenant_id, run_id, acquired_at, expires_at)
      values ($1, $2, now(), now() + make_interval(secs => $3))
    on conflict (tenant_id) do update
      set run_id = excluded.run_id, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
      where public.sync_locks.expires_at < now()
    returning run_id`, [tenantId, runId, leaseSeconds]);
  return rows.length === 1 && rows[0].run_id === runId;
}

/** Extends the lease of a long run; false when the lease was lost (expired and taken). */
export async function renewTenantLock(db, tenantId, runId, leaseSeconds = DEFAULT_LEASE_SECONDS) {
  const rows = await db.query(`update public.sync_locks set expires_at = now() + make_interval(secs => $3)
    where tenant_id = $1 and run_id = $2 returning run_id`, [tenantId, runId, leaseSeconds]);
  return rows.length === 1;
}

export async function releaseTenantLock(db, tenantId, runId) {
  await db.query('delete from public.sync_locks where tenant_id = $1 and run_id = $2', [tenantId, runId]);
}

/** The run holding the tenant's lock, if any (for "already running" messages). */
export async function currentLockHolder(db, tenantId) {
  const rows = await db.query('select run_id, acquired_at, expires_at from public.sync_locks where tenant_id = $1 and expires_at >= now()', [tenantId]);
  return rows[0] ?? null;
}
