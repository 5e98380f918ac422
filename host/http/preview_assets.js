// The files the preview page runs in the browser: the core (the very js/ and dist/wasm/ files Node runs),
// the driver and the page's worker, served under /preview/ at the paths their relative imports expect.
import { readFile } from 'node:fs/promises';

const file = (path) => new URL(`../../${path}`, import.meta.url);

/** URL path → the file and its type. Nothing else is served from disk. */
export const PREVIEW_ASSETS = Object.freeze({
  '/preview/js/core.js': { url: file('js/core.js'), type: 'text/javascript; charset=utf-8' },
  '/preview/js/page_plan.js': { url: file('js/page_plan.js'), type: 'text/javascript; charset=utf-8' },
  '/preview/js/preview_driver.js': { url: file('js/preview_driver.js'), type: 'text/javascript; charset=utf-8' },
  '/preview/js/preview_worker.js': { url: file('host/http/preview_worker.js'), type: 'text/javascript; charset=utf-8' },
  '/preview/dist/wasm/mphb_core.mjs': { url: file('dist/wasm/mphb_core.mjs'), type: 'text/javascript; charset=utf-8' },
  '/preview/dist/wasm/mphb_core.wasm': { url: file('dist/wasm/mphb_core.wasm'), type: 'application/wasm' },
});

export const PREVIEW_PAGE = file('host/http/preview_page.html');

/** @returns {Promise<Uint8Array|null>} the asset's bytes, or null when the path is not one of them */
export async function readPreviewAsset(path) {
  const asset = PREVIEW_ASSETS[path];
  return asset ? readFile(asset.url) : null;
}
