-- Fleet sync (docs/fleet.md): per-tenant schedules, per-host politeness shared by every worker, platform
-- tokens, and the one function that turns due schedules into jobs on the pg-boss queue `sync_all`. The
-- queue's own tables (schema pgboss) are created by pg-boss's own migrations when a worker starts;
-- until then the enqueue function does nothing, so this file applies to any database.

-- Whether the database knows time zone `tz`: a schedule with an unknown zone is refused when stored, so
-- one bad row can never stop the scheduler step for every tenant.
create or replace function public.fleet_valid_time_zone(tz text) returns boolean
language plpgsql immutable as $$
begin
  perform now() at time zone tz;
  return true;
exception when others then
  return false;
end;
$$;

-- A tenant's schedule. Every tenant with a MotoPress integration has one (default: every 15 minutes,
-- enabled); next_due_at keeps a per-tenant phase so tenants with the same interval do not start together.
-- The quiet window [quiet_start, quiet_end) is local time in quiet_tz; it may wrap midnight.
create table if not exists public.fleet_schedules (
  tenant_id uuid primary key references public.tenant_registry (tenant_id) on delete cascade,
  interval_seconds integer not null default 900 check (interval_seconds between 5 and 604800),
  enabled boolean not null default true,
  quiet_start time,
  quiet_end time,
  quiet_tz text not null default 'UTC' check (public.fleet_valid_time_zone(quiet_tz)),
  next_due_at timestamptz not null,
  updated_at timestamptz not null default now(),
  check ((quiet_start is null) = (quiet_end is null)),
  check (quiet_start is null or quiet_start <> quiet_end)
);
create index if not exists fleet_schedules_due on public.fleet_schedules (next_due_at) where enabled;

-- A host's sync slots: a running sync holds one (a lease, renewed while it runs), so at most `slots`
-- syncs of one MotoPress host run at once across all workers (several tenants of one WordPress network).
create table if not exists public.fleet_host_slots (
  host text not null,
  slot integer not null check (slot >= 0),
  holder text not null,
  expires_at timestamptz not null,
  primary key (host, slot)
);

-- A host that answered 429 or 503: no worker starts a sync of it before `until`.
create table if not exists public.fleet_host_backoff (
  host text primary key,
  until timestamptz not null,
  reason text not null,
  updated_at timestamptz not null default now()
);

-- Platform-wide credentials (fleet status): like staff tokens, but for no single tenant.
create table if not exists public.platform_tokens (
  id uuid primary key,
  role text not null check (role in ('platform_admin')),
  token_hash text not null unique,
  label text,
  created_at timestamptz not null default now(),
  expires_at timestamptz,
  revoked_at timestamptz
);

do $$
declare
  t text;
  r text;
begin
  foreach t in array array['public.fleet_schedules', 'public.fleet_host_slots', 'public.fleet_host_backoff', 'public.platform_tokens'] loop
    execute format('alter table %s enable row level security', t);
    foreach r in array array['anon', 'authenticated'] loop
      if exists (select 1 from pg_roles where rolname = r) then
        execute format('revoke all on %s from %I', t, r);
      end if;
    end loop;
  end loop;
end;
$$;

-- The host a site URL is served from, as politeness counts it: lower-case host[:port], default ports dropped.
create or replace function public.fleet_host_of(site_url text) returns text
language sql immutable as $$
  select regexp_replace(
    lower(substring(site_url from '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?([^/?#]+)')),
    case when lower(site_url) like 'https:%' then ':443$' else ':80$' end, '')
$$;

-- A tenant's slots are phase + n × interval (seconds since 1970), the phase taken from the tenant id: a
-- thousand tenants with one interval spread evenly over it, each keeps its place whatever happens (a
-- deferral, a pause, a missed slot), and the same tenant always gets the same phase.
create or replace function public.fleet_next_slot(p_tenant_id uuid, p_interval_seconds integer, p_after timestamptz) returns timestamptz
language sql stable as $$
  select to_timestamp((phase + (floor((extract(epoch from p_after) - phase) / p_interval_seconds) + 1) * p_interval_seconds)::double precision)
    from (select mod(abs(hashtext(p_tenant_id::text)::bigint), p_interval_seconds::bigint * 1000) / 1000.0 as phase) p
$$;

-- The first due time of a new schedule: its next slot.
create or replace function public.fleet_first_due(p_tenant_id uuid, p_interval_seconds integer) returns timestamptz
language sql stable as $$
  select public.fleet_next_slot(p_tenant_id, p_interval_seconds, now())
$$;

-- Whether `at` falls in the quiet window [q_start, q_end) of time zone tz (a window may wrap midnight).
create or replace function public.fleet_in_quiet_window(q_start time, q_end time, tz text, at timestamptz) returns boolean
language sql stable as $$
  select case
    when q_start is null then false
    when q_start < q_end then (at at time zone tz)::time >= q_start and (at at time zone tz)::time < q_end
    else (at at time zone tz)::time >= q_start or (at at time zone tz)::time < q_end
  end
$$;

-- When a tenant due inside its quiet window is due again: when the window ends, plus a spread of up to
-- one interval (at most 15 minutes) on the tenant's phase, so the tenants of one window do not all start
-- at its end. (Skipping to its next slot instead would starve a daily tenant whose slot is in the window.)
create or replace function public.fleet_after_quiet(p_tenant_id uuid, p_interval_seconds integer, q_end time, tz text, at timestamptz)
returns timestamptz language sql stable as $$
  select public.fleet_next_slot(p_tenant_id, least(p_interval_seconds, 900),
           case when today_end > at then today_end
                else (((at at time zone tz)::date + 1) + q_end) at time zone tz end)
    from (select (((at at time zone tz)::date) + q_end) at time zone tz as today_end) x
$$;

-- Every tenant with a MotoPress integration is scheduled (defaults) unless it already has a schedule.
insert into public.fleet_schedules (tenant_id, next_due_at)
  select c.tenant_id, public.fleet_first_due(c.tenant_id, 900) from public.integration_configs c
   where c.integration_type = 'motopress'
  on conflict (tenant_id) do nothing;

create or replace function public.fleet_schedule_new_integration() returns trigger
language plpgsql as $$
begin
  if new.integration_type = 'motopress' then
    insert into public.fleet_schedules (tenant_id, next_due_at)
      values (new.tenant_id, public.fleet_first_due(new.tenant_id, 900))
      on conflict (tenant_id) do nothing;
  end if;
  return new;
end;
$$;
drop trigger if exists fleet_schedule_new_integration on public.integration_configs;
create trigger fleet_schedule_new_integration after insert on public.integration_configs
  for each row execute function public.fleet_schedule_new_integration();

-- Enqueues one job of queue `p_job` — sync_all (what schedules enqueue) or repair (on request) — for
-- `p_tenant_id` (queued-or-running jobs of the tenant in that queue make it a no-op: the queue's `exclusive`
-- policy). Job data: {tenant_id, host, due_at}; the job's group is the host, so workers fetch at most
-- `slots` jobs of one host at once. Returns whether a job was added; false too for a tenant without an
-- active MotoPress integration, and when no worker has ever started (no pgboss schema or no such queue yet).
create or replace function public.fleet_enqueue(p_tenant_id uuid, p_due_at timestamptz default now(), p_job text default 'sync_all')
returns boolean language plpgsql as $$
declare
  added integer;
begin
  if p_job not in ('sync_all', 'repair') then
    raise exception 'fleet_enqueue: p_job must be sync_all or repair, not %', p_job using errcode = '22023';
  end if;
  if to_regclass('pgboss.job') is null or to_regclass('pgboss.queue') is null then
    return false;
  end if;
  execute $q$
    insert into pgboss.job (name, data, singleton_key, group_id, policy, retry_limit, retry_delay, retry_backoff,
                            retry_delay_max, expire_seconds, deletion_seconds, keep_until, heartbeat_seconds, dead_letter)
    select q.name, jsonb_build_object('tenant_id', c.tenant_id, 'host', public.fleet_host_of(c.site_url), 'due_at', $2),
           c.tenant_id::text, public.fleet_host_of(c.site_url), q.policy, q.retry_limit, q.retry_delay, q.retry_backoff,
           q.retry_delay_max, q.expire_seconds, q.deletion_seconds, now() + make_interval(secs => q.retention_seconds),
           q.heartbeat_seconds, q.dead_letter
      from public.integration_configs c cross join pgboss.queue q
     where c.tenant_id = $1 and c.integration_type = 'motopress' and c.is_active and q.name = $3
    on conflict do nothing$q$ using p_tenant_id, p_due_at, p_job;
  get diagnostics added = row_count;
  return added > 0;
end;
$$;

-- The scheduler step, safe to run from any number of places at once (pg_cron, every worker, serve
-- --schedule): takes the enabled schedules that are due and enqueues each, moving it to its next slot on
-- its own phase (missed slots are skipped, never piled up); one due inside its quiet window is not
-- enqueued but moved to the window's end (fleet_after_quiet). Returns the number of jobs added. Does
-- nothing, and moves nothing, before the first worker created the queue.
create or replace function public.fleet_enqueue_due() returns integer
language plpgsql as $$
declare
  s record;
  added integer := 0;
begin
  if to_regclass('pgboss.queue') is null then
    return 0;
  end if;
  if not exists (select 1 from pgboss.queue where name = 'sync_all') then
    return 0;
  end if;
  for s in
    update public.fleet_schedules f
       set next_due_at = case
             when public.fleet_in_quiet_window(f.quiet_start, f.quiet_end, f.quiet_tz, now())
               then public.fleet_after_quiet(f.tenant_id, f.interval_seconds, f.quiet_end, f.quiet_tz, now())
             else public.fleet_next_slot(f.tenant_id, f.interval_seconds, now()) end
      from public.fleet_schedules old
     where old.tenant_id = f.tenant_id and f.enabled and f.next_due_at <= now()
    returning f.tenant_id, old.next_due_at as due_at,
              public.fleet_in_quiet_window(f.quiet_start, f.quiet_end, f.quiet_tz, now()) as quiet
  loop
    if not s.quiet and public.fleet_enqueue(s.tenant_id, s.due_at) then
      added := added + 1;
    end if;
  end loop;
  return added;
end;
$$;

-- pg_cron (Supabase, or PostgreSQL with the extension): every minute, enqueue due tenants. Only enqueues;
-- the sync itself runs in workers. Returns false where pg_cron is not installed (PGlite, plain PostgreSQL);
-- on Supabase, enable pg_cron first, or call this again once it is enabled. Re-running it updates the job.
create or replace function public.fleet_install_cron() returns boolean
language plpgsql as $$
begin
  if not exists (select 1 from pg_extension where extname = 'pg_cron') then
    return false;
  end if;
  perform cron.schedule('mphb-fleet-enqueue', '* * * * *', 'select public.fleet_enqueue_due()');
  return true;
end;
$$;
select public.fleet_install_cron();
