// The dry run's diff is the same bytes from the WASM core (Node, the browser preview) and the native g++
// build: a real `sync-all --dry-run` over simulated hotels with upstream edits is recorded as a preview
// transcript (every input the core was given), replayed through the WASM core and through
// `mphb_plan_native --preview`, and the three diff texts compared byte for byte.
import { jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { closeTemplates } from './support/test_databases.js';
import { createSyncHarness } from './support/sync_harness.js';
import { recordPreviewTranscript, replayPreviewTranscript } from './support/preview_transcript.js';
import { prng } from './support/seeded_random.js';
import { upstreamEditor } from './support/upstream_editor.js';

jest.setTimeout(120000);

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// Where CI builds it; MPHB_PLAN_NATIVE points elsewhere (a build directory of one's own).
const NATIVE = process.env.MPHB_PLAN_NATIVE || join(ROOT, 'build/native/mphb_plan_native');
const NOW = new Date('2026-12-01T10:00:00Z');

let dir;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'mphb-preview-parity-')); });
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await closeTemplates();
});

// A missing binary fails the test: a parity check that silently does not run checks nothing.
function nativeBinary() {
  if (!existsSync(NATIVE)) {
    throw new Error(`mphb_plan_native not found at ${NATIVE}: build it (cmake -S . -B build/native && cmake --build build/native --target mphb_plan_native) or set MPHB_PLAN_NATIVE`);
  }
  return NATIVE;
}

function runNative(args) {
  return spawnSync(nativeBinary(), args, { maxBuffer: 256 * 1024 * 1024 });
}

// The first sync may reject malformed upstream bookings (it still writes the rest): that is a state too.
async function syncOnce(h, hotel) {
  try {
    await h.syncAll(hotel);
  } catch (error) {
    if (!error.counts) throw error;
  }
}

// Edits the dry run must fetch for: two bookings naming units the database lacks and the list leaves out
// (one trashed upstream: GET answers it; one deleted for good: 404, a placeholder), a cancellation, a trashed
// booking (missing from the pass: confirmed by GET) and, when asked, a malformed booking (rejected: the
// diff has errors, the native exit code 1). Says what it did.
function editsToFetch(site, { malformed }) {
  const type = site.list('accommodation_types').find((e) => e.meta.post_status !== 'trash');
  const trashedUnit = site.addUnit({ accommodation_type_id: type.record.id, title: 'Parity trashed unit' });
  const goneUnit = site.addUnit({ accommodation_type_id: type.record.id, title: 'Parity gone unit' });
  for (const unit of [trashedUnit, goneUnit]) {
    site.createBooking({ reserved_accommodations: [{ accommodation: unit.record.id, accommodation_type: type.record.id, rate: 0, adults: 2, children: 0, guest_name: '' }] });
  }
  site.trash('accommodations', trashedUnit.record.id);
  site.deletePermanently('accommodations', goneUnit.record.id);
  const live = site.list('bookings').filter((e) => e.meta.post_status !== 'trash' && e.record.status !== 'cancelled');
  site.updateBooking(live[0].record.id, { status: 'cancelled' });
  site.trash('bookings', live[1].record.id);
  if (malformed) site.updateBooking(live[2].record.id, { check_out_date: '2020-01-01' });
  return {
    cancelled: live[0].record.id,
    units: [trashedUnit.record.id, goneUnit.record.id],
    said: `unit ${trashedUnit.record.id} trashed and ${goneUnit.record.id} deleted, each booked; cancel ${live[0].record.id}, trash ${live[1].record.id}${malformed ? `, malformed ${live[2].record.id}` : ''}`,
  };
}

test.each([[3, 'testhotel', false], [7, 'indo', true], [23, 'airbnb-heavy', false], [37, 'simmerdown', false]])('seed %i, hotel %s (malformed booking: %s): WASM replay and native diff are byte-identical to the dry run', async (seed, hotel, malformed) => {
  const native = nativeBinary();
  const h = await createSyncHarness('pglite', { hotels: hotel, seed });
  try {
    const tenant = await h.addTenant(hotel);
    await syncOnce(h, hotel);

    const site = h.sim.site(hotel);
    const rng = prng(seed);
    const edit = upstreamEditor(site, rng);
    const edits = Array.from({ length: 6 }, () => edit());
    const fetched = editsToFetch(site, { malformed });
    const context = `${edits.join(', ')}, ${fetched.said}`;

    const { transcript, diffText } = await recordPreviewTranscript({
      db: h.db, core: h.core, tenant: { tenant_id: tenant.tenant_id, slug: hotel }, client: h.client(hotel), clock: () => NOW,
    });
    const diff = JSON.parse(diffText);
    expect(transcript.now).toBe(NOW.toISOString());
    expect(transcript.pages.length).toBeGreaterThan(0);
    expect({ context, cancelled: diff.bookings.find((b) => b.booking_id === fetched.cancelled)?.outcome }).toEqual({ context, cancelled: 'cancel' });
    // The transcript holds the answers the core asked for: both units, and (a whole pass) a confirmation.
    expect({ context, units: fetched.units.map((id) => transcript.units[id]?.status) }).toEqual({ context, units: [200, 404] });
    if (!malformed) expect({ context, confirmed: Object.keys(transcript.bookings).length > 0 }).toEqual({ context, confirmed: true });
    expect({ context, errors: diff.errors.length > 0 }).toEqual({ context, errors: malformed });

    // (a) The transcript holds every input: the WASM core replays it to the same text.
    const file = join(dir, `${hotel}.json`);
    writeFileSync(file, JSON.stringify(transcript));
    expect({ context, replay: await replayPreviewTranscript(h.core, transcript) }).toEqual({ context, replay: diffText });

    // (b) The native build prints the same bytes, and says by its exit code whether the diff has errors.
    const run = spawnSync(native, ['--preview', file], { maxBuffer: 256 * 1024 * 1024 });
    expect({ context, status: run.status, stderr: run.stderr.toString() }).toEqual({ context, status: diff.errors.length > 0 ? 1 : 0, stderr: '' });
    const expected = Buffer.from(diffText, 'utf8');
    if (!run.stdout.equals(expected)) {
      // Name the first differing byte: a whole-diff comparison of megabytes says nothing useful.
      const at = [...expected].findIndex((byte, i) => run.stdout[i] !== byte);
      const from = Math.max(0, (at < 0 ? expected.length : at) - 120);
      expect({ context, native: run.stdout.subarray(from, from + 240).toString() }).toEqual({ context, native: expected.subarray(from, from + 240).toString() });
    }
    expect(run.stdout.equals(expected)).toBe(true);
  } finally {
    await h.close();
  }
});

test('the native preview mode refuses a missing or unreadable transcript with exit 2', () => {
  const missing = runNative(['--preview', join(dir, 'no-such-transcript.json')]);
  expect({ status: missing.status, stdout: missing.stdout.toString() }).toEqual({ status: 2, stdout: '' });
  expect(missing.stderr.toString()).toContain('no-such-transcript.json: cannot read');

  const notJson = join(dir, 'not-json.json');
  writeFileSync(notJson, '{"tenant_id": ');
  const broken = runNative(['--preview', notJson]);
  expect({ status: broken.status, stdout: broken.stdout.toString() }).toEqual({ status: 2, stdout: '' });

  const wrongShape = join(dir, 'wrong-shape.json');
  writeFileSync(wrongShape, JSON.stringify({ tenant_id: 'x', now: 'y', stored: '{}', accommodation_types: '[]', accommodations: '[]', pages: [1] }));
  const shape = runNative(['--preview', wrongShape]);
  expect({ status: shape.status, stderr: shape.stderr.toString().trim() }).toEqual({ status: 2, stderr: `${wrongShape}: pages[0] must be a string` });

  expect(runNative(['--preview']).status).toBe(2);
});
