// The declarations describe what really comes back: real answers of the core (js/core.d.ts) and of the
// HTTP API (host/http/http_api.d.ts) are compared, field by field, with the declared types, read with the
// TypeScript compiler API. A field the code sends that no type declares, or a declared required field the
// code does not send, fails here (tests/types/*.ts then checks that callers use the types rightly).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { jest } from '@jest/globals';
import ts from 'typescript';

import { loadCore } from '../../js/core.js';
import { createHttpApp } from '../../host/http/http_app.js';
import { createStaffToken } from '../../host/http/staff_tokens.js';
import { guestTokenKey } from '../../host/guest/guest_tokens.js';
import { createMotoPressClient } from '../../host/motopress/motopress_client.js';
import { createCipher } from '../../host/tenants/credential_cipher.js';
import { loadCredentials } from '../../host/tenants/tenant_store.js';
import { readSse } from './support/sse_reader.js';
import { closeTemplates } from './support/test_databases.js';
import { createSyncHarness } from './support/sync_harness.js';

jest.setTimeout(120_000);

const path = (p) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const TENANT = '11111111-1111-4111-8111-111111111111';
const NOW = '2026-01-01T00:00:00Z';

// Exported type name → its members (a union has several), each {props: [[name, optional]], open}.
function declaredShapes(files) {
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022,
    strict: true, noEmit: true, types: [],
  });
  const checker = program.getTypeChecker();
  const member = (t) => ({
    props: checker.getPropertiesOfType(t).map((p) => [p.name, (p.flags & ts.SymbolFlags.Optional) !== 0]),
    open: Boolean(checker.getIndexInfoOfType(t, ts.IndexKind.String)),
  });
  const shapes = new Map();
  for (const file of files) {
    const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(file)));
    for (const symbol of exports) {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      if (!(target.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias))) continue;
      const type = checker.getDeclaredTypeOfSymbol(target);
      shapes.set(symbol.name, (type.isUnion() ? type.types : [type]).map(member));
    }
  }
  return shapes;
}

const shapes = declaredShapes([path('js/core.d.ts'), path('host/http/http_api.d.ts')]);

// What is wrong with `value` as a `typeName` (the closest union member), or null.
function mismatch(value, typeName) {
  const members = shapes.get(typeName);
  if (!members) throw new Error(`no exported type ${typeName}`);
  if (value === null || typeof value !== 'object') return [`${typeName}: not an object: ${JSON.stringify(value)}`];
  const found = members.map(({ props, open }) => [
    ...props.filter(([name, optional]) => !optional && !(name in value)).map(([name]) => `${typeName}: missing ${name}`),
    ...(open ? [] : Object.keys(value).filter((k) => !props.some(([name]) => name === k)).map((k) => `${typeName}: undeclared ${k}`)),
  ]);
  return found.sort((a, b) => a.length - b.length)[0];
}

// Collects mismatches of many values so that one run shows them all.
function checker() {
  const problems = new Set();
  return {
    check(value, typeName) {
      for (const p of mismatch(value, typeName)) problems.add(p);
    },
    each(values, typeName) {
      expect(values.length).toBeGreaterThan(0);
      for (const v of values) this.check(v, typeName);
    },
    get problems() { return [...problems]; },
  };
}

test('the declarations name the types the tests compare (the comparison can fail)', () => {
  expect(mismatch({ code: 'x', message: 'y' }, 'ErrorBody')).toEqual([]);
  expect(mismatch({ code: 'x' }, 'ErrorBody')).toEqual(['ErrorBody: missing message']);
  expect(mismatch({ code: 'x', path: 'p', message: 'y', extra: 1 }, 'Diagnostic')).toEqual(['Diagnostic: undeclared extra']);
  expect(shapes.get('ReservationRow')[0].props.length).toBeGreaterThan(25);
  expect(mismatch({ allowed: true }, 'GuestAccessDecision')).toEqual([]);
});

describe('the core answers what js/core.d.ts declares', () => {
  let core;
  const example = (name) => readFileSync(path(`examples/seaside-hotel/${name}.json`), 'utf8');
  beforeAll(async () => { core = await loadCore(); });

  test('plan, planAccommodations, bookingsSync', () => {
    const c = checker();
    const input = { tenantId: TENANT, now: NOW, accommodationTypes: example('accommodation_types'), accommodations: example('accommodations'), bookings: example('bookings') };
    const plan = core.plan(input);
    c.check(plan, 'OfflinePlan');
    c.each(plan.accommodation_types, 'AccommodationTypeRow');
    c.each(plan.accommodation_units, 'AccommodationUnitRow');
    c.each(plan.reservations, 'ReservationRow');
    c.each(plan.reservation_accommodations, 'ReservationAccommodationRow');
    c.each(plan.calendar_blocks, 'CalendarBlockRow');
    c.each(plan.warnings, 'Diagnostic');
    c.each(core.plan({ tenantId: 'not-a-uuid', now: NOW, bookings: '[{' }).errors, 'Diagnostic');

    const accommodations = core.planAccommodations({ ...input, current: {} });
    c.check(accommodations, 'AccommodationsPlan');
    c.each(accommodations.accommodation_types, 'AccommodationTypeRow');
    c.each(accommodations.accommodation_units, 'AccommodationUnitRow');

    const knownUnits = Object.fromEntries(accommodations.accommodation_units.map((u) => [u.mphb_accommodation_id, u.mphb_type_id]));
    const session = core.bookingsSync({ tenantId: TENANT, now: NOW, knownUnits, knownTypes: accommodations.accommodation_types.map((t) => t.mphb_type_id), stored: {} });
    try {
      let page = session.planPage(input.bookings);
      c.check(page, 'PagePlan');
      c.each(page.unknown_units, 'UnknownUnit');
      const resolved = session.resolveUnits(page.unknown_units.map((u) => ({ id: u.mphb_accommodation_id, status: 404 })));
      c.check(resolved, 'ResolvedUnits');
      c.each(resolved.accommodation_units, 'AccommodationUnitRow');
      page = session.planPage(input.bookings);
      c.check(page, 'PagePlan');
      c.each(page.reservations, 'ReservationRow');
      c.each(page.reservation_accommodations, 'ReservationAccommodationRow');
      c.each(page.calendar_blocks, 'CalendarBlockRow');
      const reconcile = session.reconcile(page.counts.records);
      c.check(reconcile, 'Reconciliation');
      c.check(session.confirm(5001, 404, ''), 'Confirmation');
      c.check(session.confirm(5001, 200, JSON.stringify({ id: 5001, status: 'confirmed' })), 'Confirmation');
    } finally {
      session.close();
    }

    const perPage = core.bookingsSync({ tenantId: TENANT, now: NOW, knownUnits, knownTypes: [], stored: null });
    try {
      c.check(perPage.readPage(input.bookings), 'ReadPageAnswer');
    } finally {
      perPage.close();
    }
    expect(c.problems).toEqual([]);
  });

  test('syncPreview and its diff', () => {
    const c = checker();
    const preview = core.syncPreview({ tenantId: TENANT, now: NOW });
    try {
      c.check(preview.accommodations(example('accommodation_types'), example('accommodations')), 'PreviewStepAnswer');
      const page = preview.bookingsPage(example('bookings'));
      c.check(page, 'PreviewPageAnswer');
      c.check(preview.resolveUnits(page.unknown_units.map((u) => ({ id: u.mphb_accommodation_id, status: 404 }))), 'PreviewStepAnswer');
      c.check(preview.bookingsPage(example('bookings')), 'PreviewPageAnswer');
      preview.reconcile(JSON.parse(example('bookings')).length);
      const diff = preview.diff();
      c.check(diff, 'PreviewDiff');
      c.each(diff.bookings, 'PreviewEntry');
      c.each(diff.accommodation_units, 'PreviewEntry');
    } finally {
      preview.close();
    }
    expect(c.problems).toEqual([]);
  });

  test('guest calls, sync passes', () => {
    const c = checker();
    const { stays } = JSON.parse(readFileSync(path('tests/fixtures/guest_questions.json'), 'utf8'));
    for (const stay of Object.values(stays)) {
      const { errors, ...answer } = core.answerQuestion(stay, '¿Qué tipo de habitación tengo?');
      expect(errors).toEqual([]);
      c.check(answer, 'GuestAnswer');
      c.check(core.decideGuestAccess({ stay, now: NOW }), 'GuestAccessDecision');
    }
    const login = core.readGuestLogin('{"check_in_date": "2026-01-02", "phone_last_4": "1234"}');
    c.check(login.request, 'GuestLoginRequest');
    c.each(core.readGuestLogin('{}').errors, 'Diagnostic');
    const candidates = [{ id: 'r1', external_booking_id: 1, status: 'active', check_in_date: '2026-01-02', check_out_date: '2026-01-04', phone_last_4: '1234', reservation_code: null }];
    c.check(core.decideGuestLogin({ request: login.request, candidates, now: NOW }), 'GuestLoginDecision');
    c.check(core.decideGuestLogin({ request: login.request, candidates: [], now: NOW }), 'GuestLoginDecision');
    const decision = core.decideSyncPass({ requested: 'auto', now: NOW, cursor: null });
    c.check(decision, 'SyncPassDecision');
    const settled = core.settleSyncPass({ pass: 'full', started_at: NOW, complete: true, cursor: null, filters: 'unknown' });
    c.check(settled.cursor, 'SyncCursor');
    expect(c.problems).toEqual([]);
  });
});

describe('the HTTP API answers what host/http/http_api.d.ts declares', () => {
  const KEY = Buffer.alloc(32, 7).toString('base64');
  const BASE = '/api/integrations/motopress';
  let h;
  let app;
  let token;
  let clock = () => new Date();
  const runs = [];
  const call = (url, { method = 'GET', auth = true, body } = {}) => app.fetch(new Request(`http://mphb.test${url}`, {
    method,
    headers: { ...(auth ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}), 'x-forwarded-for': '198.51.100.7' },
    body: body ? JSON.stringify(body) : undefined,
  }));

  beforeAll(async () => {
    h = await createSyncHarness('pglite', { hotels: 'indo' });
    const indo = await h.addTenant('indo');
    const cipher = await createCipher(KEY);
    const clientFor = async (tenant) => createMotoPressClient({
      ...(await loadCredentials(h.db, cipher, tenant.tenant_id)), tenant: tenant.slug, retries: 1, sleep: async () => {},
    });
    app = createHttpApp({ db: h.db, core: h.core, clientFor, waitUntil: (p) => runs.push(p), guestTokenKey: await guestTokenKey({ encryptionKey: KEY }), clock: () => clock() });
    token = (await createStaffToken(h.db, { tenantId: indo.tenant_id, role: 'admin' })).token;
  });
  afterAll(async () => {
    await Promise.all(runs);
    await h?.close();
    await closeTemplates();
  });

  test('staff endpoints, SSE events, errors, preview', async () => {
    const c = checker();
    const { events } = await readSse(await call(`${BASE}/sync-all?tenant_id=indo`, { method: 'POST' }));
    c.each(events.map((e) => e.data), 'SyncEvent');
    expect(events.at(-1).data.type).toBe('complete');

    const sync = await call(`${BASE}/sync?tenant_id=indo`, { method: 'POST' });
    expect(sync.status).toBe(200);
    c.check(await sync.json(), 'SyncResult');
    const list = await (await call(`${BASE}/runs?tenant_id=indo`)).json();
    c.check(list, 'RunList');
    c.each(list.runs, 'RunRecord');
    const health = await (await call(`${BASE}/health?tenant_id=indo`)).json();
    c.check(health, 'HealthReport');
    c.each(health.tenant.invariants, 'InvariantResult');
    c.check(await (await call(`${BASE}/stream-ticket?tenant_id=indo`, { method: 'POST' })).json(), 'StreamTicket');
    c.check(await (await call(`${BASE}/stream-ticket?tenant_id=indo&purpose=events&run_id=${list.runs[0].id}`, { method: 'POST' })).json(), 'StreamTicket');
    const repair = await (await call(`${BASE}/repair?tenant_id=indo`, { method: 'POST' })).json();
    c.check(repair, 'RepairReport');

    const unauthenticated = await call(`${BASE}/runs?tenant_id=indo`, { auth: false });
    expect(unauthenticated.status).toBe(401);
    c.check(await unauthenticated.json(), 'ErrorBody');
    const badLimit = await call(`${BASE}/runs?tenant_id=indo&limit=0`);
    expect(badLimit.status).toBe(400);
    c.check(await badLimit.json(), 'FieldErrorBody');

    const unitId = h.sim.hotels.find((x) => x.name === 'indo');
    expect(unitId).toBeTruthy();
    const record = await (await call(`${BASE}/preview/record?tenant_id=indo&collection=bookings&id=999999`)).json();
    c.check(record, 'PreviewRecord');

    // The preview source: JSON header lines, each followed by `length` bytes of body.
    const source = new Uint8Array(await (await call(`${BASE}/preview/source?tenant_id=indo`)).arrayBuffer());
    const headers = [];
    for (let at = 0; at < source.length;) {
      const newline = source.indexOf(10, at);
      const header = JSON.parse(new TextDecoder().decode(source.subarray(at, newline)));
      headers.push(header);
      at = newline + 1 + header.length;
    }
    expect(headers.map((f) => f.frame)).toEqual(expect.arrayContaining(['start', 'accommodation_types', 'accommodations', 'page', 'end']));
    c.each(headers, 'PreviewFrameHeader');
    expect(c.problems).toEqual([]);
  });

  test('guest endpoints', async () => {
    const c = checker();
    const [guest] = await h.db.query(`select check_in_date::text as check_in_date, phone_last_4 from public.guest_reservations r
      where status = 'active' and phone_last_4 is not null and room_count = 1
        and not exists (select 1 from public.guest_reservations o where o.tenant_id = r.tenant_id and o.check_in_date = r.check_in_date
          and o.phone_last_4 = r.phone_last_4 and o.id <> r.id)
      order by check_in_date limit 1`);
    expect(guest).toBeTruthy();
    clock = () => new Date(`${guest.check_in_date}T12:00:00Z`);
    const login = await call('/api/guest/login?tenant_id=indo', { method: 'POST', auth: false, body: guest });
    expect(login.status).toBe(200);
    const session = await login.json();
    c.check(session, 'GuestToken');
    const asGuest = (url, init = {}) => app.fetch(new Request(`http://mphb.test${url}`, {
      headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' }, ...init,
    }));
    const stay = await (await asGuest('/api/guest/my-stay')).json();
    c.check(stay, 'MyStay');
    c.each(stay.rooms, 'StayRoom');
    c.check(await (await asGuest('/api/guest/ask', { method: 'POST', body: JSON.stringify({ question: 'What room do I have?' }) })).json(), 'GuestAskAnswer');
    const bad = await call('/api/guest/login?tenant_id=indo', { method: 'POST', auth: false, body: { check_in_date: 'soon' } });
    expect(bad.status).toBe(400);
    c.check(await bad.json(), 'FieldErrorBody');
    expect(c.problems).toEqual([]);
  });
});
