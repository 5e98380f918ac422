// The MotoPress REST client (host/motopress/) against the real simulator, started in-process: full passes,
// concurrency, in-order streaming, OAuth 1.0a nonces per attempt, retries with backoff for each fault kind,
// give-up errors, page drift, single records (trash, 404), the credentials check, the transport policy
// (SPEC §7), and HTTP Basic over TLS (in a child process: NODE_EXTRA_CA_CERTS is read at process start).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { createMotoPressClient, MotoPressError } from '../../host/motopress/motopress_client.js';
import { streamPages } from '../../host/motopress/page_fetcher.js';
import { queryPairs } from '../../host/motopress/query_string.js';
import { ResponseHeaders } from '../../host/motopress/response_headers.js';
import { startSimulator } from '../../host/simulator/simulator_server.js';

const SEED = 7;
const CLIENT_MODULE = fileURLToPath(new URL('../../host/motopress/motopress_client.js', import.meta.url));
const decoder = new TextDecoder();

let sim;
const hotel = (name, s = sim) => s.hotels.find((h) => h.name === name);
const liveIds = (name, collection = 'bookings', s = sim) => s.site(name).list(collection)
  .filter((e) => e.meta.post_status !== 'trash').map((e) => e.record.id).sort((a, b) => a - b);
const sortedIds = (records) => records.map((r) => r.id).sort((a, b) => a - b);

/** A recording sleep (no real waiting) and a client for `name` with the read/write key unless overridden. */
function setup(name, overrides = {}, s = sim) {
  const h = hotel(name, s);
  const sleeps = [];
  const events = [];
  const client = createMotoPressClient({
    siteUrl: h.siteUrl,
    consumerKey: h.keys.readWrite.key,
    consumerSecret: h.keys.readWrite.secret,
    tenant: name,
    sleep: async (ms) => { sleeps.push(ms); },
    onRequest: (info) => events.push(info),
    ...overrides,
  });
  return { client, sleeps, events, h };
}

/** A fetch that records each request's URL and headers, then sends it. */
function recordingFetch() {
  const seen = [];
  const fn = (url, init) => {
    seen.push({ url: String(url), headers: { ...init.headers } });
    return fetch(url, init);
  };
  return { fetch: fn, seen };
}

const nonceOf = (header) => /oauth_nonce="([^"]+)"/.exec(header)?.[1];

async function control(s, method, path, body) {
  const res = await fetch(`${s.url}/_control${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

/** A throwaway HTTP server answering every request with `handler`. */
async function withServer(handler, run) {
  const server = createServer(handler);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await run(`http://127.0.0.1:${server.address().port}`);
  } finally {
    server.closeAllConnections?.();
    await new Promise((resolve) => server.close(resolve));
  }
}

beforeAll(async () => {
  sim = await startSimulator({ hotels: 'simmerdown,indo,retry=simmerdown', seed: SEED });
});

afterAll(async () => {
  await sim?.stop();
});

afterEach(() => {
  sim.setFaults([]);
  sim.setLatency(0);
});

// ---------------------------------------------------------------------------------------------------------
describe('full passes (plain http: OAuth 1.0a)', () => {
  test('simmerdown bookings: 101 unique, X-WP-Total 101, 2 requests of 100, raw bytes per page', async () => {
    const { client } = setup('simmerdown');
    const r = await client.getCollection('bookings');
    expect(r.records).toHaveLength(101);
    expect(new Set(r.records.map((b) => b.id)).size).toBe(101);
    expect(sortedIds(r.records)).toEqual(liveIds('simmerdown'));
    expect({ total: r.total, totalPages: r.totalPages, requests: r.requests, duplicates: r.duplicates, unique: r.unique, consistent: r.consistent })
      .toEqual({ total: 101, totalPages: 2, requests: 2, duplicates: 0, unique: 101, consistent: true });
    expect(r.warnings).toEqual([]);
    expect(r.bodies).toHaveLength(2);
    expect(r.bodies.every((b) => b instanceof Uint8Array)).toBe(true);
    const fromBytes = r.bodies.flatMap((b) => JSON.parse(decoder.decode(b)));
    expect(fromBytes).toEqual(r.records);
    expect(JSON.parse(decoder.decode(r.bodies[0]))).toHaveLength(100);
  });

  test('accommodations and accommodation types: one request each, trashed units left out as upstream does', async () => {
    const { client } = setup('simmerdown');
    const units = await client.getCollection('accommodations');
    const types = await client.getCollection('accommodation_types');
    expect(sortedIds(units.records)).toEqual(liveIds('simmerdown', 'accommodations'));
    expect(sortedIds(types.records)).toEqual(liveIds('simmerdown', 'accommodation_types'));
    expect([units.total, units.requests, units.consistent]).toEqual([hotel('simmerdown').counts.accommodations, 1, true]);
    expect([types.total, types.requests, types.consistent]).toEqual([hotel('simmerdown').counts.accommodation_types, 1, true]);
  });

  test('requests: per_page=100, client-built page numbers, no _embed, OAuth in the header (never Basic, never the secret), curl-like User-Agent', async () => {
    const rec = recordingFetch();
    const { client, h } = setup('simmerdown', { fetch: rec.fetch });
    await client.getCollection('bookings');
    expect(rec.seen).toHaveLength(2);
    rec.seen.forEach(({ url, headers }, i) => {
      const u = new URL(url);
      expect(`${u.origin}${u.pathname}`).toBe(`${h.siteUrl}/wp-json/mphb/v1/bookings`);
      expect(Object.fromEntries(u.searchParams)).toEqual({ per_page: '100', page: String(i + 1) });
      expect(headers.Authorization).toMatch(/^OAuth /);
      expect(headers.Authorization).toContain('oauth_signature_method="HMAC-SHA1"');
      expect(headers.Authorization).not.toContain('oauth_token');
      expect(headers.Authorization).not.toContain(h.keys.readWrite.secret);
      expect(headers['User-Agent']).toBe('mphb-sync/0.1 curl-compatible');
    });
  });

  test('a pasted API URL or a trailing slash is normalised to the site', async () => {
    for (const siteUrl of [`${hotel('indo').siteUrl}/`, `${hotel('indo').siteUrl}/wp-json/mphb/v1/`, `${hotel('indo').siteUrl}/wp-json`]) {
      const { client } = setup('indo', { siteUrl });
      expect(client.apiBase).toBe(hotel('indo').apiBase);
      expect((await client.getCollection('accommodations')).records).toHaveLength(hotel('indo').counts.accommodations);
    }
  });

  test('queries with bracket keys are signed correctly: nested filter, repeated include[]', async () => {
    const { client } = setup('simmerdown');
    const cancelled = await client.getCollection('bookings', { query: { filter: { post_status: 'cancelled' } } });
    const want = sim.site('simmerdown').list('bookings').filter((e) => e.meta.post_status === 'cancelled').map((e) => e.record.id);
    expect(want.length).toBeGreaterThan(0);
    expect(sortedIds(cancelled.records)).toEqual(want.sort((a, b) => a - b));

    const [a, b] = liveIds('simmerdown');
    const some = await client.getCollection('bookings', { query: { include: [a, b], 'filter[post_status]': 'any' } });
    expect(sortedIds(some.records)).toEqual([a, b]);

    const modified = await client.getCollection('bookings', {
      query: { filter: { date_query: [{ column: 'post_modified_gmt', after: '2000-01-01T00:00:00' }] } },
    });
    expect(modified.total).toBe(101);
  });

  test('query flattening follows PHP parse_str', () => {
    expect(queryPairs({ filter: { date_query: [{ column: 'post_modified_gmt', after: 'X' }] }, include: [1, 2], search: 'a b' })).toEqual([
      ['filter[date_query][0][column]', 'post_modified_gmt'],
      ['filter[date_query][0][after]', 'X'],
      ['include[]', '1'],
      ['include[]', '2'],
      ['search', 'a b'],
    ]);
  });

  test('the client owns paging: page, offset and _embed are refused, per_page must be 1..100', async () => {
    const { client } = setup('indo');
    await expect(client.getCollection('bookings', { query: { page: 2 } })).rejects.toThrow(TypeError);
    await expect(client.getCollection('bookings', { query: { _embed: 1 } })).rejects.toThrow(/_embed/);
    await expect(client.getCollection('bookings', { query: { per_page: 101 } })).rejects.toThrow(/per_page/);
    await expect(client.getCollection('../bookings')).rejects.toThrow(TypeError);
  });
});

// ---------------------------------------------------------------------------------------------------------
describe('concurrency and streaming', () => {
  test('a page is handed over only after the requests its arrival freed have gone out (planning never delays a request)', async () => {
    const log = [];
    const fetchPage = async (page) => {
      // What a real request does before it is on the wire: a few asynchronous steps (signing, dispatch).
      for (let i = 0; i < 3; i++) await null;
      log.push(`sent ${page}`);
      return { bytes: new Uint8Array(0), records: null, total: 60, totalPages: 6 };
    };
    await streamPages({ fetchPage, perPage: 10, concurrency: 2, onPage: ({ page }) => { log.push(`planned ${page}`); } });
    // Page 1 answered alone; the two requests that replace it go out before it is planned, and so on.
    expect(log.indexOf('sent 2')).toBeLessThan(log.indexOf('planned 1'));
    expect(log.indexOf('sent 3')).toBeLessThan(log.indexOf('planned 1'));
    for (let page = 2; page <= 4; page++) expect(log.indexOf(`sent ${page + 2}`)).toBeLessThan(log.indexOf(`planned ${page}`));
    expect(log.filter((l) => l.startsWith('planned'))).toEqual(['planned 1', 'planned 2', 'planned 3', 'planned 4', 'planned 5', 'planned 6']);
  });

  test('with the expected page count, no slot waits for page 1: answered pages hand theirs to the next pages', async () => {
    // Page 1 answers last (released by hand); pages 2.. answer at once. Concurrency 3: never more than 3 out.
    let releaseFirst;
    const firstHeld = new Promise((resolve) => { releaseFirst = resolve; });
    let out = 0;
    let most = 0;
    const sent = [];
    const fetchPage = async (page) => {
      out += 1;
      most = Math.max(most, out);
      sent.push(page);
      try {
        if (page === 1) await firstHeld;
        else for (let i = 0; i < 3; i++) await null;
        return { bytes: new Uint8Array(0), records: null, total: 100, totalPages: 10 };
      } finally {
        out -= 1;
      }
    };
    const planned = [];
    const pass = streamPages({ fetchPage, perPage: 10, concurrency: 3, expectedPages: 10, onPage: ({ page }) => { planned.push(page); } });
    await new Promise((r) => setImmediate(r));
    // Before page 1 answered: pages 2.. kept going out, two at a time next to page 1, up to the look-ahead.
    expect(sent.length).toBe(10);
    expect(most).toBe(3);
    expect(planned).toEqual([]);
    releaseFirst();
    await pass;
    expect(planned).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect([...sent].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]); // none asked twice
    expect(most).toBe(3);
  });

  /** Max requests in flight seen through onRequest. */
  function inFlightCounter() {
    let now = 0;
    let max = 0;
    return {
      onRequest: (info) => {
        if (info.event === 'start') max = Math.max(max, ++now);
        else now -= 1;
      },
      max: () => max,
      now: () => now,
    };
  }

  test.each([1, 3, 5])('at most concurrency=%i requests in flight (11 pages of 10, 30 ms each)', async (concurrency) => {
    sim.setLatency(30);
    const counter = inFlightCounter();
    const { client } = setup('simmerdown', { concurrency, onRequest: counter.onRequest });
    const r = await client.getCollection('bookings', { query: { per_page: 10 } });
    expect(r.records).toHaveLength(101);
    expect([r.totalPages, r.requests]).toEqual([11, 11]);
    expect(counter.max()).toBe(concurrency);
    expect(counter.now()).toBe(0);
  });

  test('pages reach onPage in page order while later pages are still in flight', async () => {
    // Page 2 is slow, pages 3..11 fast: they arrive first but are handed over after page 2.
    const slowPage2 = async (url, init) => {
      if (new URL(url).searchParams.get('page') === '2') await new Promise((resolve) => setTimeout(resolve, 120));
      return fetch(url, init);
    };
    const ended = [];
    const delivered = [];
    let endedWhenPage1Delivered;
    const { client } = setup('simmerdown', {
      concurrency: 4,
      fetch: slowPage2,
      onRequest: (info) => { if (info.event === 'end') ended.push(Number(/page=(\d+)/.exec(info.endpoint)[1])); },
    });
    const summary = await client.streamCollection('bookings', {
      query: { per_page: 10 },
      onPage: async ({ page, records, bytes, total, totalPages }) => {
        if (page === 1) endedWhenPage1Delivered = ended.length;
        delivered.push({ page, n: records.length, bytes: bytes.byteLength, total, totalPages });
        await new Promise((resolve) => setTimeout(resolve, 5)); // a slow writer
      },
    });
    expect(delivered.map((d) => d.page)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(delivered.every((d) => d.total === 101 && d.totalPages === 11 && d.bytes > 0)).toBe(true);
    expect(delivered.reduce((s, d) => s + d.n, 0)).toBe(101);
    expect(endedWhenPage1Delivered).toBe(1); // only page 1 had answered
    expect(ended.indexOf(2)).toBeGreaterThan(ended.indexOf(3)); // page 3 answered before page 2
    expect(summary).toMatchObject({ total: 101, totalPages: 11, pages: 11, requests: 11, unique: 101, duplicates: 0, consistent: true });
  });

  test('a slow writer bounds the look-ahead: at most 4 × concurrency pages wait for delivery', async () => {
    const ended = new Set();
    let maxAhead = 0;
    const { client } = setup('simmerdown', {
      concurrency: 2,
      onRequest: (info) => { if (info.event === 'end') ended.add(Number(/page=(\d+)/.exec(info.endpoint)[1])); },
    });
    const r = await client.streamCollection('bookings', {
      query: { per_page: 5 },
      onPage: async ({ page }) => {
        maxAhead = Math.max(maxAhead, Math.max(...ended) - page);
        await new Promise((resolve) => setTimeout(resolve, 10));
      },
    });
    expect(r).toMatchObject({ pages: 21, unique: 101, consistent: true });
    expect(maxAhead).toBeGreaterThan(0);
    expect(maxAhead).toBeLessThanOrEqual(8);
  });

  test('without X-WP-Total / X-WP-TotalPages (stripped by a proxy): pages one by one until a short page', async () => {
    const stripTotals = async (url, init) => {
      const res = await fetch(url, init);
      const headers = new Headers(res.headers);
      headers.delete('x-wp-total');
      headers.delete('x-wp-totalpages');
      return new Response(await res.arrayBuffer(), { status: res.status, headers });
    };
    const { client } = setup('simmerdown', { fetch: stripTotals });
    const r = await client.getCollection('bookings', { query: { per_page: 25 } });
    expect(sortedIds(r.records)).toEqual(liveIds('simmerdown'));
    expect(r).toMatchObject({ total: null, totalPages: null, pages: 5, requests: 5, consistent: true });
    expect(r.warnings.map((w) => w.code)).toEqual(['no_totals']);
  });

  test('a UTF-8 byte order mark before the JSON (a PHP file saved with one) is dropped, from the bytes too', async () => {
    const withBom = async (url, init) => {
      const res = await fetch(url, init);
      const body = new Uint8Array([0xef, 0xbb, 0xbf, ...new Uint8Array(await res.arrayBuffer())]);
      const headers = new Headers(res.headers);
      headers.delete('content-length');
      return new Response(body, { status: res.status, headers });
    };
    const { client } = setup('indo', { fetch: withBom });
    const r = await client.getCollection('accommodations');
    expect(r.records).toHaveLength(hotel('indo').counts.accommodations);
    expect(r.bodies[0][0]).toBe('['.charCodeAt(0));
  });

  test('an onPage failure stops the pass and leaves no request in flight', async () => {
    sim.setLatency(20);
    let inFlight = 0;
    const { client } = setup('simmerdown', { onRequest: (i) => { inFlight += i.event === 'start' ? 1 : -1; } });
    await expect(client.streamCollection('bookings', {
      query: { per_page: 10 },
      onPage: ({ page }) => { if (page === 2) throw new Error('database gone'); },
    })).rejects.toThrow('database gone');
    expect(inFlight).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------------------
// On a hotel of their own: a fault scheduled @N counts the hotel's requests, and a request another test
// aborted can still arrive after it ended.
describe('requests in flight for the whole client (maxInFlight: a fleet worker\'s share of a host)', () => {
  // The real simulator, slowed; the transport counts requests on the wire at once (it delegates to fetch).
  async function mostInFlight(maxInFlight) {
    let out = 0;
    let most = 0;
    const counting = async (url, init) => {
      out += 1;
      most = Math.max(most, out);
      try {
        const response = await fetch(url, init);
        // The whole body is part of the request: read it before this one counts as done.
        return new Response(await response.arrayBuffer(), { status: response.status, headers: response.headers });
      } finally {
        out -= 1;
      }
    };
    sim.setFaults('indo:*:latency=40');
    try {
      const { client } = setup('indo', { fetch: counting, concurrency: 4, ...(maxInFlight ? { maxInFlight } : {}) });
      // What one sync asks for at once: two collections and the bookings stream, each up to 4 pages, and records.
      const [types, units, bookings] = await Promise.all([
        client.getCollection('accommodation_types', { query: { per_page: 1 } }), client.getCollection('accommodations', { query: { per_page: 2 } }),
        client.getCollection('bookings'), client.getOne('bookings', liveIds('indo')[0]), client.getOne('bookings', liveIds('indo')[1]),
      ]);
      expect(sortedIds(bookings.records)).toEqual(liveIds('indo'));
      expect(types.records.length).toBeGreaterThan(1);
      expect(units.records.length).toBeGreaterThan(2);
      return most;
    } finally {
      sim.setFaults('');
    }
  }

  test('at most maxInFlight requests are on the wire at once, whatever asks for them; without it, each stream has its own concurrency', async () => {
    expect(await mostInFlight(2)).toBe(2);
    expect(await mostInFlight(undefined)).toBeGreaterThan(4);
  });

  test('maxInFlight must be a whole number ≥ 1', () => {
    for (const bad of [0, -1, 1.5, NaN, '2']) expect(() => setup('indo', { maxInFlight: bad })).toThrow(/maxInFlight must be an integer ≥ 1/);
  });
});

describe('retries: each fault recovers', () => {
  test.each([
    ['status=503@2', 'page 2 answers 503 once'],
    ['status=502@1', 'page 1 answers 502 once'],
    ['reset@1', 'the connection is reset'],
    ['truncate@1', 'the body is cut short of Content-Length'],
    ['malformed@1', 'a PHP notice before the JSON'],
  ])('%s (%s): the full pass, one retry after a jittered backoff', async (fault) => {
    sim.setFaults(`retry:bookings:${fault}`);
    const { client, sleeps, events } = setup('retry', { random: () => 0.5 });
    const r = await client.getCollection('bookings');
    expect(sortedIds(r.records)).toEqual(liveIds('retry'));
    expect([r.total, r.requests]).toEqual([101, 3]);
    expect(sleeps).toEqual([250]); // full jitter: 0.5 × 500 ms
    const failed = events.filter((e) => e.event === 'end' && e.error);
    expect(failed).toHaveLength(1);
    expect(failed[0].retryInMs).toBe(250);
  });

  test('rate-limit=1@1: Retry-After honoured (the recorded sleep is ≥ 1000 ms)', async () => {
    sim.setFaults('retry:bookings:rate-limit=1@1');
    const { client, sleeps, events } = setup('retry', { random: () => 0.1 });
    const r = await client.getCollection('bookings');
    expect(r.records).toHaveLength(101);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(1000);
    expect(events.find((e) => e.error)).toMatchObject({ status: 429, error: 'rate_limited' });
  });

  test('Retry-After is capped (120 s → 60 s)', async () => {
    sim.setFaults('retry:bookings:rate-limit=120@1');
    const { client, sleeps } = setup('retry');
    await client.getCollection('bookings');
    expect(sleeps).toEqual([60_000]);
  });

  test('hang@1 with a short timeout: the attempt times out and the retry succeeds', async () => {
    sim.setFaults('retry:bookings:hang@1');
    const { client, events } = setup('retry', { timeoutMs: 300 });
    const r = await client.getCollection('bookings');
    expect(r.records).toHaveLength(101);
    expect(r.requests).toBe(3);
    expect(events.find((e) => e.error)).toMatchObject({ error: 'timeout', status: null, endpoint: 'GET /bookings?page=1' });
  });

  test('every attempt carries a fresh nonce, retries included (the simulator refuses a reused one)', async () => {
    // truncate and malformed strike after authentication: the nonce is spent, the retry must sign anew.
    sim.setFaults('retry:bookings:truncate@1,retry:bookings:malformed@3,retry:accommodations:truncate@1');
    const rec = recordingFetch();
    const { client } = setup('retry', { fetch: rec.fetch });
    const bookings = await client.getCollection('bookings', { query: { per_page: 20 } });
    const units = await client.getCollection('accommodations');
    expect(bookings.records).toHaveLength(101);
    expect(units.records).toHaveLength(hotel('retry').counts.accommodations);
    const nonces = rec.seen.map((s) => nonceOf(s.headers.Authorization));
    expect(nonces.every(Boolean)).toBe(true);
    expect(rec.seen).toHaveLength(6 + 2 + 2);
    expect(new Set(nonces).size).toBe(nonces.length);
    const timestamps = rec.seen.map((s) => Number(/oauth_timestamp="(\d+)"/.exec(s.headers.Authorization)[1]));
    expect(timestamps.every((t) => Math.abs(t - Date.now() / 1000) < 60)).toBe(true);
  });

  test('backoff grows exponentially with full jitter', async () => {
    sim.setFaults('retry:bookings:status=503@1-4');
    const { client, sleeps } = setup('retry', { random: () => 0.999, backoffMs: 100 });
    await client.getCollection('bookings');
    expect(sleeps).toEqual([99, 199, 399, 799]);
  });
});

// ---------------------------------------------------------------------------------------------------------
describe('giving up: a MotoPressError naming tenant, endpoint and cause', () => {
  async function failure(promise) {
    try {
      await promise;
    } catch (error) {
      return error;
    }
    throw new Error('expected a rejection');
  }

  test.each([
    ['status=503', 'http_5xx', 503, /HTTP 503$/],
    ['reset', 'network', null, /connection/],
    ['malformed', 'malformed_json', 200, /not valid JSON/],
    ['truncate', 'malformed_json', 200, /truncated/],
    ['rate-limit=1', 'rate_limited', 429, /HTTP 429 rest_too_many_requests/],
  ])('%s on every request → code %s after retries+1 attempts', async (fault, code, status, cause) => {
    sim.setFaults(`simmerdown:bookings:${fault}`);
    const { client, sleeps, h } = setup('simmerdown', { retries: 2 });
    const error = await failure(client.getCollection('bookings'));
    expect(error).toBeInstanceOf(MotoPressError);
    expect(error).toMatchObject({ code, status, attempts: 3, tenant: 'simmerdown', endpoint: 'GET /bookings?page=1' });
    expect(error.message).toMatch(/^tenant simmerdown: GET \/bookings\?page=1 failed after 3 attempts: /);
    expect(error.message).toMatch(cause);
    expect(sleeps).toHaveLength(2);
    expect(JSON.stringify(error)).not.toContain(h.keys.readWrite.secret);
  });

  test('the example message: tenant, endpoint of page 3, HTTP 503 after 5 attempts', async () => {
    sim.setFaults('simmerdown:bookings:status=503@3+');
    const { client } = setup('simmerdown', { concurrency: 1 });
    const error = await failure(client.getCollection('bookings', { query: { per_page: 40 } }));
    expect(error.message).toBe('tenant simmerdown: GET /bookings?page=3 failed after 5 attempts: HTTP 503');
    expect(error).toMatchObject({ code: 'http_5xx', status: 503, attempts: 5, endpoint: 'GET /bookings?page=3', wpCode: null });
  });

  test('hang on every attempt → timeout', async () => {
    sim.setFaults('simmerdown:bookings:hang');
    const { client } = setup('simmerdown', { timeoutMs: 150, retries: 1 });
    const error = await failure(client.getCollection('bookings'));
    expect(error).toMatchObject({ code: 'timeout', status: null, attempts: 2 });
    expect(error.message).toMatch(/timed out after 150 ms/);
  });

  test('401 is not retried: 1 attempt, the WordPress code kept, no secret or signature anywhere', async () => {
    const { client, events, sleeps, h } = setup('simmerdown', { consumerSecret: 'cs_wrong_secret_value' });
    const error = await failure(client.getCollection('bookings'));
    expect(error).toMatchObject({ code: 'unauthorized', status: 401, attempts: 1, wpCode: 'mphb_rest_authentication_error' });
    expect(error.message).toMatch(/^tenant simmerdown: GET \/bookings\?page=1 failed after 1 attempt: HTTP 401 mphb_rest_authentication_error/);
    expect(events.filter((e) => e.event === 'start')).toHaveLength(1);
    expect(sleeps).toEqual([]);
    const text = JSON.stringify({ error, message: error.message, events });
    expect(text).not.toContain('cs_wrong_secret_value');
    expect(text).not.toContain(h.keys.readWrite.secret);
    expect(text).not.toMatch(/oauth_signature=|oauth_signature"/);
  });

  test('403 (filter[] without the capability) and 400 (bad parameter) are not retried', async () => {
    await control(sim, 'PUT', '/indo/settings', { can_edit_bookings: false });
    try {
      const { client } = setup('indo');
      const forbidden = await failure(client.getCollection('bookings', { query: { filter: { post_status: 'trash' } } }));
      expect(forbidden).toMatchObject({ code: 'forbidden', status: 403, attempts: 1, wpCode: 'mphb_rest_cannot_view' });
    } finally {
      await control(sim, 'PUT', '/indo/settings', { can_edit_bookings: true });
    }
    const { client } = setup('indo');
    const bad = await failure(client.getCollection('bookings', { query: { orderby: 'price' } }));
    expect(bad).toMatchObject({ code: 'bad_request', status: 400, attempts: 1, wpCode: 'rest_invalid_param' });
  });

  test('a page failing mid-pass cancels the pages in flight; the pass settles before rejecting', async () => {
    sim.setFaults('simmerdown:bookings:status=500@2+');
    sim.setLatency(20);
    let inFlight = 0;
    const pages = [];
    const { client } = setup('simmerdown', { retries: 1, onRequest: (i) => { inFlight += i.event === 'start' ? 1 : -1; } });
    const error = await failure(client.streamCollection('bookings', { query: { per_page: 10 }, onPage: ({ page }) => { pages.push(page); } }));
    expect(error.code).toBe('http_5xx');
    expect(pages).toEqual([1]);
    expect(inFlight).toBe(0);
  });

  test('a caller\'s AbortSignal cancels the pass', async () => {
    sim.setLatency(50);
    const { client } = setup('simmerdown');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const error = await failure(client.getCollection('bookings', { query: { per_page: 10 }, signal: controller.signal }));
    expect(error).toMatchObject({ code: 'aborted' });
  });
});

// ---------------------------------------------------------------------------------------------------------
describe('page drift', () => {
  let drift;
  beforeAll(async () => {
    drift = await startSimulator({ hotels: 'simmerdown', seed: SEED });
  });
  afterAll(async () => {
    await drift?.stop();
  });

  test('a booking created after page 1: records deduplicated by id, unique vs X-WP-Total reported, no failure', async () => {
    const hook = await control(drift, 'POST', '/simmerdown/on-request', { endpoint: 'bookings', after: 1, action: 'create_booking' });
    expect(hook.status).toBe(200);
    const { client } = setup('simmerdown', { concurrency: 3 }, drift);
    const r = await client.getCollection('bookings', { query: { per_page: 10 } });
    // The new booking is the newest: it pushes every later page down by one, so the last booking of page 1
    // comes again at the top of page 2; the new one itself is never seen (it went to page 1, already read).
    expect(new Set(r.records.map((b) => b.id)).size).toBe(r.records.length);
    expect(r).toMatchObject({ total: 101, totalAtEnd: 102, unique: 101, duplicates: 1, consistent: false, totalPages: 11, requests: 11 });
    expect(r.records).toHaveLength(101);
    expect(r.warnings).toEqual([{ code: 'page_drift', message: expect.stringMatching(/101 unique ids, X-WP-Total 101 at the start, 102 at the end, 1 duplicate/) }]);
    // A second pass sees everything.
    const again = await client.getCollection('bookings', { query: { per_page: 10 } });
    expect(again).toMatchObject({ total: 102, unique: 102, duplicates: 0, consistent: true });
  });
});

// ---------------------------------------------------------------------------------------------------------
describe('getOne', () => {
  test('a trashed booking answers 200 with status "trash" (and is gone from the list)', async () => {
    const id = liveIds('indo')[0];
    sim.site('indo').trash('bookings', id);
    try {
      const { client } = setup('indo');
      const one = await client.getOne('bookings', id);
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({ id, status: 'trash' });
      expect(JSON.parse(decoder.decode(one.bytes))).toEqual(one.body);
      const list = await client.getCollection('bookings');
      expect(list.records.map((b) => b.id)).not.toContain(id);
    } finally {
      sim.site('indo').restore('bookings', id);
    }
  });

  test('an unknown id is a 404 result, not an error, and not retried', async () => {
    const { client, events } = setup('indo');
    await expect(client.getOne('bookings', 987654)).resolves.toEqual({ status: 404, body: null, bytes: null, wpCode: 'mphb_rest_invalid_mphb_booking_id' });
    expect(events.filter((e) => e.event === 'start')).toHaveLength(1);
  });

  test('5xx is retried, then succeeds; repeated 5xx throws', async () => {
    const id = liveIds('indo')[0];
    sim.setFaults('indo:bookings/:id:status=503@1');
    const { client, sleeps } = setup('indo');
    expect((await client.getOne('bookings', id)).body.id).toBe(id);
    expect(sleeps).toHaveLength(1);
    sim.setFaults('indo:bookings/:id:status=504');
    await expect(setup('indo', { retries: 1 }).client.getOne('bookings', id)).rejects.toMatchObject({ code: 'http_5xx', attempts: 2, endpoint: `GET /bookings/${id}` });
  });

  test('a site without the plugin (404 rest_no_route) is an error, never "the booking is gone"', async () => {
    const { client } = setup('indo', { siteUrl: `${hotel('indo').siteUrl}/wp-json/wp/v2` });
    await expect(client.getOne('bookings', 1)).rejects.toMatchObject({ code: 'not_motopress', status: 404, wpCode: 'rest_no_route' });
  });

  test('ids must be positive integers', async () => {
    const { client } = setup('indo');
    await expect(client.getOne('bookings', '1/../2')).rejects.toThrow(TypeError);
    await expect(client.getOne('bookings', 0)).rejects.toThrow(TypeError);
  });
});

// ---------------------------------------------------------------------------------------------------------
describe('checkCredentials', () => {
  test('the read/write and the read-only key: ok, one request', async () => {
    const { client, events } = setup('indo');
    await expect(client.checkCredentials()).resolves.toEqual({ ok: true, auth: 'oauth1', accommodationTypes: hotel('indo').counts.accommodation_types });
    expect(events.filter((e) => e.event === 'start').map((e) => e.endpoint)).toEqual(['GET /accommodation_types?per_page=1']);
    const read = setup('indo', { consumerKey: hotel('indo').keys.read.key, consumerSecret: hotel('indo').keys.read.secret });
    expect((await read.client.checkCredentials()).ok).toBe(true);
  });

  test.each([
    { name: 'wrong key', code: 'wrong_key', keys: () => ({ consumerKey: 'ck_0000000000000000000000000000000000000000' }) },
    { name: 'wrong secret', code: 'wrong_secret', keys: () => ({ consumerSecret: 'cs_0000000000000000000000000000000000000000' }) },
    { name: 'write-only key', code: 'no_read_permission', keys: (h) => ({ consumerKey: h.keys.write.key, consumerSecret: h.keys.write.secret }) },
    { name: "another hotel's key", code: 'wrong_key', keys: () => ({ consumerKey: hotel('simmerdown').keys.readWrite.key, consumerSecret: hotel('simmerdown').keys.readWrite.secret }) },
  ])('$name → $code, one attempt, no secret in the message', async ({ code, keys }) => {
    const h = hotel('indo');
    const overrides = keys(h);
    const { client, events } = setup('indo', overrides);
    const result = await client.checkCredentials();
    expect(result).toMatchObject({ ok: false, code, status: 401, wpCode: 'mphb_rest_authentication_error', message: expect.stringContaining('tenant indo: GET /accommodation_types?per_page=1') });
    expect(events.filter((e) => e.event === 'start')).toHaveLength(1);
    expect(result.message).not.toContain(overrides.consumerSecret ?? h.keys.readWrite.secret);
  });

  test('credentials the site ignores (Authorization header stripped by the server) → no_credentials_accepted', async () => {
    const stripping = (url, init) => {
      const { Authorization, ...headers } = init.headers;
      return fetch(url, { ...init, headers });
    };
    const { client } = setup('indo', { fetch: stripping });
    await expect(client.checkCredentials()).resolves.toMatchObject({ ok: false, code: 'no_credentials_accepted', wpCode: 'mphb_rest_cannot_view' });
  });

  test('a closed port → unreachable (one attempt, no backoff)', async () => {
    const port = await withServer((req, res) => res.end(), async (url) => Number(new URL(url).port));
    const { client, sleeps } = setup('indo', { siteUrl: `http://127.0.0.1:${port}/indo` });
    const result = await client.checkCredentials();
    expect(result).toMatchObject({ ok: false, code: 'unreachable' });
    expect(result.message).toMatch(/ECONNREFUSED/);
    expect(sleeps).toEqual([]);
  });

  test('a site that never answers → unreachable after the timeout', async () => {
    sim.setFaults('indo:accommodation_types:hang');
    const { client } = setup('indo', { timeoutMs: 150 });
    await expect(client.checkCredentials()).resolves.toMatchObject({ ok: false, code: 'unreachable', message: expect.stringMatching(/timed out/) });
  });

  test.each([
    ['the simulator\'s /_control path (a JSON 404 that is not WordPress)', (s) => `${s.url}/_control`],
    ['an unknown hotel (an HTML 404 page)', (s) => `${s.url}/no-such-hotel`],
    ['WordPress without the plugin (404 rest_no_route)', (s) => `${hotel('indo', s).siteUrl}/wp-json/wp/v2`],
  ])('%s → not_motopress', async (_, url) => {
    const { client } = setup('indo', { siteUrl: url(sim) });
    await expect(client.checkCredentials()).resolves.toMatchObject({ ok: false, code: 'not_motopress' });
  });

  test('an HTML page answered with 200 for every path (a site\'s home page) → not_motopress', async () => {
    await withServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=UTF-8' });
      res.end('<!doctype html><title>Hotel</title><h1>Welcome</h1>');
    }, async (url) => {
      const { client } = setup('indo', { siteUrl: url });
      await expect(client.checkCredentials()).resolves.toMatchObject({ ok: false, code: 'not_motopress', message: expect.stringMatching(/HTML page/) });
    });
  });

  test('a redirect is reported, not followed (a signed request is never replayed elsewhere)', async () => {
    await withServer((req, res) => {
      res.writeHead(301, { Location: `https://hotel.example${req.url}` });
      res.end();
    }, async (url) => {
      const { client } = setup('indo', { siteUrl: url });
      const result = await client.checkCredentials();
      expect(result).toMatchObject({ ok: false, code: 'redirected', status: 301 });
      expect(result.message).toContain('https://hotel.example/wp-json/mphb/v1/accommodation_types');
      expect(result.message).toMatch(/redirect to https:\/\/hotel\.example\/wp-json\/mphb\/v1\/accommodation_types \(/); // no query copied
    });
  });

  test('a 503 or a 429 is reported as such', async () => {
    sim.setFaults('indo:accommodation_types:status=503');
    await expect(setup('indo').client.checkCredentials()).resolves.toMatchObject({ ok: false, code: 'server_error', status: 503 });
    sim.setFaults('indo:accommodation_types:rate-limit=5');
    await expect(setup('indo').client.checkCredentials()).resolves.toMatchObject({ ok: false, code: 'rate_limited', status: 429 });
  });
});

// ---------------------------------------------------------------------------------------------------------
describe('transport policy (SPEC §7)', () => {
  const okFetch = () => {
    const calls = [];
    const fn = async (url, init) => {
      calls.push({ url, headers: init.headers });
      return new Response('[]', { status: 200, headers: { 'Content-Type': 'application/json', 'X-WP-Total': '0', 'X-WP-TotalPages': '0' } });
    };
    return { fn, calls };
  };

  test('plain http on a public address needs the opt-in, and is then signed with OAuth (no request before)', async () => {
    const f = okFetch();
    const base = { siteUrl: 'http://203.0.113.7/hotel', consumerKey: 'ck_a', consumerSecret: 'cs_secret', tenant: 't', fetch: f.fn };
    await expect(createMotoPressClient(base).checkCredentials()).resolves.toMatchObject({ ok: false, code: 'insecure_site' });
    await expect(createMotoPressClient(base).getCollection('bookings')).rejects.toMatchObject({ code: 'insecure_site', attempts: 0 });
    expect(f.calls).toHaveLength(0);
    const optedIn = createMotoPressClient({ ...base, allowInsecureHttp: true });
    await expect(optedIn.checkCredentials()).resolves.toMatchObject({ ok: true, auth: 'oauth1' });
    expect(f.calls[0].headers.Authorization).toMatch(/^OAuth /);
    expect(() => createMotoPressClient({ ...base, auth: 'basic' })).toThrow(/Basic/);
  });

  test('https uses Basic; private and link-local addresses need the opt-in', async () => {
    const f = okFetch();
    const base = { consumerKey: 'ck_a', consumerSecret: 'cs_secret', tenant: 't', fetch: f.fn };
    for (const siteUrl of ['https://192.168.1.10', 'https://10.0.0.5/wp', 'https://169.254.169.254', 'https://[fd00::1]']) {
      await expect(createMotoPressClient({ ...base, siteUrl }).checkCredentials()).resolves.toMatchObject({ ok: false, code: 'private_address' });
    }
    expect(f.calls).toHaveLength(0);
    const local = createMotoPressClient({ ...base, siteUrl: 'https://192.168.1.10', allowPrivateNetwork: true });
    await expect(local.checkCredentials()).resolves.toMatchObject({ ok: true, auth: 'basic' });
    expect(f.calls[0].headers.Authorization).toBe(`Basic ${Buffer.from('ck_a:cs_secret').toString('base64')}`);
  });

  test('an unusable site URL', async () => {
    for (const siteUrl of ['hotel.example', 'ftp://hotel.example', 'https://hotel.example/?page_id=2', 'https://user:pw@hotel.example']) {
      await expect(createMotoPressClient({ siteUrl, consumerKey: 'ck', consumerSecret: 'cs_x' }).checkCredentials()).resolves.toMatchObject({ ok: false, code: 'invalid_site_url' });
    }
  });
});

test('response headers answer as fetch\'s Headers does: any case, repeated values joined, null when absent', () => {
  const headers = new ResponseHeaders(['X-WP-Total', '42', 'Link', '<a>; rel="next"', 'link', ' <b>; rel="prev" ', 'Content-Type', 'application/json']);
  const fetched = new Headers([['X-WP-Total', '42'], ['Link', '<a>; rel="next"'], ['link', ' <b>; rel="prev" '], ['Content-Type', 'application/json']]);
  for (const name of ['x-wp-total', 'X-WP-TOTAL', 'link', 'content-type', 'retry-after']) expect(headers.get(name)).toBe(fetched.get(name));
  expect(headers.has('LINK')).toBe(true);
  expect([...headers]).toEqual([...fetched]);
});

// ---------------------------------------------------------------------------------------------------------
// HTTPS with a self-signed certificate: the client runs in a child process started with NODE_EXTRA_CA_CERTS.
// ---------------------------------------------------------------------------------------------------------
const CHILD = `
const { createMotoPressClient } = await import(process.env.MPHB_CLIENT_MODULE);
const { siteUrl, key, secret, wrongSecret, mode } = JSON.parse(process.env.MPHB_CHILD_INPUT);
if (mode === 'fresh') {
  // What a CLI run's first requests load: fetch's implementation (undici) costs ~40 ms to load.
  const client = createMotoPressClient({ siteUrl, consumerKey: key, consumerSecret: secret, tenant: 'indo' });
  const page = await client.getPage('bookings', { query: { per_page: 5 } });
  const pass = await client.getCollection('accommodations');
  process.stdout.write(JSON.stringify({ total: page.total, totalPages: page.totalPages, units: pass.records.length,
    undici: process.moduleLoadList.filter((m) => /undici/.test(m)) }));
  process.exit(0);
}
if (mode === 'check') {
  const check = await createMotoPressClient({ siteUrl, consumerKey: key, consumerSecret: secret, tenant: 'indo' }).checkCredentials();
  process.stdout.write(JSON.stringify({ check }));
  process.exit(0);
}
const schemes = [];
const recording = (url, init) => { schemes.push(String(init.headers.Authorization).split(' ')[0]); return fetch(url, init); };
const client = createMotoPressClient({ siteUrl, consumerKey: key, consumerSecret: secret, tenant: 'indo', fetch: recording });
const check = await client.checkCredentials();
const bookings = await client.getCollection('bookings');
const units = await client.getCollection('accommodations');
const wrong = await createMotoPressClient({ siteUrl, consumerKey: key, consumerSecret: wrongSecret, tenant: 'indo' }).checkCredentials();
const unknown = await createMotoPressClient({ siteUrl, consumerKey: 'ck_unknown', consumerSecret: secret, tenant: 'indo' }).checkCredentials();
process.stdout.write(JSON.stringify({ check, auth: client.auth, schemes, bookingIds: bookings.records.map((b) => b.id), total: bookings.total, units: units.records.length, wrong, unknown }));
`;

function runChild(env) {
  return new Promise((resolve, reject) => {
    const childEnv = { ...process.env, ...env };
    delete childEnv.NODE_OPTIONS;
    delete childEnv.NODE_TLS_REJECT_UNAUTHORIZED;
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => { out += c; });
    child.stderr.on('data', (c) => { err += c; });
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        resolve(JSON.parse(out));
      } catch {
        reject(new Error(`child exited ${code}: ${out} ${err}`));
      }
    });
  });
}

describe('over TLS: HTTP Basic (child process with NODE_EXTRA_CA_CERTS)', () => {
  let tls;
  let dir;
  let caFile;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mphb-client-tls-'));
    caFile = join(dir, 'ca.pem');
    tls = await startSimulator({ hotels: 'indo', seed: SEED, tls: true, caFile });
  });

  afterAll(async () => {
    await tls?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('credentials check, bookings and units over https, every request with Basic; wrong secret / key mapped', async () => {
    const h = tls.hotels[0];
    expect(h.siteUrl).toMatch(/^https:/);
    const result = await runChild({
      NODE_EXTRA_CA_CERTS: caFile,
      MPHB_CLIENT_MODULE: CLIENT_MODULE,
      MPHB_CHILD_INPUT: JSON.stringify({ siteUrl: h.siteUrl, key: h.keys.readWrite.key, secret: h.keys.readWrite.secret, wrongSecret: 'cs_not_it' }),
    });
    expect(result.check).toEqual({ ok: true, auth: 'basic', accommodationTypes: h.counts.accommodation_types });
    expect(result.auth).toBe('basic');
    expect(result.schemes.length).toBe(3);
    expect(result.schemes.every((s) => s === 'Basic')).toBe(true);
    expect(result.bookingIds.sort((a, b) => a - b)).toEqual(liveIds('indo', 'bookings', tls));
    expect(result.total).toBe(h.counts.bookings);
    expect(result.units).toBe(h.counts.accommodations);
    expect(result.wrong).toMatchObject({ ok: false, code: 'wrong_secret', wpCode: 'mphb_rest_authentication_error' });
    expect(result.unknown).toMatchObject({ ok: false, code: 'wrong_key' });
  });

  test('a fresh process reads pages and their headers without loading fetch\'s implementation (undici)', async () => {
    const h = tls.hotels[0];
    const result = await runChild({
      NODE_EXTRA_CA_CERTS: caFile,
      MPHB_CLIENT_MODULE: CLIENT_MODULE,
      MPHB_CHILD_INPUT: JSON.stringify({ siteUrl: h.siteUrl, key: h.keys.readWrite.key, secret: h.keys.readWrite.secret, mode: 'fresh' }),
    });
    expect(result.total).toBe(h.counts.bookings);
    expect(result.totalPages).toBe(Math.ceil(h.counts.bookings / 5));
    expect(result.units).toBe(h.counts.accommodations);
    expect(result.undici).toEqual([]);
  });

  test('without the CA the certificate is refused → tls_error, one attempt', async () => {
    const h = tls.hotels[0];
    const result = await runChild({
      MPHB_CLIENT_MODULE: CLIENT_MODULE,
      NODE_EXTRA_CA_CERTS: '',
      MPHB_CHILD_INPUT: JSON.stringify({ siteUrl: h.siteUrl, key: h.keys.readWrite.key, secret: h.keys.readWrite.secret, mode: 'check' }),
    });
    expect(result.check).toMatchObject({ ok: false, code: 'tls_error', status: null });
    expect(result.check.message).toMatch(/TLS: (SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT)/);
  });
});
