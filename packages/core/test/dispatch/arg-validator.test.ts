import t from 'tap';
import { validateArgs } from '../../src/dispatch/arg-validator.js';
import { qapi, type MembersSpec } from '../../src/dispatch/arg-spec.js';
import { QgaError } from '../../src/protocol/qga-error.js';
import { defineLazyString } from '../../src/protocol/lazy-string.js';
import { decodeBase64, RawBase64 } from '../../src/util/base64.js';
import type { JsonObject, JsonValue } from '../../src/protocol/json-value.js';

function obj(entries: Record<string, JsonValue>): JsonObject {
  return Object.assign(Object.create(null) as JsonObject, entries);
}

function desc(spec: MembersSpec | undefined, args: Record<string, JsonValue> | undefined): string {
  try {
    validateArgs(spec, args === undefined ? undefined : obj(args));
  } catch (e) {
    if (e instanceof QgaError) return `${e.errorClass}: ${e.desc}`;
    throw e;
  }
  return 'ok';
}

const whence = qapi.alternate('GuestFileWhence', { int: 'int', str: qapi.enum('QGASeek', ['set', 'cur', 'end']) });
const capture = qapi.alternate('GuestExecCaptureOutput', {
  bool: 'bool',
  str: qapi.enum('GuestExecCaptureOutputMode', ['none', 'stdout', 'stderr', 'separated', 'merged']),
});
const vcpus = { vcpus: qapi.list(qapi.struct({ 'logical-id': 'int', online: 'bool', '*can-offline': 'bool' })) };

t.test('missing, unexpected and order of checks', async (t) => {
  t.equal(desc({ id: 'int' }, undefined), "GenericError: Parameter 'id' is missing");
  t.equal(desc({ id: 'int' }, {}), "GenericError: Parameter 'id' is missing");
  t.equal(desc(undefined, { foo: 42n }), "GenericError: Parameter 'foo' is unexpected");
  t.equal(
    desc({ id: 'int' }, { id: 'x', junk: 1n }),
    "GenericError: Invalid parameter type for 'id', expected: integer",
    'type errors of declared members come before unexpected members',
  );
  t.equal(desc({ id: 'int' }, { id: 1n, junk: 1n }), "GenericError: Parameter 'junk' is unexpected");
  t.equal(desc({ '*count': 'int' }, {}), 'ok');
  t.equal(
    desc({ '*count': 'int' }, { count: null }),
    "GenericError: Invalid parameter type for 'count', expected: integer",
    'a present null fails the type check',
  );
});

t.test('scalar types', async (t) => {
  t.equal(desc({ a: 'int' }, { a: 1.5 }), "GenericError: Invalid parameter type for 'a', expected: integer");
  t.equal(
    desc({ a: 'int' }, { a: 2n ** 63n }),
    "GenericError: Invalid parameter type for 'a', expected: integer",
    'uint64-range literals are not int',
  );
  t.equal(desc({ a: 'int' }, { a: -(2n ** 63n) }), 'ok');
  t.equal(desc({ a: 'str' }, { a: 1n }), "GenericError: Invalid parameter type for 'a', expected: string");
  t.equal(desc({ a: 'bool' }, { a: 'true' }), "GenericError: Invalid parameter type for 'a', expected: boolean");
  t.equal(desc({ a: 'number' }, { a: 'x' }), "GenericError: Invalid parameter type for 'a', expected: number");
  t.equal(desc({ a: 'uint64' }, { a: 1.5 }), "GenericError: Parameter 'a' expects uint64");
  t.equal(desc({ a: 'uint64' }, { a: 'x' }), "GenericError: Parameter 'a' expects uint64");
  t.same(validateArgs({ a: 'uint64' }, obj({ a: -1n })), { a: 2n ** 64n - 1n }, 'negative uint64 wraps');
  t.same(validateArgs({ a: 'number' }, obj({ a: 3n })), { a: 3 });
});

t.test('lists, structs and nested paths', async (t) => {
  t.equal(desc(vcpus, { vcpus: [obj({ 'logical-id': 0n })] }), "GenericError: Parameter 'vcpus[0].online' is missing");
  t.equal(desc(vcpus, { vcpus: {} as JsonValue }), "GenericError: Invalid parameter type for 'vcpus', expected: array");
  t.equal(desc(vcpus, { vcpus: [1n] }), "GenericError: Invalid parameter type for 'vcpus[0]', expected: object");
  t.equal(
    desc(vcpus, { vcpus: [obj({ 'logical-id': 0n, online: true }), obj({ 'logical-id': 1n, online: true, x: 1n })] }),
    "GenericError: Parameter 'vcpus[1].x' is unexpected",
  );
  t.equal(desc({ keys: qapi.list('str') }, { keys: ['a', 2n] }), "GenericError: Invalid parameter type for 'keys[1]', expected: string");
});

t.test('enums and alternates', async (t) => {
  const mode = { '*mode': qapi.enum('GuestShutdownMode', ['halt', 'powerdown', 'reboot']) };
  t.equal(desc(mode, { mode: 'off' }), "GenericError: Parameter 'mode' does not accept value 'off'");
  t.equal(desc(mode, { mode: 1n }), "GenericError: Invalid parameter type for 'mode', expected: string");
  t.same(validateArgs({ whence }, obj({ whence: 2n })), { whence: 2n });
  t.same(validateArgs({ whence }, obj({ whence: 'end' })), { whence: 'end' });
  t.equal(desc({ whence }, { whence: 'middle' }), "GenericError: Parameter 'whence' does not accept value 'middle'");
  t.equal(desc({ whence }, { whence: true }), "GenericError: Invalid parameter type for 'whence', expected: GuestFileWhence");
  t.equal(desc({ whence }, { whence: 1.5 }), "GenericError: Invalid parameter type for 'whence', expected: integer");
  t.same(validateArgs({ '*capture-output': capture }, obj({ 'capture-output': true })), { 'capture-output': true });
  t.equal(
    desc({ '*capture-output': capture }, { 'capture-output': 1n }),
    "GenericError: Invalid parameter type for 'capture-output', expected: GuestExecCaptureOutput",
  );
});

t.test('base64: a str on the wire; a big unread member arrives as RawBase64, anything else as the string', async (t) => {
  const spec: MembersSpec = { data: 'base64', '*more': 'base64' };
  t.equal(desc(spec, { data: 5n }), "GenericError: Invalid parameter type for 'data', expected: string");
  t.same(validateArgs(spec, obj({ data: 'QUJD' })), { data: 'QUJD' });
  const parts = [Buffer.from('"QUJD'), Buffer.from('RA=="')];
  const args = obj({});
  defineLazyString(args, 'data', parts, () => 'QUJDRA==');
  const v = validateArgs(spec, args) as { data: RawBase64 };
  t.ok(v.data instanceof RawBase64, 'RawBase64');
  t.equal(v.data.parts, parts, 'the token bytes');
  t.equal(decodeBase64(v.data).toString('latin1'), 'ABCD');
  t.equal(v.data.text(), 'QUJDRA==', 'text() reads the member');
});
