import t from 'tap';
import fc from 'fast-check';
import { qdictOrder } from '../../src/protocol/qdict-order.js';
import { encodeJson, encodeReply, REPLY_SLICE, SlicedReply, type EncodedReply } from '../../src/protocol/json-encoder.js';
import { Base64Bytes } from '../../src/protocol/base64-bytes.js';

/** All of a reply's bytes, slices joined. */
function bytesOf(reply: EncodedReply): Buffer {
  return Buffer.isBuffer(reply) ? reply : Buffer.concat([...reply.slices()]);
}
import { formatG17 } from '../../src/protocol/format-g17.js';
import { newJsonObject, type JsonObject, type JsonValue } from '../../src/protocol/json-value.js';

function obj(entries: Record<string, JsonValue>): JsonObject {
  return Object.assign(newJsonObject(), entries);
}

t.test('compact layout with qemu-ga separators', async (t) => {
  t.equal(encodeJson(obj({ return: obj({}) })), '{"return": {}}');
  t.equal(encodeJson([1n, 'a', true, false, null, [], {}]), '[1, "a", true, false, null, [], {}]');
  t.equal(encodeJson('x'), '"x"');
  t.equal(encodeJson(null), 'null');
});

t.test('QDict key order (docs/protocol.md#key-order and qemu-ga 7.2 output)', async (t) => {
  t.equal(encodeJson({ return: 1n, id: 2n }), '{"return": 1, "id": 2}');
  t.equal(encodeJson({ id: 2n, return: 1n }), '{"return": 1, "id": 2}', 'independent of insertion order');
  t.equal(
    encodeJson({ error: { class: 'GenericError', desc: 'x' }, id: 'a' }),
    '{"id": "a", "error": {"class": "GenericError", "desc": "x"}}',
  );
  t.equal(encodeJson({ eof: true, count: 3n, 'buf-b64': 'YWJj' }), '{"count": 3, "buf-b64": "YWJj", "eof": true}');
  t.equal(encodeJson({ position: 6n, eof: false }), '{"eof": false, "position": 6}');
  t.equal(
    encodeJson({
      exited: true,
      exitcode: 0n,
      signal: 9n,
      'out-data': 'a',
      'err-data': 'b',
      'out-truncated': false,
      'err-truncated': false,
    }),
    '{"exitcode": 0, "err-data": "b", "out-data": "a", "err-truncated": false, "signal": 9, "out-truncated": false, "exited": true}',
  );
  t.equal(encodeJson({ version: '7.2', supported_commands: [] }), '{"version": "7.2", "supported_commands": []}');
  t.equal(
    encodeJson({ name: 'guest-ping', enabled: true, 'success-response': true }),
    '{"enabled": true, "name": "guest-ping", "success-response": true}',
  );
  t.equal(
    encodeJson({ 'ip-address': '::1', 'ip-address-type': 'ipv6', prefix: 128n }),
    '{"ip-address-type": "ipv6", "ip-address": "::1", "prefix": 128}',
  );
  t.equal(
    encodeJson({ name: 'lo', 'hardware-address': '00', 'ip-addresses': [], statistics: {} }),
    '{"name": "lo", "ip-addresses": [], "statistics": {}, "hardware-address": "00"}',
  );
  t.equal(
    encodeJson({
      name: 'sda1',
      mountpoint: '/',
      type: 'ext4',
      'used-bytes': 1n,
      'total-bytes': 2n,
      'total-bytes-privileged': 3n,
      disk: [],
    }),
    '{"name": "sda1", "total-bytes": 2, "total-bytes-privileged": 3, "mountpoint": "/", "disk": [], "used-bytes": 1, "type": "ext4"}',
  );
  // load1m and load5m share a bucket: the later insertion comes first.
  t.equal(encodeJson({ load1m: 0.5, load5m: 0.25, load15m: 0.125 }), '{"load15m": 0.125, "load5m": 0.25, "load1m": 0.5}');
  t.equal(encodeJson({ offset: 0, zone: 'UTC' }), '{"zone": "UTC", "offset": 0}');
  t.equal(encodeJson({ user: 'root', domain: 'x', 'login-time': 1.5 }), '{"login-time": 1.5, "domain": "x", "user": "root"}');
  t.equal(encodeJson({ 'logical-id': 0n, online: true, 'can-offline': false }), '{"online": true, "can-offline": false, "logical-id": 0}');
  // Captured from qemu-ga 7.2 echoing an id object.
  t.equal(
    encodeJson({ b: 1n, a: 2n, return: 3n, id: 4n, error: 5n, class: 6n, desc: 7n }),
    '{"class": 6, "a": 2, "b": 1, "desc": 7, "return": 3, "id": 4, "error": 5}',
  );
});

t.test('undefined members are left out', async (t) => {
  t.equal(encodeJson({ a: undefined, b: 1n }), '{"b": 1}');
  t.equal(encodeJson({ a: undefined }), '{}');
  t.equal(encodeJson([undefined]), '[null]');
  t.throws(() => encodeJson(undefined), TypeError);
  t.throws(() => encodeJson({ f: () => 1 }), TypeError);
});

t.test('numbers', async (t) => {
  t.equal(encodeJson(18446744073709551615n), '18446744073709551615', 'uint64');
  t.equal(encodeJson(-9223372036854775808n), '-9223372036854775808', 'int64');
  t.equal(encodeJson(1700000000123456789n), '1700000000123456789');
  t.equal(encodeJson(42), '42', 'integers print plainly');
  t.equal(encodeJson(-0), '0', '-0 prints as 0 (commands use numbers for integers)');
  // The rest as captured from qemu-ga 7.2 echoing ids.
  t.equal(
    encodeJson([
      0.1, 2.0, 1e21, 1e-5, 1e-4, 1e16, 1e17, 0.000123, 1.5e300, 5e-324, 0, 1.8446744073709552e19, -9.2233720368547758e18,
      1.2345678901234568e29,
    ]),
    '[0.10000000000000001, 2, 1e+21, 1.0000000000000001e-05, 0.0001, 10000000000000000, 1e+17, 0.00012300000000000001, 1.5000000000000001e+300, 4.9406564584124654e-324, 0, 1.8446744073709552e+19, -9.2233720368547758e+18, 1.2345678901234568e+29]',
  );
  t.equal(encodeJson(Infinity), 'inf');
  t.equal(encodeJson(-Infinity), '-inf');
});

t.test('%.17g (expected values from C printf)', async (t) => {
  const cases: [number, string][] = [
    [0.1, '0.10000000000000001'],
    [0.5, '0.5'],
    [1 / 3, '0.33333333333333331'],
    [-2.5, '-2.5'],
    [123.456, '123.456'],
    [1e-4, '0.0001'],
    [1.5e-5, '1.5e-05'],
    [1e-5, '1.0000000000000001e-05'],
    [1e100, '1e+100'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [2.2250738585072014e-308, '2.2250738585072014e-308'],
    // Literals that no double holds exactly: the nearest double is what the encoder sees.
    [Number('12345678901234567'), '12345678901234568'],
    [Number('99999999999999999'), '1e+17'],
    [9.5, '9.5'],
    [-0, '-0'],
    [NaN, 'nan'],
    [2 ** -1074 * 3, '1.4821969375237396e-323'],
    [1152921504606846976, '1.152921504606847e+18'],
    [Number('36028797018963971'), '36028797018963968'],
    // Exact ties after the 17th digit: glibc rounds half to even, JavaScript's toExponential up.
    [1234567890123456.25, '1234567890123456.2'],
    [1234567890123456.75, '1234567890123456.8'],
    [-1234567890123456.25, '-1234567890123456.2'],
  ];
  for (const [x, s] of cases) t.equal(formatG17(x), s, String(x));
});

t.test('ASCII-only escaping', async (t) => {
  t.equal(encodeJson('a/b'), '"a/b"', '/ is not escaped');
  t.equal(encodeJson('"\\\b\f\n\r\t'), '"\\"\\\\\\b\\f\\n\\r\\t"');
  t.equal(encodeJson('\0\x01\x1f\x7f\x80\u00e9'), '"\\u0000\\u0001\\u001F\\u007F\\u0080\\u00E9"');
  t.equal(
    encodeJson('\u20ac\uffff\ufffe\ufdd0\ufdef\ufdcf'),
    '"\\u20AC\\uFFFD\\uFFFD\\uFFFD\\uFFFD\\uFDCF"',
    'non-characters become U+FFFD, as qemu-ga treats them as invalid UTF-8',
  );
  t.equal(encodeJson('\u{1f600}x'), '"\\uD83D\\uDE00x"', 'astral characters as surrogate pairs');
  t.equal(encodeJson('\u{1fffe}'), '"\\uFFFD"');
  t.equal(encodeJson('\ud800x\udc00'), '"\\uFFFDx\\uFFFD"', 'lone surrogates');
  t.equal(encodeJson('\ud800'), '"\\uFFFD"');
  t.equal(encodeJson({ 'k\u00e9y': 1n }), '{"k\\u00E9y": 1}', 'keys are escaped too');
  // As captured from qemu-ga 7.2 echoing a string id.
  t.equal(
    encodeJson('\0\u00e9\u{1f600}\x7f\x80/\b\f\n\r\t\x01\\"\0'),
    '"\\u0000\\u00E9\\uD83D\\uDE00\\u007F\\u0080/\\b\\f\\n\\r\\t\\u0001\\\\\\"\\u0000"',
  );
});

t.test('encodeReply', async (t) => {
  t.same(encodeReply(obj({ return: obj({}) }), false), Buffer.from('{"return": {}}\n'));
  t.same(encodeReply(obj({ return: 123456n }), true), Buffer.from('\xff{"return": 123456}\n', 'latin1'));
  t.same(
    encodeReply({ error: { class: 'GenericError', desc: "JSON parse error, stray '\ufffd'" } }, false),
    Buffer.from('{"error": {"class": "GenericError", "desc": "JSON parse error, stray \'\\uFFFD\'"}}\n'),
  );
});

t.test('large strings: fast path and fallbacks give the same bytes as encodeJson', async (t) => {
  const plain = Buffer.alloc(300_000, 'guest data ').toString('base64');
  for (const s of [
    plain,
    `${plain}\n`,
    `"${plain}`,
    `${plain}\\`,
    `${plain}\x7f`,
    `${plain}\u00e9`,
    `${plain}\u20ac`,
    `\ud800${plain}`,
    `${plain}\u{1f600}`,
  ]) {
    const value = { return: { count: 1n, 'buf-b64': s, eof: false }, id: 'x' };
    for (const delimited of [false, true]) {
      const expected = (delimited ? '\xff' : '') + encodeJson(value) + '\n';
      const got = bytesOf(encodeReply(value, delimited));
      t.ok(got.equals(Buffer.from(expected, 'latin1')), `${JSON.stringify(s.slice(-2))} delimited=${delimited}`);
    }
  }
  t.equal(encodeJson([plain, plain]).length, 2 * plain.length + 8);
  t.equal(bytesOf(encodeReply([plain, 'x', plain], false)).toString('latin1'), `["${plain}", "x", "${plain}"]\n`);
});

t.test('Base64Bytes: small ones inline, large ones sliced; same bytes as the base64 string', async (t) => {
  for (const n of [0, 1, 2, 3, 100, 49_151, 49_152, 786_431, 786_432, 786_433, 3 * REPLY_SLICE + 7]) {
    const bytes = Buffer.alloc(n);
    for (let i = 0; i < n; i++) bytes[i] = (i * 131 + 7) & 0xff;
    const value = { return: { count: n, 'buf-b64': new Base64Bytes(bytes), eof: false }, id: 7n };
    const expected = `\xff{"return": {"count": ${n}, "buf-b64": "${bytes.toString('base64')}", "eof": false}, "id": 7}\n`;
    const reply = encodeReply(value, true);
    t.ok(bytesOf(reply).equals(Buffer.from(expected, 'latin1')), `${n} bytes`);
    t.equal(encodeJson(value), expected.slice(1, -1), `${n} bytes as text`);
    if (reply instanceof SlicedReply) {
      t.equal(reply.size, expected.length, 'size is exact for base64');
      const slices = [...reply.slices()];
      t.ok(
        slices.every((s, i) => s.length === REPLY_SLICE || i === slices.length - 1),
        'full slices but the last',
      );
    } else {
      t.ok(n < 49_152, 'only small data is inlined');
    }
  }
});

t.test('a large string needing escapes is escaped slice by slice, surrogate pairs kept whole', async (t) => {
  const unit = 'a\u{1f600}"\n\u00e9';
  let s = '';
  while (s.length < 700_000) s += unit;
  for (const str of [s, `x${s}`, `xy${s}`]) {
    const value = { return: str };
    t.ok(bytesOf(encodeReply(value, false)).equals(Buffer.from(`${encodeJson(value)}\n`, 'latin1')), `offset ${str.length % 7}`);
  }
});

t.test('what JSON cannot carry throws a TypeError (cycles included), never overflows the stack', async (t) => {
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  const list: unknown[] = [];
  list.push(list);
  for (const bad of [cyclic, list, { s: Symbol('x') }, { f: () => 1 }, [1, Symbol.iterator]]) {
    t.throws(() => encodeReply({ return: bad }, false), TypeError);
  }
  let deep: unknown = 1;
  for (let i = 0; i < 1023; i++) deep = [deep];
  t.equal(bytesOf(encodeReply(deep, false)).length, 1023 * 2 + 2, '1023 levels are fine');
  t.throws(() => encodeReply([[deep]], false), /nesting deeper than 1024/);
});

t.test('member order remembered per shape: the same as computed afresh, for every subset and any number of shapes', async () => {
  const keys = ['iface', 'destination', 'gateway', 'mask', 'metric', 'flags', 'refcnt', 'use', 'mtu', 'window', 'irtt', 'version'];
  const fresh = (o: Record<string, unknown>): string =>
    `{${qdictOrder(Object.keys(o).filter((k) => o[k] !== undefined))
      .map((k) => `"${k}": ${JSON.stringify(o[k])}`)
      .join(', ')}}`;
  fc.assert(
    fc.property(
      fc.array(fc.subarray(keys, { minLength: 1 }), { minLength: 1, maxLength: 40 }),
      fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
      (shapes, holes) => {
        for (const shape of shapes) {
          const o: Record<string, unknown> = {};
          shape.forEach((k, i) => (o[k] = holes[i] ? undefined : i));
          if (encodeJson(o) !== fresh(o)) return false;
        }
        return true;
      },
    ),
  );
});

t.test('%.17g of a number asked again is the same text (remembered), -0 included', async (t) => {
  for (const x of [0.1, 1.5, 0.1, 1e21, 1e-5, 0.1, 2.5e-7, 1e-5]) t.equal(encodeJson(x), formatG17(x));
  t.equal(encodeJson(0.1), '0.10000000000000001');
  t.equal(encodeJson(-0.5), '-0.5');
  t.equal(formatG17(-0), '-0', 'not the remembered 0');
  t.equal(formatG17(0), '0');
  t.equal(formatG17(-0), '-0');
});

t.test('sliced reply: a slice the writer says is written is filled again, and the bytes stay right', async (t) => {
  const n = 5 * REPLY_SLICE + 11;
  const bytes = Buffer.alloc(n);
  for (let i = 0; i < n; i++) bytes[i] = (i * 151 + 3) & 0xff;
  let encodedCalls = 0;
  const value = { return: { count: n, 'buf-b64': new Base64Bytes(bytes, () => encodedCalls++), eof: true } };
  const expected = Buffer.from(`${encodeJson({ return: { count: n, 'buf-b64': bytes.toString('base64'), eof: true } })}\n`, 'latin1');
  for (const released of [true, false]) {
    const reply = encodeReply(value, false) as SlicedReply;
    const it = reply.slices();
    const copies: Buffer[] = [];
    const stores = new Set<ArrayBufferLike>();
    for (let r = it.next(); !r.done; r = it.next(released)) {
      copies.push(Buffer.from(r.value)); // what the transport sent before it said "written"
      stores.add(r.value.buffer);
    }
    t.ok(Buffer.concat(copies).equals(expected), `bytes exact (released=${released})`);
    t.ok(
      copies.every((s, i) => s.length === REPLY_SLICE || i === copies.length - 1),
      'full slices but the last',
    );
    if (released) t.equal(stores.size, 1, 'one buffer for all slices');
    else t.equal(stores.size, copies.length, 'a new buffer for each slice while writes are pending');
  }
  t.equal(encodedCalls, 1, 'the bytes are handed back once, after their first encoding');
});

t.test('small Base64Bytes are handed back once their text is made', async (t) => {
  let calls = 0;
  const b = new Base64Bytes(Buffer.from('hello'), () => calls++);
  t.equal(bytesOf(encodeReply({ return: { 'buf-b64': b } }, false)).toString(), '{"return": {"buf-b64": "aGVsbG8="}}\n');
  t.equal(calls, 1);
  b.encoded();
  t.equal(calls, 1, 'never twice');
});
