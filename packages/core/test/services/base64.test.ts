import fc from 'fast-check';
import t from 'tap';
import { QgaError } from '../../src/protocol/qga-error.js';
import { decodeBase64, decodeBase64Glib } from '../../src/util/base64.js';

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
