-- Later changes, as migrations accumulate them.
alter table public.notes add column if not exists archived boolean not null default false;
alter table public.notes add column color char(7) default '#ffffff';
alter table public.notes alter column body set default 'empty';
alter table public.teams add constraint teams_name_max_length check (length(name) <= 80);

-- A table that does not enable RLS: open to anon and authenticated (Supabase's default
-- grants on the public schema).
create table public.feedback (
    id       serial primary key,
    message  text not null check (length(message) > 0),
    created  timestamptz not null default current_timestamp
);
