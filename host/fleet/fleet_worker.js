// A fleet worker (`mphb-sync worker`, `serve --schedule`): stateless; any number of them, on any number
// of machines sharing the database. Each one
//   - runs the scheduler step (public.fleet_enqueue_due) every schedulerSeconds — safe from everywhere at
//     once, so no worker is special and pg_cron may run it too;
//   - takes sync_all jobs, `concurrency` at a time (pg-boss: one queued-or-running job per tenant, at most
//     syncsPerHost active jobs per host), and runs Sync All for each under the tenant's lease lock, a host
//     slot and the host's backoff (host_politeness.js);
//   - on stop, asks its running syncs to end at their next page boundary and hands their tenants back.
// A worker killed outright loses nothing: pg-boss sees its jobs' heartbeats stop and retries them
// elsewhere; its tenant leases and host slots expire (at once for a dead process on the same host).
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

import { runRepair } from '../sync/repair_runner.js';
import { SyncError } from '../sync/sync_errors.js';
import { runSync } from '../sync/sync_runner.js';
import { resolveTenant } from '../tenants/tenant_store.js';
import { openJobQueue, REPAIR_QUEUE, SYNC_QUEUE } from './job_queue.js';
import { backOffHost, hostBackoff, releaseHostSlot, renewHostSlot, takeHostSlot } from './host_politeness.js';

// A slot taken by another worker in the same instant as pg-boss let this job through: wait this long for it.
const SLOT_WAIT_MS = 30_000;

/**
 * @param {object} o
 * @param {object} o.db from openDatabase (sized for the concurrency: see workerPoolSize)
 * @param {() => Promise<import('../../js/core.js').MphbCore>} o.core
 * @param {(tenant: {tenant_id, slug}, clientOptions: object) => Promise<object>} o.clientFor a MotoPress
 *   client for the tenant (command_context.js); TenantError / CipherError when it cannot be made
 * @param {ReturnType<import('./fleet_settings.js').fleetSettings>} o.settings
 * @param {number} [o.concurrency=2] jobs at once in this process
 * @param {{info: Function, warn: Function, error: Function}} o.log structured; never given secrets
 * @param {boolean} [o.schedule=true] run the scheduler step here too
 * @returns {Promise<{id: string, stop: (o?: {timeoutMs?: number}) => Promise<void>, enqueueDue: () => Promise<number>}>}
 */
export async function startFleetWorker({ db, core, clientFor, settings, concurrency = 2, log, schedule = true }) {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new TypeError(`concurrency must be an integer ≥ 1, not ${concurrency}`);
  const id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const boss = await openJobQueue(db, settings, { onError: (error) => log.warn({ worker: id, err: error.message }, 'job queue error') });
  const stopping = new AbortController();

  const enqueueDue = async () => {
    const [{ added }] = await db.query('select public.fleet_enqueue_due() as added');
    if (added > 0) log.info({ worker: id, added }, 'due tenants enqueued');
    return added;
  };
  let scheduler = null;
  if (schedule) {
    const tick = () => enqueueDue().catch((error) => log.warn({ worker: id, err: error.message }, 'scheduler step failed'));
    await tick();
    scheduler = setInterval(tick, settings.schedulerSeconds * 1000);
  }

  // Due again `inSeconds` from now (0: at the next scheduler step), outside the retry count.
  const dueAgain = (tenantId, inSeconds) => db.query(`update public.fleet_schedules
    set next_due_at = now() + make_interval(secs => $2) where tenant_id = $1`, [tenantId, inSeconds]);

  // The core decides; this gathers the facts and applies the answer (wasm/src/fleet_policy.cpp).
  const decided = (answer) => {
    if (answer.errors.length > 0) throw Object.assign(new Error(`fleet decision: ${answer.errors[0].path}: ${answer.errors[0].message}`), { code: 'internal_error' });
    return answer;
  };

  /**
   * One job of `queue`: sync_all (Sync All of the tenant) or repair (an applied repair of the tenant).
   * @param {object} job @param {'sync_all'|'repair'} queue
   * @returns {Promise<{status: import('pg-boss').JobResultStatus, output: object}>}
   */
  async function runJob(job, queue) {
    const c = await core();
    const { tenant_id: tenantId, host } = job.data ?? {};
    // How the job ends, by the core's table: what the queue records, and whether the tenant is due at once.
    const finish = async (tenant, error, extra = {}) => {
      const end = decided(c.decideFleetJobEnd({ tenant_id: tenant?.tenant_id ?? String(tenantId), job: queue, error_code: error ? (error.code ?? 'internal_error') : null, stopping: stopping.signal.aborted }));
      const output = { outcome: end.outcome, ...(error ? { code: error.code ?? 'internal_error', message: error.message, run_id: error.runId ?? null } : {}), ...extra };
      if (error) log[end.queue_status === 'completed' ? 'info' : 'warn']({ worker: id, tenant: tenant?.slug ?? tenantId, job: job.id, ...output }, 'sync job ended without a complete run');
      if (end.due_in_seconds !== null && tenant) await dueAgain(tenant.tenant_id, end.due_in_seconds).catch(() => {});
      return { status: end.queue_status, output };
    };
    let tenant;
    try {
      tenant = await resolveTenant(db, String(tenantId));
    } catch (error) {
      if (error.code === 'unknown_tenant') return finish(null, error);
      throw error;
    }
    const [sched] = await db.query('select enabled from public.fleet_schedules where tenant_id = $1', [tenant.tenant_id]);
    const backoff = await hostBackoff(db, host);
    const facts = { tenant_id: tenant.tenant_id, paused: sched ? !sched.enabled : false, host_backoff_until: backoff ? backoff.until.toISOString() : null };
    const decideStart = (slotFact) => decided(c.decideFleetJobStart({ ...facts, job: queue, now: new Date().toISOString(), slot: slotFact }));
    const notRun = async (decision) => {
      if (decision.due_in_seconds !== null) await dueAgain(tenant.tenant_id, decision.due_in_seconds);
      if (decision.action === 'defer') log.info({ worker: id, queue, tenant: tenant.slug, host, code: decision.code, due_in_seconds: decision.due_in_seconds }, 'job deferred');
      return { status: decision.queue_status, output: { outcome: decision.action === 'defer' ? 'deferred' : 'skipped', code: decision.code, due_in_seconds: decision.due_in_seconds } };
    };
    let decision = decideStart(null);
    if (decision.action !== 'take_slot') return notRun(decision);

    const lease = { host, slots: settings.syncsPerHost, holder: `${id}:${job.id}` };
    let slot = await takeHostSlot(db, lease);
    for (const started = Date.now(); slot === null && Date.now() - started < SLOT_WAIT_MS && !stopping.signal.aborted;) {
      await new Promise((resolve) => { setTimeout(resolve, 500 + Math.random() * 500); });
      slot = await takeHostSlot(db, lease);
    }
    // The slot may have been a wait while another sync of the host ran: read the host's backoff again.
    const backoffNow = await hostBackoff(db, host);
    facts.host_backoff_until = backoffNow ? backoffNow.until.toISOString() : null;
    decision = decideStart(slot === null ? 'none' : 'taken');
    if (decision.action !== 'run') {
      if (slot !== null) await releaseHostSlot(db, { ...lease, slot }).catch(() => {});
      return notRun(decision);
    }
    const renewal = setInterval(() => { renewHostSlot(db, { ...lease, slot }).catch(() => {}); }, 10_000);
    renewal.unref?.();
    const signal = AbortSignal.any([stopping.signal, ...(job.signal ? [job.signal] : [])]);
    try {
      const client = await clientFor(tenant, {
        // This sync's share of the host's K requests in flight: every stream, page and record together.
        concurrency: settings.pagesPerSync,
        maxInFlight: settings.pagesPerSync,
        onRequest: (event) => {
          if (event.event !== 'end') return;
          // The server's Retry-After as sent (the client itself waits at most a minute before retrying).
          const { back_off_seconds: seconds } = c.decideHostBackoff({
            status: event.status ?? null, retry_in_ms: event.retryAfterMs ?? event.retryInMs ?? null,
            min_seconds: settings.hostBackoffSeconds, max_seconds: settings.hostBackoffMaxSeconds,
          });
          if (seconds === null || seconds === undefined) return;
          backOffHost(db, { host, seconds, reason: `HTTP ${event.status} from ${event.endpoint}` })
            .then(() => log.warn({ worker: id, tenant: tenant.slug, host, status: event.status, seconds }, 'host asked to back off'), () => {});
        },
      });
      if (queue === REPAIR_QUEUE) {
        const report = await runRepair({ db, core: c, tenant, client, apply: true });
        // Rows it could not repair: retried with backoff (then dead-lettered), like a failed run.
        if (report.status === 'incomplete') {
          return finish(tenant, Object.assign(new SyncError('repair_incomplete', `tenant ${tenant.slug}: the repair left ${report.unrepairable.length} rows unrepaired`), { runId: report.run_id }));
        }
        return finish(tenant, null, { run_id: report.run_id, status: report.status, rows: report.rows.length });
      }
      const result = await runSync({ db, core: c, tenant, client, kind: 'sync-all', signal });
      return finish(tenant, null, { run_id: result.runId, pass: result.counts.pass ?? null });
    } catch (error) {
      return finish(tenant, error);
    } finally {
      clearInterval(renewal);
      await releaseHostSlot(db, { ...lease, slot }).catch(() => {});
    }
  }

  // Both queues share the host slots; repairs are rare, one at a time per worker.
  for (const [queue, localConcurrency] of /** @type {Array<['sync_all'|'repair', number]>} */ ([[SYNC_QUEUE, concurrency], [REPAIR_QUEUE, 1]])) {
    await boss.work(queue, {
      localConcurrency,
      groupConcurrency: settings.syncsPerHost,
      pollingIntervalSeconds: settings.pollSeconds,
      // With a backlog, fetch again as soon as a job ends instead of waiting out the poll interval (which
      // capped a worker at concurrency / poll seconds jobs a second: bench F1).
      burstWhenReadyExceeds: 1,
      perJobResults: true,
    }, async (jobs) => Promise.all(jobs.map(async (job) => /** @type {Promise<import('pg-boss').JobResult>} */ ((async () => {
      try {
        return { id: job.id, ...(await runJob(job, queue)) };
      } catch (error) {
        // The database failed around the run (not inside it): retry with backoff.
        log.warn({ worker: id, queue, job: job.id, err: error.message }, 'job failed');
        return { id: job.id, status: 'failed', output: { outcome: 'failed', code: error.code ?? 'internal_error', message: error.message } };
      }
    })()))));
  }
  log.info({ worker: id, concurrency, syncsPerHost: settings.syncsPerHost, pagesPerSync: settings.pagesPerSync }, 'fleet worker started');

  let stopped = null;
  return {
    id,
    enqueueDue,
    /** Stops taking jobs; running syncs end at their next page boundary (their tenants due again at once). */
    stop: ({ timeoutMs = 60_000 } = {}) => (stopped ??= (async () => {
      if (scheduler) clearInterval(scheduler);
      stopping.abort('the worker is stopping');
      await boss.stop({ graceful: true, timeout: timeoutMs, close: false });
      log.info({ worker: id }, 'fleet worker stopped');
    })()),
  };
}

/** PostgreSQL connections a worker of `concurrency` jobs needs: each sync's writes and lease, plus the queue's. */
export function workerPoolSize(concurrency) {
  return Math.max(4, 2 * concurrency + 2);
}
