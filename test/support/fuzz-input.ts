/**
 * Seeded, reproducible hostile input for the socket fuzzer: fragments of
 * valid requests, broken JSON, control bytes, 0xFF resyncs, deep nesting,
 * large strings, bad arguments — glued at random. The same seed gives the
 * same bytes, so a failure can be replayed.
 */
const FRAGMENTS = [
  '{',
  '}',
  '[',
  ']',
  '"',
  ':',
  ',',
  ' ',
  '\n',
  '\t',
  "'x'",
  '\\',
  '\\u0000',
  '\\ud800',
  '"\\u',
  '\x00',
  '\x1f',
  '\xfe',
  '\xff',
  '"execute"',
  '"arguments"',
  '"id"',
  '"guest-ping"',
  '"guest-info"',
  '"guest-sync"',
  '"guest-file-open"',
  '"guest-nope"',
  '123',
  '-1',
  '1e999',
  '-0',
  '9223372036854775808',
  '18446744073709551616',
  'true',
  'false',
  'null',
  'nul',
  'tru',
  '{"execute":"guest-ping"}',
  '{"execute":"guest-info"}',
  '{"execute":"guest-get-time"}',
  '{"execute":"guest-get-osinfo"}',
  '{"execute":"guest-sync","arguments":{"id":',
  '{"execute":"guest-sync-delimited","arguments":{"id":5}}',
  '{"execute":"guest-file-open","arguments":{"path":"/nonexistent/qga-fuzz","mode":"r"}}',
  '{"execute":"guest-file-read","arguments":{"handle":-1}}',
  '{"execute":"guest-file-seek","arguments":{"handle":1,"offset":1,"whence":7}}',
  '{"execute":"guest-exec-status","arguments":{"pid":0}}',
  '{"execute":"guest-ping","arguments":{"x":1}}',
  '{"execute":1}',
  '{"execute":"guest-ping","id":{"a":[1,2,{"b":null}]}}',
  '{"execute":"guest-set-time","arguments":{"time":"x"}}',
];

export class FuzzInput {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }

  /** xorshift32: fast, seeded, good enough to pick fragments. */
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 0x100000000;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** One input: a few fragments, now and then random bytes, deep nesting or a long string. */
  input(): Buffer {
    const parts: Buffer[] = [];
    const count = 1 + this.int(10);
    for (let i = 0; i < count; i++) parts.push(Buffer.from(FRAGMENTS[this.int(FRAGMENTS.length)]!, 'latin1'));
    const r = this.next();
    if (r < 0.03) parts.push(Buffer.from(Array.from({ length: 1 + this.int(64) }, () => this.int(256))));
    else if (r < 0.04) parts.push(Buffer.from('['.repeat(1 + this.int(1100)), 'latin1'));
    else if (r < 0.05) parts.push(Buffer.from(`"${'a'.repeat(this.int(200_000))}`, 'latin1'));
    return Buffer.concat(parts);
  }
}
