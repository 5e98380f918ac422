// B3: the core maps a page of bookings in at most 2× the time V8's JSON.parse takes for the same bytes.
// The measurement itself is core_speed.mjs (measureCoreSpeed); this feeds it real booking pages from the
// simulator and judges its worst ratio. A missing core_speed.mjs is reported as a failure, not skipped.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { loadCore } from '../js/core.js';
import { createMotoPressClient } from '../host/motopress/motopress_client.js';
import { BUDGETS, figure } from './budgets.mjs';

const CORE_SPEED = join(dirname(fileURLToPath(import.meta.url)), 'core_speed.mjs');

/** Raw booking pages (the bytes MotoPress sent) of a simulator hotel: {name, bytes}[]. */
export async function fetchBookingPages(hotel, { limit = 3 } = {}) {
  const client = createMotoPressClient({ siteUrl: hotel.siteUrl, consumerKey: hotel.keys.readWrite.key, consumerSecret: hotel.keys.readWrite.secret, tenant: hotel.name });
  // The units the database would hold after the accommodations stage: a page names no unknown unit.
  const units = await client.getCollection('accommodations');
  const knownUnits = Object.fromEntries(units.records.map((u) => [String(u.id), Number(u.accommodation_type_id)]));
  const knownTypes = [...new Set(Object.values(knownUnits))];
  const pages = [];
  await client.streamCollection('bookings', { onPage: ({ page, bytes }) => { pages.push({ name: `bookings page ${page} of ${hotel.name}`, bytes, knownUnits, knownTypes }); } });
  // The first, a middle and the last page: full pages and a short one.
  const pick = [...new Set([0, Math.floor(pages.length / 2), pages.length - 1])].slice(0, limit);
  return pick.map((i) => pages[i]);
}

/** @param {{pages, runs, modulePath?: string}} o modulePath: where measureCoreSpeed lives (default ./core_speed.mjs) */
export async function coreSpeedFigures({ pages, runs, modulePath = CORE_SPEED }) {
  const b = BUDGETS.B3;
  const label = 'core plan time / JSON.parse time, worst page';
  if (!existsSync(modulePath)) {
    return [figure({ id: 'B3.worst', label, unit: '×', max: b.worstRatioMax, value: null, note: 'core_speed.mjs missing' })];
  }
  try {
    const { measureCoreSpeed } = await import(modulePath);
    const core = await loadCore();
    const result = await measureCoreSpeed({ core, pages, runs });
    const round = (x) => (typeof x === 'number' ? Number(x.toFixed(2)) : x);
    return [figure({
      id: 'B3.worst', label, unit: '×', max: b.worstRatioMax, value: round(result.worst_ratio),
      detail: { runs, cases: result.cases.map((c) => Object.fromEntries(Object.entries(c).map(([k, v]) => [k, round(v)]))) },
    })];
  } catch (error) {
    return [figure({ id: 'B3.worst', label, unit: '×', max: b.worstRatioMax, value: null, note: `core_speed.mjs failed: ${error.message}` })];
  }
}
