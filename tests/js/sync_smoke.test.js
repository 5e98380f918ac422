// The shortest path through Sync All on each database: one small hotel, every invariant checked with
// SQL, then a re-sync that writes nothing.
import { jest } from '@jest/globals';

import { closeTemplates, databaseKinds } from './support/test_databases.js';
import { createSyncHarness } from './support/sync_harness.js';

jest.setTimeout(60000);

describe.each(databaseKinds())('sync-all on %s', (kind) => {
  let h;
  beforeAll(async () => {
    h = await createSyncHarness(kind, { hotels: 'indo' });
    await h.addTenant('indo');
  });
  afterAll(() => h?.close());

  test('indo lands with every reservation holding its rooms, and a re-sync writes no row', async () => {
    const first = await h.syncAll('indo');
    expect(first.status).toBe('succeeded');
    const tenantId = h.tenant('indo').tenant_id;
    const [{ n: reservations }] = await h.db.query('select count(*)::int as n from public.guest_reservations where tenant_id = $1', [tenantId]);
    expect(reservations).toBe(first.counts.created - first.counts.blocks);
    const nullUnits = await h.db.query('select id from public.guest_reservations where tenant_id = $1 and room_count > 0 and accommodation_unit_id is null', [tenantId]);
    expect(nullUnits).toEqual([]);
    const versions = async () => h.db.query(`select 'r' || id::text as k, xmin::text as v from public.guest_reservations
      union all select 'j' || id::text, xmin::text from public.reservation_accommodations
      union all select 'u' || id::text, xmin::text from hotels.accommodation_units
      union all select 't' || id::text, xmin::text from hotels.accommodation_types
      union all select 'b' || id::text, xmin::text from public.calendar_blocks order by 1`);
    const before = await versions();
    const second = await h.syncAll('indo');
    expect(second.counts).toMatchObject({ created: 0, updated: 0, types_created: 0, types_updated: 0, units_created: 0, units_updated: 0 });
    expect(await versions()).toEqual(before);
  });
});

afterAll(() => closeTemplates());
