// The MotoPress simulator in its own process (the CLI's `simulator` command), so that neither its CPU
// nor its memory (every booking of every hotel, generated up front) is counted against the sync.
//
//   const sim = await startSimulatorProcess({ hotels: 'b1=large:10000', faults: 'b1:*:latency=100' });
//   sim.hotel('b1') → {name, siteUrl, keys, counts}; await sim.setFaults('…'); await sim.stop();
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'host', 'cli', 'main.js');

/**
 * @param {{hotels: string, faults?: string, seed?: number, startTimeoutMs?: number}} o
 */
export async function startSimulatorProcess({ hotels, faults, seed = 1, startTimeoutMs = 600_000 }) {
  const args = [CLI, 'simulator', '--port', '0', '--seed', String(seed), '--hotels', hotels, '--json'];
  if (faults) args.push('--faults', faults);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
  const info = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`simulator did not start within ${startTimeoutMs} ms`)), startTimeoutMs);
    child.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line && out.includes('\n')) {
        clearTimeout(timer);
        resolve(JSON.parse(line));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`simulator exited with ${code}: ${stderr.trim()}`));
    });
  });
  const control = async (method, path, body) => {
    const res = await fetch(`${info.url}/_control/${path}`, {
      method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`simulator control ${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  return {
    pid: child.pid,
    url: info.url,
    hotels: info.hotels,
    hotel(name) {
      const h = info.hotels.find((x) => x.name === name);
      if (!h) throw new Error(`the simulator serves no hotel "${name}"`);
      return h;
    },
    setFaults: (spec) => control('PUT', 'faults', { faults: spec ?? '' }),
    stats: () => control('GET', 'stats'),
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}
