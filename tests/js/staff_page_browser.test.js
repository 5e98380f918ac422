// The staff page in a real browser (Debian chromium driven by playwright-core) against the real server,
// the simulator and a real database: Sync All shows its stages in order and ends with the counts the
// database holds, the health verdict and the last runs; a wrong token, a second Sync All and a dropped
// connection are handled. Skipped only where chromium is missing and CI is not set.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import { jest } from '@jest/globals';

import { loadCore } from '../../js/core.js';
import { startHttpServer } from '../../host/http/node_server.js';
import { createStaffToken } from '../../host/http/staff_tokens.js';
import { startSimulator } from '../../host/simulator/simulator_server.js';
import { createCipher } from '../../host/tenants/credential_cipher.js';
import { addTenant } from '../../host/tenants/tenant_store.js';
import { closeTemplates, openTestDatabase } from './support/test_databases.js';

jest.setTimeout(120_000);

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const SCREENSHOT = `${ARTIFACTS}staff-page.png`;
const TEST_KEY = Buffer.alloc(32, 7).toString('base64');
const HOTEL = 'simmerdown';

const runnable = existsSync(CHROMIUM) || Boolean(process.env.CI);
if (!runnable) {
  console.warn(`staff_page_browser.test.js skipped: ${CHROMIUM} is missing (apt-get install -y chromium). In CI (CI set) it runs and fails instead.`);
}
const describeBrowser = runnable ? describe : describe.skip;

describeBrowser(`the staff page in chromium${runnable ? '' : ` (skipped: ${CHROMIUM} is missing)`}`, () => {
  let db;
  let sim;
  let server;
  let browser;
  let tenant;
  let token;
  let serverOptions;

  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    const cipher = await createCipher(TEST_KEY);
    let core;
    [db, sim, core, browser] = await Promise.all([
      openTestDatabase('pglite'),
      startSimulator({ hotels: HOTEL, seed: 1, latencyMs: 30 }),
      loadCore(),
      chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
    ]);
    const hotel = sim.hotels.find((h) => h.name === HOTEL);
    tenant = await addTenant(db, cipher, {
      slug: HOTEL, name: hotel.title, siteUrl: hotel.siteUrl, consumerKey: hotel.keys.readWrite.key, consumerSecret: hotel.keys.readWrite.secret,
    });
    ({ token } = await createStaffToken(db, { tenantId: tenant.tenant_id, role: 'staff' }));
    serverOptions = { port: 0, db, core, encryptionKey: TEST_KEY, clientOptions: { retries: 2, timeoutMs: 10_000 } };
    server = await startHttpServer(serverOptions);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await sim?.stop();
    await db?.close();
    await closeTemplates();
  });

  /** A fresh browser context (its own sessionStorage) with the page open for the tenant. */
  async function openPage() {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const requests = [];
    const problems = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${server.url}/?tenant=${HOTEL}`);
    return { context, page, requests, problems };
  }

  /** Records the order and time at which stage rows enter the page. */
  async function watchStages(page) {
    await page.evaluate(() => {
      window.stageLog = [];
      new MutationObserver((records) => {
        for (const r of records) {
          for (const n of r.addedNodes) {
            if (n.nodeType === 1 && n.dataset.stage) window.stageLog.push({ stage: n.dataset.stage, at: performance.now() });
          }
        }
      }).observe(document.getElementById('stages'), { childList: true });
    });
  }

  async function syncAllAndWait(page, tokenText = token) {
    await page.fill('#token', tokenText);
    await page.click('[data-testid="sync-all"]');
    await page.waitForFunction(() => ['succeeded', 'failed'].includes(document.body.dataset.syncState), null, { timeout: 90_000 });
  }

  async function shownCounts(page) {
    return page.$$eval('[data-testid="counts"] [data-count]', (cells) => Object.fromEntries(cells
      .filter((c) => c.textContent !== '—').map((c) => [c.dataset.count, Number(c.textContent)])));
  }

  async function databaseCounts() {
    const [row] = await db.query(`select
        (select count(*)::int from public.guest_reservations where tenant_id = $1) as reservations,
        (select count(distinct external_booking_id)::int from public.calendar_blocks where tenant_id = $1) as blocks,
        (select count(*)::int from public.guest_reservations where tenant_id = $1 and status = 'cancelled') as cancelled,
        (select count(*)::int from hotels.accommodation_types where tenant_id = $1) as types,
        (select count(*)::int from hotels.accommodation_units where tenant_id = $1) as units,
        (select count(*)::int from hotels.accommodation_units where tenant_id = $1 and is_placeholder)
          + (select count(*)::int from hotels.accommodation_types where tenant_id = $1 and is_placeholder) as placeholders`, [tenant.tenant_id]);
    return row;
  }

  test('Sync All: accommodations before reservations, the counts the database holds, healthy, a succeeded run', async () => {
    const { context, page, requests, problems } = await openPage();
    expect(await page.inputValue('#tenant')).toBe(HOTEL);
    await watchStages(page);

    await syncAllAndWait(page);
    expect(await page.evaluate(() => document.body.dataset.syncState)).toBe('succeeded');
    expect(await page.isHidden('[data-testid="error"]')).toBe(true);

    // Stages appeared one by one, accommodations first.
    const log = await page.evaluate(() => window.stageLog);
    const order = log.map((e) => e.stage);
    expect(order.slice(0, 2)).toEqual(['accommodations', 'reservations']);
    expect(new Set(order).size).toBe(order.length);
    expect(log[0].at).toBeLessThan(log[1].at);
    const rows = await page.$$eval('#stages > li', (lis) => lis.map((li) => ({ stage: li.dataset.stage, state: li.dataset.state })));
    expect(rows.map((r) => r.stage)).toEqual(order);
    expect(rows.every((r) => r.state === 'done')).toBe(true);

    // The counts shown are the run's counts and agree with the rows in the database.
    const runId = await page.evaluate(() => document.body.dataset.runId);
    const [run] = await db.query('select status, counts from public.sync_runs where id = $1', [runId]);
    expect(run.status).toBe('succeeded');
    const shown = await shownCounts(page);
    const numeric = Object.fromEntries(Object.entries(run.counts).filter(([, v]) => typeof v === 'number'));
    expect(shown).toEqual(numeric);
    const stored = await databaseCounts();
    expect(stored.reservations).toBeGreaterThan(0);
    expect(stored.blocks).toBeGreaterThan(0);
    expect(shown).toMatchObject({
      created: stored.reservations + stored.blocks, updated: 0, unchanged: 0,
      blocks: stored.blocks, cancelled: stored.cancelled, placeholders: stored.placeholders,
      types_created: stored.types,
    });
    expect(shown.units_created).toBeLessThanOrEqual(stored.units);
    expect(Number(await page.textContent('[data-testid="warning-count"]'))).toBe(shown.warnings);
    expect(await page.textContent('[data-testid="stage-reservations-fraction"]')).toBe(`${shown.pages} / ${shown.pages}`);

    // Health and the last runs are refreshed after the sync.
    await page.waitForSelector('[data-testid="health"][data-ok]');
    expect(await page.getAttribute('[data-testid="health"]', 'data-ok')).toBe('true');
    expect(await page.textContent('[data-testid="health"]')).toMatch(/all invariants hold/i);
    await page.waitForSelector(`[data-testid="runs"] tr[data-run-id="${runId}"][data-status="succeeded"]`);

    // The token stays in this tab's sessionStorage and in headers, never in a URL.
    expect(await page.evaluate(() => [...Object.values(sessionStorage)])).toContain(token);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(requests.filter((u) => u.includes(token))).toEqual([]);
    expect(requests.some((u) => u.includes('/sync-all?') && u.includes('ticket='))).toBe(true);
    expect(problems).toEqual([]);

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    await context.close();
  });

  test('a wrong token is refused with a clear message', async () => {
    const { context, page } = await openPage();
    await syncAllAndWait(page, 'mst_not-a-real-token');
    await page.waitForSelector('[data-testid="error"]:not([hidden])');
    expect(await page.textContent('[data-testid="error-code"]')).toBe('unauthenticated');
    expect(await page.textContent('[data-testid="error"]')).toMatch(/token was not accepted/);
    expect(await page.$$('#stages > li')).toHaveLength(0);
    await context.close();
  });

  test('Sync All while another one runs says already_running', async () => {
    // The other run stays in its bookings stage until the browser has tried its own: no timer to race.
    const release = sim.hold(({ endpoint }) => endpoint === 'bookings');
    // Another client starts a (long: full) Sync All over POST with the bearer and holds its stream.
    const response = await fetch(`${server.url}/api/integrations/motopress/sync-all?tenant_id=${HOTEL}&full=true`, {
      method: 'POST', headers: { Authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes('event: progress')) text += (await reader.read()).value ?? '';

    const { context, page } = await openPage();
    try {
      await syncAllAndWait(page);
      await page.waitForSelector('[data-testid="error"]:not([hidden])');
      expect(await page.textContent('[data-testid="error-code"]')).toBe('already_running');
      expect(await page.textContent('[data-testid="error"]')).toMatch(/already running/i);
      expect(await page.isVisible('[data-testid="watch-running"]')).toBe(true);
    } finally {
      release();
    }
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    expect(text).toMatch(/event: complete/);
    await context.close();
  });

  test('a connection dropped mid-run resumes from the last event id and still ends with the counts', async () => {
    // The run waits in its bookings stage until the server has gone and come back.
    const release = sim.hold(({ endpoint }) => endpoint === 'bookings');
    let context, page, requests, runId;
    try {
      ({ context, page, requests } = await openPage());
      await page.fill('#token', token);
      await page.click('[data-testid="sync-all"]');
      await page.waitForSelector('[data-testid="stage-accommodations"]');
      runId = await page.evaluate(() => document.body.dataset.runId);
      expect(runId).toMatch(/^[0-9a-f-]{36}$/);

      // The server goes away (every connection dropped) and comes back on the same port; the run goes on.
      const { port } = server;
      await server.stop();
      server = await startHttpServer({ ...serverOptions, port });
    } finally {
      release();
    }

    await page.waitForFunction(() => ['succeeded', 'failed'].includes(document.body.dataset.syncState), null, { timeout: 90_000 });
    expect(await page.evaluate(() => document.body.dataset.syncState)).toBe('succeeded');
    const resumed = requests.filter((u) => u.includes(`/runs/${runId}/events?`));
    expect(resumed.length).toBeGreaterThan(0);
    expect(new URL(resumed[0]).searchParams.get('last_event_id')).toMatch(new RegExp(`^${runId}:\\d+$`));
    const [run] = await db.query('select status, counts from public.sync_runs where id = $1', [runId]);
    expect(run.status).toBe('succeeded');
    expect(await shownCounts(page)).toEqual(Object.fromEntries(Object.entries(run.counts).filter(([, v]) => typeof v === 'number')));
    const stages = await page.$$eval('#stages > li', (lis) => lis.map((li) => li.dataset.stage));
    expect(stages.slice(0, 2)).toEqual(['accommodations', 'reservations']);
    await context.close();
  });
});
