import t from 'tap';
import { JsonLexer } from '../../src/protocol/json-lexer.js';
import { parseJsonTokens, type ParseResult } from '../../src/protocol/json-parser.js';
import {
  COLON_TOKEN,
  COMMA_TOKEN,
  JsonToken,
  LCURLY_TOKEN,
  LSQUARE_TOKEN,
  RCURLY_TOKEN,
  TokenType,
} from '../../src/protocol/json-token.js';
import type { JsonObject, JsonValue } from '../../src/protocol/json-value.js';
import { unreadStringBytes } from '../../src/protocol/lazy-string.js';
import { decodeCStringLossy, decodeModUtf8, isValidCodePoint } from '../../src/protocol/mod-utf8.js';

/** Lexes `input` (latin1: one char per byte; a space is appended for lookahead) and parses all tokens. */
function parse(input: string, chunkSize = Infinity): ParseResult {
  const tokens: JsonToken[] = [];
  const lexer = new JsonLexer({
    token: (tok) => tokens.push(tok),
    error: () => {
      throw new Error(`unexpected lexer error in ${JSON.stringify(input)}`);
    },
    oversize: () => {
      throw new Error('unexpected oversize');
    },
  });
  const bytes = Buffer.from(`${input} `, 'latin1');
  for (let o = 0; o < bytes.length; o += Math.min(chunkSize, bytes.length)) {
    lexer.feed(bytes.subarray(o, o + chunkSize));
  }
  return parseJsonTokens(tokens);
}

function value(input: string): JsonValue {
  const r = parse(input);
  if (!r.ok) throw new Error(`${input}: ${r.desc}`);
  return r.value;
}

function desc(input: string): string {
  const r = parse(input);
  return r.ok ? 'OK' : r.desc;
}

function obj(entries: Record<string, JsonValue>): JsonValue {
  return Object.assign(Object.create(null) as Record<string, JsonValue>, entries);
}

t.test('values', async (t) => {
  t.same(
    value('{"execute": "guest-ping", "arguments": {"a": [1, 2.5, "x", true, false, null, {}, []]}}'),
    obj({
      execute: 'guest-ping',
      arguments: obj({ a: [1n, 2.5, 'x', true, false, null, obj({}), []] }),
    }),
  );
  t.same(value("{'execute':'guest-ping'}"), obj({ execute: 'guest-ping' }), 'single quotes');
  t.equal(Object.getPrototypeOf(value('{}')), null, 'objects have a null prototype');
  const proto = value('{"__proto__": 1, "constructor": 2}') as Record<string, JsonValue>;
  t.equal(proto['__proto__'], 1n, '__proto__ is plain data');
  t.same(Object.keys(proto), ['__proto__', 'constructor']);
});

t.test('integers: int64, then uint64, then double', async (t) => {
  t.equal(value('0'), 0n);
  t.equal(value('-0'), 0n);
  t.equal(value('9223372036854775807'), 9223372036854775807n);
  t.equal(value('-9223372036854775808'), -9223372036854775808n);
  t.equal(value('9223372036854775808'), 9223372036854775808n, 'uint64');
  t.equal(value('18446744073709551615'), 18446744073709551615n, 'UINT64_MAX');
  t.equal(value('18446744073709551616'), 2 ** 64, 'beyond uint64: a double');
  t.equal(value('-9223372036854775809'), -(2 ** 63), 'below int64 (never uint64): a double, rounded to -2^63');
  t.equal(value('123456789012345678901234567890'), 1.2345678901234568e29);
  t.equal(value('1' + '0'.repeat(400)), Infinity, 'strtod overflows to infinity');
});

t.test('floats', async (t) => {
  t.equal(value('1.5'), 1.5);
  t.equal(value('2.0'), 2);
  t.equal(typeof value('2.0'), 'number', 'a fraction makes a double even when integral');
  t.equal(value('1e3'), 1000);
  t.equal(value('1E+3'), 1000);
  t.equal(value('-1.5e-3'), -0.0015);
  t.ok(Object.is(value('-0.0'), -0));
  t.equal(value('1e999'), Infinity);
  t.equal(value('-1e999'), -Infinity);
  t.equal(value('1e-400'), 0);
  t.equal(value('5e-324'), 5e-324);
});

t.test('keywords', async (t) => {
  t.equal(desc('foo'), "JSON parse error, invalid keyword 'foo'");
  t.equal(desc('[nulll]'), "JSON parse error, invalid keyword 'nulll'");
  // qemu-ga formats details into 1024 bytes: 1023 survive, the closing quote goes first.
  t.equal(desc('a'.repeat(1005)), `JSON parse error, invalid keyword '${'a'.repeat(1005)}'`);
  t.equal(desc('a'.repeat(1006)), `JSON parse error, invalid keyword '${'a'.repeat(1006)}`);
  t.equal(desc('a'.repeat(5000)), `JSON parse error, invalid keyword '${'a'.repeat(1006)}`);
});

t.test('syntax errors', async (t) => {
  t.equal(desc('[1 2]'), 'JSON parse error, expected separator in list');
  t.equal(desc('[1}'), 'JSON parse error, expected separator in list');
  t.equal(desc('{"a" 1}'), 'JSON parse error, missing : in object pair');
  t.equal(desc('{"a":}'), 'JSON parse error, expecting value');
  t.equal(desc('{1:2}'), 'JSON parse error, key is not a string in object');
  t.equal(desc('{[1]:2}'), 'JSON parse error, key is not a string in object');
  t.equal(desc('{[}:2}'), 'JSON parse error, expecting value', 'an error inside the key comes first');
  t.equal(desc('{"a":1 "b":2}'), 'JSON parse error, expected separator in dict');
  t.equal(desc('[1,]'), 'JSON parse error, expecting value');
  t.equal(desc('{"a":1,}'), 'JSON parse error, expecting value');
  t.equal(desc('[,1]'), 'JSON parse error, expecting value');
  t.equal(desc(':'), 'JSON parse error, expecting value');
  t.equal(desc('}'), 'JSON parse error, expecting value');
  t.equal(desc('{]'), 'JSON parse error, expecting value');
});

t.test('duplicate keys', async (t) => {
  t.equal(desc('{"a":1,"a":2}'), 'JSON parse error, duplicate key');
  t.equal(desc('{"a":1,"b":{"a":2}}'), 'OK', 'same key in another object');
  t.equal(desc('{"a":1,\'a\':2}'), 'JSON parse error, duplicate key', 'quotes do not matter');
  t.equal(desc('{"\\u0000":1,"\xc0\x80":2}'), 'JSON parse error, duplicate key', '\\u0000 and C0 80 are the same key');
  // The value is parsed before the duplicate check: its error wins.
  t.equal(desc('{"a":1,"a":x}'), "JSON parse error, invalid keyword 'x'");
  t.equal(desc('{"a":1,"a":2,"b":x}'), 'JSON parse error, duplicate key', 'the first error wins');
});

t.test('premature EOI (only reachable with a token list the streamer never produces)', async (t) => {
  const str = new JsonToken(TokenType.STRING, 3, 'a', null, true);
  const one = new JsonToken(TokenType.INTEGER, 1, '1', null, false);
  const eoi = (tokens: JsonToken[]) => {
    const r = parseJsonTokens(tokens);
    return r.ok ? 'OK' : r.desc;
  };
  t.equal(eoi([]), 'JSON parse error, premature EOI');
  t.equal(eoi([LCURLY_TOKEN]), 'JSON parse error, premature EOI');
  t.equal(eoi([LCURLY_TOKEN, str]), 'JSON parse error, premature EOI');
  t.equal(eoi([LCURLY_TOKEN, str, COLON_TOKEN]), 'JSON parse error, premature EOI');
  t.equal(eoi([LCURLY_TOKEN, str, COLON_TOKEN, one]), 'JSON parse error, premature EOI');
  t.equal(eoi([LCURLY_TOKEN, str, COLON_TOKEN, one, COMMA_TOKEN]), 'JSON parse error, premature EOI');
  t.equal(eoi([LSQUARE_TOKEN]), 'JSON parse error, premature EOI');
  t.equal(eoi([LSQUARE_TOKEN, one]), 'JSON parse error, premature EOI');
  t.equal(eoi([LSQUARE_TOKEN, one, COMMA_TOKEN]), 'JSON parse error, premature EOI');
  t.equal(eoi([LCURLY_TOKEN, str, COLON_TOKEN, one, RCURLY_TOKEN]), 'OK');
});

t.test('escapes', async (t) => {
  t.equal(value('"\\" \\\' \\\\ \\/ \\b \\f \\n \\r \\t"'), '" \' \\ / \b \f \n \r \t');
  t.equal(value("'\\\" \\''"), '" \'');
  t.equal(value('"\\u0041\\u00e9\\u00E9\\u20ac"'), 'A\u00e9\u00e9\u20ac');
  t.equal(value('"\\u0000"'), '\0', '\\u0000 is allowed (stored as C0 80 by qemu-ga)');
  t.equal(value('"\\ud83d\\ude00"'), '\u{1f600}', 'surrogate pairs combine');
  t.equal(value('"\\uD83D\\uDE00"'), '\u{1f600}');
  t.equal(value('"\\u12345"'), '\u12345', 'only 4 hex digits belong to the escape');
  for (const bad of ['\\x', '\\a', '\\U0041', '\\0', '\\\xc3\xa9', '\\\x7f']) {
    t.equal(desc(`"${bad}"`), 'JSON parse error, invalid escape sequence in string', bad);
  }
});

t.test('\\u escapes that are not valid characters quote what was consumed', async (t) => {
  const cases: [string, string][] = [
    ['\\u', '\\u"'],
    ['\\u1', '\\u1"'],
    ['\\u12', '\\u12"'],
    ['\\uzzzz', '\\uzzzz'],
    ['\\u12\xc3\xa9', '\\u12\u00e9'],
    ['\\ud800', '\\ud800'],
    ['\\uD800x', '\\uD800'],
    ['\\udc00', '\\udc00'],
    ['\\ud800\\u0041', '\\ud800'],
    ['\\ud800\\u12', '\\ud800'],
    ['\\ud800\\ud800', '\\ud800'],
    ['\\ud83f\\udffe', '\\ud83f\\udffe'],
    ['\\ufdd0', '\\ufdd0'],
    ['\\ufdef', '\\ufdef'],
    ['\\ufffe', '\\ufffe'],
    ['\\uffff', '\\uffff'],
  ];
  for (const [esc, shown] of cases) {
    t.equal(desc(`"${esc}"`), `JSON parse error, ${shown} is not a valid Unicode character`, esc);
  }
  t.equal(desc("'\\u1'"), "JSON parse error, \\u1' is not a valid Unicode character", 'single-quoted');
  t.equal(value('"\\ufdcf\\ufdf0\\ufffd"'), '\ufdcf\ufdf0\ufffd', 'neighbours of the non-characters are fine');
});

t.test('raw bytes: modified UTF-8', async (t) => {
  t.equal(value('"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\x7f"'), '\u00e9\u20ac\u{1f600}\x7f');
  t.equal(value('"\xc0\x80"'), '\0', 'the overlong C0 80 is U+0000');
  t.equal(value('"\xf4\x8f\xbf\xbd"'), '\u{10fffd}');
  for (const bad of [
    '\x80',
    '\xbf',
    '\xc3',
    '\xc3\x41',
    '\xe2\x82',
    '\xed\xa0\x80',
    '\xed\xbf\xbf',
    '\xef\xbf\xbe',
    '\xef\xbf\xbf',
    '\xef\xb7\x90',
    '\xf4\x90\x80\x80',
    '\xe0\x80\x80',
    '\xc1\xbf',
    '\xc0\x81',
    '\xf0\x80\x80\x80',
    '\xf8\x88\x80\x80\x80',
    '\xfc\x84\x80\x80\x80\x80',
    '\xf0\x9f\xbf\xbe',
  ]) {
    t.equal(desc(`"a${bad}b"`), 'JSON parse error, invalid UTF-8 sequence in string', JSON.stringify(bad));
  }
});

t.test('the first error in a string wins', async (t) => {
  t.equal(desc('"\\x\xc3"'), 'JSON parse error, invalid escape sequence in string');
  t.equal(desc('"\xc3\\x"'), 'JSON parse error, invalid UTF-8 sequence in string');
  t.equal(desc('["\\x", foo]'), 'JSON parse error, invalid escape sequence in string');
});

t.test('long strings across chunks', async (t) => {
  const body = 'QUJD'.repeat(300_000); // 1.2 MB: several 1 MiB pieces
  t.equal(parse(`"${body}"`, 65536).ok && (value(`"${body}"`) as string).length, body.length);
  const r = parse(`"${body}"`, 65536);
  t.ok(r.ok && r.value === body, 'plain multi-chunk string');
  const mixed = `${body}\\n\xc3\xa9${body}`;
  const r2 = parse(`"${mixed}"`, 4096);
  t.ok(r2.ok && r2.value === `${body}\n\u00e9${body}`, 'non-plain multi-chunk string');
  const r3 = parse(`"${body}"`, 1);
  t.ok(r3.ok && r3.value === body, 'one byte per chunk');
});

t.test('a big plain string member is lazy: its bytes until read, then an ordinary string', async (t) => {
  const body = 'QUJD'.repeat(100_000); // 400 KB across 64 KiB chunks
  const r = parse(`{"a": 1, "buf": "${body}", "z": "${body}"}`, 65536);
  if (!r.ok) throw new Error(r.desc);
  const o = r.value as JsonObject;
  t.same(Object.keys(o), ['a', 'buf', 'z'], 'member order as sent');
  const raw = unreadStringBytes(o, 'buf');
  t.equal(raw && Buffer.concat(raw).toString('latin1'), `"${body}"`, 'the token bytes, quotes included');
  t.equal(o['buf'], body, 'read as text: the string');
  t.equal(unreadStringBytes(o, 'buf'), undefined, 'once read, no longer unread');
  t.equal(
    JSON.stringify(o, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v)),
    JSON.stringify({ a: 1, buf: body, z: body }),
    'serializes as the string',
  );
  t.equal(unreadStringBytes(o, 'z'), undefined, 'JSON.stringify read it');
  const small = parse(`{"s": "${'QUJD'.repeat(100)}"}`, 64);
  t.equal(small.ok && unreadStringBytes(small.value as JsonObject, 's'), undefined, 'small strings are plain values');
  const dup = parse(`{"buf": "${body}", "buf": "${body}"}`, 65536);
  t.same(dup, { ok: false, desc: 'JSON parse error, duplicate key' }, 'duplicate keys still fail');
});

t.test('mod-utf8 helpers', async (t) => {
  t.equal(decodeCStringLossy(Buffer.from('a\xffb\x00c', 'latin1')), 'a\ufffdb', 'stops at NUL');
  t.equal(decodeCStringLossy(Buffer.from('\xe2\x82x', 'latin1')), '\ufffdx', 'one U+FFFD per truncated sequence');
  t.equal(decodeCStringLossy(Buffer.from('\xed\xa0\x80', 'latin1')), '\ufffd', 'one U+FFFD for an encoded surrogate');
  t.equal(decodeCStringLossy(Buffer.from('\xc0\x80', 'latin1')), '\0');
  t.equal(decodeCStringLossy(Buffer.from('\xf0\x9f\x98\x80', 'latin1')), '\u{1f600}');
  t.equal(decodeModUtf8(Buffer.from([0xc3]), 0, 1), -1);
  t.ok(isValidCodePoint(0) && isValidCodePoint(0x10fffd) && !isValidCodePoint(0x110000) && !isValidCodePoint(-1));
});
