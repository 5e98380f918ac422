// The MotoPress Hotel Booking stand-in: several hotels on one 127.0.0.1 server, each its own site at
// /{hotel}/wp-json/mphb/v1/…, behaving as FIELD-NOTES measured the real plugin (auth, paging, filters,
// trash), plus a control API (/_control/…) to edit data, schedule faults and read counters.
//
//   const sim = await startSimulator({ hotels: ['indo'], seed: 1 });
//   sim.hotels[0].siteUrl, sim.hotels[0].keys.readWrite.key / .secret
//   await sim.stop();
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { writeFile } from 'node:fs/promises';

import { FaultSchedule } from './fault_schedule.js';
import { COLLECTIONS, HotelSite, SiteError } from './hotel_site.js';
import { NonceStore } from './oauth1_verifier.js';
import { PROFILE_NAMES } from './profiles/index.js';
import { authenticate } from './request_auth.js';
import { createTlsCertificate } from './tls_certificate.js';
import { linkHeader } from './wp_collection.js';
import { errors } from './wp_errors.js';
import { parseWpQuery } from './wp_query.js';

const API_PREFIX = '/wp-json/mphb/v1';
const LOG_LIMIT = 5000;

/**
 * Parses the --hotels list: "indo,simmerdown,large:100000" → [{name, profile}]. A hotel is named after
 * its profile; "name=profile" names it otherwise (two hotels of one profile: "a=indo,b=indo").
 */
export function parseHotelList(text) {
  const list = (Array.isArray(text) ? text : String(text).split(',')).map((s) => s.trim()).filter(Boolean);
  return list.map((item) => {
    const [left, right] = item.includes('=') ? item.split('=') : [null, item];
    const profile = right;
    const base = profile.split(':')[0];
    if (!PROFILE_NAMES.includes(base)) throw new Error(`unknown hotel profile "${profile}" (one of ${PROFILE_NAMES.join(', ')}, large:N)`);
    const name = left ?? base;
    if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`hotel name "${name}" must be lower-case letters, digits and dashes`);
    return { name, profile };
  });
}

/**
 * Starts the simulator.
 * @param {object} [options]
 * @param {number} [options.port=0] 0 picks a free port
 * @param {number} [options.seed=1]
 * @param {string|string[]} [options.hotels='indo,simmerdown,testhotel']
 * @param {number} [options.latencyMs=0] added to every API request
 * @param {string|object[]} [options.faults] see fault_schedule.js
 * @param {boolean} [options.tls=false] serve HTTPS with a self-signed certificate
 * @param {string} [options.caFile] with tls: where to write the certificate (for NODE_EXTRA_CA_CERTS)
 * @param {{now(): number}} [options.clock] the server's clock (OAuth timestamps, modified times)
 */
export async function startSimulator(options = {}) {
  const seed = options.seed ?? 1;
  const clock = options.clock ?? { now: () => Date.now() };
  const sites = new Map(parseHotelList(options.hotels ?? 'indo,simmerdown,testhotel')
    .map(({ name, profile }) => [name, new HotelSite({ name, profile, seed, clock })]));
  const state = {
    latencyMs: options.latencyMs ?? 0,
    faults: new FaultSchedule(options.faults, seed),
    nonces: new NonceStore(),
    stats: emptyStats(),
    log: [],
    hooks: [], // {hotel, endpoint, after, action, fields, seen}
    openSockets: new Set(),
    hotelRequests: new Map(),
    holds: new Set(), // {matches({hotel, endpoint, page}), released: Promise}
  };

  let certificate;
  if (options.tls) {
    certificate = await createTlsCertificate();
    if (options.caFile) await writeFile(options.caFile, certificate.cert);
  }
  const scheme = options.tls ? 'https' : 'http';
  const handler = (req, res) => handle(req, res).catch((error) => {
    if (!res.headersSent) sendJson(res, 500, { code: 'simulator_error', message: error.message, data: { status: 500 } });
    else res.destroy();
  });
  const server = options.tls ? createHttpsServer({ key: certificate.key, cert: certificate.cert }, handler) : createHttpServer(handler);
  server.on('connection', (socket) => {
    state.openSockets.add(socket);
    socket.on('close', () => state.openSockets.delete(socket));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  const origin = `${scheme}://127.0.0.1:${port}`;

  async function handle(req, res) {
    const url = new URL(req.url, origin);
    if (url.pathname === '/_control' || url.pathname.startsWith('/_control/')) return control(req, res, url);
    const m = /^\/([^/]+)(\/.*)?$/.exec(url.pathname);
    const site = m && sites.get(m[1]);
    if (!site) return sendHtml(res, 404, '<h1>Not Found</h1>');
    const rest = m[2] ?? '/';
    if (rest === '/' && url.searchParams.has('rest_route')) {
      // The plugin honours its keys only on /wp-json/ URLs: ?rest_route= answers 401 even when signed.
      return sendWp(res, req, site, 'other', errors.cannotView());
    }
    if (rest === '/' || rest === '') return sendHtml(res, 200, `<!doctype html><title>${site.title}</title><h1>${site.title}</h1><p>Just another WordPress site</p>`);
    if (rest === '/wp-json' || rest === '/wp-json/') {
      return sendJson(res, 200, { name: site.title, url: `${origin}/${site.name}`, namespaces: ['wp/v2', 'mphb/v1'], authentication: [] });
    }
    if (!rest.startsWith(`${API_PREFIX}/`) && rest !== API_PREFIX) return sendWp(res, req, site, 'other', errors.noRoute());
    return api(req, res, url, site, rest.slice(API_PREFIX.length));
  }

  async function api(req, res, url, site, route) {
    const r = /^\/(accommodation_types|accommodations|bookings|rates)(?:\/(\d+))?\/?$/.exec(route);
    const collection = r?.[1];
    const id = r?.[2] !== undefined ? Number(r[2]) : undefined;
    const endpoint = collection ? `${collection}${id !== undefined ? '/:id' : ''}` : 'other';
    const requestNumber = (state.hotelRequests.get(site.name) ?? 0) + 1;
    state.hotelRequests.set(site.name, requestNumber);

    const page = Number(url.searchParams.get('page') ?? 1);
    for (const hold of [...state.holds]) {
      if (hold.matches({ hotel: site.name, endpoint, page })) await hold.released;
    }
    const faults = state.faults.pick(site.name, endpoint, requestNumber);
    const delay = state.latencyMs + faults.filter((f) => f.kind === 'latency').reduce((sum, f) => sum + f.value, 0);
    const fault = (kind) => faults.find((f) => f.kind === kind);
    if (delay > 0) {
      if (fault('reset') || fault('hang') || fault('truncate')) {
        await sleep(delay);
      } else {
        // Latency is the request's response time, as a site's is: the answer is ready when it has been
        // computed and `delay` has passed since the request arrived, not `delay` plus the work.
        const due = performance.now() + delay;
        const end = res.end.bind(res);
        res.end = (...args) => {
          const left = due - performance.now();
          if (left > 1) sleep(left).then(() => end(...args));
          else end(...args);
          return res;
        };
      }
    }
    if (fault('reset')) {
      record(site, req, url, endpoint, 0, 0, 'reset');
      return req.socket.destroy();
    }
    if (fault('hang')) {
      record(site, req, url, endpoint, 0, 0, 'hang');
      return; // never answers; the socket closes when the client gives up or the simulator stops
    }
    if (fault('unauthorized-after')) return sendWp(res, req, site, endpoint, errors.authentication('Consumer key is invalid.'), url, 'unauthorized-after');
    if (fault('status')) {
      const status = fault('status').value;
      const body = `<html><head><title>${status}</title></head><body><h1>${status} ${status === 503 ? 'Service Unavailable' : status === 502 ? 'Bad Gateway' : status === 504 ? 'Gateway Timeout' : 'Internal Server Error'}</h1></body></html>`;
      record(site, req, url, endpoint, status, Buffer.byteLength(body), 'status');
      return sendHtml(res, status, body);
    }
    if (fault('rate-limit')) {
      const seconds = fault('rate-limit').value;
      res.setHeader('Retry-After', String(seconds));
      return sendWp(res, req, site, endpoint, { status: 429, body: { code: 'rest_too_many_requests', message: 'Too many requests.', data: { status: 429 } } }, url, 'rate-limit');
    }

    const method = req.method.toUpperCase();
    const auth = authenticate({
      method,
      scheme,
      baseUri: `${scheme}://${(req.headers.host ?? `127.0.0.1:${port}`).toLowerCase()}${url.pathname}`,
      queryPairs: [...url.searchParams],
      headers: req.headers,
    }, site, state.nonces, Math.floor(clock.now() / 1000));
    if (auth.ok === false) return sendWp(res, req, site, endpoint, auth.error, url);
    if (!collection) return sendWp(res, req, site, endpoint, errors.noRoute(), url);

    const query = parseWpQuery(url.searchParams);
    if (query.filter !== undefined && !site.settings.canEditBookings) {
      return sendWp(res, req, site, endpoint, errors.forbidden('Sorry, you are not allowed to use the filter parameter.'), url);
    }
    const apiBase = `${origin}/${site.name}${API_PREFIX}`;
    const embed = query._embed !== undefined;
    const body = { headers: {}, status: 200, json: null };

    if (id === undefined) {
      if (method !== 'GET' && method !== 'HEAD') return sendWp(res, req, site, endpoint, errors.noRoute(), url);
      const selected = site.page(collection, query);
      if (selected.error) return sendWp(res, req, site, endpoint, selected.error, url);
      body.json = selected.page.map((e) => site.serve(collection, e, apiBase, embed));
      body.headers['X-WP-Total'] = String(selected.total);
      body.headers['X-WP-TotalPages'] = String(selected.totalPages);
      const link = linkHeader(url, selected.pageNumber, selected.totalPages);
      if (link) body.headers.Link = link;
      body.headers.Allow = 'GET, POST';
    } else {
      const entity = site.get(collection, id);
      if (!entity) return sendWp(res, req, site, endpoint, errors.invalidId(collection), url);
      if (method === 'GET' || method === 'HEAD') {
        body.json = site.serve(collection, entity, apiBase, embed);
      } else if (collection === 'bookings' && (method === 'POST' || method === 'PUT' || method === 'PATCH')) {
        const changes = await readJsonBody(req);
        if (changes === undefined) return sendWp(res, req, site, endpoint, errors.invalidParam({ body: 'Invalid JSON body.' }), url);
        try {
          body.json = site.serve(collection, site.updateBooking(id, changes), apiBase);
        } catch (error) {
          if (error instanceof SiteError) return sendWp(res, req, site, endpoint, errors.invalidParam({ status: error.message }), url);
          throw error;
        }
      } else if (collection === 'bookings' && method === 'DELETE') {
        const force = query.force === 'true' || query.force === '1';
        const served = site.serve(collection, entity, apiBase);
        if (force) site.deletePermanently(collection, id);
        else site.trash(collection, id);
        body.json = force ? { deleted: true, previous: served } : site.serve(collection, entity, apiBase);
      } else {
        return sendWp(res, req, site, endpoint, errors.noRoute(), url);
      }
      body.headers.Allow = collection === 'bookings' ? 'GET, POST, PUT, PATCH, DELETE' : 'GET';
    }

    let payload = Buffer.from(JSON.stringify(body.json));
    let faultName = fault('latency') ? 'latency' : null;
    if (fault('malformed')) {
      // What broken hosts send: a PHP notice printed before the JSON.
      payload = Buffer.concat([Buffer.from('<br />\n<b>Notice</b>:  Undefined index: price in <b>/var/www/html/wp-content/plugins/motopress-hotel-booking/includes/rest.php</b> on line <b>42</b><br />\n'), payload]);
      faultName = faultName ? `${faultName},malformed` : 'malformed';
    }
    for (const [k, v] of Object.entries(body.headers)) res.setHeader(k, v);
    // The site's own clock, as WordPress's server sends it: the same clock as post_modified_gmt (an
    // incremental sync takes its cursor from this header).
    res.setHeader('Date', new Date(clock.now()).toUTCString());
    res.setHeader('Content-Type', 'application/json; charset=UTF-8');
    res.setHeader('Content-Length', String(payload.length));
    if (fault('truncate') && method !== 'HEAD') {
      res.writeHead(body.status);
      res.write(payload.subarray(0, Math.floor(payload.length / 2)));
      record(site, req, url, endpoint, body.status, Math.floor(payload.length / 2), 'truncate');
      // Flush what was written, then cut the connection short of Content-Length.
      setTimeout(() => req.socket.destroy(), 20);
      return;
    }
    res.writeHead(body.status);
    res.end(method === 'HEAD' ? undefined : payload);
    record(site, req, url, endpoint, body.status, method === 'HEAD' ? 0 : payload.length, faultName);
    runHooks(site, endpoint);
  }

  // After the Nth matching request has been answered: e.g. a booking created between two page requests.
  function runHooks(site, endpoint) {
    for (const hook of state.hooks) {
      if (hook.done || hook.hotel !== site.name || (hook.endpoint !== '*' && hook.endpoint !== endpoint)) continue;
      hook.seen += 1;
      if (hook.seen < hook.after) continue;
      hook.done = true;
      if (hook.action === 'create_booking') hook.result = site.createBooking(hook.fields ?? {}).record.id;
    }
  }

  function record(site, req, url, endpoint, status, bytes, fault = null) {
    const key = `${req.method} ${endpoint}`;
    const hotel = (state.stats.hotels[site.name] ??= { requests: 0, bytes: 0, endpoints: {} });
    hotel.requests += 1;
    hotel.bytes += bytes;
    hotel.endpoints[key] = (hotel.endpoints[key] ?? 0) + 1;
    state.stats.requests += 1;
    state.stats.bytes += bytes;
    // Never log credentials: OAuth signatures and Basic secrets stay out of the log.
    const query = [...url.searchParams.keys()].filter((k) => !k.startsWith('oauth_') && k !== 'consumer_secret' && k !== 'consumer_key');
    state.log.push({ at: clock.now(), hotel: site.name, method: req.method, path: url.pathname, query: Object.fromEntries(query.map((k) => [k, url.searchParams.get(k)])), status, bytes, fault });
    if (state.log.length > LOG_LIMIT) state.log.splice(0, state.log.length - LOG_LIMIT);
  }

  function sendWp(res, req, site, endpoint, error, url = new URL(req.url, origin), faultName = null) {
    const payload = JSON.stringify(error.body);
    record(site, req, url, endpoint, error.status, req.method === 'HEAD' ? 0 : Buffer.byteLength(payload), faultName);
    sendJson(res, error.status, error.body, req.method === 'HEAD');
  }

  async function control(req, res, url) {
    const parts = url.pathname.split('/').filter(Boolean).slice(1); // after "_control"
    const method = req.method.toUpperCase();
    const body = ['POST', 'PUT', 'PATCH'].includes(method) ? await readJsonBody(req) : {};
    if (body === undefined) return sendJson(res, 400, { error: 'invalid_json', message: 'request body must be JSON' });
    try {
      const result = controlRoute(method, parts, body ?? {}, url);
      if (result === undefined) return sendJson(res, 404, { error: 'no_route', message: `no control route ${method} ${url.pathname}` });
      return sendJson(res, 200, result);
    } catch (error) {
      if (error instanceof SiteError) return sendJson(res, error.status, { error: error.code, message: error.message });
      if (error.code === 'bad_fault_spec') return sendJson(res, 400, { error: error.code, message: error.message });
      throw error;
    }
  }

  function controlRoute(method, parts, body, url) {
    const [first, second, third, fourth] = parts;
    if (method === 'GET' && first === 'hotels') return { hotels: describeHotels() };
    if (method === 'GET' && first === 'stats') return state.stats;
    if (method === 'POST' && first === 'stats' && second === 'reset') {
      state.stats = emptyStats();
      state.log = [];
      return state.stats;
    }
    if (method === 'GET' && first === 'log') {
      const limit = Math.max(0, Number(url.searchParams.get('limit') ?? 100) || 0);
      return { log: limit === 0 ? [] : state.log.slice(-limit) };
    }
    if (first === 'faults' && method === 'GET') return { faults: state.faults.describe() };
    if (first === 'faults' && method === 'PUT') {
      state.faults.set(body.faults ?? []);
      return { faults: state.faults.describe() };
    }
    if (first === 'latency' && method === 'PUT') {
      state.latencyMs = Number(body.latency_ms ?? 0);
      return { latency_ms: state.latencyMs };
    }
    const site = sites.get(first);
    if (!site) return undefined;
    const served = (collection, entity) => site.serve(collection, entity, `${origin}/${site.name}${API_PREFIX}`);
    if (second === 'settings' && method === 'PUT') {
      if (body.can_edit_bookings !== undefined) site.settings.canEditBookings = Boolean(body.can_edit_bookings);
      return { settings: site.settings };
    }
    if (second === 'on-request' && method === 'POST') {
      const hook = { hotel: site.name, endpoint: body.endpoint ?? 'bookings', after: Number(body.after ?? 1), action: body.action ?? 'create_booking', fields: body.booking, seen: 0, done: false };
      if (hook.action !== 'create_booking') throw new SiteError(400, 'bad_action', 'action must be create_booking');
      state.hooks.push(hook);
      return { hook };
    }
    if (!COLLECTIONS.includes(second)) return undefined;
    if (second === 'bookings' && third === undefined && method === 'POST') return served('bookings', site.createBooking(body));
    if (second === 'bookings' && third !== undefined && fourth === undefined && method === 'PATCH') return served('bookings', site.updateBooking(third, body));
    if (second === 'bookings' && fourth === 'cancel' && method === 'POST') return served('bookings', site.updateBooking(third, { status: 'cancelled' }));
    if (second === 'accommodations' && third === undefined && method === 'POST') return served('accommodations', site.addUnit(body));
    if (second === 'accommodation_types' && third === undefined && method === 'POST') return served('accommodation_types', site.addType(body));
    if (third !== undefined && fourth === 'trash' && method === 'POST') return served(second, site.trash(second, third));
    if (third !== undefined && fourth === 'restore' && method === 'POST') return served(second, site.restore(second, third));
    if (third !== undefined && fourth === undefined && method === 'DELETE') {
      site.deletePermanently(second, third);
      return { deleted: true };
    }
    return undefined;
  }

  function describeHotels() {
    return [...sites.values()].map((site) => ({
      name: site.name,
      profile: site.profile,
      title: site.title,
      siteUrl: `${origin}/${site.name}`,
      apiBase: `${origin}/${site.name}${API_PREFIX}`,
      keys: site.keys,
      counts: Object.fromEntries(COLLECTIONS.map((c) => [c, site.count(c)])),
    }));
  }

  return {
    url: origin,
    port,
    scheme,
    caCertificate: certificate?.cert,
    hotels: describeHotels(),
    /** The HotelSite of a hotel, for tests that edit or inspect data directly. */
    site: (name) => sites.get(name),
    stats: () => state.stats,
    log: () => state.log,
    resetStats: () => { state.stats = emptyStats(); state.log = []; },
    setFaults: (faults) => state.faults.set(faults),
    setLatency: (ms) => { state.latencyMs = ms; },
    /**
     * Holds matching API requests (arrived or arriving) unanswered until the returned release() is
     * called: a site that is slow exactly where a test needs it, without racing a timer.
     * @param {(request: {hotel: string, endpoint: string, page: number}) => boolean} matches
     * @returns {() => void} release
     */
    hold: (matches) => {
      let release;
      const hold = { matches, released: new Promise((resolve) => { release = resolve; }) };
      state.holds.add(hold);
      return () => { state.holds.delete(hold); release(); };
    },
    /** Stops listening and drops open connections (hanging requests included). */
    stop: () => new Promise((resolve) => {
      for (const socket of state.openSockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}

function emptyStats() {
  return { requests: 0, bytes: 0, hotels: {} };
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function sendJson(res, status, body, headOnly = false) {
  const payload = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8', 'Content-Length': String(payload.length) });
  res.end(headOnly ? undefined : payload);
}

function sendHtml(res, status, html) {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=UTF-8', 'Content-Length': String(Buffer.byteLength(html)) });
  res.end(html);
}

async function readJsonBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 1024 * 1024) return undefined;
    chunks.push(chunk);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}
