// The guest page (/my-stay) in a real browser (Debian chromium driven by playwright-core) against the real
// server, the real WASM core, the simulator and a real database after a real Sync All: a guest logs in
// with the check-in date and the phone's last 4 digits and sees every room of their multi-room booking as
// the database names them, asks about it and gets the core's answer (or the polite fallback); a wrong
// pair, an ended stay, an ambiguous pair and too many attempts are told apart; the session survives a
// reload and ends with "log out" or a refused token; the page works under a platform path prefix
// (Supabase). The "now" of logins is injected: the simulator's data is anchored at 2026-11-01.
// Skipped only where chromium is missing and CI is not set.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import { serve } from '@hono/node-server';
import { jest } from '@jest/globals';

import { createEdgeApp } from '../../host/http/edge_app.js';
import { startHttpServer } from '../../host/http/node_server.js';
import { DATA_TODAY } from '../../host/simulator/profiles/index.js';
import { createSyncHarness } from './support/sync_harness.js';
import { closeTemplates } from './support/test_databases.js';

jest.setTimeout(120_000);

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const TEST_KEY = Buffer.alloc(32, 7).toString('base64');
const HOTEL = 'simmerdown'; // has multi-room active bookings
const NOW = new Date(`${DATA_TODAY}T12:00:00Z`);
const MOBILE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const SILENT = { info() {}, warn() {}, error() {} };

const runnable = existsSync(CHROMIUM) || Boolean(process.env.CI);
if (!runnable) {
  console.warn(`guest_page_browser.test.js skipped: ${CHROMIUM} is missing (apt-get install -y chromium). In CI (CI set) it runs and fails instead.`);
}
const describeBrowser = runnable ? describe : describe.skip;

describeBrowser(`the guest page in chromium${runnable ? '' : ` (skipped: ${CHROMIUM} is missing)`}`, () => {
  let harness;
  let server;
  let browser;
  let tenant;
  let guest; // {id, external_booking_id, check_in_date, check_out_date, phone_last_4, guest_name}
  let rooms; // [{position, unit_name, type_name}] as the database holds them
  let activeOnGuestDate; // phone_last_4 of every active reservation checking in on the guest's date

  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    [harness, browser] = await Promise.all([
      createSyncHarness('pglite', { hotels: HOTEL, seed: 1 }),
      chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
    ]);
    tenant = await harness.addTenant(HOTEL);
    const sync = await harness.syncAll(HOTEL);
    expect(sync.counts.created).toBeGreaterThan(0);
    server = await startHttpServer({ db: harness.db, core: harness.core, encryptionKey: TEST_KEY, clock: () => NOW, port: 0 });

    // An active multi-room reservation whose (check-in date, last 4) pair is unique among the tenant's
    // active reservations and whose stay has not ended (logins close 7 days after check-out).
    [guest] = await harness.db.query(`select r.id, r.external_booking_id, r.check_in_date::text as check_in_date,
        r.check_out_date::text as check_out_date, r.phone_last_4, r.guest_name
      from public.guest_reservations r
      where r.tenant_id = $1 and r.status = 'active' and r.room_count >= 2 and r.phone_last_4 is not null
        and r.check_out_date >= '2026-10-25'
        and (select count(*) from public.guest_reservations o where o.tenant_id = r.tenant_id and o.status = 'active'
             and o.check_in_date = r.check_in_date and o.phone_last_4 = r.phone_last_4) = 1
      order by r.room_count desc, r.check_in_date, r.external_booking_id limit 1`, [tenant.tenant_id]);
    expect(guest).toBeDefined();
    rooms = await harness.db.query(`select ra.position, u.name as unit_name, t.name as type_name
      from public.reservation_accommodations ra
      left join hotels.accommodation_units u on u.tenant_id = ra.tenant_id and u.id = ra.accommodation_unit_id
      left join hotels.accommodation_types t on t.tenant_id = u.tenant_id and t.id = u.accommodation_type_id
      where ra.tenant_id = $1 and ra.reservation_id = $2 order by ra.position`, [tenant.tenant_id, guest.id]);
    expect(rooms.length).toBeGreaterThanOrEqual(2);
    activeOnGuestDate = (await harness.db.query(`select phone_last_4 from public.guest_reservations
      where tenant_id = $1 and status = 'active' and check_in_date = $2::date and phone_last_4 is not null`,
    [tenant.tenant_id, guest.check_in_date])).map((r) => r.phone_last_4);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await harness?.close();
    await closeTemplates();
  });

  /**
   * A fresh browser context (its own sessionStorage) with the page open for the tenant. Records every
   * request, every response status and every page error or console error/warning.
   */
  async function openPage({ viewport = MOBILE, locale = 'es-CO', url = `${server.url}/my-stay?tenant=${HOTEL}`, headers, before } = {}) {
    const context = await browser.newContext({ viewport, locale, deviceScaleFactor: viewport === MOBILE ? 2 : 1, extraHTTPHeaders: headers });
    const page = await context.newPage();
    const requests = [];
    const problems = [];
    page.on('request', (r) => requests.push({ url: r.url(), method: r.method(), headers: r.headers() }));
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()} (${m.location()?.url ?? ''})`);
    });
    if (before) await before(page);
    await page.goto(url);
    await page.waitForFunction(() => ['login', 'stay', 'error'].includes(document.body.dataset.view));
    return { context, page, requests, problems };
  }

  // A refusal the page asked for shows up in chromium's console as "Failed to load resource: … status of
  // 401" (the browser's own network log, not the page's): only those, for the expected statuses, are allowed.
  function unexpected(problems, allowedStatuses = []) {
    return problems.filter((p) => {
      const m = /^console error: Failed to load resource: the server responded with a status of (\d{3})/.exec(p);
      return !(m && allowedStatuses.includes(Number(m[1])) && /\/api\/guest\//.test(p));
    });
  }

  /** Fills and submits the form; resolves to the login answer's HTTP status once the page has handled it (null: nothing sent). */
  async function logIn(page, { date = guest.check_in_date, phone = guest.phone_last_4, sent = true } = {}) {
    await page.fill('[data-testid="check-in"]', date);
    await page.fill('[data-testid="phone"]', phone);
    if (!sent) {
      await page.click('[data-testid="login-button"]');
      return null;
    }
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/api/guest/login') && r.request().method() === 'POST'),
      page.click('[data-testid="login-button"]'),
    ]);
    await page.waitForFunction(() => document.body.dataset.login !== 'pending');
    return response.status();
  }

  async function waitForView(page, view) {
    await page.waitForFunction((v) => document.body.dataset.view === v, view);
  }

  const shownRooms = (page) => page.$$eval('[data-testid="stay"] [data-testid="room"]', (els) => els.map((el) => ({
    unit: el.querySelector('[data-testid="unit-name"]').textContent,
    type: el.querySelector('[data-testid="type-name"]').textContent,
  })));

  const expectedRooms = () => rooms.map((r) => ({ unit: r.unit_name ?? '—', type: r.type_name ?? '—' }));

  async function ask(page, question, { chip = false } = {}) {
    const before = await page.evaluate(() => document.querySelector('[data-testid="answer"]').dataset.seq ?? null);
    if (chip) {
      await page.click(`[data-testid="chip"]:text-is("${question}")`);
    } else {
      await page.fill('[data-testid="question"]', question);
      await page.click('[data-testid="ask-button"]');
    }
    await page.waitForFunction(([q, b]) => {
      const box = document.querySelector('[data-testid="answer"]');
      return !box.hidden && ['answered', 'fallback', 'error'].includes(box.dataset.state)
        && document.getElementById('answer-question').textContent === q && (box.dataset.seq ?? null) !== b;
    }, [question, before]);
    return page.evaluate(() => {
      const box = document.querySelector('[data-testid="answer"]');
      return { state: box.dataset.state, intent: box.dataset.intent, text: document.getElementById('answer-text').textContent, lang: document.getElementById('answer-text').lang };
    });
  }

  const tokenKey = `mphb-sync.guest-token.${HOTEL}`;
  const storedToken = (page) => page.evaluate((k) => JSON.parse(sessionStorage.getItem(k) ?? 'null')?.token ?? null, tokenKey);

  test('(a) mobile: the date and last 4 digits open the stay with every room as the database names them, in order; the answer names every room', async () => {
    const { context, page, requests, problems } = await openPage();
    await waitForView(page, 'login');
    expect(await page.isVisible('[data-testid="login-form"]')).toBe(true);
    expect(await page.isHidden('[data-testid="stay"]')).toBe(true);
    // Mobile-friendly: a numeric keypad for the digits, nothing wider than the screen.
    expect(await page.getAttribute('[data-testid="phone"]', 'inputmode')).toBe('numeric');
    expect(await page.getAttribute('[data-testid="phone"]', 'maxlength')).toBe('4');
    expect(await page.getAttribute('[data-testid="check-in"]', 'type')).toBe('date');

    await logIn(page);
    await waitForView(page, 'stay');
    const stay = page.locator('[data-testid="stay"]');
    expect(await stay.isVisible()).toBe(true);
    expect(await page.isHidden('[data-testid="login"]')).toBe(true);
    expect(await shownRooms(page)).toEqual(expectedRooms());
    expect(await page.textContent('[data-testid="hotel-name"]')).toBe(tenant.name);
    expect(await page.textContent('[data-testid="guest-name"]')).toBe(guest.guest_name ?? '—');
    expect(await page.textContent('[data-testid="booking-id"]')).toBe(`#${guest.external_booking_id}`);
    expect(await page.getAttribute('[data-testid="check-in-date"]', 'data-value')).toBe(guest.check_in_date);
    expect(await page.getAttribute('[data-testid="check-out-date"]', 'data-value')).toBe(guest.check_out_date);
    expect(await page.textContent('[data-testid="room-count"]')).toBe(String(rooms.length));
    const nights = Math.round((Date.parse(guest.check_out_date) - Date.parse(guest.check_in_date)) / 86_400_000);
    expect(await page.textContent('[data-testid="nights"]')).toBe(String(nights));
    // Every room shows its facts, a dash where the database has nothing; nothing overflows a phone's width.
    for (const room of await page.$$('[data-testid="room"]')) {
      for (const fact of ['bed-type', 'size', 'view', 'capacity', 'room-guests']) {
        expect((await (await room.$(`[data-testid="${fact}"]`)).textContent()).trim()).not.toBe('');
      }
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(MOBILE.width);

    const answer = await ask(page, '¿Qué tipo de habitación tengo?', { chip: true });
    expect(answer.state).toBe('answered');
    expect(answer.intent).toBe('room_type');
    for (const r of rooms) expect(answer.text).toContain(r.unit_name);

    // The token: in this tab's sessionStorage and in the Authorization header, never in a URL.
    const token = await storedToken(page);
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(requests.filter((r) => r.url.includes(token))).toEqual([]);
    const myStay = requests.find((r) => r.url.includes('/api/guest/my-stay'));
    expect(myStay.headers.authorization).toBe(`Bearer ${token}`);
    expect(new URL(myStay.url).searchParams.get('tenant_id')).toBe(HOTEL);
    expect(requests.find((r) => r.url.includes('/api/guest/ask')).headers.authorization).toBe(`Bearer ${token}`);
    expect(unexpected(problems)).toEqual([]);

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}guest-page.png`, fullPage: true });
    await context.close();
  });

  test('(b) a wrong pair and an ended stay are refused with a message and no stay; bad digits are caught next to the field', async () => {
    const { context, page, requests, problems } = await openPage();
    await waitForView(page, 'login');
    const wrong = ['0000', '1234', '9999', '5555', '2468'].find((p) => !activeOnGuestDate.includes(p));

    // Three digits: told next to the field, nothing sent.
    expect(await logIn(page, { phone: '123', sent: false })).toBeNull();
    await page.waitForSelector('[data-testid="phone-error"]:not([hidden])');
    expect(await page.getAttribute('[data-testid="phone"]', 'aria-invalid')).toBe('true');
    expect(requests.filter((r) => r.url.includes('/api/guest/login'))).toEqual([]);

    expect(await logIn(page, { phone: wrong })).toBe(401);
    await page.waitForSelector('[data-testid="login-error"][data-code="invalid_credentials"]:not([hidden])');
    expect(await page.textContent('[data-testid="login-error"]')).toMatch(/No encontramos ninguna reserva/);
    expect(await page.isHidden('[data-testid="phone-error"]')).toBe(true);
    expect(await page.isHidden('[data-testid="stay"]')).toBe(true);
    expect(await page.$$('[data-testid="room"]')).toHaveLength(0);
    expect(await storedToken(page)).toBeNull();
    expect(await page.evaluate(() => document.body.dataset.view)).toBe('login');

    // A stay that checked out more than 7 days before "now".
    const [ended] = await harness.db.query(`select r.check_in_date::text as check_in_date, r.phone_last_4
      from public.guest_reservations r
      where r.tenant_id = $1 and r.status = 'active' and r.phone_last_4 is not null and r.check_out_date < $2::date - 7
        and (select count(*) from public.guest_reservations o where o.tenant_id = r.tenant_id and o.status = 'active'
             and o.check_in_date = r.check_in_date and o.phone_last_4 = r.phone_last_4) = 1
      order by r.check_out_date desc limit 1`, [tenant.tenant_id, DATA_TODAY]);
    expect(ended).toBeDefined();
    expect(await logIn(page, { date: ended.check_in_date, phone: ended.phone_last_4 })).toBe(403);
    await page.waitForSelector('[data-testid="login-error"][data-code="stay_ended"]:not([hidden])');
    expect(await page.textContent('[data-testid="login-error"]')).toMatch(/terminó hace más de 7 días/);
    expect(await page.$$('[data-testid="room"]')).toHaveLength(0);
    expect(await storedToken(page)).toBeNull();

    expect(unexpected(problems, [401, 403])).toEqual([]);
    await context.close();
  });

  test('(c) desktop, in English: a reload keeps the session, "log out" ends it, a refused token sends the guest back to the form', async () => {
    const { context, page, requests, problems } = await openPage({ viewport: DESKTOP, locale: 'en-US' });
    await waitForView(page, 'login');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await logIn(page);
    await waitForView(page, 'stay');
    expect(await shownRooms(page)).toEqual(expectedRooms());
    const answer = await ask(page, 'Which room am I in?', { chip: true });
    expect(answer.state).toBe('answered');
    for (const r of rooms) expect(answer.text).toContain(r.unit_name);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}guest-page-desktop.png`, fullPage: true });

    // Reload: the same session, no second login.
    const token = await storedToken(page);
    const logins = () => requests.filter((r) => r.url.includes('/api/guest/login')).length;
    expect(logins()).toBe(1);
    await page.reload();
    await waitForView(page, 'stay');
    expect(await storedToken(page)).toBe(token);
    expect(logins()).toBe(1);
    expect(await shownRooms(page)).toEqual(expectedRooms());

    // The language switch re-labels the page, not the data.
    await page.click('#lang-es');
    expect(await page.getAttribute('html', 'lang')).toBe('es');
    expect(await page.textContent('[data-testid="logout"]')).toBe('Cerrar sesión');
    expect(await shownRooms(page)).toEqual(expectedRooms());
    await page.click('#lang-en');

    // Log out: the token is gone, the form is back, and stays back after a reload.
    await page.click('[data-testid="logout"]');
    await waitForView(page, 'login');
    expect(await storedToken(page)).toBeNull();
    expect(await page.isHidden('[data-testid="stay"]')).toBe(true);
    expect(await page.$$('[data-testid="room"]')).toHaveLength(0);
    await page.reload();
    await waitForView(page, 'login');
    expect(unexpected(problems)).toEqual([]);
    await context.close();

    // A token the server refuses (expired, forged, another hotel's): dropped, back to the form with a message.
    const refused = await openPage({
      viewport: DESKTOP, locale: 'en-US',
      before: (p) => p.addInitScript((k) => {
        if (!sessionStorage.getItem('seeded')) {
          sessionStorage.setItem('seeded', '1');
          sessionStorage.setItem(k, JSON.stringify({ token: 'eyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ.c2lnbmF0dXJl', expires_at: '2099-01-01T00:00:00Z' }));
        }
      }, tokenKey),
    });
    await waitForView(refused.page, 'login');
    expect(await refused.page.textContent('[data-testid="login-notice"]')).toMatch(/session has ended/i);
    expect(await storedToken(refused.page)).toBeNull();
    expect(refused.requests.filter((r) => r.url.includes('/api/guest/my-stay'))).toHaveLength(1);
    expect(unexpected(refused.problems, [401])).toEqual([]);
    await refused.context.close();
  });

  test('(d) a question the booking cannot answer gets the polite fallback in its own language', async () => {
    const { context, page, problems } = await openPage();
    await waitForView(page, 'login');
    await logIn(page);
    await waitForView(page, 'stay');

    const es = await ask(page, '¿Hay wifi?');
    expect(es.state).toBe('fallback');
    expect(es.lang).toBe('es');
    expect(es.text).toMatch(/No puedo responder eso con los datos de tu reserva.*recepción/);

    const en = await ask(page, 'Is there a pool?');
    expect(en.state).toBe('fallback');
    expect(en.lang).toBe('en');
    expect(en.text).toMatch(/can't answer that from your booking.*front desk/);

    // An answered question after a fallback replaces it; a check-in question tells the time.
    const checkIn = await ask(page, '¿A qué hora es el check-in?', { chip: true });
    expect(checkIn.state).toBe('answered');
    expect(checkIn.intent).toBe('check_in');

    // An empty question is caught next to the box, nothing sent.
    await page.fill('[data-testid="question"]', '   ');
    await page.click('[data-testid="ask-button"]');
    await page.waitForSelector('[data-testid="question-error"]:not([hidden])');
    expect(unexpected(problems)).toEqual([]);
    await context.close();
  });

  test('(e) an ambiguous pair asks for the reservation code; too many failures say when to try again', async () => {
    // The stay imported twice (same date, phone and code): ambiguous while guest access is open, so "now"
    // is its check-in day on this server. Failures are counted per client address (X-Forwarded-For here).
    const [twice] = await harness.db.query(`select check_in_date::text as check_in_date, phone_last_4
      from public.guest_reservations where tenant_id = $1 and status = 'active' and phone_last_4 is not null
      group by check_in_date, phone_last_4 having count(*) > 1 order by check_in_date limit 1`, [tenant.tenant_id]);
    expect(twice).toBeDefined();
    const other = await startHttpServer({
      db: harness.db, core: harness.core, encryptionKey: TEST_KEY, port: 0, trustProxy: true,
      clock: () => new Date(`${twice.check_in_date}T12:00:00Z`), loginThrottle: { maxFailures: 2, windowSeconds: 600 },
    });
    try {
      const a = await openPage({ url: `${other.url}/my-stay?tenant=${HOTEL}`, headers: { 'X-Forwarded-For': '203.0.113.10' } });
      await waitForView(a.page, 'login');
      expect(await a.page.isHidden('[data-testid="reservation-code"]')).toBe(true);
      expect(await logIn(a.page, { date: twice.check_in_date, phone: twice.phone_last_4 })).toBe(409);
      await a.page.waitForSelector('[data-testid="login-error"][data-code="ambiguous"]:not([hidden])');
      expect(await a.page.isVisible('[data-testid="reservation-code"]')).toBe(true);
      expect(await a.page.textContent('[data-testid="login-error"]')).toMatch(/código de reserva/);
      expect(await a.page.evaluate(() => document.activeElement?.id)).toBe('code');
      expect(unexpected(a.problems, [409])).toEqual([]);
      await a.context.close();

      const b = await openPage({ url: `${other.url}/my-stay?tenant=${HOTEL}`, headers: { 'X-Forwarded-For': '203.0.113.11' }, locale: 'en-US' });
      await waitForView(b.page, 'login');
      const wrong = { date: twice.check_in_date, phone: twice.phone_last_4 === '0000' ? '0001' : '0000' };
      expect(await logIn(b.page, wrong)).toBe(401);
      expect(await logIn(b.page, wrong)).toBe(401);
      expect(await logIn(b.page, wrong)).toBe(429);
      await b.page.waitForSelector('[data-testid="login-error"][data-code="too_many_attempts"]:not([hidden])');
      const retryAfter = Number(await b.page.getAttribute('[data-testid="login-error"]', 'data-retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(600);
      expect(await b.page.textContent('[data-testid="login-error"]')).toMatch(/Too many failed attempts\. Try again in \d+ (minutes?|seconds?)/);
      expect(await b.page.isDisabled('[data-testid="login-button"]')).toBe(true);
      expect(unexpected(b.problems, [401, 429])).toEqual([]);
      await b.context.close();
    } finally {
      await other.stop();
    }
  });

  test('(f) under a platform path prefix (Supabase: /mphb-sync/my-stay) the page calls the API under that prefix', async () => {
    const app = createEdgeApp({ env: { MPHB_ENCRYPTION_KEY: TEST_KEY }, db: harness.db, basePath: '/mphb-sync', clock: () => NOW, log: SILENT });
    const edge = await new Promise((resolve, reject) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
      s.once('error', reject);
    });
    const origin = `http://127.0.0.1:${edge.address().port}`;
    try {
      const { context, page, requests, problems } = await openPage({ url: `${origin}/mphb-sync/my-stay?tenant=${HOTEL}` });
      await waitForView(page, 'login');
      await logIn(page);
      await waitForView(page, 'stay');
      expect(await shownRooms(page)).toEqual(expectedRooms());
      const answer = await ask(page, '¿Qué tipo de habitación tengo?');
      expect(answer.state).toBe('answered');
      const api = requests.filter((r) => r.url.includes('/api/'));
      expect(api.length).toBeGreaterThanOrEqual(3);
      for (const r of api) expect(new URL(r.url).pathname).toMatch(/^\/mphb-sync\/api\/guest\//);
      expect(unexpected(problems)).toEqual([]);
      await context.close();
    } finally {
      edge.closeAllConnections?.();
      await new Promise((resolve) => edge.close(() => resolve()));
      await app.close();
    }
  });

  test('a page without ?tenant= says so instead of showing a form that cannot work', async () => {
    const { context, page, requests, problems } = await openPage({ url: `${server.url}/my-stay` });
    await waitForView(page, 'error');
    expect(await page.textContent('[data-testid="page-error"]')).toMatch(/no indica el hotel/);
    expect(await page.isHidden('[data-testid="login"]')).toBe(true);
    expect(requests.filter((r) => r.url.includes('/api/'))).toEqual([]);
    expect(unexpected(problems)).toEqual([]);
    await context.close();
  });
});
