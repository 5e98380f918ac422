-- mphb-sync schema (SPEC §2). Replayable on Supabase, PostgreSQL 15+ and PGlite. Every invariant the
-- database can hold itself, it holds: unique keys (I4), NOT NULL, composite foreign keys on
-- (tenant_id, id) so no row can reference another tenant's row (I3), and deferred constraint triggers
-- for a reservation's rooms (I1, I2), checked at commit so a reservation and its junction rows are only
-- ever visible together (I7).

create schema if not exists hotels;

create table if not exists public.tenant_registry (
  tenant_id uuid primary key,
  slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name text not null check (length(name) > 0),
  created_at timestamptz not null default now()
);

create table if not exists public.integration_configs (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenant_registry (tenant_id) on delete cascade,
  integration_type text not null check (integration_type = 'motopress'),
  site_url text not null,
  -- AES-256-GCM ciphertexts ("v1:<iv>:<ciphertext>", base64); the key never reaches the database.
  consumer_key_encrypted text not null,
  consumer_secret_encrypted text not null,
  allow_insecure_http boolean not null default false,
  is_active boolean not null default true,
  last_sync_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, integration_type)
);

create table if not exists hotels.accommodation_types (
  id uuid primary key,
  tenant_id uuid not null references public.tenant_registry (tenant_id) on delete cascade,
  mphb_type_id bigint not null check (mphb_type_id > 0),
  name text,
  status text,
  excerpt text,
  description text,
  adults integer not null default 0,
  children integer not null default 0,
  total_capacity integer not null default 0,
  base_adults integer not null default 0,
  base_children integer not null default 0,
  bed_type text,
  size numeric,
  view text,
  is_active boolean not null default true,
  is_placeholder boolean not null default false,
  placeholder_since timestamptz,
  upstream_gone_at timestamptz,
  content_hash text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, mphb_type_id),
  unique (tenant_id, id)
);

create table if not exists hotels.accommodation_units (
  id uuid primary key,
  tenant_id uuid not null references public.tenant_registry (tenant_id) on delete cascade,
  mphb_accommodation_id bigint not null check (mphb_accommodation_id > 0),
  mphb_type_id bigint not null,
  accommodation_type_id uuid not null,
  name text not null,
  status text,
  excerpt text,
  is_active boolean not null default true,
  is_placeholder boolean not null default false,
  placeholder_since timestamptz,
  upstream_gone_at timestamptz,
  content_hash text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, mphb_accommodation_id),
  unique (tenant_id, id),
  foreign key (tenant_id, accommodation_type_id) references hotels.accommodation_types (tenant_id, id),
  foreign key (tenant_id, mphb_type_id) references hotels.accommodation_types (tenant_id, mphb_type_id)
);

create table if not exists public.guest_reservations (
  id uuid primary key,
  tenant_id uuid not null references public.tenant_registry (tenant_id) on delete cascade,
  external_booking_id bigint not null check (external_booking_id > 0),
  status text not null check (status in ('active', 'pending_admin', 'pending', 'pending_payment', 'cancelled', 'inactive')),
  mphb_status text not null,
  check_in_date date not null,
  check_out_date date not null,
  check_in_time time,
  check_out_time time,
  guest_name text,
  guest_first_name text,
  guest_last_name text,
  guest_email text,
  guest_phone text,
  guest_country text,
  phone_last_4 text check (phone_last_4 ~ '^[0-9]{4}$'),
  adults integer not null default 0,
  children integer not null default 0,
  room_count integer not null check (room_count >= 0),
  total_price numeric,
  currency text,
  booking_source text not null check (booking_source in ('direct', 'ical')),
  channel text,
  reservation_code text,
  accommodation_unit_id uuid,
  mphb_accommodation_id bigint,
  mphb_type_id bigint,
  booked_at timestamptz,
  upstream_gone_at timestamptz,
  content_hash text not null,
  -- Owned by the platform, never written by the sync (preserved on update):
  guest_documents jsonb not null default '[]'::jsonb,
  staff_notes text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, external_booking_id),
  unique (tenant_id, id),
  check (check_out_date >= check_in_date),
  -- I1: a booking that names an accommodation has its unit.
  check (room_count = 0 or accommodation_unit_id is not null),
  foreign key (tenant_id, accommodation_unit_id) references hotels.accommodation_units (tenant_id, id)
);

create table if not exists public.reservation_accommodations (
  id uuid primary key,
  tenant_id uuid not null,
  reservation_id uuid not null,
  external_booking_id bigint not null,
  position integer not null check (position >= 0),
  accommodation_unit_id uuid not null,
  mphb_accommodation_id bigint not null,
  mphb_type_id bigint,
  adults integer not null default 0,
  children integer not null default 0,
  guest_name text,
  rate_id bigint,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (reservation_id, position),
  foreign key (tenant_id, reservation_id) references public.guest_reservations (tenant_id, id) on delete cascade,
  foreign key (tenant_id, accommodation_unit_id) references hotels.accommodation_units (tenant_id, id)
);
create index if not exists reservation_accommodations_unit on public.reservation_accommodations (tenant_id, accommodation_unit_id);

-- I6: imported calendar blocks live apart from guests and have no login data at all.
create table if not exists public.calendar_blocks (
  id uuid primary key,
  tenant_id uuid not null references public.tenant_registry (tenant_id) on delete cascade,
  external_booking_id bigint not null,
  position integer not null check (position >= 0),
  accommodation_unit_id uuid not null,
  mphb_accommodation_id bigint not null,
  mphb_type_id bigint,
  start_date date not null,
  end_date date not null,
  summary text,
  channel text,
  status text not null,
  mphb_status text not null,
  upstream_gone_at timestamptz,
  content_hash text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, external_booking_id, position),
  foreign key (tenant_id, accommodation_unit_id) references hotels.accommodation_units (tenant_id, id)
);

create table if not exists public.sync_runs (
  id uuid primary key,
  tenant_id uuid not null references public.tenant_registry (tenant_id) on delete cascade,
  kind text not null check (kind in ('sync', 'sync-all', 'repair')),
  status text not null check (status in ('running', 'succeeded', 'failed', 'interrupted')),
  started_at timestamptz not null,
  finished_at timestamptz,
  counts jsonb not null default '{}'::jsonb,
  warnings jsonb not null default '[]'::jsonb,
  error_code text,
  error_message text
);
create index if not exists sync_runs_tenant_started on public.sync_runs (tenant_id, started_at desc);

-- The tenant lock: a lease row, so it works behind transaction-mode poolers (no session state).
create table if not exists public.sync_locks (
  tenant_id uuid primary key references public.tenant_registry (tenant_id) on delete cascade,
  run_id uuid not null,
  acquired_at timestamptz not null,
  expires_at timestamptz not null
);

-- I1 + I2, checked at commit: a reservation has exactly room_count junction rows at positions
-- 0..room_count-1, and its accommodation_unit_id is the unit of position 0.
create or replace function public.mphb_check_reservation_rooms() returns trigger
language plpgsql as $$
declare
  rid uuid;
  r public.guest_reservations%rowtype;
  n integer;
  max_position integer;
  first_unit uuid;
begin
  if tg_table_name = 'guest_reservations' then
    rid := new.id;
  elsif tg_op = 'DELETE' then
    rid := old.reservation_id;
  else
    rid := new.reservation_id;
  end if;
  select * into r from public.guest_reservations where id = rid;
  if not found then
    return null;
  end if;
  select count(*), max(position), (array_agg(accommodation_unit_id order by position))[1]
    into n, max_position, first_unit
    from public.reservation_accommodations where reservation_id = rid;
  if n <> r.room_count or coalesce(max_position, -1) <> r.room_count - 1 then
    raise exception 'I2 junction-complete: reservation % (booking %) has % junction rows, its booking has % rooms',
      rid, r.external_booking_id, n, r.room_count using errcode = '23514';
  end if;
  if r.room_count > 0 and r.accommodation_unit_id is distinct from first_unit then
    raise exception 'I1 no-null-unit: reservation % (booking %) unit % is not the unit % of its first room',
      rid, r.external_booking_id, r.accommodation_unit_id, first_unit using errcode = '23514';
  end if;
  return null;
end;
$$;

drop trigger if exists guest_reservations_rooms on public.guest_reservations;
create constraint trigger guest_reservations_rooms
  after insert or update on public.guest_reservations
  deferrable initially deferred
  for each row execute function public.mphb_check_reservation_rooms();

drop trigger if exists reservation_accommodations_rooms on public.reservation_accommodations;
create constraint trigger reservation_accommodations_rooms
  after insert or update or delete on public.reservation_accommodations
  deferrable initially deferred
  for each row execute function public.mphb_check_reservation_rooms();

-- Kept for existing callers (SPEC §2).
create or replace function public.get_accommodation_unit_by_motopress_id(p_tenant_id uuid, p_mphb_accommodation_id int)
returns setof hotels.accommodation_units
language sql stable as $$
  select * from hotels.accommodation_units
   where tenant_id = p_tenant_id and mphb_accommodation_id = p_mphb_accommodation_id;
$$;
