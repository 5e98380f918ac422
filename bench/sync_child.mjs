// One sync in a process of its own, so that its peak RSS (VmHWM) is the sync's alone and the simulator's
// work is not on its event loop. Forked by sync_process.mjs, which sends the job over IPC; it answers
// with one message: the time runSync took, its counts, the rows the database says were written, VmHWM.
//   job: {approach: 'setup'|'product'|'old', database: {url}|{dataDir}, hotel: {title, siteUrl, key, secret},
//         tenantId, slug, pass?: 'auto'|'full', concurrency?: number}
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

import { loadCore } from '../js/core.js';
import { openDatabase } from '../host/db/database.js';
import { createMotoPressClient } from '../host/motopress/motopress_client.js';
import { runSync } from '../host/sync/sync_runner.js';
import { createCipher } from '../host/tenants/credential_cipher.js';
import { addTenant } from '../host/tenants/tenant_store.js';
import { prepareOldApproach, runOldApproach } from './old_approach.mjs';
import { markRowVersions, rowsWrittenSince } from './rows_written.mjs';

// The simulator's keys are not secrets; the bench's tenants are encrypted with a fixed, throwaway key.
const BENCH_KEY = Buffer.alloc(32, 11).toString('base64');

function procStatusKb(field) {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : null;
}

function clientFor(job, concurrency) {
  return createMotoPressClient({
    siteUrl: job.hotel.siteUrl, consumerKey: job.hotel.key, consumerSecret: job.hotel.secret, tenant: job.slug,
    ...(concurrency ? { concurrency } : {}),
  });
}

function openJobDatabase(job) {
  return openDatabase(job.database.url ? { url: job.database.url } : { url: null, dataDir: job.database.dataDir });
}

// A database made ready (created, migrated, the tenant added) in a process of its own: creating a PGlite
// data directory runs initdb inside the process, which is set-up, not the sync's memory or time.
async function setUp(job) {
  const start = performance.now();
  const db = await openJobDatabase(job);
  try {
    const known = await db.query('select 1 from public.tenant_registry where tenant_id = $1', [job.tenantId]);
    if (known.length === 0) {
      await addTenant(db, await createCipher(BENCH_KEY), {
        slug: job.slug, name: job.hotel.title, siteUrl: job.hotel.siteUrl, consumerKey: job.hotel.key, consumerSecret: job.hotel.secret, tenantId: job.tenantId,
      });
    }
    return { elapsed_ms: performance.now() - start, status: 'ready' };
  } finally {
    await db.close();
  }
}

async function runProduct(job) {
  const opened = performance.now();
  const db = await openJobDatabase(job);
  try {
    const core = await loadCore();
    const marker = await markRowVersions(db, job.tenantId);
    const openMs = performance.now() - opened;
    const start = performance.now();
    // `pass` is passed through as is: a runSync that does not know it ignores it, and its counts then
    // carry no `pass`, which the report shows as "not available".
    const result = await runSync({
      db, core, tenant: { tenant_id: job.tenantId, slug: job.slug }, client: clientFor(job, job.concurrency), kind: 'sync-all',
      ...(job.pass ? { pass: job.pass } : {}),
    });
    const elapsedMs = performance.now() - start;
    const written = await rowsWrittenSince(db, marker);
    return { elapsed_ms: elapsedMs, open_ms: openMs, status: result.status, counts: result.counts, stats: result.stats ?? null, warnings: result.warnings.length, rows_written: written };
  } finally {
    await db.close();
  }
}

async function runOld(job) {
  await prepareOldApproach(job.database.url);
  const start = performance.now();
  const summary = await runOldApproach({ databaseUrl: job.database.url, client: clientFor(job, 1), tenantId: job.tenantId });
  return { elapsed_ms: performance.now() - start, status: 'succeeded', counts: { requests: summary.requests, round_trips: summary.roundTrips, bookings: summary.bookings, rooms: summary.rooms } };
}

process.once('message', async (job) => {
  let reply;
  try {
    const run = { setup: setUp, old: runOld, product: runProduct }[job.approach];
    if (!run) throw new Error(`unknown approach ${job.approach}`);
    const outcome = await run(job);
    reply = { ok: true, ...outcome };
  } catch (error) {
    reply = { ok: false, error: `${error.code ? `${error.code}: ` : ''}${error.message}`, counts: error.counts ?? null };
  }
  reply.vm_hwm_kb = procStatusKb('VmHWM');
  process.send(reply, () => process.disconnect());
});
