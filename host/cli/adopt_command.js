// `mphb-sync adopt`: adopt a database the old sync wrote (docs/adopting.md). Dry run by default: every
// legacy row classified with the defect classes and what adoption will do with it. --apply adopts each
// tenant in one transaction; --emit-repoint-sql prints the SQL that re-points the platform's references.
import { openDatabase } from '../db/database.js';
import { AdoptionError, adoptTenant } from '../adoption/adoption_runner.js';
import { LegacyError, checkLegacySchema, readLegacyTenants } from '../adoption/legacy_reader.js';
import { buildRepointSql } from '../adoption/repoint_sql.js';
import { createCipher } from '../tenants/credential_cipher.js';
import { withContext } from './command_context.js';
import { EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE } from './exit_codes.js';

const CLASSES = ['null_unit', 'junction_missing', 'junction_partial', 'junction_duplicate', 'unit_is_type', 'auto_created_unit',
  'duplicate_rows', 'block_as_guest', 'stale_status', 'placeholder_phone', 'missing_booking', 'unknown_upstream'];
const WHAT = {
  adopted: 'adopted as its reservation, rooms from MotoPress',
  merged: 'merged: several legacy rows of one booking become its one reservation',
  calendar_block: 'becomes a calendar block (it was a block stored as a guest; it can no longer log in)',
  gone: 'no row: trashed or deleted upstream (the legacy row stays in the legacy schema)',
};

/** A tenant's report for people: classes with counts and sample bookings, outcomes, every row that becomes no row. */
export function formatAdoption(report) {
  const lines = [`${report.tenant.slug} (${report.tenant.tenant_id}): ${report.status} — ${report.message}`];
  if (report.classes) {
    lines.push('  defects:');
    for (const cls of CLASSES) {
      const c = report.classes[cls];
      if (!c?.count) continue;
      const what = cls === 'auto_created_unit' ? 'legacy unit rows' : cls === 'missing_booking' ? 'upstream bookings' : 'legacy rows';
      lines.push(`    ${cls.padEnd(18)} ${String(c.count).padStart(5)} ${what}${c.booking_ids.length ? `, e.g. bookings ${c.booking_ids.join(', ')}` : ''}`);
    }
    lines.push('  what adoption does:');
    for (const [outcome, n] of Object.entries(report.outcomes)) if (n) lines.push(`    ${String(n).padStart(5)} legacy row(s): ${WHAT[outcome]}`);
    if (report.missing_bookings.length) lines.push(`    ${String(report.missing_bookings.length).padStart(5)} bookings the old sync never wrote are fetched and written`);
    if (report.carry.length) lines.push(`    ${String(report.carry.length).padStart(5)} reservations get the platform's data (SIRE, notes) of their legacy rows`);
    for (const r of report.legacy_rows.filter((x) => x.outcome === 'gone')) {
      lines.push(`    gone: legacy ${r.legacy_id} (booking ${r.booking_id ?? '?'}, upstream ${r.upstream_status ?? 'unknown'})`);
    }
    for (const u of report.unplaced_platform_data) lines.push(`    platform data not placed: legacy ${u.legacy_id} (booking ${u.booking_id ?? '?'}): ${u.message}`);
    for (const w of report.warnings) lines.push(`    warning ${w.code}: ${w.message}`);
  }
  if (report.monitor) lines.push(`  monitor: ${report.monitor.ok ? 'all invariants hold' : `FAIL ${report.monitor.invariants.filter((i) => !i.ok).map((i) => i.name).join(', ')}`}`);
  return `${lines.join('\n')}\n`;
}

/**
 * @param {{legacyUrl?, legacySchema, tenant?: string[], all?, apply?, json?, emitRepointSql?, legacyKey?, allowInsecureHttp?, allowPrivateNetwork?}} opts
 * @returns {Promise<number>} 0 planned/adopted/already adopted; 1 a tenant could not be adopted; 2 bad usage
 */
export async function runAdoptCommand(opts, io = process, options = {}) {
  if (!opts.emitRepointSql && !opts.all && !(opts.tenant?.length)) {
    io.stderr.write('mphb-sync adopt: give --tenant SLUG… or --all (or --emit-repoint-sql)\n');
    return EXIT_USAGE;
  }
  return withContext(async ({ db, core }) => {
    const legacyUrl = opts.legacyUrl ?? process.env.DATABASE_URL;
    const sameDatabase = !opts.legacyUrl || opts.legacyUrl === process.env.DATABASE_URL;
    const legacyDb = sameDatabase ? db : await openDatabase({ url: legacyUrl, migrate: false });
    try {
      await checkLegacySchema(legacyDb, opts.legacySchema);
      if (opts.emitRepointSql) {
        if (!sameDatabase) {
          io.stderr.write('mphb-sync adopt --emit-repoint-sql: the legacy schema must be in the target database (the references are re-pointed there)\n');
          return EXIT_USAGE;
        }
        const { sql } = await buildRepointSql(db, { schema: opts.legacySchema });
        io.stdout.write(sql);
        return EXIT_OK;
      }
      const legacyTenants = await readLegacyTenants(legacyDb, opts.legacySchema);
      let chosen = legacyTenants;
      if (!opts.all) {
        const wanted = opts.tenant.map((t) => t.toLowerCase());
        const unknown = wanted.filter((w) => !legacyTenants.some((t) => t.slug === w || t.tenant_id === w));
        if (unknown.length > 0) {
          io.stderr.write(`mphb-sync adopt: no legacy tenant ${unknown.map((u) => `"${u}"`).join(', ')} in ${opts.legacySchema}.tenant_registry (known: ${legacyTenants.map((t) => t.slug).join(', ') || 'none'})\n`);
          return EXIT_USAGE;
        }
        chosen = legacyTenants.filter((t) => wanted.includes(t.slug) || wanted.includes(t.tenant_id));
      }
      const cipher = opts.apply ? await createCipher() : undefined;
      const reports = [];
      for (const legacyTenant of chosen) {
        const report = await adoptTenant({
          db, legacyDb, schema: opts.legacySchema, core: await core(), legacyTenant, apply: Boolean(opts.apply), cipher, legacyKey: opts.legacyKey,
          sitePolicy: { allowInsecureHttp: opts.allowInsecureHttp, allowPrivateNetwork: opts.allowPrivateNetwork },
          clientOptions: options.clientOptions,
        });
        reports.push(report);
        if (!opts.json) io.stdout.write(formatAdoption(report));
      }
      if (opts.json) io.stdout.write(`${JSON.stringify({ schema: opts.legacySchema, apply: Boolean(opts.apply), tenants: reports })}\n`);
      return reports.some((r) => ['failed', 'unreadable_credentials'].includes(r.status)) ? EXIT_PROBLEMS : EXIT_OK;
    } catch (error) {
      if (error instanceof LegacyError || error instanceof AdoptionError || error.code === 'missing_encryption_key' || error.code === 'bad_encryption_key') {
        io.stderr.write(`mphb-sync adopt: ${error.message}\n`);
        return EXIT_USAGE;
      }
      throw error;
    } finally {
      if (!sameDatabase) await legacyDb.close();
    }
  });
}

/** @param {import('commander').Command} program */
export function registerAdoptCommand(program) {
  program.command('adopt')
    .description('Adopt a database the old sync wrote: classify every legacy row (dry run), then --apply per tenant in one transaction.')
    .option('--legacy-url <url>', 'the database holding the legacy tables (default: DATABASE_URL, the target itself)')
    .option('--legacy-schema <schema>', 'the schema the old tables were moved into (docs/adopting.md step 1)', 'legacy')
    .option('--tenant <slug...>', 'legacy tenants to adopt, by slug (or subdomain) or tenant id')
    .option('--all', 'every legacy tenant')
    .option('--apply', 'adopt: tenant, credentials, a full Sync All, platform data and legacy_reservation_map, in one transaction per tenant')
    .option('--emit-repoint-sql', "print the SQL that re-points the platform's references (guest_conversations, chat_conversations, …) to the adopted rows")
    .option('--legacy-key <key>', 'the key encrypted legacy credentials were stored with')
    .option('--allow-insecure-http', 'accept a legacy plain-http site (requests are then OAuth 1.0a signed)')
    .option('--allow-private-network', 'accept a legacy site on a private address (local development)')
    .option('--json', 'print the reports as JSON')
    .addHelpText('after', '\nThe legacy tables are only ever read. Exit: 0 planned, adopted or already adopted; 1 a tenant could not be adopted (unreadable secret, MotoPress failure, rolled back); 2 usage (no --tenant/--all, unknown tenant, no legacy tables in the schema, missing MPHB_ENCRYPTION_KEY with --apply). See docs/adopting.md.')
    .action(async (opts) => { process.exitCode = await runAdoptCommand(opts); });
}
