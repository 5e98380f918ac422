// The Supabase Edge Function (Deno): Deno.serve around the same fetch handler `mphb-sync serve` and the
// Vercel function run (createHttpApp), from mphb_edge.js — the self-contained edge bundle that
// scripts/build_edge_bundle.mjs builds from the repository (every module and npm package, the .wasm core,
// the pages and the preview's files inside; it imports only node:… built-ins). This folder is the whole
// function: no static files, no import outside it. tests/js/supabase_deno.test.js runs a copy of this folder
// alone under Deno, with network access to loopback and no file access at all.
//
// Deploy: `supabase functions deploy mphb-sync`; supabase/config.toml sets verify_jwt = false (the app checks
// its own credentials: staff tokens, platform JWTs, stream tickets) — see README.md "Deploy". The schema
// comes from `supabase db push` (supabase/migrations).
import { createBundledEdgeApp } from './mphb_edge.js';

// Present on Supabase's Edge Runtime, absent under plain Deno.
declare const EdgeRuntime: { waitUntil(promise: Promise<unknown>): void } | undefined;

const env: Record<string, string | undefined> = Deno.env.toObject();
// Supabase gives every function SUPABASE_DB_URL; DATABASE_URL (e.g. the transaction pooler) wins when set.
env.DATABASE_URL ??= env.SUPABASE_DB_URL;

const app = createBundledEdgeApp({
  env,
  // Requests arrive as /mphb-sync/api/…: the function's name is the first path segment.
  basePath: '/mphb-sync',
  waitUntil: typeof EdgeRuntime !== 'undefined' ? (promise: Promise<unknown>) => EdgeRuntime.waitUntil(promise) : undefined,
  // The schema is `supabase db push`'s to apply (the bundle carries the migrations, for Vercel).
  migrate: false,
});

// Where to listen: Deno.serve's own defaults (0.0.0.0:8000, what Supabase's runtime expects) unless PORT or
// MPHB_HOSTNAME say otherwise (tests run it on 127.0.0.1 at a free port: PORT=0). Not HOSTNAME: containers
// set that to their own name.
const port = env.PORT ? Number(env.PORT) : undefined;
if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) throw Object.assign(new Error('PORT must be a port number (0-65535)'), { code: 'not_configured' });
const hostname = env.MPHB_HOSTNAME || undefined;
Deno.serve({
  ...(port !== undefined ? { port } : {}),
  ...(hostname ? { hostname } : {}),
  // One JSON line, as edge_app.js logs: where it listens (the port chosen for PORT=0 included).
  onListen: (addr: Deno.NetAddr) => console.log(JSON.stringify({ level: 'info', msg: 'mphb-sync listening', hostname: addr.hostname, port: addr.port })),
}, app.fetch);
