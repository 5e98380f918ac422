// `mphb-sync monitor [--tenant …] [--json]`: invariants I1–I7 by name, per tenant, with counts and sample
// offending ids, plus the age of the last successful sync and stale scheduled tenants. Exit 1 when any
// invariant fails, a tenant is stale, or a tenant's fleet job failed for good (a dead letter).
import { checkInvariants } from '../monitor/invariant_checks.js';
import { TenantError, resolveTenant } from '../tenants/tenant_store.js';
import { withContext } from './command_context.js';
import { EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE } from './exit_codes.js';

export function formatMonitor(report) {
  const lines = [];
  for (const t of report.tenants) {
    const age = t.last_success_age_seconds === null ? 'never synced' : `last successful sync ${formatAge(t.last_success_age_seconds)} ago`;
    const held = t.invariants.every((i) => i.ok);
    const schedule = t.schedule ? `; ${t.schedule.enabled ? `every ${formatAge(t.schedule.interval_seconds)}` : 'schedule paused'}` : '';
    lines.push(`${t.slug} (${t.tenant_id}): ${held ? 'all invariants hold' : 'INVARIANTS FAIL'}; ${age}${schedule}${t.stale ? ' — STALE (older than 3× its interval)' : ''}${t.dead_letters ? ` — ${t.dead_letters} DEAD LETTER(S): a fleet job failed for good (mphb-sync fleet status)` : ''}`);
    for (const i of t.invariants) lines.push(`  ${i.ok ? 'ok  ' : 'FAIL'} ${i.name}${i.ok ? '' : `: ${i.count} rows, e.g. ${i.samples.join(', ')}`}`);
  }
  if (report.tenants.length === 0) lines.push('no tenants');
  return `${lines.join('\n')}\n`;
}

function formatAge(seconds) {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

/** @param {import('commander').Command} program */
export function registerMonitorCommand(program) {
  program.command('monitor')
    .description('Check invariants I1–I7 per tenant, the age of the last successful sync, and flag stale tenants (last success older than 3× their schedule\'s interval).')
    .option('--tenant <tenant>', 'slug or UUID (default: every tenant)')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', '\nExit: 0 every invariant holds, no tenant is stale and none has an unanswered dead letter; 1 otherwise; 2 unknown tenant.')
    .action(async (opts) => {
      process.exitCode = await withContext(async ({ db, core }) => {
        let tenantId = null;
        if (opts.tenant) {
          try {
            tenantId = (await resolveTenant(db, opts.tenant)).tenant_id;
          } catch (error) {
            if (!(error instanceof TenantError)) throw error;
            process.stderr.write(`mphb-sync monitor: ${error.message}\n`);
            return EXIT_USAGE;
          }
        }
        const report = await checkInvariants(db, tenantId, new Date(), await core());
        process.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : formatMonitor(report));
        return report.ok ? EXIT_OK : EXIT_PROBLEMS;
      });
    });
}
