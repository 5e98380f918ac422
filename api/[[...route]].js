// The Vercel function (Node.js runtime). vercel.json rewrites every path here, keeping the URL the client
// asked for, so the app sees /api/integrations/motopress/…, /api/openapi.json and / as `mphb-sync serve`
// does: the same fetch handler (createHttpApp), built once per instance by createEdgeApp from
// process.env — DATABASE_URL (PostgreSQL; PGlite is Node-only), MPHB_ENCRYPTION_KEY, optionally
// MPHB_JWT_SECRET or MPHB_JWKS_URL. The database is opened, and supabase/migrations applied (deployed
// with the function through vercel.json includeFiles), at the first request.
import { handle } from 'hono/vercel';

import { createEdgeApp } from '../host/http/edge_app.js';

// waitUntil keeps a Sync All recording its end after its client went away. It comes from
// @vercel/functions when the deployment installs that package (`npm i @vercel/functions`); mphb-sync does
// not depend on it, and without it there is none (an abandoned run is then completed by the next one).
const vercelFunctions = await import('@vercel/functions').catch(() => null);

export const app = createEdgeApp({
  env: process.env,
  waitUntil: vercelFunctions?.waitUntil,
  migrate: true,
});

// Web-signature exports: the Node.js runtime hands each a Request and sends back its Response (streamed).
const handler = handle(app);
export const GET = handler;
export const POST = handler;
export const PUT = handler;
export const PATCH = handler;
export const DELETE = handler;
export const OPTIONS = handler;
export const HEAD = handler;
