// What every answer of the app carries beyond its body: the pages' security headers (one helper for the
// staff page `/` and the guest page `/my-stay`), nosniff on every answer, and the CORS policy — none by
// default, configured by allowed origins (MPHB_CORS_ORIGINS). docs/http-api.md, "Headers and CORS".
import { cors } from 'hono/cors';

/** The pages are self-contained: their own inline code and styles, their own API, never in a frame. */
export const PAGE_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** The preview page also runs the core: its own scripts and worker, and WebAssembly. */
export const PREVIEW_PAGE_CSP = "default-src 'none'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/** The scripts the preview page and its worker load (the worker's policy is its script's). */
export const PREVIEW_ASSET_CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'";

/** Sets the security headers of an HTML page on the context (before c.html). */
export function setPageSecurityHeaders(c, csp = PAGE_CSP) {
  c.header('Content-Security-Policy', csp);
  c.header('X-Frame-Options', 'DENY');
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Referrer-Policy', 'no-referrer');
}

/** Middleware: X-Content-Type-Options: nosniff on every answer (JSON, SSE, errors, 404s). */
export function noSniff() {
  return async (c, next) => {
    c.header('X-Content-Type-Options', 'nosniff');
    await next();
  };
}

export const CORS_METHODS = ['GET', 'POST'];
export const CORS_HEADERS = ['Authorization', 'Content-Type', 'Last-Event-ID'];

/**
 * The allowed origins of MPHB_CORS_ORIGINS: comma-separated `scheme://host[:port]`, exactly as a browser
 * sends Origin (no path, no trailing slash). Empty or unset: none.
 * @throws {Error} naming the first entry that is not an origin
 */
export function parseCorsOrigins(text) {
  const entries = String(text ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return entries.map((entry) => {
    let url;
    try {
      url = new URL(entry);
    } catch {
      url = null;
    }
    const bare = url && ['http:', 'https:'].includes(url.protocol) && url.pathname === '/' && !entry.endsWith('/')
      && !url.search && !url.hash && !url.username && !url.password;
    if (!bare) throw new Error(`MPHB_CORS_ORIGINS: "${entry.slice(0, 100)}" is not an origin (scheme://host[:port], without a path or a trailing slash)`);
    return url.origin;
  });
}

/**
 * Middleware, registered before every route: the CORS policy. A request whose Origin is allowed gets
 * Access-Control-Allow-Origin (that origin) and Vary: Origin; a preflight (OPTIONS) is answered 204 on any
 * path — with Allow-Methods GET, POST and Allow-Headers Authorization, Content-Type, Last-Event-ID when its
 * origin is allowed, with no CORS header at all otherwise (and always without one when no origin is
 * configured). No credentials mode: staff and guests authenticate with bearer headers, not cookies.
 * @param {string[]} origins  from parseCorsOrigins
 */
export function corsPolicy(origins = []) {
  const allowed = new Set(origins);
  // Hono's middleware; an origin not listed gets no Access-Control-Allow-Origin (preflights still 204).
  return cors({
    origin: (origin) => (allowed.has(origin) ? origin : null),
    allowMethods: CORS_METHODS,
    allowHeaders: CORS_HEADERS,
    exposeHeaders: ['Retry-After'],
    maxAge: 600,
  });
}
