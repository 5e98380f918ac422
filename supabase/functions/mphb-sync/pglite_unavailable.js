// What `@electric-sql/pglite` resolves to in the Supabase function (deno.json): the embedded database is
// Node-only, and createEdgeApp refuses to start without DATABASE_URL before it would open one. Mapped so
// the module graph resolves whole and PGlite's own wasm stays out of the function.
export class PGlite {
  static create() {
    return Promise.reject(Object.assign(new Error('PGlite is Node-only: the Supabase function needs DATABASE_URL'), { code: 'not_configured' }));
  }
}
