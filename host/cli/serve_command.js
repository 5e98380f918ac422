// `mphb-sync serve [--port]`: the HTTP API and the staff page on Node.
import { openDatabase } from '../db/database.js';
import { startHttpServer } from '../http/node_server.js';
import { EXIT_USAGE } from './exit_codes.js';

/** @param {import('commander').Command} program */
export function registerServeCommand(program) {
  program.command('serve')
    .description('Serve the HTTP API (Sync All over SSE, runs, health) and the staff page.')
    .option('--port <port>', 'port (default: PORT or 8080)', (v) => Number(v))
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .addHelpText('after', '\nUses DATABASE_URL (else the embedded database), MPHB_ENCRYPTION_KEY, and MPHB_JWT_SECRET or MPHB_JWKS_URL to accept platform JWTs. Exit 2 when the port is in use or the key is missing.')
    .action(async (opts) => {
      const port = opts.port ?? Number(process.env.PORT ?? 8080);
      const db = await openDatabase();
      let server;
      try {
        const log = { info: (o, m) => process.stderr.write(`${JSON.stringify({ level: 'info', msg: m, ...o })}\n`), warn: (o, m) => process.stderr.write(`${JSON.stringify({ level: 'warn', msg: m, ...o })}\n`), error: (o, m) => process.stderr.write(`${JSON.stringify({ level: 'error', msg: m, ...o })}\n`) };
        server = await startHttpServer({ db, port, hostname: opts.host, log });
      } catch (error) {
        await db.close();
        process.stderr.write(`mphb-sync serve: ${error.code === 'EADDRINUSE' ? `port ${port} is in use` : error.message}\n`);
        process.exitCode = EXIT_USAGE;
        return;
      }
      process.stdout.write(`mphb-sync serving on ${server.url} (staff page: ${server.url}/?tenant=<slug>)\n`);
      const stop = async () => {
        await server.stop();
        await db.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
