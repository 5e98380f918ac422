// The command line of `npm run bench` (node bench/run_bench.mjs [options]). Throws a UsageError on a bad
// flag; run_bench prints it with the help and exits 2.
export const HELP = `Usage: node bench/run_bench.mjs [options]     (npm run bench -- [options])

Measures the SPEC §6 budgets B1–B5, issue #12's P1 and issue #14's F1 (fleet sync) within this one run
and prints each figure, its budget and pass/fail. Exit: 0 every judged budget met, 1 a budget failed or a
figure was not available, 2 bad options.

  --only B1,B3            budgets to run (default: all of B1,B2,B3,B4,B5,P1,F1)
  --quick                 a fast smoke run: 1,000 bookings for B1/B2, sizes 100,1000, 5 samples, 100 F1 tenants
  --sizes 1000,10000      booking counts for B4 and the scaling table (default 1000,10000)
  --full-scale            add 100000 to the sizes (B4's budget is judged at 100,000 bookings; slow)
  --bookings 10000        bookings of the B1/B2 tenant (default 10000)
  --latency-ms 100        latency the simulator adds to each B1/B2 request (default 100)
  --concurrency N         MotoPress pages in flight (default: the client's default, 4)
  --proxy-delay-ms 1      delay the proxy adds each way in front of PostgreSQL (default 1, ~2 ms a round trip)
  --databases postgres,pglite   databases for B4 and the scaling table (default both)
  --runs 7                samples for B3 and B5 medians (at least 5); also P1's runs of each side when given
                          (P1 otherwise takes 3: each run is a whole 10,000-booking dry run)
  --fleet-tenants 1000    F1: simulated small hotels, each its own host (default 1000; --quick 100)
  --fleet-workers 4       F1: \`mphb-sync worker\` processes (default 4)
  --fleet-concurrency 8   F1: jobs at once per worker, its --concurrency (default 8)
  --fleet-latency-ms 20   F1: latency of every MotoPress request (default 20)
  --json                  print one JSON document on stdout (progress still goes to stderr)
  -h, --help              this help

PostgreSQL: MPHB_BENCH_DATABASE_URL, else a throwaway PostgreSQL 15 cluster (postgresql-15 installed).
P1: /usr/bin/chromium (apt-get install -y chromium) and playwright-core (a dev dependency).
F1: PostgreSQL (as above); its workers are \`mphb-sync worker\` processes, with this shell's MPHB_FLEET_* settings.`;

export class UsageError extends Error {}

const ALL = ['B1', 'B2', 'B3', 'B4', 'B5', 'P1', 'F1'];
// P1's runs of each side unless --runs is given: each is a whole dry run of 10,000 bookings, and the
// median of 3 already sets aside one cold or disturbed run.
const PREVIEW_RUNS = 3;
const CLIENT_DEFAULT_CONCURRENCY = 4;

function intList(flag, text, min) {
  const list = String(text ?? '').split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < min)) throw new UsageError(`${flag} takes integers ≥ ${min}, comma-separated`);
  return list;
}

function int(flag, text, min) {
  return intList(flag, text, min)[0];
}

export function parseBenchOptions(argv) {
  const o = {
    only: ALL, quick: false, sizes: null, fullScale: false, bookings: null, latencyMs: 100, concurrency: null,
    proxyDelayMs: 1, databases: ['postgres', 'pglite'], runs: null, json: false, help: false,
    fleetTenants: null, fleetWorkers: 4, fleetConcurrency: 8, fleetLatencyMs: 20,
  };
  const rest = [...argv];
  const value = (flag) => {
    if (rest.length === 0 || rest[0].startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return rest.shift();
  };
  while (rest.length > 0) {
    let arg = rest.shift();
    if (arg.includes('=') && arg.startsWith('--')) {
      const [flag, v] = arg.split(/=(.*)/s);
      rest.unshift(v);
      arg = flag;
    }
    switch (arg) {
      case '--only': {
        const list = value(arg).split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
        const bad = list.filter((b) => !ALL.includes(b));
        if (list.length === 0 || bad.length) throw new UsageError(`--only takes budgets among ${ALL.join(',')}${bad.length ? `, not ${bad.join(',')}` : ''}`);
        o.only = ALL.filter((b) => list.includes(b));
        break;
      }
      case '--quick': o.quick = true; break;
      case '--sizes': o.sizes = intList(arg, value(arg), 1); break;
      case '--full-scale': o.fullScale = true; break;
      case '--bookings': o.bookings = int(arg, value(arg), 1); break;
      case '--latency-ms': o.latencyMs = int(arg, value(arg), 1); break;
      case '--concurrency': o.concurrency = int(arg, value(arg), 1); break;
      case '--proxy-delay-ms': o.proxyDelayMs = int(arg, value(arg), 0); break;
      case '--databases': {
        const list = value(arg).split(',').map((s) => s.trim()).filter(Boolean);
        if (list.length === 0 || list.some((d) => d !== 'postgres' && d !== 'pglite')) throw new UsageError('--databases takes postgres and/or pglite');
        o.databases = [...new Set(list)];
        break;
      }
      case '--runs': o.runs = int(arg, value(arg), 5); break;
      case '--fleet-tenants': o.fleetTenants = int(arg, value(arg), 1); break;
      case '--fleet-workers': o.fleetWorkers = int(arg, value(arg), 1); break;
      case '--fleet-concurrency': o.fleetConcurrency = int(arg, value(arg), 1); break;
      case '--fleet-latency-ms': o.fleetLatencyMs = int(arg, value(arg), 0); break;
      case '--json': o.json = true; break;
      case '-h': case '--help': o.help = true; break;
      default: throw new UsageError(`unknown option ${arg}`);
    }
  }
  o.sizes ??= o.quick ? [100, 1000] : [1000, 10000];
  if (o.fullScale && !o.sizes.includes(100000)) o.sizes.push(100000);
  o.sizes = [...new Set(o.sizes)].sort((a, b) => a - b);
  o.bookings ??= o.quick ? 1000 : 10000;
  o.previewRuns = o.runs ?? PREVIEW_RUNS;
  o.runs ??= o.quick ? 5 : 7;
  o.fleetTenants ??= o.quick ? 100 : 1000;
  if (o.fleetConcurrency > 64) throw new UsageError('--fleet-concurrency takes an integer from 1 to 64 (what `mphb-sync worker --concurrency` allows)');
  // The floor needs the concurrency the client used: its default unless one was given.
  o.floorConcurrency = o.concurrency ?? CLIENT_DEFAULT_CONCURRENCY;
  return o;
}
