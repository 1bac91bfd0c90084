// livekit-server-sdk's SipClient against fake_livekit: trunks, dispatch rules, the number
// conflict and authentication failures, as the official SDK sees them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SipClient, ServerError } from 'livekit-server-sdk';
import { startFake } from './lib/fake.mjs';

let fake;
let sip;

before(async () => {
  fake = await startFake('fake_livekit');
  sip = new SipClient(fake.url, 'devkey', 'secret');
});

after(async () => {
  assert.equal(await fake.stop(), 0);
});

async function rejects(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail('expected the call to fail');
}

test('inbound trunk: create, list, update, delete', async () => {
  const trunk = await sip.createSipInboundTrunk('my-trunk', ['+15105550100'], {
    allowedAddresses: ['203.0.113.0/24'],
    krispEnabled: true,
    ringingTimeout: 30,
  });
  assert.match(trunk.sipTrunkId, /^ST_[2-9A-HJ-NP-Za-km-z]{12}$/);
  assert.equal(trunk.name, 'my-trunk');
  assert.deepEqual(trunk.numbers, ['+15105550100']);
  assert.deepEqual(trunk.allowedAddresses, ['203.0.113.0/24']);
  assert.equal(trunk.krispEnabled, true);
  assert.equal(trunk.ringingTimeout.seconds, 30n);

  const listed = await sip.listSipInboundTrunk();
  assert.deepEqual(listed.map((t) => t.sipTrunkId), [trunk.sipTrunkId]);
  const byNumber = await sip.listSipInboundTrunk({ numbers: ['+1 (510) 555-0100'] });
  assert.equal(byNumber.length, 1);
  const other = await sip.listSipInboundTrunk({ numbers: ['+15105559999'] });
  assert.equal(other.length, 0);

  const updated = await sip.updateSipInboundTrunkFields(trunk.sipTrunkId, {
    numbers: { add: ['+15105550101'], remove: ['+15105550100'] },
    name: 'renamed',
  });
  assert.equal(updated.sipTrunkId, trunk.sipTrunkId);
  assert.equal(updated.name, 'renamed');
  assert.deepEqual(updated.numbers, ['+15105550101']);
  assert.deepEqual(updated.allowedAddresses, ['203.0.113.0/24']);

  const deleted = await sip.deleteSipTrunk(trunk.sipTrunkId);
  assert.equal(deleted.sipTrunkId, trunk.sipTrunkId);
  assert.deepEqual(await sip.listSipInboundTrunk(), []);
});

test('dispatch rule: create, list, delete', async () => {
  const trunk = await sip.createSipInboundTrunk('rules', ['+15105550200']);
  const rule = await sip.createSipDispatchRule(
    { type: 'individual', roomPrefix: 'call-' },
    { name: 'rule', trunkIds: [trunk.sipTrunkId] },
  );
  assert.match(rule.sipDispatchRuleId, /^SDR_[2-9A-HJ-NP-Za-km-z]{12}$/);
  assert.equal(rule.name, 'rule');
  assert.deepEqual(rule.trunkIds, [trunk.sipTrunkId]);
  assert.equal(rule.rule.rule.case, 'dispatchRuleIndividual');
  assert.equal(rule.rule.rule.value.roomPrefix, 'call-');

  const all = await sip.listSipDispatchRule();
  assert.deepEqual(all.map((r) => r.sipDispatchRuleId), [rule.sipDispatchRuleId]);
  const forTrunk = await sip.listSipDispatchRule({ trunkIds: [trunk.sipTrunkId] });
  assert.equal(forTrunk.length, 1);
  const forOther = await sip.listSipDispatchRule({ trunkIds: ['ST_other'] });
  assert.equal(forOther.length, 0);

  const deleted = await sip.deleteSipDispatchRule(rule.sipDispatchRuleId);
  assert.equal(deleted.sipDispatchRuleId, rule.sipDispatchRuleId);
  assert.equal(deleted.name, 'rule');
  assert.deepEqual(await sip.listSipDispatchRule(), []);

  const missing = await rejects(sip.deleteSipDispatchRule(rule.sipDispatchRuleId));
  assert.ok(missing instanceof ServerError);
  assert.equal(missing.status, 404);
  assert.equal(missing.code, 'not_found');
  await sip.deleteSipTrunk(trunk.sipTrunkId);
});

test('a number on two inbound trunks is a conflict', async () => {
  const first = await sip.createSipInboundTrunk('first', ['+15105550300']);
  const err = await rejects(sip.createSipInboundTrunk('second', ['+15105550300']));
  assert.ok(err instanceof ServerError);
  assert.equal(err.status, 400);
  assert.equal(err.code, 'invalid_argument');
  assert.equal(
    err.message,
    `Conflicting inbound SIP Trunks: "<new>" and "${first.sipTrunkId}", ` +
      'using the same number(s) ["+15105550300"] without AllowedNumbers set',
  );
  // AllowedNumbers tell the trunks apart.
  const a = await sip.createSipInboundTrunk('a', ['+15105550400'], { allowedNumbers: ['+1555'] });
  const b = await sip.createSipInboundTrunk('b', ['+15105550400'], { allowedNumbers: ['+1666'] });
  assert.notEqual(a.sipTrunkId, b.sipTrunkId);
  for (const t of [first, a, b]) await sip.deleteSipTrunk(t.sipTrunkId);
});

test('outbound trunk: create and validation', async () => {
  const out = await sip.createSipOutboundTrunk('out', 'sip.example.com', ['+15105550199']);
  assert.match(out.sipTrunkId, /^ST_/);
  assert.equal(out.address, 'sip.example.com');
  const err = await rejects(sip.createSipOutboundTrunk('bad', '', ['+15105550199']));
  assert.equal(err.status, 400);
  assert.equal(err.code, 'invalid_argument');
  assert.equal(err.message, 'no outbound address specified');
  await sip.deleteSipTrunk(out.sipTrunkId);
});

test('a wrong secret is refused with 401', async () => {
  const wrong = new SipClient(fake.url, 'devkey', 'not-the-secret');
  const err = await rejects(wrong.listSipInboundTrunk());
  assert.ok(err instanceof ServerError);
  assert.equal(err.status, 401);
  assert.match(err.message, /^invalid authorization token: /);

  const unknown = new SipClient(fake.url, 'nokey', 'secret');
  const err2 = await rejects(unknown.listSipInboundTrunk());
  assert.equal(err2.status, 401);
  assert.equal(err2.message, 'invalid API key');
});
