-- On Supabase every table in public is exposed through its REST API to the `anon` and `authenticated`
-- roles. mphb-sync's tables are reached only through its own connection (the table owner, which row
-- level security does not restrict): enable RLS with no policies and revoke those roles' grants, so
-- nothing — guests' data, credential ciphertexts, staff token hashes, locks — is reachable that way.
do $$
declare
  t text;
  tables text[] := array[
    'public.tenant_registry', 'public.integration_configs', 'hotels.accommodation_types', 'hotels.accommodation_units',
    'public.guest_reservations', 'public.reservation_accommodations', 'public.calendar_blocks', 'public.sync_runs',
    'public.sync_locks', 'public.staff_tokens', 'public.stream_tickets', 'public.sync_run_events',
    'public.mphb_schema_migrations'];
  r text;
begin
  foreach t in array tables loop
    execute format('alter table %s enable row level security', t);
    foreach r in array array['anon', 'authenticated'] loop
      if exists (select 1 from pg_roles where rolname = r) then
        execute format('revoke all on %s from %I', t, r);
      end if;
    end loop;
  end loop;
end;
$$;

-- Existing callers of get_accommodation_unit_by_motopress_id keep working: it reads as its owner.
alter function public.get_accommodation_unit_by_motopress_id(uuid, int) security definer;
alter function public.get_accommodation_unit_by_motopress_id(uuid, int) set search_path = pg_catalog, public;
