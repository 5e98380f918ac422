// The fleet's job queue: pg-boss (docs/fleet.md says why) on the database mphb-sync already has open —
// the PGlite instance in-process, or the postgres.js pool — so there is one pool and one set of
// credentials. pg-boss creates and migrates its own schema (pgboss) when a queue is opened.
//
// Queues: `sync_all` (scheduled syncs) and `repair` (repairs on request: `mphb-sync fleet enqueue --job
// repair`), both policy exclusive — at most one queued-or-running job per tenant and queue, the tenant id its
// singleton key; the job's group is its MotoPress host — and `sync_all_dlq` / `repair_dlq`, where a job
// lands after its last retry. Jobs are added by public.fleet_enqueue / fleet_enqueue_due (SQL), never here,
// so pg_cron, the CLI and the workers share one definition of a job.
import { PgBoss, fromPglite } from 'pg-boss';

export const SYNC_QUEUE = 'sync_all';
export const DEAD_LETTER_QUEUE = 'sync_all_dlq';
export const REPAIR_QUEUE = 'repair';
export const REPAIR_DEAD_LETTER_QUEUE = 'repair_dlq';

/** pg-boss's database contract over postgres.js (pg-boss has no built-in adapter for it). */
function fromPostgresJs(db) {
  return {
    async executeSql(text, values = []) {
      if (values.length > 0) {
        // pg-boss passes undefined for options it leaves unset; postgres.js refuses undefined.
        return { rows: await db.query(text, values.map((v) => (v === undefined ? null : v))) };
      }
      // No parameters: possibly a BEGIN … COMMIT script of several statements, which postgres.js runs
      // only on a connection of its own and through the simple protocol.
      const connection = await db.reserve();
      try {
        const result = await connection.unsafe(text).simple();
        const results = Array.isArray(result[0]) || result.length === 0 ? result : [result];
        return { rows: Array.isArray(result.count) ? [] : results.flatMap((r) => (Array.isArray(r) ? [...r] : [])) };
      } catch (error) {
        // A failed statement inside the script leaves this connection in an aborted transaction.
        await connection.unsafe('rollback').catch(() => {});
        throw error;
      } finally {
        connection.release();
      }
    },
  };
}

/**
 * Opens pg-boss over `db` and makes sure both queues exist with the settings' retry and heartbeat policy.
 * @param {object} db from openDatabase (PGlite or PostgreSQL)
 * @param {ReturnType<import('./fleet_settings.js').fleetSettings>} settings
 * @param {{onError?: (error: Error) => void, supervise?: boolean}} [o] supervise: run pg-boss's maintenance
 *   (heartbeat checks, retention) in this process (workers do; a status reader does not)
 * @returns {Promise<PgBoss>} started; stop it with boss.stop()
 */
export async function openJobQueue(db, settings, { onError = () => {}, supervise = true } = {}) {
  const adapter = db.kind === 'pglite' ? { backend: /** @type {const} */ ('pglite'), db: fromPglite(db.pglite) } : { db: fromPostgresJs(db) };
  const boss = new PgBoss({
    ...adapter,
    schema: 'pgboss',
    migrate: true,
    supervise,
    schedule: false, // mphb-sync's own schedules (public.fleet_schedules) decide what is due
    monitorIntervalSeconds: settings.monitorSeconds,
    superviseIntervalSeconds: settings.monitorSeconds,
    // The ready count behind the workers' burst fetching (fleet_worker.js) is refreshed this often.
    queueCacheIntervalSeconds: settings.monitorSeconds,
  });
  boss.on('error', onError);
  // Workers started together on a fresh database race to install pgboss: a loser's CREATE SCHEMA fails
  // (duplicate key in pg_namespace) although pg-boss installs under an advisory lock. Its next attempt
  // (pg-boss waits 1, 2, 4, 8 s between them) finds the schema installed.
  await boss.start({ attempts: 5 });
  const policy = {
    retryLimit: settings.retryLimit,
    retryDelay: Math.max(1, settings.retryDelaySeconds),
    retryBackoff: true,
    retryDelayMax: settings.retryDelayMaxSeconds,
    heartbeatSeconds: settings.heartbeatSeconds,
    expireInSeconds: settings.expireSeconds,
    deleteAfterSeconds: 7 * 86_400,
  };
  for (const [queue, deadLetter] of [[SYNC_QUEUE, DEAD_LETTER_QUEUE], [REPAIR_QUEUE, REPAIR_DEAD_LETTER_QUEUE]]) {
    if (!(await boss.getQueue(deadLetter))) await boss.createQueue(deadLetter, { policy: 'standard', retentionSeconds: 30 * 86_400 });
    if (!(await boss.getQueue(queue))) {
      await boss.createQueue(queue, { policy: 'exclusive', deadLetter, ...policy, ...(queue === REPAIR_QUEUE ? { retryLimit: settings.repairRetryLimit } : {}) });
    } else {
      await boss.updateQueue(queue, { deadLetter, ...policy, ...(queue === REPAIR_QUEUE ? { retryLimit: settings.repairRetryLimit } : {}) });
    }
  }
  return boss;
}
