// The dry-run preview in a real browser (Debian chromium driven by playwright-core) against the real
// server, the simulator and a real database: for each simulator profile, after upstream edits (a
// cancellation, a room change, a new unit, a trashed booking, a malformed record; then the record
// repaired, so the trashed booking is confirmed gone), the page shows exactly
// what the following real Sync All writes; its diff is byte-identical to `sync-all --dry-run`'s (Node) and
// to the native build's; export files work with no server; the page keeps ticking while its worker maps
// 10,000 bookings; the consumer key and secret appear in no response and no page state; another tenant's
// token is refused. A screenshot is kept in test-artifacts/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { jest } from '@jest/globals';

import { loadCore } from '../../js/core.js';
import { PreviewDriver } from '../../js/preview_driver.js';
import { startHttpServer } from '../../host/http/node_server.js';
import { createStaffToken } from '../../host/http/staff_tokens.js';
import { createMotoPressClient } from '../../host/motopress/motopress_client.js';
import { startSimulator } from '../../host/simulator/simulator_server.js';
import { runSync } from '../../host/sync/sync_runner.js';
import { createCipher } from '../../host/tenants/credential_cipher.js';
import { addTenant } from '../../host/tenants/tenant_store.js';
import { recordPreviewTranscript } from './support/preview_transcript.js';
import { bookingVersions, bookingsWritten } from './support/booking_versions.js';
import { closeTemplates, openTestDatabase } from './support/test_databases.js';

jest.setTimeout(240_000);

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];
const ARTIFACTS = join(ROOT, 'test-artifacts');
const NATIVE = process.env.MPHB_PLAN_NATIVE ?? join(ROOT, 'build/native/mphb_plan_native');
const TEST_KEY = Buffer.alloc(32, 7).toString('base64');
const PROFILES = ['testhotel', 'indo', 'simmerdown', 'airbnb-heavy'];
const NOW = new Date('2026-12-01T12:00:00Z');
const WRITES = new Set(['create', 'update', 'cancel', 'block', 'gone']);
const COUNTS = ['types_created', 'types_updated', 'types_unchanged', 'types_deactivated', 'units_created', 'units_updated', 'units_unchanged',
  'units_deactivated', 'created', 'updated', 'unchanged', 'cancelled', 'blocks', 'placeholders', 'gone'];

const runnable = existsSync(CHROMIUM) || Boolean(process.env.CI);
if (!runnable) console.warn(`preview_browser.test.js skipped: ${CHROMIUM} is missing (apt-get install -y chromium). In CI (CI set) it runs and fails instead.`);
const describeBrowser = runnable ? describe : describe.skip;

// The edits staff most want to see coming, through the site's own methods.
function editUpstream(site) {
  const live = () => site.list('bookings').filter((e) => e.meta.post_status !== 'trash' && e.record.status !== 'cancelled');
  // Guests' bookings (a calendar block would be written as a block, whatever the edit).
  const [cancel, move, trash, broken] = live().filter((e) => (e.record.reserved_accommodations ?? []).length > 0 && (e.record.customer?.first_name || e.record.customer?.email));
  site.updateBooking(cancel.record.id, { status: 'cancelled' });
  const type = site.list('accommodation_types').find((e) => e.meta.post_status !== 'trash');
  const unit = site.addUnit({ accommodation_type_id: type.record.id, title: 'Preview Suite' });
  site.updateBooking(move.record.id, { reserved_accommodations: [{ ...move.record.reserved_accommodations[0], accommodation: unit.record.id, accommodation_type: type.record.id }] });
  site.trash('bookings', trash.record.id);
  const brokenCheckOut = broken.record.check_out_date;
  site.updateBooking(broken.record.id, { check_out_date: '2020-01-01' });
  return { cancelled: cancel.record.id, moved: move.record.id, trashed: trash.record.id, broken: broken.record.id, brokenCheckOut, unit: unit.record.id };
}

// The diff the native build computes from the same bytes the server streamed (a transcript of them).
function nativeDiff(transcript) {
  if (!existsSync(NATIVE)) throw new Error(`${NATIVE} is missing: build it with cmake --build build/native (npm test does)`);
  const dir = mkdtempSync(join(tmpdir(), 'mphb-preview-'));
  const file = join(dir, 'transcript.json');
  writeFileSync(file, JSON.stringify(transcript));
  try {
    return execFileSync(NATIVE, ['--preview', file], { maxBuffer: 256 * 1024 * 1024 });
  } catch (error) {
    if (error.status === 1) return error.stdout; // a diff with errors is still a diff
    throw error;
  }
}

describeBrowser(`the preview page in chromium${runnable ? '' : ' (skipped: chromium is missing)'}`, () => {
  let db;
  let sim;
  let server;
  let browser;
  let core;
  let cipher;
  const tenants = new Map();

  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    [db, sim, core, browser, cipher] = await Promise.all([
      openTestDatabase('pglite'),
      startSimulator({ hotels: [...PROFILES, 'other=testhotel', 'big=large:10000'].join(','), seed: 7 }),
      loadCore(),
      chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
      createCipher(TEST_KEY),
    ]);
    for (const name of [...PROFILES, 'other', 'big']) {
      const hotel = sim.hotels.find((h) => h.name === name);
      const tenant = await addTenant(db, cipher, {
        slug: name, name: hotel.title, siteUrl: hotel.siteUrl, consumerKey: hotel.keys.readWrite.key, consumerSecret: hotel.keys.readWrite.secret,
      });
      const { token } = await createStaffToken(db, { tenantId: tenant.tenant_id, role: 'staff' });
      tenants.set(name, { ...tenant, token, hotel });
    }
    server = await startHttpServer({ port: 0, db, core, encryptionKey: TEST_KEY, clock: () => NOW, clientOptions: { retries: 2, timeoutMs: 20_000 } });
    await mkdir(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await sim?.stop();
    await db?.close();
    await closeTemplates();
  });

  const clientOf = (name) => {
    const { hotel } = tenants.get(name);
    return createMotoPressClient({ siteUrl: hotel.siteUrl, consumerKey: hotel.keys.readWrite.key, consumerSecret: hotel.keys.readWrite.secret, tenant: name, sleep: async () => {}, retries: 2 });
  };
  const syncAll = async (name) => {
    const t = tenants.get(name);
    try {
      return { ...(await runSync({ db, core, tenant: { tenant_id: t.tenant_id, slug: name }, client: clientOf(name), pass: 'full' })).counts, failed: null, rejectedIds: [] };
    } catch (error) {
      if (!error.counts) throw error;
      return { ...error.counts, failed: error.code, rejectedIds: [...new Set((error.details?.errors ?? []).map((e) => e.booking_id))].sort((a, b) => a - b) };
    }
  };

  /** Opens /preview in a fresh context, runs the preview of `name` with `token`, and waits for its end. */
  async function preview(name, { token = tenants.get(name).token } = {}) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
    const page = await context.newPage();
    const problems = [];
    const bodies = [];
    const workers = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('worker', (w) => workers.push(new URL(w.url()).pathname));
    page.on('response', async (r) => { try { bodies.push(await r.body()); } catch { /* redirects, aborted */ } });
    await page.goto(`${server.url}/preview?tenant=${name}`);
    await page.fill('#token', token);
    await page.click('[data-testid="preview-button"]');
    await page.waitForFunction(() => ['done', 'error'].includes(window.mphbPreview.status), null, { timeout: 200_000 });
    const state = await page.evaluate(() => ({ status: window.mphbPreview.status, error: window.mphbPreview.error ?? null, diffText: window.mphbPreview.diffText,
      maxGapMs: window.mphbPreview.maxGapMs, ticks: window.mphbPreview.ticks }));
    return { context, page, problems, bodies, workers, state };
  }

  test.each(PROFILES)('%s: the page shows exactly what the next Sync All writes; browser, Node and native agree byte for byte', async (name) => {
    const t = tenants.get(name);
    await syncAll(name);
    const edits = editUpstream(sim.site(t.hotel.name));

    const { context, page, problems, state } = await preview(name);
    try {
      expect(problems).toEqual([]);
      expect(state.error).toBeNull();
      const diff = JSON.parse(state.diffText);

      // Node's dry run at the same instant gives the same bytes; so does the native build, from the
      // bytes MotoPress and the database answered (recorded as a transcript).
      const { transcript, diffText } = await recordPreviewTranscript({ db, core, tenant: { tenant_id: t.tenant_id, slug: name }, client: clientOf(name), clock: () => NOW });
      expect(diffText).toBe(state.diffText);
      expect(nativeDiff(transcript).toString('utf8')).toBe(state.diffText);

      // What the page shows: every edit with its outcome.
      const outcomeOf = async (id) => page.getAttribute(`[data-testid="diff-table"] tr[data-booking-id="${id}"]`, 'data-outcome');
      expect(await outcomeOf(edits.cancelled)).toBe('cancel');
      expect(await outcomeOf(edits.moved)).toBe('update');
      expect(await outcomeOf(edits.broken)).toBe('rejected');
      // A pass with a rejected booking is not reconciled: the trashed booking is not called gone this
      // time (nor marked by the sync), and the page says why.
      expect(await page.$(`[data-testid="diff-table"] tr[data-booking-id="${edits.trashed}"]`)).toBeNull();
      expect(await page.textContent('[data-testid="status"]')).toMatch(/not reconciled/);
      expect(await page.textContent(`tr[data-booking-id="${edits.moved}"]`)).toContain('Preview Suite');
      expect(await page.$$eval('[data-testid="units-table"] tr[data-outcome="create"]', (rows) => rows.map((r) => r.textContent))).toEqual([expect.stringContaining('Preview Suite')]);
      // The rejection links to its record.
      await page.click(`tr[data-booking-id="${edits.broken}"] [data-testid="record-link"]`);
      expect(JSON.parse(await page.textContent('[data-testid="raw-record"]')).id).toBe(edits.broken);
      if (name === PROFILES[0]) {
        await page.screenshot({ path: join(ARTIFACTS, 'preview-page.png'), fullPage: true });
        // Filter, sort, export: the table narrows to one outcome, sorts by a column, and the export is the diff.
        await page.selectOption('[data-testid="outcome-filter"]', '*');
        const shown = () => page.$$eval('[data-testid="diff-table"] tbody tr', (rows) => rows.map((r) => [Number(r.dataset.bookingId), r.dataset.outcome]));
        const all = await shown();
        expect(all.map(([id]) => id)).toEqual(diff.bookings.map((b) => b.booking_id));
        await page.click('th[data-key="booking_id"]');
        expect((await shown()).map(([id]) => id)).toEqual(diff.bookings.map((b) => b.booking_id).reverse());
        await page.selectOption('[data-testid="outcome-filter"]', 'cancel');
        expect(await shown()).toEqual(diff.bookings.filter((b) => b.outcome === 'cancel').map((b) => [b.booking_id, 'cancel']).reverse());
        await page.fill('[data-testid="search"]', String(edits.cancelled));
        expect(await shown()).toEqual([[edits.cancelled, 'cancel']]);
        const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export"]')]);
        const { readFile } = await import('node:fs/promises');
        expect(await readFile(await download.path(), 'utf8')).toBe(state.diffText);
        expect(download.suggestedFilename()).toBe(`mphb-preview-${name}-2026-12-01T12-00-00Z.json`);
      }

      // The real Sync All that follows writes exactly what the page said.
      expect((await expectNextSyncWrites(name, diff)).failed).toBe('invalid_records');
    } finally {
      await context.close();
    }

    // The record repaired upstream: the pass is whole again, and the trashed booking is confirmed gone.
    sim.site(t.hotel.name).updateBooking(edits.broken, { check_out_date: edits.brokenCheckOut });
    const again = await preview(name);
    try {
      expect(again.state.error).toBeNull();
      const outcome = await again.page.getAttribute(`[data-testid="diff-table"] tr[data-booking-id="${edits.trashed}"]`, 'data-outcome');
      expect(outcome).toBe('gone');
      expect((await expectNextSyncWrites(name, JSON.parse(again.state.diffText))).failed).toBeNull();
    } finally {
      await again.context.close();
    }
  });

  // Runs the real Sync All and checks it wrote exactly the bookings the diff named, with its counts.
  async function expectNextSyncWrites(name, diff) {
    const t = tenants.get(name);
    const before = await bookingVersions(db, t.tenant_id);
    const counts = await syncAll(name);
    const after = await bookingVersions(db, t.tenant_id);
    expect(Object.fromEntries(COUNTS.map((k) => [k, diff.counts[k]]))).toEqual(Object.fromEntries(COUNTS.map((k) => [k, counts[k]])));
    const written = bookingsWritten(before, after);
    expect(written).toEqual(diff.bookings.filter((b) => WRITES.has(b.outcome)).map((b) => b.booking_id));
    expect(counts.rejectedIds).toEqual(diff.bookings.filter((b) => b.outcome === 'rejected').map((b) => b.booking_id));
    return counts;
  }

  test('mounted under a path (as on Supabase, /functions/v1/mphb-sync/): the page, its worker and the API resolve under it', async () => {
    const { serve } = await import('@hono/node-server');
    const prefix = '/functions/v1/mphb-sync';
    // Only requests under the prefix reach the app, with the prefix removed (what edge_app.js does).
    const mounted = await new Promise((resolve) => {
      const s = serve({ port: 0, hostname: '127.0.0.1', fetch: (request) => {
        const url = new URL(request.url);
        if (!url.pathname.startsWith(`${prefix}/`)) return new Response('not under the mount', { status: 404 });
        url.pathname = url.pathname.slice(prefix.length);
        return server.app.fetch(new Request(url, request));
      } }, (info) => resolve({ url: `http://127.0.0.1:${info.port}`, close: () => new Promise((r) => { s.close(r); }) }));
    });
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${mounted.url}${prefix}/preview?tenant=other`);
      await page.fill('#token', tenants.get('other').token);
      await page.click('[data-testid="preview-button"]');
      await page.waitForFunction(() => ['done', 'error'].includes(window.mphbPreview.status), null, { timeout: 60_000 });
      expect(await page.evaluate(() => window.mphbPreview.error ?? null)).toBeNull();
      expect(await page.getAttribute('#staff-link', 'href')).toBe('./');
    } finally {
      await context.close();
      await mounted.close();
    }
  });

  test('export files with no server: the example hotel, as the core plans it offline', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${server.url}/preview`);
      const example = join(ROOT, 'examples/seaside-hotel');
      await page.setInputFiles('[data-testid="file-input"]', ['accommodation_types.json', 'accommodations.json', 'bookings.json'].map((f) => join(example, f)));
      await page.waitForFunction(() => ['done', 'error'].includes(window.mphbPreview.status), null, { timeout: 60_000 });
      const { diffText, error } = await page.evaluate(() => ({ diffText: window.mphbPreview.diffText, error: window.mphbPreview.error ?? null }));
      expect(error).toBeNull();
      const diff = JSON.parse(diffText);
      // Node replays the same files at the page's instant: the same bytes.
      const { readFileSync } = await import('node:fs');
      const read = (f) => readFileSync(join(example, f), 'utf8');
      const replay = core.syncPreview({ tenantId: diff.tenant_id, now: diff.now, stored: {} });
      try {
        const driver = new PreviewDriver(replay, { fetchUnit: async (id) => ({ id, status: 404, body: null }) });
        driver.accommodations(read('accommodation_types.json'), read('accommodations.json'));
        const list = JSON.parse(read('bookings.json'));
        for (const p of list.every(Array.isArray) ? list : [list]) await driver.page(new TextEncoder().encode(JSON.stringify(p)));
        expect(driver.diffText()).toBe(diffText);
      } finally {
        replay.close();
      }
      const plan = core.plan({ tenantId: diff.tenant_id, now: diff.now, accommodationTypes: read('accommodation_types.json'), accommodations: read('accommodations.json'), bookings: read('bookings.json') });
      expect(diff.bookings.filter((b) => b.outcome === 'create' || b.outcome === 'cancel').length).toBe(plan.reservations.length);
      expect(diff.bookings.filter((b) => b.outcome === 'block').length).toBe(new Set(plan.calendar_blocks.map((b) => b.external_booking_id)).size);
      expect(await page.textContent('[data-testid="chosen-files"]')).toBe('Read: types, units, bookings');
    } finally {
      await context.close();
    }
  });

  test('10,000 bookings: the worker maps them while the page keeps ticking', async () => {
    const { context, state, workers } = await preview('big');
    try {
      expect(state.error).toBeNull();
      expect(JSON.parse(state.diffText).bookings.length).toBe(10_000);
      expect(workers).toEqual(['/preview/js/preview_worker.js']);
      // The heartbeat runs every 100 ms on the page's thread: a thread busy mapping would stop it.
      expect(state.maxGapMs).toBeLessThan(1500);
      expect(state.ticks).toBeGreaterThan(5);
    } finally {
      await context.close();
    }
  });

  test('the consumer key and secret appear in no response and no page state; another tenant\'s token is refused', async () => {
    const t = tenants.get('testhotel');
    const { context, page, bodies, state } = await preview('testhotel');
    try {
      expect(state.error).toBeNull();
      const pageState = await page.evaluate(() => JSON.stringify({ preview: window.mphbPreview, session: { ...sessionStorage }, local: { ...localStorage }, html: document.documentElement.outerHTML }));
      for (const secret of [t.hotel.keys.readWrite.key, t.hotel.keys.readWrite.secret]) {
        expect(pageState.includes(secret)).toBe(false);
        expect(bodies.some((b) => b.includes(secret))).toBe(false);
      }
    } finally {
      await context.close();
    }
    const refused = await preview('testhotel', { token: tenants.get('other').token });
    try {
      expect(refused.state.status).toBe('error');
      expect(refused.state.error.code).toBe('forbidden_tenant');
      expect(await refused.page.textContent('[data-testid="status"]')).toMatch(/another tenant/);
    } finally {
      await refused.context.close();
    }
    for (const path of ['preview/source?tenant_id=testhotel', 'preview/record?tenant_id=testhotel&collection=bookings&id=1']) {
      const response = await fetch(`${server.url}/api/integrations/motopress/${path}`, { headers: { Authorization: `Bearer ${tenants.get('other').token}` } });
      expect({ path, status: response.status, code: (await response.json()).code }).toEqual({ path, status: 403, code: 'forbidden_tenant' });
    }
  });
});
