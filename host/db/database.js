// One small interface over the two databases mphb-sync runs on: PostgreSQL/Supabase through postgres.js
// (DATABASE_URL) and embedded PGlite (no DATABASE_URL: the directory pglite/ under MPHB_DATA_DIR,
// default ./.mphb-data). Every command that opens a database applies the migrations first.
//
//   db.query(sql, params, {prepared}) → rows (objects); prepared: a statement on a hot path, kept prepared
//                                       per connection where the server allows it (one round trip, no describe)
//   db.transaction(async (tx) => { await tx.query(…) }, {pipelined})   all or nothing
//   tx.pipeline([{text, params, prepared}, …]) → [rows, …]  sent together, run in order, first error wins
//   db.writeConcurrency              how many write transactions may usefully run at once (1: one at a time)
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
 * @param {{url?: string, dataDir?: string, migrate?: boolean, poolSize?: number}} [options] url defaults to
 *   DATABASE_URL; dataDir (the PGlite directory, or 'memory://') to $MPHB_DATA_DIR/pglite, else
 *   ./.mphb-data/pglite; poolSize: PostgreSQL connections at most (default 4; a fleet worker sizes it to
 *   its concurrency)
 */
export async function openDatabase(options = {}) {
  const url = 'url' in options ? options.url : process.env.DATABASE_URL;
  const db = url ? await openPostgres(url, options.poolSize ?? POOL_SIZE) : await openPglite(options.dataDir ?? resolve(process.env.MPHB_DATA_DIR || '.mphb-data', 'pglite'));
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

/**
 * Whether named prepared statements may be used on this connection string. Transaction-mode poolers
 * (Supabase's Supavisor on port 6543, pgBouncer with pool_mode = transaction) hand each transaction to
 * any server connection, where a statement prepared on another one does not exist: there every statement
 * is sent unnamed (parse, describe, then bind: two round trips when it has parameters). MPHB_PG_PREPARE
 * ('true' / 'false') overrides; otherwise false for port 6543 or a `pgbouncer=true` parameter.
 * @returns {{prepare: boolean, url: string}} url without the pgbouncer parameter (not a server setting)
 */
export function preparedStatementsFor(url, env = process.env) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return { prepare: false, url };
  }
  const flagged = parsed.searchParams.get('pgbouncer') === 'true';
  parsed.searchParams.delete('pgbouncer');
  const cleaned = flagged ? parsed.toString() : url;
  const forced = String(env.MPHB_PG_PREPARE ?? '').trim().toLowerCase();
  if (forced === 'true' || forced === '1') return { prepare: true, url: cleaned };
  if (forced === 'false' || forced === '0') return { prepare: false, url: cleaned };
  return { prepare: !flagged && parsed.port !== '6543', url: cleaned };
}

async function openPostgres(connectionString, poolSize) {
  if (!Number.isInteger(poolSize) || poolSize < 2) throw new TypeError(`poolSize must be an integer ≥ 2, not ${poolSize}`);
  const { default: postgres } = await import('postgres');
  const { prepare, url } = preparedStatementsFor(connectionString);
  const sql = postgres(url, { max: poolSize, prepare, onnotice: () => {}, connection: { application_name: 'mphb-sync' } });
  // Only statements marked `prepared` are kept prepared: the others (set-up, DDL, rare reads) stay unnamed,
  // so schema changes never meet a stale cached plan.
  const run = (runner, text, params, options) => runner.unsafe(text, params, { prepare: options?.prepared === true });
  const wrap = (runner) => ({
    query: (text, params = [], options) => run(runner, text, params, options),
    exec: (text) => runner.unsafe(text),
    // On one connection, in order: postgres.js sends a prepared statement without waiting for the one before.
    pipeline: (statements) => Promise.all(statements.map((s) => run(runner, s.text, s.params ?? [], s))),
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
        if (error?.code !== '57P01' || tries > poolSize || error.bodyStarted) throw error;
      }
    }
  };
  const db = {
    kind: 'postgres',
    preparedStatements: prepare,
    // One connection stays free for the lease renewal and the run's own bookkeeping.
    writeConcurrency: Math.min(POOL_SIZE, poolSize) - 1,
    poolSize,
    query: (text, params = [], options) => again(() => run(sql, text, params, options)),
    exec: (text) => again(() => sql.unsafe(text)),
    // {pipelined: true}: the statement timeout is sent with the body's first statements instead of before
    // them (one round trip less); the body has then always started, so a connection lost at the start is
    // the caller's to retry (runSync retries a page whole).
    transaction: (fn, options) => again(async () => {
      let bodyStarted = false;
      try {
        return await sql.begin(async (tx) => {
          const timeout = tx.unsafe(statementTimeoutSql(db));
          if (options?.pipelined) {
            // postgres.js sends a query when it is first awaited: now, so that it goes before the body's.
            timeout.catch(() => {});
            bodyStarted = true;
            // Answers come in order: a failed timeout statement rejects first, with the cause.
            const [, result] = await Promise.all([timeout, fn(wrap(tx))]);
            return result;
          }
          await timeout;
          bodyStarted = true;
          return fn(wrap(tx));
        });
      } catch (error) {
        if (bodyStarted && error && typeof error === 'object') error.bodyStarted = true;
        throw error;
      }
    }),
    // One connection of the pool to itself until release() (the job queue's multi-statement scripts).
    reserve: () => sql.reserve(),
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
  const wrap = (runner) => {
    const query = async (text, params = []) => (await runner.query(text, params)).rows;
    return { query, exec: (text) => runner.exec(text), pipeline: (statements) => inSequence(query, statements) };
  };
  const db = {
    kind: 'pglite',
    writeConcurrency: 1, // one engine in this process: transactions run one at a time anyway
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
    nested: true,
    writeConcurrency: 1,
    query: (text, params, options) => tx.query(text, params, options),
    exec: (text) => tx.exec(text),
    pipeline: (statements) => inSequence(tx.query, statements),
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

// A pipeline where statements cannot be sent together: one after another, the same results.
async function inSequence(query, statements) {
  const results = [];
  for (const s of statements) results.push(await query(s.text, s.params ?? [], s));
  return results;
}
