// The bytes a browser needs to preview a tenant's Sync All, fetched and signed here with the tenant's
// credentials (the browser never sees them): the stored state, then what MotoPress answers, as frames a
// worker can feed to the core as they arrive. Nothing is decided here.
//
// A frame is one line of JSON (`{"frame": …, …, "length": N}`) and N bytes of body:
//   start                {tenant_id, slug, now}; body: the stored state (host/preview/preview_state.js)
//   accommodation_types  body: every page of /accommodation_types, as one JSON array of pages
//   accommodations       body: the same for /accommodations
//   page                 {page, total_pages}; body: one page of /bookings as MotoPress sent it
//   end                  {total, consistent, pages, requests}: X-WP-Total, and whether the totals held
//   error                {code, message}: the stream stops there (motopress_error, motopress_unauthorized,
//                        too_large, database_error)
import { pagesAsJson } from '../motopress/pages_json.js';
import { loadPreviewState } from './preview_state.js';

export const PREVIEW_FRAMES_TYPE = 'application/x-mphb-preview-frames';
const encoder = new TextEncoder();
const EMPTY = new Uint8Array(0);

/** One frame's bytes. */
export function previewFrame(header, body = EMPTY) {
  const bytes = typeof body === 'string' ? encoder.encode(body) : body;
  const head = encoder.encode(`${JSON.stringify({ ...header, length: bytes.length })}\n`);
  const out = new Uint8Array(head.length + bytes.length);
  out.set(head, 0);
  out.set(bytes, head.length);
  return out;
}

/**
 * @param {object} o
 * @param {object} o.db  @param {{tenant_id: string, slug: string}} o.tenant  @param {object} o.client
 * @param {string} o.now  the dry run's "now" (the server's clock: every host previews at the same instant)
 * @param {number} o.maxBytes  bodies beyond this end the stream with too_large
 * @param {() => void} [o.onEnd]  called once when the stream ends, however it ends
 * @param {(error: Error) => void} [o.onError]  for the server log (messages never hold credentials)
 * @returns {ReadableStream<Uint8Array>}
 */
export function previewSourceStream({ db, tenant, client, now, maxBytes, onEnd = () => {}, onError = () => {} }) {
  const stop = new AbortController();
  let sent = 0;
  return new ReadableStream({
    async start(controller) {
      const send = (header, body) => {
        const bytes = previewFrame(header, body);
        sent += bytes.length;
        if (sent > maxBytes) {
          const error = Object.assign(new Error(`the preview source is larger than ${maxBytes} bytes (MPHB_PREVIEW_MAX_BYTES); use mphb-sync sync-all --dry-run`), { code: 'too_large' });
          throw error;
        }
        controller.enqueue(bytes);
      };
      // Runs to its end whatever the reader does; a cancelled stream stops the fetches.
      (async () => {
        try {
          send({ frame: 'start', tenant_id: tenant.tenant_id, slug: tenant.slug, now }, await loadPreviewState(db, tenant.tenant_id));
          const [types, units] = await Promise.all([
            client.getCollection('accommodation_types', { signal: stop.signal }), client.getCollection('accommodations', { signal: stop.signal }),
          ]);
          send({ frame: 'accommodation_types' }, pagesAsJson(types.bodies));
          send({ frame: 'accommodations' }, pagesAsJson(units.bodies));
          const pass = await client.streamCollection('bookings', {
            parse: false, signal: stop.signal, onPage: async ({ page, bytes, totalPages }) => send({ frame: 'page', page, total_pages: totalPages }, bytes),
          });
          send({ frame: 'end', total: pass.total, consistent: pass.consistent, pages: pass.pages, requests: types.requests + units.requests + pass.requests });
        } catch (error) {
          stop.abort('the preview source stopped');
          if (!error.endpoint && error.code !== 'too_large') onError(error);
          const code = error.code === 'too_large' ? 'too_large'
            : error.endpoint ? (error.code === 'unauthorized' || error.code === 'forbidden' ? 'motopress_unauthorized' : 'motopress_error') : 'database_error';
          const message = error.endpoint || code === 'too_large' ? `tenant ${tenant.slug}: ${error.message}` : `tenant ${tenant.slug}: the preview source failed; see the server log`;
          try { controller.enqueue(previewFrame({ frame: 'error', code, message })); } catch { /* the reader is gone */ }
        } finally {
          try { controller.close(); } catch { /* cancelled */ }
          onEnd();
        }
      })();
    },
    cancel() {
      stop.abort('the browser went away');
    },
  });
}
