// On Supabase the anon and authenticated roles reach public tables through the REST API. The schema
// enables row level security and revokes their grants, so they can read or write nothing of ours.
// Checked on a real PostgreSQL 15 with those roles created as Supabase has them.
import { jest } from '@jest/globals';

import { applyMigrations } from '../../host/db/migrations.js';
import { describePostgres, openTestDatabase } from './support/test_databases.js';

jest.setTimeout(60000);

describePostgres('row level security for Supabase roles', () => {
  let db;
  beforeAll(async () => {
    db = await openTestDatabase('postgres');
    // Supabase's roles, and its default: they get every privilege on new public tables.
    await db.exec(`do $$ begin
        if not exists (select 1 from pg_roles where rolname = 'anon') then create role anon nologin; end if;
        if not exists (select 1 from pg_roles where rolname = 'authenticated') then create role authenticated nologin; end if;
      end $$;
      grant usage on schema public, hotels to anon, authenticated;
      grant all on all tables in schema public, hotels to anon, authenticated;`);
    // Migrations already ran when the database opened; replay the RLS one as it would run after the grants.
    await db.query("delete from public.mphb_schema_migrations where version like '%row_level_security' or version like '%guest_access'");
    await applyMigrations(db);
    await db.query("insert into public.tenant_registry (tenant_id, slug, name) values ('11111111-1111-4111-8111-111111111111', 'a', 'A')");
  });
  afterAll(() => db?.close());

  test.each(['anon', 'authenticated'])('%s can neither read tenants nor mint a staff token', async (role) => {
    const attempt = (sql) => db.transaction(async (tx) => {
      await tx.query(`set local role ${role}`);
      return tx.query(sql);
    });
    await expect(attempt('select * from public.tenant_registry')).rejects.toThrow(/permission denied/);
    await expect(attempt(`insert into public.staff_tokens (id, tenant_id, role, token_hash)
      values ('22222222-2222-4222-8222-222222222222', '11111111-1111-4111-8111-111111111111', 'admin', 'x')`)).rejects.toThrow(/permission denied/);
    await expect(attempt('select * from public.guest_reservations')).rejects.toThrow(/permission denied/);
    await expect(attempt('select * from public.guest_login_failures')).rejects.toThrow(/permission denied/);
  });

  test('every table of ours has row level security enabled', async () => {
    const rows = await db.query(`select n.nspname || '.' || c.relname as t from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'r' and n.nspname in ('public', 'hotels') and not c.relrowsecurity`);
    expect(rows.map((r) => r.t)).toEqual([]);
  });

  test('the owner connection (mphb-sync itself) still reads and writes', async () => {
    const rows = await db.query('select slug from public.tenant_registry');
    expect(rows).toEqual([{ slug: 'a' }]);
  });
});
