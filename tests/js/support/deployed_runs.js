// What the deployed-function suites (Supabase under Deno, Vercel under its dev server) read back from
// PostgreSQL — every row version of a tenant's synced tables, a run's end — and a client that leaves.
import { expect } from '@jest/globals';

import { readSse } from './sse_reader.js';

/** Every row version of the tenant's synced tables: equal before and after ⇔ nothing was written. */
export async function rowVersions(db, tenantId) {
  const rows = await db.query(`
    select 'type' as t, id::text, xmin::text from hotels.accommodation_types where tenant_id = $1
    union all select 'unit', id::text, xmin::text from hotels.accommodation_units where tenant_id = $1
    union all select 'reservation', id::text, xmin::text from public.guest_reservations where tenant_id = $1
    union all select 'room', id::text, xmin::text from public.reservation_accommodations where tenant_id = $1
    union all select 'block', id::text, xmin::text from public.calendar_blocks where tenant_id = $1
    order by 1, 2`, [tenantId]);
  return rows.map((r) => `${r.t}:${r.id}:${r.xmin}`);
}

/** The run's {status, error_code} once it is no longer running (polls for up to 30 s). */
export async function waitForRun(db, runId) {
  for (let i = 0; i < 300; i += 1) {
    const [run] = await db.query('select status, error_code from public.sync_runs where id = $1', [runId]);
    if (run && run.status !== 'running') return run;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`run ${runId} still running after 30 s`);
}

/**
 * A client that leaves a Sync All mid-stream: POSTs `url` (a full pass, so every bookings page is fetched),
 * reads until the reservations stage while the simulated site holds bookings pages 3 onward, closes the
 * connection, lets the site go on, and returns the run's end ({status, error_code}).
 */
export async function leaveMidSync({ url, headers, sim, db }) {
  const release = sim.hold(({ endpoint, page }) => endpoint === 'bookings' && page >= 3);
  try {
    const leave = new AbortController();
    const response = await fetch(url, { method: 'POST', headers, signal: leave.signal });
    if (response.status !== 200) throw new Error(`sync-all answered ${response.status}: ${await response.text()}`);
    const { events, ended } = await readSse(response, (seen) => seen.some((e) => e.data.stage === 'reservations'));
    if (ended) throw new Error('the run ended before the client could leave');
    leave.abort(); // the connection closes
    await new Promise((r) => setTimeout(r, 500)); // for the server to see it go
    release();
    return await waitForRun(db, events[0].data.run_id);
  } finally {
    release();
  }
}

/**
 * Reads a Sync All's SSE response to its end and checks what every deployed form must show: an event
 * stream, accommodations before reservations, a `complete` last event. Returns the events and the last one.
 */
export async function readCompleteSyncAll(response) {
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const { events, ended } = await readSse(response);
  expect(ended).toBe(true);
  expect(events[0].data).toMatchObject({ type: 'progress', stage: 'accommodations' });
  const stages = events.map((e) => e.data.stage);
  expect(stages.lastIndexOf('accommodations')).toBeLessThan(stages.indexOf('reservations'));
  const last = events.at(-1).data;
  expect(last.type).toBe('complete');
  return { events, last, runId: events[0].data.run_id };
}
