import fc from 'fast-check';
import t from 'tap';
import { QgaError } from '../../src/protocol/qga-error.js';
import { decodeBase64, decodeBase64Glib, RawBase64 } from '../../src/util/base64.js';

const latin1 = (b: Buffer): string => b.toString('latin1');

t.test('decodes what qemu-ga 7.2 decodes (values observed on the real agent)', async (t) => {
  // Each pair: buf-b64 sent to guest-file-write → bytes that landed in the file.
  const cases: [string, string][] = [
    ['QQ', ''],
    ['QQ==QQ==', 'AA'],
    ['Q', ''],
    ['QUJD\nRA==', 'ABCD'],
    ['QU=JD', 'A\t'],
    ['=QUJD', '\x01\x05\t'],
    ['QUJDRA=\n==', 'ABCD'],
    ['', ''],
    ['SGVsbG8gV29ybGQhCgA=', 'Hello World!\n\0'],
  ];
  for (const [input, bytes] of cases) t.equal(latin1(decodeBase64(input)), bytes, JSON.stringify(input));
});

t.test('rejects any character outside A-Z a-z 0-9 + / = and newline', async (t) => {
  for (const bad of ['!!', 'QUJD RA==', 'QUJD\rRA==', 'QU\tJD', 'QUJD-_', 'QUJD\u00e9', 'QUJD\0']) {
    t.throws(() => decodeBase64(bad), new QgaError('Base64 data contains invalid characters'), JSON.stringify(bad));
  }
});

t.test('the fast path agrees with the GLib algorithm on any valid input', async (t) => {
  const char = fc.constantFrom(...'AQgw+/=\n9z'.split(''));
  fc.assert(
    fc.property(fc.array(char, { maxLength: 40 }), (chars) => {
      const s = chars.join('');
      return decodeBase64(s).equals(decodeBase64Glib(s));
    }),
    { numRuns: 5000 },
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      const s = Buffer.from(bytes).toString('base64');
      return decodeBase64(s).equals(Buffer.from(bytes)) && decodeBase64Glib(s).equals(Buffer.from(bytes));
    }),
  );
  t.pass('no counterexample');
});

t.test('64 MiB of base64 decodes in native code, quickly', async (t) => {
  const data = Buffer.alloc(48 * 1024 * 1024, 0x5a);
  const text = data.toString('base64'); // 64 MiB of text
  const started = process.hrtime.bigint();
  const out = decodeBase64(text);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  t.ok(out.equals(data), 'round trip');
  t.comment(`decoded in ${ms.toFixed(0)} ms`);
});

/** `"text"` as a string token's bytes, cut at the given offsets (as input chunks would cut it). */
function tokenParts(text: string, cuts: readonly number[]): Buffer[] {
  const bytes = Buffer.from(`"${text}"`, 'latin1');
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let from = 0;
  for (const cut of [...at, bytes.length]) {
    if (cut > from) parts.push(bytes.subarray(from, cut));
    from = Math.max(from, cut);
  }
  return parts;
}

function outcome(fn: () => Buffer): string {
  try {
    return `ok ${fn().toString('hex')}`;
  } catch (e) {
    return `error ${(e as Error).message}`;
  }
}

t.test('a RawBase64 (token bytes in pieces) decodes exactly as its text would, however the pieces fall', async (t) => {
  const char = fc.constantFrom(...'AQgw+/=\n9z-_!'.split(''));
  fc.assert(
    fc.property(fc.array(char, { maxLength: 48 }), fc.array(fc.nat(60), { maxLength: 6 }), (chars, cuts) => {
      const text = chars.join('');
      const raw = new RawBase64(tokenParts(text, cuts), () => text);
      return outcome(() => decodeBase64(raw)) === outcome(() => decodeBase64(text));
    }),
    { numRuns: 5000 },
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(500), { maxLength: 6 }), (bytes, cuts) => {
      const text = Buffer.from(bytes).toString('base64');
      return decodeBase64(new RawBase64(tokenParts(text, cuts), () => text)).equals(Buffer.from(bytes));
    }),
    { numRuns: 2000 },
  );
  t.pass('no counterexample');
});

t.test('canonical base64 in pieces is decoded from the bytes: the string is never built', async (t) => {
  const data = Buffer.alloc(3 * 1024 * 1024 + 2);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7919) & 0xff;
  const text = data.toString('base64');
  let built = 0;
  const cuts = Array.from({ length: 70 }, (_, i) => 1 + i * 65536);
  const out = decodeBase64(new RawBase64(tokenParts(text, cuts), () => (built++, text)));
  t.ok(out.equals(data), '3 MiB + 2 bytes, in 64 KiB reads, padded');
  t.equal(built, 0, 'no string of the whole');
  const odd = `${text.slice(0, 1000)}\n${text.slice(1000)}`; // a newline: qemu-ga accepts it, the slow path handles it
  t.ok(decodeBase64(new RawBase64(tokenParts(odd, cuts), () => (built++, odd))).equals(data));
  t.equal(built, 1, 'anything not canonical goes through the string');
});
