// Compare our Twilio contract with the official OpenAPI subset: every property of every official
// response schema must exist in ours with a compatible type, except the entries of
// contracts/deviations.json. Structural walk only; validation itself is ajv's business.
import fs from 'node:fs';
import path from 'node:path';
import { contractsDir } from './openapi.mjs';

export const officialFile = path.join(contractsDir, 'upstream', 'twilio_api_v2010_numbers.openapi.json');

function resolver(doc) {
  return (s) => {
    let name = null;
    for (let i = 0; s && s.$ref && i < 10; i++) {
      name = s.$ref.split('/').pop();
      s = doc.components.schemas[name];
    }
    return { s, name };
  };
}

/* Our side: see through $ref, allOf and nullable wrappers; collect the JSON types allowed. */
function ourView(doc, s) {
  const res = resolver(doc);
  const types = new Set();
  let props = {};
  let items = null;
  let enumVals = null;
  const visit = (x) => {
    const r = res(x).s;
    if (!r) return;
    if (r.type) types.add(r.type);
    if (r.nullable) types.add('null');
    if (r.properties) props = { ...props, ...r.properties };
    if (r.items) items = r.items;
    if (r.enum) enumVals = r.enum;
    for (const k of ['allOf', 'anyOf', 'oneOf']) (r[k] || []).forEach(visit);
  };
  visit(s);
  return { types, props, items, enumVals };
}

export function compareWithOfficial(official, ours, deviations) {
  const problems = [];
  const used = new Set();
  const offRes = resolver(official);
  const devFor = (schemaName, prop) => deviations.find((d) => d.official_schemas.includes(schemaName) && d.property === prop);

  const walk = (offS, ourS, ctxName, rel, where) => {
    const { s: o, name } = offRes(offS);
    if (!o) return;
    if (name) { ctxName = name; rel = ''; }
    const us = ourView(ours, ourS);
    const offType = o.type || (o.enum ? 'string' : undefined);
    const dev = rel ? devFor(ctxName, rel) : undefined;
    if (dev && dev.kind === 'type') { used.add(dev.id); return; }
    if (offType && !us.types.has(offType) && !(offType === 'number' && us.types.has('integer'))) {
      problems.push(`${where}: official type ${offType}, ours ${[...us.types].join('|') || 'untyped'}`);
      return;
    }
    if (o.enum && us.enumVals) {
      const missing = o.enum.filter((v) => !us.enumVals.includes(v));
      if (missing.length) problems.push(`${where}: official enum values ${missing.join(', ')} missing from ours`);
    }
    for (const [k, sub] of Object.entries(o.properties || {})) {
      const r = rel ? `${rel}.${k}` : k;
      const d = devFor(ctxName, r);
      if (d && d.kind === 'renamed') { used.add(d.id); continue; }
      if (!(k in us.props)) { problems.push(`${where}.${k}: in the official schema (${ctxName || 'inline'}), missing from ours`); continue; }
      walk(sub, us.props[k], ctxName, r, `${where}.${k}`);
    }
    if (o.items && us.items) walk(o.items, us.items, ctxName, rel, `${where}[]`);
    else if (o.items) problems.push(`${where}: official is an array of items, ours has no items`);
  };

  let compared = 0;
  for (const [tpl, item] of Object.entries(official.paths)) {
    for (const m of ['get', 'post', 'delete', 'put', 'patch']) {
      const op = item[m];
      if (!op) continue;
      const mine = ours.paths[tpl] && ours.paths[tpl][m];
      if (!mine) { problems.push(`${m.toUpperCase()} ${tpl}: in the official spec, missing from ours`); continue; }
      for (const [status, resp] of Object.entries(op.responses || {})) {
        const myResp = mine.responses[status];
        if (!myResp) { problems.push(`${op.operationId} ${status}: official response missing from ours`); continue; }
        for (const [ct, media] of Object.entries(resp.content || {})) {
          const myMedia = myResp.content && myResp.content[ct];
          if (!myMedia) { problems.push(`${op.operationId} ${status}: no ${ct} content in ours`); continue; }
          compared++;
          walk(media.schema, myMedia.schema, null, '', `${op.operationId} ${status}`);
        }
      }
    }
  }
  const unused = deviations.filter((d) => !used.has(d.id)).map((d) => d.id);
  return { problems, compared, unused };
}

export function loadOfficial() {
  return JSON.parse(fs.readFileSync(officialFile, 'utf8'));
}
export function loadDeviations() {
  return JSON.parse(fs.readFileSync(path.join(contractsDir, 'deviations.json'), 'utf8')).deviations;
}
