// Where the `deno` devDependency put its executable: the platform package it depends on
// (@deno/linux-x64-glibc, …), or the copy its postinstall makes. Node built-ins only (setup uses it).
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const PLATFORM_PACKAGES = {
  'linux-x64': 'linux-x64-glibc', 'linux-arm64': 'linux-arm64-glibc', 'darwin-x64': 'darwin-x64',
  'darwin-arm64': 'darwin-arm64', 'win32-x64': 'win32-x64', 'win32-arm64': 'win32-arm64',
};

/** @returns {string|null} the path of the Deno executable under root/node_modules, or null */
export function denoBinary(root) {
  const exe = process.platform === 'win32' ? 'deno.exe' : 'deno';
  const platform = PLATFORM_PACKAGES[`${process.platform}-${process.arch}`];
  // The platform package first: it does not depend on the postinstall having run.
  const candidates = [platform && join(root, 'node_modules', '@deno', platform, exe), join(root, 'node_modules', 'deno', exe)];
  return candidates.find((path) => path && existsSync(path)) ?? null;
}
