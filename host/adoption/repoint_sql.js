// The SQL that re-points the platform's own tables (guest_conversations.guest_id,
// chat_conversations.reservation_id, … — every foreign key the catalog shows on the legacy reservations)
// to the adopted reservations through legacy_reservation_map. Printed for the platform to review and run,
// never run by mphb-sync. Rows whose legacy reservation became no reservation (a calendar block stored as
// a guest, a booking gone upstream, not adopted yet) are listed by id and left pointing where they point.

const ACTIONS = { a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' };
const ident = (name) => `"${String(name).replace(/"/g, '""')}"`;

/**
 * @param {object} db the database holding both the legacy schema and mphb-sync's tables
 * @param {{schema: string}} o the legacy schema
 * @returns {Promise<{sql: string, references: Array<{table, column, constraint, rows, unmapped: object[]}>}>}
 */
export async function buildRepointSql(db, { schema }) {
  const fks = await db.query(`select c.conname as constraint, n.nspname as schema, t.relname as table, a.attname as column,
      c.confdeltype as on_delete, array_length(c.conkey, 1) as width
    from pg_constraint c
    join pg_class t on t.oid = c.conrelid join pg_namespace n on n.oid = t.relnamespace
    join pg_class r on r.oid = c.confrelid join pg_namespace rn on rn.oid = r.relnamespace
    join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
    where c.contype = 'f' and rn.nspname = $1 and r.relname = 'guest_reservations' and n.nspname <> $1
    order by n.nspname, t.relname, c.conname`, [schema]);
  const lines = [
    `-- mphb-sync adopt --emit-repoint-sql: re-points the platform's references to ${schema}.guest_reservations`,
    '-- at the adopted rows of public.guest_reservations, through public.legacy_reservation_map. Review, then run.',
    '-- Rows listed as "not re-pointed" keep their value: their legacy reservation became no reservation.',
    'begin;',
  ];
  const references = [];
  for (const fk of fks) {
    const table = `${ident(fk.schema)}.${ident(fk.table)}`;
    const column = ident(fk.column);
    lines.push('', `-- ${fk.schema}.${fk.table}.${fk.column} (constraint ${fk.constraint}, on delete ${ACTIONS[fk.on_delete] ?? fk.on_delete})`);
    if (fk.width !== 1) {
      lines.push('-- a multi-column foreign key: re-point it by hand');
      references.push({ table: `${fk.schema}.${fk.table}`, column: fk.column, constraint: fk.constraint, rows: null, unmapped: [] });
      continue;
    }
    const [{ n }] = await db.query(`select count(*)::int as n from ${table} where ${column} is not null`);
    const unmapped = await db.query(`select to_jsonb(t) ->> 'id' as id, t.${column}::text as legacy_id, m.booking_id, coalesce(m.outcome, 'not adopted') as outcome
      from ${table} t left join public.legacy_reservation_map m on m.legacy_id = t.${column}
      where t.${column} is not null and m.reservation_id is null order by 2, 1`);
    for (const u of unmapped) {
      lines.push(`--   not re-pointed: id ${u.id ?? '(no id column)'} → legacy ${u.legacy_id}${u.booking_id ? ` (booking ${u.booking_id})` : ''}: ${u.outcome}`);
    }
    lines.push(
      `alter table ${table} drop constraint ${ident(fk.constraint)};`,
      `update ${table} t set ${column} = m.reservation_id from public.legacy_reservation_map m where m.legacy_id = t.${column} and m.reservation_id is not null;`,
      // NOT VALID: the rows listed above keep their legacy value; validate once they are dealt with.
      `alter table ${table} add constraint ${ident(fk.constraint)} foreign key (${column}) references public.guest_reservations (id) on delete ${ACTIONS[fk.on_delete] ?? 'no action'} not valid;`,
    );
    references.push({ table: `${fk.schema}.${fk.table}`, column: fk.column, constraint: fk.constraint, rows: n, unmapped });
  }
  if (fks.length === 0) lines.push('', `-- no table outside ${schema} references ${schema}.guest_reservations: nothing to re-point`);
  lines.push('', 'commit;', '');
  return { sql: lines.join('\n'), references };
}
