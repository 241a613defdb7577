import t from 'tap';
import { ReplyFramer } from '../src/protocol/reply-framer.js';

function collect(maxLineBytes = 1 << 20) {
  const lines: Array<[string, boolean]> = [];
  const overflows: number[] = [];
  const framer = new ReplyFramer(
    (line, delimited) => lines.push([line, delimited]),
    maxLineBytes,
    (n) => overflows.push(n),
  );
  return { framer, lines, overflows };
}

t.test('splits lines across arbitrary chunk boundaries', async (t) => {
  const text = Buffer.from('{"return": {}}\n{"return": 1, "id": 5}\n{"error": {"class": "GenericError", "desc": "x"}}\n');
  for (let size = 1; size <= text.length; size += 7) {
    const { framer, lines } = collect();
    for (let i = 0; i < text.length; i += size) framer.push(text.subarray(i, i + size));
    t.same(
      lines.map((l) => l[0]),
      ['{"return": {}}', '{"return": 1, "id": 5}', '{"error": {"class": "GenericError", "desc": "x"}}'],
      `chunk size ${size}`,
    );
  }
});

t.test('0xFF discards the partial line before it and flags the next line', async (t) => {
  const { framer, lines } = collect();
  framer.push(Buffer.from('{"error": {"class": "GenericError", "desc": "stray"}}\n{"retu'));
  framer.push(Buffer.from([0xff]));
  framer.push(Buffer.from('{"return": 42}\n{"return": {}}\n'));
  t.same(lines, [
    ['{"error": {"class": "GenericError", "desc": "stray"}}', false],
    ['{"return": 42}', true],
    ['{"return": {}}', false],
  ]);
});

t.test('0xFF in the middle of a chunk, twice', async (t) => {
  const { framer, lines } = collect();
  framer.push(
    Buffer.concat([
      Buffer.from('garbage'),
      Buffer.from([0xff]),
      Buffer.from('{"return": 1}\nhalf'),
      Buffer.from([0xff]),
      Buffer.from('{"return": 2}\n'),
    ]),
  );
  t.same(lines, [
    ['{"return": 1}', true],
    ['{"return": 2}', true],
  ]);
});

t.test('blank lines are not replies; bytes survive latin1', async (t) => {
  const { framer, lines } = collect();
  framer.push(Buffer.from([0x0a, 0x20, 0x0a, 0x7b, 0xe9, 0x7d, 0x0d, 0x0a]));
  t.same(lines, [['{\u00e9}', false]]);
  t.same([...Buffer.from(lines[0]![0], 'latin1')], [0x7b, 0xe9, 0x7d]);
});

t.test('an endless line is cut off', async (t) => {
  const { framer, lines, overflows } = collect(100);
  framer.push(Buffer.alloc(60, 0x61));
  t.same(overflows, []);
  framer.push(Buffer.alloc(60, 0x61));
  t.same(overflows, [120]);
  framer.push(Buffer.from('{"return": 1}\n'));
  t.same(lines, [['{"return": 1}', false]], 'framing resumes afterwards');
});
