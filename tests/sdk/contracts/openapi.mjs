// Load an OpenAPI 3.0 contract from contracts/ and check HTTP requests and responses against it
// with ajv (the JSON Schema validation is ajv's; this file only maps OpenAPI onto it).
//
// OpenAPI 3.0 schemas are JSON Schema plus `nullable`; toJsonSchema() turns `nullable` into a
// JSON-Schema null alternative, and rewrites local refs so that every fragment compiles on its
// own against the document registered under its file name.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..', '..');
export const contractsDir = path.join(repoRoot, 'contracts');

const SCHEMA_MAPS = ['properties', 'patternProperties', 'definitions', '$defs'];
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const SCHEMA_ONE = ['items', 'additionalProperties', 'not', 'contains', 'propertyNames'];

/* OpenAPI 3.0 schema -> JSON Schema (draft 7 as ajv 8 reads it). */
export function toJsonSchema(s, docId) {
  if (s === null || typeof s !== 'object' || Array.isArray(s)) return s;
  const out = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'nullable' || k === 'example' || k === 'examples' || k === 'discriminator' || k.startsWith('x-')) continue;
    if (k === '$ref' && typeof v === 'string' && v.startsWith('#/')) out.$ref = `${docId}${v}`;
    else if (SCHEMA_MAPS.includes(k)) out[k] = Object.fromEntries(Object.entries(v).map(([n, sub]) => [n, toJsonSchema(sub, docId)]));
    else if (SCHEMA_LISTS.includes(k)) out[k] = v.map((sub) => toJsonSchema(sub, docId));
    else if (SCHEMA_ONE.includes(k)) out[k] = typeof v === 'object' ? toJsonSchema(v, docId) : v;
    else out[k] = v;
  }
  if (s.nullable === true) {
    if (typeof out.type === 'string' && !out.$ref) {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
      return out;
    }
    return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

function makeAjv(coerce) {
  const ajv = new Ajv({ strict: false, allErrors: true, coerceTypes: coerce ? 'array' : false, validateFormats: true });
  addFormats(ajv);
  return ajv;
}

const fmtErrors = (errs) =>
  (errs || []).slice(0, 8).map((e) => `${e.instancePath || '(root)'} ${e.message}${e.params && e.params.additionalProperty ? ` (${e.params.additionalProperty})` : ''}${e.params && e.params.allowedValues ? ` ${JSON.stringify(e.params.allowedValues)}` : ''}`).join('; ');

export class Contract {
  constructor(name) {
    this.name = name;
    this.file = path.join(contractsDir, `${name}.openapi.json`);
    this.doc = JSON.parse(fs.readFileSync(this.file, 'utf8'));
    this.id = `${name}.openapi.json`;
    const schemas = Object.fromEntries(
      Object.entries(this.doc.components?.schemas || {}).map(([k, v]) => [k, toJsonSchema(v, this.id)]));
    this.ajv = makeAjv(false);
    this.coercing = makeAjv(true); // query strings and form bodies: everything arrives as text
    for (const a of [this.ajv, this.coercing]) a.addSchema({ $id: this.id, components: { schemas } });
    this.cache = new Map();
    this.routes = [];
    for (const [tpl, item] of Object.entries(this.doc.paths)) {
      const names = [];
      const re = new RegExp('^' + tpl.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_, n) => {
        names.push(n);
        return '([^/]+)';
      }) + '$');
      this.routes.push({ tpl, item, re, names });
    }
  }

  /* Follow a local $ref to a response, parameter or header object. */
  deref(o) {
    let cur = o;
    for (let i = 0; cur && cur.$ref && i < 10; i++) {
      cur = cur.$ref.slice(2).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
        .reduce((acc, p) => (acc ? acc[p] : undefined), this.doc);
    }
    return cur;
  }

  validator(schema, coerce) {
    const key = (coerce ? 'c:' : 'p:') + JSON.stringify(schema);
    let v = this.cache.get(key);
    if (!v) {
      v = (coerce ? this.coercing : this.ajv).compile(toJsonSchema(schema, this.id));
      this.cache.set(key, v);
    }
    return v;
  }

  /* Validate data against an OpenAPI schema; returns '' or a message. */
  check(schema, data, coerce = false) {
    const v = this.validator(schema, coerce);
    return v(data) ? '' : fmtErrors(v.errors);
  }

  schemaByName(name) {
    return { $ref: `#/components/schemas/${name}` };
  }

  /* {op, tpl, params} for METHOD path, or null. */
  find(method, pathname) {
    for (const r of this.routes) {
      const m = r.re.exec(pathname);
      if (!m) continue;
      const op = r.item[method.toLowerCase()];
      if (!op) continue;
      const params = {};
      r.names.forEach((n, i) => { params[n] = decodeURIComponent(m[i + 1]); });
      return { op, tpl: r.tpl, item: r.item, params, opId: op.operationId || `${method} ${r.tpl}` };
    }
    return null;
  }

  operations() {
    const out = [];
    for (const [tpl, item] of Object.entries(this.doc.paths)) {
      for (const m of ['get', 'post', 'put', 'patch', 'delete', 'head']) {
        if (item[m]) out.push({ method: m.toUpperCase(), tpl, op: item[m], opId: item[m].operationId });
      }
    }
    return out;
  }

  parameters(found) {
    return [...(found.item.parameters || []), ...(found.op.parameters || [])].map((p) => this.deref(p));
  }

  /* Check one response. Returns a list of problems (empty when it conforms). */
  checkResponse(method, pathname, status, headers, bodyText) {
    const found = this.find(method, pathname);
    if (!found) return [`${method} ${pathname}: no such operation in ${this.name} contract`];
    const where = `${found.opId} ${status}`;
    const responses = found.op.responses || {};
    const resp = this.deref(responses[String(status)] || responses[`${String(status)[0]}XX`] || responses.default);
    if (!resp) return [`${where}: status ${status} is not in the contract (has ${Object.keys(responses).join(', ')})`];
    const problems = [];
    const h = Object.fromEntries(Object.entries(headers || {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
    for (const [name, spec0] of Object.entries(resp.headers || {})) {
      const spec = this.deref(spec0);
      const v = h[name.toLowerCase()];
      if (v === undefined) {
        if (spec.required) problems.push(`${where}: header ${name} is required`);
      } else if (spec.schema) {
        const e = this.check({ type: 'object', properties: { v: spec.schema } }, { v }, true);
        if (e) problems.push(`${where}: header ${name}: ${e}`);
      }
    }
    const text = bodyText ?? '';
    if (!resp.content) {
      if (text.length > 0) problems.push(`${where}: expected no body, got ${JSON.stringify(text.slice(0, 80))}`);
      return problems;
    }
    if (text.length === 0) {
      if (!resp['x-body-optional']) problems.push(`${where}: expected a body, got none`);
      return problems;
    }
    const ctFull = h['content-type'] || '';
    const ct = ctFull.split(';')[0].trim().toLowerCase();
    const media = resp.content[ct];
    if (!media) {
      problems.push(`${where}: Content-Type ${JSON.stringify(ctFull)} is not one of ${Object.keys(resp.content).join(', ')}`);
      return problems;
    }
    if (resp['x-exact-content-type'] && ctFull !== ct) {
      problems.push(`${where}: Content-Type must be exactly ${ct} (clients compare the whole string), got ${JSON.stringify(ctFull)}`);
    }
    let data = text;
    if (ct.includes('json')) {
      try {
        data = JSON.parse(text);
      } catch (e) {
        problems.push(`${where}: body is not JSON: ${e.message}`);
        return problems;
      }
    }
    const e = this.check(media.schema, data);
    if (e) problems.push(`${where}: body: ${e}`);
    return problems;
  }

  /* Check one request as the journal recorded it: {method, path, query, headers, body}. */
  checkRequest(entry) {
    const found = this.find(entry.method, entry.path);
    if (!found) return [`${entry.method} ${entry.path}: no such operation in ${this.name} contract`];
    const where = `${found.opId} request`;
    const problems = [];
    const params = this.parameters(found);
    for (const p of params.filter((x) => x.in === 'path')) {
      const e = this.check({ type: 'object', properties: { v: p.schema } }, { v: found.params[p.name] }, true);
      if (e) problems.push(`${where}: path parameter ${p.name}=${found.params[p.name]}: ${e}`);
    }
    const qp = new URLSearchParams(entry.query || '');
    const known = new Map(params.filter((x) => x.in === 'query').map((x) => [x.name, x]));
    for (const [k, v] of qp) {
      const p = known.get(k);
      if (!p) {
        problems.push(`${where}: query parameter ${k} is not in the contract (known: ${[...known.keys()].join(', ') || 'none'})`);
        continue;
      }
      const e = this.check({ type: 'object', properties: { v: p.schema } }, { v }, true);
      if (e) problems.push(`${where}: query ${k}=${v}: ${e}`);
    }
    for (const p of known.values()) {
      if (p.required && !qp.has(p.name)) problems.push(`${where}: query parameter ${p.name} is required`);
    }
    const h = Object.fromEntries(Object.entries(entry.headers || {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
    for (const p of params.filter((x) => x.in === 'header')) {
      const v = h[p.name.toLowerCase()];
      if (v === undefined) {
        if (p.required) problems.push(`${where}: header ${p.name} is required`);
        continue;
      }
      const e = this.check({ type: 'object', properties: { v: p.schema } }, { v }, true);
      if (e) problems.push(`${where}: header ${p.name}: ${JSON.stringify(v)}: ${e}`);
    }
    const body = entry.body ?? '';
    const rb = this.deref(found.op.requestBody);
    if (!rb) {
      if (body.length > 0) problems.push(`${where}: the contract has no request body, got ${JSON.stringify(body.slice(0, 80))}`);
      return problems;
    }
    if (body.length === 0) {
      if (rb.required) problems.push(`${where}: a body is required`);
      return problems;
    }
    const ctFull = h['content-type'] || '';
    const ct = ctFull.split(';')[0].trim().toLowerCase();
    const media = rb.content[ct];
    if (!media) {
      problems.push(`${where}: Content-Type ${JSON.stringify(ctFull)} is not one of ${Object.keys(rb.content).join(', ')}`);
      return problems;
    }
    if (ct === 'application/x-www-form-urlencoded') {
      const form = {};
      for (const [k, v] of new URLSearchParams(body)) {
        if (k in form) problems.push(`${where}: form field ${k} repeated`);
        form[k] = v;
      }
      const e = this.check(media.schema, form, true);
      if (e) problems.push(`${where}: form body: ${e}`);
    } else {
      let data;
      try {
        data = JSON.parse(body);
      } catch (err) {
        problems.push(`${where}: body is not JSON: ${err.message}`);
        return problems;
      }
      const e = this.check(media.schema, data);
      if (e) problems.push(`${where}: body: ${e}`);
    }
    return problems;
  }
}

const loaded = new Map();
export function contract(name) {
  if (!loaded.has(name)) loaded.set(name, new Contract(name));
  return loaded.get(name);
}
