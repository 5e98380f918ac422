// `mphb-sync simulator`: the MotoPress Hotel Booking stand-in, on 127.0.0.1, until interrupted.
import { startSimulator } from '../simulator/simulator_server.js';
import { EXIT_USAGE } from './exit_codes.js';

function integer(name, min) {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}`);
    return n;
  };
}

/** @param {import('commander').Command} program */
export function registerSimulatorCommand(program) {
  program
    .command('simulator')
    .description('Serve simulated MotoPress hotels (WordPress REST API, auth, paging, faults) on 127.0.0.1.')
    .option('--port <port>', 'port to listen on (0: any free port)', integer('--port', 0), 8787)
    .option('--seed <n>', 'data seed: the same seed serves byte-identical data', integer('--seed', 0), 1)
    .option('--hotels <list>', 'profiles to serve: indo, simmerdown, testhotel, airbnb-heavy, large[:N]; name=profile to rename', 'indo,simmerdown,testhotel')
    .option('--latency-ms <ms>', 'latency added to every API request', integer('--latency-ms', 0), 0)
    .option('--faults <spec>', 'faults on demand, e.g. "simmerdown:bookings:status=503@2,indo:*:latency=200" (see docs/simulator.md)')
    .option('--tls', 'serve HTTPS with a self-signed certificate (Basic auth then works)')
    .option('--ca-file <file>', 'with --tls: write the certificate here, for NODE_EXTRA_CA_CERTS', 'simulator-ca.pem')
    .option('--json', 'print the hotels and their keys as one JSON object')
    .addHelpText('after', `
Each hotel is its own site: {url}/{hotel}/wp-json/mphb/v1/{accommodation_types|accommodations|bookings|rates}.
Over plain HTTP the hotels require OAuth 1.0a (as the real plugin); over --tls, Basic or OAuth.
Control API (not under wp-json): GET /_control/hotels, GET /_control/stats, PUT /_control/faults, …
Exit codes: 0 after Ctrl-C, 2 for bad flags or a port in use.`)
    .action(async (opts) => {
      let sim;
      try {
        sim = await startSimulator({
          port: opts.port, seed: opts.seed, hotels: opts.hotels, latencyMs: opts.latencyMs, faults: opts.faults,
          tls: Boolean(opts.tls), caFile: opts.tls ? opts.caFile : undefined,
        });
      } catch (error) {
        process.stderr.write(`mphb-sync simulator: ${error.code === 'EADDRINUSE' ? `port ${opts.port} is in use` : error.message}\n`);
        process.exitCode = EXIT_USAGE;
        return;
      }
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ url: sim.url, scheme: sim.scheme, seed: opts.seed, caFile: opts.tls ? opts.caFile : null, hotels: sim.hotels })}\n`);
      } else {
        process.stdout.write(`MotoPress simulator on ${sim.url} (seed ${opts.seed}${opts.tls ? `, TLS: trust ${opts.caFile} via NODE_EXTRA_CA_CERTS` : ', plain HTTP: sign with OAuth 1.0a'})\n`);
        for (const h of sim.hotels) {
          process.stdout.write(`\n  ${h.name} (${h.profile}): ${h.siteUrl}\n`
            + `    ${h.counts.accommodation_types} types, ${h.counts.accommodations} units, ${h.counts.bookings} bookings\n`
            + `    read/write key: ${h.keys.readWrite.key}  secret: ${h.keys.readWrite.secret}\n`
            + `    read-only key:  ${h.keys.read.key}  secret: ${h.keys.read.secret}\n`);
        }
        process.stdout.write('\nCtrl-C to stop.\n');
      }
      const stop = async () => {
        await sim.stop();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
