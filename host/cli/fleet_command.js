// `mphb-sync fleet status [--json]`: the fleet at a glance (host/fleet/fleet_status.js).
import { fleetStatus } from '../fleet/fleet_status.js';
import { withContext } from './command_context.js';
import { EXIT_OK, EXIT_PROBLEMS } from './exit_codes.js';

export function formatFleetStatus(s) {
  const lines = [];
  const q = s.queue;
  lines.push(s.queue_ready ? `queue: ${q.depth} queued (${q.retrying} retrying, ${q.deferred} not yet due), ${q.running} running, ${q.dead_letters} dead letters`
    : 'queue: not created yet (no worker has started)');
  lines.push(`lag due → started, last hour: ${s.lag_seconds.samples ? `p50 ${s.lag_seconds.p50} s, p99 ${s.lag_seconds.p99} s (${s.lag_seconds.samples} jobs)` : 'no jobs started'}`);
  const t = s.totals;
  lines.push(`tenants: ${t.tenants} (${t.scheduled} scheduled, ${t.paused} paused), ${t.stale} stale, ${t.failing} with failures in 24 h, ${t.with_dead_letters} with dead letters`);
  for (const x of s.tenants) {
    const age = x.last_success_age_seconds === null ? 'never synced' : `last success ${x.last_success_age_seconds} s ago`;
    const flags = [x.stale ? 'STALE' : null, x.dead_letters ? `${x.dead_letters} dead letter(s)` : null, x.failures_24h ? `${x.failures_24h} failures/24h (last: ${x.last_error_code ?? 'none'})` : null].filter(Boolean);
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
    .addHelpText('after', '\nExit: 0 no tenant stale and no dead letters, 1 otherwise.')
    .action(async (opts) => {
      process.exitCode = await withContext(async ({ db, core }) => {
        const status = await fleetStatus(db, await core());
        process.stdout.write(opts.json ? `${JSON.stringify(status)}\n` : formatFleetStatus(status));
        return status.totals.stale === 0 && status.queue.dead_letters === 0 ? EXIT_OK : EXIT_PROBLEMS;
      });
    });
}
