// `mphb-sync demo`: what `npm start` runs. For now the offline plan of the bundled example hotel (no
// database yet): the rows a sync would write, as a readable summary.
import { fileURLToPath } from 'node:url';

import { DEMO_TENANT_ID, runPlan } from './plan_command.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/seaside-hotel/', import.meta.url));

/** @param {import('commander').Command} program */
export function registerDemoCommand(program) {
  program
    .command('demo')
    .description('Plan the bundled example hotel (examples/seaside-hotel) and print what a sync would write.')
    .option('--now <iso-8601>', 'the time the plan is made at (default: the current time)')
    .action(async (opts) => {
      process.stdout.write(`mphb-sync demo — offline plan of ${EXAMPLE}\n\n`);
      process.exitCode = await runPlan({
        types: `${EXAMPLE}accommodation_types.json`,
        units: `${EXAMPLE}accommodations.json`,
        bookings: `${EXAMPLE}bookings.json`,
        tenantId: DEMO_TENANT_ID,
        now: opts.now ?? new Date().toISOString(),
        summary: true,
      }, process);
    });
}
