-- Row-level security for notes: owners read and write their rows; everyone signed in reads
-- pinned notes; anon reads nothing. teams has RLS enabled with one read policy for all.
alter table public.notes enable row level security;
alter table public.teams enable row level security;

create policy "Users read their own notes" on public.notes
    as permissive for select to authenticated
    using ((select auth.uid()) = user_id or pinned);

create policy "Users insert their own notes" on public.notes
    for insert to authenticated
    with check ((select auth.uid()) = user_id);

create policy "Users update their own notes" on public.notes
    for update to authenticated
    using (auth.uid() = user_id)
    with check (auth.uid() = user_id);

create policy "Users delete their own notes" on public.notes
    for delete to authenticated
    using (auth.uid() = user_id);

create policy "Teams are public" on public.teams for select using (true);

create policy "Service manages teams" on public.teams
    for all using (auth.role() = 'service_role');

-- Policies on other schemas (storage) are skipped with a warning.
create policy "Avatar images are public" on storage.objects
    for select using (bucket_id = 'avatars');
