-- Guest access (SPEC §1, §4): failed guest logins counted per tenant and client address, and per tenant
-- and check-in date, in the database because edge instances share nothing else. Keyed by text, not by
-- foreign key: attempts against an unknown tenant are counted the same way (a wrong pair and an unknown
-- tenant must look alike). Addresses and dates are stored only as HMACs under a server secret.
create table if not exists public.guest_login_failures (
  tenant_key text not null,
  subject_hash text not null,
  window_started_at timestamptz not null,
  failures integer not null check (failures > 0),
  primary key (tenant_key, subject_hash)
);
create index if not exists guest_login_failures_window on public.guest_login_failures (window_started_at);

-- Logins look reservations up by check-in date.
create index if not exists guest_reservations_check_in on public.guest_reservations (tenant_id, check_in_date);

alter table public.guest_login_failures enable row level security;
do $$
declare
  r text;
begin
  foreach r in array array['anon', 'authenticated'] loop
    if exists (select 1 from pg_roles where rolname = r) then
      execute format('revoke all on public.guest_login_failures from %I', r);
    end if;
  end loop;
end;
$$;
