// The Supabase Edge Function (Deno): Deno.serve around the same fetch handler `mphb-sync serve` and the
// Vercel function run — createHttpApp, built once per instance by createEdgeApp from the repository's own
// modules (relative imports; deno.json maps their npm packages at package-lock.json's versions and takes
// them from node_modules, "nodeModulesDir": "manual", so postgres.js runs with patches/ as on Node; PGlite,
// Node-only, maps to a stub). tests/js/supabase_deno.test.js runs this file under Deno.
//
// Deploy: `supabase functions deploy mphb-sync --no-verify-jwt` (the app checks its own credentials: staff
// tokens, platform JWTs, stream tickets) — see README.md "Deploy". The schema comes from
// `supabase db push` (supabase/migrations); the .wasm core, the staff, guest and preview pages and the preview's scripts are static files of the
// function (supabase/config.toml `static_files`).
import { createEdgeApp } from '../../../host/http/edge_app.js';

// Present on Supabase's Edge Runtime, absent under plain Deno.
declare const EdgeRuntime: { waitUntil(promise: Promise<unknown>): void } | undefined;

const env: Record<string, string | undefined> = Deno.env.toObject();
// Supabase gives every function SUPABASE_DB_URL; DATABASE_URL (e.g. the transaction pooler) wins when set.
env.DATABASE_URL ??= env.SUPABASE_DB_URL;

const file = (path: string) => new URL(path, import.meta.url);

const app = createEdgeApp({
  env,
  // Requests arrive as /mphb-sync/api/…: the function's name is the first path segment.
  basePath: '/mphb-sync',
  waitUntil: typeof EdgeRuntime !== 'undefined' ? (promise: Promise<unknown>) => EdgeRuntime.waitUntil(promise) : undefined,
  // Migrations are applied by `supabase db push`, not at start (the .sql files are not deployed).
  migrate: false,
  coreOptions: async () => {
    try {
      return { wasmBinary: await Deno.readFile(file('../../../dist/wasm/mphb_core.wasm')) };
    } catch (error) {
      throw new Error(`dist/wasm/mphb_core.wasm is not in the function bundle (build it with \`npm run setup\`; list it in supabase/config.toml static_files): ${(error as Error).message}`);
    }
  },
  staffPage: () => Deno.readTextFile(file('../../../host/http/staff_page.html'))
    .catch(() => '<!doctype html><title>mphb-sync</title><p>The staff page is not in the function bundle.</p>'),
  guestPage: () => Deno.readTextFile(file('../../../host/http/guest_page.html'))
    .catch(() => '<!doctype html><title>My stay</title><p>The guest page is not in the function bundle.</p>'),
  previewPage: () => Deno.readTextFile(file('../../../host/http/preview_page.html'))
    .catch(() => '<!doctype html><title>mphb-sync preview</title><p>The preview page is not in the function bundle.</p>'),
  // The preview's scripts and .wasm: createEdgeApp's default reads them (host/http/preview_assets.js).
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
