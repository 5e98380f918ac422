// Applies supabase/migrations/*.sql in name order, each once, each in its own transaction, recorded in
// public.mphb_schema_migrations. An advisory lock serialises concurrent starters. Idempotent.
// Before its first statement it refuses a database where a table it creates already exists with another
// shape (an older sync's tables): SchemaConflictError, and nothing is changed (host/db/schema_guard.js).
import { fileURLToPath } from 'node:url';

import { assertNoForeignTables, readMigrations } from './schema_guard.js';

export { SchemaConflictError } from './schema_guard.js';

// Resolved when read, not at load: in the edge bundle import.meta.url is the bundle's own, maybe no file: URL.
const migrationsDir = () => fileURLToPath(new URL('../../supabase/migrations/', import.meta.url));
const LOCK_KEY = 7_461_203_915; // arbitrary, constant: "mphb-sync migrations"
const BOOKKEEPING_SQL = `create table if not exists public.mphb_schema_migrations (
    version text primary key, applied_at timestamptz not null default now())`;

/**
 * @param {object} db  the database interface (host/db/database.js)
 * @param {{migrations?: {version: string, sql: string}[]}} [o]  the migrations in name order (default: the
 *   *.sql files of supabase/migrations, read now; the edge bundle passes the copies it carries)
 * @returns {Promise<string[]>} the versions applied by this call
 */
export async function applyMigrations(db, o = {}) {
  const migrations = o.migrations ?? await readMigrations(migrationsDir());
  await assertNoForeignTables(db, { migrations, bookkeepingSql: BOOKKEEPING_SQL });
  await db.exec(BOOKKEEPING_SQL);
  const applied = [];
  for (const { version, sql } of migrations) {
    await db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1)', [LOCK_KEY]);
      const done = await tx.query('select 1 from public.mphb_schema_migrations where version = $1', [version]);
      if (done.length > 0) return;
      await tx.exec(sql);
      await tx.query('insert into public.mphb_schema_migrations (version) values ($1)', [version]);
      applied.push(version);
    });
  }
  return applied;
}
