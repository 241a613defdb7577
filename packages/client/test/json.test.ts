import t from 'tap';
import { parseJson, JsonSyntaxError } from '../src/json/parse-json.js';
import { stringifyJson } from '../src/json/stringify-json.js';

t.test('integers beyond 2^53 come back as exact bigints', async (t) => {
  t.equal(parseJson('4611686018427387905'), 4611686018427387905n);
  t.equal(parseJson('-9223372036854775808'), -9223372036854775808n);
  t.equal(parseJson('18446744073709551615'), 18446744073709551615n);
  t.equal(parseJson('9007199254740993'), 9007199254740993n);
  t.equal(parseJson('9007199254740991'), 9007199254740991, 'the largest safe integer stays a number');
  t.equal(parseJson('-12'), -12);
  t.equal(parseJson('1795680092674416000'), 1795680092674416000n, 'guest-get-time sized values');
});

t.test('floats stay numbers', async (t) => {
  t.equal(parseJson('0.10000000000000001'), 0.1);
  t.equal(parseJson('1e3'), 1000);
  t.equal(parseJson('-2.5E-1'), -0.25);
});

t.test('replies parse into plain values', async (t) => {
  const v = parseJson('{"return": {"count": 3, "buf-b64": "YWJj", "eof": true}, "id": [1, null, false]}');
  t.same(v, { return: { count: 3, 'buf-b64': 'YWJj', eof: true }, id: [1, null, false] });
});

t.test('escapes are decoded, including surrogate pairs and the ASCII-escaped output of qemu-ga', async (t) => {
  t.equal(parseJson('"a\\"b\\\\c\\/d\\n\\t\\r\\b\\f"'), 'a"b\\c/d\n\t\r\b\f');
  t.equal(parseJson('"\\u201Ctest\\u201D"'), '\u201Ctest\u201D');
  t.equal(parseJson('"\\uD83D\\uDE00"'), '\u{1F600}');
  t.equal(parseJson('"\\uFFFD"'), '\uFFFD');
});

t.test('a key named __proto__ is an ordinary member', async (t) => {
  const v = parseJson('{"__proto__": {"x": 1}}') as Record<string, unknown>;
  t.same(Object.keys(v), ['__proto__']);
  t.equal(Object.getPrototypeOf(v), Object.prototype);
});

t.test('malformed text is rejected', async (t) => {
  for (const bad of ['', '{', '{"a" 1}', '[1,]', '01', '-', '1.', '"abc', 'tru', '{"a":1} x', '"\\x"', '"a\u0001b"', "'a'", '"\\u12G4"']) {
    t.throws(() => parseJson(bad), JsonSyntaxError, JSON.stringify(bad));
  }
  t.throws(() => parseJson('['.repeat(2000) + ']'.repeat(2000)), JsonSyntaxError, 'deep nesting is refused, not a stack overflow');
});

t.test('large base64 strings parse quickly', async (t) => {
  const b64 = Buffer.alloc(8 * 1024 * 1024, 7).toString('base64');
  const start = performance.now();
  const v = parseJson(`{"return": {"buf-b64": "${b64}", "count": 8388608}}`) as { return: { 'buf-b64': string } };
  const ms = performance.now() - start;
  t.equal(v.return['buf-b64'].length, b64.length);
  t.comment(`8 MiB of data parsed in ${ms.toFixed(1)} ms (speed is measured by npm run bench, not asserted here)`);
});

t.test('stringify writes compact ASCII JSON with exact bigints', async (t) => {
  t.equal(
    stringifyJson({ execute: 'guest-sync', arguments: { id: 4611686018427387905n } }),
    '{"execute":"guest-sync","arguments":{"id":4611686018427387905}}',
  );
  t.equal(
    stringifyJson(['é', '\u{1F600}', 'a"\\\n\u0001', -0, 1.5, null, true]),
    '["\\u00E9","\\uD83D\\uDE00","a\\"\\\\\\n\\u0001",0,1.5,null,true]',
  );
  t.equal(stringifyJson({ a: undefined, b: 1 }), '{"b":1}', 'undefined members are skipped');
  t.throws(() => stringifyJson(NaN));
  t.throws(() => stringifyJson(Infinity));
});

t.test('stringify and parse round trip', async (t) => {
  const value = {
    s: 'x\u0000y\u00ff\u2028',
    n: [0, -1, 2 ** 53 - 1, 12345678901234567890n, -9223372036854775808n],
    o: { nested: [[], {}] },
  };
  t.same(parseJson(stringifyJson(value)), value);
});
