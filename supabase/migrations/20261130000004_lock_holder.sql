-- Crash-safe tenant locks (docs/operations.md): the lease row says which process holds it, so a run on the
-- same host sees at once that the holder died (SIGKILL, OOM) instead of waiting out the lease; holders
-- elsewhere (edge instances) are released when their short lease runs out.
alter table public.sync_locks add column if not exists holder_host text;
alter table public.sync_locks add column if not exists holder_pid integer;
