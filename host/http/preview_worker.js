// The preview page's worker (served as /preview/js/preview_worker.js): the browser host of the core's dry
// run, off the page's main thread. It reads the framed source stream (host/preview/preview_source.js),
// feeds each frame to the core as it arrives (js/preview_driver.js: the same steps as `sync-all
// --dry-run`), asks the server for the single records the core names, and posts the diff.
//
// In:  {type: 'server', tenant, token}  the tenant's live site through the server (bearer token)
//      {type: 'files', tenantId, now, types, units, bookings}  MotoPress export files (text), no server
// Out: {type: 'ready'} | {type: 'progress', stage, current, total} |
//      {type: 'done', diffText, raw: {"<page>:<path>": record JSON}, source} | {type: 'error', code, message}
import { loadCore } from './core.js';
import { PreviewDriver, PreviewStopped } from './preview_driver.js';

// The API beside the page, wherever the app is mounted (this file is <root>/preview/js/preview_worker.js).
const BASE = new URL('../../api/integrations/motopress', import.meta.url).pathname;
const decoder = new TextDecoder();
const corePromise = loadCore();
corePromise.then(() => postMessage({ type: 'ready' }), (error) => postMessage({ type: 'error', code: 'core_failed', message: error.message }));

class PreviewError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

// Yields {header, body} frames from the response body as they arrive.
async function* frames(body) {
  const reader = body.getReader();
  let buffer = new Uint8Array(0);
  const append = (chunk) => {
    const next = new Uint8Array(buffer.length + chunk.length);
    next.set(buffer, 0);
    next.set(chunk, buffer.length);
    buffer = next;
  };
  for (;;) {
    const newline = buffer.indexOf(10);
    if (newline >= 0) {
      const header = JSON.parse(decoder.decode(buffer.subarray(0, newline)));
      while (buffer.length < newline + 1 + header.length) {
        const { value, done } = await reader.read();
        if (done) throw new PreviewError('source_cut', 'the preview source ended in the middle of a frame');
        append(value);
      }
      const bodyBytes = buffer.slice(newline + 1, newline + 1 + header.length);
      buffer = buffer.slice(newline + 1 + header.length);
      yield { header, body: bodyBytes };
      continue;
    }
    const { value, done } = await reader.read();
    if (done) {
      if (buffer.length > 0) throw new PreviewError('source_cut', 'the preview source ended in the middle of a frame');
      return;
    }
    append(value);
  }
}

async function answerOf(response) {
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new PreviewError(body.code ?? `http_${response.status}`, body.message ?? `the server answered ${response.status}`);
  return body;
}

// The record of a rejected booking, for the page's "show the record" link.
function rawRecords(raw, page, bytes, answer) {
  const paths = new Set(answer.errors.map((e) => /^bookings\[\d+\]/.exec(e.path)?.[0]).filter(Boolean));
  if (paths.size === 0) return;
  let records;
  try {
    records = JSON.parse(decoder.decode(bytes));
  } catch {
    return; // the page itself did not parse: its error says where
  }
  for (const path of paths) raw[`${page}:${path}`] = JSON.stringify(records[Number(/\d+/.exec(path)[0])], null, 2);
}

async function previewServer({ tenant, token }) {
  const core = await corePromise;
  const headers = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
  const query = (extra = {}) => new URLSearchParams({ tenant_id: tenant, ...extra }).toString();
  const record = async (collection, id) => answerOf(await fetch(`${BASE}/preview/record?${query({ collection, id: String(id) })}`, { headers, cache: 'no-store', credentials: 'omit' }));
  const response = await fetch(`${BASE}/preview/source?${query()}`, { headers, cache: 'no-store', credentials: 'omit' });
  if (!response.ok) await answerOf(response);
  let preview = null;
  let driver = null;
  let types = null;
  let pages = 0;
  const raw = {};
  let source = null;
  try {
    for await (const { header, body } of frames(response.body)) {
      if (header.frame === 'start') {
        source = { tenant_id: header.tenant_id, slug: header.slug, now: header.now };
        preview = core.syncPreview({ tenantId: header.tenant_id, now: header.now, stored: body });
        driver = new PreviewDriver(preview, {
          fetchUnit: async (id) => {
            const r = await record('accommodations', id);
            return { id, status: r.status, body: r.body };
          },
          fetchBooking: async (id) => {
            const r = await record('bookings', id);
            return { status: r.status, body: r.body ? JSON.stringify(r.body) : '' };
          },
        });
        postMessage({ type: 'progress', stage: 'accommodations', current: 0, total: 0 });
      } else if (header.frame === 'accommodation_types') {
        types = body;
      } else if (header.frame === 'accommodations') {
        driver.accommodations(types, body);
      } else if (header.frame === 'page') {
        const answer = await driver.page(body);
        pages += 1;
        rawRecords(raw, pages, body, answer);
        postMessage({ type: 'progress', stage: 'reservations', current: header.page, total: header.total_pages });
      } else if (header.frame === 'end') {
        postMessage({ type: 'progress', stage: 'reconcile', current: 0, total: 0 });
        await driver.finish({ total: header.total });
        postMessage({ type: 'done', diffText: driver.diffText(), raw, source: { ...source, requests: header.requests } });
        return;
      } else if (header.frame === 'error') {
        throw new PreviewError(header.code, header.message);
      }
    }
    throw new PreviewError('source_cut', 'the preview source ended before its last frame');
  } finally {
    preview?.close();
  }
}

// Export files: each a JSON array as the API returns a page, or an array of pages. No database: every
// row is new; a unit no file lists is gone (a flagged placeholder), as `mphb-sync plan` decides.
async function previewFiles({ tenantId, now, types, units, bookings }) {
  const core = await corePromise;
  const preview = core.syncPreview({ tenantId, now, stored: {} });
  try {
    const driver = new PreviewDriver(preview, { fetchUnit: async (id) => ({ id, status: 404, body: null }) });
    driver.accommodations(types ?? '[]', units ?? '[]');
    let list;
    try {
      list = JSON.parse(bookings ?? '[]');
    } catch (error) {
      throw new PreviewError('invalid_json', `the bookings file is not JSON: ${error.message}`);
    }
    if (!Array.isArray(list)) throw new PreviewError('wrong_type', 'the bookings file must be a JSON array (a page, or an array of pages)');
    const pageList = list.length > 0 && list.every(Array.isArray) ? list : [list];
    const raw = {};
    for (const [i, page] of pageList.entries()) {
      const bytes = new TextEncoder().encode(JSON.stringify(page));
      const answer = await driver.page(bytes);
      rawRecords(raw, i + 1, bytes, answer);
      postMessage({ type: 'progress', stage: 'reservations', current: i + 1, total: pageList.length });
    }
    postMessage({ type: 'done', diffText: driver.diffText(), raw, source: { tenant_id: tenantId, slug: null, now, files: true } });
  } finally {
    preview.close();
  }
}

onmessage = async ({ data }) => {
  try {
    if (data.type === 'server') await previewServer(data);
    else if (data.type === 'files') await previewFiles(data);
  } catch (error) {
    const code = error instanceof PreviewError || error instanceof PreviewStopped ? error.code : 'preview_failed';
    postMessage({ type: 'error', code, message: error.message });
  }
};
