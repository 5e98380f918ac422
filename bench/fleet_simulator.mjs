// F1's MotoPress fleet in one process of its own: `hotels` small simulator hotels, each served by its own
// simulator server (its own 127.0.0.1 port), so that every hotel is its own MotoPress host as the fleet's
// politeness counts hosts (host[:port] of the site URL) — a real fleet has mostly one host per hotel.
// `perHost` > 1 puts that many hotels on one server (one WordPress network of several sites).
//
//   const fleet = await startFleetSimulator({ hotels: 1000, profile: 'testhotel', latencyMs: 20 });
//   fleet.hotels → [{name, siteUrl, key, secret}], fleet.pid, await fleet.stop();
//
// Run as a script (the child), it starts the servers, prints one JSON line and serves until SIGTERM.
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { startSimulator } from '../host/simulator/simulator_server.js';

const SELF = fileURLToPath(import.meta.url);

/** The hotel names of a fleet: prefix + zero-padded index (f0001 …). */
export function fleetHotelNames(prefix, count) {
  const width = Math.max(4, String(count).length);
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i + 1).padStart(width, '0')}`);
}

/**
 * @param {{hotels: number, prefix?: string, profile?: string, latencyMs?: number, perHost?: number, seed?: number, startTimeoutMs?: number}} o
 * @returns {Promise<{pid: number, hosts: number, startMs: number, hotels: Array<{name, siteUrl, key, secret}>, stop: () => Promise<void>}>}
 */
export async function startFleetSimulator({ hotels, prefix = 'f', profile = 'testhotel', latencyMs = 20, perHost = 1, seed = 1, startTimeoutMs = 600_000 }) {
  const args = [SELF, String(hotels), prefix, profile, String(latencyMs), String(perHost), String(seed)];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
  const info = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the fleet simulator did not start within ${startTimeoutMs} ms`)), startTimeoutMs);
    const onExit = (code) => {
      clearTimeout(timer);
      reject(new Error(`the fleet simulator exited with ${code}: ${stderr.trim()}`));
    };
    child.stdout.on('data', (d) => {
      out += d;
      const end = out.indexOf('\n');
      if (end < 0) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve(JSON.parse(out.slice(0, end)));
    });
    child.once('exit', onExit);
  });
  return {
    pid: child.pid,
    hosts: info.hosts,
    startMs: info.start_ms,
    hotels: info.hotels,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

async function serve([count, prefix, profile, latency, perHost, seed]) {
  const started = performance.now();
  const names = fleetHotelNames(prefix, Number(count));
  const servers = [];
  const hotels = [];
  for (let i = 0; i < names.length; i += Number(perHost)) {
    const group = names.slice(i, i + Number(perHost));
    const sim = await startSimulator({ hotels: group.map((n) => `${n}=${profile}`).join(','), latencyMs: Number(latency), seed: Number(seed) });
    servers.push(sim);
    for (const h of sim.hotels) hotels.push({ name: h.name, siteUrl: h.siteUrl, key: h.keys.readWrite.key, secret: h.keys.readWrite.secret });
  }
  const stop = async () => {
    await Promise.all(servers.map((s) => s.stop().catch(() => {})));
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdout.write(`${JSON.stringify({ hosts: servers.length, start_ms: Math.round(performance.now() - started), hotels })}\n`);
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  serve(process.argv.slice(2)).catch((error) => {
    process.stderr.write(`fleet simulator: ${error.stack ?? error.message}\n`);
    process.exit(1);
  });
}
