// The simulator's authentication, checked against FIELD-NOTES (shared/motopress/FIELD-NOTES.md, "Transport"):
// over plain HTTP Basic credentials are ignored and one-legged OAuth 1.0a is required (HMAC-SHA1/SHA256,
// header or query string, ±15 min, each nonce once, read/write permissions per key, only on /wp-json/ URLs);
// over HTTPS Basic and consumer_key/consumer_secret work too. Requests are signed with the maintained
// `oauth-1.0a` library (tests/js/support/motopress_test_client.js), independent of the simulator's verifier.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startSimulator } from '../../host/simulator/simulator_server.js';
import { basicHeader, oauthFetch, signRequest } from './support/motopress_test_client.js';

const SEED = 11;
const MINUTE = 60;

// ---------------------------------------------------------------------------------------------------------
// Plain HTTP: testhotel (the hotel under test) and indo (another hotel, for foreign keys), with the server's
// clock injected so that timestamp windows are exact.
// ---------------------------------------------------------------------------------------------------------
let sim;
let nowMs = Date.UTC(2026, 10, 28, 10, 0, 0); // whole second
const clock = { now: () => nowMs };
const nowSec = () => Math.floor(nowMs / 1000);
let hotel; // testhotel's description (siteUrl, apiBase, keys)
let other; // indo's

beforeAll(async () => {
  sim = await startSimulator({ hotels: 'testhotel,indo', seed: SEED, clock });
  hotel = sim.hotels.find((h) => h.name === 'testhotel');
  other = sim.hotels.find((h) => h.name === 'indo');
});

afterAll(async () => {
  await sim?.stop();
});

const rw = () => ({ key: hotel.keys.readWrite.key, secret: hotel.keys.readWrite.secret });

/** Signed with the library, timestamp from the server's injected clock unless given. */
function signed(url, options = {}) {
  return oauthFetch(url, { ...rw(), timestamp: nowSec(), ...options });
}

async function read(res) {
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, headers: res.headers, body, total: res.headers.get('x-wp-total') };
}

/** A WordPress error object exactly: {code, message, data: {status}}, no WWW-Authenticate. */
function expectWpError(r, status, code) {
  expect({ status: r.status, code: r.body?.code }).toEqual({ status, code });
  expect(r.body).toEqual({ code, message: expect.any(String), data: expect.objectContaining({ status }) });
  expect(r.headers.get('www-authenticate')).toBeNull();
  expect(r.headers.get('content-type')).toMatch(/^application\/json/);
}

const liveBookings = (name = 'testhotel') => sim.site(name).list('bookings').filter((e) => e.meta.post_status !== 'trash');
const flip = (c) => (c === 'A' ? 'B' : 'A');

describe('plain HTTP: anonymous requests', () => {
  test('Basic credentials (correct key and secret) are ignored → 401 mphb_rest_cannot_view', async () => {
    const r = await read(await fetch(`${hotel.apiBase}/bookings`, { headers: basicHeader(hotel.keys.readWrite.key, hotel.keys.readWrite.secret) }));
    expectWpError(r, 401, 'mphb_rest_cannot_view');
    expect(r.body.data).toEqual({ status: 401 });
  });

  test('no credentials → the same 401 mphb_rest_cannot_view', async () => {
    const r = await read(await fetch(`${hotel.apiBase}/bookings`));
    expectWpError(r, 401, 'mphb_rest_cannot_view');
    expect(r.body.data).toEqual({ status: 401 });
  });

  test('a single booking without credentials → 401 mphb_rest_cannot_view', async () => {
    const id = liveBookings()[0].record.id;
    expectWpError(await read(await fetch(`${hotel.apiBase}/bookings/${id}`)), 401, 'mphb_rest_cannot_view');
  });

  test('consumer_key / consumer_secret query parameters over plain HTTP are ignored too (anonymous → 401)', async () => {
    const url = `${hotel.apiBase}/bookings?consumer_key=${hotel.keys.readWrite.key}&consumer_secret=${hotel.keys.readWrite.secret}`;
    expectWpError(await read(await fetch(url)), 401, 'mphb_rest_cannot_view');
  });
});

describe('plain HTTP: OAuth 1.0a signed with the library is accepted', () => {
  // Search values picked from the data: exact matches on booking meta (FIELD-NOTES).
  const values = () => [...new Set(liveBookings().flatMap((e) => [e.record.ical_summary, e.record.customer.first_name, e.record.customer.last_name]))]
    .filter((v) => typeof v === 'string' && v !== '');
  const pick = (predicate, label) => {
    const v = values().find(predicate);
    if (!v) throw new Error(`the seeded testhotel has no search value with ${label}`);
    return v;
  };
  const exactMatches = (v) => liveBookings().filter((e) => {
    const r = e.record;
    const c = r.customer;
    return [r.key, c.first_name, c.last_name, c.email, c.phone, r.ical_summary, r.ical_description].includes(v);
  }).map((e) => e.record.id).sort();
  const searchCase = (predicate, label, encode) => ({
    query: () => `?search=${encode(pick(predicate, label))}`,
    check: (r) => {
      const want = exactMatches(pick(predicate, label));
      expect(want.length).toBeGreaterThan(0);
      expect(r.body.map((b) => b.id).sort()).toEqual(want);
    },
  });
  const kinds = {
    'a plain page': {
      query: () => '?per_page=5&page=2',
      check: (r) => {
        expect(r.body).toHaveLength(5);
        expect(r.total).toBe(String(liveBookings().length));
      },
    },
    'a bracket filter (filter[post_status]=cancelled)': {
      query: () => '?filter[post_status]=cancelled&per_page=100',
      check: (r) => {
        const cancelled = liveBookings().filter((e) => e.meta.post_status === 'cancelled').map((e) => e.record.id);
        expect(cancelled.length).toBeGreaterThan(0);
        expect(r.body.map((b) => b.id).sort()).toEqual(cancelled.sort());
      },
    },
    'two bracket values (filter[post_status][0]=…&[1]=…)': {
      query: () => '?filter[post_status][0]=cancelled&filter[post_status][1]=abandoned&per_page=100',
      check: (r) => {
        const want = liveBookings().filter((e) => ['cancelled', 'abandoned'].includes(e.meta.post_status)).map((e) => e.record.id);
        expect(r.body.map((b) => b.id).sort()).toEqual(want.sort());
      },
    },
    'a search with spaces, literal quotes and parentheses (%20)': searchCase(
      (v) => /^".* .*"$/.test(v) && /[()]/.test(v), 'quotes, spaces and parentheses', encodeURIComponent),
    'a search with non-ASCII and "+" for spaces': searchCase(
      // eslint-disable-next-line no-control-regex -- any non-ASCII character: everything above U+007F
      (v) => / /.test(v) && /[^\x00-\x7f]/.test(v), 'a space and non-ASCII', (v) => encodeURIComponent(v).replace(/%20/g, '+')),
    "a search with RFC 3986 reserved characters left raw in the URL ('()!*)": searchCase(
      (v) => /['()!*]/.test(v) && !v.includes('"'), "one of '()!*", (v) => encodeURIComponent(v)),
  };
  const cases = [];
  for (const signatureMethod of ['HMAC-SHA1', 'HMAC-SHA256']) {
    for (const placement of ['header', 'query']) {
      for (const kind of Object.keys(kinds)) cases.push([signatureMethod, placement, kind]);
    }
  }

  test.each(cases)('%s in the %s: %s → 200', async (signatureMethod, placement, kind) => {
    const r = await read(await signed(`${hotel.apiBase}/bookings${kinds[kind].query()}`, { signatureMethod, placement }));
    expect({ status: r.status, body: r.status === 200 ? 'ok' : r.body }).toEqual({ status: 200, body: 'ok' });
    kinds[kind].check(r);
  });

  test.each([['HMAC-SHA1'], ['HMAC-SHA256']])('%s: a single booking, and the other collections', async (signatureMethod) => {
    const id = liveBookings()[0].record.id;
    const one = await read(await signed(`${hotel.apiBase}/bookings/${id}`, { signatureMethod }));
    expect(one.status).toBe(200);
    expect(one.body.id).toBe(id);
    for (const collection of ['accommodation_types', 'accommodations', 'rates']) {
      const r = await read(await signed(`${hotel.apiBase}/${collection}`, { signatureMethod, placement: 'query' }));
      expect([collection, r.status]).toEqual([collection, 200]);
      expect(Array.isArray(r.body)).toBe(true);
    }
  });

  test('the query-placed request carries every oauth_* parameter in the URL (sanity of the client)', () => {
    const { href, headers } = signRequest(`${hotel.apiBase}/bookings`, { ...rw(), placement: 'query', timestamp: nowSec() });
    const params = new URL(href).searchParams;
    for (const k of ['oauth_consumer_key', 'oauth_nonce', 'oauth_signature', 'oauth_signature_method', 'oauth_timestamp', 'oauth_version']) {
      expect([k, params.has(k)]).toEqual([k, true]);
    }
    expect(headers).toEqual({});
  });
});

describe('plain HTTP: OAuth refusals', () => {
  test.each([['header'], ['query']])('a tampered oauth_signature (%s) → 401 mphb_rest_authentication_error', async (placement) => {
    const r = await read(await signed(`${hotel.apiBase}/bookings`, {
      placement,
      tamper: (p) => ({ ...p, oauth_signature: flip(p.oauth_signature[0]) + p.oauth_signature.slice(1) }),
    }));
    expectWpError(r, 401, 'mphb_rest_authentication_error');
  });

  test('a query parameter changed after signing → 401 mphb_rest_authentication_error', async () => {
    const { href, headers } = signRequest(`${hotel.apiBase}/bookings?search=a`, { ...rw(), timestamp: nowSec() });
    const changed = href.replace('search=a', 'search=b');
    expectWpError(await read(await fetch(changed, { headers })), 401, 'mphb_rest_authentication_error');
  });

  test('a signature made for HMAC-SHA256 but declared HMAC-SHA1 → 401 mphb_rest_authentication_error', async () => {
    const r = await read(await signed(`${hotel.apiBase}/bookings`, {
      signatureMethod: 'HMAC-SHA256',
      tamper: (p) => ({ ...p, oauth_signature_method: 'HMAC-SHA1' }),
    }));
    expectWpError(r, 401, 'mphb_rest_authentication_error');
  });

  test.each([
    ['20 minutes ago', -20 * MINUTE],
    ['20 minutes ahead', 20 * MINUTE],
  ])('a timestamp %s → 401 mphb_rest_authentication_error', async (_label, offset) => {
    const r = await read(await signed(`${hotel.apiBase}/bookings`, { timestamp: nowSec() + offset }));
    expectWpError(r, 401, 'mphb_rest_authentication_error');
  });

  test.each([
    ['10 minutes ago', -10 * MINUTE],
    ['10 minutes ahead', 10 * MINUTE],
  ])('a timestamp %s is accepted', async (_label, offset) => {
    const r = await read(await signed(`${hotel.apiBase}/bookings`, { timestamp: nowSec() + offset }));
    expect(r.status).toBe(200);
  });

  test('the server clock decides: a request signed now is refused once the server clock is 20 minutes later', async () => {
    const timestamp = nowSec();
    const saved = nowMs;
    try {
      nowMs += 20 * MINUTE * 1000;
      expectWpError(await read(await signed(`${hotel.apiBase}/bookings`, { timestamp })), 401, 'mphb_rest_authentication_error');
      nowMs = saved + 10 * MINUTE * 1000;
      expect((await signed(`${hotel.apiBase}/bookings`, { timestamp })).status).toBe(200);
    } finally {
      nowMs = saved;
    }
  });

  test('a reused nonce: the first request is accepted, the second refused (401 mphb_rest_authentication_error)', async () => {
    const nonce = `nonce-reuse-${Date.now()}`;
    const url = `${hotel.apiBase}/bookings?per_page=1`;
    const first = await read(await signed(url, { nonce }));
    expect(first.status).toBe(200);
    const second = await read(await signed(url, { nonce }));
    expectWpError(second, 401, 'mphb_rest_authentication_error');
    // Also on another URL, in the query string, with another signature method.
    const third = await read(await signed(`${hotel.apiBase}/accommodations`, { nonce, placement: 'query', signatureMethod: 'HMAC-SHA256' }));
    expectWpError(third, 401, 'mphb_rest_authentication_error');
  });

  test('an unknown consumer key → 401 mphb_rest_authentication_error', async () => {
    const r = await read(await signed(`${hotel.apiBase}/bookings`, { key: 'ck_0000000000000000000000000000000000000000', secret: hotel.keys.readWrite.secret }));
    expectWpError(r, 401, 'mphb_rest_authentication_error');
  });

  test('the right key with a wrong secret → 401 mphb_rest_authentication_error', async () => {
    const r = await read(await signed(`${hotel.apiBase}/bookings`, { key: hotel.keys.readWrite.key, secret: 'cs_wrongwrongwrongwrongwrongwrongwrongwron' }));
    expectWpError(r, 401, 'mphb_rest_authentication_error');
    // Another key's secret is wrong too.
    const r2 = await read(await signed(`${hotel.apiBase}/bookings`, { key: hotel.keys.readWrite.key, secret: hotel.keys.read.secret }));
    expectWpError(r2, 401, 'mphb_rest_authentication_error');
  });

  test.each([
    ['oauth_signature', 'header'],
    ['oauth_signature', 'query'],
    ['oauth_nonce', 'header'],
    ['oauth_nonce', 'query'],
  ])('missing %s (%s) → 401 mphb_rest_authentication_missing_parameter', async (name, placement) => {
    const r = await read(await signed(`${hotel.apiBase}/bookings`, {
      placement,
      tamper: (p) => {
        const copy = { ...p };
        delete copy[name];
        return copy;
      },
    }));
    expectWpError(r, 401, 'mphb_rest_authentication_missing_parameter');
  });

  test("another hotel's keys → 401 mphb_rest_authentication_error (and they work on their own hotel)", async () => {
    const foreign = { key: other.keys.readWrite.key, secret: other.keys.readWrite.secret };
    expectWpError(await read(await signed(`${hotel.apiBase}/bookings`, foreign)), 401, 'mphb_rest_authentication_error');
    expect((await signed(`${other.apiBase}/bookings`, foreign)).status).toBe(200);
  });

  test('a read-only key on a write → 401 mphb_rest_authentication_error, booking unchanged; the read/write key changes it', async () => {
    const target = liveBookings().find((e) => e.meta.post_status === 'confirmed');
    const id = target.record.id;
    const url = `${hotel.apiBase}/bookings/${id}`;
    const readKey = { key: hotel.keys.read.key, secret: hotel.keys.read.secret };

    // The read key reads…
    const before = await read(await signed(url, readKey));
    expect(before.status).toBe(200);
    expect(before.body.status).toBe('confirmed');
    // …but cannot write.
    const refused = await read(await signed(url, { ...readKey, method: 'POST', body: { status: 'cancelled' } }));
    expectWpError(refused, 401, 'mphb_rest_authentication_error');
    const still = await read(await signed(url));
    expect(still.body.status).toBe('confirmed');
    expect(sim.site('testhotel').get('bookings', id).meta.post_status).toBe('confirmed');

    const done = await read(await signed(url, { method: 'POST', body: { status: 'cancelled' } }));
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('cancelled');
    const after = await read(await signed(url, readKey));
    expect(after.body.status).toBe('cancelled');
  });

  test('a write-only key on a GET → 401 mphb_rest_authentication_error', async () => {
    const r = await read(await signed(`${hotel.apiBase}/bookings`, { key: hotel.keys.write.key, secret: hotel.keys.write.secret }));
    expectWpError(r, 401, 'mphb_rest_authentication_error');
  });

  test('the Link "next" URL copies the oauth_* parameters: following it verbatim replays the nonce → 401; signing page 2 afresh → 200', async () => {
    const first = await read(await signed(`${hotel.apiBase}/bookings?per_page=5`, { placement: 'query' }));
    expect(first.status).toBe(200);
    const next = /<([^>]+)>;\s*rel="next"/.exec(first.headers.get('link') ?? '')?.[1];
    expect(next).toBeDefined();
    const nextUrl = new URL(next);
    expect(nextUrl.searchParams.get('page')).toBe('2');
    expect(nextUrl.searchParams.has('oauth_nonce')).toBe(true);
    expectWpError(await read(await fetch(next)), 401, 'mphb_rest_authentication_error');
    const fresh = await read(await signed(`${hotel.apiBase}/bookings?per_page=5&page=2`, { placement: 'query' }));
    expect(fresh.status).toBe(200);
    expect(fresh.body).toHaveLength(5);
  });

  test('the ?rest_route=/mphb/v1/bookings form answers 401 even when correctly signed', async () => {
    for (const placement of ['header', 'query']) {
      const r = await read(await signed(`${hotel.siteUrl}/?rest_route=/mphb/v1/bookings`, { placement }));
      expect([placement, r.status]).toEqual([placement, 401]);
      expectWpError(r, 401, 'mphb_rest_cannot_view');
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// HTTPS: a self-signed certificate, trusted by a child Node process through NODE_EXTRA_CA_CERTS (read only at
// process start, hence the child).
// ---------------------------------------------------------------------------------------------------------
const CHILD = `
const { url, method, headers } = JSON.parse(process.env.MPHB_REQUEST);
fetch(url, { method, headers }).then(
  async (r) => process.stdout.write(JSON.stringify({ status: r.status, wwwAuthenticate: r.headers.get('www-authenticate'), body: await r.text() })),
  (e) => process.stdout.write(JSON.stringify({ error: e.message, code: e.cause?.code ?? e.code ?? null })),
);
`;

function childFetch(request, { caFile } = {}) {
  const env = { ...process.env, MPHB_REQUEST: JSON.stringify({ method: 'GET', headers: {}, ...request }) };
  delete env.NODE_EXTRA_CA_CERTS;
  delete env.NODE_TLS_REJECT_UNAUTHORIZED;
  delete env.NODE_OPTIONS;
  if (caFile) env.NODE_EXTRA_CA_CERTS = caFile;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', CHILD], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => { out += c; });
    child.stderr.on('data', (c) => { err += c; });
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        const result = JSON.parse(out);
        if (result.body !== undefined) {
          try { result.json = JSON.parse(result.body); } catch { /* not JSON */ }
        }
        resolve(result);
      } catch {
        reject(new Error(`child exited ${code}: ${out} ${err}`));
      }
    });
  });
}

describe('HTTPS (self-signed certificate, NODE_EXTRA_CA_CERTS in a child process)', () => {
  let tls;
  let dir;
  let caFile;
  let indo;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mphb-sim-tls-'));
    caFile = join(dir, 'ca.pem');
    tls = await startSimulator({ hotels: 'indo', seed: SEED, tls: true, caFile });
    indo = tls.hotels[0];
  });

  afterAll(async () => {
    await tls?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('the simulator serves https URLs', () => {
    expect(tls.scheme).toBe('https');
    expect(indo.apiBase).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/indo\/wp-json\/mphb\/v1$/);
  });

  test('Basic with key:secret → 200 and the bookings', async () => {
    const r = await childFetch({ url: `${indo.apiBase}/bookings?per_page=100`, headers: basicHeader(indo.keys.readWrite.key, indo.keys.readWrite.secret) }, { caFile });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(200);
    const live = tls.site('indo').list('bookings').filter((e) => e.meta.post_status !== 'trash').map((e) => e.record.id);
    expect(r.json.map((b) => b.id).sort()).toEqual(live.sort());
  });

  test('consumer_key / consumer_secret query parameters → 200', async () => {
    const url = `${indo.apiBase}/bookings?consumer_key=${indo.keys.readWrite.key}&consumer_secret=${indo.keys.readWrite.secret}`;
    const r = await childFetch({ url }, { caFile });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(200);
    expect(Array.isArray(r.json)).toBe(true);
  });

  test('the same child without NODE_EXTRA_CA_CERTS fails with a certificate error', async () => {
    const r = await childFetch({ url: `${indo.apiBase}/bookings`, headers: basicHeader(indo.keys.readWrite.key, indo.keys.readWrite.secret) });
    expect(r.status).toBeUndefined();
    expect(['SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT']).toContain(r.code);
  });

  test.each([
    ['HMAC-SHA1', 'header'],
    ['HMAC-SHA256', 'query'],
  ])('OAuth works over TLS too (%s in the %s)', async (signatureMethod, placement) => {
    const { href, headers } = signRequest(`${indo.apiBase}/bookings?filter[post_status]=confirmed&search=${encodeURIComponent('"Airbnb (Not available)"')}`, {
      key: indo.keys.readWrite.key, secret: indo.keys.readWrite.secret, signatureMethod, placement,
    });
    const r = await childFetch({ url: href, headers }, { caFile });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(200);
    const want = tls.site('indo').list('bookings')
      .filter((e) => e.meta.post_status === 'confirmed' && e.record.ical_summary === '"Airbnb (Not available)"').map((e) => e.record.id);
    expect(want.length).toBeGreaterThan(0);
    expect(r.json.map((b) => b.id).sort()).toEqual(want.sort());
  });

  test('Basic with a wrong secret → 401 mphb_rest_authentication_error (no WWW-Authenticate)', async () => {
    const r = await childFetch({ url: `${indo.apiBase}/bookings`, headers: basicHeader(indo.keys.readWrite.key, 'cs_not_the_secret') }, { caFile });
    expect(r.status).toBe(401);
    expect(r.json).toEqual({ code: 'mphb_rest_authentication_error', message: expect.any(String), data: { status: 401 } });
    expect(r.wwwAuthenticate).toBeNull();
  });

  test('Basic with an unknown key → 401 mphb_rest_authentication_error', async () => {
    const r = await childFetch({ url: `${indo.apiBase}/bookings`, headers: basicHeader('ck_unknown', indo.keys.readWrite.secret) }, { caFile });
    expect(r.status).toBe(401);
    expect(r.json.code).toBe('mphb_rest_authentication_error');
  });

  test('no credentials over TLS → 401 mphb_rest_cannot_view', async () => {
    const r = await childFetch({ url: `${indo.apiBase}/bookings` }, { caFile });
    expect(r.status).toBe(401);
    expect(r.json).toEqual({ code: 'mphb_rest_cannot_view', message: expect.any(String), data: { status: 401 } });
  });
});
