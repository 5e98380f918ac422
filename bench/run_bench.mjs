#!/usr/bin/env node
// `npm run bench`: the SPEC §6 budgets B1–B5, issue #12's P1 and issue #14's F1, each figure a ratio
// taken within this one run (the same machine, simulator and database for both sides of every ratio),
// printed with its budget and pass/fail, or as one JSON document with --json. See docs/benchmarks.md. A
// benchmark, never a timed test.
//
// Processes: the simulator runs in its own process, every sync in a fresh child (its peak RSS is its
// own), PostgreSQL is a throwaway cluster (or MPHB_BENCH_DATABASE_URL) with a fresh database per
// scenario, and this process only orchestrates and runs the delay proxy — except P1, which runs both of
// its sides here (the Node dry run, and the server the browser previews through) against in-memory PGlite.
// F1's fleet of small hotels is a simulator process of its own (a server per hotel) and its workers are
// `mphb-sync worker` processes (fleet_runs.mjs).
import { openBenchPostgres } from './bench_postgres.mjs';
import { HELP, UsageError, parseBenchOptions } from './bench_options.mjs';
import { formatReport } from './bench_report.mjs';
import { BUDGETS } from './budgets.mjs';
import { coreSpeedFigures, fetchBookingPages } from './core_speed_budget.mjs';
import { startDelayProxy } from './delay_proxy.mjs';
import { endToEndFigures } from './end_to_end_budget.mjs';
import { runEndToEnd } from './end_to_end_runs.mjs';
import { fleetFigures } from './fleet_budget.mjs';
import { runFleet, stopFleetWorkers } from './fleet_runs.mjs';
import { startFleetSimulator } from './fleet_simulator.mjs';
import { createLoadWatch } from './machine_load.mjs';
import { memoryFigures } from './memory_budget.mjs';
import { noopResyncFigures } from './noop_resync_budget.mjs';
import { previewSpeedFigures } from './preview_speed.mjs';
import { measureRoundTripMs } from './round_trip_cost.mjs';
import { runAtScale } from './scale_runs.mjs';
import { scalingRows } from './scaling_table.mjs';
import { startSimulatorProcess } from './simulator_process.mjs';
import { wasmSizeFigures } from './wasm_size_budget.mjs';

let options;
try {
  options = parseBenchOptions(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`run_bench: ${error.message}\n\n${HELP}\n`);
  process.exit(2);
}
if (options.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}

const log = (line) => process.stderr.write(`bench: ${line}\n`);
const wants = (id) => options.only.includes(id);
const started = new Date();
const startedMs = performance.now();
const load = createLoadWatch();
load.sample('start');

// Everything started here is stopped in cleanup(), also on Ctrl-C.
let sim = null;
let fleetSim = null;
let pg = null;
let proxy = null;
async function cleanup() {
  await proxy?.stop().catch(() => {});
  await sim?.stop().catch(() => {});
  await stopFleetWorkers().catch(() => {});
  await fleetSim?.stop().catch(() => {});
  await pg?.stop().catch(() => {});
  proxy = sim = fleetSim = pg = null;
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => { cleanup().finally(() => process.exit(130)); });
}

const budgets = [];
let scaling = [];
let postgresInfo = null;
let fleetRun = null;

/** Runs one budget's measurement, recording how loaded the machine was while it ran. */
async function measure(id, fn) {
  log(`${id}: ${BUDGETS[id].title}`);
  const from = load.count();
  load.sample(`${id} start`);
  const figures = await fn();
  load.sample(`${id} end`);
  budgets.push({ id, title: BUDGETS[id].title, noisy: load.noisySince(from), figures });
}

try {
  // One simulator process serves every hotel the chosen budgets need; only the B1/B2 hotel is slow.
  const hotels = [];
  if (wants('B1') || wants('B2')) hotels.push(`e2e=large:${options.bookings}`);
  if (wants('B3')) hotels.push('pages=large:1000');
  if (wants('B4')) for (const size of options.sizes) hotels.push(`s${size}=large:${size}`);
  if (wants('P1')) hotels.push('preview=large:10000');
  if (hotels.length > 0) {
    log(`starting the simulator (${hotels.join(', ')}; generating the hotels takes a while)`);
    sim = await startSimulatorProcess({ hotels: hotels.join(','), faults: wants('B1') || wants('B2') ? `e2e:*:latency=${options.latencyMs}` : undefined });
  }
  const needPostgres = wants('B1') || wants('B2') || wants('F1') || (wants('B4') && options.databases.includes('postgres'));
  if (needPostgres) {
    pg = await openBenchPostgres();
    const target = new URL(pg.url);
    proxy = await startDelayProxy({ targetHost: target.hostname, targetPort: Number(target.port || 5432), delayMs: options.proxyDelayMs });
    const viaProxy = (url) => {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(proxy.port);
      return u.toString();
    };
    pg.viaProxy = viaProxy;
    const round = (x) => Number(x.toFixed(2));
    postgresInfo = { source: pg.source, round_trip_ms: { direct: round(await measureRoundTripMs(pg.url)), proxy: round(await measureRoundTripMs(viaProxy(pg.url))) } };
    log(`PostgreSQL: ${pg.source}; round trip ${postgresInfo.round_trip_ms.direct} ms direct, ${postgresInfo.round_trip_ms.proxy} ms via the proxy`);
  }

  // Cheap and CPU-bound first, while the machine is quietest.
  if (wants('B5')) await measure('B5', () => wasmSizeFigures({ runs: options.runs }));
  if (wants('B3')) await measure('B3', async () => coreSpeedFigures({ pages: await fetchBookingPages(sim.hotel('pages')), runs: options.runs }));
  if (wants('P1')) await measure('P1', () => previewSpeedFigures({ hotel: sim.hotel('preview'), runs: options.previewRuns, log }));

  if (wants('B1') || wants('B2')) {
    const routes = [
      { name: 'direct', url: await pg.freshDatabase('e2e_direct'), roundTripMs: postgresInfo.round_trip_ms.direct },
      { name: 'proxy', url: pg.viaProxy(await pg.freshDatabase('e2e_proxy')), roundTripMs: postgresInfo.round_trip_ms.proxy },
    ];
    const from = load.count();
    load.sample('B1/B2 start');
    log(`B1/B2: ${options.bookings} bookings, ${options.latencyMs} ms per request`);
    const runs = await runEndToEnd({ hotel: sim.hotel('e2e'), routes, include: { noop: wants('B2'), old: wants('B1') }, concurrency: options.concurrency, log });
    load.sample('B1/B2 end');
    const noisy = load.noisySince(from);
    const context = { latencyMs: options.latencyMs, concurrency: options.floorConcurrency, bookings: options.bookings };
    if (wants('B1')) budgets.push({ id: 'B1', title: BUDGETS.B1.title, noisy, figures: endToEndFigures(runs, context) });
    if (wants('B2')) budgets.push({ id: 'B2', title: BUDGETS.B2.title, noisy, figures: noopResyncFigures(runs, context) });
  }

  if (wants('B4')) {
    await measure('B4', async () => {
      const runs = await runAtScale({
        databases: options.databases, sizes: options.sizes, hotelFor: (size) => sim.hotel(`s${size}`), freshPostgres: (label) => pg.freshDatabase(label), log,
      });
      scaling = scalingRows(runs);
      return memoryFigures(runs, { databases: options.databases });
    });
  }

  // Last: the longest, and it loads every CPU. Its own simulator process (a server per hotel), started
  // only now; the other hotels' simulator is stopped first, so its memory is not in the machine's way.
  if (wants('F1')) {
    await sim?.stop();
    sim = null;
    const context = { tenants: options.fleetTenants, workers: options.fleetWorkers, concurrency: options.fleetConcurrency, latencyMs: options.fleetLatencyMs };
    await measure('F1', async () => {
      const baselineTenants = options.quick ? 5 : 10;
      log(`F1: ${options.fleetTenants} small hotels (+ ${baselineTenants} for the sync-all baseline), each its own host, ${options.fleetLatencyMs} ms a request`);
      let run;
      try {
        fleetSim = await startFleetSimulator({ hotels: options.fleetTenants + baselineTenants, latencyMs: options.fleetLatencyMs });
        log(`F1: fleet simulator up (${fleetSim.hosts} servers in ${fleetSim.startMs} ms)`);
        run = await runFleet({
          databaseUrl: await pg.freshDatabase('fleet'), fleet: fleetSim, tenants: options.fleetTenants, workers: options.fleetWorkers,
          concurrency: options.fleetConcurrency, baselineTenants, oneWorkerTenants: Math.ceil(options.fleetTenants / options.fleetWorkers),
          fastPollSeconds: 0.5, env: {}, log,
        });
      } catch (error) {
        log(`F1 failed: ${error.message}`);
        run = { error: error.message };
      } finally {
        await fleetSim?.stop().catch(() => {});
        fleetSim = null;
      }
      fleetRun = run;
      return fleetFigures(run, context);
    });
  }
} finally {
  await cleanup();
}

load.sample('end');
budgets.sort((a, b) => a.id.localeCompare(b.id));
const all = budgets.flatMap((b) => b.figures);
const judged = all.filter((f) => f.pass !== null);
const summary = {
  passed: judged.filter((f) => f.pass).length,
  failed: judged.filter((f) => !f.pass).length,
  not_available: judged.filter((f) => f.value === null).length,
  skipped: all.filter((f) => f.skipped).length,
};
const doc = {
  tool: 'mphb-sync bench',
  started_at: started.toISOString(),
  duration_ms: Math.round(performance.now() - startedMs),
  options: {
    only: options.only, quick: options.quick, sizes: options.sizes, bookings: options.bookings, latency_ms: options.latencyMs,
    concurrency: options.concurrency ?? `client default (${options.floorConcurrency})`, proxy_delay_ms: options.proxyDelayMs,
    databases: options.databases, runs: options.runs, preview_runs: options.previewRuns,
    fleet_tenants: options.fleetTenants, fleet_workers: options.fleetWorkers, fleet_concurrency: options.fleetConcurrency, fleet_latency_ms: options.fleetLatencyMs,
  },
  machine: load.summary(),
  postgres: postgresInfo,
  budgets,
  scaling,
  fleet: fleetRun,
  summary,
  pass: summary.failed === 0,
};
process.stdout.write(options.json ? `${JSON.stringify(doc, null, 2)}\n` : formatReport(doc));
process.exitCode = summary.failed === 0 ? 0 : 1;
