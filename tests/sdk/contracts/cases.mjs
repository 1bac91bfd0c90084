// Request cases replayed against the fakes by contracts.test.mjs check (1): a few per contract
// operation, error cases included. Each case: {name, method, path, query?, headers?, body?,
// status (expected), expectHeaders?, setup?(ctx, fake), after?(json, ctx), offContract?}.
// path/query/body may be functions of ctx (values captured from earlier answers).
// offContract: the request deliberately breaks the contract (bad input), so only the answer is
// checked, not the request.
import crypto from 'node:crypto';

export const TWILIO_SID = 'ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'; // fake_twilio --help defaults
export const TWILIO_TOKEN = 'test-auth-token';
export const LK_KEY = 'devkey';
export const LK_SECRET = 'secret';
// Supabase CLI local defaults (docs/reference/supabase.md section 5).
export const SB_ANON = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0';
export const SB_SERVICE = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU';

const b64u = (b) => Buffer.from(b).toString('base64url');
/* The token livekit-server-sdk builds for SIP management (docs/reference/livekit.md section 5). */
export function livekitToken(key = LK_KEY, secret = LK_SECRET, grants = { video: {}, sip: { admin: true } }) {
  const now = Math.floor(Date.now() / 1000);
  const head = b64u(JSON.stringify({ alg: 'HS256' }));
  const body = b64u(JSON.stringify({ ...grants, iss: key, exp: now + 600, nbf: now }));
  const sig = crypto.createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

const basic = (u, p) => 'Basic ' + Buffer.from(`${u}:${p}`).toString('base64');
const TW = `/2010-04-01/Accounts/${TWILIO_SID}`;
const twAuth = { authorization: basic(TWILIO_SID, TWILIO_TOKEN) };
const form = { ...twAuth, 'content-type': 'application/x-www-form-urlencoded' };

export const twilioCases = [
  { name: 'search Local with AreaCode', method: 'GET', path: `${TW}/AvailablePhoneNumbers/US/Local.json`, query: 'AreaCode=415&PageSize=5', headers: twAuth, status: 200,
    after: (j, ctx) => { ctx.number = j.available_phone_numbers[0].phone_number; } },
  { name: 'search TollFree', method: 'GET', path: `${TW}/AvailablePhoneNumbers/US/TollFree.json`, query: 'PageSize=3', headers: twAuth, status: 200 },
  { name: 'search Mobile', method: 'GET', path: `${TW}/AvailablePhoneNumbers/US/Mobile.json`, query: 'PageSize=2', headers: twAuth, status: 200 },
  { name: 'search with capability filters', method: 'GET', path: `${TW}/AvailablePhoneNumbers/US/Local.json`, query: 'SmsEnabled=true&VoiceEnabled=true&PageSize=1', headers: twAuth, status: 200 },
  { name: 'search with bad credentials: 401', method: 'GET', path: `${TW}/AvailablePhoneNumbers/US/Local.json`, query: 'PageSize=1', headers: { authorization: basic(TWILIO_SID, 'wrong') }, status: 401 },
  { name: 'buy the first search result: 201', method: 'POST', path: `${TW}/IncomingPhoneNumbers.json`, headers: form,
    body: (ctx) => new URLSearchParams({ PhoneNumber: ctx.number, FriendlyName: 'contract-job-1' }).toString(), status: 201,
    after: (j, ctx) => { ctx.sid = j.sid; } },
  { name: 'buy the same number again: 21422', method: 'POST', path: `${TW}/IncomingPhoneNumbers.json`, headers: form,
    body: (ctx) => new URLSearchParams({ PhoneNumber: ctx.number }).toString(), status: 400 },
  { name: 'buy magic +15005550000: 21422', method: 'POST', path: `${TW}/IncomingPhoneNumbers.json`, headers: form, body: 'PhoneNumber=%2B15005550000', status: 400 },
  { name: 'buy by AreaCode 500 (magic)', method: 'POST', path: `${TW}/IncomingPhoneNumbers.json`, headers: form, body: 'AreaCode=500&FriendlyName=contract-area', status: 201 },
  { name: 'buy with an injected 21422 fault', method: 'POST', path: `${TW}/IncomingPhoneNumbers.json`, headers: form, body: 'PhoneNumber=%2B15005550006', status: 400,
    setup: (ctx, fake) => fake.admin('POST', '/__admin/faults', { id: 'contract-21422', match: { method: 'POST', path: '/2010-04-01/Accounts/*/IncomingPhoneNumbers.json' }, times: 1, action: { error: '21422' } }) },
  { name: 'list by FriendlyName (the job tag)', method: 'GET', path: `${TW}/IncomingPhoneNumbers.json`, query: 'FriendlyName=contract-job-1&PageSize=50', headers: twAuth, status: 200 },
  { name: 'list one per page (paging envelope)', method: 'GET', path: `${TW}/IncomingPhoneNumbers.json`, query: 'PageSize=1', headers: twAuth, status: 200,
    after: (j, ctx) => { ctx.next = j.next_page_uri; } },
  { name: 'list the next page verbatim', method: 'GET', path: (ctx) => (ctx.next || `${TW}/IncomingPhoneNumbers.json?PageSize=1`).split('?')[0],
    query: (ctx) => (ctx.next || '?PageSize=1').split('?')[1] || '', headers: twAuth, status: 200 },
  { name: 'fetch the bought number', method: 'GET', path: (ctx) => `${TW}/IncomingPhoneNumbers/${ctx.sid}.json`, headers: twAuth, status: 200 },
  { name: 'update FriendlyName', method: 'POST', path: (ctx) => `${TW}/IncomingPhoneNumbers/${ctx.sid}.json`, headers: form, body: 'FriendlyName=contract-renamed', status: 200 },
  { name: 'fetch an unknown SID: 404', method: 'GET', path: `${TW}/IncomingPhoneNumbers/PN00000000000000000000000000000000.json`, headers: twAuth, status: 404 },
  { name: 'release the number: 204', method: 'DELETE', path: (ctx) => `${TW}/IncomingPhoneNumbers/${ctx.sid}.json`, headers: twAuth, status: 204 },
  { name: 'release it again: 404', method: 'DELETE', path: (ctx) => `${TW}/IncomingPhoneNumbers/${ctx.sid}.json`, headers: twAuth, status: 404 },
  { name: 'rate limited search: 429 with Retry-After', method: 'GET', path: `${TW}/AvailablePhoneNumbers/US/TollFree.json`, query: 'PageSize=1', headers: twAuth, status: 429, expectHeaders: ['retry-after'],
    setup: async (ctx, fake) => {
      await fake.admin('POST', '/__admin/rate-limits', { id: 'contract-rl', match: { path: '/2010-04-01/Accounts/*/AvailablePhoneNumbers/US/TollFree.json' }, limit: 1, per_ms: 600000, retry_after_s: 7 });
      await fetch(`${fake.url}${TW}/AvailablePhoneNumbers/US/TollFree.json?PageSize=1`, { headers: twAuth });
    } },
];

const lk = (ctx) => ({ authorization: `Bearer ${ctx.lkToken}`, 'content-type': 'application/json' });
const twirp = (m) => `/twirp/livekit.SIP/${m}`;
export const livekitCases = [
  { name: 'CreateSIPInboundTrunk as the SDK sends it', method: 'POST', path: twirp('CreateSIPInboundTrunk'), headers: lk,
    body: { trunk: { name: 'contract', numbers: ['+15105550100'] } }, status: 200, after: (j, ctx) => { ctx.trunk = j.sip_trunk_id; } },
  { name: 'CreateSIPInboundTrunk with options (snake_case)', method: 'POST', path: twirp('CreateSIPInboundTrunk'), headers: lk,
    body: { trunk: { name: 'opts', numbers: ['+15105550109'], allowed_addresses: ['1.2.3.4/32'], auth_username: 'u', auth_password: 'p', headers: { 'X-A': 'b' }, ringing_timeout: '30s', krisp_enabled: true } },
    status: 200, after: (j, ctx) => { ctx.trunk2 = j.sip_trunk_id; } },
  { name: 'CreateSIPInboundTrunk for a number already on a trunk: invalid_argument', method: 'POST', path: twirp('CreateSIPInboundTrunk'), headers: lk,
    body: { trunk: { name: 'dup', numbers: ['+15105550100'] } }, status: 400 },
  { name: 'ListSIPInboundTrunk', method: 'POST', path: twirp('ListSIPInboundTrunk'), headers: lk, body: {}, status: 200 },
  { name: 'ListSIPInboundTrunk by number', method: 'POST', path: twirp('ListSIPInboundTrunk'), headers: lk, body: { numbers: ['+15105550100'] }, status: 200 },
  { name: 'GetSIPInboundTrunk', method: 'POST', path: twirp('GetSIPInboundTrunk'), headers: lk, body: (ctx) => ({ sipTrunkId: ctx.trunk }), status: 200 },
  { name: 'GetSIPInboundTrunk unknown id: not_found', method: 'POST', path: twirp('GetSIPInboundTrunk'), headers: lk, body: { sipTrunkId: 'ST_missing00000' }, status: 404 },
  { name: 'UpdateSIPInboundTrunk fields', method: 'POST', path: twirp('UpdateSIPInboundTrunk'), headers: lk,
    body: (ctx) => ({ sipTrunkId: ctx.trunk, update: { numbers: { add: ['+15105550101'] }, name: 'renamed' } }), status: 200 },
  { name: 'UpdateSIPInboundTrunk replace', method: 'POST', path: twirp('UpdateSIPInboundTrunk'), headers: lk,
    body: (ctx) => ({ sipTrunkId: ctx.trunk2, replace: { name: 'x', numbers: ['+15105550102'] } }), status: 200 },
  { name: 'CreateSIPOutboundTrunk', method: 'POST', path: twirp('CreateSIPOutboundTrunk'), headers: lk,
    body: { trunk: { name: 'out', address: 'sip.example.com', transport: 'SIP_TRANSPORT_TCP', numbers: ['+15105550199'] } }, status: 200,
    after: (j, ctx) => { ctx.out = j.sip_trunk_id; } },
  { name: 'ListSIPOutboundTrunk', method: 'POST', path: twirp('ListSIPOutboundTrunk'), headers: lk, body: {}, status: 200 },
  { name: 'CreateSIPDispatchRule (flat, as the SDK and the provisioner send it)', method: 'POST', path: twirp('CreateSIPDispatchRule'), headers: lk,
    body: (ctx) => ({ rule: { dispatchRuleIndividual: { roomPrefix: 'call-' } }, trunkIds: [ctx.trunk], name: 'rule' }), status: 200,
    after: (j, ctx) => { ctx.rule = j.sip_dispatch_rule_id; } },
  { name: 'CreateSIPDispatchRule (new style dispatch_rule)', method: 'POST', path: twirp('CreateSIPDispatchRule'), headers: lk,
    body: (ctx) => ({ dispatch_rule: { rule: { dispatch_rule_direct: { room_name: 'room1', pin: '1234' } }, trunk_ids: [ctx.trunk2], name: 'direct' } }), status: 200,
    after: (j, ctx) => { ctx.rule2 = j.sip_dispatch_rule_id; } },
  { name: 'ListSIPDispatchRule by trunk', method: 'POST', path: twirp('ListSIPDispatchRule'), headers: lk, body: (ctx) => ({ trunkIds: [ctx.trunk] }), status: 200 },
  { name: 'UpdateSIPDispatchRule fields', method: 'POST', path: twirp('UpdateSIPDispatchRule'), headers: lk,
    body: (ctx) => ({ sipDispatchRuleId: ctx.rule, update: { name: 'n', trunkIds: { set: [ctx.trunk] } } }), status: 200 },
  { name: 'DeleteSIPDispatchRule', method: 'POST', path: twirp('DeleteSIPDispatchRule'), headers: lk, body: (ctx) => ({ sipDispatchRuleId: ctx.rule }), status: 200 },
  { name: 'DeleteSIPDispatchRule again: not_found', method: 'POST', path: twirp('DeleteSIPDispatchRule'), headers: lk, body: (ctx) => ({ sipDispatchRuleId: ctx.rule }), status: 404 },
  { name: 'DeleteSIPTrunk inbound', method: 'POST', path: twirp('DeleteSIPTrunk'), headers: lk, body: (ctx) => ({ sipTrunkId: ctx.trunk }), status: 200 },
  { name: 'DeleteSIPTrunk outbound', method: 'POST', path: twirp('DeleteSIPTrunk'), headers: lk, body: (ctx) => ({ sipTrunkId: ctx.out }), status: 200 },
  { name: 'no Authorization: unauthenticated', method: 'POST', path: twirp('ListSIPInboundTrunk'), headers: { 'content-type': 'application/json' }, body: {}, status: 401 },
  { name: 'token without sip.admin: unauthenticated', method: 'POST', path: twirp('ListSIPInboundTrunk'),
    headers: () => ({ authorization: `Bearer ${livekitToken(LK_KEY, LK_SECRET, { video: { roomJoin: true } })}`, 'content-type': 'application/json' }), body: {}, status: 401 },
  { name: 'token signed with the wrong secret: 401', method: 'POST', path: twirp('ListSIPInboundTrunk'),
    headers: () => ({ authorization: `Bearer ${livekitToken(LK_KEY, 'wrong')}`, 'content-type': 'application/json' }), body: {}, status: 401 },
  { name: 'injected Twirp unavailable', method: 'POST', path: twirp('ListSIPDispatchRule'), headers: lk, body: {}, status: 503,
    setup: (ctx, fake) => fake.admin('POST', '/__admin/faults', { id: 'contract-unavailable', match: { path: '/twirp/livekit.SIP/ListSIPDispatchRule' }, times: 1, action: { error: 'unavailable' } }) },
  { name: 'rate limited: resource_exhausted', method: 'POST', path: twirp('ListSIPOutboundTrunk'), headers: lk, body: {}, status: 429,
    setup: async (ctx, fake) => {
      await fake.admin('POST', '/__admin/rate-limits', { id: 'contract-rl', match: { path: '/twirp/livekit.SIP/ListSIPOutboundTrunk' }, limit: 1, per_ms: 600000, retry_after_s: 1 });
      await fetch(`${fake.url}${twirp('ListSIPOutboundTrunk')}`, { method: 'POST', headers: lk(ctx), body: '{}' });
    } },
];

export const SB_USER = { id: '5f1c0f2e-1111-4222-8333-444455556666', email: 'contract@example.com', password: 'contract-pw-1' };
const anon = { apikey: SB_ANON, 'content-type': 'application/json;charset=UTF-8', 'x-supabase-api-version': '2024-01-01' };
const user = (ctx) => ({ apikey: SB_ANON, authorization: `Bearer ${ctx.access}`, 'x-supabase-api-version': '2024-01-01' });
const admin = { apikey: SB_SERVICE, authorization: `Bearer ${SB_SERVICE}`, 'content-type': 'application/json;charset=UTF-8' };
const rest = (prefer) => ({ apikey: SB_SERVICE, authorization: `Bearer ${SB_SERVICE}`, 'content-type': 'application/json', ...(prefer ? { prefer } : {}) });
const SID = 'PN0123456789abcdef0123456789abcdef';
export const supabaseCases = [
  { name: 'sign in with password', method: 'POST', path: '/auth/v1/token', query: 'grant_type=password', headers: anon,
    body: { email: SB_USER.email, password: SB_USER.password, gotrue_meta_security: {} }, status: 200,
    setup: (ctx, fake) => fake.admin('POST', '/__admin/state', { users: [SB_USER] }),
    after: (j, ctx) => { ctx.access = j.access_token; ctx.refresh = j.refresh_token; } },
  { name: 'sign in with a wrong password: 400 (legacy error format)', method: 'POST', path: '/auth/v1/token', query: 'grant_type=password',
    headers: { apikey: SB_ANON, 'content-type': 'application/json' }, body: { email: SB_USER.email, password: 'nope' }, status: 400 },
  { name: 'refresh the session', method: 'POST', path: '/auth/v1/token', query: 'grant_type=refresh_token', headers: anon,
    body: (ctx) => ({ refresh_token: ctx.refresh }), status: 200, after: (j, ctx) => { ctx.access = j.access_token; } },
  { name: 'reuse the refresh token: 400', method: 'POST', path: '/auth/v1/token', query: 'grant_type=refresh_token', headers: anon,
    body: (ctx) => ({ refresh_token: ctx.refresh }), status: 400 },
  { name: 'get the user (step 1)', method: 'GET', path: '/auth/v1/user', headers: user, status: 200 },
  { name: 'get the user with a garbage token: 403 bad_jwt', method: 'GET', path: '/auth/v1/user', headers: { apikey: SB_ANON, authorization: 'Bearer garbage', 'x-supabase-api-version': '2024-01-01' }, status: 403 },
  { name: 'get the user without a bearer token: 401', method: 'GET', path: '/auth/v1/user', headers: { apikey: SB_ANON }, status: 401, offContract: true },
  { name: 'sign up', method: 'POST', path: '/auth/v1/signup', headers: anon,
    body: { email: 'new@example.com', password: 'pw123456', data: { name: 'N' }, gotrue_meta_security: {}, code_challenge: null, code_challenge_method: null }, status: 200 },
  { name: 'sign up an existing email: 422', method: 'POST', path: '/auth/v1/signup', headers: anon, body: { email: 'new@example.com', password: 'pw123456' }, status: 422 },
  { name: 'sign up with a short password: 422 weak_password', method: 'POST', path: '/auth/v1/signup', headers: anon, body: { email: 'weak@example.com', password: '1' }, status: 422 },
  { name: 'admin: create user', method: 'POST', path: '/auth/v1/admin/users', headers: admin,
    body: { email: 'admin-made@example.com', password: 'pw123456', email_confirm: true, user_metadata: { a: 1 } }, status: 200,
    after: (j, ctx) => { ctx.madeId = j.id; } },
  { name: 'admin: list users', method: 'GET', path: '/auth/v1/admin/users', query: 'page=1&per_page=2', headers: admin, status: 200 },
  { name: 'admin: get user', method: 'GET', path: (ctx) => `/auth/v1/admin/users/${ctx.madeId}`, headers: admin, status: 200 },
  { name: 'admin: update user', method: 'PUT', path: (ctx) => `/auth/v1/admin/users/${ctx.madeId}`, headers: admin, body: { user_metadata: { b: 2 } }, status: 200 },
  { name: 'admin: delete user', method: 'DELETE', path: (ctx) => `/auth/v1/admin/users/${ctx.madeId}`, headers: admin, body: { should_soft_delete: false }, status: 200 },
  { name: 'admin: get a deleted user: 404', method: 'GET', path: (ctx) => `/auth/v1/admin/users/${ctx.madeId}`, headers: admin, status: 404 },
  { name: 'admin with the anon key: 403', method: 'GET', path: '/auth/v1/admin/users', headers: { apikey: SB_ANON, authorization: `Bearer ${SB_ANON}` }, status: 403 },
  { name: 'upsert profile (return=minimal)', method: 'POST', path: '/rest/v1/profiles', query: 'on_conflict=id', headers: rest('resolution=merge-duplicates, return=minimal'),
    body: { id: SB_USER.id, phone_number: null }, status: 201 },
  { name: 'patch profile (return=representation)', method: 'PATCH', path: '/rest/v1/profiles', query: `id=eq.${SB_USER.id}&select=*`, headers: rest('return=representation'),
    body: { phone_number: '+14155550100', full_name: 'Contract' }, status: 200 },
  { name: 'select profile', method: 'GET', path: '/rest/v1/profiles', query: `select=*&id=eq.${SB_USER.id}`, headers: rest(), status: 200 },
  { name: 'select profile as a single object', method: 'GET', path: '/rest/v1/profiles', query: `select=*&id=eq.${SB_USER.id}`,
    headers: { ...rest(), accept: 'application/vnd.pgrst.object+json' }, status: 200 },
  { name: 'single object with no row: 406 PGRST116', method: 'GET', path: '/rest/v1/profiles', query: 'select=*&id=eq.00000000-0000-4000-8000-000000000000',
    headers: { ...rest(), accept: 'application/vnd.pgrst.object+json' }, status: 406 },
  { name: 'insert phone_numbers (return=representation)', method: 'POST', path: '/rest/v1/phone_numbers', query: 'select=*', headers: rest('return=representation'),
    body: { user_id: SB_USER.id, phone_number: '+14155550100', twilio_sid: SID, country_code: 'US', number_type: 'local', status: 'active', job_id: 'job-1' }, status: 201 },
  { name: 'insert the same number again: 409 23505', method: 'POST', path: '/rest/v1/phone_numbers', headers: rest('return=minimal'),
    body: { user_id: SB_USER.id, phone_number: '+14155550100', twilio_sid: SID, country_code: 'US', number_type: 'local', status: 'active', job_id: 'job-1' }, status: 409 },
  { name: 'insert with an injected 23505', method: 'POST', path: '/rest/v1/provisioning_jobs', headers: rest('return=minimal'), body: { id: 'job-x', user_id: SB_USER.id }, status: 409,
    setup: (ctx, fake) => fake.admin('POST', '/__admin/faults', { id: 'contract-23505', match: { method: 'POST', path: '/rest/v1/provisioning_jobs' }, times: 1, action: { error: '23505' } }) },
  { name: 'select the active number (step 2)', method: 'GET', path: '/rest/v1/phone_numbers', query: `select=*&user_id=eq.${SB_USER.id}&status=eq.active&limit=1`, headers: rest(), status: 200 },
  { name: 'patch phone_numbers (return=representation)', method: 'PATCH', path: '/rest/v1/phone_numbers', query: `twilio_sid=eq.${SID}&select=*`, headers: rest('return=representation'),
    body: { livekit_trunk_id: 'ST_7pQ2mXkT9aBc', dispatch_rule_id: 'SDR_4hN8vW2yZq7L' }, status: 200 },
  { name: 'patch phone_numbers (return=minimal)', method: 'PATCH', path: '/rest/v1/phone_numbers', query: `twilio_sid=eq.${SID}`, headers: rest('return=minimal'), body: { job_id: 'job-2' }, status: 204 },
  { name: 'insert the job row', method: 'POST', path: '/rest/v1/provisioning_jobs', query: 'select=*', headers: rest('return=representation'),
    body: { id: 'job-1', user_id: SB_USER.id, status: 'running', step: 'created', owner: 'run-a', lease_expires_at: '2099-01-01T00:00:00Z' }, status: 201 },
  { name: 'claim the job lease (or filter)', method: 'PATCH', path: '/rest/v1/provisioning_jobs',
    query: 'id=eq.job-1&or=(owner.is.null,owner.eq.run-a,lease_expires_at.lt.2000-01-01T00:00:00Z)&select=*', headers: rest('return=representation'),
    body: { owner: 'run-a', step: 'searched', attempts: 1 }, status: 200 },
  { name: 'select jobs ordered', method: 'GET', path: '/rest/v1/provisioning_jobs', query: 'select=*&status=in.(running,pending)&order=updated_at.desc&limit=10', headers: rest(), status: 200 },
  { name: 'select with an unknown column: 400 42703', method: 'GET', path: '/rest/v1/phone_numbers', query: 'select=*&order=nope.desc', headers: rest(), status: 400, offContract: true },
  { name: 'insert with an unknown column: 400 PGRST204', method: 'POST', path: '/rest/v1/phone_numbers', headers: rest('return=minimal'), body: { nope: 1 }, status: 400, offContract: true },
  { name: 'insert without a NOT NULL column: 400 23502', method: 'POST', path: '/rest/v1/phone_numbers', headers: rest('return=minimal'),
    body: { user_id: SB_USER.id, phone_number: '+14155550199', country_code: 'US', number_type: 'local' }, status: 400, offContract: true },
  { name: 'select with a bad JWT: 401', method: 'GET', path: '/rest/v1/phone_numbers', query: 'select=*', headers: { apikey: SB_ANON, authorization: 'Bearer garbage' }, status: 401 },
  { name: 'delete the job (return=representation)', method: 'DELETE', path: '/rest/v1/provisioning_jobs', query: 'id=eq.job-1&select=*', headers: rest('return=representation'), status: 200 },
  { name: 'delete the number (return=minimal)', method: 'DELETE', path: '/rest/v1/phone_numbers', query: `twilio_sid=eq.${SID}`, headers: rest('return=minimal'), status: 204 },
  { name: 'delete a profile that does not exist (return=representation): []', method: 'DELETE', path: '/rest/v1/profiles', query: 'id=eq.00000000-0000-4000-8000-000000000000&select=*', headers: rest('return=representation'), status: 200 },
  { name: 'rate limited select: 429', method: 'GET', path: '/rest/v1/profiles', query: 'select=*', headers: rest(), status: 429,
    setup: async (ctx, fake) => {
      await fake.admin('POST', '/__admin/rate-limits', { id: 'contract-rl', match: { path: '/rest/v1/profiles' }, limit: 1, per_ms: 600000, retry_after_s: 1 });
      await fetch(`${fake.url}/rest/v1/profiles?select=*`, { headers: rest() });
    } },
  { name: 'sign out', method: 'POST', path: '/auth/v1/logout', query: 'scope=global', headers: (ctx) => ({ ...user(ctx), 'content-type': 'application/json;charset=UTF-8' }), status: 204 },
];
