// Real databases for tests: embedded PGlite (in memory) and PostgreSQL 15 (a fresh database per call
// on the cluster named by MPHB_TEST_DATABASE_URL, which `npm test` starts). Suites run against both:
//   describe.each(databaseKinds())('%s', (kind) => { … const db = await openTestDatabase(kind); … })
import { randomUUID } from 'node:crypto';

import { openDatabase, wrapPglite } from '../../../host/db/database.js';

// PGlite.create() costs seconds (initdb in wasm); a clone of one migrated template costs about one.
let template = null;

/**
 * The database kinds every database suite runs against: embedded PGlite and PostgreSQL. Without a test
 * cluster the PostgreSQL half fails (requirePostgres), it is never left out.
 */
export function databaseKinds() {
  return ['pglite', 'postgres'];
}

/** Throws, loudly, when this run has no PostgreSQL test cluster (MPHB_TEST_DATABASE_URL). */
export function requirePostgres() {
  if (!process.env.MPHB_TEST_DATABASE_URL) {
    throw new Error('MPHB_TEST_DATABASE_URL is not set: this suite needs PostgreSQL (npm test starts a throwaway PostgreSQL 15 cluster; apt-get install postgresql-15)');
  }
}

/** describe() for a PostgreSQL-only suite: it fails, never skips, without the test cluster. */
export function describePostgres(name, body) {
  describe(name, () => {
    beforeAll(requirePostgres);
    body();
  });
}

/**
 * A migrated, empty database of that kind. Close it with db.close() (PostgreSQL: the database is
 * dropped by dropTestDatabase, or left for the throwaway cluster to take away).
 * @param {'pglite'|'postgres'} kind
 * @param {{migrate?: boolean}} [o]  migrate: false — PostgreSQL only: a database without the schema
 */
export async function openTestDatabase(kind, { migrate = true } = {}) {
  if (kind === 'pglite') {
    template ??= openDatabase({ url: null, dataDir: 'memory://' });
    return wrapPglite(await (await template).pglite.clone());
  }
  requirePostgres();
  const { default: postgres } = await import('postgres');
  const admin = postgres(process.env.MPHB_TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  const name = `mphb_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(process.env.MPHB_TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString(), migrate });
  db.testUrl = url.toString();
  return db;
}

/** Closes the per-file PGlite template (call in a top-level afterAll of files that used pglite). */
export async function closeTemplates() {
  if (template) await (await template).close();
  template = null;
}
