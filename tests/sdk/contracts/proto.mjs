// A small extractor of messages and fields from a .proto file (regex based, enough for
// livekit_sip.proto): {Message: [{name, type, repeated, map, optional, oneof}]} plus enum names.
// It reads declarations only; nested messages are flattened under their own names.
import fs from 'node:fs';

const stripComments = (t) => t.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');

export function parseProto(file) {
  const text = stripComments(fs.readFileSync(file, 'utf8'));
  const messages = {};
  const enums = new Set();
  const stack = []; // {kind, name}
  const tokens = text.split(/(\{|\}|;)/);
  let buf = '';
  for (const tok of tokens) {
    if (tok === '{') {
      const head = buf.trim();
      buf = '';
      const m = /^(message|enum|oneof|service)\s+(\w+)$/.exec(head.split(/\s*;\s*/).pop());
      const frame = m ? { kind: m[1], name: m[2] } : { kind: 'other', name: '' };
      if (frame.kind === 'message') messages[frame.name] = messages[frame.name] || [];
      if (frame.kind === 'enum') enums.add(frame.name);
      stack.push(frame);
    } else if (tok === '}') {
      buf = '';
      stack.pop();
    } else if (tok === ';') {
      const decl = buf.trim().replace(/\[[\s\S]*\]\s*$/, '').trim(); // drop [options]
      buf = '';
      const frame = stack[stack.length - 1];
      const inOneof = frame && frame.kind === 'oneof';
      const msgFrame = [...stack].reverse().find((f) => f.kind === 'message');
      if (!msgFrame || !(frame.kind === 'message' || inOneof)) continue;
      let m = /^map\s*<\s*(\w+)\s*,\s*([\w.]+)\s*>\s+(\w+)\s*=\s*\d+$/.exec(decl);
      if (m) {
        messages[msgFrame.name].push({ name: m[3], type: m[2], map: true, keyType: m[1] });
        continue;
      }
      m = /^(repeated\s+|optional\s+)?([\w.]+)\s+(\w+)\s*=\s*\d+$/.exec(decl);
      if (m && !['option', 'reserved', 'extensions'].includes(m[2])) {
        messages[msgFrame.name].push({
          name: m[3], type: m[2], repeated: (m[1] || '').trim() === 'repeated',
          optional: (m[1] || '').trim() === 'optional', oneof: inOneof ? frame.name : undefined,
        });
      }
    } else {
      buf += tok;
    }
  }
  return { messages, enums };
}

const INT64 = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const INT32 = new Set(['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32']);

/* The JSON types protojson allows for a proto field type: a set of JSON-Schema type names. */
export function jsonTypesFor(field, enums) {
  if (field.map) return new Set(['object']);
  if (field.repeated) return new Set(['array']);
  const t = field.type;
  if (t === 'string' || t === 'bytes') return new Set(['string']);
  if (t === 'bool') return new Set(['boolean']);
  if (INT32.has(t)) return new Set(['integer']);
  if (INT64.has(t)) return new Set(['string', 'integer']);
  if (t === 'double' || t === 'float') return new Set(['number', 'integer', 'string']);
  if (t === 'google.protobuf.Duration' || t === 'google.protobuf.Timestamp') return new Set(['string']);
  if (enums.has(t) || enums.has(t.split('.').pop())) return new Set(['string']);
  return new Set(['object']); // a message
}
