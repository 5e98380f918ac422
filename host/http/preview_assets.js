// The files the preview page runs in the browser: the core (the very js/ and dist/wasm/ files Node runs),
// the driver and the page's worker, served under /preview/ at the paths their relative imports expect.
import { readFile } from 'node:fs/promises';

const asset = (path, type) => Object.freeze({ path, url: new URL(`../../${path}`, import.meta.url), type });
const JS = 'text/javascript; charset=utf-8';

/**
 * URL path → the file (`path` in the repository, `url` in this checkout) and its type. Nothing else is served
 * from disk; the edge bundle carries exactly these files (scripts/build_edge_bundle.mjs).
 */
export const PREVIEW_ASSETS = Object.freeze({
  '/preview/js/core.js': asset('js/core.js', JS),
  '/preview/js/page_plan.js': asset('js/page_plan.js', JS),
  '/preview/js/preview_driver.js': asset('js/preview_driver.js', JS),
  '/preview/js/preview_worker.js': asset('host/http/preview_worker.js', JS),
  '/preview/dist/wasm/mphb_core.mjs': asset('dist/wasm/mphb_core.mjs', JS),
  '/preview/dist/wasm/mphb_core.wasm': asset('dist/wasm/mphb_core.wasm', 'application/wasm'),
});

export const PREVIEW_PAGE = new URL('../../host/http/preview_page.html', import.meta.url);

/** @returns {Promise<Uint8Array|null>} the asset's bytes, or null when the path is not one of them */
export async function readPreviewAsset(path) {
  const asset = PREVIEW_ASSETS[path];
  return asset ? readFile(asset.url) : null;
}
