// A dry run's diff for people at a terminal (`sync-all --dry-run` without --json).

const OUTCOMES = ['create', 'update', 'cancel', 'block', 'gone', 'placeholder', 'rejected', 'unchanged'];

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((cell, i) => String(cell).padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

const tally = (entries) => OUTCOMES.map((o) => [o, entries.filter((e) => e.outcome === o).length]).filter(([, n]) => n > 0);
const changes = (changed) => (changed === null ? '(fields not known)' : changed.map((c) => c.field).join(', '));

/**
 * @param {object} diff SyncPreviewSession.diff()
 * @param {{limit?: number}} [o] rows of each table at most (default 30)
 * @returns {string} several lines ending in a newline
 */
export function formatPreviewSummary(diff, { limit = 30 } = {}) {
  const lines = [];
  for (const [label, entries] of [['accommodation types', diff.accommodation_types], ['accommodation units', diff.accommodation_units], ['bookings', diff.bookings]]) {
    const counts = tally(entries);
    lines.push(`${label}: ${counts.length ? counts.map(([o, n]) => `${n} ${o}`).join(', ') : 'none'}`);
  }
  const units = [...diff.accommodation_types.map((t) => ['type', t.mphb_type_id, t.name ?? '—', t.outcome, t.outcome === 'update' ? changes(t.changed) : '']),
    ...diff.accommodation_units.map((u) => ['unit', u.mphb_accommodation_id, u.name ?? '—', u.outcome, u.outcome === 'update' ? changes(u.changed) : ''])]
    .filter((r) => r[3] !== 'unchanged');
  if (units.length > 0) {
    lines.push('', table([['', 'id', 'name', 'outcome', 'changed'], ...units.slice(0, limit)]));
    if (units.length > limit) lines.push(`… and ${units.length - limit} more`);
  }
  const bookings = diff.bookings.filter((b) => b.outcome !== 'unchanged');
  if (bookings.length > 0) {
    lines.push('', table([['booking', 'outcome', 'stay', 'guest', 'rooms', 'changed / why'], ...bookings.slice(0, limit).map((b) => [
      b.booking_id, b.outcome, b.check_in_date ? `${b.check_in_date} → ${b.check_out_date}` : '—', b.guest_name ?? '—',
      b.rooms.map((r) => r.unit_name ?? `#${r.mphb_accommodation_id}`).join(' + ') || '—',
      b.outcome === 'rejected' ? (b.diagnostics[0] ? `${b.diagnostics[0].code} at ${b.diagnostics[0].path}` : '') : b.outcome === 'update' || b.outcome === 'cancel' || b.outcome === 'block' ? (b.write === 'update' ? changes(b.changed) : '') : '',
    ])]));
    if (bookings.length > limit) lines.push(`… and ${bookings.length - limit} more`);
  }
  if (diff.warnings.length > 0) lines.push('', `warnings: ${diff.warnings.length} (first: ${diff.warnings[0].code} at ${diff.warnings[0].path})`);
  lines.push('', diff.errors.length === 0 ? `dry run: nothing written${diff.complete ? '' : '; the pass was not reconciled'}` : `dry run: ${diff.errors.length} error(s), first: ${diff.errors[0].code} at ${diff.errors[0].path}: ${diff.errors[0].message}`);
  return `${lines.join('\n')}\n`;
}
