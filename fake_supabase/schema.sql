-- The provisioning flow's tables, as a Supabase project's migration writes them
-- (supabase/migrations/<timestamp>_provisioning.sql). fake_supabase reads this PostgreSQL
-- with its DDL reader (fake_supabase/ddl.h) and serves the tables through /rest/v1; a real
-- project runs the same file with `supabase db push`. Load your own migrations with
-- --schema FILE or --schema supabase/migrations.

create table if not exists public.profiles (
    id            uuid primary key references auth.users (id) on delete cascade,
    email         text,
    full_name     text,
    phone_number  text,
    -- The Twilio SID of phone_number: a release clears only the number it releases (the same
    -- number can be bought again; a SID never repeats). Existing deployments:
    --   alter table public.profiles add column twilio_sid text;
    twilio_sid    text,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);

-- One row per number a user holds or held. At most one active number per user
-- (phone_numbers_one_active), a number belongs to one row, a Twilio SID to one row.
create table if not exists public.phone_numbers (
    id                uuid primary key default gen_random_uuid(),
    user_id           uuid not null references auth.users (id) on delete cascade,
    phone_number      text not null unique,
    twilio_sid        text not null unique,
    country_code      text not null,
    number_type       text not null,
    status            text not null default 'active' check (status in ('active', 'released')),
    livekit_trunk_id  text,
    dispatch_rule_id  text,
    job_id            text,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now()
);
create unique index if not exists phone_numbers_one_active
    on public.phone_numbers (user_id) where status = 'active';

-- The provisioner's job, one row per user: each step's outcome is written here before the
-- next step starts. owner + lease_expires_at let exactly one run hold the job at a time;
-- fence, the fencing token, goes up by one at every claim, and every write of a run that
-- depends on holding the job is filtered on owner and fence (provisioner/job.h), so a run
-- that lost its lease (paused, partitioned) can no longer change the row. 'releasing' marks
-- a release in progress, which a re-run of `release` finishes.
-- An existing deployment adds what is new with:
--   alter table public.provisioning_jobs add column fence integer not null default 0;
-- and replaces the status check to allow 'releasing'.
create table if not exists public.provisioning_jobs (
    id                text primary key,
    user_id           uuid not null unique references auth.users (id) on delete cascade,
    status            text not null default 'pending'
                          check (status in ('pending', 'running', 'completed', 'failed',
                                            'releasing')),
    step              text not null default 'created',
    owner             text,
    lease_expires_at  timestamptz,
    fence             integer not null default 0,
    country_code      text not null default 'US',
    number_type       text not null default 'local',
    area_code         text,
    phone_number      text,
    twilio_sid        text,
    livekit_trunk_id  text,
    dispatch_rule_id  text,
    attempts          integer not null default 0,
    last_error        text,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now()
);

-- Row-level security: a signed-in user sees and writes only their own rows; the service
-- role (the provisioner's key) bypasses it, as it does on Supabase.
alter table public.profiles enable row level security;
alter table public.phone_numbers enable row level security;
alter table public.provisioning_jobs enable row level security;

create policy "profiles: own row" on public.profiles
    for all to authenticated
    using (auth.uid() = id) with check (auth.uid() = id);
create policy "phone_numbers: own rows" on public.phone_numbers
    for all to authenticated
    using (auth.uid() = user_id) with check (auth.uid() = user_id);
create policy "provisioning_jobs: own job" on public.provisioning_jobs
    for all to authenticated
    using ((select auth.uid()) = user_id) with check ((select auth.uid()) = user_id);
