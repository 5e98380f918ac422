// The command line of `npm run bench` (node bench/run_bench.mjs [options]). Throws a UsageError on a bad
// flag; run_bench prints it with the help and exits 2.
export const HELP = `Usage: node bench/run_bench.mjs [options]     (npm run bench -- [options])

Measures the SPEC §6 budgets B1–B5 and issue #12's P1 as ratios within this one run and prints each
figure, its budget and pass/fail. Exit: 0 every judged budget met, 1 a budget failed or a figure was not
available, 2 bad options.

  --only B1,B3            budgets to run (default: all of B1,B2,B3,B4,B5,P1)
  --quick                 a fast smoke run: 1,000 bookings for B1/B2, sizes 100,1000, 5 samples
  --sizes 1000,10000      booking counts for B4 and the scaling table (default 1000,10000)
  --full-scale            add 100000 to the sizes (B4's budget is judged at 100,000 bookings; slow)
  --bookings 10000        bookings of the B1/B2 tenant (default 10000)
  --latency-ms 100        latency the simulator adds to each B1/B2 request (default 100)
  --concurrency N         MotoPress pages in flight (default: the client's default, 4)
  --proxy-delay-ms 1      delay the proxy adds each way in front of PostgreSQL (default 1, ~2 ms a round trip)
  --databases postgres,pglite   databases for B4 and the scaling table (default both)
  --runs 7                samples for B3 and B5 medians (at least 5); also P1's runs of each side when given
                          (P1 otherwise takes 3: each run is a whole 10,000-booking dry run)
  --json                  print one JSON document on stdout (progress still goes to stderr)
  -h, --help              this help

PostgreSQL: MPHB_BENCH_DATABASE_URL, else a throwaway PostgreSQL 15 cluster (postgresql-15 installed).
P1: /usr/bin/chromium (apt-get install -y chromium) and playwright-core (a dev dependency).`;

export class UsageError extends Error {}

const ALL = ['B1', 'B2', 'B3', 'B4', 'B5', 'P1'];
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
  // The floor needs the concurrency the client used: its default unless one was given.
  o.floorConcurrency = o.concurrency ?? CLIENT_DEFAULT_CONCURRENCY;
  return o;
}
