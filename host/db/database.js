// One small interface over the two databases mphb-sync runs on: PostgreSQL/Supabase through postgres.js
// (DATABASE_URL) and embedded PGlite (no DATABASE_URL: the directory pglite/ under MPHB_DATA_DIR,
// default ./.mphb-data). Every command that opens a database applies the migrations first.
//
//   db.query(sql, params)          → rows (objects)
//   db.transaction(async (tx) => { await tx.query(…) })   all or nothing
//   db.close()
import { dirname, resolve } from 'node:path';

import { ensurePrivateDataDir, tighten } from './data_dir.js';

import { applyMigrations } from './migrations.js';

// Every write transaction has a statement timeout (MPHB_STATEMENT_TIMEOUT_MS, default 120 s): a stuck
// statement ends as database_error instead of holding the tenant's lock forever.
// A handle's `statementTimeoutMs` property overrides it (tests).
const STATEMENT_TIMEOUT_MS = Math.max(1000, Number(process.env.MPHB_STATEMENT_TIMEOUT_MS) || 120_000);
const statementTimeoutSql = (db) => `set local statement_timeout = ${Math.max(100, Math.floor(Number(db.statementTimeoutMs) || STATEMENT_TIMEOUT_MS))}`;

/**
 * @param {{url?: string, dataDir?: string, migrate?: boolean}} [options] url defaults to DATABASE_URL;
 *   dataDir (the PGlite directory, or 'memory://') to $MPHB_DATA_DIR/pglite, else ./.mphb-data/pglite
 */
export async function openDatabase(options = {}) {
  const url = 'url' in options ? options.url : process.env.DATABASE_URL;
  const db = url ? await openPostgres(url) : await openPglite(options.dataDir ?? resolve(process.env.MPHB_DATA_DIR || '.mphb-data', 'pglite'));
  if (options.migrate !== false) {
    try {
      await applyMigrations(db);
    } catch (error) {
      await db.close().catch(() => {}); // a refused database leaves nothing open behind it
      throw error;
    }
  }
  return db;
}

const POOL_SIZE = 4;

async function openPostgres(url) {
  const { default: postgres } = await import('postgres');
  // prepare: false keeps statements valid behind transaction-mode poolers (Supabase's pgbouncer/supavisor).
  const sql = postgres(url, { max: POOL_SIZE, prepare: false, onnotice: () => {}, connection: { application_name: 'mphb-sync' } });
  const wrap = (runner) => ({
    query: (text, params = []) => runner.unsafe(text, params),
    exec: (text) => runner.unsafe(text),
    // Inside a transaction: postgres.js's own savepoints (it refuses a hand-written SAVEPOINT's error path).
    ...(runner.savepoint ? { savepoint: (fn) => runner.savepoint((sp) => fn(wrap(sp))) } : {}),
  });
  // A pooled connection whose backend was terminated (failover, pg_terminate_backend) answers its next
  // statement with 57P01 and closes: that statement did not run, so it is sent again — on another or a
  // fresh connection — as often as the pool has connections. A transaction is begun again only if its body
  // had not started; otherwise the caller decides (runSync retries a page whole).
  const again = async (attempt) => {
    for (let tries = 1; ; tries += 1) {
      try {
        return await attempt();
      } catch (error) {
        if (error?.code !== '57P01' || tries > POOL_SIZE || error.bodyStarted) throw error;
      }
    }
  };
  const db = {
    kind: 'postgres',
    query: (text, params = []) => again(() => sql.unsafe(text, params)),
    exec: (text) => again(() => sql.unsafe(text)),
    transaction: (fn) => again(async () => {
      let bodyStarted = false;
      try {
        return await sql.begin(async (tx) => {
          await tx.unsafe(statementTimeoutSql(db));
          bodyStarted = true;
          return fn(wrap(tx));
        });
      } catch (error) {
        if (bodyStarted && error && typeof error === 'object') error.bodyStarted = true;
        throw error;
      }
    }),
    close: () => sql.end({ timeout: 5 }),
  };
  return db;
}

async function openPglite(dataDir) {
  const { PGlite } = await import('@electric-sql/pglite');
  if (dataDir !== 'memory://') await ensurePrivateDataDir(dataDir, { parents: [dirname(dataDir)] });
  const pg = await PGlite.create(dataDir === 'memory://' ? undefined : dataDir);
  const db = wrapPglite(pg, dataDir);
  if (dataDir === 'memory://') return db;
  db.close = async () => {
    await pg.close();
    await tighten(dataDir).catch(() => {});
  };
  return db;
}

/** The database interface over an open PGlite instance (e.g. a clone of a migrated template in tests). */
export function wrapPglite(pg, dataDir = 'memory://') {
  const wrap = (runner) => ({
    query: async (text, params = []) => (await runner.query(text, params)).rows,
    exec: (text) => runner.exec(text),
  });
  const db = {
    kind: 'pglite',
    dataDir,
    ...wrap(pg),
    transaction: (fn) => pg.transaction(async (tx) => {
      await tx.exec(statementTimeoutSql(db));
      return fn(wrap(tx));
    }),
    close: () => pg.close(),
    pglite: pg,
  };
  return db;
}

/**
 * A database handle whose transaction() is a savepoint of the open transaction `tx`: code written for a
 * database (runSync, addTenant) runs inside one outer transaction, so all of it commits or none does.
 * Nested transactions must not run concurrently (runSync writes one page at a time).
 */
export function withinTransaction(tx, kind) {
  let depth = 0;
  const handle = {
    kind,
    query: (text, params) => tx.query(text, params),
    exec: (text) => tx.exec(text),
    async transaction(fn) {
      if (tx.savepoint) return tx.savepoint((sp) => fn(withinTransaction(sp, kind)));
      const name = `mphb_sp_${(depth += 1)}`;
      await tx.query(`savepoint ${name}`);
      try {
        const result = await fn(handle);
        await tx.query(`release savepoint ${name}`);
        return result;
      } catch (error) {
        await tx.query(`rollback to savepoint ${name}`).catch(() => {});
        throw error;
      }
    },
    close: async () => {},
  };
  return handle;
}

