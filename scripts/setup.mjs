#!/usr/bin/env node
// Every set-up step `npm start` and `npm test` need on a fresh Debian 12 machine, each skipped when
// already done: Debian packages (as root, or the exact apt-get line to run), `npm ci` when the lock
// file changed, and the native and WebAssembly builds (CMake rebuilds only what changed). For tests, also a
// runnable Deno (the `deno` devDependency: the Supabase function's suite runs it).
// Uses Node built-ins only: it runs before `npm ci`.
//
//   node scripts/setup.mjs --for start   packages + npm ci + WASM build
//   node scripts/setup.mjs --for test    the same + Deno + the native build (ctest, parity tests)
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { denoBinary } from './deno_binary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const purpose = process.argv.includes('--for') ? process.argv[process.argv.indexOf('--for') + 1] : 'test';

// What each purpose needs from Debian. emscripten brings its own clang/LLVM and Node-based tools.
const PACKAGES = {
  start: ['cmake', 'make', 'emscripten', 'nlohmann-json3-dev'],
  test: ['cmake', 'make', 'g++', 'emscripten', 'nlohmann-json3-dev', 'libgtest-dev', 'postgresql-15', 'postgresql-15-cron', 'chromium', 'clang-format'],
};

function log(message) {
  process.stderr.write(`setup: ${message}\n`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], ...options });
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
}

function missingPackages(names) {
  return names.filter((name) => {
    try {
      const status = execFileSync('dpkg-query', ['-W', '-f=${Status}', name], { stdio: ['ignore', 'pipe', 'ignore'] });
      return !String(status).includes('install ok installed');
    } catch {
      return true;
    }
  });
}

function ensurePackages() {
  const missing = missingPackages(PACKAGES[purpose] ?? PACKAGES.test);
  if (missing.length === 0) return;
  const line = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    log(`missing Debian packages: ${missing.join(', ')}. Run as root:\n  ${line}`);
    process.exit(1);
  }
  log(`installing Debian packages: ${missing.join(', ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env });
}

function ensureNodeModules() {
  const lock = join(root, 'package-lock.json');
  const stamp = join(root, 'node_modules', '.mphb-lock-sha256');
  // The patches npm ci applies (postinstall) count too: a changed patch reinstalls.
  const patches = join(root, 'patches');
  const inputs = [lock, ...(existsSync(patches) ? readdirSync(patches).sort().map((f) => join(patches, f)) : [])];
  const hash = inputs.reduce((h, file) => h.update(readFileSync(file)), createHash('sha256')).digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return;
  log('npm ci');
  run('npm', ['ci', '--no-audit', '--no-fund']);
  writeFileSync(stamp, hash);
}

// npm ci installs it (devDependency `deno`, its binary in the optional dependency @deno/<platform>); an
// install without dev or optional dependencies, or an unsupported platform, leaves none.
function ensureDeno() {
  const bin = denoBinary(root);
  const why = bin ? spawnSync(bin, ['--version'], { encoding: 'utf8', env: { ...process.env, DENO_NO_UPDATE_CHECK: '1' } }) : null;
  if (bin && !why.error && why.status === 0) return;
  const detail = !bin ? `no executable in node_modules/@deno/${process.platform}-${process.arch}* or node_modules/deno`
    : `${bin} --version failed: ${why.error?.message ?? why.stderr.trim()}`;
  throw new Error(`Deno is not runnable (${detail}). It comes with npm ci as the devDependency "deno"; reinstall with \`rm -rf node_modules && npm ci\` (not --omit=dev or --omit=optional)`);
}

function cmakeBuild(buildDir, configure) {
  if (!existsSync(join(root, buildDir, 'CMakeCache.txt'))) {
    log(`configuring ${buildDir}`);
    configure();
  }
  run('cmake', ['--build', buildDir, '-j', '2'], { env: buildEnv() });
}

// Debian's emscripten needs Debian's node modules (acorn) on NODE_PATH; never set EM_CACHE (TOOLCHAIN.md).
function buildEnv() {
  const env = { ...process.env, NODE_PATH: '/usr/share/nodejs' };
  delete env.EM_CACHE;
  return env;
}

function buildWasm() {
  cmakeBuild('build/wasm', () =>
    run('emcmake', ['cmake', '-S', '.', '-B', 'build/wasm', '-DCMAKE_BUILD_TYPE=Release'], { env: buildEnv() }));
}

function buildNative() {
  cmakeBuild('build/native', () =>
    run('cmake', ['-S', '.', '-B', 'build/native', '-DCMAKE_BUILD_TYPE=RelWithDebInfo'], { env: buildEnv() }));
}

try {
  ensurePackages();
  ensureNodeModules();
  if (purpose === 'test') ensureDeno();
  buildWasm();
  if (purpose === 'test') buildNative();
} catch (error) {
  log(`failed: ${error.message}`);
  process.exit(1);
}
