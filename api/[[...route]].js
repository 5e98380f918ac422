// The Vercel function (Node.js runtime). vercel.json rewrites every path here, keeping the URL the client
// asked for, so the app sees /api/integrations/motopress/…, /api/openapi.json and / as `mphb-sync serve`
// does: the same fetch handler (createHttpApp) from _mphb_edge.js, the self-contained edge bundle
// (scripts/build_edge_bundle.mjs; `_`: not a route of its own) that carries the .wasm core, the pages, the
// preview's files and the migrations, and no PGlite. Configuration from process.env: DATABASE_URL
// (PostgreSQL), MPHB_ENCRYPTION_KEY, optionally MPHB_JWT_SECRET or MPHB_JWKS_URL (README "Deploy"). The
// database is opened, and the migrations applied, at the first request.
//
// A client that leaves a Sync All: vercel.json sets supportsCancellation, so Vercel aborts request.signal;
// the run stops at the next page boundary and records `interrupted` — inside waitUntil, which Vercel honours
// after a cancelled request.
import { waitUntil } from '@vercel/functions';

import { createBundledEdgeApp } from './_mphb_edge.js';

export const app = createBundledEdgeApp({ env: process.env, waitUntil, migrate: true });

// Web-signature exports: the Node.js runtime hands each a Request and sends back its Response (streamed).
const handler = (request) => app.fetch(request);
export const GET = handler;
export const POST = handler;
export const PUT = handler;
export const PATCH = handler;
export const DELETE = handler;
export const OPTIONS = handler;
export const HEAD = handler;
