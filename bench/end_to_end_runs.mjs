// The runs B1 and B2 are judged on, once per database route (PostgreSQL direct on loopback, and behind the
// delay proxy): into a fresh database, against the simulator hotel whose every request costs the
// configured latency —
//   first    Sync All of the tenant (the B1 figure)
//   noopFull Sync All again with nothing changed upstream, pass 'full' (B2: rows written, time vs floor)
//   noopAuto Sync All again, pass 'auto' (B2: an incremental pass, when the runner offers one)
//   old      the old approach (old_approach.mjs) into a scratch schema of the same database (B1 speedup)
import { randomUUID } from 'node:crypto';

import { runSyncProcess } from './sync_process.mjs';

/**
 * @param {object} o
 * @param {{title, siteUrl, keys}} o.hotel  the simulator hotel (with its latency fault)
 * @param {Array<{name: string, url: string, roundTripMs: number}>} o.routes
 * @param {{first?: boolean, noop?: boolean, old?: boolean}} o.include
 * @param {number} [o.concurrency] passed to the client only when set (else the client's default)
 * @param {(line: string) => void} o.log
 * @returns {Promise<Array<{route, roundTripMs, first?, noopFull?, noopAuto?, old?}>>}
 */
export async function runEndToEnd({ hotel, routes, include, concurrency, log }) {
  const results = [];
  for (const route of routes) {
    const tenantId = randomUUID();
    const job = {
      approach: 'product', database: { url: route.url }, tenantId, slug: `bench-${hotel.name}`,
      hotel: { title: hotel.title, siteUrl: hotel.siteUrl, key: hotel.keys.readWrite.key, secret: hotel.keys.readWrite.secret },
      ...(concurrency ? { concurrency } : {}),
    };
    const r = { route: route.name, roundTripMs: route.roundTripMs };
    const ready = await runSyncProcess({ ...job, approach: 'setup' });
    if (!ready.ok) throw new Error(`setting up the database (${route.name}) failed: ${ready.error}`);
    log(`  ${route.name}: first Sync All`);
    r.first = await runSyncProcess({ ...job, pass: 'auto' });
    if (include.noop && r.first.ok) {
      log(`  ${route.name}: no-op re-sync, full pass`);
      r.noopFull = await runSyncProcess({ ...job, pass: 'full' });
      log(`  ${route.name}: no-op re-sync, pass 'auto'`);
      r.noopAuto = await runSyncProcess({ ...job, pass: 'auto' });
    }
    if (include.old) {
      log(`  ${route.name}: the old approach`);
      r.old = await runSyncProcess({ ...job, approach: 'old' });
    }
    results.push(r);
  }
  return results;
}
