#!/usr/bin/env node
// Runs the native suite (ctest) then the JS suite (jest, through the real WASM build), each printing
// its own summary, then one combined line "tests: N passed, N failed[, N skipped]". Exit non-zero if
// either runner fails. Extra arguments go to jest (e.g. a test path).
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { postgresAvailable, startThrowawayPostgres } from './throwaway_postgres.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// Streams a child's output through while keeping its stdout for parsing.
function run(command, args, env = process.env) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => { out += chunk; process.stdout.write(chunk); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

const ctest = await run('ctest', ['--test-dir', 'build/native', '--output-on-failure']);
const ctestCounts = /(\d+)% tests passed, (\d+) tests failed out of (\d+)/.exec(ctest.out);
const nativeTotal = ctestCounts ? Number(ctestCounts[3]) : 0;
const nativeFailed = ctestCounts ? Number(ctestCounts[2]) : 1;
const nativeSkipped = (ctest.out.match(/\*\*\*Skipped|Not Run/g) ?? []).length;

// The database suites run against PGlite and a real PostgreSQL 15: start a throwaway cluster unless
// one was given.
let cluster = null;
if (!process.env.MPHB_TEST_DATABASE_URL && postgresAvailable()) {
  cluster = await startThrowawayPostgres();
  process.stdout.write(`PostgreSQL 15 test cluster: ${cluster.url}\n`);
}
const testDatabaseUrl = process.env.MPHB_TEST_DATABASE_URL ?? cluster?.url;
if (!testDatabaseUrl && process.env.CI) {
  process.stderr.write('run_tests: CI needs PostgreSQL 15 for the database suites (apt-get install postgresql-15)\n');
  process.exit(1);
}

mkdirSync(join(root, 'build'), { recursive: true });
const jestJson = join(root, 'build', 'jest-results.json');
// Two workers on CI's 2 cores: most suites wait on simulators, child processes and databases, not the CPU.
const workers = process.argv.slice(2).some((a) => a.startsWith('--maxWorkers') || a === '-w' || a === '--runInBand') ? [] : ['--maxWorkers=2'];
const jest = await run(process.execPath, [join(root, 'node_modules/jest/bin/jest.js'), '--json', `--outputFile=${jestJson}`, ...workers, ...process.argv.slice(2)],
  {
    ...process.env,
    ...(testDatabaseUrl ? { MPHB_TEST_DATABASE_URL: testDatabaseUrl } : {}),
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules --no-warnings=ExperimentalWarning`.trim(),
  });
await cluster?.stop();
let js = { numPassedTests: 0, numFailedTests: 1, numPendingTests: 0 };
try { js = JSON.parse(readFileSync(jestJson, 'utf8')); } catch { /* jest crashed before writing: counted as a failure */ }

const passed = nativeTotal - nativeFailed - nativeSkipped + js.numPassedTests;
const failed = nativeFailed + js.numFailedTests;
const skipped = nativeSkipped + js.numPendingTests + (js.numTodoTests ?? 0);
process.stdout.write(`\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exitCode = ctest.code === 0 && jest.code === 0 && failed === 0 ? 0 : 1;
