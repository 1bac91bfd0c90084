create extension if not exists "uuid-ossp";
create or replace function public.f() returns trigger as $$
begin new.x = 1; return new; end; $$ language plpgsql;
create trigger t before insert on public.x for each row execute function f();
grant all on table public.x to anon;
comment on table x is 'hi; there';
create table storage.buckets (id text);
create policy p on storage.objects using (true);
create table x (id int, tags text[]);
create index x_tags on x using gin (tags);
insert into x values (1);
alter table x owner to postgres;
