// `mphb-sync serve [--port] [--schedule]`: the HTTP API and the staff page on Node; with --schedule the
// fleet worker runs in the same process (the embedded database's way of scheduled syncs: PGlite is one
// process's).
import { openDatabase } from '../db/database.js';
import { FleetSettingsError, workerSettings } from '../fleet/fleet_settings.js';
import { workerPoolSize } from '../fleet/fleet_worker.js';
import { startHttpServer } from '../http/node_server.js';
import { EXIT_USAGE } from './exit_codes.js';
import { processLog } from './process_log.js';
import { startWorkerOn } from './worker_command.js';

/** @param {import('commander').Command} program */
export function registerServeCommand(program) {
  program.command('serve')
    .description('Serve the HTTP API (Sync All over SSE, runs, health, fleet status) and the staff page; --schedule also runs the fleet worker.')
    .option('--port <port>', 'port (default: PORT or 8080)', (v) => Number(v))
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--schedule', 'also keep every scheduled tenant fresh in this process (a fleet worker: see `mphb-sync worker`)')
    .option('--concurrency <n>', 'with --schedule: tenant syncs at once', (v) => Number(v), 2)
    .addHelpText('after', '\nUses DATABASE_URL (else the embedded database), MPHB_ENCRYPTION_KEY, and MPHB_JWT_SECRET or MPHB_JWKS_URL to accept platform JWTs. Exit 2 when the port is in use, the key is missing, or a fleet setting is bad.')
    .action(async (opts) => {
      const port = opts.port ?? Number(process.env.PORT ?? 8080);
      let settings = null;
      if (opts.schedule) {
        try {
          settings = workerSettings(opts.concurrency);
        } catch (error) {
          if (!(error instanceof FleetSettingsError)) throw error;
          process.stderr.write(`mphb-sync serve: ${error.message}\n`);
          process.exitCode = EXIT_USAGE;
          return;
        }
      }
      const log = processLog({ name: 'mphb-sync-serve' });
      const db = await openDatabase(opts.schedule ? { poolSize: workerPoolSize(opts.concurrency) + 2 } : {});
      let server;
      let worker = null;
      try {
        server = await startHttpServer({ db, port, hostname: opts.host, log });
        if (settings) worker = await startWorkerOn(db, { concurrency: opts.concurrency, settings, log });
      } catch (error) {
        await server?.stop();
        await db.close();
        process.stderr.write(`mphb-sync serve: ${error.code === 'EADDRINUSE' ? `port ${port} is in use` : error.message}\n`);
        process.exitCode = EXIT_USAGE;
        return;
      }
      process.stdout.write(`mphb-sync serving on ${server.url} (staff page: ${server.url}/?tenant=<slug>)${worker ? `, keeping scheduled tenants fresh (worker ${worker.id})` : ''}\n`);
      const stop = async () => {
        await worker?.stop();
        await server.stop();
        await db.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
