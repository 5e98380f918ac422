// The PostgreSQL server the benchmarks write to: MPHB_BENCH_DATABASE_URL when set, else a throwaway
// PostgreSQL 15 cluster (as `npm test` starts one). Every scenario gets a fresh database on it, so runs
// never see each other's rows; when the server refuses CREATE DATABASE (a hosted Postgres), scenarios
// share the given database and are kept apart by tenant.
import { randomUUID } from 'node:crypto';

import postgres from 'postgres';

import { postgresAvailable, startThrowawayPostgres } from '../scripts/throwaway_postgres.mjs';

/** @returns {Promise<{source: string, url: string, freshDatabase: (label: string) => Promise<string>, stop: () => Promise<void>}>} */
export async function openBenchPostgres() {
  let cluster = null;
  let url = process.env.MPHB_BENCH_DATABASE_URL;
  const source = url ? 'MPHB_BENCH_DATABASE_URL' : 'throwaway PostgreSQL 15 cluster';
  if (!url) {
    if (!postgresAvailable()) throw new Error('no PostgreSQL: set MPHB_BENCH_DATABASE_URL or apt-get install postgresql-15');
    cluster = await startThrowawayPostgres();
    url = cluster.url;
  }
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  const created = [];
  let canCreate = true;

  async function freshDatabase(label) {
    if (!canCreate) return url;
    const name = `mphb_bench_${label.replace(/[^a-z0-9]/g, '_')}_${randomUUID().slice(0, 8)}`;
    try {
      await admin.unsafe(`create database ${name}`);
    } catch {
      canCreate = false;
      return url;
    }
    created.push(name);
    const u = new URL(url);
    u.pathname = `/${name}`;
    return u.toString();
  }

  async function stop() {
    // A throwaway cluster goes away whole; on a given server, drop only what the bench created.
    if (!cluster) {
      for (const name of created) await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
    }
    await admin.end({ timeout: 5 });
    await cluster?.stop();
  }

  return { source, url, freshDatabase, stop };
}
