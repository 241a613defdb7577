import type { JsonValue } from './json-value.js';

/** Characters that must be escaped to keep the output plain ASCII JSON. */
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\u007f-\uffff]/;

/**
 * Serializes a value to compact, pure-ASCII JSON. bigint is written as an
 * integer literal (lossless int64/uint64); `undefined` object members are
 * skipped. Throws on values JSON cannot carry (NaN, Infinity, functions).
 */
export function stringifyJson(value: JsonValue | undefined): string {
  if (value === undefined) throw new TypeError('cannot serialize undefined');
  return write(value, 0);
}

function write(value: JsonValue, depth: number): string {
  if (depth > 1024) throw new TypeError('value nested too deeply');
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`cannot serialize number ${value}`);
      return Object.is(value, -0) ? '0' : String(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map((v) => write(v, depth + 1)).join(',')}]`;
      const parts: string[] = [];
      for (const key of Object.keys(value)) {
        const member = value[key];
        if (member === undefined) continue;
        parts.push(`${quote(key)}:${write(member, depth + 1)}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      throw new TypeError(`cannot serialize a ${typeof value}`);
  }
}

/** Quotes a string; the common case (base64, paths) has nothing to escape. */
export function quote(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c < 0x20 || c >= 0x7f) out += `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += s[i];
  }
  return `${out}"`;
}
