// A readable summary of a plan, for people at a terminal (`plan --summary`, `demo`).

function countBy(rows, key) {
  const counts = new Map();
  for (const row of rows) counts.set(row[key], (counts.get(row[key]) ?? 0) + 1);
  return [...counts.entries()].sort(([a], [b]) => String(a).localeCompare(String(b)));
}

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((cell, i) => String(cell).padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

/**
 * @param {object} plan the core's plan object
 * @returns {string} several lines ending in a newline
 */
export function formatPlanSummary(plan) {
  const unitsById = new Map(plan.accommodation_units.map((u) => [u.id, u]));
  const placeholders = plan.accommodation_units.filter((u) => u.is_placeholder).length;
  const lines = [];
  lines.push(table([
    ['rows', 'count'],
    ['accommodation types', plan.accommodation_types.length],
    ['accommodation units', `${plan.accommodation_units.length}${placeholders ? ` (${placeholders} placeholder)` : ''}`],
    ['guest reservations', plan.reservations.length],
    ['reserved rooms (junction)', plan.reservation_accommodations.length],
    ['calendar blocks', plan.calendar_blocks.length],
  ]));
  if (plan.reservations.length > 0) {
    lines.push('', 'reservations by status: ' + countBy(plan.reservations, 'status').map(([s, n]) => `${s} ${n}`).join(', '));
    lines.push('', table([
      ['booking', 'status', 'stay', 'guest', 'rooms', 'source'],
      ...plan.reservations.slice(0, 20).map((r) => {
        const rooms = plan.reservation_accommodations
          .filter((j) => j.reservation_id === r.id)
          .map((j) => unitsById.get(j.accommodation_unit_id)?.name ?? `#${j.mphb_accommodation_id}`);
        return [r.external_booking_id, r.status, `${r.check_in_date} → ${r.check_out_date}`, r.guest_name ?? '—',
          rooms.join(' + ') || '—', r.channel ?? r.booking_source];
      }),
    ]));
    if (plan.reservations.length > 20) lines.push(`… and ${plan.reservations.length - 20} more`);
  }
  for (const [label, list] of [['warnings', plan.warnings], ['errors', plan.errors]]) {
    if (list.length === 0) continue;
    lines.push('', `${label} (${list.length}):`);
    for (const d of list.slice(0, 20)) lines.push(`  ${d.code}  ${d.path}  ${d.message}`);
    if (list.length > 20) lines.push(`  … and ${list.length - 20} more`);
  }
  lines.push('', plan.errors.length === 0 ? 'plan: no errors' : `plan: ${plan.errors.length} error(s)`);
  return `${lines.join('\n')}\n`;
}
