-- supabase-stub.sql: the least of a Supabase database that the shipped schema
-- (fake_supabase/schema.sql) and a project's migrations (examples/supabase/migrations) lean on,
-- for tests/integration/test_pg_flow.c. Run as postgres in template1, before the databases
-- the test creates from it.
--
-- Roles as Supabase's images create them: anon and authenticated are what PostgREST switches
-- to (SET LOCAL ROLE) for the anon key and a user's JWT; service_role bypasses row-level
-- security. Grants: Supabase's default privileges on schema public (supabase/postgres,
-- migrations/db/init-scripts/00000000000000-initial-schema.sql: usage on public and
-- "alter default privileges in schema public grant all on tables/sequences/functions to
-- postgres, anon, authenticated, service_role").
-- auth.uid()/auth.role()/auth.jwt(): GoTrue's definitions (supabase/auth,
-- migrations/20211202183645_update_auth_uid.up.sql, 20211124214934_update_auth_functions.up.sql,
-- 20220531120530_add_auth_jwt_function.up.sql), reading request.jwt.claims as PostgREST
-- sets it for each request.
set client_min_messages = warning;
do $$ begin
    create role anon nologin noinherit;
    create role authenticated nologin noinherit;
    create role service_role nologin noinherit bypassrls;
exception when duplicate_object then null;
end $$;

create schema if not exists extensions;
create extension if not exists "uuid-ossp" with schema extensions;
create extension if not exists pgcrypto with schema extensions;
grant usage on schema extensions to anon, authenticated, service_role;

create schema if not exists auth;
grant usage on schema auth to anon, authenticated, service_role;
create table auth.users (
    id          uuid primary key,
    email       text,
    created_at  timestamptz default now()
);

create or replace function auth.uid() returns uuid language sql stable as $$
  select nullif(coalesce(current_setting('request.jwt.claim.sub', true),
                         (current_setting('request.jwt.claims', true)::jsonb ->> 'sub')), '')::uuid
$$;
create or replace function auth.role() returns text language sql stable as $$
  select coalesce(current_setting('request.jwt.claim.role', true),
                  (current_setting('request.jwt.claims', true)::jsonb ->> 'role'))::text
$$;
create or replace function auth.jwt() returns jsonb language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim', true), ''),
                  nullif(current_setting('request.jwt.claims', true), ''))::jsonb
$$;

-- storage.objects, for the example's policy on it (fake_supabase skips it with a warning).
create schema if not exists storage;
grant usage on schema storage to anon, authenticated, service_role;
create table storage.objects (id uuid primary key, bucket_id text, name text);

grant usage on schema public to anon, authenticated, service_role;
alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to anon, authenticated, service_role;
