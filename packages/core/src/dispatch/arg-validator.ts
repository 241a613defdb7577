import { INT64_MAX, INT64_MIN, UINT64_MAX, isJsonObject, type JsonObject, type JsonValue } from '../protocol/json-value.js';
import { QgaError } from '../protocol/qga-error.js';
import { unreadStringBytes } from '../protocol/lazy-string.js';
import { RawBase64 } from '../util/base64.js';
import { qdictOrder } from '../protocol/qdict-order.js';
import { ghashIterationOrder } from '../protocol/ghash-order.js';
import type { AlternateType, EnumType, MembersSpec, TypeSpec } from './arg-spec.js';

/**
 * Turns a request's `arguments` into typed values, failing with QEMU's
 * input-visitor messages (docs/protocol.md#argument-validation). Members are visited in schema order and
 * the first error wins; unexpected members are reported only after every
 * declared member was read, as QEMU's generated marshallers do.
 */
export function validateArgs(spec: MembersSpec | undefined, args: JsonObject | undefined): Record<string, unknown> {
  return visitStruct(spec ?? {}, args ?? (Object.create(null) as JsonObject), '');
}

const TYPE_NAMES: Record<string, string> = {
  int: 'integer',
  str: 'string',
  bool: 'boolean',
  number: 'number',
};

function memberPath(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}.${name}`;
}

function typeError(path: string, expected: string): QgaError {
  return new QgaError(`Invalid parameter type for '${path}', expected: ${expected}`);
}

function visitStruct(members: MembersSpec, obj: JsonObject, prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  for (const [rawName, type] of Object.entries(members)) {
    const optional = rawName.startsWith('*');
    const name = optional ? rawName.slice(1) : rawName;
    const path = memberPath(prefix, name);
    if (!Object.prototype.hasOwnProperty.call(obj, name)) {
      if (optional) continue;
      throw new QgaError(`Parameter '${path}' is missing`);
    }
    seen.add(name);
    const raw = type === 'base64' ? unreadStringBytes(obj, name) : undefined;
    out[name] = raw !== undefined ? new RawBase64(raw, () => obj[name] as string) : visitValue(type, obj[name]!, path, name);
  }
  const keys = Object.keys(obj);
  if (keys.length === seen.size) return out;
  // qemu-ga reports the first leftover member in the order of its GHashTable of all members;
  // computed only when there is a leftover, off the common path.
  const first = ghashIterationOrder(qdictOrder(keys)).find((key) => !seen.has(key))!;
  throw new QgaError(`Parameter '${memberPath(prefix, first)}' is unexpected`);
}

/** `name` is the bare member name, which QEMU uses in enum errors (null for list items). */
function visitValue(type: TypeSpec, value: JsonValue, path: string, name: string | null): unknown {
  if (typeof type === 'string') return visitScalar(type, value, path);
  switch (type.kind) {
    case 'enum':
      return visitEnum(type, value, path, name);
    case 'list': {
      if (!Array.isArray(value)) throw typeError(path, 'array');
      return value.map((item, i) => visitValue(type.of, item, `${path}[${i}]`, null));
    }
    case 'struct': {
      if (!isJsonObject(value)) throw typeError(path, 'object');
      return visitStruct(type.members, value, path);
    }
    case 'alternate':
      return visitAlternate(type, value, path, name);
  }
}

function visitScalar(type: string, value: JsonValue, path: string): unknown {
  switch (type) {
    case 'int':
      if (typeof value === 'bigint' && value >= INT64_MIN && value <= INT64_MAX) return value;
      throw typeError(path, TYPE_NAMES.int!);
    case 'uint64':
      // Negative int64 values are accepted and wrap, for compatibility (docs/protocol.md#argument-validation).
      if (typeof value === 'bigint' && value >= INT64_MIN && value <= UINT64_MAX) {
        return value < 0n ? value + UINT64_MAX + 1n : value;
      }
      throw new QgaError(`Parameter '${path}' expects uint64`);
    case 'number':
      if (typeof value === 'bigint') return Number(value);
      if (typeof value === 'number') return value;
      throw typeError(path, TYPE_NAMES.number!);
    case 'str':
    case 'base64':
      if (typeof value === 'string') return value;
      throw typeError(path, TYPE_NAMES.str!);
    case 'bool':
      if (typeof value === 'boolean') return value;
      throw typeError(path, TYPE_NAMES.bool!);
  }
  throw new Error(`unknown scalar type ${type}`);
}

function visitEnum(type: EnumType, value: JsonValue, path: string, name: string | null): string {
  if (typeof value !== 'string') throw typeError(path, 'string');
  if (!type.values.includes(value)) {
    throw new QgaError(`Parameter '${name ?? 'null'}' does not accept value '${value}'`);
  }
  return value;
}

function visitAlternate(type: AlternateType, value: JsonValue, path: string, name: string | null): unknown {
  const { int, str, bool } = type.branches;
  // Any JSON number picks the int branch (QEMU maps by JSON type), which then rejects floats.
  if (int && (typeof value === 'bigint' || typeof value === 'number')) return visitScalar('int', value, path);
  if (str && typeof value === 'string') return str === 'str' ? value : visitEnum(str, value, path, name);
  if (bool && typeof value === 'boolean') return value;
  throw typeError(path, type.name);
}
