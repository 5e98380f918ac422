// The simulator's fault injection (host/simulator/fault_schedule.js), seen from the outside: each fault
// kind as a plain fetch client observes it, the @N / @N+ / @N-M / @pX schedules, per-hotel and
// per-endpoint selection, the three ways to set faults (at start, setFaults, PUT /_control/faults, plus
// the CLI's --faults / --latency-ms), bad specs, and the request log.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { startSimulator } from '../../host/simulator/simulator_server.js';
import { oauthFetch } from './support/motopress_test_client.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'host/cli/main.js');

const hotelOf = (sim, name) => sim.hotels.find((h) => h.name === name);

/** A signed GET (OAuth 1.0a with the read/write key) of `path` under the hotel's API base. */
function signed(sim, hotel, path, options = {}) {
  const h = hotelOf(sim, hotel);
  return oauthFetch(`${h.apiBase}${path}`, { key: h.keys.readWrite.key, secret: h.keys.readWrite.secret, ...options });
}

/** An unsigned GET: enough to see faults, which strike before authentication (else 401). */
function plain(sim, hotel, path, init = {}) {
  return fetch(`${hotelOf(sim, hotel).apiBase}${path}`, init);
}

async function control(sim, method, path, body) {
  const res = await fetch(`${sim.url}/_control${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

/** Statuses of `n` sequential unsigned requests (503 = faulted, 401 = not). */
async function statuses(sim, hotel, path, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const res = await plain(sim, hotel, path);
    await res.arrayBuffer();
    out.push(res.status);
  }
  return out;
}

async function timed(promise) {
  const start = performance.now();
  const value = await promise;
  return { value, elapsed: performance.now() - start };
}

function isJson(text) {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Starts the CLI simulator; resolves with the child and the parsed first stdout line (--json). */
function startCli(args) {
  const child = spawn(process.execPath, [CLI, 'simulator', '--port', '0', '--json', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (c) => { err += c; });
    child.stdout.on('data', (c) => {
      out += c;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ child, info: JSON.parse(out.slice(0, nl)) });
    });
    child.on('exit', (code) => reject(new Error(`simulator exited ${code} before printing: ${err}`)));
  });
}

function stopCli(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

describe('Each fault kind is observable by a plain fetch client', () => {
  let sim;
  beforeAll(async () => { sim = await startSimulator({ hotels: 'indo,simmerdown', seed: 11 }); });
  afterAll(() => sim.stop());
  afterEach(() => sim.setFaults([]));

  test('without faults: unsigned → 401 JSON, signed → 200 JSON (the baseline the faults differ from)', async () => {
    const anon = await plain(sim, 'indo', '/bookings');
    expect(anon.status).toBe(401);
    expect((await anon.json()).code).toBe('mphb_rest_cannot_view');
    const ok = await signed(sim, 'indo', '/bookings');
    expect(ok.status).toBe(200);
    expect(Array.isArray(await ok.json())).toBe(true);
  });

  test('latency=MS delays the answer by at least MS', async () => {
    sim.setFaults('indo:bookings:latency=250');
    const { value: res, elapsed } = await timed(signed(sim, 'indo', '/bookings'));
    expect(res.status).toBe(200);
    await res.json();
    expect(elapsed).toBeGreaterThanOrEqual(250);
  });

  test('latency faults add up with the global latency (setLatency / latencyMs)', async () => {
    sim.setLatency(120);
    try {
      sim.setFaults('indo:bookings:latency=100');
      const { value: res, elapsed } = await timed(plain(sim, 'indo', '/bookings'));
      await res.arrayBuffer();
      expect(res.status).toBe(401);
      expect(elapsed).toBeGreaterThanOrEqual(220);
    } finally {
      sim.setLatency(0);
    }
  });

  test('hold(matches) keeps matching requests unanswered until released; others pass', async () => {
    const release = sim.hold(({ hotel, endpoint, page }) => hotel === 'indo' && endpoint === 'bookings' && page > 1);
    let answered = false;
    const held = signed(sim, 'indo', '/bookings?page=2').then((res) => { answered = true; return res; });
    try {
      const first = await signed(sim, 'indo', '/bookings?page=1');
      expect(first.status).toBe(200);
      await first.json();
      const types = await signed(sim, 'indo', '/accommodation_types');
      await types.json();
      expect(answered).toBe(false); // two requests after it have been answered
    } finally {
      release();
    }
    const res = await held;
    expect(res.status).toBe(200);
    expect(Array.isArray(await res.json())).toBe(true);
    const again = await signed(sim, 'indo', '/bookings?page=2'); // the hold is gone
    expect(again.status).toBe(200);
    await again.arrayBuffer();
  });

  test('latencyMs at start delays every API request (and not the control API)', async () => {
    const slow = await startSimulator({ hotels: 'indo', seed: 11, latencyMs: 200 });
    try {
      const { value: res, elapsed } = await timed(signed(slow, 'indo', '/accommodation_types'));
      expect(res.status).toBe(200);
      await res.json();
      expect(elapsed).toBeGreaterThanOrEqual(200);
      const { value: res2, elapsed: elapsed2 } = await timed(plain(slow, 'indo', '/bookings/1'));
      await res2.arrayBuffer();
      expect(elapsed2).toBeGreaterThanOrEqual(200);
      const hotels = await control(slow, 'GET', '/hotels');
      expect(hotels.status).toBe(200);
    } finally {
      await slow.stop();
    }
  });

  test('PUT /_control/latency sets the global latency', async () => {
    expect(await control(sim, 'PUT', '/latency', { latency_ms: 150 })).toEqual({ status: 200, json: { latency_ms: 150 } });
    try {
      const { value: res, elapsed } = await timed(plain(sim, 'simmerdown', '/rates'));
      await res.arrayBuffer();
      expect(elapsed).toBeGreaterThanOrEqual(150);
    } finally {
      await control(sim, 'PUT', '/latency', { latency_ms: 0 });
    }
  });

  test('status=503 answers an HTML error page with status 503', async () => {
    sim.setFaults('indo:bookings:status=503');
    const res = await signed(sim, 'indo', '/bookings');
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const body = await res.text();
    expect(body).toMatch(/<html/i);
    expect(body).toContain('503 Service Unavailable');
    expect(isJson(body)).toBe(false);
  });

  test.each([500, 502, 504])('status=%i answers HTML with that status', async (code) => {
    sim.setFaults(`indo:bookings:status=${code}`);
    const res = await plain(sim, 'indo', '/bookings');
    expect(res.status).toBe(code);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain(`<h1>${code} `);
  });

  test('rate-limit=N answers 429 with Retry-After: N and a WordPress error object', async () => {
    sim.setFaults('indo:bookings:rate-limit=7');
    const res = await signed(sim, 'indo', '/bookings');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('www-authenticate')).toBeNull();
    expect(await res.json()).toEqual({ code: 'rest_too_many_requests', message: expect.any(String), data: { status: 429 } });
  });

  test('hang: a fetch with AbortSignal.timeout(300) rejects with a TimeoutError', async () => {
    sim.setFaults('indo:bookings:hang');
    const { value: error, elapsed } = await timed(plain(sim, 'indo', '/bookings', { signal: AbortSignal.timeout(300) }).then(() => null, (e) => e));
    expect(error).not.toBeNull();
    expect(error.name).toBe('TimeoutError');
    expect(elapsed).toBeGreaterThanOrEqual(290); // the abort, not an early answer
    // Other endpoints and hotels still answer.
    const other = await plain(sim, 'indo', '/accommodations');
    expect(other.status).toBe(401);
    await other.arrayBuffer();
  });

  test('hang: sim.stop() still completes while a request hangs, and the hanging fetch then rejects', async () => {
    const hanging = await startSimulator({ hotels: 'indo', seed: 11, faults: 'hang' });
    const pending = plain(hanging, 'indo', '/bookings').then(() => 'answered', (e) => e);
    // Let the request reach the server (it is logged when it starts hanging).
    for (let i = 0; i < 100 && hanging.log().length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(hanging.log()).toEqual([expect.objectContaining({ fault: 'hang', status: 0 })]);
    await expect(hanging.stop()).resolves.toBeUndefined();
    const outcome = await pending;
    // fetch's errors come from Node's realm, not jest's: check names, not constructors.
    expect(outcome).toEqual(expect.objectContaining({ name: 'TypeError', message: 'fetch failed' }));
  });

  test('truncate: the body stops short of Content-Length (reading rejects or yields invalid JSON)', async () => {
    sim.setFaults('simmerdown:bookings:truncate');
    const res = await signed(sim, 'simmerdown', '/bookings?per_page=50');
    expect(res.status).toBe(200);
    const declared = Number(res.headers.get('content-length'));
    expect(declared).toBeGreaterThan(0);
    const outcome = await res.text().then((text) => ({ text }), (error) => ({ error }));
    if (outcome.error) {
      expect(outcome.error.name).toBe('TypeError'); // "terminated"
      expect(outcome.error.message).toMatch(/terminated/);
    } else {
      expect(Buffer.byteLength(outcome.text)).toBeLessThan(declared);
      expect(isJson(outcome.text)).toBe(false);
    }
  });

  test('malformed: 200 whose body starts with a PHP notice and fails JSON.parse', async () => {
    sim.setFaults('indo:bookings:malformed');
    const res = await signed(sim, 'indo', '/bookings');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const text = await res.text();
    expect(Buffer.byteLength(text)).toBe(Number(res.headers.get('content-length')));
    expect(text.startsWith('<br />')).toBe(true);
    expect(text).toMatch(/<b>Notice<\/b>:/);
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    // The JSON is still there after the notice.
    expect(Array.isArray(JSON.parse(text.slice(text.indexOf('[{'))))).toBe(true);
  });

  test('reset: the fetch rejects (connection reset / other side closed)', async () => {
    sim.setFaults('indo:bookings:reset');
    const error = await plain(sim, 'indo', '/bookings').then(() => null, (e) => e);
    expect(error).toEqual(expect.objectContaining({ name: 'TypeError', message: 'fetch failed' }));
    const cause = error.cause ?? {};
    expect(`${cause.code} ${cause.message}`).toMatch(/ECONNRESET|UND_ERR_SOCKET|other side closed|socket hang up/);
    // The simulator serves the next request normally.
    sim.setFaults([]);
    const next = await plain(sim, 'indo', '/bookings');
    expect(next.status).toBe(401);
    await next.arrayBuffer();
  });

  test('unauthorized-after=N: the hotel\'s first N requests succeed, then 401 mphb_rest_authentication_error', async () => {
    const s = await startSimulator({ hotels: 'indo,simmerdown', seed: 11, faults: 'indo:unauthorized-after=3' });
    try {
      const seen = [];
      for (const path of ['/bookings', '/accommodations', '/bookings/1', '/bookings', '/accommodation_types']) {
        const res = await signed(s, 'indo', path);
        seen.push([res.status, (await res.json()).code]);
      }
      expect(seen.slice(0, 3).map(([status]) => status)).not.toContain(401);
      expect(seen.slice(3)).toEqual([[401, 'mphb_rest_authentication_error'], [401, 'mphb_rest_authentication_error']]);
      // Another hotel is not affected.
      const other = await signed(s, 'simmerdown', '/bookings');
      expect(other.status).toBe(200);
      await other.json();
      expect(s.log().filter((e) => e.fault === 'unauthorized-after')).toHaveLength(2);
    } finally {
      await s.stop();
    }
  });
});

describe('Scheduling', () => {
  let sim;
  beforeAll(async () => { sim = await startSimulator({ hotels: 'indo,simmerdown', seed: 11 }); });
  afterAll(() => sim.stop());
  afterEach(() => sim.setFaults([]));

  test('@N hits only the Nth matching request', async () => {
    sim.setFaults('indo:bookings:status=503@2');
    expect(await statuses(sim, 'indo', '/bookings', 4)).toEqual([401, 503, 401, 401]);
  });

  test('@N+ hits from the Nth matching request on', async () => {
    sim.setFaults('indo:bookings:status=503@3+');
    expect(await statuses(sim, 'indo', '/bookings', 5)).toEqual([401, 401, 503, 503, 503]);
  });

  test('@N-M hits the Nth to the Mth matching request', async () => {
    sim.setFaults('indo:bookings:status=503@2-3');
    expect(await statuses(sim, 'indo', '/bookings', 5)).toEqual([401, 503, 503, 401, 401]);
  });

  test('@N counts only matching requests (other endpoints and hotels do not advance it)', async () => {
    sim.setFaults('indo:bookings:status=503@2');
    expect(await statuses(sim, 'indo', '/bookings', 1)).toEqual([401]);
    expect(await statuses(sim, 'indo', '/accommodations', 2)).toEqual([401, 401]);
    expect(await statuses(sim, 'simmerdown', '/bookings', 2)).toEqual([401, 401]);
    expect(await statuses(sim, 'indo', '/bookings', 2)).toEqual([503, 401]);
  });

  test('a fault on simmerdown:bookings does not touch indo, simmerdown accommodations or bookings/:id', async () => {
    sim.setFaults('simmerdown:bookings:status=503');
    expect(await statuses(sim, 'simmerdown', '/bookings', 2)).toEqual([503, 503]);
    expect(await statuses(sim, 'simmerdown', '/bookings?page=2', 1)).toEqual([503]);
    expect(await statuses(sim, 'simmerdown', '/accommodations', 1)).toEqual([401]);
    expect(await statuses(sim, 'simmerdown', '/bookings/5', 1)).toEqual([401]);
    expect(await statuses(sim, 'indo', '/bookings', 1)).toEqual([401]);
  });

  test('an endpoint without hotel applies to every hotel; a hotel without endpoint to all its endpoints', async () => {
    sim.setFaults('accommodations:status=502,indo:status=500');
    expect(await statuses(sim, 'simmerdown', '/accommodations', 1)).toEqual([502]);
    expect(await statuses(sim, 'simmerdown', '/bookings', 1)).toEqual([401]);
    expect(await statuses(sim, 'indo', '/rates', 1)).toEqual([500]);
    expect(await statuses(sim, 'indo', '/bookings/3', 1)).toEqual([500]);
  });

  test('bookings/:id (object form) hits single bookings, not the list', async () => {
    sim.setFaults([{ hotel: 'simmerdown', endpoint: 'bookings/:id', kind: 'status', value: 503 }]);
    expect(await statuses(sim, 'simmerdown', '/bookings/5', 1)).toEqual([503]);
    expect(await statuses(sim, 'simmerdown', '/bookings/99999', 1)).toEqual([503]);
    expect(await statuses(sim, 'simmerdown', '/bookings', 1)).toEqual([401]);
    expect(await statuses(sim, 'indo', '/bookings/5', 1)).toEqual([401]);
  });
  test('bookings/:id (spec string form) hits single bookings, not the list', async () => {
    sim.setFaults('simmerdown:bookings/:id:status=503');
    expect(await statuses(sim, 'simmerdown', '/bookings/5', 1)).toEqual([503]);
    expect(await statuses(sim, 'simmerdown', '/bookings', 1)).toEqual([401]);
    sim.setFaults('bookings/:id:status=503');
    expect(await statuses(sim, 'indo', '/bookings/5', 1)).toEqual([503]);
    expect(await statuses(sim, 'indo', '/bookings', 1)).toEqual([401]);
  });

  test('several faults at once: each keeps its own count', async () => {
    sim.setFaults('indo:bookings:status=503@1,indo:bookings:status=502@3,simmerdown:rate-limit=1@2');
    expect(await statuses(sim, 'indo', '/bookings', 4)).toEqual([503, 401, 502, 401]);
    expect(await statuses(sim, 'simmerdown', '/rates', 3)).toEqual([401, 429, 401]);
  });

  describe('probability faults @pX', () => {
    const SPEC = 'indo:bookings:status=503@p0.5';
    const N = 24;
    async function pattern(seed) {
      const s = await startSimulator({ hotels: 'indo', seed, faults: SPEC });
      try {
        return await statuses(s, 'indo', '/bookings', N);
      } finally {
        await s.stop();
      }
    }

    test('the same seed and request sequence fault the same requests', async () => {
      const a = await pattern(5);
      const b = await pattern(5);
      expect(a).toEqual(b);
      expect(a).toContain(503);
      expect(a).toContain(401);
    });

    test('a different seed faults different requests', async () => {
      const base = await pattern(5);
      let differing;
      for (const seed of [6, 7, 8, 9, 10, 11, 12]) {
        if (JSON.stringify(await pattern(seed)) !== JSON.stringify(base)) {
          differing = seed;
          break;
        }
      }
      expect(differing).toBeDefined();
    });

    test('@p0 never and @p1 always', async () => {
      sim.setFaults('indo:bookings:status=503@p0,simmerdown:bookings:status=503@p1');
      expect(await statuses(sim, 'indo', '/bookings', 5)).toEqual([401, 401, 401, 401, 401]);
      expect(await statuses(sim, 'simmerdown', '/bookings', 5)).toEqual([503, 503, 503, 503, 503]);
    });

    test('setFaults restarts the seeded stream: the same spec set twice gives the same pattern', async () => {
      sim.setFaults(SPEC);
      const a = await statuses(sim, 'indo', '/bookings', 12);
      sim.setFaults(SPEC);
      const b = await statuses(sim, 'indo', '/bookings', 12);
      expect(a).toEqual(b);
    });
  });
});

describe('Setting faults', () => {
  let sim;
  beforeAll(async () => { sim = await startSimulator({ hotels: 'indo,simmerdown', seed: 11, faults: 'indo:bookings:status=503@1' }); });
  afterAll(() => sim.stop());

  test('at start (faults option)', async () => {
    expect(await statuses(sim, 'indo', '/bookings', 2)).toEqual([503, 401]);
  });

  test('via sim.setFaults() (replacing the previous schedule)', async () => {
    sim.setFaults('simmerdown:rates:status=502');
    expect(await statuses(sim, 'simmerdown', '/rates', 1)).toEqual([502]);
    expect(await statuses(sim, 'indo', '/bookings', 1)).toEqual([401]);
    sim.setFaults('');
    expect(await statuses(sim, 'simmerdown', '/rates', 1)).toEqual([401]);
  });

  test('via PUT /_control/faults with a spec string; GET /_control/faults describes it', async () => {
    const put = await control(sim, 'PUT', '/faults', { faults: 'indo:bookings:status=503@2' });
    expect(put.status).toBe(200);
    expect(put.json.faults).toEqual([expect.objectContaining({ hotel: 'indo', endpoint: 'bookings', kind: 'status', value: 503, matched: 0 })]);
    expect(await statuses(sim, 'indo', '/bookings', 3)).toEqual([401, 503, 401]);
    const get = await control(sim, 'GET', '/faults');
    expect(get.json.faults).toEqual([expect.objectContaining({ kind: 'status', matched: 3 })]);
  });

  test('via PUT /_control/faults with an array of objects', async () => {
    const put = await control(sim, 'PUT', '/faults', {
      faults: [
        { hotel: 'simmerdown', endpoint: 'bookings', kind: 'rate-limit', value: 4, when: '2' },
        { hotel: 'indo', kind: 'status', value: 500 },
      ],
    });
    expect(put.status).toBe(200);
    expect(put.json.faults).toHaveLength(2);
    expect(put.json.faults[1]).toEqual(expect.objectContaining({ hotel: 'indo', endpoint: '*', kind: 'status', value: 500 }));
    expect(await statuses(sim, 'simmerdown', '/bookings', 3)).toEqual([401, 429, 401]);
    expect(await statuses(sim, 'indo', '/accommodations', 1)).toEqual([500]);
  });

  test('PUT /_control/faults with an empty list clears the faults', async () => {
    expect(await control(sim, 'PUT', '/faults', { faults: [] })).toEqual({ status: 200, json: { faults: [] } });
    expect(await statuses(sim, 'indo', '/accommodations', 1)).toEqual([401]);
  });

  test.each([
    ['bookings:frob'],
    ['status=404'],
    ['latency'],
    ['indo:bookings:hang@soon'],
    ['indo:guests:hang'],
    ['a:b:c:hang'],
  ])('a bad spec %p → 400 bad_fault_spec, and the previous schedule stays', async (spec) => {
    await control(sim, 'PUT', '/faults', { faults: 'indo:rates:status=502' });
    const put = await control(sim, 'PUT', '/faults', { faults: spec });
    expect(put.status).toBe(400);
    expect(put.json).toEqual({ error: 'bad_fault_spec', message: expect.any(String) });
    expect((await control(sim, 'GET', '/faults')).json.faults).toEqual([expect.objectContaining({ endpoint: 'rates', value: 502 })]);
    await control(sim, 'PUT', '/faults', { faults: [] });
  });

  test('a bad object → 400 bad_fault_spec', async () => {
    const put = await control(sim, 'PUT', '/faults', { faults: [{ kind: 'status', value: 200 }] });
    expect(put.status).toBe(400);
    expect(put.json.error).toBe('bad_fault_spec');
  });
  test('an object with a malformed `when` → 400 bad_fault_spec', async () => {
    for (const when of [null, {}, { kind: 'sometimes' }]) {
      const put = await control(sim, 'PUT', '/faults', { faults: [{ kind: 'hang', when }] });
      expect(put.status).toBe(400);
      expect(put.json.error).toBe('bad_fault_spec');
    }
    await control(sim, 'PUT', '/faults', { faults: [] });
  });
  test.each([['indo:bookings:status=503@0'], ['indo:bookings:status=503@3-1']])('a schedule that can never fire %p → 400', async (spec) => {
    const put = await control(sim, 'PUT', '/faults', { faults: spec });
    expect(put.status).toBe(400);
    expect(put.json.error).toBe('bad_fault_spec');
    await control(sim, 'PUT', '/faults', { faults: [] });
  });

  test('a bad spec makes startSimulator reject and sim.setFaults throw', async () => {
    await expect(startSimulator({ hotels: 'indo', faults: 'bookings:frob' })).rejects.toThrow(/frob/);
    await expect(startSimulator({ hotels: 'indo', faults: 'hang@later' })).rejects.toThrow(/bad fault/);
    expect(() => sim.setFaults('status=999')).toThrow(/5xx/);
  });

  describe('CLI: --faults and --latency-ms', () => {
    let child;
    let info;
    beforeAll(async () => {
      ({ child, info } = await startCli(['--hotels', 'indo,simmerdown', '--seed', '3', '--latency-ms', '150', '--faults', 'indo:bookings:status=503@1,simmerdown:bookings:rate-limit=9']));
    });
    afterAll(() => stopCli(child));

    test('--faults at start and --latency-ms on every API request', async () => {
      const indo = info.hotels.find((h) => h.name === 'indo');
      const simmerdown = info.hotels.find((h) => h.name === 'simmerdown');
      const first = await timed(fetch(`${indo.apiBase}/bookings`));
      expect(first.value.status).toBe(503);
      expect(first.elapsed).toBeGreaterThanOrEqual(150);
      await first.value.arrayBuffer();
      const second = await timed(oauthFetch(`${indo.apiBase}/bookings`, { key: indo.keys.readWrite.key, secret: indo.keys.readWrite.secret }));
      expect(second.value.status).toBe(200);
      expect(second.elapsed).toBeGreaterThanOrEqual(150);
      await second.value.json();
      const limited = await fetch(`${simmerdown.apiBase}/bookings`);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('9');
      await limited.arrayBuffer();
      const faults = await (await fetch(`${info.url}/_control/faults`)).json();
      expect(faults.faults.map((f) => f.kind)).toEqual(['status', 'rate-limit']);
    });
  });
});

describe('The request log records faulted requests, without oauth_* parameters', () => {
  let sim;
  beforeAll(async () => { sim = await startSimulator({ hotels: 'indo,simmerdown', seed: 11 }); });
  afterAll(() => sim.stop());
  beforeEach(() => control(sim, 'POST', '/stats/reset'));
  afterEach(() => sim.setFaults([]));

  // Signed with the OAuth parameters in the query string, so that they would show if the log kept them.
  const query = (hotel, path, options = {}) => signed(sim, hotel, path, { placement: 'query', ...options });
  const settle = (p) => p.then(async (res) => { await res.arrayBuffer().catch(() => {}); return res.status; }, () => 'rejected');

  test.each([
    ['status=503', 'status', 503],
    ['rate-limit=2', 'rate-limit', 429],
    ['malformed', 'malformed', 200],
    ['truncate', 'truncate', 200],
    ['reset', 'reset', 0],
  ])('%s is logged as fault %p', async (spec, name, status) => {
    sim.setFaults(`simmerdown:bookings:${spec}`);
    await settle(query('simmerdown', '/bookings?per_page=20&orderby=id'));
    const { json } = await control(sim, 'GET', '/log');
    expect(json.log).toEqual([expect.objectContaining({
      hotel: 'simmerdown', method: 'GET', path: '/simmerdown/wp-json/mphb/v1/bookings', status, fault: name,
      query: { per_page: '20', orderby: 'id' },
    })]);
    expect(JSON.stringify(json)).not.toMatch(/oauth_|consumer_|cs_/);
  });

  test('hang and unauthorized-after are logged with their fault name', async () => {
    sim.setFaults('indo:bookings:hang');
    await settle(query('indo', '/bookings?page=1', { signal: AbortSignal.timeout(300) }));
    sim.setFaults('indo:unauthorized-after=0');
    await settle(query('indo', '/rates'));
    const { json } = await control(sim, 'GET', '/log');
    expect(json.log.map((e) => [e.path.replace(/.*\/v1/, ''), e.fault, e.status])).toEqual([
      ['/bookings', 'hang', 0],
      ['/rates', 'unauthorized-after', 401],
    ]);
    expect(json.log[0].query).toEqual({ page: '1' });
    expect(JSON.stringify(json)).not.toMatch(/oauth_/);
  });

  test('unfaulted requests are logged with fault null; oauth_* in the query never reach the log', async () => {
    await settle(query('indo', '/bookings?per_page=5'));
    await settle(fetch(`${hotelOf(sim, 'indo').apiBase}/bookings?oauth_consumer_key=ck_x&oauth_signature=abc&consumer_key=ck_y&consumer_secret=cs_z&page=2`));
    const { json } = await control(sim, 'GET', '/log?limit=10');
    expect(json.log.map((e) => [e.status, e.fault, e.query])).toEqual([
      [200, null, { per_page: '5' }],
      [401, null, { page: '2' }],
    ]);
    expect(JSON.stringify(json)).not.toMatch(/oauth_|consumer_|cs_z|ck_x|ck_y/);
  });
  test('latency is logged as fault "latency"', async () => {
    sim.setFaults('simmerdown:bookings:latency=50');
    await settle(query('simmerdown', '/bookings'));
    const { json } = await control(sim, 'GET', '/log');
    expect(json.log).toEqual([expect.objectContaining({ status: 200, fault: 'latency' })]);
  });
});
