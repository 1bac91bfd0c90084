// The official supabase-js 2.x data client (postgrest-js) against fake_supabase's /rest/v1.
// Users come from auth.admin.createUser (the flow's tables reference auth users); then
// select with eq/in/order/limit, maybeSingle/single, insert().select(), upsert with
// onConflict, update, delete, count exact, a unique violation (23505) and the roles.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from '@supabase/supabase-js';
import ws from 'ws';
import { startFake } from './lib/fake.mjs';

let fake;
let keys;
let admin;
const users = {};

const opts = { auth: { persistSession: false, autoRefreshToken: false }, realtime: { transport: ws } };
const client = (key) => createClient(fake.url, key, opts);

const number = (user, n, status = 'released') => ({
  user_id: user,
  phone_number: `+1555300000${n}`,
  twilio_sid: `PN${n}`,
  country_code: 'US',
  number_type: n % 2 ? 'local' : 'mobile',
  status,
});

before(async () => {
  fake = await startFake('fake_supabase');
  keys = (await fake.admin('GET', '/__admin/keys')).body;
  admin = client(keys.service_role_key);
  for (const name of ['ada', 'bob']) {
    const { data, error } = await admin.auth.admin.createUser({
      email: `${name}@example.com`,
      password: `${name}-password`,
      email_confirm: true,
    });
    assert.equal(error, null);
    users[name] = data.user.id;
  }
});

after(async () => {
  const code = await fake.stop();
  assert.equal(code, 0, 'fake_supabase exits cleanly (no leaks)');
});

test('insert().select() returns the stored rows with defaults filled in', async () => {
  const { data, error, status } = await admin
    .from('phone_numbers')
    .insert([number(users.ada, 1), number(users.ada, 2), number(users.bob, 3, 'active')])
    .select('phone_number, status, user_id, id');
  assert.equal(error, null);
  assert.equal(status, 201);
  assert.equal(data.length, 3);
  assert.equal(data[2].status, 'active');
  assert.match(data[0].id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test('select with eq, in, order and limit', async () => {
  const { data, error } = await admin
    .from('phone_numbers')
    .select('twilio_sid, number_type')
    .eq('user_id', users.ada)
    .in('twilio_sid', ['PN1', 'PN2', 'PN9'])
    .order('twilio_sid', { ascending: false })
    .limit(1);
  assert.equal(error, null);
  assert.deepEqual(data, [{ twilio_sid: 'PN2', number_type: 'mobile' }]);

  const ored = await admin.from('phone_numbers').select('twilio_sid').or('status.eq.active,twilio_sid.eq.PN1').order('twilio_sid');
  assert.deepEqual(ored.data.map((r) => r.twilio_sid), ['PN1', 'PN3']);

  const nulls = await admin.from('phone_numbers').select('twilio_sid').is('livekit_trunk_id', null).neq('status', 'active');
  assert.equal(nulls.data.length, 2);
  const like = await admin.from('phone_numbers').select('twilio_sid').ilike('phone_number', '%3000003');
  assert.deepEqual(like.data, [{ twilio_sid: 'PN3' }]);
});

test('maybeSingle and single', async () => {
  const none = await admin.from('phone_numbers').select('*').eq('twilio_sid', 'PN404').maybeSingle();
  assert.equal(none.error, null);
  assert.equal(none.data, null);

  const one = await admin.from('phone_numbers').select('twilio_sid').eq('twilio_sid', 'PN3').single();
  assert.equal(one.error, null);
  assert.deepEqual(one.data, { twilio_sid: 'PN3' });

  const many = await admin.from('phone_numbers').select('*').eq('user_id', users.ada).single();
  assert.equal(many.status, 406);
  assert.equal(many.error.code, 'PGRST116');
  assert.equal(many.error.details, 'The result contains 2 rows');

  const missing = await admin.from('phone_numbers').select('*').eq('twilio_sid', 'PN404').single();
  assert.equal(missing.error.code, 'PGRST116');
});

test('count exact, with head and with a range', async () => {
  const head = await admin.from('phone_numbers').select('*', { count: 'exact', head: true });
  assert.equal(head.error, null);
  assert.equal(head.count, 3);
  assert.equal(head.data, null);

  const page = await admin.from('phone_numbers').select('twilio_sid', { count: 'exact' }).order('twilio_sid').range(1, 1);
  assert.equal(page.error, null);
  assert.equal(page.status, 206);
  assert.equal(page.count, 3);
  assert.deepEqual(page.data, [{ twilio_sid: 'PN2' }]);
});

test('upsert with onConflict merges, ignoreDuplicates skips', async () => {
  const first = await admin
    .from('provisioning_jobs')
    .upsert({ id: 'job-ada', user_id: users.ada, step: 'searched', attempts: 1 }, { onConflict: 'user_id' })
    .select()
    .single();
  assert.equal(first.error, null);
  assert.equal(first.data.status, 'pending');

  const merged = await admin
    .from('provisioning_jobs')
    .upsert({ id: 'job-ada', user_id: users.ada, step: 'purchased', attempts: 2 }, { onConflict: 'user_id' })
    .select('step, attempts')
    .single();
  assert.equal(merged.error, null);
  assert.equal(merged.status, 200); // PostgREST 12: an upsert that inserted nothing
  assert.deepEqual(merged.data, { step: 'purchased', attempts: 2 });

  const ignored = await admin
    .from('provisioning_jobs')
    .upsert([{ id: 'job-other', user_id: users.ada, step: 'ignored' }], { onConflict: 'user_id', ignoreDuplicates: true })
    .select();
  assert.equal(ignored.error, null);
  assert.deepEqual(ignored.data, []);

  const { data } = await admin.from('provisioning_jobs').select('id, step');
  assert.deepEqual(data, [{ id: 'job-ada', step: 'purchased' }]);
});

test('update and delete with filters', async () => {
  const upd = await admin.from('phone_numbers').update({ livekit_trunk_id: 'ST_abc' }).eq('twilio_sid', 'PN3').select('livekit_trunk_id');
  assert.equal(upd.error, null);
  assert.deepEqual(upd.data, [{ livekit_trunk_id: 'ST_abc' }]);

  const quiet = await admin.from('phone_numbers').update({ dispatch_rule_id: 'SDR_x' }).eq('twilio_sid', 'PN3');
  assert.equal(quiet.error, null);
  assert.equal(quiet.status, 204);

  const del = await admin.from('phone_numbers').delete({ count: 'exact' }).eq('twilio_sid', 'PN1');
  assert.equal(del.error, null);
  assert.equal(del.count, 1);
  const left = await admin.from('phone_numbers').select('twilio_sid', { count: 'exact', head: true });
  assert.equal(left.count, 2);
});

test('a unique violation is 23505 with PostgREST details', async () => {
  const { data, error, status } = await admin.from('phone_numbers').insert({ ...number(users.ada, 2), twilio_sid: 'PN-new' });
  assert.equal(data, null);
  assert.equal(status, 409);
  assert.equal(error.code, '23505');
  assert.equal(error.message, 'duplicate key value violates unique constraint "phone_numbers_phone_number_key"');
  assert.equal(error.details, 'Key (phone_number)=(+15553000002) already exists.');
  assert.equal(error.hint, null);
});

test('errors for unknown tables and columns, and bad filters', async () => {
  const table = await admin.from('phone_number').select('*');
  assert.equal(table.status, 404);
  // PostgREST 12 (fake_supabase's default --postgrest-version) lets PostgreSQL answer
  assert.equal(table.error.code, '42P01');
  assert.equal(table.error.message, 'relation "public.phone_number" does not exist');
  const column = await admin.from('phone_numbers').select('nope');
  assert.equal(column.error.code, '42703');
  const filter = await admin.from('phone_numbers').select('*').filter('status', 'eqq', 'x');
  assert.equal(filter.error.code, 'PGRST100');
  const notNull = await admin.from('phone_numbers').insert({ user_id: users.bob, twilio_sid: 'PNX', country_code: 'US', number_type: 'local' });
  assert.equal(notNull.status, 400);
  assert.equal(notNull.error.code, '23502');
  const fk = await admin.from('profiles').insert({ id: '00000000-0000-4000-8000-000000000000' });
  assert.equal(fk.status, 409);
  assert.equal(fk.error.code, '23503');
});

test('a signed-in user reads and writes only its own rows; anon writes nothing', async () => {
  const bob = client(keys.anon_key);
  const signed = await bob.auth.signInWithPassword({ email: 'bob@example.com', password: 'bob-password' });
  assert.equal(signed.error, null);

  const mine = await bob.from('phone_numbers').select('twilio_sid');
  assert.equal(mine.error, null);
  assert.deepEqual(mine.data, [{ twilio_sid: 'PN3' }]);

  const profile = await bob.from('profiles').insert({ id: users.bob, full_name: 'Bob' }).select('full_name').single();
  assert.equal(profile.error, null);
  assert.equal(profile.data.full_name, 'Bob');
  const other = await bob.from('profiles').insert({ id: users.ada, full_name: 'Not Bob' });
  assert.equal(other.status, 403);
  assert.equal(other.error.code, '42501');

  const anon = client(keys.anon_key);
  const write = await anon.from('profiles').insert({ id: users.ada });
  assert.equal(write.status, 401);
  assert.equal(write.error.code, '42501');
  const read = await anon.from('phone_numbers').select('*');
  assert.deepEqual(read.data, []);
});
