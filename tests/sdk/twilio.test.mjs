// The official twilio-node 6.x against fake_twilio: search, buy, fetch, update, list with
// small pages, release, magic test numbers and auth failures. The SDK is pointed at the fake
// with a custom httpClient that rewrites https://api.twilio.com (docs/reference/twilio.md 9.1 A),
// which also rewrites the next-page URLs it follows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import twilio from 'twilio';
import { startFake } from './lib/fake.mjs';

const ACCOUNT = 'ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const TOKEN = 'test-auth-token';
const KEY = 'SK0123456789abcdef0123456789abcdef';
const SECRET = 'sdk-key-secret';

class FakeTwilioHttpClient extends twilio.RequestClient {
  constructor(baseUrl, opts) {
    super(opts);
    this.baseUrl = baseUrl.replace(/\/$/, '');
    this.uris = [];
  }

  request(opts) {
    opts.uri = opts.uri.replace(/^https:\/\/[^/]*twilio\.com/, this.baseUrl);
    // Query parameters travel apart from the URI (opts.params), except in next-page URIs.
    const query = new URLSearchParams(opts.params ?? {}).toString();
    this.uris.push(`${opts.method.toUpperCase()} ${opts.uri}${query ? `?${query}` : ''}`);
    return super.request(opts);
  }
}

let fake;
let http;
let client;

const makeClient = (user, pass, extra = {}) =>
  twilio(user, pass, {
    httpClient: new FakeTwilioHttpClient(fake.url, { timeout: 5000, autoRetry: false }),
    ...extra,
  });

async function rejectsWith(promise, status, code) {
  await assert.rejects(promise, (err) => {
    assert.equal(err.status, status, `status of ${err.message}`);
    assert.equal(err.code, code, `code of ${err.message}`);
    assert.match(err.moreInfo, /twilio\.com\/docs\/errors\//);
    return true;
  });
}

before(async () => {
  fake = await startFake('fake_twilio', ['--seed', '3', '--api-key', KEY, '--api-secret', SECRET]);
  http = new FakeTwilioHttpClient(fake.url, { timeout: 5000, autoRetry: false });
  client = twilio(ACCOUNT, TOKEN, { httpClient: http });
});

after(async () => {
  const code = await fake.stop();
  assert.equal(code, 0, 'fake_twilio exits cleanly (no leaks)');
});

test('search local numbers with filters', async () => {
  const found = await client.availablePhoneNumbers('US').local.list({
    areaCode: 415,
    smsEnabled: true,
    voiceEnabled: true,
    limit: 5,
  });
  assert.equal(found.length, 5);
  for (const n of found) {
    assert.match(n.phoneNumber, /^\+1415\d{7}$/);
    assert.equal(n.friendlyName, `(415) ${n.phoneNumber.slice(5, 8)}-${n.phoneNumber.slice(8)}`);
    assert.equal(n.isoCountry, 'US');
    assert.equal(n.region, 'CA');
    assert.equal(n.locality, 'San Francisco');
    assert.match(n.latitude, /^-?\d+\.\d{6}$/);
    assert.equal(n.capabilities.SMS, true);
    assert.equal(n.capabilities.voice, true);
    assert.equal(typeof n.capabilities.MMS, 'boolean');
  }
  assert.ok(http.uris.some((u) => u.includes('AreaCode=415') && u.includes('PageSize=5')));

  const tollFree = await client.availablePhoneNumbers('US').tollFree.list({ limit: 2 });
  assert.equal(tollFree.length, 2);
  assert.equal(tollFree[0].latitude, null);
  assert.equal(tollFree[0].rateCenter, null);

  const gb = await client.availablePhoneNumbers('GB').mobile.list({ contains: '+447%', limit: 3 });
  assert.equal(gb.length, 3);
  assert.equal(gb[0].friendlyName, gb[0].phoneNumber);
});

test('buy, fetch, update, list in small pages and release', async () => {
  const [candidate] = await client.availablePhoneNumbers('US').local.list({ areaCode: 206, limit: 1 });
  const bought = await client.incomingPhoneNumbers.create({
    phoneNumber: candidate.phoneNumber,
    friendlyName: 'sdk-job-1',
    voiceUrl: 'https://voice.test/answer',
  });
  assert.match(bought.sid, /^PN[0-9a-f]{32}$/);
  assert.equal(bought.phoneNumber, candidate.phoneNumber);
  assert.equal(bought.friendlyName, 'sdk-job-1');
  assert.equal(bought.voiceUrl, 'https://voice.test/answer');
  assert.equal(bought.accountSid, ACCOUNT);
  assert.equal(bought.status, 'in-use');
  assert.ok(bought.dateCreated instanceof Date && !Number.isNaN(bought.dateCreated.getTime()));
  assert.equal(bought.capabilities.sms !== undefined, true);

  // Bought numbers leave the inventory; buying one twice is 21422.
  const again = await client.availablePhoneNumbers('US').local.list({
    contains: `+${candidate.phoneNumber.slice(1)}$`,
  });
  assert.equal(again.length, 0);
  await rejectsWith(
    client.incomingPhoneNumbers.create({ phoneNumber: candidate.phoneNumber }),
    400,
    21422,
  );

  const fetched = await client.incomingPhoneNumbers(bought.sid).fetch();
  assert.equal(fetched.phoneNumber, candidate.phoneNumber);
  const updated = await client.incomingPhoneNumbers(bought.sid).update({
    friendlyName: 'renamed',
    smsUrl: 'https://sms.test/in',
  });
  assert.equal(updated.friendlyName, 'renamed');
  assert.equal(updated.smsUrl, 'https://sms.test/in');
  assert.equal(updated.voiceUrl, 'https://voice.test/answer');

  for (let i = 0; i < 4; i++) {
    await client.incomingPhoneNumbers.create({ areaCode: '212', friendlyName: 'paged' });
  }
  http.uris.length = 0;
  const all = await client.incomingPhoneNumbers.list({ friendlyName: 'paged', pageSize: 2 });
  assert.equal(all.length, 4);
  assert.ok(all.every((n) => n.phoneNumber.startsWith('+1212')));
  const pageRequests = http.uris.filter((u) => u.includes('IncomingPhoneNumbers.json'));
  assert.equal(pageRequests.length, 2, pageRequests.join('\n'));
  assert.ok(pageRequests[1].includes('Page=1') && pageRequests[1].includes('FriendlyName=paged'));

  const first = await client.incomingPhoneNumbers.page({ friendlyName: 'paged', pageSize: 3 });
  assert.equal(first.instances.length, 3);
  const second = await first.nextPage();
  assert.equal(second.instances.length, 1);
  assert.equal(await second.nextPage(), undefined);

  assert.equal(await client.incomingPhoneNumbers(bought.sid).remove(), true);
  await rejectsWith(client.incomingPhoneNumbers(bought.sid).fetch(), 404, 20404);
  const back = await client.availablePhoneNumbers('US').local.list({
    contains: `+${candidate.phoneNumber.slice(1)}$`,
  });
  assert.equal(back.length, 1, 'a released number returns to the inventory');
});

test('test-credential magic numbers', async () => {
  const ok = await client.incomingPhoneNumbers.create({ phoneNumber: '+15005550006' });
  assert.equal(ok.phoneNumber, '+15005550006');
  const byArea = await client.incomingPhoneNumbers.create({ areaCode: '500' });
  assert.equal(byArea.phoneNumber, '+15005550006');
  assert.equal(byArea.friendlyName, '(500) 555-0006');
  await rejectsWith(client.incomingPhoneNumbers.create({ phoneNumber: '+15005550000' }), 400, 21422);
  await rejectsWith(client.incomingPhoneNumbers.create({ phoneNumber: '+15005550001' }), 400, 21421);
  await rejectsWith(client.incomingPhoneNumbers.create({ areaCode: '533' }), 400, 21452);
});

test('credentials: API key works, wrong token and other accounts get 20003', async () => {
  const viaKey = makeClient(KEY, SECRET, { accountSid: ACCOUNT });
  const listed = await viaKey.incomingPhoneNumbers.list({ limit: 1 });
  assert.ok(Array.isArray(listed));

  await rejectsWith(makeClient(ACCOUNT, 'wrong-token').incomingPhoneNumbers.list(), 401, 20003);
  await rejectsWith(
    makeClient(ACCOUNT, 'wrong-token').availablePhoneNumbers('US').local.list({ limit: 1 }),
    401,
    20003,
  );

  const other = 'ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
  const res = await fake.admin('POST', '/__admin/state', {
    accounts: [{ sid: other, auth_token: 'other-token' }],
  });
  assert.ok(res.status < 300, JSON.stringify(res.body));
  const otherClient = makeClient(other, 'other-token');
  assert.deepEqual(
    (await otherClient.incomingPhoneNumbers.list()).map((n) => n.accountSid),
    [],
    'a new account owns nothing',
  );
  // The other account's credentials on the default account's path.
  const cross = makeClient(other, 'other-token', { accountSid: other });
  await rejectsWith(cross.api.v2010.accounts(ACCOUNT).incomingPhoneNumbers.list(), 401, 20003);
});

test('fault rules answer in Twilio error shape', async () => {
  const added = await fake.admin('POST', '/__admin/faults', {
    id: 'sdk-buy-fails',
    match: { method: 'POST', path: '/2010-04-01/Accounts/*/IncomingPhoneNumbers.json' },
    times: 1,
    action: { error: '21422' },
  });
  assert.equal(added.status, 201);
  await rejectsWith(client.incomingPhoneNumbers.create({ areaCode: '305' }), 400, 21422);
  const bought = await client.incomingPhoneNumbers.create({ areaCode: '305' });
  assert.match(bought.phoneNumber, /^\+1305/);
});
