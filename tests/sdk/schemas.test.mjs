// The JSON Schemas of case files (schemas/*.schema.json) against every case that ships:
// ajv (draft-07, strict) compiles both, every tests/scenarios/NAME.json validates against
// the scenario schema and NAME.expect.json against the expect schema, and each file names
// its schema with "$schema" so an editor completes and checks its keys. `fakes test` checks
// the same files with the same schemas compiled into it (fakes/qa_schema.c); this test is
// the second, independent reading of them.
// Run: cd tests/sdk && node --test schemas.test.mjs
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const schemaDir = path.join(root, 'schemas');
const caseDir = path.join(root, 'tests', 'scenarios');
const read = (f) => JSON.parse(fs.readFileSync(f, 'utf8'));

function compiler() {
  const ajv = new Ajv({ strict: true, allErrors: true, allowUnionTypes: true });
  ajv.addSchema(read(path.join(schemaDir, 'scenario.schema.json')), 'scenario.schema.json');
  ajv.addSchema(read(path.join(schemaDir, 'expect.schema.json')), 'expect.schema.json');
  return ajv;
}

describe('schemas/ validate every shipped case', () => {
  const ajv = compiler();
  const files = fs.readdirSync(caseDir).filter((f) => f.endsWith('.json')).sort();

  it('both schemas compile under ajv strict mode', () => {
    assert.ok(ajv.getSchema('scenario.schema.json'));
    assert.ok(ajv.getSchema('expect.schema.json'));
  });
  it('every case is a pair', () => {
    const scen = files.filter((f) => !f.endsWith('.expect.json'));
    assert.ok(scen.length >= 30, `only ${scen.length} cases`);
    for (const f of scen) assert.ok(files.includes(f.replace(/\.json$/, '.expect.json')), `${f} has no expectation`);
  });
  for (const f of files) {
    const kind = f.endsWith('.expect.json') ? 'expect' : 'scenario';
    it(`${f} (${kind})`, () => {
      const doc = read(path.join(caseDir, f));
      assert.equal(doc.$schema, `../../schemas/${kind}.schema.json`, 'names its schema');
      assert.ok(fs.existsSync(path.resolve(caseDir, doc.$schema)), 'the $schema path resolves');
      const validate = ajv.getSchema(`${kind}.schema.json`);
      assert.ok(validate(doc), ajv.errorsText(validate.errors));
    });
  }
  it('the schemas refuse what QA most often gets wrong', () => {
    const expect = ajv.getSchema('expect.schema.json');
    const scenario = ajv.getSchema('scenario.schema.json');
    assert.equal(expect({ jurnal: [] }), false);
    assert.equal(expect({ journal: [{ sevice: 'twilio' }] }), false);
    assert.equal(expect({ steps: [{ exit: '0' }] }), false);
    assert.equal(scenario({ twilio: { faults: [{ match: { methd: 'GET' }, action: {} }] } }), false);
    assert.equal(scenario({ twilio: { faults: [{ action: { fault: 'rset' } }] } }), false);
    assert.equal(scenario({ twilio: { faults: [{ action: { fault: null, status: 500 } }] } }), true);
  });
});
