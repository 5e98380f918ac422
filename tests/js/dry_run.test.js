// The dry run (`sync-all --dry-run`, the browser preview's core) says what the next Sync All writes, row
// for row: for random hotels and random upstream edits, a dry run followed by a real sync — the sync's
// counts equal the dry run's, the bookings whose rows the sync wrote are exactly those the dry run called
// create / update / cancel / block / gone, and the bookings it rejected are those the sync could not map.
// Also: the changed fields of an update.
import { jest } from '@jest/globals';

import { loadCore } from '../../js/core.js';
import { PreviewDriver } from '../../js/preview_driver.js';
import { runDryRun } from '../../host/preview/dry_run.js';
import { bookingVersions, bookingsWritten } from './support/booking_versions.js';
import { closeTemplates, databaseKinds } from './support/test_databases.js';
import { createSyncHarness } from './support/sync_harness.js';
import { prng } from './support/seeded_random.js';
import { upstreamEditor } from './support/upstream_editor.js';

jest.setTimeout(120000);

const COUNTS = ['types_created', 'types_updated', 'types_unchanged', 'types_deactivated', 'units_created', 'units_updated', 'units_unchanged',
  'units_deactivated', 'created', 'updated', 'unchanged', 'cancelled', 'blocks', 'placeholders', 'gone'];
const WRITES = new Set(['create', 'update', 'cancel', 'block', 'gone']);

async function syncCounts(h, hotel) {
  try {
    return { ...(await h.syncAll(hotel)).counts, failed: null, rejectedIds: [] };
  } catch (error) {
    if (!error.counts) throw error;
    return { ...error.counts, failed: error.code, rejectedIds: [...new Set((error.details?.errors ?? []).map((e) => e.booking_id))].sort((a, b) => a - b) };
  }
}

const pick = (counts) => Object.fromEntries(COUNTS.map((k) => [k, counts[k]]));

describe.each(databaseKinds())('dry run on %s', (kind) => {
  afterAll(async () => { await closeTemplates(); });

  test.each([[11, 'testhotel'], [23, 'airbnb-heavy'], [37, 'simmerdown']])('seed %i, hotel %s: the next sync writes exactly what the dry run said', async (seed, hotel) => {
    const h = await createSyncHarness(kind, { hotels: hotel, seed });
    try {
      const tenant = await h.addTenant(hotel);
      const site = h.sim.site(hotel);
      const rng = prng(seed);
      const edit = upstreamEditor(site, rng);
      const log = [];
      const outcomes = new Set();
      for (let round = 0; round <= 4; round += 1) {
        const edits = round === 0 ? [] : Array.from({ length: rng.int(2, 8) }, () => edit());
        if (round === 2) {
          // What staff most want to see coming: a cancellation, a trashed booking, a new unit.
          const live = site.list('bookings').filter((e) => e.meta.post_status !== 'trash' && e.record.status !== 'cancelled');
          site.updateBooking(live[0].record.id, { status: 'cancelled' });
          site.trash('bookings', live[1].record.id);
          const type = site.list('accommodation_types').find((e) => e.meta.post_status !== 'trash');
          const unit = site.addUnit({ accommodation_type_id: type.record.id, title: 'Preview unit' });
          edits.push(`cancel ${live[0].record.id}, trash ${live[1].record.id}, add unit ${unit.record.id}`);
        }
        if (round === 3) {
          // A malformed record: the sync rejects it whole, and so does the dry run.
          const victim = rng.pick(site.list('bookings').filter((e) => e.meta.post_status !== 'trash'));
          site.updateBooking(victim.record.id, { check_out_date: '2020-01-01' });
          edits.push(`malformed ${victim.record.id}`);
        }
        log.push(`round ${round}: ${edits.join(', ') || 'no edits'}`);
        const context = log.join(' | ');

        const { diff } = await runDryRun({ db: h.db, core: h.core, tenant: { tenant_id: tenant.tenant_id, slug: hotel }, client: h.client(hotel) });
        const before = await bookingVersions(h.db, tenant.tenant_id);
        const counts = await syncCounts(h, hotel);
        const after = await bookingVersions(h.db, tenant.tenant_id);

        expect({ context, counts: pick(diff.counts) }).toEqual({ context, counts: pick(counts) });
        const written = bookingsWritten(before, after);
        const said = diff.bookings.filter((b) => WRITES.has(b.outcome)).map((b) => b.booking_id);
        expect({ context, written }).toEqual({ context, written: said });
        const rejected = diff.bookings.filter((b) => b.outcome === 'rejected').map((b) => b.booking_id);
        expect({ context, rejected }).toEqual({ context, rejected: counts.rejectedIds });
        expect({ context, failed: counts.failed }).toEqual({ context, failed: rejected.length > 0 ? 'invalid_records' : null });
        if (round === 3) expect(rejected.length).toBeGreaterThan(0);
        if (round === 2) expect(diff.accommodation_units.filter((u) => u.outcome === 'create').map((u) => u.name)).toEqual(['Preview unit']);
        for (const b of diff.bookings) outcomes.add(b.outcome);
      }
      for (const outcome of ['create', 'update', 'unchanged', 'cancel', 'gone', 'rejected']) expect({ outcome, seen: outcomes.has(outcome) }).toEqual({ outcome, seen: true });
    } finally {
      await h.close();
    }
  });

  test('an update names the fields it changes, old and new', async () => {
    const h = await createSyncHarness(kind, { hotels: 'testhotel', seed: 5 });
    try {
      const tenant = await h.addTenant('testhotel');
      await h.syncAll('testhotel');
      const site = h.sim.site('testhotel');
      const target = site.list('bookings').find((e) => e.meta.post_status !== 'trash' && e.record.customer?.first_name && e.record.status === 'confirmed');
      const { first_name: first, last_name: last } = target.record.customer;
      site.updateBooking(target.record.id, { customer: { first_name: 'Renamed' } });
      const cancelled = site.list('bookings').find((e) => e.meta.post_status !== 'trash' && e.record.status === 'confirmed' && e.record.id !== target.record.id);
      site.updateBooking(cancelled.record.id, { status: 'cancelled' });

      const { diff, diffText } = await runDryRun({ db: h.db, core: h.core, tenant: { tenant_id: tenant.tenant_id, slug: 'testhotel' }, client: h.client('testhotel') });
      const update = diff.bookings.find((b) => b.booking_id === target.record.id);
      expect(update.outcome).toBe('update');
      expect(update.changed).toEqual([
        { field: 'guest_first_name', old: first, new: 'Renamed' },
        { field: 'guest_name', old: last ? `${first} ${last}` : first, new: last ? `Renamed ${last}` : 'Renamed' },
      ]);
      const cancel = diff.bookings.find((b) => b.booking_id === cancelled.record.id);
      expect(cancel.outcome).toBe('cancel');
      expect(cancel.changed.map((c) => c.field)).toEqual(['mphb_status', 'status']);
      expect(diff.bookings.filter((b) => b.outcome !== 'unchanged').map((b) => b.booking_id).sort()).toEqual([target.record.id, cancelled.record.id].sort());
      expect(JSON.parse(diffText)).toEqual(diff);
      expect(diff.counts).toMatchObject({ updated: 2, cancelled: 1, created: 0 });
    } finally {
      await h.close();
    }
  });
});

// The sync reconciles whenever the core says the pass saw enough (seen ≥ X-WP-Total, no page errors),
// even when the total moved during the pass (a booking created mid-pass): the dry run must too.
describe('the dry run reconciles as the sync does', () => {
  test('a pass whose totals moved is still reconciled when the core says it is complete', async () => {
    const { readFileSync } = await import('node:fs');
    const example = (f) => readFileSync(new URL(`../../examples/seaside-hotel/${f}`, import.meta.url), 'utf8');
    const core = await loadCore();
    const bookings = JSON.parse(example('bookings.json'));
    const preview = core.syncPreview({ tenantId: '0b6e0f36-8f3e-4c55-9a51-4a1f6d2e9c10', now: '2026-12-01T12:00:00Z',
      stored: { bookings: { 999999: { hash: 'h', kind: 'reservation', is_active: true } } } });
    try {
      const asked = [];
      const driver = new PreviewDriver(preview, {
        fetchUnit: async (id) => ({ id, status: 404, body: null }),
        fetchBooking: async (id) => { asked.push(id); return { status: 404, body: '' }; },
      });
      driver.accommodations(example('accommodation_types.json'), example('accommodations.json'));
      await driver.page(new TextEncoder().encode(JSON.stringify(bookings)));
      const reconcile = await driver.finish({ total: bookings.length, consistent: false });
      expect(reconcile.complete).toBe(true);
      expect(asked).toEqual([999999]);
      expect(driver.diff().counts.gone).toBe(1);
    } finally {
      preview.close();
    }
  });
});
