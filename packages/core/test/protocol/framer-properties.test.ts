import 'reflect-metadata';
import t from 'tap';
import fc from 'fast-check';
import { JsonStreamDecoder } from '../../src/protocol/json-stream-decoder.js';
import { encodeJson } from '../../src/protocol/json-encoder.js';
import type { Inbound } from '../../src/protocol/inbound.js';
import { MAX_NESTING } from '../../src/protocol/json-limits.js';

/** What a host would see for each decoded event. */
function show(e: Inbound): string {
  return e.kind === 'error' ? `E ${e.desc}` : `R ${encodeJson(e.value)}`;
}

function decodeAll(chunks: readonly Uint8Array[]): string[] {
  const d = new JsonStreamDecoder();
  return chunks.flatMap((c) => d.push(Buffer.from(c)).map(show));
}

/** Cut `bytes` at the given points (sorted, deduplicated, in range). */
function split(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of points) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  out.push(bytes.subarray(from));
  return out;
}

/** Byte streams that look like a host's traffic: JSON-ish fragments mixed with arbitrary bytes. */
const FRAGMENTS = [
  '{',
  '}',
  '[',
  ']',
  '"',
  "'",
  ':',
  ',',
  ' ',
  '\n',
  '\\',
  '\\u00e9',
  '\\ud800',
  'true',
  'nul',
  '-1.5e3',
  '12345678901234567890',
  '"execute"',
  '"guest-ping"',
  '"arguments"',
  '{"execute":"guest-sync","arguments":{"id":1}}',
  '\x00',
  '\x1f',
  '\xc0\x80',
  '\xe2\x82\xac',
  '\xfe',
  '\xff',
];
const hostBytes = fc
  .array(
    fc.oneof(
      fc.constantFrom(...FRAGMENTS).map((s) => Buffer.from(s, 'latin1')),
      fc.uint8Array({ maxLength: 8 }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => new Uint8Array(Buffer.concat(parts)));

t.test('any split of any byte stream decodes to the same messages', async (t) => {
  fc.assert(
    fc.property(hostBytes, fc.array(fc.nat(), { maxLength: 12 }), (bytes, cuts) => {
      const whole = decodeAll([bytes]);
      const pieces = decodeAll(split(bytes, cuts));
      const byteByByte = decodeAll(Array.from(bytes, (b) => Uint8Array.of(b)));
      return JSON.stringify(pieces) === JSON.stringify(whole) && JSON.stringify(byteByByte) === JSON.stringify(whole);
    }),
    { numRuns: 2000 },
  );
  t.pass('2,000 generated streams, each split at random points and byte by byte');
});

t.test('0xFF always resyncs: after any garbage, 0xFF + a request decodes to that request last', async (t) => {
  fc.assert(
    fc.property(hostBytes, fc.integer({ min: 0, max: 2 ** 31 }), (garbage, id) => {
      const request = Buffer.from(`\xff{"execute":"guest-sync","arguments":{"id":${id}}}`, 'latin1');
      const events = decodeAll([garbage, request]);
      return events.at(-1) === `R {"execute": "guest-sync", "arguments": {"id": ${id}}}`;
    }),
    { numRuns: 2000 },
  );
  t.pass('2,000 garbage prefixes');
});

t.test('limits hold: nesting past the limit is one error, then the decoder is clean again', async (t) => {
  fc.assert(
    fc.property(fc.integer({ min: MAX_NESTING + 1, max: MAX_NESTING + 200 }), fc.constantFrom('[', '{"a":'), (depth, open) => {
      const events = decodeAll([Buffer.from(open.repeat(depth), 'latin1'), Buffer.from('\xff{"execute":"guest-ping"}', 'latin1')]);
      const errors = events.filter((e) => e.startsWith('E '));
      return errors[0] === 'E JSON nesting depth limit exceeded' && events.at(-1) === 'R {"execute": "guest-ping"}';
    }),
    { numRuns: 100 },
  );
  t.pass('100 depths past the limit');
});
