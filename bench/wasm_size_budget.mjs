// B5: the .wasm under 400 KB gzip, and instantiation (loadCore()) under 30 ms — the median over fresh
// processes, each importing the core and timing one loadCore(), so nothing is cached between samples.
// The same for the self-contained edge bundle (api/_mphb_edge.js, the .wasm inside as base64): its size,
// and loadBundledCore() — the .wasm decoded, then instantiated — in fresh processes.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

import { BUDGETS, figure } from './budgets.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const WASM = join(ROOT, 'dist', 'wasm', 'mphb_core.wasm');
const GLUE = join(ROOT, 'dist', 'wasm', 'mphb_core.mjs');
const BUNDLE = join(ROOT, 'api', '_mphb_edge.js');
const CORE_URL = new URL('../js/core.js', import.meta.url).href;
const BUNDLE_URL = new URL('../api/_mphb_edge.js', import.meta.url).href;

// Run in a fresh Node process: import first (not timed), then time one load.
const timeOneLoad = (url, name) => `const { ${name} } = await import(${JSON.stringify(url)});
const t = performance.now(); await ${name}(); process.stdout.write(String(performance.now() - t));`;

/** The median of `runs` fresh processes' timings of `script`, or null and the first error. */
function medianOfFreshRuns(script, runs) {
  const samples = [];
  let error = null;
  for (let i = 0; i < runs; i++) {
    try {
      samples.push(Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' })));
    } catch (e) {
      error = e.message;
      break;
    }
  }
  samples.sort((x, y) => x - y);
  return { median: samples.length === runs ? samples[Math.floor(samples.length / 2)] : null, samples, error };
}

export function wasmSizeFigures({ runs }) {
  const b = BUDGETS.B5;
  const wasm = readFileSync(WASM);
  const gzipKb = gzipSync(wasm, { level: 9 }).length / 1024;
  const glueGzipKb = gzipSync(readFileSync(GLUE), { level: 9 }).length / 1024;
  const core = medianOfFreshRuns(timeOneLoad(CORE_URL, 'loadCore'), runs);
  const bundle = readFileSync(BUNDLE);
  const edge = medianOfFreshRuns(timeOneLoad(BUNDLE_URL, 'loadBundledCore'), runs);
  return [
    figure({
      id: 'B5.gzip', label: 'dist/wasm/mphb_core.wasm, gzip -9', unit: ' KB', under: b.gzipKbMax, value: Number(gzipKb.toFixed(1)),
      detail: { raw_kb: Number((wasm.length / 1024).toFixed(1)), glue_gzip_kb: Number(glueGzipKb.toFixed(1)) },
    }),
    figure({
      id: 'B5.instantiate', label: `loadCore() in a fresh process, median of ${runs}`, unit: ' ms', under: b.instantiateMsMax,
      value: core.median === null ? null : Number(core.median.toFixed(1)),
      note: core.error ? `a sample failed: ${core.error}` : undefined,
      detail: { samples_ms: core.samples.map((s) => Number(s.toFixed(1))) },
    }),
    figure({
      id: 'B5.edge_instantiate', label: `the edge bundle's loadBundledCore() (base64 decode + instantiate), median of ${runs}`, unit: ' ms', under: b.instantiateMsMax,
      value: edge.median === null ? null : Number(edge.median.toFixed(1)),
      note: edge.error ? `a sample failed: ${edge.error}` : undefined,
      detail: {
        samples_ms: edge.samples.map((s) => Number(s.toFixed(1))),
        bundle_kb: Number((bundle.length / 1024).toFixed(1)),
        bundle_gzip_kb: Number((gzipSync(bundle, { level: 9 }).length / 1024).toFixed(1)),
      },
    }),
  ];
}
