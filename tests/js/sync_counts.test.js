// A run's counts are what its stages wrote (SPEC §5 `complete` carries the run's counts): for every
// simulator profile, the first Sync All's counts equal the rows that appeared — units fetched by id in
// the reservations stage and placeholders included — and a no-op re-sync counts nothing but "unchanged".
import { jest } from '@jest/globals';

import { closeTemplates, databaseKinds } from './support/test_databases.js';
import { createSyncHarness } from './support/sync_harness.js';

jest.setTimeout(180_000);
afterAll(() => closeTemplates());

const PROFILES = ['indo', 'simmerdown', 'testhotel', 'airbnb-heavy', 'large'];

describe.each(databaseKinds())('run counts on %s', (kind) => {
  let h;
  beforeAll(async () => {
    h = await createSyncHarness(kind, { hotels: 'indo,simmerdown,testhotel,airbnb-heavy,large=large:500', seed: 1 });
    for (const p of PROFILES) await h.addTenant(p);
  });
  afterAll(() => h?.close());

  const tableCounts = async (tenantId) => (await h.db.query(`select
      (select count(*) from hotels.accommodation_types where tenant_id = $1)::int as types,
      (select count(*) from hotels.accommodation_units where tenant_id = $1)::int as units,
      (select count(*) from hotels.accommodation_units where tenant_id = $1 and is_placeholder)::int
        + (select count(*) from hotels.accommodation_types where tenant_id = $1 and is_placeholder)::int as placeholders,
      (select count(*) from public.guest_reservations where tenant_id = $1)::int as reservations,
      (select count(distinct external_booking_id) from public.calendar_blocks where tenant_id = $1)::int as blocks,
      (select count(*) from public.guest_reservations where tenant_id = $1 and status = 'cancelled')::int as cancelled`, [tenantId]))[0];

  test.each(PROFILES)('%s: the first run counts every row it wrote; a re-sync counts none', async (p) => {
    const tenantId = h.tenant(p).tenant_id;
    const events = [];
    const first = await h.syncAll(p, { events });
    const t = await tableCounts(tenantId);
    const c = first.counts;
    expect({ types: c.types_created, units: c.units_created, placeholders: c.placeholders, bookings: c.created, blocks: c.blocks, cancelled: c.cancelled })
      .toEqual({ types: t.types, units: t.units, placeholders: t.placeholders, bookings: t.reservations + t.blocks, blocks: t.blocks, cancelled: t.cancelled });
    expect(c.updated).toBe(0);
    expect(events.at(-1)).toMatchObject({ type: 'complete', counts: c });
    const [run] = await h.db.query('select counts from public.sync_runs where id = $1', [first.runId]);
    expect(run.counts).toEqual(c);

    const second = await h.syncAll(p);
    expect(second.counts).toMatchObject({ types_created: 0, types_updated: 0, units_created: 0, units_updated: 0, created: 0, updated: 0, placeholders: 0, gone: 0 });
    expect(second.counts.unchanged).toBe(t.reservations + t.blocks);
    const [listed] = await h.db.query(`select (select count(*) from hotels.accommodation_types where tenant_id = $1 and is_active)::int as types,
      (select count(*) from hotels.accommodation_units where tenant_id = $1 and is_active)::int as units`, [tenantId]);
    expect({ types: second.counts.types_unchanged, units: second.counts.units_unchanged }).toEqual(listed);
  });
});
