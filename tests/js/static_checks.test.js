// The static checks of npm test, one test each: TypeScript over js/ and host/ (JSDoc, --checkJs), the
// declarations' usage files (tests/types), ESLint (eslint.config.js) and clang-format (.clang-format) over
// every C++ file. Each prints what it found when it fails.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ESLint } from 'eslint';

const root = fileURLToPath(new URL('../..', import.meta.url));
const LINTED = ['js', 'host', 'scripts', 'bench', 'tests', 'api', 'eslint.config.js'];
const CPP_DIRS = ['wasm', 'tests/native'];
const CPP = /\.(cpp|hpp|cc|h)$/;

// Runs a command in the checkout; resolves {code, output} whatever the exit code.
function run(command, args) {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: root, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ code: error ? error.code : 0, output: `${stdout}${stderr}`.trim() });
    });
  });
}

const tsc = (project) => run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', project, '--noEmit', '--pretty', 'false']);

function cppFiles(dir) {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && CPP.test(e.name))
    .map((e) => join(e.parentPath ?? e.path, e.name));
}

test('tsc --checkJs over js/ and host/ (tsconfig.json) finds nothing', async () => {
  const { code, output } = await tsc('tsconfig.json');
  expect(output).toBe('');
  expect(code).toBe(0);
}, 240_000);

test('the declarations type-check, and so do their usage files (tests/types, strict)', async () => {
  const { code, output } = await tsc('tests/types/tsconfig.json');
  expect(output).toBe('');
  expect(code).toBe(0);
}, 240_000);

test(`ESLint reports no problem in ${LINTED.join(', ')}`, async () => {
  const eslint = new ESLint({ cwd: root });
  const results = await eslint.lintFiles(LINTED);
  const problems = results.flatMap((r) => r.messages.map((m) => `${r.filePath.slice(root.length)}:${m.line}:${m.column} ${m.ruleId ?? ''} ${m.message}`));
  expect(results.length).toBeGreaterThan(100);
  expect(problems).toEqual([]);
}, 240_000);

test('clang-format --dry-run --Werror finds every C++ file formatted (.clang-format)', async () => {
  const files = CPP_DIRS.flatMap(cppFiles);
  expect(files.length).toBeGreaterThan(50);
  const { code, output } = await run('clang-format', ['--dry-run', '--Werror', ...files]);
  expect(output).toBe('');
  expect(code).toBe(0);
}, 240_000);
