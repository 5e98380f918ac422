// Migrations refuse foreign tables (host/db/schema_guard.js): over a database where a table mphb-sync creates
// already exists with another shape — the tables the old ("muva-era") sync left in platforms' databases,
// ../shared/legacy/muva-era-schema.sql — applyMigrations, every CLI command and the edge builder stop before
// changing anything (no mphb_schema_migrations, no hotels schema, no rows), naming each such table, the
// columns of ours it lacks and docs/adopting.md; CLI exit code 2. Once the old tables are moved aside (SET
// SCHEMA legacy) the migrations apply; empty, migrated and partly migrated databases are not refused.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { jest } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';

import { openDatabase, wrapPglite } from '../../host/db/database.js';
import { applyMigrations } from '../../host/db/migrations.js';
import { SchemaConflictError, parseMigrations, readMigrations, requiredColumns } from '../../host/db/schema_guard.js';
import { createEdgeApp } from '../../host/http/edge_app.js';
import { closeTemplates, databaseKinds, describePostgres, openTestDatabase } from './support/test_databases.js';

jest.setTimeout(120000);

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = join(ROOT, 'host/cli/main.js');
const MIGRATIONS_DIR = join(ROOT, 'supabase/migrations');
// In CI the repository is cloned with shared/ beside it, as /work/shared is beside /work/main.
const LEGACY_SQL = readFileSync(resolve(ROOT, '../shared/legacy/muva-era-schema.sql'), 'utf8');
const VERSIONS = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).sort().map((f) => f.replace(/\.sql$/, ''));
const ADD_COLUMN_VERSION = '20261128000002_integration_private_network'; // adds integration_configs.allow_private_network
const KEY = Buffer.alloc(32, 9).toString('base64');
const SILENT = { info() {}, warn() {}, error() {} };

// The old sync's tables whose names mphb-sync uses, in migration order; the others stay in public.
const COLLIDING = ['public.tenant_registry', 'public.integration_configs', 'hotels.accommodation_units', 'public.guest_reservations', 'public.reservation_accommodations'];
const LEGACY_TABLES = [...COLLIDING, 'public.guest_conversations', 'public.chat_conversations', 'public.sync_history'];

const T = '11111111-1111-4111-8111-111111111111';
const U = '22222222-2222-4222-8222-222222222222';
const R = '33333333-3333-4333-8333-333333333333';
// Rows as the old sync and the platform left them (SIRE data, a chat pointing at the reservation).
const LEGACY_ROWS = `
  insert into public.tenant_registry (tenant_id, nit, nombre_comercial, slug, subdomain, features)
    values ('${T}', '900123456', 'Indo', 'indo', 'indo', '{"guest_chat_enabled": true}');
  insert into public.integration_configs (tenant_id, integration_type, config_data, is_active)
    values ('${T}', 'motopress', '{"site_url": "https://indo.example", "consumer_key": "ck_x", "consumer_secret": "cs_x"}', true);
  insert into hotels.accommodation_units (id, tenant_id, name, motopress_unit_id) values ('${U}', '${T}', 'Suite', 101);
  insert into public.guest_reservations (id, tenant_id, guest_name, check_in_date, check_out_date, accommodation_unit_id,
      external_booking_id, booking_source, document_type, document_number)
    values ('${R}', '${T}', 'Ana Pérez', '2026-01-10', '2026-01-12', '${U}', '2432', 'motopress', '3', 'AB123');
  insert into public.reservation_accommodations (reservation_id, accommodation_unit_id, motopress_accommodation_id, motopress_type_id, room_rate)
    values ('${R}', '${U}', 101, 100, 55);
  insert into public.guest_conversations (guest_id, tenant_id, title) values ('${R}', '${T}', 'Wifi');
  insert into public.chat_conversations (reservation_id, tenant_id) values ('${R}', '${T}');
  insert into public.sync_history (tenant_id, integration_type, sync_type, status) values ('${T}', 'motopress', 'reservations', 'success');
`;

const createdDatabases = [];

/** A fresh database of that kind with nothing applied (PostgreSQL: a new database on the test cluster). */
async function openRawDatabase(kind) {
  if (kind === 'pglite') return wrapPglite(await PGlite.create());
  const url = await createPostgresDatabase();
  const db = await openDatabase({ url, migrate: false });
  db.testUrl = url;
  return db;
}

async function createPostgresDatabase() {
  const { default: postgres } = await import('postgres');
  const admin = postgres(process.env.MPHB_TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  const name = `mphb_guard_${Math.random().toString(16).slice(2, 14)}`;
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  createdDatabases.push(name);
  const url = new URL(process.env.MPHB_TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function openLegacyDatabase(kind) {
  const db = await openRawDatabase(kind);
  await db.exec(LEGACY_SQL);
  await db.exec(LEGACY_ROWS);
  return db;
}

/** Everything applyMigrations could have changed: schemas, relations, columns, functions, triggers, rows. */
async function catalog(db) {
  const user = "not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_toast%'";
  return {
    schemas: await db.query(`select n.nspname from pg_catalog.pg_namespace n where n.nspname ${user} order by 1`),
    relations: await db.query(`select n.nspname, c.relname, c.relkind::text as relkind, c.relrowsecurity
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace where n.nspname ${user} order by 1, 2`),
    columns: await db.query(`select table_schema, table_name, column_name, data_type, is_nullable, column_default
      from information_schema.columns where table_schema not in ('pg_catalog', 'information_schema') order by 1, 2, ordinal_position`),
    functions: await db.query(`select n.nspname, p.proname from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
      where n.nspname ${user} order by 1, 2`),
    triggers: await db.query('select tgname, tgrelid::regclass::text as tbl from pg_catalog.pg_trigger where not tgisinternal order by 1, 2'),
    rows: Object.fromEntries(await Promise.all(LEGACY_TABLES.map(async (t) => [t, (await db.query(`select count(*)::int as n from ${t}`))[0].n]))),
  };
}

const exists = async (db, relation) => (await db.query(`select to_regclass('${relation}')::text as r`))[0].r !== null;

function cli(args, env) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, MPHB_ENCRYPTION_KEY: KEY, ...env } });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60000); // `serve` would otherwise run on
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
  });
}

afterAll(async () => {
  await closeTemplates();
  if (createdDatabases.length === 0) return;
  const { default: postgres } = await import('postgres');
  const admin = postgres(process.env.MPHB_TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  for (const name of createdDatabases) await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
  await admin.end();
});

describe('the columns mphb-sync needs come from the migration files', () => {
  test('create table blocks give their columns, never constraints; add column belongs to its migration', async () => {
    const tables = parseMigrations(await readMigrations(MIGRATIONS_DIR));
    for (const table of COLLIDING) expect(tables.has(table)).toBe(true);
    const reservations = tables.get('public.guest_reservations').columns;
    expect(reservations).toEqual(expect.arrayContaining(['id', 'tenant_id', 'external_booking_id', 'mphb_status', 'room_count', 'content_hash', 'guest_documents']));
    for (const def of tables.values()) {
      for (const word of ['unique', 'foreign', 'check', 'primary', 'constraint']) expect(def.columns).not.toContain(word);
    }
    const configs = tables.get('public.integration_configs');
    expect(configs.columns).not.toContain('allow_private_network');
    expect(configs.changes).toEqual([{ version: ADD_COLUMN_VERSION, add: 'allow_private_network' }]);
    expect(requiredColumns(configs, new Set())).not.toContain('allow_private_network');
    expect(requiredColumns(configs, new Set([ADD_COLUMN_VERSION]))).toContain('allow_private_network');
  });

  test('comments, string literals, dollar-quoted bodies, quoted names, drop and rename column', () => {
    const tables = parseMigrations([
      { version: 'v1', sql: `-- create table if not exists public.commented (nope text);
        create table if not exists Hotels.Things ( -- a comment, with (parens
          id uuid primary key,
          code text check (code ~ '^[a-z(,]+$' and code <> ';'),  /* block, comment ) */
          "Mixed Case" integer,
          old_name text,
          gone text,
          constraint things_code unique (code),
          primary key (id), foreign key (id) references x (id), unique (code), check (id is not null)
        );
        create table plain (a int);
        do $$ begin execute 'create table if not exists public.hidden (x int)'; end; $$;` },
      { version: 'v2', sql: `alter table hotels.things add column if not exists extra text, add constraint c check (true),
          drop column gone, rename column old_name to new_name;` },
    ]);
    expect([...tables.keys()]).toEqual(['hotels.things', 'public.plain']);
    const things = tables.get('hotels.things');
    expect(things.columns).toEqual(['id', 'code', 'Mixed Case', 'old_name', 'gone']);
    expect(requiredColumns(things, new Set())).toEqual(['id', 'code', 'Mixed Case', 'old_name', 'gone']);
    expect(requiredColumns(things, new Set(['v2']))).toEqual(['id', 'code', 'Mixed Case', 'new_name', 'extra']);
  });
});

describe.each(databaseKinds())('migrations on %s', (kind) => {
  test('parsed columns are exactly the columns of a migrated database', async () => {
    const db = await openTestDatabase(kind);
    try {
      const tables = parseMigrations(await readMigrations(MIGRATIONS_DIR));
      const applied = new Set(VERSIONS);
      for (const [table, def] of tables) {
        const [schema, name] = table.split('.');
        const actual = (await db.query('select column_name from information_schema.columns where table_schema = $1 and table_name = $2', [schema, name]))
          .map((r) => r.column_name);
        expect({ table, columns: requiredColumns(def, applied).sort() }).toEqual({ table, columns: actual.sort() });
      }
    } finally {
      await db.close();
    }
  });

  test('over the legacy schema applyMigrations refuses, naming each table and its missing columns, and changes nothing', async () => {
    const db = await openLegacyDatabase(kind);
    try {
      const before = await catalog(db);
      const error = await applyMigrations(db).then(() => null, (e) => e);
      expect(error).toBeInstanceOf(SchemaConflictError);
      expect(error.code).toBe('foreign_schema');
      expect(error.tables.map((t) => t.table)).toEqual(COLLIDING);
      const missing = Object.fromEntries(error.tables.map((t) => [t.table, t.missing]));
      expect(missing['public.tenant_registry']).toEqual(['name']); // slug and tenant_id exist in the old table
      expect(missing['public.integration_configs']).toEqual(['site_url', 'consumer_key_encrypted', 'consumer_secret_encrypted', 'allow_insecure_http']);
      expect(missing['hotels.accommodation_units']).toEqual(expect.arrayContaining(['mphb_accommodation_id', 'mphb_type_id', 'content_hash']));
      expect(missing['public.guest_reservations']).toEqual(expect.arrayContaining(['mphb_status', 'room_count', 'content_hash', 'guest_documents']));
      expect(missing['public.guest_reservations']).not.toContain('external_booking_id');
      expect(missing['public.reservation_accommodations']).toEqual(expect.arrayContaining(['tenant_id', 'position', 'rate_id']));
      for (const t of COLLIDING) expect(error.message).toContain(t);
      expect(error.message).toContain('room_count');
      expect(error.message).toContain('docs/adopting.md');
      expect(error.message).toContain('SET SCHEMA legacy');

      expect(await catalog(db)).toEqual(before);
      expect(await exists(db, 'public.mphb_schema_migrations')).toBe(false);
      expect(await exists(db, 'public.sync_runs')).toBe(false);
    } finally {
      await db.close();
    }
  });

  test('a hotels schema alone (no foreign table) is not refused', async () => {
    const db = await openRawDatabase(kind);
    try {
      await db.exec('create schema hotels; create table public.unrelated (id int)');
      expect(await applyMigrations(db)).toEqual(VERSIONS);
    } finally {
      await db.close();
    }
  });

  test('the CLI exits 2 naming the table, a missing column and docs/adopting.md, and changes nothing', async () => {
    let env;
    let reopen;
    let rawDb;
    if (kind === 'pglite') {
      const dataDir = mkdtempSync(join(tmpdir(), 'mphb-guard-'));
      const pg = await PGlite.create(join(dataDir, 'pglite'));
      await pg.exec(LEGACY_SQL);
      await pg.exec(LEGACY_ROWS);
      await pg.close();
      env = { DATABASE_URL: '', MPHB_DATA_DIR: dataDir };
      reopen = async () => wrapPglite(await PGlite.create(join(dataDir, 'pglite')));
    } else {
      rawDb = await openLegacyDatabase(kind);
      env = { DATABASE_URL: rawDb.testUrl };
      reopen = async () => rawDb;
    }
    try {
      for (const args of [['tenant', 'list'], ['serve', '--port', '0']]) {
        const r = await cli(args, env);
        expect({ args, code: r.code }).toEqual({ args, code: 2 });
        expect(r.stderr).toMatch(/^mphb-sync: /);
        expect(r.stderr).toContain('public.guest_reservations');
        expect(r.stderr).toContain('mphb_status');
        expect(r.stderr).toContain('docs/adopting.md');
      }
      const db = await reopen();
      try {
        expect(await exists(db, 'public.mphb_schema_migrations')).toBe(false);
        expect((await db.query('select count(*)::int as n from public.guest_reservations'))[0].n).toBe(1);
      } finally {
        if (db !== rawDb) await db.close();
      }
    } finally {
      await rawDb?.close();
    }
  });

  test('with the old tables moved aside (SET SCHEMA legacy) the migrations apply, and again apply nothing', async () => {
    const db = await openLegacyDatabase(kind);
    try {
      await db.exec(`create schema legacy;
        ${COLLIDING.map((t) => `alter table ${t} set schema legacy;`).join('\n')}`);
      expect(await applyMigrations(db)).toEqual(VERSIONS);
      expect(await applyMigrations(db)).toEqual([]);
      expect((await db.query('select count(*)::int as n from legacy.guest_reservations'))[0].n).toBe(1);
      expect((await db.query('select count(*)::int as n from public.guest_reservations'))[0].n).toBe(0);
      // The platform's chats follow the old reservations: nothing is orphaned.
      const [fk] = await db.query(`select confrelid::regclass::text as target from pg_catalog.pg_constraint
        where conrelid = 'public.guest_conversations'::regclass and contype = 'f'`);
      expect(fk.target).toBe('legacy.guest_reservations');
    } finally {
      await db.close();
    }
  });

  test('an empty database migrates, and a second apply is a no-op', async () => {
    const db = await openRawDatabase(kind);
    try {
      expect(await applyMigrations(db)).toEqual(VERSIONS);
      expect(await applyMigrations(db)).toEqual([]);
    } finally {
      await db.close();
    }
  });

  test('a migrated database, and one migrated before a later migration, migrate without complaint', async () => {
    const db = await openTestDatabase(kind);
    try {
      expect(await applyMigrations(db)).toEqual([]);
      // Migrated before the add-column migration: its column is not required yet, and it is added.
      await db.exec(`alter table public.integration_configs drop column allow_private_network;
        delete from public.mphb_schema_migrations where version = '${ADD_COLUMN_VERSION}'`);
      expect(await applyMigrations(db)).toEqual([ADD_COLUMN_VERSION]);
      expect(await exists(db, 'public.integration_configs')).toBe(true);
      expect(await db.query(`select column_name from information_schema.columns
        where table_schema = 'public' and table_name = 'integration_configs' and column_name = 'allow_private_network'`)).toHaveLength(1);
      // Migrated before the latest migration file.
      const latest = VERSIONS.at(-1);
      await db.query('delete from public.mphb_schema_migrations where version = $1', [latest]);
      expect(await applyMigrations(db)).toEqual([latest]);
      expect(await applyMigrations(db)).toEqual([]);
    } finally {
      await db.close();
    }
  });

  test('a column an applied migration added is required: without it the table is foreign', async () => {
    const db = await openTestDatabase(kind);
    try {
      await db.exec('alter table public.integration_configs drop column allow_private_network');
      const error = await applyMigrations(db).then(() => null, (e) => e);
      expect(error).toBeInstanceOf(SchemaConflictError);
      expect(error.tables).toEqual([{ table: 'public.integration_configs', missing: ['allow_private_network'] }]);
    } finally {
      await db.close();
    }
  });
});

describePostgres('the edge builder on postgres', () => {
  test('answers 500 foreign_schema naming the tables (migrate: true), and changes nothing', async () => {
    const db = await openLegacyDatabase('postgres');
    const app = createEdgeApp({ env: { DATABASE_URL: db.testUrl, MPHB_ENCRYPTION_KEY: KEY }, migrate: true, log: SILENT });
    try {
      const response = await app.fetch(new Request('https://mphb-sync.example/api/integrations/motopress/health'));
      expect(response.status).toBe(500);
      const body = await response.json();
      expect(body.code).toBe('foreign_schema');
      expect(body.message).toContain('public.guest_reservations');
      expect(body.message).toContain('docs/adopting.md');
      expect(await exists(db, 'public.mphb_schema_migrations')).toBe(false);
    } finally {
      await app.close();
      await db.close();
    }
  });
});
