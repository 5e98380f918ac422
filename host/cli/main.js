#!/usr/bin/env node
// mphb-sync command line. Exit codes (SPEC §5): 0 ok, 1 problems found or sync failed, 2 usage or input error.
import { Command, CommanderError } from 'commander';

import { DataDirError } from '../db/data_dir.js';
import { SchemaConflictError } from '../db/schema_guard.js';
import { registerAdoptCommand } from './adopt_command.js';
import { registerDemoCommand } from './demo_command.js';
import { registerGuestCommand } from './guest_command.js';
import { registerPlanCommand } from './plan_command.js';
import { registerRepairCommand } from './repair_command.js';
import { registerRunsCommand } from './runs_command.js';
import { registerSimulatorCommand } from './simulator_command.js';
import { registerMonitorCommand } from './monitor_command.js';
import { registerSyncCommands } from './sync_command.js';
import { registerTenantCommand } from './tenant_command.js';
import { registerServeCommand } from './serve_command.js';
import { registerTokenCommand } from './token_command.js';
import { registerWorkerCommand } from './worker_command.js';
import { registerScheduleCommand } from './schedule_command.js';
import { registerFleetCommand } from './fleet_command.js';
import { EXIT_USAGE } from './exit_codes.js';

// Everything this process writes (the embedded database, the demo key) is its owner's alone.
process.umask(0o077);

const program = new Command();
program
  .name('mphb-sync')
  .description('Keep MotoPress Hotel Booking data in a multi-tenant Postgres: rooms always before reservations.')
  .version(JSON.parse(await (await import('node:fs/promises')).readFile(new URL('../../package.json', import.meta.url), 'utf8')).version)
  .showHelpAfterError()
  .exitOverride();

registerPlanCommand(program);
registerDemoCommand(program);
registerSimulatorCommand(program);
registerTenantCommand(program);
registerSyncCommands(program);
registerMonitorCommand(program);
registerRunsCommand(program);
registerServeCommand(program);
registerTokenCommand(program);
registerGuestCommand(program);
registerAdoptCommand(program);
registerRepairCommand(program);
registerScheduleCommand(program);
registerWorkerCommand(program);
registerFleetCommand(program);

// The last line of defence: a fault no command turned into a value (a database connection dying inside a
// driver callback) still ends as a named error and an exit code, never a stack trace or a hang.
const lastResort = (error) => {
  process.stderr.write(`mphb-sync: ${error?.code ? `${error.code}: ` : ''}${error?.message ?? error}\n`);
  process.exit(1);
};
process.on('uncaughtException', lastResort);
process.on('unhandledRejection', (e) => { if (process.env.MPHB_DEBUG_STACK) process.stderr.write(String(/** @type {any} */ (e)?.stack)); lastResort(e); });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end here with exit code 0; bad flags and arguments are usage errors.
    process.exitCode = error.exitCode === 0 ? 0 : EXIT_USAGE;
  } else {
    process.stderr.write(`mphb-sync: ${error.message}\n`);
    // Tables of another shape where ours belong (an older sync's): nothing was changed, exit 2.
    process.exitCode = error instanceof SchemaConflictError || error instanceof DataDirError ? EXIT_USAGE : 1;
  }
}
