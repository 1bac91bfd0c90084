-- An example of supabase/migrations/ as a project writes it, for `fake_supabase --schema
-- examples/supabase/migrations` (and tests/integration/test_supabase_rls.c). The files are
-- applied in name order; what fake_supabase does not honour is skipped with a warning.

create extension if not exists "uuid-ossp" with schema extensions;

create type public.note_kind as enum ('idea', 'todo', 'done');

create table public.teams (
    id          bigint generated always as identity primary key,
    name        varchar(80) not null check (char_length(name) between 1 and 80),
    slug        text not null,
    created_at  timestamp with time zone default timezone('utc'::text, now()) not null,
    constraint teams_slug_key unique (slug)
);

create table if not exists public.notes (
    id          uuid default extensions.uuid_generate_v4() not null,
    user_id     uuid not null default auth.uid() references auth.users on delete cascade,
    team_id     bigint references public.teams (id) on delete set null,
    title       text not null default ''::text,
    body        text,
    kind        note_kind not null default 'idea',
    tags        text[] not null default '{}'::text[],
    scores      int[] default array[1, 2]::integer[],
    meta        jsonb not null default '{}'::jsonb,
    price       numeric(10, 2) check (price >= 0 and price < 1e6),
    rating      smallint check (rating is null or rating in (1, 2, 3, 4, 5)),
    pinned      boolean not null default false,
    due         date default current_date,
    remind_at   time,
    updated_at  timestamp default now(),
    "Weird ""Name""" text,
    primary key (id)
);

/* Block comments /* nest */ in PostgreSQL. */
create index notes_user_id_idx on public.notes using btree (user_id);
create index if not exists notes_title_lower_idx on public.notes (lower(title) text_pattern_ops);
create unique index notes_one_pinned on public.notes (user_id) where (pinned = true);
create index notes_tags_idx on public.notes using gin (tags);

-- A function and a trigger: skipped with a warning each.
create or replace function public.handle_updated_at() returns trigger
language plpgsql as $$
begin
  new.updated_at = now(); -- a semicolon inside the body does not end the statement
  return new;
end;
$$;
create trigger notes_updated_at before update on public.notes
    for each row execute procedure public.handle_updated_at();

grant select on public.teams to anon, authenticated;
comment on table public.notes is E'A user''s notes\n(one row each)';
