// `mphb-sync plan`: the offline dry run. MotoPress JSON exports in, the rows a sync would write out,
// no database. The core decides everything; this only reads files and prints.
import { loadCore } from '../../js/core.js';
import { formatPlanSummary } from '../report/plan_summary.js';
import { EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE } from './exit_codes.js';
import { InputFileError, readInputFiles } from './input_files.js';

export const DEMO_TENANT_ID = '6f1c2b7e-3f7c-4d8e-9a51-2b7d6c1e0a11';

// Errors about the command's own arguments, not about the data: exit 2.
const ARGUMENT_ERROR_PATHS = new Set(['tenant_id', 'now']);

/**
 * Runs the offline plan and prints it.
 * @param {{types?: string, units?: string, bookings?: string, tenantId: string, now: string, summary?: boolean}} options
 * @param {{stdout: {write(s: string): void}, stderr: {write(s: string): void}}} io
 * @returns {Promise<number>} exit code: 0 no errors, 1 the plan has errors, 2 unreadable file or bad flag
 */
export async function runPlan(options, io) {
  if (!options.types && !options.units && !options.bookings) {
    io.stderr.write('mphb-sync plan: give at least one of --types, --units, --bookings\n');
    return EXIT_USAGE;
  }
  let inputs;
  try {
    inputs = await readInputFiles({ '--types': options.types, '--units': options.units, '--bookings': options.bookings });
  } catch (error) {
    if (error instanceof InputFileError) {
      io.stderr.write(`mphb-sync plan: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
  const core = await loadCore();
  const planJson = core.planJson({
    tenantId: options.tenantId,
    now: options.now,
    accommodationTypes: inputs['--types'],
    accommodations: inputs['--units'],
    bookings: inputs['--bookings'],
  });
  const plan = JSON.parse(planJson);
  const argumentErrors = plan.errors.filter((e) => ARGUMENT_ERROR_PATHS.has(e.path));
  if (argumentErrors.length > 0) {
    for (const e of argumentErrors) io.stderr.write(`mphb-sync plan: --${e.path.replace('_', '-')}: ${e.message}\n`);
    return EXIT_USAGE;
  }
  io.stdout.write(options.summary ? formatPlanSummary(plan) : `${planJson}\n`);
  return plan.errors.length === 0 ? EXIT_OK : EXIT_PROBLEMS;
}

/** @param {import('commander').Command} program */
export function registerPlanCommand(program) {
  program
    .command('plan')
    .description('Offline dry run: map MotoPress JSON exports to the rows a sync would write (no database).')
    .option('--types <file>', 'accommodation types export (GET /accommodation_types): an array, or an array of pages')
    .option('--units <file>', 'accommodations export (GET /accommodations, the physical units)')
    .option('--bookings <file>', 'bookings export (GET /bookings)')
    .option('--tenant-id <uuid>', 'tenant UUID, the namespace of every row id', DEMO_TENANT_ID)
    .option('--now <iso-8601>', 'the time the plan is made at (default: the current time)')
    .option('--summary', 'print a readable summary instead of the JSON plan')
    .addHelpText('after', `
Output: one JSON object {accommodation_types, accommodation_units, reservations,
reservation_accommodations, calendar_blocks, warnings, errors}; errors and warnings carry a code and a
JSON path such as bookings[17].reserved_accommodations[0].accommodation.
Exit codes: 0 no errors, 1 the plan has errors, 2 unreadable file or bad flag.`)
    .action(async (opts) => {
      process.exitCode = await runPlan({ ...opts, now: opts.now ?? new Date().toISOString() }, process);
    });
}
