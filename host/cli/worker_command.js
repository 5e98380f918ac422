// `mphb-sync worker [--concurrency N]`: a stateless fleet worker (host/fleet/fleet_worker.js). Run any
// number, on any number of machines sharing DATABASE_URL (or one, with the embedded database). SIGTERM /
// SIGINT: stop taking jobs, end running syncs at their next page boundary, hand their tenants back, exit 0.
import { loadCore } from '../../js/core.js';
import { openDatabase } from '../db/database.js';
import { FleetSettingsError, workerSettings } from '../fleet/fleet_settings.js';
import { startFleetWorker, workerPoolSize } from '../fleet/fleet_worker.js';
import { createMotoPressClient } from '../motopress/motopress_client.js';
import { CipherError, createCipher } from '../tenants/credential_cipher.js';
import { loadCredentials } from '../tenants/tenant_store.js';
import { EXIT_OK, EXIT_USAGE } from './exit_codes.js';
import { processLog } from './process_log.js';

/**
 * Starts a worker on `db` with what it needs to sync any tenant; shared by `worker` and `serve --schedule`.
 * @throws {CipherError} when MPHB_ENCRYPTION_KEY is missing or bad, or does not decrypt the stored credentials
 *   (checked on one of them before any job is taken)
 */
export async function startWorkerOn(db, { concurrency, settings, log }) {
  const cipher = await createCipher();
  // A well-formed but wrong key would fail every job it takes: refuse to start instead, on one stored credential.
  const [sample] = await db.query("select tenant_id from public.integration_configs where integration_type = 'motopress' and is_active limit 1");
  if (sample) await loadCredentials(db, cipher, sample.tenant_id);
  let core;
  return startFleetWorker({
    db,
    settings,
    concurrency,
    log,
    core: async () => (core ??= await loadCore()),
    clientFor: async (tenant, clientOptions) => createMotoPressClient({
      ...(await loadCredentials(db, cipher, tenant.tenant_id)), tenant: tenant.slug, ...clientOptions,
    }),
  });
}

/** @param {import('commander').Command} program */
export function registerWorkerCommand(program) {
  program.command('worker')
    .description('Run a fleet worker: enqueue due tenants and run their Sync All jobs, with any number of other workers.')
    .option('--concurrency <n>', 'jobs (tenant syncs) at once in this process', (v) => Number(v), 2)
    .addHelpText('after', `
Needs MPHB_ENCRYPTION_KEY; DATABASE_URL (else the embedded database, one process at a time).
Settings (environment, see docs/fleet.md): MPHB_FLEET_HOST_REQUESTS (requests in flight per MotoPress host, 4),
MPHB_FLEET_RETRY_LIMIT (4), MPHB_FLEET_RETRY_DELAY_SECONDS (30), MPHB_FLEET_HEARTBEAT_SECONDS (30), ...
SIGTERM/SIGINT: running syncs stop at their next page boundary and their tenants are due again at once; exit 0.
Exit 2: a bad setting or flag, or no encryption key.`)
    .action(async (opts) => {
      let settings;
      try {
        settings = workerSettings(opts.concurrency);
      } catch (error) {
        if (!(error instanceof FleetSettingsError)) throw error;
        process.stderr.write(`mphb-sync worker: ${error.message}\n`);
        process.exitCode = EXIT_USAGE;
        return;
      }
      const log = processLog({ name: 'mphb-sync-worker' });
      const db = await openDatabase({ poolSize: workerPoolSize(opts.concurrency) });
      let worker;
      try {
        worker = await startWorkerOn(db, { concurrency: opts.concurrency, settings, log });
      } catch (error) {
        await db.close();
        if (!(error instanceof CipherError)) throw error;
        process.stderr.write(`mphb-sync worker: ${error.message}\n`);
        process.exitCode = EXIT_USAGE;
        return;
      }
      await new Promise((resolve) => {
        const stop = (name) => () => {
          log.info({ signal: name }, 'stopping');
          resolve(undefined);
        };
        process.once('SIGTERM', stop('SIGTERM'));
        process.once('SIGINT', stop('SIGINT'));
      });
      await worker.stop();
      await db.close();
      process.exitCode = EXIT_OK;
    });
}
