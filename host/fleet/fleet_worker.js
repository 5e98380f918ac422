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

import { runSync } from '../sync/sync_runner.js';
import { resolveTenant } from '../tenants/tenant_store.js';
import { openJobQueue, SYNC_QUEUE } from './job_queue.js';
import { jobOutcome } from './job_outcome.js';
import { backoffFor, backOffHost, hostBackoff, releaseHostSlot, renewHostSlot, takeHostSlot } from './host_politeness.js';

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

  /** @returns {Promise<{status: import('pg-boss').JobResultStatus, output: object}>} */
  async function runJob(job) {
    const { tenant_id: tenantId, host } = job.data ?? {};
    let tenant;
    try {
      tenant = await resolveTenant(db, String(tenantId));
    } catch (error) {
      if (error.code === 'unknown_tenant') return { status: 'completed', output: { outcome: 'skipped', code: 'unknown_tenant' } };
      throw error;
    }
    const [sched] = await db.query('select enabled from public.fleet_schedules where tenant_id = $1', [tenant.tenant_id]);
    if (sched && !sched.enabled) return { status: 'completed', output: { outcome: 'skipped', code: 'paused' } };

    const backoff = await hostBackoff(db, host);
    if (backoff) {
      const seconds = Math.max(1, Math.ceil((backoff.until.getTime() - Date.now()) / 1000)) + Math.floor(Math.random() * 10);
      await dueAgain(tenant.tenant_id, seconds);
      log.info({ worker: id, tenant: tenant.slug, host, until: backoff.until.toISOString() }, 'host backing off: deferred');
      return { status: 'completed', output: { outcome: 'deferred', code: 'host_backoff', until: backoff.until.toISOString() } };
    }
    const lease = { host, slots: settings.syncsPerHost, holder: `${id}:${job.id}` };
    let slot = await takeHostSlot(db, lease);
    for (const started = Date.now(); slot === null && Date.now() - started < SLOT_WAIT_MS && !stopping.signal.aborted;) {
      await new Promise((resolve) => { setTimeout(resolve, 500 + Math.random() * 500); });
      slot = await takeHostSlot(db, lease);
    }
    if (slot === null) {
      await dueAgain(tenant.tenant_id, 15 + Math.floor(Math.random() * 15));
      return { status: 'completed', output: { outcome: 'deferred', code: 'host_busy' } };
    }
    const renewal = setInterval(() => { renewHostSlot(db, { ...lease, slot }).catch(() => {}); }, 10_000);
    renewal.unref?.();
    const signal = AbortSignal.any([stopping.signal, ...(job.signal ? [job.signal] : [])]);
    try {
      const client = await clientFor(tenant, {
        concurrency: settings.pagesPerSync,
        onRequest: (event) => {
          if (event.event !== 'end') return;
          const seconds = backoffFor(event, { minSeconds: settings.hostBackoffSeconds, maxSeconds: settings.hostBackoffMaxSeconds });
          if (seconds === null) return;
          backOffHost(db, { host, seconds, reason: `HTTP ${event.status} from ${event.endpoint}` })
            .then(() => log.warn({ worker: id, tenant: tenant.slug, host, status: event.status, seconds }, 'host asked to back off'), () => {});
        },
      });
      const result = await runSync({ db, core: await core(), tenant, client, kind: 'sync-all', signal });
      return { status: 'completed', output: { outcome: 'completed', run_id: result.runId, pass: result.counts.pass ?? null } };
    } catch (error) {
      const outcome = jobOutcome(error, { stopping: stopping.signal.aborted });
      const output = { outcome, code: error.code ?? 'internal_error', message: error.message, run_id: error.runId ?? null };
      log[outcome === 'failed' || outcome === 'deadletter' ? 'warn' : 'info']({ worker: id, tenant: tenant.slug, job: job.id, ...output }, 'sync job ended without a complete run');
      if (outcome === 'handed_back') {
        await dueAgain(tenant.tenant_id, 0).catch(() => {});
        return { status: 'completed', output };
      }
      if (outcome === 'skipped') return { status: 'completed', output };
      return { status: outcome, output };
    } finally {
      clearInterval(renewal);
      await releaseHostSlot(db, { ...lease, slot }).catch(() => {});
    }
  }

  await boss.work(SYNC_QUEUE, {
    localConcurrency: concurrency,
    groupConcurrency: settings.syncsPerHost,
    pollingIntervalSeconds: settings.pollSeconds,
    perJobResults: true,
  }, async (jobs) => Promise.all(jobs.map(async (job) => /** @type {Promise<import('pg-boss').JobResult>} */ ((async () => {
    try {
      return { id: job.id, ...(await runJob(job)) };
    } catch (error) {
      // The database failed around the run (not inside it): retry with backoff.
      log.warn({ worker: id, job: job.id, err: error.message }, 'sync job failed');
      return { id: job.id, status: 'failed', output: { outcome: 'failed', code: error.code ?? 'internal_error', message: error.message } };
    }
  })()))));
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
