// `mphb-sync repair --tenant … [--apply] [--json]`: the rows of the tenant's tables that break an invariant
// or disagree with MotoPress, re-read by id and rewritten through the core (host/sync/repair_runner.js).
// Without --apply a dry run: each row before → after, nothing written.
import { runRepair } from '../sync/repair_runner.js';
import { SyncError } from '../sync/sync_errors.js';
import { CipherError } from '../tenants/credential_cipher.js';
import { TenantError, resolveTenant } from '../tenants/tenant_store.js';
import { withContext } from './command_context.js';
import { EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE } from './exit_codes.js';
import { progressPrinter } from './sync_command.js';

const value = (v) => (v === undefined ? 'null' : JSON.stringify(v));

function describeRow(r) {
  const where = r.booking_id !== null
    ? `${r.table}${r.position !== null && r.position !== undefined ? ` #${r.position}` : ''}`
    : `${r.table} ${r.mphb_id}`;
  if (r.change === 'insert') return `    ${where}: (missing) → inserted ${value(r.after)}`;
  if (r.change === 'delete') return `    ${where}: ${value(r.before)} → deleted`;
  const columns = Object.keys(r.after).map((c) => `${c} ${value(r.before[c])} → ${value(r.after[c])}`);
  return `    ${where}: ${columns.join('; ')}`;
}

/** The report for people: each booking (and accommodation) with its reasons, then its rows before → after. */
export function formatRepair(report) {
  const lines = [];
  const dry = report.mode === 'dry_run';
  const c = report.counts;
  const head = `repair ${report.tenant.slug}${dry ? ' (dry run)' : ''}`;
  if (report.status === 'clean') {
    lines.push(`${head}: nothing to repair (${c.upstream_bookings} bookings compared with MotoPress; every invariant holds)`);
  } else {
    const what = `${c.bookings} bookings, ${c.types} accommodation types, ${c.units} accommodations: ${c.rows} rows`;
    lines.push(`${head}: ${dry ? `${what} to repair; nothing written` : `${what} repaired in one transaction (run ${report.run_id})`}`);
  }
  const rowsOf = (pred) => report.rows.filter(pred).map(describeRow);
  for (const a of report.accommodations) {
    lines.push(`  ${a.table} ${a.mphb_id} — ${a.reason.join(', ')}${a.action === 'deactivate' ? ' (gone upstream: marked inactive)' : ''}`);
    lines.push(...rowsOf((r) => r.booking_id === null && r.table === a.table && r.mphb_id === a.mphb_id));
  }
  const placeholders = rowsOf((r) => r.booking_id === null && r.reason.includes('placeholder'));
  if (placeholders.length > 0) lines.push('  units the bookings below need (MotoPress no longer has them):', ...placeholders);
  for (const b of report.bookings) {
    lines.push(`  booking ${b.booking_id} — ${b.reason.join(', ')}${b.action === 'mark_gone' ? ' (gone upstream: marked)' : ''}`);
    lines.push(...rowsOf((r) => r.booking_id === b.booking_id));
  }
  for (const u of report.unrepairable) {
    lines.push(`  cannot repair ${u.booking_id !== null ? `booking ${u.booking_id}` : `${u.table} ${u.mphb_id}`} — ${u.reason.join(', ')}: ${u.message}`);
  }
  for (const w of report.warnings) lines.push(`  warning: ${w.code}${w.path ? ` at ${w.path}` : ''}: ${w.message}`);
  if (dry && report.rows.length > 0) lines.push(`Run again with --apply to rewrite ${report.rows.length === 1 ? 'it' : 'them'} (one transaction, under the tenant's sync lock).`);
  return `${lines.join('\n')}\n`;
}

/** Exit code of a report: 0 nothing to repair or all repaired; 1 something to repair (dry run) or left unrepaired. */
export function repairExitCode(report) {
  return report.status === 'clean' || report.status === 'repaired' ? EXIT_OK : EXIT_PROBLEMS;
}

/**
 * @param {{tenant: string, apply?: boolean, json?: boolean}} opts
 * @returns {Promise<number>} 0 nothing to repair or repaired; 1 problems found (dry run) or the repair
 *   failed or left rows unrepaired; 2 unknown tenant or missing MPHB_ENCRYPTION_KEY
 */
export async function runRepairCommand(opts, io = process) {
  return withContext(async ({ db, core, clientFor }) => {
    let tenant;
    let client;
    try {
      tenant = await resolveTenant(db, opts.tenant);
      client = await clientFor(tenant);
    } catch (error) {
      if (error instanceof TenantError || error instanceof CipherError) {
        io.stderr.write(`mphb-sync repair: ${error.message}\n`);
        return EXIT_USAGE;
      }
      throw error;
    }
    const printer = progressPrinter(io.stderr);
    try {
      const report = await runRepair({ db, core: await core(), tenant, client, apply: Boolean(opts.apply), onEvent: (e) => printer.event(e) });
      printer.stop();
      io.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : formatRepair(report));
      return repairExitCode(report);
    } catch (error) {
      printer.stop();
      if (!(error instanceof SyncError)) throw error;
      if (opts.json) {
        io.stdout.write(`${JSON.stringify({ tenant: { tenant_id: tenant.tenant_id, slug: tenant.slug }, mode: opts.apply ? 'apply' : 'dry_run', status: 'failed', run_id: error.runId ?? null, code: error.code, message: error.message })}\n`);
      }
      io.stderr.write(`mphb-sync repair: ${error.code}: ${error.message}${opts.apply ? ' (nothing was written)' : ''}\n`);
      return EXIT_PROBLEMS;
    }
  });
}

/** @param {import('commander').Command} program */
export function registerRepairCommand(program) {
  program.command('repair')
    .description('Find the rows of a tenant that break an invariant (I1–I7) or disagree with MotoPress; with --apply, re-read them by id and rewrite them in one transaction.')
    .requiredOption('--tenant <tenant>', 'slug or UUID')
    .option('--apply', 'write the repair (default: a dry run that shows each row before → after and writes nothing)')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', `
Suspects: the bookings, accommodations and types the monitor's invariants name, every row whose content
hash or columns disagree with what MotoPress now gives, bookings MotoPress has that are missing here, and
bookings gone upstream but not marked. Each is fetched again by id and planned by the core; only rows
whose content changes are written, through the same writer as sync-all, under the tenant's sync lock.
An applied repair is recorded in sync_runs (kind "repair").

Needs MPHB_ENCRYPTION_KEY. Exit: 0 nothing to repair, or repaired; 1 something to repair (dry run), the
repair failed (nothing written) or some rows cannot be repaired; 2 unknown tenant or no key.`)
    .action(async (opts) => { process.exitCode = await runRepairCommand(opts); });
}
