create type public.mood as enum ('ok', 'sad');
create table if not exists public.parent (id uuid primary key references auth.users (id)   on delete cascade, name text not null unique);
create table child (id int, k text, pid uuid references public.parent on delete set   null, status text not null default 'a' check (status in ('a', 'b')),   score int constraint score_range check (score between 0 and 10 or score is null),   m mood, len text check (char_length(len) <= 3),   primary key (id, k), constraint both_ok check ((id > 0) and (k <> '')),   check (status = any (array['a'::text, 'b'::text])), unique (k));
create unique index one_a on public.child using btree (pid) where (status = 'a');
create index if not exists child_k on child (lower(k) text_pattern_ops desc nulls last);
create table if not exists parent (x int);
