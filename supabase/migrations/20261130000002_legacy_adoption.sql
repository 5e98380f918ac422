-- Adoption of a database the old sync wrote (docs/adopting.md): where every legacy reservation row went —
-- the reservation or calendar block it became, or why it became none — so the platform can re-point its
-- own tables (guest conversations, chat conversations) and no legacy row is lost without a trace.
create table if not exists public.legacy_reservation_map (
  tenant_id uuid not null references public.tenant_registry (tenant_id) on delete cascade,
  legacy_id uuid not null,
  booking_id bigint,
  reservation_id uuid,
  calendar_block_id uuid,
  outcome text not null check (outcome in ('adopted', 'merged', 'calendar_block', 'gone')),
  defects jsonb not null default '[]'::jsonb,
  adopted_at timestamptz not null default now(),
  primary key (tenant_id, legacy_id),
  check ((outcome in ('adopted', 'merged')) = (reservation_id is not null)),
  check ((outcome = 'calendar_block') = (calendar_block_id is not null))
);
create index if not exists legacy_reservation_map_legacy on public.legacy_reservation_map (legacy_id);

alter table public.legacy_reservation_map enable row level security;
do $$
declare
  r text;
begin
  foreach r in array array['anon', 'authenticated'] loop
    if exists (select 1 from pg_roles where rolname = r) then
      execute format('revoke all on public.legacy_reservation_map from %I', r);
    end if;
  end loop;
end;
$$;
