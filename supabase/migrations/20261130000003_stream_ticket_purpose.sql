-- Stream tickets bound to one purpose and URL (docs/http-api.md, "Staff credentials"): a ticket opens
-- either GET …/sync-all (purpose 'sync-all': it starts one Sync All) or GET …/runs/{run_id}/events of the
-- one run it names (purpose 'events'). Tickets issued before this migration were for Sync All.
alter table public.stream_tickets
  add column if not exists purpose text not null default 'sync-all' check (purpose in ('sync-all', 'events'));
alter table public.stream_tickets
  add column if not exists run_id uuid;

do $$
begin
  if not exists (select 1 from pg_constraint where conname = 'stream_tickets_run_for_events'
                  and conrelid = 'public.stream_tickets'::regclass) then
    alter table public.stream_tickets
      add constraint stream_tickets_run_for_events check ((purpose = 'events') = (run_id is not null));
  end if;
end;
$$;
