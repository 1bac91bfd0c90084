// fake_livekit over Twirp's protobuf encoding (Content-Type: application/protobuf), as the Go,
// Python and other Twirp clients speak it by default. Requests are encoded and answers decoded
// with the generated classes of @livekit/protocol (the copy livekit-server-sdk pins), so the
// fake's hand-written codec is checked against protobuf-es, not against itself; the same calls
// over JSON must give the same messages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AccessToken } from 'livekit-server-sdk';
import {
  CreateSIPDispatchRuleRequest,
  CreateSIPInboundTrunkRequest,
  GetSIPInboundTrunkRequest,
  GetSIPInboundTrunkResponse,
  ListSIPDispatchRuleRequest,
  ListSIPDispatchRuleResponse,
  ListSIPInboundTrunkRequest,
  ListSIPInboundTrunkResponse,
  SIPDispatchRuleInfo,
  SIPInboundTrunkInfo,
  UpdateSIPInboundTrunkRequest,
} from '@livekit/protocol';
import { startFake } from './lib/fake.mjs';

let fake;
let token;

before(async () => {
  fake = await startFake('fake_livekit');
  const at = new AccessToken('devkey', 'secret', { ttl: '10m' });
  at.addSIPGrant({ admin: true });
  token = await at.toJwt();
});

after(async () => {
  assert.equal(await fake.stop(), 0);
});

async function twirp(method, body, type) {
  const res = await fetch(`${fake.url}/twirp/livekit.SIP/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    body,
  });
  return { status: res.status, type: res.headers.get('content-type'), bytes: new Uint8Array(await res.arrayBuffer()) };
}

// A protobuf call: the request message in, the answer decoded as Answer.
async function pb(method, request, Answer) {
  const r = await twirp(method, request.toBinary(), 'application/protobuf');
  if (r.status !== 200) return { status: r.status, type: r.type, error: JSON.parse(new TextDecoder().decode(r.bytes)) };
  assert.equal(r.type, 'application/protobuf');
  return { status: 200, message: Answer.fromBinary(r.bytes) };
}

// The same call over JSON, the answer read as the SDK reads it.
async function json(method, request, Answer) {
  const r = await twirp(method, JSON.stringify(request.toJson()), 'application/json');
  assert.equal(r.status, 200);
  return Answer.fromJson(JSON.parse(new TextDecoder().decode(r.bytes)), { ignoreUnknownFields: true });
}

test('create, get and list inbound trunks in protobuf; JSON answers the same messages', async () => {
  const created = await pb(
    'CreateSIPInboundTrunk',
    new CreateSIPInboundTrunkRequest({
      trunk: {
        name: 'pb-trunk',
        numbers: ['+15105550100'],
        allowedAddresses: ['203.0.113.0/24'],
        headers: { 'X-A': 'b' },
        ringingTimeout: { seconds: 30n, nanos: 500000000 },
        krispEnabled: true,
        media: { onlyListedCodecs: true, codecs: [{ name: 'PCMU', rate: 8000 }] },
        createdAt: { seconds: 1714550400n, nanos: 0 },
      },
    }),
    SIPInboundTrunkInfo,
  );
  assert.equal(created.status, 200);
  const t = created.message;
  assert.match(t.sipTrunkId, /^ST_[2-9A-HJ-NP-Za-km-z]{12}$/);
  assert.equal(t.name, 'pb-trunk');
  assert.deepEqual(t.headers, { 'X-A': 'b' });
  assert.equal(t.ringingTimeout.seconds, 30n);
  assert.equal(t.ringingTimeout.nanos, 500000000);
  assert.equal(t.media.codecs[0].name, 'PCMU');
  assert.equal(t.media.codecs[0].rate, 8000);
  assert.equal(t.createdAt.seconds, 1714550400n);

  const get = new GetSIPInboundTrunkRequest({ sipTrunkId: t.sipTrunkId });
  const viaPb = (await pb('GetSIPInboundTrunk', get, GetSIPInboundTrunkResponse)).message;
  const viaJson = await json('GetSIPInboundTrunk', get, GetSIPInboundTrunkResponse);
  assert.ok(viaPb.equals(viaJson), 'the protobuf and JSON answers differ');
  assert.ok(viaPb.trunk.equals(t));

  const list = await pb(
    'ListSIPInboundTrunk',
    new ListSIPInboundTrunkRequest({ numbers: ['+1 (510) 555-0100'], page: { limit: 1 } }),
    ListSIPInboundTrunkResponse,
  );
  assert.deepEqual(list.message.items.map((i) => i.sipTrunkId), [t.sipTrunkId]);
});

test('errors stay Twirp JSON; an update fills media in protobuf too', async () => {
  const a = await pb(
    'CreateSIPInboundTrunk',
    new CreateSIPInboundTrunkRequest({ trunk: { numbers: ['+14155550310'] } }),
    SIPInboundTrunkInfo,
  );
  const clash = await pb(
    'CreateSIPInboundTrunk',
    new CreateSIPInboundTrunkRequest({ trunk: { numbers: ['14155550310'] } }),
    SIPInboundTrunkInfo,
  );
  assert.equal(clash.status, 400);
  assert.equal(clash.type, 'application/json');
  assert.equal(clash.error.code, 'invalid_argument');
  assert.equal(
    clash.error.msg,
    `Conflicting inbound SIP Trunks: "<new>" and "${a.message.sipTrunkId}", using the same number(s) ["14155550310"] without AllowedNumbers set`,
  );

  const updated = await pb(
    'UpdateSIPInboundTrunk',
    new UpdateSIPInboundTrunkRequest({
      sipTrunkId: a.message.sipTrunkId,
      action: { case: 'update', value: { name: '' } },
    }),
    SIPInboundTrunkInfo,
  );
  assert.equal(updated.status, 200);
  assert.ok(updated.message.media, 'an update gives the trunk a media config');
  assert.equal(updated.message.media.onlyListedCodecs, false);

  const bad = await twirp('GetSIPInboundTrunk', new Uint8Array([0x0a, 0x05, 0x61]), 'application/protobuf');
  assert.equal(bad.status, 400);
  assert.deepEqual(JSON.parse(new TextDecoder().decode(bad.bytes)), {
    code: 'malformed',
    msg: 'the protobuf request could not be decoded',
  });
});

test('a dispatch rule in the dispatch_rule form, in protobuf', async () => {
  const r = await pb(
    'CreateSIPDispatchRule',
    new CreateSIPDispatchRuleRequest({
      dispatchRule: {
        rule: { rule: { case: 'dispatchRuleIndividual', value: { roomPrefix: 'call-' } } },
        trunkIds: ['ST_pb'],
        attributes: { k: 'v' },
        name: 'pb-rule',
      },
    }),
    SIPDispatchRuleInfo,
  );
  assert.equal(r.status, 200);
  assert.match(r.message.sipDispatchRuleId, /^SDR_/);
  assert.equal(r.message.rule.rule.case, 'dispatchRuleIndividual');
  assert.equal(r.message.rule.rule.value.roomPrefix, 'call-');
  assert.deepEqual(r.message.attributes, { k: 'v' });
  assert.ok(r.message.media, 'the dispatch_rule form is upgraded: media is set');
});

// A rule's room_config (RoomConfiguration, livekit_room.proto at the protocol livekit-server
// pins; its agents are how a telephony agent is dispatched) reads back in either encoding,
// whichever it was written in: the real server keeps the message, not the bytes or the text.
test('room_config with agents reads back across encodings', async () => {
  const made = await pb(
    'CreateSIPDispatchRule',
    new CreateSIPDispatchRuleRequest({
      dispatchRule: {
        rule: { rule: { case: 'dispatchRuleIndividual', value: { roomPrefix: 'rc-' } } },
        numbers: ['+15550007001'],
        roomConfig: { agents: [{ agentName: 'phone-agent', metadata: 'm' }], maxParticipants: 3, tags: { a: 'b' } },
      },
    }),
    SIPDispatchRuleInfo,
  );
  assert.equal(made.status, 200);
  const r = await twirp('CreateSIPDispatchRule', JSON.stringify({
    dispatch_rule: {
      rule: { dispatchRuleIndividual: { roomPrefix: 'rc2-' } },
      numbers: ['+15550007002'],
      roomConfig: { agents: [{ agentName: 'json-agent' }], emptyTimeout: 30 },
    },
  }), 'application/json');
  assert.equal(r.status, 200);
  const fromJson = JSON.parse(new TextDecoder().decode(r.bytes));
  // protojson with UseProtoNames and EmitUnpopulated: snake_case, every field written.
  assert.equal(fromJson.room_config.empty_timeout, 30);
  assert.equal(fromJson.room_config.agents[0].agent_name, 'json-agent');
  assert.equal(fromJson.room_config.agents[0].restart_policy, 'JRP_ON_FAILURE');
  assert.deepEqual(fromJson.room_config.tags, {});
  const viaPb = await pb('ListSIPDispatchRule', new ListSIPDispatchRuleRequest({}), ListSIPDispatchRuleResponse);
  const viaJson = await json('ListSIPDispatchRule', new ListSIPDispatchRuleRequest({}), ListSIPDispatchRuleResponse);
  for (const list of [viaPb.message.items, viaJson.items]) {
    const byNumber = Object.fromEntries(list.map((x) => [x.numbers[0], x]));
    assert.equal(byNumber['+15550007001'].roomConfig?.agents[0]?.agentName, 'phone-agent');
    assert.equal(byNumber['+15550007001'].roomConfig.maxParticipants, 3);
    assert.deepEqual(byNumber['+15550007001'].roomConfig.tags, { a: 'b' });
    assert.equal(byNumber['+15550007002'].roomConfig?.agents[0]?.agentName, 'json-agent');
    assert.equal(byNumber['+15550007002'].roomConfig.emptyTimeout, 30);
  }
});
