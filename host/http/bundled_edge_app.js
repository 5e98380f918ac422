// createEdgeApp with everything it would read from disk carried inside it: the entry of the self-contained
// edge bundle. scripts/build_edge_bundle.mjs bundles this module — with every npm package it imports, the
// .wasm core, the staff, guest and preview pages, the preview's scripts and the migrations — into one ES
// module, supabase/functions/mphb-sync/mphb_edge.js and its copy api/_mphb_edge.js, which import nothing
// but Node's built-in modules (node:…; Deno and Supabase's runtime provide them). So a deploy needs no
// static files, no include lists and no import outside the function's folder, and PGlite is not in it.
//
// 'mphb-sync:embedded-files' exists only inside that build: FILES, the repository path of each carried
// file → {text} or {base64} (binary files).
import { Buffer } from 'node:buffer';

import { FILES } from 'mphb-sync:embedded-files';
import { loadCore } from '../../js/core.js';
import { createEdgeApp } from './edge_app.js';
import { PREVIEW_ASSETS } from './preview_assets.js';

const encoder = new TextEncoder();
const decoded = new Map();

/** @returns {Uint8Array|null} the carried file's bytes (decoded once), null for a path not carried */
export function bundledFile(path) {
  const file = FILES[path];
  if (!file) return null;
  if (!decoded.has(path)) decoded.set(path, file.base64 !== undefined ? new Uint8Array(Buffer.from(file.base64, 'base64')) : encoder.encode(file.text));
  return decoded.get(path);
}

/** The migrations carried, in name order, as applyMigrations takes them. */
const MIGRATIONS = Object.keys(FILES)
  .filter((path) => path.startsWith('supabase/migrations/') && path.endsWith('.sql'))
  .sort()
  .map((path) => ({ version: path.slice('supabase/migrations/'.length, -'.sql'.length), sql: FILES[path].text }));

/**
 * createEdgeApp (host/http/edge_app.js: its options and errors) serving the files this bundle carries: the
 * core's .wasm, the pages, the preview's files and the migrations (applied when `migrate` is true). Any of
 * those options given here wins.
 * @param {Parameters<typeof createEdgeApp>[0]} options
 */
export function createBundledEdgeApp(options) {
  // An option given as undefined keeps the bundle's own (not a read from disk the function may not do).
  const given = /** @type {Parameters<typeof createEdgeApp>[0]} */ (Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)));
  return createEdgeApp({
    coreOptions: () => ({ wasmBinary: bundledFile('dist/wasm/mphb_core.wasm') }),
    staffPage: () => FILES['host/http/staff_page.html'].text,
    guestPage: () => FILES['host/http/guest_page.html'].text,
    previewPage: () => FILES['host/http/preview_page.html'].text,
    previewAsset: async (urlPath) => (PREVIEW_ASSETS[urlPath] ? bundledFile(PREVIEW_ASSETS[urlPath].path) : null),
    migrations: MIGRATIONS,
    ...given,
  });
}

/** The core from the .wasm this bundle carries (decoded once): what the app loads at its first request. */
export function loadBundledCore() {
  return loadCore({ wasmBinary: bundledFile('dist/wasm/mphb_core.wasm') });
}

/** The repository paths of the files this bundle carries (tests, diagnostics). */
export const BUNDLED_FILES = Object.freeze(Object.keys(FILES).sort());
