// `mphb-sync fleet status [--json]`: the fleet at a glance (host/fleet/fleet_status.js);
// `mphb-sync fleet enqueue --job sync-all|repair --tenant T|--all`: jobs on request, for the workers.
import { fleetStatus } from '../fleet/fleet_status.js';
import { TenantError, listTenants, resolveTenant } from '../tenants/tenant_store.js';
import { withContext } from './command_context.js';
import { EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE } from './exit_codes.js';

const JOBS = { 'sync-all': 'sync_all', repair: 'repair' };

export function formatFleetStatus(s) {
  const lines = [];
  const q = s.queue;
  lines.push(s.queue_ready ? `queue: ${q.depth} queued (${q.retrying} retrying, ${q.deferred} not yet due), ${q.running} running, ${q.dead_letters} dead letters`
    : 'queue: not created yet (no worker has started)');
  const r = s.repair_queue;
  if (s.queue_ready && (r.depth || r.running || r.dead_letters)) lines.push(`repairs: ${r.depth} queued (${r.retrying} retrying), ${r.running} running, ${r.dead_letters} dead letters`);
  lines.push(`lag due → started, last hour: ${s.lag_seconds.samples ? `p50 ${s.lag_seconds.p50} s, p99 ${s.lag_seconds.p99} s (${s.lag_seconds.samples} jobs)` : 'no jobs started'}`);
  const t = s.totals;
  lines.push(`tenants: ${t.tenants} (${t.scheduled} scheduled, ${t.paused} paused), ${t.stale} stale, ${t.failing} with failures in 24 h, ${t.with_dead_letters} with dead letters`);
  for (const x of s.tenants) {
    const age = x.last_success_age_seconds === null ? 'never synced' : `last success ${x.last_success_age_seconds} s ago`;
    const flags = [x.stale ? 'STALE' : null, x.dead_letters ? `${x.dead_letters} dead letter(s)` : null, x.failures_24h ? `${x.failures_24h} failures/24h (last: ${x.last_error_code ?? 'none'})` : null].filter(Boolean);
    if (x.repair_state !== 'idle') flags.push(`repair ${x.repair_state}`);
    lines.push(`  ${x.slug.padEnd(20)} ${(x.enabled ? `every ${x.interval_seconds} s` : 'paused').padEnd(14)} ${x.state.padEnd(8)} ${age}${flags.length ? `; ${flags.join(', ')}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

/** @param {import('commander').Command} program */
export function registerFleetCommand(program) {
  const fleet = program.command('fleet').description('The scheduled fleet: queue, lag, failures and freshness of every tenant.');
  fleet.command('status')
    .description('Queue depth, running jobs, lag (due → started) p50/p99, failures and dead letters per tenant, last success age.')
    .option('--json', 'print JSON (the same document as GET /api/fleet/status)')
    .addHelpText('after', '\nDead letters count while newer than the tenant\'s last successful Sync All. Exit: 0 no tenant stale and no dead letters, 1 otherwise.')
    .action(async (opts) => {
      process.exitCode = await withContext(async ({ db, core }) => {
        const status = await fleetStatus(db, await core());
        process.stdout.write(opts.json ? `${JSON.stringify(status)}\n` : formatFleetStatus(status));
        return status.totals.stale === 0 && status.totals.with_dead_letters === 0 ? EXIT_OK : EXIT_PROBLEMS;
      });
    });
  fleet.command('enqueue')
    .description('Queue a job for the workers now: a Sync All, or an applied repair, of the tenants named.')
    .requiredOption('--job <job>', `one of ${Object.keys(JOBS).join(', ')}`)
    .option('--tenant <tenant>', 'slug or UUID (repeatable)', (v, prev = []) => [...prev, v])
    .option('--all', 'every tenant')
    .option('--json', 'print {job, added, already_queued, tenants}')
    .addHelpText('after', `
A tenant with a job of that kind already queued or running gets no second one. A repair is retried with
backoff while the tenant is syncing or its host backs off, and dead-lettered after the retry limit.
Workers take the jobs (mphb-sync worker); before the first worker started there is no queue: exit 1.
Exit: 0 queued (or already queued), 1 no queue yet, 2 bad job or unknown tenant.`)
    .action(async (opts) => {
      process.exitCode = await withContext(async ({ db }) => {
        const job = JOBS[opts.job];
        try {
          if (!job) throw new TenantError('usage', `--job must be one of ${Object.keys(JOBS).join(', ')}, not "${opts.job}"`);
          const refs = opts.tenant ?? [];
          if (Boolean(opts.all) === (refs.length > 0)) throw new TenantError('usage', 'give --tenant <tenant> (repeatable) or --all');
          const tenants = opts.all ? await listTenants(db) : await Promise.all(refs.map((ref) => resolveTenant(db, ref)));
          const [{ ready }] = await db.query("select to_regclass('pgboss.queue') is not null as ready");
          if (!ready) {
            process.stderr.write('mphb-sync fleet enqueue: no queue yet: start a worker first (mphb-sync worker), which creates it\n');
            return EXIT_PROBLEMS;
          }
          // One statement for all of them (--all over a fleet of thousands).
          const [{ added }] = await db.query(`select count(*) filter (where public.fleet_enqueue(i.id, now(), $2))::int as added
            from unnest(string_to_array($1::text, ',')::uuid[]) as i(id)`, [tenants.map((t) => t.tenant_id).join(','), job]);
          const result = { job: opts.job, added, already_queued: tenants.length - added, tenants: tenants.map((t) => t.slug) };
          process.stdout.write(opts.json ? `${JSON.stringify(result)}\n` : `${opts.job}: ${added} queued, ${result.already_queued} already queued or running\n`);
          return EXIT_OK;
        } catch (error) {
          if (!(error instanceof TenantError)) throw error;
          process.stderr.write(`mphb-sync fleet enqueue: ${error.message}\n`);
          return EXIT_USAGE;
        }
      });
    });
}
