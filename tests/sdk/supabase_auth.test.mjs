// The official supabase-js 2.x auth client (auth-js) against fake_supabase's /auth/v1.
// Admin user management with the service_role key, password sign-in, getUser, refresh
// rotation, sign-out and the error codes auth-js surfaces (docs/reference/supabase.md section 4).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from '@supabase/supabase-js';
import ws from 'ws';
import { startFake } from './lib/fake.mjs';

let fake;
let keys;

const opts = { auth: { persistSession: false, autoRefreshToken: false }, realtime: { transport: ws } };
const client = (key) => createClient(fake.url, key, opts);

before(async () => {
  fake = await startFake('fake_supabase');
  keys = (await fake.admin('GET', '/__admin/keys')).body;
});

after(async () => {
  const code = await fake.stop();
  assert.equal(code, 0, 'fake_supabase exits cleanly (no leaks)');
});

test('the default keys are the Supabase CLI keys', () => {
  assert.equal(
    keys.anon_key,
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0',
  );
});

test('admin.createUser, signInWithPassword, getUser, refreshSession, signOut', async () => {
  await fake.admin('POST', '/__admin/reset');
  const admin = client(keys.service_role_key);
  const created = await admin.auth.admin.createUser({
    email: 'ada@example.com',
    password: 'pw123456',
    email_confirm: true,
    user_metadata: { name: 'Ada' },
  });
  assert.equal(created.error, null);
  assert.equal(created.data.user.email, 'ada@example.com');
  assert.equal(created.data.user.user_metadata.name, 'Ada');
  const id = created.data.user.id;

  const anon = client(keys.anon_key);
  const signed = await anon.auth.signInWithPassword({ email: 'ada@example.com', password: 'pw123456' });
  assert.equal(signed.error, null);
  assert.equal(signed.data.user.id, id);
  const session = signed.data.session;
  assert.ok(session.access_token && session.refresh_token);
  assert.equal(session.expires_in, 3600);

  const got = await anon.auth.getUser();
  assert.equal(got.error, null);
  assert.equal(got.data.user.id, id);
  const byJwt = await client(keys.anon_key).auth.getUser(session.access_token);
  assert.equal(byJwt.data.user.email, 'ada@example.com');

  const refreshed = await anon.auth.refreshSession({ refresh_token: session.refresh_token });
  assert.equal(refreshed.error, null);
  assert.notEqual(refreshed.data.session.refresh_token, session.refresh_token);
  const reused = await client(keys.anon_key).auth.refreshSession({ refresh_token: session.refresh_token });
  assert.equal(reused.error?.code, 'refresh_token_already_used');

  const newToken = refreshed.data.session.access_token;
  const out = await anon.auth.signOut();
  assert.equal(out.error, null);
  const after = await client(keys.anon_key).auth.getUser(newToken);
  assert.equal(after.data.user, null);
  // auth-js turns GoTrue's 403 session_not_found into AuthSessionMissingError.
  assert.equal(after.error?.name, 'AuthSessionMissingError');
});

test('wrong password, weak password and duplicate e-mail carry GoTrue error codes', async () => {
  await fake.admin('POST', '/__admin/reset');
  await fake.admin('POST', '/__admin/state', {
    users: [{ id: '3b241101-e2bb-4255-8caf-4136c566a962', email: 'seed@example.com', password: 'pw123456' }],
  });
  const anon = client(keys.anon_key);
  const wrong = await anon.auth.signInWithPassword({ email: 'seed@example.com', password: 'nope-nope' });
  assert.equal(wrong.data.session, null);
  assert.equal(wrong.error.status, 400);
  assert.equal(wrong.error.code, 'invalid_credentials');
  assert.equal(wrong.error.message, 'Invalid login credentials');

  const ok = await anon.auth.signInWithPassword({ email: 'seed@example.com', password: 'pw123456' });
  assert.equal(ok.data.user.id, '3b241101-e2bb-4255-8caf-4136c566a962');

  const weak = await anon.auth.signUp({ email: 'weak@example.com', password: '123' });
  assert.equal(weak.error.code, 'weak_password');
  assert.deepEqual(weak.error.reasons, ['length']);

  const signup = await anon.auth.signUp({ email: 'new@example.com', password: 'pw123456', options: { data: { a: 1 } } });
  assert.equal(signup.error, null);
  assert.ok(signup.data.session.access_token);
  assert.equal(signup.data.user.user_metadata.a, 1);

  const dup = await client(keys.service_role_key).auth.admin.createUser({ email: 'seed@example.com', password: 'pw123456' });
  assert.equal(dup.error.status, 422);
  assert.equal(dup.error.code, 'email_exists');

  const notAdmin = await client(keys.anon_key).auth.admin.listUsers();
  assert.equal(notAdmin.error.status, 403);
  assert.equal(notAdmin.error.code, 'not_admin');
});

test('admin.listUsers pages, getUserById and deleteUser', async () => {
  await fake.admin('POST', '/__admin/reset');
  const admin = client(keys.service_role_key).auth.admin;
  const ids = [];
  for (let i = 0; i < 5; i++) {
    const { data, error } = await admin.createUser({ email: `u${i}@example.com`, password: 'pw123456', email_confirm: true });
    assert.equal(error, null);
    ids.push(data.user.id);
  }
  const p1 = await admin.listUsers({ page: 1, perPage: 2 });
  assert.equal(p1.error, null);
  assert.equal(p1.data.users.length, 2);
  assert.equal(p1.data.total, 5);
  assert.equal(p1.data.nextPage, 2);
  assert.equal(p1.data.lastPage, 3);
  const p3 = await admin.listUsers({ page: 3, perPage: 2 });
  assert.equal(p3.data.users.length, 1);
  assert.equal(p3.data.nextPage, null);
  const all = await admin.listUsers();
  assert.equal(all.data.users.length, 5);
  assert.deepEqual(new Set(all.data.users.map((u) => u.id)), new Set(ids));

  const one = await admin.getUserById(ids[0]);
  assert.equal(one.data.user.email, 'u0@example.com');
  const del = await admin.deleteUser(ids[0]);
  assert.equal(del.error, null);
  const gone = await admin.getUserById(ids[0]);
  assert.equal(gone.error.status, 404);
  assert.equal(gone.error.code, 'user_not_found');
  const left = await admin.listUsers();
  assert.equal(left.data.users.length, 4);
});
