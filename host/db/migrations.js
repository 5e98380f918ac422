// Applies supabase/migrations/*.sql in name order, each once, each in its own transaction, recorded in
// public.mphb_schema_migrations. An advisory lock serialises concurrent starters. Idempotent.
// Before its first statement it refuses a database where a table it creates already exists with another
// shape (an older sync's tables): SchemaConflictError, and nothing is changed (host/db/schema_guard.js).
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import { assertNoForeignTables } from './schema_guard.js';

export { SchemaConflictError } from './schema_guard.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../supabase/migrations/', import.meta.url));
const LOCK_KEY = 7_461_203_915; // arbitrary, constant: "mphb-sync migrations"
const BOOKKEEPING_SQL = `create table if not exists public.mphb_schema_migrations (
    version text primary key, applied_at timestamptz not null default now())`;

/** @returns {Promise<string[]>} the versions applied by this call */
export async function applyMigrations(db) {
  await assertNoForeignTables(db, { migrationsDir: MIGRATIONS_DIR, bookkeepingSql: BOOKKEEPING_SQL });
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql')).sort();
  await db.exec(BOOKKEEPING_SQL);
  const applied = [];
  for (const file of files) {
    const version = file.replace(/\.sql$/, '');
    const sql = await readFile(`${MIGRATIONS_DIR}${file}`, 'utf8');
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
