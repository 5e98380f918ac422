// The runs B4 and the scaling table are taken from: for each database (PostgreSQL, PGlite) and each size,
// a fresh database made ready (migrated, tenant added) by a set-up process, then a first Sync All and a
// no-op re-sync (full pass, the heavier one), each in its own process (peak RSS = that process's VmHWM),
// against simulator hotels with no added latency.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runSyncProcess } from './sync_process.mjs';

/**
 * @param {object} o
 * @param {Array<'postgres'|'pglite'>} o.databases
 * @param {number[]} o.sizes
 * @param {(size: number) => object} o.hotelFor  the simulator hotel serving `size` bookings
 * @param {(label: string) => Promise<string>} [o.freshPostgres]  a fresh PostgreSQL database URL
 * @param {(line: string) => void} o.log
 * @returns {Promise<Array<{database, bookings, first, noop}>>}
 */
export async function runAtScale({ databases, sizes, hotelFor, freshPostgres, log }) {
  const results = [];
  for (const database of databases) {
    for (const size of sizes) {
      const hotel = hotelFor(size);
      let dir = null;
      let target;
      if (database === 'postgres') {
        target = { url: await freshPostgres(`scale_${size}`) };
      } else {
        dir = mkdtempSync(join(tmpdir(), 'mphb-bench-pglite-'));
        target = { dataDir: join(dir, 'pglite') };
      }
      const job = {
        approach: 'product', database: target, tenantId: randomUUID(), slug: `bench-${hotel.name}`,
        hotel: { title: hotel.title, siteUrl: hotel.siteUrl, key: hotel.keys.readWrite.key, secret: hotel.keys.readWrite.secret },
      };
      try {
        const ready = await runSyncProcess({ ...job, approach: 'setup' });
        if (!ready.ok) throw new Error(`setting up the ${database} database failed: ${ready.error}`);
        log(`  ${database} ${size} bookings: first Sync All`);
        const first = await runSyncProcess({ ...job, pass: 'auto' });
        let noop = null;
        if (first.ok) {
          log(`  ${database} ${size} bookings: no-op re-sync (full pass)`);
          noop = await runSyncProcess({ ...job, pass: 'full' });
        }
        results.push({ database, bookings: size, first, noop });
      } finally {
        if (dir) rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  return results;
}

/** Peak RSS of a run in MB: the child's own high-water mark, or the outside poll if that saw more. */
export function peakRssMb(run) {
  if (!run) return null;
  const kb = Math.max(run.vm_hwm_kb ?? 0, run.polled_peak_rss_kb ?? 0);
  return kb > 0 ? Math.round(kb / 102.4) / 10 : null;
}
