// The budgets of SPEC §6 (and P1, from issue #12), in one place, and how a measured figure is judged
// against one. Every figure is a ratio (or a size) taken within one run, never an absolute time compared
// with a constant measured on some other machine — except B5's instantiation time, which the SPEC states
// in milliseconds.
export const BUDGETS = {
  B1: { title: 'end-to-end Sync All (SPEC §6 B1)', floorRatioMax: 1.25, speedupMin: 20 },
  B2: { title: 'no-op re-sync (SPEC §6 B2)', rowsWrittenMax: 0, fullFloorRatioMax: 1.1, incrementalRequestsMax: 3 },
  B3: { title: 'core speed vs JSON.parse (SPEC §6 B3)', worstRatioMax: 2 },
  B4: { title: 'memory (SPEC §6 B4)', peakRssMbMax: 256, flatRatioMax: 1.5 },
  B5: { title: 'WASM size and instantiation (SPEC §6 B5)', gzipKbMax: 400, instantiateMsMax: 30 },
  P1: { title: 'dry-run preview in the browser (issue #12)', ratioMax: 2 },
};

/**
 * One reported figure. `max` (≤), `under` (<) or `min` (≥) is the budget; value null means "not available", which fails:
 * a figure that could not be measured has not met its budget.
 * @returns {{id, label, value, unit, budget: string|null, pass: boolean|null, note?: string, detail?: object}}
 */
export function figure({ id, label, value, unit = '', max, under, min, note, detail, informational = false }) {
  const budget = max !== undefined ? `≤ ${max}${unit}` : under !== undefined ? `< ${under}${unit}` : min !== undefined ? `≥ ${min}${unit}` : null;
  let pass = null;
  if (!informational && budget) {
    if (value === null || value === undefined || Number.isNaN(value)) pass = false;
    else pass = max !== undefined ? value <= max : under !== undefined ? value < under : value >= min;
  }
  return { id, label, value: value ?? null, unit, budget, pass, ...(note ? { note } : {}), ...(detail ? { detail } : {}) };
}
