// The PostgreSQL handle after its connections are lost (issue 10): the query that was running fails with a
// connection error, and the handle answers again at once. postgres.js 3.4.9 unpatched fails this file two
// ways (patches/postgres+3.4.9.patch): a connection closed with a write pending throws a TypeError from a
// setImmediate, and can never send again — every later connect of it ends in CONNECT_TIMEOUT, which is
// how a Sync All after a database restart failed in CI.
// PostgreSQL only (PGlite runs inside the process: it has no connection to lose).
import { jest } from '@jest/globals';
import postgres from 'postgres';

import { isTransientDatabaseError, withTransientRetry } from '../../host/db/database_faults.js';
import { startStartupKiller } from './support/postgres_startup_killer.js';
import { describePostgres, openTestDatabase } from './support/test_databases.js';

jest.setTimeout(120_000);

describePostgres('a PostgreSQL handle whose connections are terminated', () => {
  let db;
  let admin;
  let database;
  beforeAll(async () => {
    db = await openTestDatabase('postgres');
    admin = postgres(process.env.MPHB_TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
    database = new URL(db.testUrl).pathname.slice(1);
  });
  afterAll(async () => {
    await admin?.end();
    await db?.close();
  });

  // Returns once the backends are gone (the two-argument form waits up to 5 s for each).
  const terminateAll = () => admin.unsafe(
    "select pg_terminate_backend(pid, 5000) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid() and application_name = 'mphb-sync'",
    [database],
  );
  // A query must answer well before postgres.js's 30 s connect timeout: a poisoned connection hangs here.
  // Connection-loss errors within the sync's own page retry (withTransientRetry) are still allowed: on a
  // busy machine the client may not yet have read several dead sockets' close (one failed "read
  // ECONNRESET" twice in a row under load), and the sync retries such a failure the same way.
  const answersQuickly = async () => {
    const started = Date.now();
    const [row] = await withTransientRetry(() => db.query('select 41 + 1 as n'));
    return { n: row.n, quick: Date.now() - started < 10_000 };
  };

  test('the running query fails as a connection loss; the next one answers at once', async () => {
    const sleeping = db.query('select pg_sleep(30)').then(() => null, (e) => e); // postgres.js sends on then()
    await waitFor(async () => (await admin.unsafe("select 1 from pg_stat_activity where datname = $1 and query like 'select pg_sleep%'", [database])).length > 0);
    await terminateAll();
    const error = await sleeping;
    expect(isTransientDatabaseError(error)).toBe(true);
    await expect(answersQuickly()).resolves.toEqual({ n: 42, quick: true });
  });

  test('a transaction cut mid-way rolls back, and the next transaction commits', async () => {
    await db.query('create table if not exists reconnect_probe (n int)');
    const cut = db.transaction(async (tx) => {
      await tx.query('insert into reconnect_probe values (1)');
      await tx.query('select pg_sleep(30)');
    });
    await waitFor(async () => (await admin.unsafe("select 1 from pg_stat_activity where datname = $1 and query like 'select pg_sleep%'", [database])).length > 0);
    await terminateAll();
    expect(isTransientDatabaseError(await cut.then(() => null, (e) => e))).toBe(true);
    await db.transaction((tx) => tx.query('insert into reconnect_probe values (2)'));
    expect((await db.query('select n from reconnect_probe order by n')).map((r) => r.n)).toEqual([2]);
  });

  test('many small writes in flight while every backend is terminated, round after round: each round the handle answers again', async () => {
    for (let round = 0; round < 15; round += 1) {
      const inFlight = Array.from({ length: 12 }, (_, i) => db.query('select $1::int as i', [i]).catch((e) => e));
      await new Promise((r) => setImmediate(r));
      await terminateAll();
      const outcomes = await Promise.all(inFlight);
      for (const outcome of outcomes) {
        if (outcome instanceof Error) expect(isTransientDatabaseError(outcome)).toBe(true);
      }
      await expect(answersQuickly()).resolves.toEqual({ n: 42, quick: true });
    }
  });
});

// postgres.js 3.4.9 unpatched (upstream issues 1192, 1223): a connection killed while it fetches its array
// types, its first statement, hands the dead backend's 57P01 to the first query of the next connection
// and also raises it as an unhandled rejection (which ends a Node process, and failed the test above in CI
// when a termination landed on a connection still starting up).
describePostgres('a PostgreSQL connection killed while it starts up', () => {
  let killer;
  let sql;
  const unhandled = [];
  const record = (reason) => unhandled.push(reason);
  beforeAll(async () => {
    process.on('unhandledRejection', record);
    killer = await startStartupKiller(process.env.MPHB_TEST_DATABASE_URL);
  });
  afterAll(async () => {
    await sql?.end({ timeout: 5 });
    await killer?.close();
    process.off('unhandledRejection', record);
  });

  test('the query that opened it is answered on the next connection, and nothing is left unhandled', async () => {
    sql = postgres(killer.url, { max: 1, onnotice: () => {} });
    const [row] = await sql.unsafe('select 41 + 1 as n');
    expect(row.n).toBe(42);
    expect(killer.killed()).toBe(1);
    // Arrays still work: their types were fetched on the new connection.
    expect((await sql.unsafe('select $1::bigint[] as a', [[1, 2]]))[0].a).toEqual(['1', '2']);
    await new Promise((r) => setImmediate(r));
    expect(unhandled).toEqual([]);
  });
});

async function waitFor(predicate) {
  for (let i = 0; i < 200; i += 1) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('waitFor: condition never held');
}
