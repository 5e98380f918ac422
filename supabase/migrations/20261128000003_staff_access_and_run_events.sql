-- Staff access (SPEC §5): bearer tokens scoped to one tenant and a role, stored as SHA-256 hashes only;
-- single-use short-lived tickets for EventSource URLs; and the events of each run, kept so a client
-- reconnecting with Last-Event-ID gets what it missed (across instances, e.g. edge functions).
create table if not exists public.staff_tokens (
  id uuid primary key,
  tenant_id uuid not null references public.tenant_registry (tenant_id) on delete cascade,
  role text not null check (role in ('admin', 'staff')),
  token_hash text not null unique,
  label text,
  created_at timestamptz not null default now(),
  expires_at timestamptz,
  revoked_at timestamptz
);

create table if not exists public.stream_tickets (
  ticket_hash text primary key,
  tenant_id uuid not null references public.tenant_registry (tenant_id) on delete cascade,
  role text not null,
  expires_at timestamptz not null,
  used_at timestamptz
);

create table if not exists public.sync_run_events (
  run_id uuid not null references public.sync_runs (id) on delete cascade,
  seq integer not null check (seq > 0),
  event jsonb not null,
  created_at timestamptz not null default now(),
  primary key (run_id, seq)
);
