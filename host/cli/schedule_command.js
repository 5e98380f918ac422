// `mphb-sync schedule set|list|pause|resume`: per-tenant fleet schedules (host/fleet/schedule_store.js).
import { listSchedules, parseInterval, parseQuietWindow, ScheduleError, setSchedules } from '../fleet/schedule_store.js';
import { TenantError, listTenants, resolveTenant } from '../tenants/tenant_store.js';
import { withContext } from './command_context.js';
import { EXIT_OK, EXIT_USAGE } from './exit_codes.js';

// The tenants a command names: --tenant (repeatable) or --all, exactly one of the two.
async function chosenTenants(db, opts) {
  const refs = opts.tenant ?? [];
  if (opts.all && refs.length > 0) throw new ScheduleError('usage', 'give --tenant or --all, not both');
  if (!opts.all && refs.length === 0) throw new ScheduleError('usage', 'give --tenant <tenant> (repeatable) or --all');
  // --all: every tenant with a MotoPress integration (there is nothing to sync for the others).
  if (opts.all) return (await listTenants(db)).filter((t) => t.site_url).map((t) => t.tenant_id);
  const ids = [];
  for (const ref of refs) ids.push((await resolveTenant(db, ref)).tenant_id);
  return ids;
}

function formatSchedules(rows) {
  if (rows.length === 0) return 'no schedules\n';
  return `${rows.map((r) => [
    r.slug.padEnd(20), r.enabled ? 'enabled' : 'paused ', `every ${formatSeconds(r.interval_seconds)}`.padEnd(12),
    r.quiet_window ? `quiet ${r.quiet_window} ${r.quiet_tz}${r.in_quiet_window ? ' (now)' : ''}` : 'no quiet window',
    `next due ${r.next_due_at}`,
  ].join('  ')).join('\n')}\n`;
}

function formatSeconds(s) {
  if (s % 86_400 === 0) return `${s / 86_400}d`;
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}

const collect = (value, previous = []) => [...previous, value];

// Runs one schedule change, printing the schedules it leaves; usage and tenant errors exit 2.
function action(name, changeFrom) {
  return async (opts) => {
    process.exitCode = await withContext(async ({ db }) => {
      try {
        const change = changeFrom(opts);
        const ids = await chosenTenants(db, opts);
        await setSchedules(db, ids, change);
        const rows = (await listSchedules(db)).filter((r) => ids.includes(r.tenant_id));
        process.stdout.write(opts.json ? `${JSON.stringify(rows)}\n` : formatSchedules(rows));
        return EXIT_OK;
      } catch (error) {
        if (!(error instanceof ScheduleError) && !(error instanceof TenantError)) throw error;
        process.stderr.write(`mphb-sync schedule ${name}: ${error.message}\n`);
        return EXIT_USAGE;
      }
    });
  };
}

/** @param {import('commander').Command} program */
export function registerScheduleCommand(program) {
  const schedule = program.command('schedule').description('Per-tenant fleet schedules: how often workers sync each tenant, and when not.');
  const target = (cmd) => cmd
    .option('--tenant <tenant>', 'slug or UUID (repeatable)', collect)
    .option('--all', 'every tenant')
    .option('--json', 'print the resulting schedules as JSON');
  target(schedule.command('set').description('Set the interval and/or quiet window (a tenant without a schedule gets one).'))
    .option('--every <duration>', 'interval: 900, 90s, 15m, 1h, 1d (5s to 7d; default of a new schedule: 15m)')
    .option('--quiet <window>', 'no syncs started in this local-time window, HH:MM-HH:MM (may wrap midnight)')
    .option('--no-quiet', 'remove the quiet window')
    .option('--tz <zone>', 'time zone of the quiet window (e.g. Europe/Berlin; default UTC)')
    .addHelpText('after', '\nA new interval gives each tenant a phase within it (from its id), so tenants do not all start at once.\nExit 2: unknown tenant or a bad value (named).')
    .action(action('set', (opts) => {
      const change = {};
      if (opts.every !== undefined) change.intervalSeconds = parseInterval(opts.every);
      if (opts.quiet === false) change.quiet = null;
      else if (opts.quiet !== undefined && opts.quiet !== true) change.quiet = parseQuietWindow(opts.quiet);
      if (opts.tz !== undefined) change.quietTz = opts.tz;
      if (Object.keys(change).length === 0) throw new ScheduleError('usage', 'nothing to set: give --every, --quiet, --no-quiet or --tz');
      return change;
    }));
  target(schedule.command('pause').description('Stop enqueuing the tenants (a queued job is skipped; a running sync finishes).'))
    .action(action('pause', () => ({ enabled: false })));
  target(schedule.command('resume').description('Enqueue the tenants again; one that is overdue is synced at the next scheduler step.'))
    .action(action('resume', () => ({ enabled: true })));
  schedule.command('list')
    .description('List schedules: interval, paused or not, quiet window, next due time.')
    .option('--tenant <tenant>', 'slug or UUID (default: every tenant)')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      process.exitCode = await withContext(async ({ db }) => {
        let tenantId = null;
        try {
          if (opts.tenant) tenantId = (await resolveTenant(db, opts.tenant)).tenant_id;
        } catch (error) {
          if (!(error instanceof TenantError)) throw error;
          process.stderr.write(`mphb-sync schedule list: ${error.message}\n`);
          return EXIT_USAGE;
        }
        const rows = await listSchedules(db, tenantId);
        process.stdout.write(opts.json ? `${JSON.stringify(rows)}\n` : formatSchedules(rows));
        return EXIT_OK;
      });
    });
}
