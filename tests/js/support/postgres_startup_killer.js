// A TCP proxy in front of a real PostgreSQL that kills the first connection while the client fetches its
// array types (postgres.js's `fetch_types`, the first statement on every new connection): it answers that
// statement with the ErrorResponse pg_terminate_backend sends (57P01) and closes, exactly as a backend
// terminated at that moment (a failover or restart during pool warm-up). Every later connection passes.
import net from 'node:net';

const TYPES_QUERY = 'pg_catalog.pg_type';

function terminationResponse() {
  const fields = [['S', 'FATAL'], ['V', 'FATAL'], ['C', '57P01'], ['M', 'terminating connection due to administrator command']];
  const body = Buffer.concat([...fields.map(([k, v]) => Buffer.from(`${k}${v}\0`)), Buffer.from([0])]);
  const head = Buffer.alloc(5);
  head.write('E', 0);
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

/**
 * Starts the proxy to the server of `url`. @param {string} url a postgres:// URL
 * @returns {Promise<{url: string, killed: () => number, close: () => Promise<void>}>} url: the same
 * database through the proxy; killed(): how many connections it has killed (1 once the first was).
 */
export async function startStartupKiller(url) {
  const target = new URL(url);
  let killed = 0;
  const sockets = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    let armed = killed === 0;
    client.on('data', (chunk) => {
      if (armed && chunk.includes(TYPES_QUERY)) {
        armed = false;
        killed += 1;
        upstream.destroy();
        client.end(terminationResponse());
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    const drop = () => { client.destroy(); upstream.destroy(); };
    client.on('close', drop).on('error', drop);
    upstream.on('close', () => client.end()).on('error', drop);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxied = new URL(url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(server.address().port);
  return {
    url: proxied.toString(),
    killed: () => killed,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
