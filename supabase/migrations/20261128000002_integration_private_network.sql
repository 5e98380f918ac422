-- A tenant may be allowed a site on a private or link-local address (local development, SPEC §7).
alter table public.integration_configs add column if not exists allow_private_network boolean not null default false;
