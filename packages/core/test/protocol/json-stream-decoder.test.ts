import fc from 'fast-check';
import { firstValueFrom, from, Subject, toArray } from 'rxjs';
import t from 'tap';
import type { Inbound } from '../../src/protocol/inbound.js';
import { encodeJson } from '../../src/protocol/json-encoder.js';
import { decodeJsonStream, JsonStreamDecoder } from '../../src/protocol/json-stream-decoder.js';

const PING = Buffer.from('{"execute":"guest-ping"}');
const PONG = 'REQ {"execute": "guest-ping"}';

function show(e: Inbound): string {
  return e.kind === 'error' ? e.desc : `REQ ${encodeJson(e.value)}`;
}

function decodeChunks(chunks: readonly Uint8Array[]): string[] {
  const d = new JsonStreamDecoder();
  return chunks.flatMap((c) => d.push(c).map(show));
}

function same(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Splits `bytes` at the given cut points (any order, duplicates allowed). */
function cut(bytes: Uint8Array, points: readonly number[]): Uint8Array[] {
  const at = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...at, bytes.length]) {
    out.push(bytes.slice(prev, p)); // a copy: each chunk in its own memory, empty ones included
    prev = p;
  }
  return out;
}

/** Byte streams built from pieces that exercise every lexer state, plus random bytes. */
const FRAGMENTS = [
  '{',
  '}',
  '[',
  ']',
  ':',
  ',',
  '"',
  "'",
  '\\',
  ' ',
  '\n',
  '\t',
  '\r',
  '\xff',
  '\xfe',
  '\x00',
  '\x1b',
  '\x7f',
  'true',
  'nul',
  'x',
  'E',
  '-',
  '0',
  '12',
  '1.5e3',
  '.',
  'e',
  '+',
  '\\u12ab',
  '\\ud83d\\ude00',
  '\\ud800',
  '\\x',
  '\xc3\xa9',
  '\xc3',
  '\x80',
  '\xc0\x80',
  '\xed\xa0\x80',
  '"key"',
  "'s'",
  '"a":1',
  PING.toString('latin1'),
];
const stream = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...FRAGMENTS).map((s) => Buffer.from(s, 'latin1')) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 8 }).map((a) => Buffer.from(a)) },
    ),
    { maxLength: 60 },
  )
  .map((parts) => Buffer.concat(parts));

t.test('push returns events in order; write calls back as soon as each is complete', async (t) => {
  const d = new JsonStreamDecoder();
  t.same(d.push(Buffer.from('{"execute":"guest-ping"} }1')).map(show), [PONG, 'JSON parse error, expecting value']);
  t.same(d.push(new Uint8Array([0x20])).map(show), ['REQ 1'], 'plain Uint8Array chunks work too');
  const seen: string[] = [];
  d.write(Buffer.from('{"a":1}{"b":2'), (e) => seen.push(show(e)));
  t.same(seen, ['REQ {"a": 1}']);
  d.write(Buffer.from('}'), (e) => seen.push(show(e)));
  t.same(seen, ['REQ {"a": 1}', 'REQ {"b": 2}']);
});

t.test('decodeJsonStream: one decoder per subscription', async (t) => {
  const chunks = [Buffer.from('{"execute":'), Buffer.from('"guest-ping"}'), Buffer.from('[1,')];
  const source = from(chunks);
  const a = await firstValueFrom(source.pipe(decodeJsonStream(), toArray()));
  const b = await firstValueFrom(source.pipe(decodeJsonStream(), toArray()));
  t.same(a.map(show), [PONG]);
  t.same(b.map(show), [PONG], 'the second subscription does not see the first one\'s partial "[1,"');

  // Events are emitted synchronously, as bytes arrive.
  const input = new Subject<Uint8Array>();
  const seen: string[] = [];
  const sub = input.pipe(decodeJsonStream()).subscribe((e) => seen.push(show(e)));
  input.next(Buffer.from('{"execute":"guest-ping"}{"exec'));
  t.same(seen, [PONG]);
  input.next(Buffer.from('ute":"guest-ping"}'));
  t.same(seen, [PONG, PONG]);
  sub.unsubscribe();

  // Source errors pass through.
  const failing = new Subject<Uint8Array>();
  const err = firstValueFrom(failing.pipe(decodeJsonStream(), toArray())).catch((e: unknown) => e);
  failing.error(new Error('channel closed'));
  t.match(await err, { message: 'channel closed' });
});

t.test('property: chunk boundaries never change the events', async (t) => {
  // fast-check throws with a shrunk counterexample when the property fails.
  fc.assert(
    fc.property(stream, fc.array(fc.nat(), { maxLength: 12 }), (bytes, points) => {
      return same(decodeChunks(cut(bytes, points)), decodeChunks([bytes]));
    }),
    { numRuns: 500 },
  );
  t.pass('500 random streams, randomly cut');
  // Exhaustively for one tricky stream: every single cut point, and byte by byte.
  const tricky = Buffer.from('{"a":"x\\"y\xc3\xa9",\'b\':[1.5e3,-0,true]}\xff+junk\x1b"\\u12"12 {"b":1', 'latin1');
  const whole = decodeChunks([tricky]);
  for (let p = 0; p <= tricky.length; p++) t.same(decodeChunks(cut(tricky, [p])), whole, `cut at ${p}`);
  t.same(decodeChunks([...tricky].map((b) => Buffer.of(b))), whole, 'byte by byte');
});

t.test('property: after 0xFF a valid request always parses', async (t) => {
  fc.assert(
    fc.property(stream, (prefix) => {
      const events = decodeChunks([prefix, Buffer.of(0xff), PING]);
      // The 0xFF itself costs one error reply, right before the answer.
      return events.at(-1) === PONG && /^JSON parse error, stray '.*'$/s.test(events.at(-2) ?? '');
    }),
    { numRuns: 500 },
  );
  t.pass('500 random prefixes');
});

t.test('property: random bytes never throw and never stall a following 0xFF + request', async (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(), { maxLength: 6 }), (junk, points) => {
      const d = new JsonStreamDecoder();
      for (const c of cut(junk, points)) d.push(c);
      const tail = d.push(Buffer.concat([Buffer.of(0xff), PING])).map(show);
      return tail.at(-1) === PONG;
    }),
    { numRuns: 1000 },
  );
  t.pass('1000 random byte strings');
});
