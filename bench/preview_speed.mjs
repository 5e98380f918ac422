// P1 (issue #12): a 10,000-booking dry-run preview in the browser finishes within 2× the time the Node
// dry run (`runDryRun`, what `sync-all --dry-run` calls) takes for the same hotel, and both show the same
// diff byte for byte. Both sides run here, alternating, against one simulator hotel (no added latency),
// one in-memory PGlite database holding the tenant unsynced (every booking a create, as on a first
// preview) and one clock, so both decide at the same "now". The browser is Debian chromium driven by
// playwright-core against the real server; a missing chromium is "not available", which fails.
import { existsSync } from 'node:fs';

import { loadCore } from '../js/core.js';
import { openDatabase } from '../host/db/database.js';
import { startHttpServer } from '../host/http/node_server.js';
import { createStaffToken } from '../host/http/staff_tokens.js';
import { createMotoPressClient } from '../host/motopress/motopress_client.js';
import { runDryRun } from '../host/preview/dry_run.js';
import { createPreviewLimits } from '../host/preview/preview_limits.js';
import { createCipher } from '../host/tenants/credential_cipher.js';
import { addTenant, loadCredentials } from '../host/tenants/tenant_store.js';
import { BUDGETS, figure } from './budgets.mjs';

const CHROMIUM = '/usr/bin/chromium';
// As tests/js/preview_browser.test.js launches it.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];
// The simulator's keys are not secrets; the tenant is encrypted with a fixed, throwaway key.
const BENCH_KEY = Buffer.alloc(32, 11).toString('base64');
const SLUG = 'preview';
const BUTTON = '[data-testid="preview-button"]';
const RUN_TIMEOUT_MS = 600_000;

// Installed in the page after it has loaded: the time from the click (capture phase, before the form's
// submit handler starts the worker) to the moment the page sets status 'done' or 'error' — the core's load
// inside the worker included, the page's own load and Playwright's polling excluded.
function installTimer(selector) {
  const state = window.mphbPreview;
  let status = state.status;
  const marks = { clicked: null, ended: null };
  window.mphbBenchMarks = marks;
  document.querySelector(selector).addEventListener('click', () => { marks.clicked ??= performance.now(); }, { capture: true });
  Object.defineProperty(state, 'status', {
    configurable: true,
    enumerable: true,
    get: () => status,
    set: (value) => {
      status = value;
      if ((value === 'done' || value === 'error') && marks.clicked !== null) marks.ended ??= performance.now();
    },
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x, digits = 0) => Number(x.toFixed(digits));

/** Where diff b first differs from diff a, with a little of each around it. */
function firstDifference(a, b) {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i += 1;
  const around = (s) => JSON.stringify(s.slice(Math.max(0, i - 40), i + 40));
  return `character ${i} (lengths ${a.length} and ${b.length}): ${around(a)} vs ${around(b)}`;
}

async function nodeRun({ db, core, cipher, tenant, now }) {
  // A fresh client each run, configured as the server configures its own (the stored credentials).
  const client = createMotoPressClient({ ...(await loadCredentials(db, cipher, tenant.tenant_id)), tenant: tenant.slug });
  const start = performance.now();
  const { diffText } = await runDryRun({ db, core, tenant, client, clock: () => now });
  return { ms: performance.now() - start, diffText };
}

async function browserRun({ browser, serverUrl, token }) {
  // A fresh context each run: nothing cached from the previous one.
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${serverUrl}/preview?tenant=${SLUG}`);
    await page.fill('#token', token);
    await page.evaluate(installTimer, BUTTON);
    const outerStart = performance.now();
    await page.click(BUTTON);
    await page.waitForFunction(() => ['done', 'error'].includes(window.mphbPreview.status), null, { timeout: RUN_TIMEOUT_MS, polling: 50 });
    const outerMs = performance.now() - outerStart;
    const state = await page.evaluate(() => ({
      status: window.mphbPreview.status, error: window.mphbPreview.error ?? null, diffText: window.mphbPreview.diffText, marks: window.mphbBenchMarks,
    }));
    if (state.status !== 'done') throw new Error(`the page ended in error: ${state.error?.code ?? '?'}: ${state.error?.message ?? problems.join('; ')}`);
    if (state.marks.clicked === null || state.marks.ended === null) throw new Error('the page timer saw no click or no end (has window.mphbPreview changed?)');
    return { ms: state.marks.ended - state.marks.clicked, outerMs, diffText: state.diffText, problems };
  } finally {
    await context.close();
  }
}

/**
 * @param {{hotel: {name, title, siteUrl, keys}, runs: number, log?: (line: string) => void, chromiumPath?: string}} o
 *   hotel: a simulator hotel (large:10000, no added latency); runs: samples of each side
 */
export async function previewSpeedFigures({ hotel, runs, log = () => {}, chromiumPath = CHROMIUM }) {
  const b = BUDGETS.P1;
  const label = `browser preview / Node dry run, ${hotel.counts?.bookings?.toLocaleString('en-US') ?? '?'} bookings, median of ${runs}`;
  const judged = (value, extra = {}) => figure({ id: 'P1.ratio', label, unit: '×', max: b.ratioMax, value, ...extra });
  if (!existsSync(chromiumPath)) return [judged(null, { note: `not available: ${chromiumPath} is missing (apt-get install -y chromium)` })];
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (error) {
    return [judged(null, { note: `not available: playwright-core could not be loaded (npm ci installs it): ${error.message}` })];
  }

  // Both sides decide at this one instant.
  const now = new Date();
  let db = null;
  let server = null;
  let browser = null;
  const node = [];
  const web = [];
  let stage = 'set-up';
  try {
    db = await openDatabase({ url: null, dataDir: 'memory://' });
    const cipher = await createCipher(BENCH_KEY);
    const tenant = await addTenant(db, cipher, {
      slug: SLUG, name: hotel.title ?? hotel.name, siteUrl: hotel.siteUrl, consumerKey: hotel.keys.readWrite.key, consumerSecret: hotel.keys.readWrite.secret,
    });
    const { token } = await createStaffToken(db, { tenantId: tenant.tenant_id, role: 'staff' });
    const core = await loadCore();
    server = await startHttpServer({
      port: 0, db, core, encryptionKey: BENCH_KEY, clock: () => now,
      // The default allows 6 source streams per tenant per 10 minutes; the bench needs one per run.
      previewLimits: createPreviewLimits({ sources: runs + 1 }),
      log: { info() {}, warn() {}, error: (o, message) => log(`P1 server: ${message} ${JSON.stringify(o)}`) },
    });
    browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
    for (let i = 1; i <= runs; i++) {
      stage = `Node run ${i}`;
      const n = await nodeRun({ db, core, cipher, tenant, now });
      node.push(n);
      log(`P1: run ${i}/${runs}: Node dry run ${Math.round(n.ms)} ms`);
      stage = `browser run ${i}`;
      const w = await browserRun({ browser, serverUrl: server.url, token });
      web.push(w);
      log(`P1: run ${i}/${runs}: browser preview ${Math.round(w.ms)} ms (${Math.round(w.outerMs)} ms seen from here)`);
    }
  } catch (error) {
    return [judged(null, { note: `not available: ${stage} failed: ${error.message}` })];
  } finally {
    await browser?.close().catch(() => {});
    await server?.stop().catch(() => {});
    await db?.close().catch(() => {});
  }

  const reference = node[0].diffText;
  const diff = JSON.parse(reference);
  const mismatch = [...node.map((r, i) => ({ r, what: `Node run ${i + 1}` })), ...web.map((r, i) => ({ r, what: `browser run ${i + 1}` }))]
    .find(({ r }) => r.diffText !== reference);
  const nodeMs = median(node.map((r) => r.ms));
  const browserMs = median(web.map((r) => r.ms));
  const f = judged(round(browserMs / nodeMs, 2), {
    note: mismatch ? `the diffs differ: Node run 1 vs ${mismatch.what} at ${firstDifference(reference, mismatch.r.diffText)}` : undefined,
    detail: {
      node_ms: round(nodeMs), browser_ms: round(browserMs), pages: diff.pages, bookings: diff.bookings.length, created: diff.counts?.created,
      diffs: mismatch ? 'DIFFER' : `byte-identical (${Buffer.byteLength(reference)} bytes)`,
      node_samples_ms: node.map((r) => round(r.ms)), browser_samples_ms: web.map((r) => round(r.ms)), browser_seen_from_node_ms: web.map((r) => round(r.outerMs)),
      page_errors: web.flatMap((r) => r.problems),
    },
  });
  // The same diff is part of the budget: a faster preview showing something else has not met it.
  return [mismatch ? { ...f, pass: false } : f];
}
