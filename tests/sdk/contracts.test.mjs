// Contract checks (issue 7): contracts/{twilio,livekit,supabase}.openapi.json against
//  (1) every answer the fakes give to the replayed cases in contracts/cases.mjs,
//  (2) every request the provisioner sends during a provision/release run (from the journals),
//  (3) the official Twilio OpenAPI subset, allowing only contracts/deviations.json,
//  (4) livekit_sip.proto, field for field,
//  (5) the real services, read-only, when CONTRACT_* credentials are set (skipped otherwise).
// Run: cd tests/sdk && BIN=../../build/asan/bin node --test contracts.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startFake } from './lib/fake.mjs';
import { contract, repoRoot } from './contracts/openapi.mjs';
import { compareWithOfficial, loadOfficial, loadDeviations } from './contracts/official.mjs';
import { parseProto, jsonTypesFor } from './contracts/proto.mjs';
import {
  twilioCases, livekitCases, supabaseCases, livekitToken, SB_USER, SB_ANON, SB_SERVICE, TWILIO_SID, TWILIO_TOKEN, LK_KEY, LK_SECRET,
} from './contracts/cases.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const binDir = process.env.BIN ? path.resolve(process.env.BIN) : path.resolve(here, '..', '..', 'build', 'asan', 'bin');
const haveBin = (name) => fs.existsSync(path.join(binDir, name));
const protoFile = path.join(repoRoot, 'contracts', 'upstream', 'livekit_sip.proto');
// fake_supabase's default --schema is relative to the working directory (the repo root)
const fakeArgs = (bin) => (bin === 'fake_supabase' ? ['--schema', path.join(repoRoot, 'fake_supabase', 'schema.sql')] : []);
const list = (problems) => problems.map((p) => `  - ${p}`).join('\n');

const resolve = (v, ctx) => (typeof v === 'function' ? v(ctx) : v);

/* Send one case to a base URL; returns {status, headers, text, request}. */
async function send(base, c, ctx) {
  const p = resolve(c.path, ctx);
  const query = resolve(c.query, ctx) || '';
  const headers = { ...(resolve(c.headers, ctx) || {}) };
  let body = resolve(c.body, ctx);
  if (body !== undefined && typeof body !== 'string') body = JSON.stringify(body);
  const res = await fetch(`${base}${p}${query ? `?${query}` : ''}`, { method: c.method, headers, body });
  const text = await res.text();
  return {
    status: res.status, headers: Object.fromEntries(res.headers.entries()), text,
    request: { method: c.method, path: p, query, headers, body: body ?? '' },
  };
}

// ---------------------------------------------------------------------------------------------
// (1) every answer the fakes give validates
const SERVICES = [
  { svc: 'twilio', bin: 'fake_twilio', cases: twilioCases },
  { svc: 'livekit', bin: 'fake_livekit', cases: livekitCases },
  { svc: 'supabase', bin: 'fake_supabase', cases: supabaseCases },
];

for (const { svc, bin, cases } of SERVICES) {
  describe(`(1) ${bin} answers conform to contracts/${svc}.openapi.json`, () => {
    const c = contract(svc);
    const ctx = {};
    let fake = null;
    const missing = !haveBin(bin);
    before(async () => {
      if (missing) return;
      fake = await startFake(bin, fakeArgs(bin));
      ctx.lkToken = livekitToken();
    });
    after(async () => {
      if (fake) assert.equal(await fake.stop(), 0, `${bin} exit status (LeakSanitizer reports make it non-zero)`);
    });
    for (const k of cases) {
      it(k.name, async (t) => {
        if (missing) return t.skip(`${bin} not built in ${binDir}`);
        if (k.setup) await k.setup(ctx, fake);
        const r = await send(fake.url, k, ctx);
        const problems = [];
        if (r.status !== k.status) problems.push(`status ${r.status}, the case expects ${k.status}; body ${r.text.slice(0, 300)}`);
        problems.push(...c.checkResponse(k.method, r.request.path, r.status, r.headers, r.text));
        for (const h of k.expectHeaders || []) if (!(h in r.headers)) problems.push(`header ${h} missing`);
        if (!k.offContract) problems.push(...c.checkRequest(r.request).map((p) => `(the case itself) ${p}`));
        assert.equal(problems.length, 0, `${k.method} ${r.request.path}${r.request.query ? `?${r.request.query}` : ''}:\n${list(problems)}`);
        if (k.after && r.text) k.after(JSON.parse(r.text), ctx);
      });
    }
    it('every contract operation has a replayed case', (t) => {
      if (missing) return t.skip(`${bin} not built in ${binDir}`);
      const hit = new Set();
      for (const k of cases) {
        const f = c.find(k.method, typeof k.path === 'function' ? k.path(new Proxy({}, { get: () => 'X' })) : k.path);
        if (f) hit.add(f.opId);
      }
      const uncovered = c.operations().filter((o) => !o.op['x-fake-optional'] && !hit.has(o.opId)).map((o) => o.opId);
      assert.deepEqual(uncovered, [], 'operations without a case in contracts/cases.mjs');
    });
  });
}

// ---------------------------------------------------------------------------------------------
// (2) every request the provisioner sends validates
function run(args, env) {
  return new Promise((resolveRun) => {
    const child = spawn(path.join(binDir, 'provisioner'), args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('exit', (code) => resolveRun({ code, out, err }));
  });
}

describe('(2) every request the provisioner sends conforms', () => {
  const need = ['provisioner', 'fake_twilio', 'fake_livekit', 'fake_supabase'].filter((b) => !haveBin(b));
  const fakes = {};
  let env = {};
  let token = '';
  before(async () => {
    if (need.length) return;
    fakes.twilio = await startFake('fake_twilio');
    fakes.livekit = await startFake('fake_livekit');
    fakes.supabase = await startFake('fake_supabase', fakeArgs('fake_supabase'));
    const seeded = await fakes.supabase.admin('POST', '/__admin/state', { users: [SB_USER] });
    assert.ok(seeded.status < 300, `seeding the user: ${JSON.stringify(seeded)}`);
    const res = await fetch(`${fakes.supabase.url}/auth/v1/token?grant_type=password`, {
      method: 'POST', headers: { apikey: SB_ANON, 'content-type': 'application/json' },
      body: JSON.stringify({ email: SB_USER.email, password: SB_USER.password }),
    });
    const session = await res.json();
    assert.equal(res.status, 200, `sign in: ${JSON.stringify(session)}`);
    token = session.access_token;
    env = {
      TWILIO_API_BASE: fakes.twilio.url, TWILIO_ACCOUNT_SID: TWILIO_SID, TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
      SUPABASE_URL: fakes.supabase.url, SUPABASE_ANON_KEY: SB_ANON, SUPABASE_SERVICE_ROLE_KEY: SB_SERVICE,
      LIVEKIT_URL: fakes.livekit.url, LIVEKIT_API_KEY: LK_KEY, LIVEKIT_API_SECRET: LK_SECRET,
      PROV_DEADLINE_MS: '20000',
    };
  });
  after(async () => {
    for (const [name, f] of Object.entries(fakes)) assert.equal(await f.stop(), 0, `fake_${name} exit status`);
  });
  const skipMsg = () => `${need.join(', ')} not built in ${binDir}: provisioner request check skipped`;

  it('provisioner provision succeeds against the fakes', async (t) => {
    if (need.length) return t.skip(skipMsg());
    const r = await run(['provision', '--user-token', token], env);
    assert.equal(r.code, 0, `exit ${r.code}\nstdout: ${r.out}\nstderr: ${r.err.slice(0, 2000)}`);
    const o = JSON.parse(r.out);
    assert.match(o.twilio_sid, /^PN[0-9a-f]{32}$/);
  });
  it('provisioner provision again answers existing', async (t) => {
    if (need.length) return t.skip(skipMsg());
    const r = await run(['provision', '--user-token', token], env);
    assert.equal(r.code, 0, `exit ${r.code}\nstdout: ${r.out}\nstderr: ${r.err.slice(0, 2000)}`);
    assert.equal(JSON.parse(r.out).status, 'existing');
  });
  it('provisioner reconcile and release run (their requests are checked below)', async (t) => {
    if (need.length) return t.skip(skipMsg());
    const rec = await run(['reconcile'], env);
    const rel = await run(['release', '--user-token', token], env);
    assert.equal(rel.code, 0, `release exit ${rel.code}\nstdout: ${rel.out}\nstderr: ${rel.err.slice(0, 2000)}`);
    assert.ok([0, 9].includes(rec.code), `reconcile exit ${rec.code}\nstdout: ${rec.out}\nstderr: ${rec.err.slice(0, 2000)}`);
  });
  for (const svc of ['twilio', 'livekit', 'supabase']) {
    it(`every request the provisioner sent to fake_${svc} matches contracts/${svc}.openapi.json`, async (t) => {
      if (need.length) return t.skip(skipMsg());
      const j = await fakes[svc].admin('GET', '/__admin/requests');
      const entries = Array.isArray(j.body) ? j.body : j.body.requests;
      assert.ok(entries.length > 0, `fake_${svc} journaled no request`);
      const c = contract(svc);
      const problems = [];
      const ops = new Set();
      for (const e of entries) {
        // the test's own sign-in is not the provisioner's
        if (svc === 'supabase' && e.path === '/auth/v1/token') continue;
        const f = c.find(e.method, e.path);
        if (f) ops.add(f.opId);
        problems.push(...c.checkRequest(e).map((p) => `#${e.seq} ${e.method} ${e.path}${e.query ? `?${e.query}` : ''}: ${p}`));
      }
      t.diagnostic(`${entries.length} requests, operations: ${[...ops].join(', ')}`);
      assert.equal(problems.length, 0, `requests outside the contract:\n${list(problems)}`);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// (3) the Twilio contract agrees with the official spec
describe('(3) contracts/twilio.openapi.json agrees with the official Twilio OpenAPI', () => {
  it('every official response property exists in ours with a compatible type (deviations.json aside)', () => {
    const r = compareWithOfficial(loadOfficial(), contract('twilio').doc, loadDeviations());
    assert.ok(r.compared >= 7, `compared only ${r.compared} official response schemas`);
    assert.equal(r.problems.length, 0, `differences not listed in contracts/deviations.json:\n${list(r.problems)}`);
  });
  it('every deviation in deviations.json is still needed and says why', () => {
    const devs = loadDeviations();
    const r = compareWithOfficial(loadOfficial(), contract('twilio').doc, devs);
    assert.deepEqual(r.unused, [], 'deviations that no longer match a difference (remove them)');
    for (const d of devs) assert.ok(d.reason && d.reason.length > 20 && d.evidence?.length, `deviation ${d.id} needs a reason and evidence`);
  });
  it('the official examples validate against our contract', () => {
    const official = loadOfficial();
    const c = contract('twilio');
    const problems = [];
    let n = 0;
    for (const [tpl, item] of Object.entries(official.paths)) {
      for (const m of ['get', 'post', 'delete']) {
        for (const [status, resp] of Object.entries(item[m]?.responses || {})) {
          for (const [name, ex] of Object.entries(resp.content?.['application/json']?.examples || {})) {
            const p = tpl.replace('{AccountSid}', TWILIO_SID).replace('{CountryCode}', 'US').replace('{Sid}', 'PNaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
            // the official examples use lower-case capabilities in search results: the one known
            // difference from live answers (deviations.json); normalise them as the live API sends them
            const body = JSON.parse(JSON.stringify(ex.value), (k, v) => (k === 'capabilities' && p.includes('/AvailablePhoneNumbers/') && v
              ? { voice: v.voice, SMS: v.sms, MMS: v.mms, ...(v.fax !== undefined ? { fax: v.fax } : {}) } : v));
            n++;
            problems.push(...c.checkResponse(m.toUpperCase(), p, Number(status), { 'content-type': 'application/json' }, JSON.stringify(body)).map((x) => `${name}: ${x}`));
          }
        }
      }
    }
    assert.ok(n > 0);
    assert.equal(problems.length, 0, list(problems));
  });
});

// ---------------------------------------------------------------------------------------------
// (4) the LiveKit contract agrees with livekit_sip.proto
const LK_RPCS = ['CreateSIPInboundTrunk', 'ListSIPInboundTrunk', 'GetSIPInboundTrunk', 'UpdateSIPInboundTrunk', 'DeleteSIPTrunk',
  'CreateSIPOutboundTrunk', 'ListSIPOutboundTrunk', 'CreateSIPDispatchRule', 'ListSIPDispatchRule', 'UpdateSIPDispatchRule', 'DeleteSIPDispatchRule'];

/* JSON types our schema allows, seeing through $ref/allOf/anyOf and nullable. */
function ourTypes(doc, s) {
  const types = new Set();
  let items = null;
  const visit = (x) => {
    while (x && x.$ref) x = doc.components.schemas[x.$ref.split('/').pop()];
    if (!x) return;
    if (x.type) types.add(x.type);
    if (x.nullable) types.add('null');
    if (x.items) items = x.items;
    for (const k of ['allOf', 'anyOf', 'oneOf']) (x[k] || []).forEach(visit);
  };
  visit(s);
  return { types, items };
}
const camel = (s) => s.replace(/_([a-z0-9])/g, (_, ch) => ch.toUpperCase());

describe('(4) contracts/livekit.openapi.json agrees with livekit_sip.proto', () => {
  // The proto is vendored (contracts/upstream/README.md): a missing file is a failure, not a skip.
  const proto = parseProto(protoFile);
  const doc = contract('livekit').doc;
  const text = fs.readFileSync(protoFile, 'utf8');
  // messages reachable from the RPCs the contract covers, within this .proto
  const used = new Set();
  const queue = [];
  for (const m of LK_RPCS) {
    const r = new RegExp(`rpc\\s+${m}\\s*\\(\\s*(\\w+)\\s*\\)\\s*returns\\s*\\(\\s*(\\w+)\\s*\\)`).exec(text);
    assert.ok(r, `rpc ${m} not found in the proto`);
    queue.push(r[1], r[2]);
  }
  while (queue.length) {
    const n = queue.pop();
    if (used.has(n) || !proto.messages[n]) continue;
    used.add(n);
    for (const f of proto.messages[n]) if (proto.messages[f.type]) queue.push(f.type);
  }
  it('every RPC of the contract is a livekit.SIP method in the proto', () => {
    for (const m of LK_RPCS) assert.ok(doc.paths[`/twirp/livekit.SIP/${m}`], `path for ${m}`);
    assert.equal(Object.keys(doc.paths).length, LK_RPCS.length);
  });
  for (const name of [...used].sort()) {
    it(`message ${name}`, () => {
      const fields = proto.messages[name];
      const variants = [];
      if (doc.components.schemas[name]) variants.push({ schema: name, input: /Request$/.test(name) });
      if (doc.components.schemas[`${name}Input`]) variants.push({ schema: `${name}Input`, input: true });
      assert.ok(variants.length, `no schema ${name} or ${name}Input in the contract`);
      const problems = [];
      for (const v of variants) {
        const s = doc.components.schemas[v.schema];
        const expectNames = new Set();
        for (const f of fields) {
          const names = v.input ? [camel(f.name), f.name] : [f.name];
          names.forEach((x) => expectNames.add(x));
          for (const key of names) {
            const ours = s.properties?.[key];
            if (!ours) { problems.push(`${v.schema}: field ${key} (${f.repeated ? 'repeated ' : ''}${f.map ? 'map ' : ''}${f.type}) missing`); continue; }
            const want = jsonTypesFor(f, proto.enums);
            const { types, items } = ourTypes(doc, ours);
            const nonNull = [...types].filter((x) => x !== 'null');
            if (!nonNull.length || !nonNull.every((x) => want.has(x) || (x === 'integer' && want.has('number')))) {
              problems.push(`${v.schema}.${key}: proto ${f.repeated ? 'repeated ' : ''}${f.type} wants ${[...want].join('|')}, contract has ${[...types].join('|') || 'untyped'}`);
            }
            if (types.has('null') && !v.input && !(want.has('object') && !f.map) && !f.optional && f.type !== 'google.protobuf.Duration' && f.type !== 'google.protobuf.Timestamp') {
              problems.push(`${v.schema}.${key}: nullable, but the server always sends ${f.type} (EmitUnpopulated)`);
            }
            if (f.repeated && items) {
              const it2 = ourTypes(doc, items).types;
              const wantItem = jsonTypesFor({ ...f, repeated: false }, proto.enums);
              if (![...it2].filter((x) => x !== 'null').every((x) => wantItem.has(x))) problems.push(`${v.schema}.${key}[]: items ${[...it2].join('|')}, proto ${f.type}`);
            }
          }
        }
        for (const k of Object.keys(s.properties || {})) if (!expectNames.has(k)) problems.push(`${v.schema}: field ${k} is not in proto message ${name}`);
        if (!v.input) {
          const req = new Set(s.required || []);
          for (const f of fields) if (!f.oneof && !f.optional && !req.has(f.name)) problems.push(`${v.schema}: ${f.name} not required (the server sends every field)`);
        }
      }
      assert.equal(problems.length, 0, list(problems));
    });
  }
});

// ---------------------------------------------------------------------------------------------
// (5) real services, read-only
const env = process.env;
describe('(5) real-service contract checks (read-only)', () => {
  const twOn = env.CONTRACT_TWILIO_SID && env.CONTRACT_TWILIO_TOKEN;
  const sbOn = env.CONTRACT_SUPABASE_URL && env.CONTRACT_SUPABASE_KEY;
  const lkOn = env.CONTRACT_LIVEKIT_URL && env.CONTRACT_LIVEKIT_KEY && env.CONTRACT_LIVEKIT_SECRET;
  const real = async (svc, base, k) => {
    const r = await send(base, k, {});
    const problems = contract(svc).checkResponse(k.method, r.request.path, r.status, r.headers, r.text);
    if (k.status && r.status !== k.status) problems.unshift(`status ${r.status}, expected ${k.status}: ${r.text.slice(0, 300)}`);
    assert.equal(problems.length, 0, `${k.method} ${r.request.path}:\n${list(problems)}`);
  };
  const twBase = (env.CONTRACT_TWILIO_BASE || 'https://api.twilio.com').replace(/\/$/, '');
  const twAuth = () => ({ authorization: 'Basic ' + Buffer.from(`${env.CONTRACT_TWILIO_SID}:${env.CONTRACT_TWILIO_TOKEN}`).toString('base64') });
  const twPath = (p) => `/2010-04-01/Accounts/${env.CONTRACT_TWILIO_SID}${p}`;
  const twSkip = 'CONTRACT_TWILIO_SID not set: real Twilio contract check skipped';
  it('Twilio: search Local numbers', async (t) => {
    if (!twOn) return t.skip(twSkip);
    await real('twilio', twBase, { method: 'GET', path: twPath('/AvailablePhoneNumbers/US/Local.json'), query: 'PageSize=3', headers: twAuth(), status: 200 });
  });
  it('Twilio: search TollFree numbers', async (t) => {
    if (!twOn) return t.skip(twSkip);
    await real('twilio', twBase, { method: 'GET', path: twPath('/AvailablePhoneNumbers/US/TollFree.json'), query: 'PageSize=3', headers: twAuth(), status: 200 });
  });
  it('Twilio: list IncomingPhoneNumbers', async (t) => {
    if (!twOn) return t.skip(twSkip);
    await real('twilio', twBase, { method: 'GET', path: twPath('/IncomingPhoneNumbers.json'), query: 'PageSize=5', headers: twAuth(), status: 200 });
  });
  it('Twilio: fetch an unknown SID answers 404 in the contract\'s error shape', async (t) => {
    if (!twOn) return t.skip(twSkip);
    await real('twilio', twBase, { method: 'GET', path: twPath('/IncomingPhoneNumbers/PN00000000000000000000000000000000.json'), headers: twAuth(), status: 404 });
  });

  const sbBase = (env.CONTRACT_SUPABASE_URL || '').replace(/\/$/, '');
  const sbKey = () => ({ apikey: env.CONTRACT_SUPABASE_KEY, authorization: `Bearer ${env.CONTRACT_SUPABASE_KEY}` });
  const sbSkip = 'CONTRACT_SUPABASE_URL not set: real Supabase contract check skipped';
  it('Supabase: GET /auth/v1/settings', async (t) => {
    if (!sbOn) return t.skip(sbSkip);
    await real('supabase', sbBase, { method: 'GET', path: '/auth/v1/settings', headers: { apikey: env.CONTRACT_SUPABASE_KEY }, status: 200 });
  });
  it('Supabase: select on phone_numbers (a row, or a contract-shaped error)', async (t) => {
    if (!sbOn) return t.skip(sbSkip);
    await real('supabase', sbBase, { method: 'GET', path: '/rest/v1/phone_numbers', query: 'select=*&limit=1', headers: sbKey() });
  });
  it('Supabase: GET /auth/v1/user with a garbage token answers a GoTrue error', async (t) => {
    if (!sbOn) return t.skip(sbSkip);
    await real('supabase', sbBase, { method: 'GET', path: '/auth/v1/user', headers: { apikey: env.CONTRACT_SUPABASE_KEY, authorization: 'Bearer garbage', 'x-supabase-api-version': '2024-01-01' } });
  });

  const lkBase = (env.CONTRACT_LIVEKIT_URL || '').replace(/^ws/, 'http').replace(/\/$/, '');
  const lkH = () => ({ authorization: `Bearer ${livekitToken(env.CONTRACT_LIVEKIT_KEY, env.CONTRACT_LIVEKIT_SECRET)}`, 'content-type': 'application/json' });
  const lkSkip = 'CONTRACT_LIVEKIT_URL not set: real LiveKit contract check skipped';
  for (const m of ['ListSIPInboundTrunk', 'ListSIPOutboundTrunk', 'ListSIPDispatchRule']) {
    it(`LiveKit: ${m}`, async (t) => {
      if (!lkOn) return t.skip(lkSkip);
      await real('livekit', lkBase, { method: 'POST', path: `/twirp/livekit.SIP/${m}`, headers: lkH(), body: {}, status: 200 });
    });
  }
  it('LiveKit: GetSIPInboundTrunk of an unknown id answers not_found', async (t) => {
    if (!lkOn) return t.skip(lkSkip);
    await real('livekit', lkBase, { method: 'POST', path: '/twirp/livekit.SIP/GetSIPInboundTrunk', headers: lkH(), body: { sipTrunkId: 'ST_contractcheck' }, status: 404 });
  });
});
