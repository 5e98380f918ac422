// Runs the real `mphb-sync` CLI as a child process, as a user would, and collects what it printed.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../../host/cli/main.js', import.meta.url));

/**
 * @param {string[]} args
 * @param {{env?: Record<string, string>, stdin?: string}} [o] env is laid over the test process's environment
 * @returns {Promise<{code: number|null, stdout: string, stderr: string}>}
 */
export function runCli(args, { env = {}, stdin } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}
