// The fleet's scheduler under pg_cron (issue 14, docs/fleet.md): on PostgreSQL with the pg_cron extension
// (Supabase, or a self-hosted server with postgresql-15-cron), the migration installs the cron job
// 'mphb-fleet-enqueue' that runs public.fleet_enqueue_due() every minute; where pg_cron came later,
// public.fleet_install_cron() installs it. The last test waits for a real tick of pg_cron (it has minute
// resolution) and checks the jobs it put on the queue. Its own throwaway cluster: pg_cron must be preloaded
// at server start and works in one database of the cluster (cron.database_name).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { jest } from '@jest/globals';
import postgres from 'postgres';

import { openDatabase } from '../../host/db/database.js';
import { fleetSettings } from '../../host/fleet/fleet_settings.js';
import { openJobQueue, SYNC_QUEUE } from '../../host/fleet/job_queue.js';
import { setSchedules } from '../../host/fleet/schedule_store.js';
import { createCipher } from '../../host/tenants/credential_cipher.js';
import { addTenant } from '../../host/tenants/tenant_store.js';
import { startThrowawayPostgres } from '../../scripts/throwaway_postgres.mjs';

jest.setTimeout(180_000);

const PG_CRON_LIBRARY = '/usr/lib/postgresql/15/lib/pg_cron.so';
const cronJob = (database) => ({ jobname: 'mphb-fleet-enqueue', schedule: '* * * * *', command: 'select public.fleet_enqueue_due()', database, active: true });

let cluster;
let cipher;

beforeAll(async () => {
  if (!existsSync(PG_CRON_LIBRARY)) {
    throw new Error(`pg_cron for PostgreSQL 15 is not installed (${PG_CRON_LIBRARY} missing): apt-get install postgresql-15-cron (node scripts/setup.mjs --for test installs it)`);
  }
  cluster = await startThrowawayPostgres({
    settings: {
      shared_preload_libraries: 'pg_cron',
      'cron.database_name': 'postgres', // each suite below names its own database (cronDatabase)
      'cron.timezone': 'UTC',
      // Jobs run in background workers, not over a libpq connection to localhost: no host name or password involved.
      'cron.use_background_workers': 'on',
      max_worker_processes: 16,
    },
  });
  cipher = await createCipher(Buffer.alloc(32, 7).toString('base64'));
});

afterAll(() => cluster?.stop());

async function withConnection(url, fn) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end();
  }
}

/**
 * Creates the database `name`, empty, and makes it the one pg_cron works in: cron.database_name is read at
 * server start, so the server restarts. (Dropping pg_cron's database instead would end its launcher for good:
 * it exits cleanly when terminated, and PostgreSQL does not restart a worker that did.)
 */
async function cronDatabase(name) {
  await withConnection(cluster.url, (sql) => sql.unsafe(`alter system set cron.database_name = '${name}'`));
  await cluster.restart();
  await withConnection(cluster.url, async (sql) => {
    expect((await sql.unsafe("select current_setting('cron.database_name') as name"))[0].name).toBe(name);
    await sql.unsafe(`create database ${name}`);
  });
  const url = new URL(cluster.url);
  url.pathname = `/${name}`;
  return url.toString();
}

const cronJobs = (db) => db.query('select jobname, schedule, command, database, active from cron.job order by jobid');

describe('pg_cron enabled after the migrations', () => {
  let url;
  beforeAll(async () => { url = await cronDatabase('mphb_cron_later'); });

  test('migrations where pg_cron is not there: fleet_install_cron() is false; once pg_cron is, it installs the job, once however often called', async () => {
    let db = await openDatabase({ url }); // applies the migrations
    try {
      expect((await db.query("select to_regclass('cron.job') as t"))[0].t).toBeNull();
      expect((await db.query('select public.fleet_install_cron() as installed'))[0].installed).toBe(false);

      await db.exec('create extension pg_cron');
      expect(await cronJobs(db)).toEqual([]);
      expect((await db.query('select public.fleet_install_cron() as installed'))[0].installed).toBe(true);
      expect((await db.query('select public.fleet_install_cron() as installed'))[0].installed).toBe(true);
      expect(await cronJobs(db)).toEqual([cronJob('mphb_cron_later')]);
    } finally {
      await db.close();
    }
    // Opening the database again (every command does: migrations are checked) leaves the one job.
    db = await openDatabase({ url });
    try {
      expect(await cronJobs(db)).toEqual([cronJob('mphb_cron_later')]);
    } finally {
      await db.close();
    }
  });
});

describe('pg_cron before the migrations', () => {
  const DATABASE = 'mphb_cron';
  let db;
  beforeAll(async () => {
    const url = await cronDatabase(DATABASE);
    await withConnection(url, (sql) => sql.unsafe('create extension pg_cron'));
    db = await openDatabase({ url }); // applies the migrations
  });
  afterAll(() => db?.close());

  test('the migration installs the job', async () => {
    expect(await cronJobs(db)).toEqual([cronJob(DATABASE)]);
  });

  test('a real tick: within a minute pg_cron runs the scheduler step; the due tenants get sync_all jobs, the others none', async () => {
    expect(await cronJobs(db)).toEqual([cronJob(DATABASE)]);

    const tenant = async (slug) => (await addTenant(db, cipher, {
      slug, name: slug, siteUrl: `https://${slug}.example/`, consumerKey: 'ck_test', consumerSecret: 'cs_test',
    })).tenant_id;
    const due = [await tenant('due-a'), await tenant('due-b'), await tenant('due-c')];
    const notDue = await tenant('not-due');
    const paused = await tenant('paused');
    await setSchedules(db, [paused], { enabled: false });
    for (const [i, id] of due.entries()) {
      await db.query('update public.fleet_schedules set next_due_at = now() - make_interval(mins => $2) where tenant_id = $1', [id, 5 + i * 20]);
    }
    await db.query("update public.fleet_schedules set next_due_at = now() + interval '1 hour' where tenant_id = $1", [notDue]);
    await db.query("update public.fleet_schedules set next_due_at = now() - interval '1 hour' where tenant_id = $1", [paused]);
    const dueBefore = new Map();
    for (const id of due) {
      dueBefore.set(id, (await db.query('select next_due_at::text as t from public.fleet_schedules where tenant_id = $1', [id]))[0].t);
    }

    // Until a worker created the queue, a tick does nothing; from here on the next tick enqueues.
    const boss = await openJobQueue(db, fleetSettings(), { supervise: false });
    await boss.stop({ close: false, graceful: false });

    // pg_cron starts jobs on the minute: wait for the jobs, then for the run that made them to be recorded.
    const sleep = () => new Promise((resolve) => { setTimeout(resolve, 1000); });
    const deadline = Date.now() + 80_000;
    let jobs = [];
    let run;
    while (!run && Date.now() < deadline) {
      jobs = await db.query(`select data, state, singleton_key, created_on::text as created_on from pgboss.job where name = $1 order by singleton_key`, [SYNC_QUEUE]);
      if (jobs.length > 0) {
        [run] = await db.query(`select d.status, d.return_message, d.command, d.database
            from cron.job_run_details d join cron.job j using (jobid)
           where j.jobname = 'mphb-fleet-enqueue' and d.status in ('succeeded', 'failed')
             and d.start_time <= $1::text::timestamptz and d.end_time >= $1::text::timestamptz`, [jobs[0].created_on]);
      }
      if (!run) await sleep();
    }
    if (!run) {
      const details = await db.query('select * from cron.job_run_details order by runid');
      let log = '';
      try { log = readFileSync(join(cluster.dir, 'log'), 'utf8').split('\n').slice(-30).join('\n'); } catch { /* no log */ }
      throw new Error(`within 80 s no run of mphb-fleet-enqueue added jobs (${jobs.length} jobs); cron.job_run_details: ${JSON.stringify(details)}\nserver log:\n${log}`);
    }
    expect(run).toMatchObject({ status: 'succeeded', command: cronJob(DATABASE).command, database: DATABASE });

    // Exactly the due tenants have a job, all made by that one run (nothing else enqueues here: no worker runs).
    expect(jobs.map((j) => j.data.tenant_id).sort()).toEqual([...due].sort());
    expect(new Set(jobs.map((j) => j.created_on)).size).toBe(1);
    for (const job of jobs) {
      expect(job).toMatchObject({ state: 'created', singleton_key: job.data.tenant_id });
      const [same] = await db.query('select $1::text::timestamptz = $2::text::timestamptz as same', [job.data.due_at, dueBefore.get(job.data.tenant_id)]);
      expect(same.same).toBe(true);
    }
    // Their due times moved past the run; the others' did not move.
    const [moved] = await db.query(`select count(*)::int as n from public.fleet_schedules
      where tenant_id = any(array[$1, $2, $3]::uuid[]) and next_due_at > $4::text::timestamptz`, [...due, jobs[0].created_on]);
    expect(moved.n).toBe(3);
    const [still] = await db.query(`select count(*)::int as n from public.fleet_schedules
      where (tenant_id = $1 and next_due_at > now() + interval '50 minutes') or (tenant_id = $2 and next_due_at < now() - interval '50 minutes')`, [notDue, paused]);
    expect(still.n).toBe(2);
  });
});
