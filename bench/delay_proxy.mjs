// A TCP proxy that delays every chunk by `delayMs` in each direction (default 1 ms each way, ~2 ms per
// round trip): a database "in the same region". On loopback a round trip costs ~0.1 ms, which hides
// designs that make one round trip per row; this puts the cost back.
//
//   const proxy = await startDelayProxy({ targetHost: '127.0.0.1', targetPort: 5432, delayMs: 1 });
//   proxy.port … await proxy.stop();
import { createConnection, createServer } from 'node:net';

/**
 * @param {{targetHost: string, targetPort: number, delayMs?: number}} o
 * @returns {Promise<{port: number, connections: () => number, stop: () => Promise<void>}>}
 */
export async function startDelayProxy({ targetHost, targetPort, delayMs = 1 }) {
  const sockets = new Set();
  let opened = 0;
  const server = createServer((client) => {
    opened += 1;
    const upstream = createConnection({ host: targetHost, port: targetPort });
    for (const s of [client, upstream]) {
      s.setNoDelay(true);
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    pipeWithDelay(client, upstream, delayMs);
    pipeWithDelay(upstream, client, delayMs);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: server.address().port,
    connections: () => opened,
    stop: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

// Node runs timers of one duration in the order they were set, so chunks keep their order. Ends and
// errors travel after the same delay, behind the data.
function pipeWithDelay(from, to, delayMs) {
  from.on('data', (chunk) => setTimeout(() => { if (!to.destroyed) to.write(chunk); }, delayMs));
  from.on('end', () => setTimeout(() => to.end(), delayMs));
  from.on('error', () => setTimeout(() => to.destroy(), delayMs));
  from.on('close', () => setTimeout(() => to.destroy(), delayMs + 1));
}
