// The Node entry point of the HTTP app (`mphb-sync serve`): @hono/node-server around the same fetch
// handler the edge entry points use. On Node a run whose client disconnects goes on to its end.
import { readFile } from 'node:fs/promises';

import { serve } from '@hono/node-server';

import { loadCore } from '../../js/core.js';
import { createMotoPressClient } from '../motopress/motopress_client.js';
import { createCipher } from '../tenants/credential_cipher.js';
import { loadCredentials } from '../tenants/tenant_store.js';
import { guestTokenKey } from '../guest/guest_tokens.js';
import { createHttpApp } from './http_app.js';
import { PREVIEW_PAGE } from './preview_assets.js';
import { previewMaxBytes } from '../preview/preview_limits.js';
import { forwardedClientAddress, socketClientAddress } from './guest_routes.js';
import { platformJwtVerifier } from './staff_auth.js';

const STAFF_PAGE = new URL('./staff_page.html', import.meta.url);
const GUEST_PAGE = new URL('./guest_page.html', import.meta.url);

/**
 * Starts the HTTP server.
 * @param {object} o
 * @param {object} o.db                    an open database
 * @param {number} [o.port=0]              0: any free port
 * @param {string} [o.hostname='127.0.0.1']
 * @param {object} [o.core]                a loaded core (default: loads one)
 * @param {string} [o.encryptionKey]       MPHB_ENCRYPTION_KEY (default: the environment)
 * @param {object} [o.clientOptions]       extra MotoPress client options (tests: retries, sleep)
 * @param {object} [o.jwt]                 {secret} or {jwksUrl}, optionally {issuer, audience}: accept platform JWTs
 *   (default: MPHB_JWT_SECRET / MPHB_JWKS_URL, MPHB_JWT_ISSUER / MPHB_JWT_AUDIENCE)
 * @param {string[]|string} [o.corsOrigins] origins allowed to call from a browser (default: MPHB_CORS_ORIGINS; none)
 * @param {number} [o.heartbeatMs]
 * @param {object} [o.log]
 * @param {string} [o.guestTokenSecret]   MPHB_GUEST_TOKEN_SECRET (default: the environment; else derived from the encryption key)
 * @param {boolean} [o.trustProxy]         take the client address from X-Forwarded-For (default: MPHB_TRUST_PROXY=1)
 * @param {() => Date} [o.clock]           "now" of guest logins and tokens and of platform JWT checks (tests)
 * @param {{maxFailures, windowSeconds}} [o.loginThrottle]
 * @param {number} [o.previewMaxBytes]     a preview source stream's bytes at most (default: MPHB_PREVIEW_MAX_BYTES, else 256 MiB)
 * @param {object} [o.previewLimits]       createPreviewLimits(...) (tests: a clock, small numbers)
 * @returns {Promise<{url: string, port: number, app, stop: () => Promise<void>}>}
 */
export async function startHttpServer(o) {
  const core = o.core ?? await loadCore();
  const encryptionKey = o.encryptionKey ?? process.env.MPHB_ENCRYPTION_KEY;
  const cipher = await createCipher(encryptionKey);
  const trustProxy = o.trustProxy ?? process.env.MPHB_TRUST_PROXY === '1';
  const app = createHttpApp({
    db: o.db,
    core,
    clientFor: async (tenant) => createMotoPressClient({ ...(await loadCredentials(o.db, cipher, tenant.tenant_id)), tenant: tenant.slug, ...o.clientOptions }),
    jwt: platformJwtVerifier(o.jwt ?? {
      secret: process.env.MPHB_JWT_SECRET, jwksUrl: process.env.MPHB_JWKS_URL,
      issuer: process.env.MPHB_JWT_ISSUER, audience: process.env.MPHB_JWT_AUDIENCE,
    }),
    corsOrigins: o.corsOrigins ?? process.env.MPHB_CORS_ORIGINS,
    onDisconnect: 'continue',
    heartbeatMs: o.heartbeatMs,
    staffPage: () => readFile(STAFF_PAGE, 'utf8').catch(() => '<!doctype html><title>mphb-sync</title><p>The staff page is missing.</p>'),
    log: o.log,
    guestTokenKey: await guestTokenKey({ secret: o.guestTokenSecret ?? process.env.MPHB_GUEST_TOKEN_SECRET, encryptionKey }),
    guestPage: () => readFile(GUEST_PAGE, 'utf8').catch(() => '<!doctype html><title>My stay</title><p>The guest page is missing.</p>'),
    previewPage: () => readFile(PREVIEW_PAGE, 'utf8').catch(() => '<!doctype html><title>mphb-sync preview</title><p>The preview page is missing.</p>'),
    previewMaxBytes: o.previewMaxBytes ?? previewMaxBytes(process.env.MPHB_PREVIEW_MAX_BYTES),
    previewLimits: o.previewLimits,
    clock: o.clock,
    loginThrottle: o.loginThrottle,
    clientAddress: trustProxy ? (c) => forwardedClientAddress(c, process.env.MPHB_CLIENT_IP_HEADER) : socketClientAddress,
  });
  const server = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: o.port ?? 0, hostname: o.hostname ?? '127.0.0.1' }, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address();
  return {
    url: `http://${o.hostname ?? '127.0.0.1'}:${port}`,
    port,
    app,
    stop: () => new Promise((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}
