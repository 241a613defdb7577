import { parseJson } from '../json/parse-json.js';
import type { JsonObject, JsonValue } from '../json/json-value.js';

/** One decoded agent reply. */
export interface QgaReply {
  readonly id?: JsonValue;
  readonly hasReturn: boolean;
  readonly returnValue?: JsonValue;
  readonly error?: { readonly errorClass: string; readonly desc: string };
}

/** Decodes a reply line; undefined when it is not a JSON object (garbage or stale bytes). */
export function parseReply(line: string): QgaReply | undefined {
  let value: JsonValue;
  try {
    value = parseJson(line);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const obj = value as JsonObject;
  const has = (k: string) => Object.prototype.hasOwnProperty.call(obj, k);
  const reply: { id?: JsonValue; hasReturn: boolean; returnValue?: JsonValue; error?: { errorClass: string; desc: string } } = {
    hasReturn: has('return'),
  };
  if (has('id')) reply.id = obj['id'] as JsonValue;
  if (reply.hasReturn) reply.returnValue = obj['return'] as JsonValue;
  const err = obj['error'];
  if (err !== undefined && err !== null && typeof err === 'object' && !Array.isArray(err)) {
    const cls = (err as JsonObject)['class'];
    const desc = (err as JsonObject)['desc'];
    reply.error = { errorClass: typeof cls === 'string' ? cls : 'GenericError', desc: typeof desc === 'string' ? desc : '' };
  }
  return reply;
}

/** True when a decoded JSON value is the integer `expected` (number or bigint). */
export function isSameInteger(value: JsonValue | undefined, expected: bigint): boolean {
  if (typeof value === 'bigint') return value === expected;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value) === expected;
  return false;
}
