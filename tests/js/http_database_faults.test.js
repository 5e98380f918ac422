// The HTTP server when its database fails mid Sync All (issue 10): the backends are terminated and new
// connections refused for a moment — the stream ends with `error` `database_error`, the run is recorded as
// failed with its lock released, and the server keeps serving; the next Sync All completes the work.
// PostgreSQL only (PGlite runs inside the process: it has no connection to lose).
import { jest } from '@jest/globals';
import { createParser } from 'eventsource-parser';
import postgres from 'postgres';

import { startHttpServer } from '../../host/http/node_server.js';
import { createStaffToken } from '../../host/http/staff_tokens.js';
import { createSyncHarness } from './support/sync_harness.js';
import { describePostgres } from './support/test_databases.js';

jest.setTimeout(120_000);
const KEY = Buffer.alloc(32, 7).toString('base64'); // the harness's key
const BASE = '/api/integrations/motopress';

describePostgres('the HTTP server when PostgreSQL fails mid Sync All', () => {
  let h;
  let server;
  let token;
  let admin;
  let database;
  beforeAll(async () => {
    h = await createSyncHarness('postgres', { hotels: 'big=large:1200', seed: 2, faults: 'big:bookings:latency=150' });
    const tenant = await h.addTenant('big');
    ({ token } = await createStaffToken(h.db, { tenantId: tenant.tenant_id, role: 'staff' }));
    server = await startHttpServer({ db: h.db, core: h.core, encryptionKey: KEY, port: 0, clientOptions: { retries: 1, sleep: async () => {} } });
    admin = postgres(process.env.MPHB_TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
    database = new URL(h.db.testUrl).pathname.slice(1);
  });
  afterAll(async () => {
    await admin?.unsafe(`alter database ${database} with allow_connections true`).catch(() => {});
    await admin?.end();
    await server?.stop();
    await h?.close();
  });

  test('the stream ends with error database_error, the run is recorded, the lock released, and the server keeps serving', async () => {
    const response = await fetch(`${server.url}${BASE}/sync-all?tenant_id=big`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    const events = [];
    const parser = createParser({ onEvent: (e) => events.push(JSON.parse(e.data)) });
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let cut = false;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
      if (!cut && events.some((e) => e.stage === 'reservations' && e.current >= 1)) {
        cut = true;
        // The database goes away for a moment: no new connections, every backend terminated.
        await admin.unsafe(`alter database ${database} with allow_connections false`);
        await admin.unsafe('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [database]);
        setTimeout(() => { admin.unsafe(`alter database ${database} with allow_connections true`).catch(() => {}); }, 1500);
      }
    }
    const last = events.at(-1);
    expect(last).toMatchObject({ type: 'error', code: 'database_error' });
    expect(events.filter((e) => e.type === 'error' || e.type === 'complete')).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1600));

    // The server still serves, and the database says what happened.
    const runs = await fetch(`${server.url}${BASE}/runs?tenant_id=big`, { headers: { authorization: `Bearer ${token}` } });
    expect(runs.status).toBe(200);
    const [run] = (await runs.json()).runs;
    expect(run).toMatchObject({ status: 'failed', error_code: 'database_error' });
    expect(await h.db.query('select * from public.sync_locks')).toEqual([]);

    // The next Sync All completes the work.
    const again = await fetch(`${server.url}${BASE}/sync-all?tenant_id=big`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    const text = await again.text();
    expect(text).toMatch(/event: complete/);
    const health = await (await fetch(`${server.url}${BASE}/health?tenant_id=big`, { headers: { authorization: `Bearer ${token}` } })).json();
    expect(health.ok).toBe(true);
  });
});
