-- Incremental re-sync (issue 11, SPEC §6 B2): per tenant, where the next bookings pass starts and whether
-- the site's filters work for the tenant's key. Written only after a complete pass, so a crash or an
-- incomplete pass leaves the previous cursor (the next run covers the gap again).
create table if not exists public.sync_cursors (
  tenant_id uuid primary key references public.tenant_registry (tenant_id) on delete cascade,
  -- post_modified_gmt ("YYYY-MM-DD HH:MM:SS") of the start of the last complete pass; null: no complete pass yet
  modified_after text,
  incremental_runs integer not null default 0 check (incremental_runs >= 0),
  filters text not null default 'unknown' check (filters in ('unknown', 'working', 'refused', 'ignored')),
  -- pages of the last full pass: the next full pass requests that many pages at once (no page alone first)
  last_total_pages integer,
  updated_at timestamptz not null default now()
);

-- Per-stage timings, request counts and bytes of a run (shown by `mphb-sync runs`).
alter table public.sync_runs add column if not exists stats jsonb not null default '{}'::jsonb;

alter table public.sync_cursors enable row level security;
do $$
declare
  r text;
begin
  foreach r in array array['anon', 'authenticated'] loop
    if exists (select 1 from pg_roles where rolname = r) then
      execute format('revoke all on public.sync_cursors from %I', r);
    end if;
  end loop;
end;
$$;
