// Which of mphb-sync's tables already exist in the database with a foreign shape — e.g. the tables an older
// sync left behind (public.guest_reservations, public.tenant_registry, hotels.accommodation_units, …; see
// docs/adopting.md). `create table if not exists` would silently keep such a table and the sync would fail
// later, obscurely; applyMigrations asks this guard first and stops before changing anything.
//
// "Our columns" are not a second copy of the schema: they are read from the migration files themselves.
// The rule: a table that exists is ours when it has every column that
//   - its `create table [if not exists] <name> (…)` statement defines (whichever migration holds it), plus
//   - `alter table <name> add column …` of the migrations already recorded in public.mphb_schema_migrations
//     (minus `drop column`, following `rename column`, of those same migrations).
// A column a not-yet-applied migration adds is not required yet. Column types are not compared: a table
// with every column of ours by name is ours. The guard only reads the catalog.
import { readdir, readFile } from 'node:fs/promises';

export const ADOPTION_GUIDE = 'docs/adopting.md';

/** Thrown (before any write) when tables mphb-sync creates already exist with another shape. */
export class SchemaConflictError extends Error {
  /** @param {{table: string, missing: string[]}[]} tables */
  constructor(tables) {
    super([
      `the database already has ${tables.length === 1 ? 'a table' : 'tables'} with the name${tables.length === 1 ? '' : 's'} mphb-sync uses but another shape (left by an older sync?); nothing was changed:`,
      ...tables.map((t) => `  ${t.table} lacks ${t.missing.join(', ')}`),
      `Move ${tables.length === 1 ? 'it' : 'them'} aside first (ALTER TABLE … SET SCHEMA legacy) and adopt the data as ${ADOPTION_GUIDE} describes.`,
    ].join('\n'));
    this.name = 'SchemaConflictError';
    this.code = 'foreign_schema';
    this.tables = tables;
  }
}

/**
 * Throws SchemaConflictError when a table the migrations create exists without all of its required columns.
 * @param {object} db  the database interface (host/db/database.js)
 * @param {{migrations: {version: string, sql: string}[], bookkeepingSql?: string, bookkeepingTable?: string}} o
 *   migrations: the migrations in name order (readMigrations); bookkeepingSql: the DDL of the table
 *   recording applied versions (checked like the others: a foreign one is reported, never read)
 */
export async function assertNoForeignTables(db, o) {
  const tables = await findForeignTables(db, o);
  if (tables.length > 0) throw new SchemaConflictError(tables);
}

/**
 * @param {object} db @param {{migrations: {version: string|null, sql: string}[], bookkeepingSql?: string, bookkeepingTable?: string}} o as assertNoForeignTables
 * @returns {Promise<{table: string, missing: string[]}[]>} the foreign tables, in migration order
 */
export async function findForeignTables(db, { migrations, bookkeepingSql, bookkeepingTable = 'public.mphb_schema_migrations' }) {
  const definition = parseMigrations(bookkeepingSql ? [{ version: null, sql: bookkeepingSql }, ...migrations] : migrations);
  const existing = await existingColumns(db, [...definition.keys()]);

  let appliedVersions = new Set();
  const bookkeeping = existing.get(bookkeepingTable);
  if (bookkeeping?.has('version')) {
    appliedVersions = new Set((await db.query(`select version from ${bookkeepingTable}`)).map((r) => r.version));
  }

  const foreign = [];
  for (const [table, def] of definition) {
    const columns = existing.get(table);
    if (!columns) continue;
    const missing = requiredColumns(def, appliedVersions).filter((c) => !columns.has(c));
    if (missing.length > 0) foreign.push({ table, missing });
  }
  return foreign;
}

/** The columns a table must have once the given versions are applied (see the rule at the top). */
export function requiredColumns(def, appliedVersions) {
  let columns = [...def.columns];
  for (const change of def.changes) {
    if (!appliedVersions.has(change.version)) continue;
    if (change.add && !columns.includes(change.add)) columns.push(change.add);
    if (change.drop) columns = columns.filter((c) => c !== change.drop);
    if (change.rename) columns = columns.map((c) => (c === change.rename.from ? change.rename.to : c));
  }
  return columns;
}

/** @returns {Promise<{version: string, sql: string}[]>} the *.sql files of dir, in name order */
export async function readMigrations(dir) {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  return Promise.all(files.map(async (f) => ({ version: f.replace(/\.sql$/, ''), sql: await readFile(`${dir.replace(/\/?$/, '/')}${f}`, 'utf8') })));
}

/**
 * The tables the migrations create: Map 'schema.table' → {columns: [...] of its create table statement
 * (the first one), version, changes: [{version, add|drop|rename}] of later alter table statements}.
 * Statements built at run time (execute format(…) in DO blocks) are not seen.
 */
export function parseMigrations(migrations) {
  const tables = new Map();
  for (const { version, sql } of migrations) {
    for (const statement of splitStatements(blankOut(sql))) {
      const created = parseCreateTable(statement);
      if (created) {
        if (!tables.has(created.table)) tables.set(created.table, { columns: created.columns, version, changes: [] });
        continue;
      }
      const altered = parseAlterTable(statement);
      if (altered && tables.has(altered.table)) {
        for (const change of altered.changes) tables.get(altered.table).changes.push({ version, ...change });
      }
    }
  }
  return tables;
}

const IDENT = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`;
const NAME = String.raw`(${IDENT})(?:\s*\.\s*(${IDENT}))?`;
// First words of table elements that are constraints or clauses, not columns.
const NOT_COLUMNS = new Set(['constraint', 'unique', 'primary', 'foreign', 'check', 'exclude', 'like']);

function identifier(raw) {
  return raw.startsWith('"') ? raw.slice(1, -1).replace(/""/g, '"') : raw.toLowerCase();
}

function qualified(first, second) {
  return second === undefined ? `public.${identifier(first)}` : `${identifier(first)}.${identifier(second)}`;
}

function parseCreateTable(statement) {
  const m = new RegExp(String.raw`^\s*create\s+(?:(?:global|local)\s+)?(?:(?:temporary|temp|unlogged)\s+)?table\s+(?:if\s+not\s+exists\s+)?${NAME}\s*\(`, 'i').exec(statement);
  if (!m) return null;
  const open = m.index + m[0].length - 1;
  const body = statement.slice(open + 1, matchingParen(statement, open));
  const columns = [];
  for (const element of splitTopLevel(body, ',')) {
    const first = new RegExp(`^\\s*(${IDENT})`).exec(element);
    if (!first) continue;
    if (!first[1].startsWith('"') && NOT_COLUMNS.has(first[1].toLowerCase())) continue;
    columns.push(identifier(first[1]));
  }
  return { table: qualified(m[1], m[2]), columns };
}

function parseAlterTable(statement) {
  const m = new RegExp(String.raw`^\s*alter\s+table\s+(?:if\s+exists\s+)?(?:only\s+)?${NAME}\s*\*?\s+`, 'i').exec(statement);
  if (!m) return null;
  const changes = [];
  for (const action of splitTopLevel(statement.slice(m[0].length), ',')) {
    let a;
    if ((a = new RegExp(`^\\s*add\\s+(?:column\\s+)?(?:if\\s+not\\s+exists\\s+)?(${IDENT})`, 'i').exec(action))) {
      const word = a[1];
      if (!/^\s*add\s+column\b/i.test(action) && !word.startsWith('"') && NOT_COLUMNS.has(word.toLowerCase())) continue;
      changes.push({ add: identifier(word) });
    } else if ((a = new RegExp(`^\\s*drop\\s+(?:column\\s+)?(?:if\\s+exists\\s+)?(${IDENT})`, 'i').exec(action))) {
      const word = a[1];
      if (!/^\s*drop\s+column\b/i.test(action) && !word.startsWith('"') && ['constraint', 'default', 'not', 'expression', 'identity'].includes(word.toLowerCase())) continue;
      changes.push({ drop: identifier(word) });
    } else if ((a = new RegExp(`^\\s*rename\\s+(?:column\\s+)?(${IDENT})\\s+to\\s+(${IDENT})`, 'i').exec(action))) {
      if (!a[1].startsWith('"') && a[1].toLowerCase() === 'constraint') continue;
      changes.push({ rename: { from: identifier(a[1]), to: identifier(a[2]) } });
    }
  }
  return { table: qualified(m[1], m[2]), changes };
}

/**
 * The SQL with its comments, the contents of its string literals and its dollar-quoted bodies replaced by
 * spaces, so that parentheses, commas and semicolons in them do not count. Quoted identifiers ("…") stay.
 */
function blankOut(sql) {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    const rest = sql.slice(i, i + 2);
    if (rest === '--') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      out += ' '.repeat(stop - i);
      i = stop;
    } else if (rest === '/*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end === -1 ? sql.length : end + 2;
      out += sql.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else if (c === "'") {
      let j = i + 1;
      while (j < sql.length && !(sql[j] === "'" && sql[j + 1] !== "'")) j += sql[j] === "'" ? 2 : 1;
      out += `'${' '.repeat(Math.max(0, j - i - 1))}'`;
      i = j + 1;
    } else if (c === '"') {
      let j = i + 1;
      while (j < sql.length && !(sql[j] === '"' && sql[j + 1] !== '"')) j += sql[j] === '"' ? 2 : 1;
      out += sql.slice(i, j + 1);
      i = j + 1;
    } else if (c === '$' && /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.test(sql.slice(i)) && !/[A-Za-z0-9_]/.test(sql[i - 1] ?? '')) {
      const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i))[0];
      const end = sql.indexOf(tag, i + tag.length);
      const stop = end === -1 ? sql.length : end + tag.length;
      out += sql.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

function splitStatements(sql) {
  return splitTopLevel(sql, ';');
}

/** Splits at separators outside parentheses (the text has no comments, strings or dollar bodies left). */
function splitTopLevel(text, separator) {
  const parts = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '(') depth += 1;
    else if (c === ')') depth -= 1;
    else if (c === separator && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.filter((p) => p.trim() !== '');
}

function matchingParen(text, open) {
  let depth = 0;
  for (let i = open; i < text.length; i += 1) {
    if (text[i] === '(') depth += 1;
    else if (text[i] === ')' && --depth === 0) return i;
  }
  return text.length;
}

/** Map 'schema.table' → Set of column names, for those of the tables that exist (any kind of relation). */
async function existingColumns(db, tables) {
  const schemas = [...new Set(tables.map((t) => t.slice(0, t.indexOf('.'))))];
  if (schemas.length === 0) return new Map();
  // The schema names come from our own migration files; quoted as literals all the same.
  const list = schemas.map((s) => `'${s.replace(/'/g, "''")}'`).join(', ');
  const rows = await db.query(`
    select n.nspname as schema_name, c.relname as table_name, a.attname as column_name
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      left join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
     where n.nspname in (${list}) and c.relkind in ('r', 'p', 'v', 'm', 'f')`);
  const wanted = new Set(tables);
  const result = new Map();
  for (const r of rows) {
    const table = `${r.schema_name}.${r.table_name}`;
    if (!wanted.has(table)) continue;
    if (!result.has(table)) result.set(table, new Set());
    if (r.column_name !== null) result.get(table).add(r.column_name);
  }
  return result;
}
