// `mphb-sync sync-all --tenant …` and `mphb-sync sync --tenant …` (accommodations only), with a live
// progress bar per stage on a terminal, plain lines otherwise, and `--json` for a final summary.
import cliProgress from 'cli-progress';

import { runDryRun } from '../preview/dry_run.js';
import { formatPreviewSummary } from '../report/preview_summary.js';
import { runSync } from '../sync/sync_runner.js';
import { SyncError } from '../sync/sync_errors.js';
import { TenantError, resolveTenant } from '../tenants/tenant_store.js';
import { CipherError } from '../tenants/credential_cipher.js';
import { withContext } from './command_context.js';
import { EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE } from './exit_codes.js';

/** Prints progress events: a bar per stage on a TTY, one line per event otherwise. */
export function progressPrinter(stream = process.stderr) {
  if (!stream.isTTY) {
    return {
      event: (e) => stream.write(`[${e.stage}] ${e.type}${e.total ? ` ${e.current}/${e.total}` : ''}: ${e.message}\n`),
      stop: () => {},
    };
  }
  const bars = new cliProgress.MultiBar({ stream, format: '{stage} |{bar}| {value}/{total} {message}', hideCursor: true, clearOnComplete: false }, cliProgress.Presets.shades_classic);
  const byStage = new Map();
  return {
    event(e) {
      if (e.type === 'warning') {
        bars.log(`warning [${e.stage}] ${e.message}\n`);
        return;
      }
      if (e.type !== 'progress') return;
      let bar = byStage.get(e.stage);
      if (!bar) {
        bar = bars.create(Math.max(e.total, 1), 0, { stage: e.stage.padEnd(14), message: '' });
        byStage.set(e.stage, bar);
      }
      bar.setTotal(Math.max(e.total, 1));
      bar.update(e.total ? e.current : 0, { message: e.message });
    },
    stop: () => bars.stop(),
  };
}

/**
 * @param {{tenant: string, json?: boolean, concurrency?: number, full?: boolean, dryRun?: boolean}} opts  full: list
 *   every booking and reconcile, whatever the tenant's cursor (default: incremental when the cursor allows);
 *   dryRun: write nothing, print the diff of a full pass (exit 1 when the sync would fail)
 * @param {'sync-all'|'sync'} kind
 * @returns {Promise<number>} 0 synced; 1 the sync failed; 2 unknown tenant or missing MPHB_ENCRYPTION_KEY
 */
export async function runSyncCommand(opts, kind, io = process) {
  if (opts.dryRun && kind !== 'sync-all') {
    io.stderr.write(`mphb-sync ${kind}: --dry-run is for sync-all (it previews the whole sync)\n`);
    return EXIT_USAGE;
  }
  return withContext(async ({ db, core, clientFor }) => {
    let tenant;
    let client;
    try {
      tenant = await resolveTenant(db, opts.tenant);
      client = await clientFor(tenant, opts.concurrency ? { concurrency: opts.concurrency } : {});
    } catch (error) {
      if (error instanceof TenantError || error instanceof CipherError) {
        io.stderr.write(`mphb-sync ${kind}: ${error.message}\n`);
        return EXIT_USAGE;
      }
      // The database failed before the run began: still a value, on --json too.
      if (opts.json) io.stdout.write(`${JSON.stringify({ tenant: opts.tenant, kind, status: 'failed', run_id: null, code: 'database_error', message: error.message, counts: null })}\n`);
      io.stderr.write(`mphb-sync ${kind}: database_error: ${error.message}\n`);
      return EXIT_PROBLEMS;
    }
    // Progress goes to stderr (plain lines when not a terminal), so --json output on stdout stays clean.
    const printer = progressPrinter(io.stderr);
    if (opts.dryRun) return runDryRunCommand({ db, core: await core(), tenant, client, opts, io, printer });
    // SIGTERM / SIGINT: finish the current page, record the run as interrupted, release the lock, exit 1.
    const stop = new AbortController();
    const onSignal = (name) => () => stop.abort(`${name} was received`);
    /** @type {Array<['SIGTERM'|'SIGINT', () => void]>} */
    const handlers = [['SIGTERM', onSignal('SIGTERM')], ['SIGINT', onSignal('SIGINT')]];
    for (const [name, fn] of handlers) process.once(name, fn);
    try {
      const result = await runSync({ db, core: await core(), tenant, client, kind, pass: opts.full ? 'full' : 'auto', signal: stop.signal, onEvent: (e) => printer.event(e) });
      printer.stop();
      const summary = { tenant: tenant.slug, tenant_id: tenant.tenant_id, kind, status: result.status, run_id: result.runId, counts: result.counts, warnings: result.warnings.length, stats: result.stats };
      io.stdout.write(opts.json ? `${JSON.stringify(summary)}\n` : `${kind} ${tenant.slug}: ${formatCounts(result.counts, kind)}\n`);
      return EXIT_OK;
    } catch (caught) {
      printer.stop();
      const error = caught instanceof SyncError ? caught : new SyncError('database_error', `tenant ${tenant.slug}: ${caught.message}`, { cause: caught.code });
      if (opts.json) io.stdout.write(`${JSON.stringify({ tenant: tenant.slug, kind, status: 'failed', run_id: error.runId ?? null, code: error.code, message: error.message, counts: error.counts ?? null })}\n`);
      io.stderr.write(`mphb-sync ${kind}: ${error.code}: ${error.message}\n`);
      return EXIT_PROBLEMS;
    } finally {
      for (const [name, fn] of handlers) process.removeListener(name, fn);
    }
  });
}

// `sync-all --dry-run`: the diff (stdout: JSON with --json, else a summary); nothing is written.
async function runDryRunCommand({ db, core, tenant, client, opts, io, printer }) {
  try {
    const { diff, diffText } = await runDryRun({ db, core, tenant, client, onEvent: (e) => printer.event(e) });
    printer.stop();
    io.stdout.write(opts.json ? `${diffText}\n` : formatPreviewSummary(diff));
    return diff.errors.length === 0 ? EXIT_OK : EXIT_PROBLEMS;
  } catch (caught) {
    printer.stop();
    const error = caught instanceof SyncError ? caught : new SyncError('database_error', `tenant ${tenant.slug}: ${caught.message}`, { cause: caught.code });
    if (opts.json) io.stdout.write(`${JSON.stringify({ tenant: tenant.slug, kind: 'dry-run', status: 'failed', code: error.code, message: error.message, errors: error.details?.errors ?? [] })}\n`);
    io.stderr.write(`mphb-sync sync-all --dry-run: ${error.code}: ${error.message}\n`);
    return EXIT_PROBLEMS;
  }
}

export function formatCounts(c, kind = 'sync-all') {
  const acc = `types ${c.types_created}+ ${c.types_updated}~ ${c.types_unchanged}=, units ${c.units_created}+ ${c.units_updated}~ ${c.units_unchanged}=`;
  if (kind === 'sync') return acc;
  return `${acc}; ${c.pass ?? 'full'} pass: bookings ${c.created} new, ${c.updated} changed, ${c.unchanged} unchanged (${c.blocks} calendar blocks written, `
    + `${c.cancelled} cancelled), ${c.placeholders} placeholders, ${c.gone} gone upstream, ${c.warnings} warnings, ${c.requests} requests`;
}

/** @param {import('commander').Command} program */
export function registerSyncCommands(program) {
  for (const [name, kind, description] of /** @type {Array<['sync-all'|'sync', 'sync-all'|'sync', string]>} */ ([
    ['sync-all', 'sync-all', 'Sync a tenant: accommodations first, then reservations page by page, then reconcile.'],
    ['sync', 'sync', 'Sync a tenant\'s accommodation types and accommodations only.'],
  ])) {
    program.command(name)
      .description(description)
      .requiredOption('--tenant <tenant>', 'slug or UUID')
      .option('--concurrency <n>', 'MotoPress pages in flight at once (default 4)', (v) => Number(v))
      .option('--json', 'print a final machine-readable summary')
      .option('--full', kind === 'sync-all' ? 'list every booking and reconcile (default: only bookings modified since the last complete pass, when the site allows; a full pass every MPHB_FULL_PASS_EVERY-th run, default 24)' : 'no effect (accepted for scripts)')
      .option('--dry-run', kind === 'sync-all' ? 'write nothing: print what a full Sync All would do (per type, unit and booking: create, update with the changed fields, unchanged, cancel, block, gone, placeholder, rejected); --json prints the diff as the core writes it. Exit 1 when the sync would fail' : 'not available for sync; use sync-all --dry-run')
      .addHelpText('after', '\nNeeds MPHB_ENCRYPTION_KEY. SIGTERM/SIGINT finish the current page and record the run as interrupted. Exit: 0 synced, 1 the sync failed or was interrupted (code and message printed), 2 unknown tenant or no key.')
      .action(async (opts) => { process.exitCode = await runSyncCommand(opts, kind); });
  }
}
