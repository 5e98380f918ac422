// The dry-run preview over HTTP (docs/http-api.md, "Preview"): the page (/preview), the files its worker
// runs (the same core as Node), and the two staff endpoints that give the browser MotoPress's bytes —
// fetched and signed here, so the tenant's keys never leave the server.
import { createPreviewLimits, previewMaxBytes } from '../preview/preview_limits.js';
import { PREVIEW_FRAMES_TYPE, previewSourceStream } from '../preview/preview_source.js';
import { previewRecordQuery, staffQuery } from './input_schemas.js';
import { PREVIEW_ASSETS, readPreviewAsset } from './preview_assets.js';
import { PREVIEW_ASSET_CSP, PREVIEW_PAGE_CSP, setPageSecurityHeaders } from './response_policy.js';

const BASE = '/api/integrations/motopress';

/**
 * @param {import('hono').Hono} app
 * @param {object} deps
 * @param {(schema: object) => [import('./input_schemas.js').InputMiddleware, import('./input_schemas.js').InputMiddleware]} deps.staffInput
 * @param {Function} deps.staffFor  (http_app.js: input checks, bearer auth)
 * @param {object} deps.db  @param {(tenant) => Promise<object>} deps.clientFor  @param {() => Date} deps.clock
 * @param {() => string|Promise<string>} [deps.previewPage]  the page's HTML
 * @param {(path: string) => Promise<Uint8Array|null>} [deps.previewAsset]  default: read from this checkout
 * @param {number} [deps.maxBytes]  a source stream's bytes at most (MPHB_PREVIEW_MAX_BYTES)
 * @param {object} [deps.limits]  createPreviewLimits(...)
 * @param {{error: Function}} deps.log
 */
export function registerPreviewRoutes(app, deps) {
  const { staffInput, staffFor, db, clientFor, clock, log } = deps;
  const limits = deps.limits ?? createPreviewLimits({ clock });
  const maxBytes = deps.maxBytes ?? previewMaxBytes(undefined);
  const previewAsset = deps.previewAsset ?? readPreviewAsset;

  const refused = (c, verdict) => {
    c.header('Retry-After', String(verdict.retryAfter));
    const message = verdict.code === 'preview_running' ? 'a preview of this tenant is already streaming; wait for it to finish'
      : `too many preview requests for this tenant; try again in ${verdict.retryAfter} s`;
    return c.json({ code: verdict.code, message }, 429);
  };

  app.get('/preview', async (c) => {
    setPageSecurityHeaders(c, PREVIEW_PAGE_CSP);
    return c.html(deps.previewPage ? await deps.previewPage() : '<!doctype html><title>mphb-sync preview</title><p>The preview page is missing.</p>');
  });

  for (const [path, { type }] of Object.entries(PREVIEW_ASSETS)) {
    app.get(path, async (c) => {
      const bytes = await previewAsset(path).catch(() => null);
      if (!bytes) return c.json({ code: 'not_found', message: `${path} is not in this deployment (run npm run setup)` }, 404);
      return new Response(bytes, { headers: { 'Content-Type': type, 'Content-Security-Policy': PREVIEW_ASSET_CSP, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' } });
    });
  }

  app.get(`${BASE}/preview/source`, ...staffInput(staffQuery), async (c) => {
    const { tenant } = await staffFor(c);
    const verdict = limits.startSource(tenant.tenant_id);
    if (!verdict.ok) return refused(c, verdict);
    let client;
    try {
      client = await clientFor(tenant);
    } catch (error) {
      verdict.release();
      throw error;
    }
    const body = previewSourceStream({
      db, tenant, client, now: clock().toISOString(), maxBytes, onEnd: verdict.release,
      onError: (error) => log.error({ err: error.message, tenant: tenant.slug }, 'preview source failed'),
    });
    return new Response(body, { headers: { 'Content-Type': PREVIEW_FRAMES_TYPE, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' } });
  });

  app.get(`${BASE}/preview/record`, ...staffInput(previewRecordQuery), async (c) => {
    const { tenant } = await staffFor(c);
    const { collection, id } = c.req.valid('query');
    const verdict = limits.takeRecord(tenant.tenant_id);
    if (!verdict.ok) return refused(c, verdict);
    c.header('Cache-Control', 'no-store');
    try {
      const client = await clientFor(tenant);
      const answer = await client.getOne(collection, id);
      return c.json({ collection, id, status: answer.status, body: answer.body ?? null });
    } catch (error) {
      if (!error.endpoint) throw error;
      const code = error.code === 'unauthorized' || error.code === 'forbidden' ? 'motopress_unauthorized' : 'motopress_error';
      return c.json({ code, message: `tenant ${tenant.slug}: ${error.message}` }, 502);
    }
  });
}
