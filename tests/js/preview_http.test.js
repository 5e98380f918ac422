// The preview's two staff endpoints over HTTP, without a browser: the framed source (its frames in the
// sync's order, the size cap), single records, input checks naming the field, and the per-tenant limits
// (one stream at a time, so many per window, Retry-After) on an injected clock.
import { jest } from '@jest/globals';

import { loadCore } from '../../js/core.js';
import { startHttpServer } from '../../host/http/node_server.js';
import { createStaffToken } from '../../host/http/staff_tokens.js';
import { createPreviewLimits } from '../../host/preview/preview_limits.js';
import { startSimulator } from '../../host/simulator/simulator_server.js';
import { createCipher } from '../../host/tenants/credential_cipher.js';
import { addTenant } from '../../host/tenants/tenant_store.js';
import { closeTemplates, openTestDatabase } from './support/test_databases.js';

jest.setTimeout(60_000);
const TEST_KEY = Buffer.alloc(32, 7).toString('base64');
const decoder = new TextDecoder();

// All frames of a source response: [{header, body (text)}].
async function readFrames(response) {
  const bytes = new Uint8Array(await response.arrayBuffer());
  const frames = [];
  let at = 0;
  while (at < bytes.length) {
    const newline = bytes.indexOf(10, at);
    const header = JSON.parse(decoder.decode(bytes.subarray(at, newline)));
    frames.push({ header, body: decoder.decode(bytes.subarray(newline + 1, newline + 1 + header.length)) });
    at = newline + 1 + header.length;
  }
  return frames;
}

describe('preview endpoints', () => {
  let db;
  let sim;
  let core;
  let tenant;
  let token;
  const servers = [];
  const serve = async (options = {}) => {
    const server = await startHttpServer({ port: 0, db, core, encryptionKey: TEST_KEY, clientOptions: { retries: 1 }, ...options });
    servers.push(server);
    return server;
  };
  const get = (server, path, auth = token) => fetch(`${server.url}/api/integrations/motopress/preview/${path}`, { headers: auth ? { Authorization: `Bearer ${auth}` } : {} });

  beforeAll(async () => {
    [db, sim, core] = await Promise.all([openTestDatabase('pglite'), startSimulator({ hotels: 'testhotel', seed: 2 }), loadCore()]);
    const hotel = sim.hotels[0];
    tenant = await addTenant(db, await createCipher(TEST_KEY), {
      slug: 'testhotel', name: hotel.title, siteUrl: hotel.siteUrl, consumerKey: hotel.keys.readWrite.key, consumerSecret: hotel.keys.readWrite.secret,
    });
    ({ token } = await createStaffToken(db, { tenantId: tenant.tenant_id, role: 'staff' }));
  });
  afterAll(async () => {
    for (const s of servers) await s.stop();
    await sim?.stop();
    await db?.close();
    await closeTemplates();
  });

  test('the source: start (stored state and now), the lists, every page, end with the totals', async () => {
    const server = await serve({ clock: () => new Date('2026-12-01T12:00:00Z') });
    const response = await get(server, 'source?tenant_id=testhotel');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-mphb-preview-frames');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const frames = await readFrames(response);
    const kinds = frames.map((f) => f.header.frame);
    expect(kinds.slice(0, 3)).toEqual(['start', 'accommodation_types', 'accommodations']);
    expect(kinds.at(-1)).toBe('end');
    const pages = frames.filter((f) => f.header.frame === 'page');
    expect(pages.map((f) => f.header.page)).toEqual(pages.map((_, i) => i + 1));
    expect(frames[0].header).toEqual({ frame: 'start', tenant_id: tenant.tenant_id, slug: 'testhotel', now: '2026-12-01T12:00:00.000Z', length: new TextEncoder().encode(frames[0].body).length });
    expect(JSON.parse(frames[0].body)).toEqual({ accommodation_types: {}, accommodation_units: {}, bookings: {} });
    const end = frames.at(-1).header;
    expect(end.consistent).toBe(true);
    expect(pages.flatMap((f) => JSON.parse(f.body)).length).toBe(end.total);
  });

  test('a source larger than the cap ends with a too_large frame', async () => {
    const server = await serve({ previewMaxBytes: 4000 });
    const frames = await readFrames(await get(server, 'source?tenant_id=testhotel'));
    expect(frames.at(-1).header).toMatchObject({ frame: 'error', code: 'too_large', message: expect.stringMatching(/MPHB_PREVIEW_MAX_BYTES/) });
    expect(frames.some((f) => f.header.frame === 'end')).toBe(false);
  });

  test('a record: 200 with the body, 404 for an id MotoPress lacks; inputs checked, naming the field', async () => {
    const server = await serve();
    const unitId = sim.site('testhotel').list('accommodations')[0].record.id;
    const found = await get(server, `record?tenant_id=testhotel&collection=accommodations&id=${unitId}`);
    expect(found.status).toBe(200);
    expect(await found.json()).toMatchObject({ collection: 'accommodations', id: unitId, status: 200, body: { id: unitId } });
    const missing = await (await get(server, 'record?tenant_id=testhotel&collection=bookings&id=987654')).json();
    expect(missing).toEqual({ collection: 'bookings', id: 987654, status: 404, body: null });
    for (const [query, field] of [['collection=rates&id=1', 'collection'], ['collection=bookings&id=0', 'id'], ['collection=bookings&id=1e3', 'id'], ['collection=bookings', 'id']]) {
      const bad = await get(server, `record?tenant_id=testhotel&${query}`);
      expect({ query, status: bad.status, field: (await bad.json()).field }).toEqual({ query, status: 400, field });
    }
    expect((await get(server, 'record?tenant_id=testhotel&collection=bookings&id=1', null)).status).toBe(401);
    expect((await get(server, 'source?tenant_id=testhotel', null)).status).toBe(401);
  });

  test('limits per tenant: one stream at a time, so many per window, Retry-After; the window passes', async () => {
    let now = new Date('2026-12-01T12:00:00Z').getTime();
    const clock = () => new Date(now);
    const limits = createPreviewLimits({ sources: 2, records: 3, windowSeconds: 60, clock });
    const first = limits.startSource('t');
    expect(first.ok).toBe(true);
    expect(limits.startSource('t')).toMatchObject({ ok: false, code: 'preview_running' });
    expect(limits.startSource('u').ok).toBe(true); // another tenant
    first.release();
    limits.startSource('t').release();
    expect(limits.startSource('t')).toEqual({ ok: false, code: 'rate_limited', retryAfter: 60 });
    now += 61_000;
    expect(limits.startSource('t').ok).toBe(true);

    const server = await serve({ previewLimits: createPreviewLimits({ records: 2, windowSeconds: 60, clock }) });
    for (let i = 0; i < 2; i += 1) expect((await get(server, 'record?tenant_id=testhotel&collection=bookings&id=987654')).status).toBe(200);
    const refused = await get(server, 'record?tenant_id=testhotel&collection=bookings&id=987654');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect((await refused.json()).code).toBe('rate_limited');
  });
});
