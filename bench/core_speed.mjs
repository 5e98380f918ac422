// B3 core speed (SPEC §6): the WASM core's planPage against V8's JSON.parse on the same bytes, in one
// process, medians of `runs`. Two plans per page: every booking new (empty stored state), and unchanged
// (a session whose stored state already holds every hash, so nothing is written).
//
//   import { measureCoreSpeed } from './core_speed.mjs';
//   const { cases, worst_ratio } = await measureCoreSpeed({ core, pages: [{ name, bytes, knownUnits, knownTypes }] });
//
// CLI: `node bench/core_speed.mjs` generates a 100-booking page and a ~10 MB page from the simulator's
// 'large' profile and prints the ratios. A measurement, never a timed test.
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const TENANT = '6f1c2b7e-3f7c-4d8e-9a51-2b7d6c1e0a11';
const NOW = '2026-11-28T10:00:00Z';
const decoder = new TextDecoder();
const WARM_UP_RUNS = 20;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function timeOnce(fn) {
  const start = performance.now();
  const value = fn();
  return { ms: performance.now() - start, value };
}

// What the host reports as stored after writing a plan: every planned booking's hash.
function storedFrom(plan) {
  const stored = {};
  for (const r of plan.reservations) stored[r.external_booking_id] = { hash: r.content_hash, kind: 'reservation', is_active: true };
  for (const b of plan.calendar_blocks) stored[b.external_booking_id] = { hash: b.content_hash, kind: 'block', is_active: true };
  return stored;
}

/**
 * @param {object} o
 * @param {import('../js/core.js').MphbCore} o.core a loaded core
 * @param {Array<{name: string, bytes: Uint8Array, knownUnits?: Record<string, number>, knownTypes?: number[]}>} o.pages
 *   each a /bookings page (JSON bytes) with the units the database holds (so nothing is unknown)
 * @param {number} [o.runs=7]
 * @returns {Promise<{cases: Array<{name: string, bytes: number, json_parse_ms: number, plan_ms: number, ratio: number,
 *   unchanged_plan_ms: number, unchanged_ratio: number, wasm_plan_ms: number, wasm_ratio: number}>, worst_ratio: number}>}
 *   worst_ratio: of planPage as the host calls it (decoding the plan included); wasm_*: the core's call alone
 */
export async function measureCoreSpeed({ core, pages, runs = 7 }) {
  const cases = [];
  for (const page of pages) {
    const bytes = page.bytes instanceof Uint8Array ? page.bytes : new TextEncoder().encode(String(page.bytes));
    const text = decoder.decode(bytes);
    const sessionInput = { tenantId: TENANT, now: NOW, knownUnits: page.knownUnits ?? {}, knownTypes: page.knownTypes ?? [] };

    // Warm both paths (JIT, memory growth, and wasm tier-up: V8 first runs the module's baseline code and
    // swaps in the optimized code when its background compile is done, so one call is not enough), and
    // learn the hashes for the unchanged run.
    let first;
    for (let i = 0; i < WARM_UP_RUNS; i++) {
      JSON.parse(text);
      const warm = core.bookingsSync({ ...sessionInput, stored: {} });
      first = warm.planPage(bytes);
      warm.close();
    }
    if (first.unknown_units.length > 0) throw new Error(`${page.name}: the page names units not in knownUnits`);
    const stored = storedFrom(first);

    const parseMs = [];
    const planMs = [];
    const unchangedMs = [];
    const wasmMs = [];
    for (let i = 0; i < runs; i++) {
      parseMs.push(timeOnce(() => JSON.parse(text)).ms);
      // Session set-up (reading the stored state) is not the page's cost: only planPage is timed.
      const fresh = core.bookingsSync({ ...sessionInput, stored: {} });
      planMs.push(timeOnce(() => fresh.planPage(bytes)).ms);
      fresh.close();
      // For information: the core's own call (bytes already in its memory; the plan left in its buffer,
      // not decoded), the part of planPage that is the WASM core's.
      const inner = core.bookingsSync({ ...sessionInput, stored: {} });
      const input = core.writeInput(bytes);
      wasmMs.push(timeOnce(() => inner.session.planPage(input.ptr, input.len)).ms);
      core.module._free(input.ptr);
      inner.close();
      const again = core.bookingsSync({ ...sessionInput, stored });
      const { ms, value } = timeOnce(() => again.planPage(bytes));
      again.close();
      if (value.counts.unchanged !== first.counts.created + first.counts.updated) {
        throw new Error(`${page.name}: the unchanged run planned writes (${JSON.stringify(value.counts)})`);
      }
      unchangedMs.push(ms);
    }
    const json_parse_ms = median(parseMs);
    const plan_ms = median(planMs);
    const unchanged_plan_ms = median(unchangedMs);
    const wasm_plan_ms = median(wasmMs);
    cases.push({
      name: page.name, bytes: bytes.length, json_parse_ms, plan_ms, ratio: plan_ms / json_parse_ms,
      unchanged_plan_ms, unchanged_ratio: unchanged_plan_ms / json_parse_ms,
      wasm_plan_ms, wasm_ratio: wasm_plan_ms / json_parse_ms,
    });
  }
  const worst_ratio = Math.max(...cases.map((c) => Math.max(c.ratio, c.unchanged_ratio)));
  return { cases, worst_ratio };
}

/**
 * A page of the simulator's 'large' profile: `count` bookings exactly as its REST API serves them (with
 * `_links`), and the hotel's units and types.
 */
export async function simulatorPage(name, count, seed = 1) {
  const { generateHotel } = await import('../host/simulator/profiles/index.js');
  const { HotelSite } = await import('../host/simulator/hotel_site.js');
  const hotel = generateHotel(`large:${count}`, seed);
  const knownUnits = Object.fromEntries(hotel.units.map((u) => [String(u.record.id), u.record.accommodation_type_id]));
  const knownTypes = hotel.types.map((t) => t.record.id);
  const apiBase = 'https://hotel.example/wp-json/mphb/v1';
  // serve() needs no site state unless it embeds.
  const records = hotel.bookings.slice(0, count).map((b) => HotelSite.prototype.serve.call(null, 'bookings', b, apiBase));
  return { name, bytes: new TextEncoder().encode(JSON.stringify(records)), knownUnits, knownTypes, records: records.length };
}

async function main() {
  // MPHB_CORE_JS: another build's js/core.js (e.g. a copy of the previous one), to compare before/after.
  const { loadCore } = await import(process.env.MPHB_CORE_JS ?? '../js/core.js');
  const core = await loadCore();
  const small = await simulatorPage('100 bookings', 100);
  // ~10 MB: grow the booking count until the page is about that big.
  const perBooking = small.bytes.length / small.records;
  const big = await simulatorPage('~10 MB', Math.round(10e6 / perBooking));
  const result = await measureCoreSpeed({ core, pages: [small, big], runs: Number(process.env.RUNS ?? 7) });
  for (const c of result.cases) {
    console.log(`${c.name.padEnd(14)} ${(c.bytes / 1024).toFixed(0).padStart(6)} KB  JSON.parse ${c.json_parse_ms.toFixed(2)} ms  ` +
      `planPage ${c.plan_ms.toFixed(2)} ms (${c.ratio.toFixed(2)}×)  unchanged ${c.unchanged_plan_ms.toFixed(2)} ms (${c.unchanged_ratio.toFixed(2)}×)  `
      + `in wasm ${c.wasm_plan_ms.toFixed(2)} ms (${c.wasm_ratio.toFixed(2)}×)`);
  }
  console.log(`worst ratio ${result.worst_ratio.toFixed(2)}× (budget B3: 2×)`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
