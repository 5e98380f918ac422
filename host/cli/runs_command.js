// `mphb-sync runs --tenant … [--limit N] [--json]`: a tenant's recent runs, newest first — status, the
// pass (full or incremental), what was written, requests and bytes, and the time of each stage.
import { recentRuns } from '../sync/run_history.js';
import { TenantError, resolveTenant } from '../tenants/tenant_store.js';
import { withContext } from './command_context.js';
import { EXIT_OK, EXIT_USAGE } from './exit_codes.js';

const STAGE_ORDER = ['accommodations', 'reservations', 'reconcile'];

export function formatRuns(runs) {
  if (runs.length === 0) return 'no runs\n';
  const lines = [];
  for (const r of runs) {
    const c = r.counts ?? {};
    const s = r.stats ?? {};
    const head = `${new Date(r.started_at).toISOString()} ${r.kind}${c.pass ? ` (${c.pass})` : ''} ${r.status}${r.error_code ? ` ${r.error_code}` : ''}`;
    const written = r.kind === 'sync-all' ? `; bookings ${c.created ?? 0} new, ${c.updated ?? 0} changed, ${c.unchanged ?? 0} unchanged, ${c.gone ?? 0} gone` : '';
    // In the order they run (jsonb does not keep the order keys were written in).
    const stages = STAGE_ORDER.filter((name) => s.stages?.[name])
      .map((name) => `${name} ${s.stages[name].ms} ms/${s.stages[name].requests} req/${formatBytes(s.stages[name].bytes)}`).join(', ');
    lines.push(`${head}${written}; ${c.requests ?? 0} requests${s.total_ms !== undefined ? `, ${s.total_ms} ms` : ''}${stages ? ` [${stages}]` : ''}`);
    if (r.error_message) lines.push(`  ${r.error_message}`);
  }
  return `${lines.join('\n')}\n`;
}

function formatBytes(n = 0) {
  return n >= 1_048_576 ? `${(n / 1_048_576).toFixed(1)} MB` : n >= 1024 ? `${Math.round(n / 1024)} KB` : `${n} B`;
}

/** @param {import('commander').Command} program */
export function registerRunsCommand(program) {
  program.command('runs')
    .description('A tenant\'s recent runs: status, pass, counts, requests, bytes and per-stage times.')
    .requiredOption('--tenant <tenant>', 'slug or UUID')
    .option('--limit <n>', 'how many runs, 1–200 (default 20)', '20')
    .option('--json', 'print {tenant, runs} as JSON (the shape of GET …/runs)')
    .addHelpText('after', '\nExit: 0 listed, 2 unknown tenant or a bad --limit.')
    .action(async (opts) => {
      const limit = Number(opts.limit);
      if (!/^\d{1,3}$/.test(String(opts.limit)) || limit < 1 || limit > 200) {
        process.stderr.write('mphb-sync runs: --limit must be a whole number from 1 to 200\n');
        process.exitCode = EXIT_USAGE;
        return;
      }
      process.exitCode = await withContext(async ({ db }) => {
        let tenant;
        try {
          tenant = await resolveTenant(db, opts.tenant);
        } catch (error) {
          if (!(error instanceof TenantError)) throw error;
          process.stderr.write(`mphb-sync runs: ${error.message}\n`);
          return EXIT_USAGE;
        }
        const runs = await recentRuns(db, tenant.tenant_id, limit);
        process.stdout.write(opts.json ? `${JSON.stringify({ tenant: { tenant_id: tenant.tenant_id, slug: tenant.slug }, runs })}\n` : formatRuns(runs));
        return EXIT_OK;
      });
    });
}
