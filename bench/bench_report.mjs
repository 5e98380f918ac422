// The human-readable report of a bench run (the --json document is the same data, unformatted).
function verdict(f) {
  if (f.skipped) return 'skipped';
  if (f.pass === null) return 'info';
  if (f.value === null) return 'FAIL (n/a)';
  return f.pass ? 'pass' : 'FAIL';
}

function shown(f) {
  if (f.value === null) return 'n/a';
  return `${f.value}${f.unit}`;
}

function detailLine(d) {
  return Object.entries(d)
    .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
    .map(([k, v]) => `${k} ${v}`).join(', ');
}

function pad(text, width) {
  const s = String(text);
  return s.length >= width ? `${s} ` : s + ' '.repeat(width - s.length);
}

export function formatReport(doc) {
  const m = doc.machine;
  const lines = [];
  lines.push(`mphb-sync bench, ${doc.started_at} — ${m.cpus} × ${m.cpu_model}, ${m.memory_mb} MB, Node ${m.node}`);
  lines.push(`machine load: 1-min load average up to ${m.max_load1.toFixed(2)} on ${m.cpus} CPUs${m.noisy ? ' — NOISY (above 75 % of the CPUs): figures marked ~ may be off' : ''}`);
  if (doc.postgres) {
    const rt = doc.postgres.round_trip_ms;
    lines.push(`PostgreSQL: ${doc.postgres.source}; one round trip ${rt.direct ?? 'n/a'} ms direct, ${rt.proxy ?? 'n/a'} ms via the delay proxy (${doc.options.proxy_delay_ms} ms each way)`);
  }
  for (const b of doc.budgets) {
    lines.push('', `${b.id} ${b.title}${b.noisy ? '  ~noisy' : ''}`);
    for (const f of b.figures) {
      lines.push(`  ${pad(f.label, 74)}${pad(shown(f), 12)}${pad(f.budget ?? '', 11)}${b.noisy && f.pass !== null ? '~' : ''}${verdict(f)}`);
      if (f.note) lines.push(`      ${f.note}`);
      if (f.detail) {
        const d = detailLine(f.detail);
        if (d) lines.push(`      ${d}`);
        // B3's per-page cases, one line each.
        for (const c of Array.isArray(f.detail.cases) ? f.detail.cases : []) lines.push(`      ${detailLine(c)}`);
      }
    }
  }
  if (doc.scaling?.length) {
    lines.push('', 'Scaling (no added latency): time and requests of a first Sync All and a no-op full re-sync');
    lines.push(`  ${pad('database', 10)}${pad('bookings', 10)}${pad('first ms', 10)}${pad('req', 6)}${pad('ms/1k', 7)}${pad('no-op ms', 10)}${pad('req', 6)}${pad('RSS MB first/no-op', 20)}`);
    for (const r of doc.scaling) {
      lines.push(`  ${pad(r.database, 10)}${pad(r.bookings, 10)}${pad(r.first_ms ?? 'n/a', 10)}${pad(r.first_requests ?? '', 6)}${pad(r.first_ms_per_1k ?? '', 7)}${pad(r.noop_ms ?? 'n/a', 10)}${pad(r.noop_requests ?? '', 6)}${pad(`${r.first_rss_mb ?? 'n/a'} / ${r.noop_rss_mb ?? 'n/a'}`, 20)}${r.error ? ` ${r.error}` : ''}`);
    }
  }
  const s = doc.summary;
  lines.push('', `${s.passed} passed, ${s.failed} failed (${s.not_available} of them not available), ${s.skipped} skipped; ${Math.round(doc.duration_ms / 1000)} s`);
  return `${lines.join('\n')}\n`;
}
