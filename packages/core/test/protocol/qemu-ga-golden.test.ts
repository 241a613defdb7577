import t from 'tap';
import type { Inbound } from '../../src/protocol/inbound.js';
import { JsonStreamDecoder } from '../../src/protocol/json-stream-decoder.js';
import { isJsonObject } from '../../src/protocol/json-value.js';

/*
 * Golden data captured from the real reference agent, qemu-ga 7.2 (Debian 12,
 * "QEMU Guest Agent 7.2.22"), started with `qemu-ga -m unix-listen -p <sock> -t <dir>`.
 * Each input (a latin1 string: one character per byte) was sent followed by one
 * 0xFF byte, and every reply qemu-ga sent for those bytes was recorded as:
 *   - the desc of a protocol-level error (JSON parse errors, limit errors,
 *     "QMP input must be a JSON object", which the dispatcher sends for non-objects);
 *   - 'OBJECT' for any reply to a JSON object (the dispatcher's business, not the decoder's).
 * The last reply is always the one for the trailing 0xFF.
 * (Captured by sending input + 0xFF + a guest-sync-delimited and reading up to its reply.)
 */

/** What the decoder produced, in the same terms as the captured replies. */
function outcome(e: Inbound): string {
  if (e.kind === 'error') return e.desc;
  return isJsonObject(e.value) ? 'OBJECT' : 'QMP input must be a JSON object';
}

function decode(chunks: readonly Buffer[]): string[] {
  const d = new JsonStreamDecoder();
  return chunks.flatMap((c) => d.push(c).map(outcome));
}

const GOLDEN: [input: string, replies: string[]][] = [
  ['{"execute":"guest-ping"}', ['OBJECT', "JSON parse error, stray '\uFFFD'"]],
  ["{'execute':'guest-ping'}", ['OBJECT', "JSON parse error, stray '\uFFFD'"]],
  ['{"execute":"guest-ping","id":[1,2.5,"x",true,false,null,{}]}', ['OBJECT', "JSON parse error, stray '\uFFFD'"]],
  ['{"execute":"guest-ping"}{"execute":"guest-ping"}', ['OBJECT', 'OBJECT', "JSON parse error, stray '\uFFFD'"]],
  [' \x09\x0d\x0a{"execute":"guest-ping"} \x0a', ['OBJECT', "JSON parse error, stray '\uFFFD'"]],
  ['42 ', ['QMP input must be a JSON object', "JSON parse error, stray '\uFFFD'"]],
  ['42', ['QMP input must be a JSON object', "JSON parse error, stray '\uFFFD'"]],
  ['-0 ', ['QMP input must be a JSON object', "JSON parse error, stray '\uFFFD'"]],
  ['true ', ['QMP input must be a JSON object', "JSON parse error, stray '\uFFFD'"]],
  ['null ', ['QMP input must be a JSON object', "JSON parse error, stray '\uFFFD'"]],
  ['"str"', ['QMP input must be a JSON object', "JSON parse error, stray '\uFFFD'"]],
  ["'str'", ['QMP input must be a JSON object', "JSON parse error, stray '\uFFFD'"]],
  ['[1,2]', ['QMP input must be a JSON object', "JSON parse error, stray '\uFFFD'"]],
  ['[]', ['QMP input must be a JSON object', "JSON parse error, stray '\uFFFD'"]],
  ['1.5 ', ['QMP input must be a JSON object', "JSON parse error, stray '\uFFFD'"]],
  ['1e5 ', ['QMP input must be a JSON object', "JSON parse error, stray '\uFFFD'"]],
  ['1E+5 ', ['QMP input must be a JSON object', "JSON parse error, stray '\uFFFD'"]],
  ['1.5E-3 ', ['QMP input must be a JSON object', "JSON parse error, stray '\uFFFD'"]],
  [
    '0e5 ',
    [
      'QMP input must be a JSON object',
      "JSON parse error, invalid keyword 'e'",
      'QMP input must be a JSON object',
      "JSON parse error, stray '\uFFFD'",
    ],
  ],
  ['1e5x ', ['QMP input must be a JSON object', "JSON parse error, invalid keyword 'x'", "JSON parse error, stray '\uFFFD'"]],
  ['01 ', ["JSON parse error, stray '01'", "JSON parse error, stray '\uFFFD'"]],
  ['-01 ', ["JSON parse error, stray '-01'", "JSON parse error, stray '\uFFFD'"]],
  ['-x ', ["JSON parse error, stray '-x'", "JSON parse error, stray '\uFFFD'"]],
  ['- ', ["JSON parse error, stray '- '", "JSON parse error, stray '\uFFFD'"]],
  ['+1 ', ["JSON parse error, stray '+'", "JSON parse error, stray '\uFFFD'"]],
  ['1. ', ["JSON parse error, stray '1. '", "JSON parse error, stray '\uFFFD'"]],
  ['1.5e ', ["JSON parse error, stray '1.5e '", "JSON parse error, stray '\uFFFD'"]],
  ['1e+ ', ["JSON parse error, stray '1e+ '", "JSON parse error, stray '\uFFFD'"]],
  ['TRUE ', ["JSON parse error, stray 'T'", "JSON parse error, stray '\uFFFD'"]],
  ['True ', ["JSON parse error, stray 'T'", "JSON parse error, stray '\uFFFD'"]],
  ['%d ', ["JSON parse error, stray '%'", "JSON parse error, stray '\uFFFD'"]],
  ['% ', ["JSON parse error, stray '%'", "JSON parse error, stray '\uFFFD'"]],
  ['#', ["JSON parse error, stray '#'", "JSON parse error, stray '\uFFFD'"]],
  ['\x7f', ["JSON parse error, stray '\x7f'", "JSON parse error, stray '\uFFFD'"]],
  ['\x00', ["JSON parse error, stray ''", "JSON parse error, stray '\uFFFD'"]],
  ['\x01', ["JSON parse error, stray '\x01'", "JSON parse error, stray '\uFFFD'"]],
  ['\x1b', ["JSON parse error, stray '\x1b'", "JSON parse error, stray '\uFFFD'"]],
  ['\xef\xbb\xbf{"execute":"guest-ping"}', ["JSON parse error, stray '\uFFFD'", 'OBJECT', "JSON parse error, stray '\uFFFD'"]],
  [' \x80', ["JSON parse error, stray '\uFFFD'", "JSON parse error, stray '\uFFFD'"]],
  ['1\xc3 ', ['QMP input must be a JSON object', "JSON parse error, stray '\uFFFD'", "JSON parse error, stray '\uFFFD'"]],
  ['ab\x80 ', ["JSON parse error, invalid keyword 'ab'", "JSON parse error, stray '\uFFFD'", "JSON parse error, stray '\uFFFD'"]],
  ['tru\xff', ["JSON parse error, invalid keyword 'tru'", "JSON parse error, stray '\uFFFD'", "JSON parse error, stray '\uFFFD'"]],
  ['1\xff', ['QMP input must be a JSON object', "JSON parse error, stray '\uFFFD'", "JSON parse error, stray '\uFFFD'"]],
  ['\xfe', ["JSON parse error, stray '\uFFFD'", "JSON parse error, stray '\uFFFD'"]],
  ['"a\x09b" ', ["JSON parse error, stray '\"a\x09'", "JSON parse error, stray '\uFFFD'"]],
  ['"a\x0ab"', ["JSON parse error, stray '\"a\x0a'", "JSON parse error, stray '\uFFFD'"]],
  ['"a\x00', ["JSON parse error, stray '\"a'", "JSON parse error, stray '\uFFFD'"]],
  ['"abc\x1b{"execute":"guest-ping"}', ["JSON parse error, stray '\"abc\x1b'", 'OBJECT', "JSON parse error, stray '\uFFFD'"]],
  [
    '"abc\xff\xff\xff',
    [
      "JSON parse error, stray '\"abc\uFFFD'",
      "JSON parse error, stray '\uFFFD'",
      "JSON parse error, stray '\uFFFD'",
      "JSON parse error, stray '\uFFFD'",
    ],
  ],
  [
    '{"a\xff":1}',
    [
      "JSON parse error, stray '\"a\uFFFD'",
      'JSON parse error, expecting value',
      'QMP input must be a JSON object',
      'JSON parse error, expecting value',
      "JSON parse error, stray '\uFFFD'",
    ],
  ],
  ['{"a":1\xfe}', ["JSON parse error, stray '\uFFFD'", 'JSON parse error, expecting value', "JSON parse error, stray '\uFFFD'"]],
  ['"\\\x01"', ["JSON parse error, stray '\"\\\x01'", "JSON parse error, stray '\uFFFD'"]],
  ['"\\\xff"', ["JSON parse error, stray '\"\\\uFFFD'", "JSON parse error, stray '\uFFFD'"]],
  ['"\\\xc3\xa9"', ['JSON parse error, invalid escape sequence in string', "JSON parse error, stray '\uFFFD'"]],
  ['"\\\x7f"', ['JSON parse error, invalid escape sequence in string', "JSON parse error, stray '\uFFFD'"]],
  ['"\\/"', ['QMP input must be a JSON object', "JSON parse error, stray '\uFFFD'"]],
  ['"\\\'"', ['QMP input must be a JSON object', "JSON parse error, stray '\uFFFD'"]],
  ['"\\x"', ['JSON parse error, invalid escape sequence in string', "JSON parse error, stray '\uFFFD'"]],
  ['"\\a"', ['JSON parse error, invalid escape sequence in string', "JSON parse error, stray '\uFFFD'"]],
  ['"\\U0041"', ['JSON parse error, invalid escape sequence in string', "JSON parse error, stray '\uFFFD'"]],
  ["'a\"b' ", ['QMP input must be a JSON object', "JSON parse error, stray '\uFFFD'"]],
  ["'a\\'b' ", ['QMP input must be a JSON object', "JSON parse error, stray '\uFFFD'"]],
  ["'a'b' ", ['QMP input must be a JSON object', "JSON parse error, invalid keyword 'b'", "JSON parse error, stray '' \uFFFD'"]],
  ['"\\u"', ['JSON parse error, \\u" is not a valid Unicode character', "JSON parse error, stray '\uFFFD'"]],
  ['"\\u1"', ['JSON parse error, \\u1" is not a valid Unicode character', "JSON parse error, stray '\uFFFD'"]],
  ['"\\u12"', ['JSON parse error, \\u12" is not a valid Unicode character', "JSON parse error, stray '\uFFFD'"]],
  ['"\\uzzzz"', ['JSON parse error, \\uzzzz is not a valid Unicode character', "JSON parse error, stray '\uFFFD'"]],
  ['"\\u12345"', ['QMP input must be a JSON object', "JSON parse error, stray '\uFFFD'"]],
  ['"\\u0000"', ['QMP input must be a JSON object', "JSON parse error, stray '\uFFFD'"]],
  ['"\\ud800"', ['JSON parse error, \\ud800 is not a valid Unicode character', "JSON parse error, stray '\uFFFD'"]],
  ['"\\udc00"', ['JSON parse error, \\udc00 is not a valid Unicode character', "JSON parse error, stray '\uFFFD'"]],
  ['"\\ud800\\u0041"', ['JSON parse error, \\ud800 is not a valid Unicode character', "JSON parse error, stray '\uFFFD'"]],
  ['"\\ud800x"', ['JSON parse error, \\ud800 is not a valid Unicode character', "JSON parse error, stray '\uFFFD'"]],
  ['"\\uD800x"', ['JSON parse error, \\uD800 is not a valid Unicode character', "JSON parse error, stray '\uFFFD'"]],
  ['"\\ud83d\\ude00"', ['QMP input must be a JSON object', "JSON parse error, stray '\uFFFD'"]],
  ['"\\ud83f\\udffe"', ['JSON parse error, \\ud83f\\udffe is not a valid Unicode character', "JSON parse error, stray '\uFFFD'"]],
  ['"\\ufdd0"', ['JSON parse error, \\ufdd0 is not a valid Unicode character', "JSON parse error, stray '\uFFFD'"]],
  ['"\\ufdef"', ['JSON parse error, \\ufdef is not a valid Unicode character', "JSON parse error, stray '\uFFFD'"]],
  ['"\\ufdf0"', ['QMP input must be a JSON object', "JSON parse error, stray '\uFFFD'"]],
  ['"\\ufffe"', ['JSON parse error, \\ufffe is not a valid Unicode character', "JSON parse error, stray '\uFFFD'"]],
  ['"\\uffff"', ['JSON parse error, \\uffff is not a valid Unicode character', "JSON parse error, stray '\uFFFD'"]],
  ['"\\ud800\\u12"', ['JSON parse error, \\ud800 is not a valid Unicode character', "JSON parse error, stray '\uFFFD'"]],
  ['"\\u12\xc3\xa9"', ['JSON parse error, \\u12\xe9 is not a valid Unicode character', "JSON parse error, stray '\uFFFD'"]],
  ['"\xc3\xa9"', ['QMP input must be a JSON object', "JSON parse error, stray '\uFFFD'"]],
  ['"\xed\xa0\x80"', ['JSON parse error, invalid UTF-8 sequence in string', "JSON parse error, stray '\uFFFD'"]],
  ['"\xef\xbf\xbe"', ['JSON parse error, invalid UTF-8 sequence in string', "JSON parse error, stray '\uFFFD'"]],
  ['"\xf4\x90\x80\x80"', ['JSON parse error, invalid UTF-8 sequence in string', "JSON parse error, stray '\uFFFD'"]],
  ['"\xe0\x80\x80"', ['JSON parse error, invalid UTF-8 sequence in string', "JSON parse error, stray '\uFFFD'"]],
  ['"\xc1\xbf"', ['JSON parse error, invalid UTF-8 sequence in string', "JSON parse error, stray '\uFFFD'"]],
  ['"\xc0\x80"', ['QMP input must be a JSON object', "JSON parse error, stray '\uFFFD'"]],
  ['"\xf8\x88\x80\x80\x80"', ['JSON parse error, invalid UTF-8 sequence in string', "JSON parse error, stray '\uFFFD'"]],
  ['"\xfc\x84\x80\x80\x80\x80"', ['JSON parse error, invalid UTF-8 sequence in string', "JSON parse error, stray '\uFFFD'"]],
  ['"\x80"', ['JSON parse error, invalid UTF-8 sequence in string', "JSON parse error, stray '\uFFFD'"]],
  ['"\xc3"', ['JSON parse error, invalid UTF-8 sequence in string', "JSON parse error, stray '\uFFFD'"]],
  ['"\x7f"', ['QMP input must be a JSON object', "JSON parse error, stray '\uFFFD'"]],
  ['"\xf0\x9f\x98\x80"', ['QMP input must be a JSON object', "JSON parse error, stray '\uFFFD'"]],
  ['"\xef\xbf\xbe\x01', ["JSON parse error, stray '\"\uFFFD\x01'", "JSON parse error, stray '\uFFFD'"]],
  ['"\xed\xa0\x80\x01', ["JSON parse error, stray '\"\uFFFD\x01'", "JSON parse error, stray '\uFFFD'"]],
  ['"\xc0\x80\x01', ["JSON parse error, stray '\"\x00\x01'", "JSON parse error, stray '\uFFFD'"]],
  ['"\xe2\x82\x01', ["JSON parse error, stray '\"\uFFFD\x01'", "JSON parse error, stray '\uFFFD'"]],
  ['"\xf8\x88\x80\x80\x80\x01', ["JSON parse error, stray '\"\uFFFD\x01'", "JSON parse error, stray '\uFFFD'"]],
  ['"\xf0\x9f\x98\x80\x01', ["JSON parse error, stray '\"\uD83D\uDE00\x01'", "JSON parse error, stray '\uFFFD'"]],
  ['"\xc3\xa9\x01', ["JSON parse error, stray '\"\xe9\x01'", "JSON parse error, stray '\uFFFD'"]],
  ['[1 2]', ['JSON parse error, expected separator in list', "JSON parse error, stray '\uFFFD'"]],
  ['{"a" 1}', ['JSON parse error, missing : in object pair', "JSON parse error, stray '\uFFFD'"]],
  ['{"a":}', ['JSON parse error, expecting value', "JSON parse error, stray '\uFFFD'"]],
  ['{1:2}', ['JSON parse error, key is not a string in object', "JSON parse error, stray '\uFFFD'"]],
  ['{[1]:2}', ['JSON parse error, key is not a string in object', "JSON parse error, stray '\uFFFD'"]],
  ['{"a":1,"a":2}', ['JSON parse error, duplicate key', "JSON parse error, stray '\uFFFD'"]],
  ['{"a":1,"a":x}', ["JSON parse error, invalid keyword 'x'", "JSON parse error, stray '\uFFFD'"]],
  ['{"a":1 "b":2}', ['JSON parse error, expected separator in dict', "JSON parse error, stray '\uFFFD'"]],
  ['[1,]', ['JSON parse error, expecting value', "JSON parse error, stray '\uFFFD'"]],
  ['{"a":1,}', ['JSON parse error, expecting value', "JSON parse error, stray '\uFFFD'"]],
  ['[,1]', ['JSON parse error, expecting value', "JSON parse error, stray '\uFFFD'"]],
  ['{"a":[}', ["JSON parse error, stray '\uFFFD'"]],
  ['[1}', ['JSON parse error, expected separator in list', "JSON parse error, stray '\uFFFD'"]],
  ['{]', ['JSON parse error, expecting value', "JSON parse error, stray '\uFFFD'"]],
  ['[}', ['JSON parse error, expecting value', "JSON parse error, stray '\uFFFD'"]],
  ['foo ', ["JSON parse error, invalid keyword 'foo'", "JSON parse error, stray '\uFFFD'"]],
  ['nul ', ["JSON parse error, invalid keyword 'nul'", "JSON parse error, stray '\uFFFD'"]],
  ['[nulll]', ["JSON parse error, invalid keyword 'nulll'", "JSON parse error, stray '\uFFFD'"]],
  ['{"a":"\\x","b":foo}', ['JSON parse error, invalid escape sequence in string', "JSON parse error, stray '\uFFFD'"]],
  [':', ['JSON parse error, expecting value', "JSON parse error, stray '\uFFFD'"]],
  [',', ['JSON parse error, expecting value', "JSON parse error, stray '\uFFFD'"]],
  ['}', ['JSON parse error, expecting value', "JSON parse error, stray '\uFFFD'"]],
  [']', ['JSON parse error, expecting value', "JSON parse error, stray '\uFFFD'"]],
  [
    '}}]]',
    [
      'JSON parse error, expecting value',
      'JSON parse error, expecting value',
      'JSON parse error, expecting value',
      'JSON parse error, expecting value',
      "JSON parse error, stray '\uFFFD'",
    ],
  ],
  [
    ',:,',
    [
      'JSON parse error, expecting value',
      'JSON parse error, expecting value',
      'JSON parse error, expecting value',
      "JSON parse error, stray '\uFFFD'",
    ],
  ],
  [
    '{"a":+1,"b":2}{"execute":"guest-ping"}',
    [
      "JSON parse error, stray '+'",
      'JSON parse error, expecting value',
      'QMP input must be a JSON object',
      'JSON parse error, expecting value',
      'QMP input must be a JSON object',
      'JSON parse error, expecting value',
      'OBJECT',
      "JSON parse error, stray '\uFFFD'",
    ],
  ],
  ['+abc"def{}', ["JSON parse error, stray '+'", 'OBJECT', "JSON parse error, stray '\uFFFD'"]],
  ['+ab\x09c\x0a"x"', ["JSON parse error, stray '+'", 'QMP input must be a JSON object', "JSON parse error, stray '\uFFFD'"]],
  ['+ab\x01"x"', ["JSON parse error, stray '+'", "JSON parse error, stray '\x01'", "JSON parse error, stray '\uFFFD'"]],
  ['+ab\x7f[1]', ["JSON parse error, stray '+'", 'QMP input must be a JSON object', "JSON parse error, stray '\uFFFD'"]],
  [
    '+ab cd ef"gh"ij:kl',
    [
      "JSON parse error, stray '+'",
      'JSON parse error, expecting value',
      "JSON parse error, invalid keyword 'kl'",
      "JSON parse error, stray '\uFFFD'",
    ],
  ],
  ['{"execute":"guest-ping" junk}', ['JSON parse error, expected separator in dict', "JSON parse error, stray '\uFFFD'"]],
  [
    '{"execute":"guest-ping"}junk{"execute":"guest-ping"}',
    ['OBJECT', "JSON parse error, invalid keyword 'junk'", 'OBJECT', "JSON parse error, stray '\uFFFD'"],
  ],
  ['{"execute":Guest}', ["JSON parse error, stray 'G'", 'JSON parse error, expecting value', "JSON parse error, stray '\uFFFD'"]],
  [
    '{"execute":"guest-ping"} \x1b{"execute":"guest-ping"}',
    ['OBJECT', "JSON parse error, stray '\x1b'", 'OBJECT', "JSON parse error, stray '\uFFFD'"],
  ],
  ['[1,2', ["JSON parse error, stray '\uFFFD'"]],
  ['{"a":[1,2,{"b":', ["JSON parse error, stray '\uFFFD'"]],
  ['"unterminated', ["JSON parse error, stray '\"unterminated\uFFFD'"]],
  [
    '\xff\xff{"execute":"guest-ping"}',
    ["JSON parse error, stray '\uFFFD'", "JSON parse error, stray '\uFFFD'", 'OBJECT', "JSON parse error, stray '\uFFFD'"],
  ],
  ['"\\ud800\\ud800"', ['JSON parse error, \\ud800 is not a valid Unicode character', "JSON parse error, stray '\uFFFD'"]],
  ['{[}:2}', ['JSON parse error, expecting value', "JSON parse error, stray '\uFFFD'"]],
  ['{"a":1,\'a\':2}', ['JSON parse error, duplicate key', "JSON parse error, stray '\uFFFD'"]],
  ['{"\\u0000":1,"\xc0\x80":2}', ['JSON parse error, duplicate key', "JSON parse error, stray '\uFFFD'"]],
  ['{"a":1,"a":2,"b":x}', ['JSON parse error, duplicate key', "JSON parse error, stray '\uFFFD'"]],
  ['"\\x\xc3"', ['JSON parse error, invalid escape sequence in string', "JSON parse error, stray '\uFFFD'"]],
  ['"\xc3\\x"', ['JSON parse error, invalid UTF-8 sequence in string', "JSON parse error, stray '\uFFFD'"]],
  ["'\\u1'", ["JSON parse error, \\u1' is not a valid Unicode character", "JSON parse error, stray '\uFFFD'"]],
  ['"\\u0041\\u00e9\\u20ac"', ['QMP input must be a JSON object', "JSON parse error, stray '\uFFFD'"]],
  ['a'.repeat(1006) + ' ', ["JSON parse error, invalid keyword '" + 'a'.repeat(1006), "JSON parse error, stray '\uFFFD'"]],
  ['a'.repeat(1005) + ' ', ["JSON parse error, invalid keyword '" + 'a'.repeat(1005) + "'", "JSON parse error, stray '\uFFFD'"]],
  ['[[[[]]]]', ['QMP input must be a JSON object', "JSON parse error, stray '\uFFFD'"]],
  ['{"a":{"b":{"c":[1,{"d":null}]}}}', ['OBJECT', "JSON parse error, stray '\uFFFD'"]],
  ['{"__proto__":1}', ['OBJECT', "JSON parse error, stray '\uFFFD'"]],
  ['18446744073709551616 ', ['QMP input must be a JSON object', "JSON parse error, stray '\uFFFD'"]],
  ['-9223372036854775809 ', ['QMP input must be a JSON object', "JSON parse error, stray '\uFFFD'"]],
  ['1e999 ', ['QMP input must be a JSON object', "JSON parse error, stray '\uFFFD'"]],
  [
    '+\x00{"execute":"guest-ping"}',
    ["JSON parse error, stray '+'", "JSON parse error, stray ''", 'OBJECT', "JSON parse error, stray '\uFFFD'"],
  ],
  ['+\x09\x7f\xfd"{}', ["JSON parse error, stray '+'", 'OBJECT', "JSON parse error, stray '\uFFFD'"]],
  ['"\\', ["JSON parse error, stray '\"\\\uFFFD'"]],
  ["'abc", ["JSON parse error, stray ''abc\uFFFD'"]],
  ['-', ["JSON parse error, stray '-\uFFFD'"]],
  ['1.', ["JSON parse error, stray '1.\uFFFD'"]],
  ['"\xf0\x9f"', ['JSON parse error, invalid UTF-8 sequence in string', "JSON parse error, stray '\uFFFD'"]],
];

t.test('replies match qemu-ga 7.2 for tricky inputs', async (t) => {
  for (const [input, replies] of GOLDEN) {
    const bytes = Buffer.from(`${input}\xff`, 'latin1');
    t.same(decode([bytes]), replies, JSON.stringify(input).slice(0, 120));
    // Chunking must not matter: byte by byte gives the same replies.
    const single = [...bytes].map((b) => Buffer.of(b));
    t.same(decode(single), replies, `${JSON.stringify(input).slice(0, 100)} (byte by byte)`);
  }
});

/*
 * The limits, as qemu-ga 7.2 answered them (run-length encoded: [reply, count]).
 * Each input is followed by {"execute":"guest-ping"} (and the 0xFF).
 * After a limit error qemu-ga floods the host with the leftovers of the message;
 * we deliberately send the same first error and then discard the rest of the
 * message (see README-protocol.md), so only the first reply must match, and
 * every valid request that follows must be answered.
 */
const MiB = 1024 * 1024;
const PING = '{"execute":"guest-ping"}';
const FF = "JSON parse error, stray '\uFFFD'";
type Rle = [reply: string, count: number][];
const LIMITS: { name: string; input: () => string; qemu: Rle; ours: string[] }[] = [
  {
    name: 'nesting 1024',
    input: () => '['.repeat(1024) + ']'.repeat(1024) + PING,
    qemu: [
      ['QMP input must be a JSON object', 1],
      ['OBJECT', 1],
      [FF, 1],
    ],
    ours: ['QMP input must be a JSON object', 'OBJECT', FF],
  },
  {
    name: 'nesting 1025',
    input: () => '['.repeat(1025) + ']'.repeat(1025) + PING,
    qemu: [
      ['JSON nesting depth limit exceeded', 1],
      ['JSON parse error, expecting value', 1025],
      ['OBJECT', 1],
      [FF, 1],
    ],
    ours: ['JSON nesting depth limit exceeded', 'OBJECT', FF],
  },
  {
    name: 'nesting 1025 objects',
    input: () => '{"a":'.repeat(1025) + '1' + '}'.repeat(1025) + PING,
    qemu: [
      ['JSON nesting depth limit exceeded', 1],
      ['QMP input must be a JSON object', 1],
      ['JSON parse error, expecting value', 1],
      ['QMP input must be a JSON object', 1],
      ['JSON parse error, expecting value', 1025],
      ['OBJECT', 1],
      [FF, 1],
    ],
    ours: ['JSON nesting depth limit exceeded', 'OBJECT', FF],
  },
  {
    name: '2,097,152 tokens',
    input: () => '[' + '0,'.repeat(1048574) + '[]]' + PING,
    qemu: [
      ['QMP input must be a JSON object', 1],
      ['OBJECT', 1],
      [FF, 1],
    ],
    ours: ['QMP input must be a JSON object', 'OBJECT', FF],
  },
  {
    name: '2,097,153 tokens',
    input: () => '[' + '0,'.repeat(1048575) + '[]]' + PING,
    qemu: [
      ['JSON token count limit exceeded', 1],
      ['JSON parse error, expecting value', 1],
      ['OBJECT', 1],
      [FF, 1],
    ],
    ours: ['JSON token count limit exceeded', 'OBJECT', FF],
  },
  {
    name: 'top-level string of 64 MiB - 1 bytes',
    input: () => '"' + 'Q'.repeat(64 * MiB - 3) + '" ' + PING,
    qemu: [
      ['QMP input must be a JSON object', 1],
      ['OBJECT', 1],
      [FF, 1],
    ],
    ours: ['QMP input must be a JSON object', 'OBJECT', FF],
  },
  {
    name: 'top-level string of 64 MiB (its length + 1 exceeds the message total)',
    input: () => '"' + 'Q'.repeat(64 * MiB - 2) + '" ' + PING,
    qemu: [
      ['JSON token size limit exceeded', 1],
      ['OBJECT', 1],
      [FF, 1],
    ],
    ours: ['JSON token size limit exceeded', 'OBJECT', FF],
  },
  {
    name: 'string whose closing quote is byte 67,108,865 (the token completes: only the total is over)',
    input: () => '"' + 'Q'.repeat(64 * MiB - 1) + '" ' + PING,
    qemu: [
      ['JSON token size limit exceeded', 1],
      ['OBJECT', 1],
      [FF, 1],
    ],
    ours: ['JSON token size limit exceeded', 'OBJECT', FF],
  },
  {
    name: 'string still open at byte 67,108,865',
    input: () => '"' + 'Q'.repeat(64 * MiB - 1) + 'Q" ' + PING,
    qemu: [
      ['JSON token size limit exceeded', 1],
      ['QMP input must be a JSON object', 1],
      ["JSON parse error, invalid keyword 'execute'", 1],
      ['QMP input must be a JSON object', 1],
      ["JSON parse error, invalid keyword 'guest'", 1],
      ["JSON parse error, stray '-p'", 1],
      ['JSON parse error, expecting value', 1],
      [FF, 1],
    ],
    ours: ['JSON token size limit exceeded', 'OBJECT', FF],
  },
  {
    name: 'a 0xFF inside the rest of an oversized string',
    input: () => '["' + 'Q'.repeat(64 * MiB) + 'xyz\xffabc"]' + PING,
    qemu: [
      ['JSON token size limit exceeded', 1],
      ["JSON parse error, invalid keyword 'xyz'", 1],
      [FF, 1],
      ['JSON parse error, expecting value', 1],
      ['OBJECT', 1],
      [FF, 1],
    ],
    // The 0xFF ends our discard with its usual reply; recovery then skips to the ']'.
    ours: ['JSON token size limit exceeded', FF, 'JSON parse error, expecting value', 'OBJECT', FF],
  },
  {
    name: 'guest-file-write with a string token of 64 MiB + 1 bytes',
    input: () => '{"execute":"guest-file-write","arguments":{"handle":1,"buf-b64":"' + 'QUJD'.repeat(16 * MiB) + '"}}' + PING,
    // qemu-ga restarts lexing mid-string: the rest of the message and the ping become junk.
    qemu: [
      ['JSON token size limit exceeded', 1],
      ['QMP input must be a JSON object', 1],
      ["JSON parse error, invalid keyword 'execute'", 1],
      ['QMP input must be a JSON object', 1],
      ["JSON parse error, invalid keyword 'guest'", 1],
      ["JSON parse error, stray '-p'", 1],
      ['JSON parse error, expecting value', 1],
      [FF, 1],
    ],
    ours: ['JSON token size limit exceeded', 'OBJECT', FF],
  },
  {
    name: 'two 40 MB strings in one message',
    input: () => '{"a":"' + 'x'.repeat(40_000_000) + '","b":"' + 'y'.repeat(40_000_000) + '"}' + PING,
    qemu: [
      ['JSON token size limit exceeded', 1],
      ['JSON parse error, expecting value', 1],
      ['OBJECT', 1],
      [FF, 1],
    ],
    ours: ['JSON token size limit exceeded', 'OBJECT', FF],
  },
];

t.test('limits: the first reply matches qemu-ga 7.2, the rest of the message is discarded', { timeout: 300_000 }, async (t) => {
  for (const { name, input, qemu, ours } of LIMITS) {
    const bytes = Buffer.from(`${input()}\xff`, 'latin1');
    const chunks: Buffer[] = [];
    for (let o = 0; o < bytes.length; o += 4096) chunks.push(bytes.subarray(o, o + 4096)); // qemu-ga's read size
    const got = decode(chunks);
    t.equal(got[0], qemu[0]![0], `${name}: same first reply as qemu-ga`);
    t.same(got, ours, `${name}: all replies`);
    const expanded = qemu.flatMap(([reply, n]) => Array<string>(n).fill(reply));
    t.ok(got.length <= expanded.length, `${name}: never more replies than qemu-ga`);
  }
});
