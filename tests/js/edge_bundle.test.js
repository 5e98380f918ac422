// The self-contained edge bundle (scripts/build_edge_bundle.mjs): the committed copies — the Supabase
// function's supabase/functions/mphb-sync/mphb_edge.js and the Vercel function's api/_mphb_edge.js — are
// byte for byte what the sources build now (the check fails on a stale copy, and a build elsewhere gives the
// same bytes); the bundle imports only Node's built-ins, carries exactly the files it lists, serves them as
// the checkout's own, and has no PGlite.
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { jest } from '@jest/globals';

import { EDGE_BUNDLE_TARGETS, buildEdgeBundle, embeddedFilePaths, staleEdgeBundleTargets } from '../../scripts/build_edge_bundle.mjs';

jest.setTimeout(60000);

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

describe('the committed edge bundle', () => {
  test('every copy is what the sources build now (else: npm run build:edge, and commit)', async () => {
    expect(await staleEdgeBundleTargets()).toEqual([]);
    const [first, ...rest] = EDGE_BUNDLE_TARGETS.map((t) => readFileSync(join(ROOT, t)));
    for (const copy of rest) expect(copy.equals(first)).toBe(true);
  });

  test('the check sees a changed source, and a build in another directory gives the same bytes', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'mphb-bundle-'));
    try {
      for (const dir of ['host', 'js', 'dist/wasm', 'supabase', 'api']) cpSync(join(ROOT, dir), join(copy, dir), { recursive: true });
      cpSync(join(ROOT, 'package.json'), join(copy, 'package.json'));
      symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
      expect(await staleEdgeBundleTargets(copy)).toEqual([]);
      const page = join(copy, 'host/http/guest_page.html');
      writeFileSync(page, `${readFileSync(page, 'utf8')}<!-- changed -->\n`);
      expect(await staleEdgeBundleTargets(copy)).toEqual([...EDGE_BUNDLE_TARGETS]);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  test('imports nothing but node: built-ins (no npm package, no file)', async () => {
    const { imports } = await buildEdgeBundle();
    expect(imports.length).toBeGreaterThan(5);
    expect(imports.filter((s) => !s.startsWith('node:'))).toEqual([]);
  });
});

describe('the bundle, loaded in Node', () => {
  let bundle;
  let app;

  beforeAll(async () => {
    bundle = await import(pathToFileURL(join(ROOT, 'api/_mphb_edge.js')).href);
    app = bundle.createBundledEdgeApp({ env: { MPHB_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64') }, log: { info() {}, warn() {}, error() {} } });
  });
  afterAll(async () => {
    await app?.close();
  });

  test('carries exactly the .wasm core, the three pages, the preview\'s files and the migrations', () => {
    const paths = embeddedFilePaths();
    expect(bundle.BUNDLED_FILES).toEqual(paths);
    expect(paths).toEqual(expect.arrayContaining(['dist/wasm/mphb_core.wasm', 'host/http/staff_page.html', 'host/http/guest_page.html', 'host/http/preview_page.html', 'supabase/migrations/20261128000001_mphb_sync_schema.sql']));
    expect(paths.filter((p) => p.startsWith('supabase/migrations/')).length).toBeGreaterThanOrEqual(9);
  });

  test('its core is the checkout\'s (same version)', async () => {
    const core = await bundle.loadBundledCore();
    const { loadCore } = await import('../../js/core.js');
    expect(core.version).toBe((await loadCore()).version);
    expect(core.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  test('without DATABASE_URL: 500 not_configured (PGlite is not in it); the OpenAPI document answers', async () => {
    const response = await app.fetch(new Request('https://edge.example/api/integrations/motopress/health?tenant_id=x'));
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ code: 'not_configured' });
    const doc = await app.fetch(new Request('https://edge.example/api/openapi.json'));
    expect(doc.status).toBe(200);
    const text = readFileSync(join(ROOT, EDGE_BUNDLE_TARGETS[0]), 'utf8');
    expect(text).not.toMatch(/node_modules\/@electric-sql\/pglite/);
  });

  test('every file it carries is byte for byte the checkout\'s', () => {
    for (const path of bundle.BUNDLED_FILES) {
      expect({ path, same: Buffer.from(bundle.bundledFile(path)).equals(readFileSync(join(ROOT, path))) }).toEqual({ path, same: true });
    }
    expect(bundle.bundledFile('no/such/file')).toBeNull();
  });
});
