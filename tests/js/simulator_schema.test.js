// Every response of every endpoint and profile of the MotoPress simulator validates against the schemas of
// the official OpenAPI file (ajv), except the deviations FIELD-NOTES records for the real plugin — booking
// status "trash" and date-times without offset — and no other: any other deviation fails the test.
// Also: collection headers (Content-Type, X-WP-Total / X-WP-TotalPages as decimal strings, Allow), `_embed=1`
// (one embedded entry per reserved room), `_links`, trashed bookings, and 401s without WWW-Authenticate.
import { readFileSync } from 'node:fs';

import Ajv from 'ajv';
import addFormats from 'ajv-formats';

import { startSimulator } from '../../host/simulator/simulator_server.js';
import { basicHeader, oauthFetch } from './support/motopress_test_client.js';
import { describeErrors, loadSchemaValidators } from './support/openapi_schemas.js';

const SEED = 11;
const HOTELS = 'indo,simmerdown,testhotel,airbnb-heavy,big=large:2000';
const PROFILES = ['indo', 'simmerdown', 'testhotel', 'airbnb-heavy', 'big'];
const COLLECTIONS = ['accommodation_types', 'accommodations', 'bookings', 'rates'];
const LARGE_BOOKING_SAMPLE = 200;
const LOCAL_DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/; // FIELD-NOTES: no offset, no Z
const DECIMAL = /^(0|[1-9]\d*)$/;

let sim;
let validators; // the OpenAPI schemas with exactly the FIELD-NOTES deviations
let withoutTrash; // the same, minus the "trash" status deviation (date-time deviation kept)
let strictDates; // the same, minus the date-time deviation (RFC 3339 date-time, offset required)

beforeAll(async () => {
  sim = await startSimulator({ hotels: HOTELS, seed: SEED });
  validators = loadSchemaValidators();
  const schemas = JSON.parse(readFileSync(new URL('../../../shared/motopress/mphb-v1.openapi.json', import.meta.url), 'utf8'))
    .components.schemas;
  const noTrashAjv = new Ajv({ allErrors: true, strict: false });
  addFormats(noTrashAjv, ['date', 'uri']);
  noTrashAjv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/);
  withoutTrash = noTrashAjv.compile(structuredClone(schemas.bookings));
  const strictAjv = new Ajv({ allErrors: true, strict: false });
  addFormats(strictAjv, ['date', 'date-time', 'uri']);
  const trashAllowed = structuredClone(schemas.bookings);
  trashAllowed.properties.status.enum.push('trash');
  strictDates = strictAjv.compile(trashAllowed);
});

afterAll(async () => {
  await sim?.stop();
});

const hotel = (name) => sim.hotels.find((h) => h.name === name);
const apiBase = (name) => hotel(name).siteUrl.replace(/\/$/, '') + '/wp-json/mphb/v1';
const get = (name, path, options = {}) => oauthFetch(`${apiBase(name)}${path}`, { ...hotel(name).keys.readWrite, ...options });

// Per-item checks collect problems and assert once (thousands of items): the first 20 are printed.
function collector() {
  const problems = [];
  const check = (ok, message) => {
    if (!ok && problems.length < 20) problems.push(typeof message === 'function' ? message() : message);
    return ok;
  };
  return { problems, check };
}

function validateInto(check, collection, item, where) {
  const validate = validators[collection];
  check(validate(item), () => `${where}: ${describeErrors(validate)}`);
}

async function mapLimit(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  }));
  return out;
}

function checkCollectionHeaders(check, res, where) {
  check((res.headers.get('content-type') ?? '').startsWith('application/json'), `${where}: Content-Type ${res.headers.get('content-type')}`);
  check(DECIMAL.test(res.headers.get('x-wp-total') ?? ''), `${where}: X-WP-Total ${JSON.stringify(res.headers.get('x-wp-total'))}`);
  check(DECIMAL.test(res.headers.get('x-wp-totalpages') ?? ''), `${where}: X-WP-TotalPages ${JSON.stringify(res.headers.get('x-wp-totalpages'))}`);
  check(res.headers.get('allow') === 'GET, POST', `${where}: Allow ${JSON.stringify(res.headers.get('allow'))}`);
}

// Every page of a collection with per_page=100, with the responses' headers; cached per hotel and collection.
const listings = new Map();
function listAll(name, collection) {
  const cacheKey = `${name}/${collection}`;
  if (!listings.has(cacheKey)) {
    listings.set(cacheKey, (async () => {
      const pages = [];
      for (let page = 1; ; page++) {
        const res = await get(name, `/${collection}?per_page=100&page=${page}`);
        const body = await res.json();
        pages.push({ page, status: res.status, headers: res.headers, body });
        const totalPages = Number(res.headers.get('x-wp-totalpages'));
        if (res.status !== 200 || !Array.isArray(body) || body.length === 0 || page >= totalPages || page > 200) break;
      }
      return { pages, items: pages.flatMap((p) => (Array.isArray(p.body) ? p.body : [])) };
    })());
  }
  return listings.get(cacheKey);
}

describe.each(PROFILES)('%s', (name) => {
  test.each(COLLECTIONS)('every item of every page of GET /%s (per_page=100) validates; collection headers', async (collection) => {
    const { pages, items } = await listAll(name, collection);
    const { problems, check } = collector();
    const total = Number(pages[0].headers.get('x-wp-total'));
    for (const p of pages) {
      const where = `GET /${collection}?per_page=100&page=${p.page}`;
      check(p.status === 200, `${where}: status ${p.status}`);
      check(Array.isArray(p.body), `${where}: body is not an array`);
      checkCollectionHeaders(check, p, where);
      check(Number(p.headers.get('x-wp-total')) === total, `${where}: X-WP-Total changed`);
      check(Number(p.headers.get('x-wp-totalpages')) === Math.ceil(total / 100), `${where}: X-WP-TotalPages ${p.headers.get('x-wp-totalpages')} for ${total} items`);
      for (const item of Array.isArray(p.body) ? p.body : []) {
        const at = `${where} id ${item.id}`;
        validateInto(check, collection, item, at);
        check(item._links?.self?.[0]?.href === `${apiBase(name)}/${collection}/${item.id}`, `${at}: _links.self ${JSON.stringify(item._links?.self)}`);
        check(item._links?.collection?.[0]?.href === `${apiBase(name)}/${collection}`, `${at}: _links.collection ${JSON.stringify(item._links?.collection)}`);
        check(item._embedded === undefined, `${at}: _embedded without _embed`);
      }
    }
    expect(problems).toEqual([]);
    expect(items.length).toBe(total);
    expect(total).toBeGreaterThan(0);
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
    // Items on the list are the live ones: the site's entities minus the trashed.
    const site = sim.site(name);
    expect(total).toBe(site.list(collection).filter((e) => e.meta.post_status !== 'trash').length);
  });

  test.each(COLLECTIONS)('GET /%s/{id} of every listed item (large: a sample of bookings) validates and equals the list item', async (collection) => {
    const { items } = await listAll(name, collection);
    let sample = items;
    if (name === 'big' && collection === 'bookings') {
      const step = items.length / LARGE_BOOKING_SAMPLE;
      sample = Array.from({ length: LARGE_BOOKING_SAMPLE }, (_, i) => items[Math.floor(i * step)]);
    }
    const { problems, check } = collector();
    await mapLimit(sample, 16, async (item) => {
      const where = `GET /${collection}/${item.id}`;
      const res = await get(name, `/${collection}/${item.id}`);
      const body = await res.json();
      if (!check(res.status === 200, `${where}: status ${res.status} ${JSON.stringify(body)}`)) return;
      check((res.headers.get('content-type') ?? '').startsWith('application/json'), `${where}: Content-Type ${res.headers.get('content-type')}`);
      validateInto(check, collection, body, where);
      check(JSON.stringify(body) === JSON.stringify(item), `${where}: differs from the list item`);
    });
    expect(problems).toEqual([]);
    expect(sample.length).toBeGreaterThan(0);
  });

  test('_embed=1 bookings pages: one embedded accommodation / accommodation_type per room, one rate per rated room, each valid; _links per room', async () => {
    const { items: plain } = await listAll(name, 'bookings');
    const { problems, check } = collector();
    const maxPages = name === 'big' ? 2 : Infinity;
    const base = apiBase(name);
    let seen = 0;
    let multiRoom = 0;
    let rated = 0;
    for (let page = 1; page <= maxPages; page++) {
      const res = await get(name, `/bookings?per_page=100&page=${page}&_embed=1`);
      const body = await res.json();
      const where = `GET /bookings?per_page=100&page=${page}&_embed=1`;
      expect(res.status).toBe(200);
      checkCollectionHeaders(check, res, where);
      if (body.length === 0) break;
      for (const booking of body) {
        const at = `${where} booking ${booking.id}`;
        const { _embedded: embedded, ...rest } = booking;
        // Apart from _embedded, the same booking as without _embed, at the same place.
        check(JSON.stringify(rest) === JSON.stringify(plain[seen]), `${at}: differs from the plain listing item #${seen}`);
        seen += 1;
        validateInto(check, 'bookings', booking, at);
        const rooms = booking.reserved_accommodations ?? [];
        const ratedRooms = rooms.filter((r) => r.rate !== 0);
        if (rooms.length > 1) multiRoom += 1;
        rated += ratedRooms.length;
        if (!check(embedded && typeof embedded === 'object', `${at}: no _embedded`)) continue;
        check(JSON.stringify(Object.keys(embedded).sort()) === JSON.stringify(['accommodation', 'accommodation_type', 'rate']), `${at}: _embedded keys ${Object.keys(embedded)}`);
        const expectations = [
          ['accommodation', 'accommodations', rooms.map((r) => r.accommodation)],
          ['accommodation_type', 'accommodation_types', rooms.map((r) => r.accommodation_type)],
          ['rate', 'rates', ratedRooms.map((r) => r.rate)],
        ];
        for (const [key, collection, ids] of expectations) {
          const entries = embedded[key];
          if (!check(Array.isArray(entries), `${at}: _embedded.${key} is not an array`)) continue;
          check(entries.length === ids.length, `${at}: _embedded.${key} has ${entries.length} entries for ${ids.length} rooms`);
          entries.forEach((entry, i) => {
            check(entry?.id === ids[i], `${at}: _embedded.${key}[${i}].id ${entry?.id}, room says ${ids[i]}`);
            validateInto(check, collection, entry, `${at} _embedded.${key}[${i}]`);
            check(entry?._links?.self?.[0]?.href === `${base}/${collection}/${ids[i]}`, `${at}: _embedded.${key}[${i}]._links.self`);
          });
        }
        const links = booking._links ?? {};
        check(links.self?.length === 1 && links.self[0].href === `${base}/bookings/${booking.id}`, `${at}: _links.self ${JSON.stringify(links.self)}`);
        check(links.collection?.length === 1 && links.collection[0].href === `${base}/bookings`, `${at}: _links.collection ${JSON.stringify(links.collection)}`);
        check(JSON.stringify((links.accommodation ?? []).map((l) => l.href)) === JSON.stringify(rooms.map((r) => `${base}/accommodations/${r.accommodation}`)),
          `${at}: _links.accommodation ${JSON.stringify(links.accommodation)}`);
        check((links.accommodation ?? []).every((l) => l.embeddable === true), `${at}: accommodation links not embeddable`);
        check(JSON.stringify((links.accommodation_type ?? []).map((l) => l.href)) === JSON.stringify(rooms.map((r) => `${base}/accommodation_types/${r.accommodation_type}`)),
          `${at}: _links.accommodation_type ${JSON.stringify(links.accommodation_type)}`);
        check(JSON.stringify((links.rate ?? []).map((l) => l.href)) === JSON.stringify(ratedRooms.map((r) => `${base}/rates/${r.rate}`)),
          `${at}: _links.rate ${JSON.stringify(links.rate)}`);
      }
      if (page >= Number(res.headers.get('x-wp-totalpages'))) break;
    }
    expect(problems).toEqual([]);
    expect(seen).toBe(name === 'big' ? 200 : plain.length);
    // The per-room checks above were not vacuous: every profile has multi-room and rated stays.
    expect(multiRoom).toBeGreaterThan(0);
    expect(rated).toBeGreaterThan(0);
  });

  test('date-times come without offset, and validate only thanks to the date-time deviation', async () => {
    const { items } = await listAll(name, 'bookings');
    const { problems, check } = collector();
    for (const booking of items) {
      const at = `booking ${booking.id}`;
      check(LOCAL_DATE_TIME.test(booking.date_created), `${at}: date_created ${JSON.stringify(booking.date_created)}`);
      check(LOCAL_DATE_TIME.test(booking.date_created_utc), `${at}: date_created_utc ${JSON.stringify(booking.date_created_utc)}`);
      // Without the deviation (RFC 3339 date-time, offset required) the booking is rejected — at its
      // date-times and nowhere else.
      check(!strictDates(booking), `${at}: accepted by the schema without the date-time deviation`);
      const paths = new Set((strictDates.errors ?? []).map((e) => `${e.instancePath}:${e.keyword}`));
      check(paths.has('/date_created:format') && paths.has('/date_created_utc:format'), `${at}: strict errors ${[...paths]}`);
      const other = [...paths].filter((p) => !/^\/(date_created|date_created_utc|internal_notes\/\d+\/date_utc):format$/.test(p));
      check(other.length === 0, `${at}: strict errors besides the date-times: ${other}`);
    }
    expect(problems).toEqual([]);
  });

  test('trashed entities: GET /{collection}/{id} answers 200; a trashed booking has status "trash", valid only thanks to the deviation', async () => {
    const site = sim.site(name);
    let trashedBookings = site.list('bookings').filter((e) => e.meta.post_status === 'trash').map((e) => e.record.id);
    const liveBefore = site.list('bookings').filter((e) => e.meta.post_status !== 'trash').length;
    let trashedHere = 0;
    if (trashedBookings.length === 0) {
      // Trash the most recent booking (the first of the default listing).
      const first = await (await get(name, '/bookings?per_page=1')).json();
      site.trash('bookings', first[0].id);
      trashedBookings = [first[0].id];
      trashedHere = 1;
    }
    const { problems, check } = collector();
    for (const id of trashedBookings) {
      const where = `GET /bookings/${id}`;
      const res = await get(name, `/bookings/${id}`);
      const body = await res.json();
      if (!check(res.status === 200, `${where}: status ${res.status} ${JSON.stringify(body)}`)) continue;
      check(body.status === 'trash', `${where}: status ${JSON.stringify(body.status)}`);
      validateInto(check, 'bookings', body, where);
      // The unmodified enum rejects it, at /status only: the "trash" deviation is the one in use.
      check(!withoutTrash(body), `${where}: accepted without the trash deviation`);
      const errs = (withoutTrash.errors ?? []).map((e) => `${e.instancePath}:${e.keyword}`);
      check(JSON.stringify(errs) === JSON.stringify(['/status:enum']), `${where}: errors without the deviation ${errs}`);
      check(LOCAL_DATE_TIME.test(body.date_created), `${where}: date_created ${JSON.stringify(body.date_created)}`);
      // Gone from lists, from include= and from X-WP-Total.
      const inc = await get(name, `/bookings?include=${id}`);
      check(JSON.stringify(await inc.json()) === '[]' && inc.headers.get('x-wp-total') === '0', `GET /bookings?include=${id}: trashed booking listed`);
    }
    const list = await get(name, '/bookings?per_page=1');
    check(list.headers.get('x-wp-total') === String(liveBefore - trashedHere), `X-WP-Total ${list.headers.get('x-wp-total')}, expected ${liveBefore - trashedHere}`);
    // Trashed types / units (simmerdown, testhotel, large have one): still readable, valid as they are.
    for (const collection of ['accommodation_types', 'accommodations']) {
      for (const e of site.list(collection).filter((x) => x.meta.post_status === 'trash')) {
        const where = `GET /${collection}/${e.record.id}`;
        const res = await get(name, `/${collection}/${e.record.id}`);
        const body = await res.json();
        if (!check(res.status === 200, `${where}: status ${res.status}`)) continue;
        check(body.status === 'trash', `${where}: status ${JSON.stringify(body.status)}`);
        validateInto(check, collection, body, where);
      }
    }
    expect(problems).toEqual([]);
    expect(trashedBookings.length).toBeGreaterThan(0);
  });

  test('401s are WordPress error objects without WWW-Authenticate, on every endpoint', async () => {
    const { problems, check } = collector();
    const { key, secret } = hotel(name).keys.readWrite;
    const { items } = await listAll(name, 'bookings');
    const paths = [...COLLECTIONS.map((c) => `/${c}`), `/bookings/${items[0].id}`];
    for (const path of paths) {
      const url = `${apiBase(name)}${path}`;
      const attempts = [
        ['unsigned', () => fetch(url), 'mphb_rest_cannot_view'],
        ['Basic over http', () => fetch(url, { headers: basicHeader(key, secret) }), 'mphb_rest_cannot_view'],
        ['wrong secret', () => oauthFetch(url, { key, secret: `${secret}x` }), 'mphb_rest_authentication_error'],
        ['unknown key', () => oauthFetch(url, { key: `${key}x`, secret }), 'mphb_rest_authentication_error'],
      ];
      for (const [label, send, code] of attempts) {
        const res = await send();
        const body = await res.json();
        const where = `${label} GET ${path}`;
        check(res.status === 401, `${where}: status ${res.status}`);
        check(!res.headers.has('www-authenticate'), `${where}: WWW-Authenticate ${res.headers.get('www-authenticate')}`);
        check((res.headers.get('content-type') ?? '').startsWith('application/json'), `${where}: Content-Type ${res.headers.get('content-type')}`);
        check(body.code === code && typeof body.message === 'string' && body.data?.status === 401, `${where}: body ${JSON.stringify(body)}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
