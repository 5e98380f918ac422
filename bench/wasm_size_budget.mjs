// B5: the .wasm under 400 KB gzip, and instantiation (loadCore()) under 30 ms — the median over fresh
// processes, each importing the core and timing one loadCore(), so nothing is cached between samples.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

import { BUDGETS, figure } from './budgets.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const WASM = join(ROOT, 'dist', 'wasm', 'mphb_core.wasm');
const GLUE = join(ROOT, 'dist', 'wasm', 'mphb_core.mjs');
const CORE_URL = new URL('../js/core.js', import.meta.url).href;

// Run in a fresh Node process: import first (not timed), then time one loadCore().
const TIME_ONE_LOAD = `const { loadCore } = await import(${JSON.stringify(CORE_URL)});
const t = performance.now(); await loadCore(); process.stdout.write(String(performance.now() - t));`;

export function wasmSizeFigures({ runs }) {
  const b = BUDGETS.B5;
  const wasm = readFileSync(WASM);
  const gzipKb = gzipSync(wasm, { level: 9 }).length / 1024;
  const glueGzipKb = gzipSync(readFileSync(GLUE), { level: 9 }).length / 1024;
  const samples = [];
  let error = null;
  for (let i = 0; i < runs; i++) {
    try {
      samples.push(Number(execFileSync(process.execPath, ['--input-type=module', '-e', TIME_ONE_LOAD], { cwd: ROOT, encoding: 'utf8' })));
    } catch (e) {
      error = e.message;
      break;
    }
  }
  samples.sort((x, y) => x - y);
  const median = samples.length === runs ? samples[Math.floor(samples.length / 2)] : null;
  return [
    figure({
      id: 'B5.gzip', label: 'dist/wasm/mphb_core.wasm, gzip -9', unit: ' KB', under: b.gzipKbMax, value: Number(gzipKb.toFixed(1)),
      detail: { raw_kb: Number((wasm.length / 1024).toFixed(1)), glue_gzip_kb: Number(glueGzipKb.toFixed(1)) },
    }),
    figure({
      id: 'B5.instantiate', label: `loadCore() in a fresh process, median of ${runs}`, unit: ' ms', under: b.instantiateMsMax,
      value: median === null ? null : Number(median.toFixed(1)),
      note: error ? `a sample failed: ${error}` : undefined,
      detail: { samples_ms: samples.map((s) => Number(s.toFixed(1))) },
    }),
  ];
}
