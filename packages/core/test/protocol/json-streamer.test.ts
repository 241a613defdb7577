import t from 'tap';
import { encodeJson } from '../../src/protocol/json-encoder.js';
import { MAX_NESTING, MAX_TOKEN_COUNT, MAX_TOKEN_SIZE } from '../../src/protocol/json-limits.js';
import { JsonStreamDecoder } from '../../src/protocol/json-stream-decoder.js';
import { JsonStreamer } from '../../src/protocol/json-streamer.js';
import { JsonToken, LSQUARE_TOKEN, RSQUARE_TOKEN, COMMA_TOKEN, TokenType } from '../../src/protocol/json-token.js';

const PING = '{"execute":"guest-ping"}';
const PONG = 'REQ {"execute": "guest-ping"}';

/** Decodes the chunks (latin1 strings or buffers); events as strings: the error desc, or REQ + the value. */
function run(...chunks: (string | Buffer)[]): string[] {
  const d = new JsonStreamDecoder();
  const out: string[] = [];
  for (const c of chunks) {
    for (const e of d.push(typeof c === 'string' ? Buffer.from(c, 'latin1') : c)) {
      out.push(e.kind === 'error' ? e.desc : `REQ ${encodeJson(e.value)}`);
    }
  }
  return out;
}

t.test('every top-level token outside a container is a message', async (t) => {
  t.same(run('"a" 1 true ["x"]{}'), ['REQ "a"', 'REQ 1', 'REQ true', 'REQ ["x"]', 'REQ {}']);
  t.same(run('42'), [], 'a number waits for the byte after it');
  t.same(run('42', ' '), ['REQ 42']);
  t.same(run(':'), ['JSON parse error, expecting value']);
  t.same(run('}}]]'), Array(4).fill('JSON parse error, expecting value'), 'one error per stray closer');
  t.same(run('[1,{"a":[2]}]'), ['REQ [1, {"a": [2]}]'], 'nested containers are one message');
  // A count going negative ends the message at once, even with the other count open.
  t.same(run('[}'), ['JSON parse error, expecting value']);
  t.same(run('{"a":[}'), [], 'the brace closed but the bracket is still open');
  t.same(run('{"a":[}', ']'), ['JSON parse error, expecting value']);
});

t.test('lexer errors reset the message', async (t) => {
  t.same(run('{"a":1\xff', PING), ["JSON parse error, stray '\ufffd'", PONG]);
  t.same(run('[1,2', '\x1b', PING), ["JSON parse error, stray '\u001b'", PONG]);
  t.same(run('{"a":+1}', PING), ["JSON parse error, stray '+'", 'JSON parse error, expecting value', PONG]);
  t.same(run('"abc\xff\xff'), ["JSON parse error, stray '\"abc\ufffd'", "JSON parse error, stray '\ufffd'"], 'one error per 0xFF');
  t.same(run('"a\x00b'), ["JSON parse error, stray '\"a'"], 'a NUL ends the shown text, as in C');
});

t.test('nesting: 1024 levels are accepted, the 1025th opener is not', async (t) => {
  const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
  t.same(run(deep(MAX_NESTING)), [`REQ ${deep(MAX_NESTING)}`]);
  t.same(run(deep(512).replace(/\[/g, '{"a":').replace(/\]/g, '}').replace('{"a":}', '{}')).length, 1, 'objects count too');
  const mixed = '{"a":['.repeat(512) + ']}'.repeat(512);
  t.same(run(mixed).length, 1, '512 objects + 512 arrays = 1024');
  t.same(run(mixed.replace('{"a":[', '{"a":[[').replace(']}', ']]}')), ['JSON nesting depth limit exceeded']);
  // qemu-ga follows with 1025 "expecting value" replies; we discard the rest of the message.
  t.same(run(deep(MAX_NESTING + 1), PING), ['JSON nesting depth limit exceeded', PONG]);
  t.same(run('{"a":'.repeat(1025) + '1' + '}'.repeat(1025), PING), ['JSON nesting depth limit exceeded', PONG]);
});

t.test('discarding after a limit error', async (t) => {
  const open = '['.repeat(MAX_NESTING + 1);
  const close = ']'.repeat(MAX_NESTING + 1);
  t.same(run(open, '"]]]" ', close, PING), ['JSON nesting depth limit exceeded', PONG], 'strings are followed while discarding');
  t.same(run(open, '+x', close, PING), ['JSON nesting depth limit exceeded', PONG], 'other lexer errors are not reported');
  t.same(
    run(open, '\xff', PING),
    ['JSON nesting depth limit exceeded', "JSON parse error, stray '\ufffd'", PONG],
    '0xFF ends the discard with the usual error',
  );
  t.same(
    run(open, '\x1b', PING),
    ['JSON nesting depth limit exceeded', "JSON parse error, stray '\u001b'", PONG],
    'so does a control character',
  );
  t.same(
    run(open, '"ab\x01', PING),
    ['JSON nesting depth limit exceeded', "JSON parse error, stray '\u0001'", PONG],
    'while discarding, the error shows only the offending byte (no text is kept)',
  );
  t.same(run(open, '}', PING), ['JSON nesting depth limit exceeded', PONG], 'a negative count also ends the message');
});

t.test('token count: 2,097,152 tokens are accepted, one more is not', async (t) => {
  // [ + (0 ,) x k + [ ] + ]  is 2k + 4 tokens.
  const list = (k: number) => `[${'0,'.repeat(k)}[]]`;
  const ok = run(list((MAX_TOKEN_COUNT - 4) / 2));
  t.equal(ok.length, 1);
  t.ok(ok[0]!.startsWith('REQ [0, 0'), 'parsed');
  t.same(run(list((MAX_TOKEN_COUNT - 4) / 2 + 1), PING), ['JSON token count limit exceeded', PONG]);
});

t.test('the streamer alone: token count without lexing', async (t) => {
  const seen: string[] = [];
  const streamer = new JsonStreamer({
    message: (tokens) => seen.push(`message of ${tokens.length}`),
    error: (desc) => seen.push(desc),
  });
  const zero = new JsonToken(TokenType.INTEGER, 1, '0', null, false);
  streamer.token(LSQUARE_TOKEN);
  for (let i = 1; i < MAX_TOKEN_COUNT - 1; i += 2) {
    streamer.token(zero);
    streamer.token(COMMA_TOKEN);
  }
  t.same(seen, []);
  streamer.token(zero); // token number 2,097,152
  streamer.token(RSQUARE_TOKEN); // number 2,097,153: over the limit, and it closes the message
  t.same(seen, ['JSON token count limit exceeded']);
  streamer.token(zero);
  t.same(seen, ['JSON token count limit exceeded', 'message of 1'], 'nothing left to discard');
});

t.test('size limits', { timeout: 120_000 }, async (t) => {
  const str = (n: number) => Buffer.concat([Buffer.from('"'), Buffer.alloc(n - 2, 'QUJD'), Buffer.from('"')]);
  // A top-level string token counts its length + 1 against the 64 MiB total.
  t.equal(run(str(MAX_TOKEN_SIZE - 1), ' ').length, 1);
  t.same(run(str(MAX_TOKEN_SIZE), ' ', PING), ['JSON token size limit exceeded', PONG]);

  // The sum of a message's tokens (whitespace not counted).
  const half = Buffer.alloc(40_000_000, 0x78);
  t.same(
    run('{"a":"', half, '","b":"', half, '"}', PING),
    ['JSON token size limit exceeded', PONG],
    'qemu-ga also sends "expecting value" for the final }; we discard it',
  );
  // Exactly at the limit the last } is what overflows: it also closes the message, so nothing is discarded.
  const fits = Buffer.alloc(MAX_TOKEN_SIZE - 8, 0x78); // { "a" : "…" = 5 + (len + 2) bytes
  t.same(run('{"a":"', fits, '"}', PING), ['JSON token size limit exceeded', PONG]);
  t.equal(run('{"a":"', fits.subarray(1), '"}').length, 1, 'one byte less fits');
});

t.test('a 64 MiB + 1 string in guest-file-write, then a valid request', { timeout: 120_000 }, async (t) => {
  const head = '{"execute":"guest-file-write","arguments":{"handle":1,"buf-b64":"';
  const b64 = Buffer.alloc(MAX_TOKEN_SIZE, 'QUJD'); // with its opening quote the string reaches 67,108,865 bytes
  const chunks: Buffer[] = [Buffer.from(head)];
  for (let o = 0; o < b64.length; o += 65536) chunks.push(b64.subarray(o, o + 65536));
  chunks.push(Buffer.from(`"}}${PING}`));
  // qemu-ga 7.2 restarts lexing mid-string here and never answers the ping (see the golden test).
  t.same(run(...chunks), ['JSON token size limit exceeded', PONG]);
  const big = Buffer.concat(chunks);
  t.same(run(big), ['JSON token size limit exceeded', PONG], 'in one chunk');
  t.same(run(big.subarray(0, 1000), big.subarray(1000, 5_000_000), big.subarray(5_000_000)), ['JSON token size limit exceeded', PONG]);
});
