import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, constants as c, openSync, readFileSync, readSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { LinuxFiles, type LinuxRawFile } from '../../src/files/index.js';
import { rejectionCode, scratchDir } from './fixtures.js';

const files = new LinuxFiles();
const scratch = (t: { teardown(fn: () => void): void }): string => scratchDir(t, 'qga-files-');
const code = rejectionCode;

t.test('new files get 0666 minus the umask (upstream forces 0666)', async (t) => {
  const dir = scratch(t);
  const old = process.umask(0o022);
  t.teardown(() => void process.umask(old));
  await (await files.open(join(dir, 'a'), 'w')).close();
  t.equal(statSync(join(dir, 'a')).mode & 0o777, 0o644);
  process.umask(0o077);
  await (await files.open(join(dir, 'b'), 'a+')).close();
  t.equal(statSync(join(dir, 'b')).mode & 0o777, 0o600);
  process.umask(0);
  await (await files.open(join(dir, 'c'), 'wb+')).close();
  t.equal(statSync(join(dir, 'c')).mode & 0o777, 0o666);
  // An existing file keeps its mode.
  writeFileSync(join(dir, 'd'), 'x', { mode: 0o640 });
  await (await files.open(join(dir, 'd'), 'w')).close();
  t.equal(statSync(join(dir, 'd')).mode & 0o777, 0o640);
});

t.test('descriptors are non-blocking and close-on-exec', async (t) => {
  const dir = scratch(t);
  const f = (await files.open(join(dir, 'x'), 'w')) as LinuxRawFile;
  const info = readFileSync(`/proc/self/fdinfo/${f.fd}`, 'utf8');
  const flags = parseInt(/flags:\s+([0-7]+)/.exec(info)![1]!, 8);
  t.ok(flags & c.O_NONBLOCK, 'O_NONBLOCK');
  t.ok(flags & 0o2000000, 'O_CLOEXEC');
  t.equal(flags & 3, c.O_WRONLY);
  await f.close();
});

t.test('open errors carry errno codes', async (t) => {
  const dir = scratch(t);
  t.equal(await code(files.open(join(dir, 'missing'), 'r')), 'ENOENT');
  t.equal(await code(files.open(join(dir, 'no/such/dir/f'), 'w')), 'ENOENT');
  t.equal(await code(files.open(dir, 'w')), 'EISDIR');
  writeFileSync(join(dir, 'file'), 'x');
  t.equal(await code(files.open(join(dir, 'file', 'below'), 'r')), 'ENOTDIR');
  const d = await files.open(dir, 'r'); // like fopen, a directory opens read-only ...
  t.equal(await code(d.read(10)), 'EISDIR'); // ... and fails on read
  await d.close();
});

t.test('read, write, seek and eof like stdio', async (t) => {
  const dir = scratch(t);
  const p = join(dir, 'f');
  const f = await files.open(p, 'w+');
  t.equal(await f.write(Buffer.from('hello world!!')), 13);
  t.equal(await f.seek(0n, 0), 0n);
  let r = await f.read(5);
  t.equal(r.data.toString(), 'hello');
  t.equal(r.eof, false);
  r = await f.read(8); // exactly the rest
  t.equal(r.data.toString(), ' world!!');
  t.equal(r.eof, false, 'reading exactly the remaining size is not eof');
  r = await f.read(4096);
  t.equal(r.data.length, 0);
  t.equal(r.eof, true);
  t.equal(await f.seek(-3n, 2), 10n);
  t.equal((await f.read(4096)).data.toString(), 'd!!');
  t.equal(await f.seek(2n, 0), 2n);
  t.equal(await f.seek(3n, 1), 5n);
  t.equal(await f.write(Buffer.from('_')), 1);
  t.equal(await f.seek(0n, 1), 6n, 'writes advance the position');
  t.equal(await code(f.seek(-100n, 1)), 'EINVAL');
  t.equal(await f.seek(100n, 0), 100n, 'seeking past the end is allowed');
  t.same(await f.read(10), { data: Buffer.alloc(0), eof: true });
  t.same((await f.read(0)).data.length, 0);
  await f.close();
  t.equal(readFileSync(p, 'utf8'), 'hello_world!!');

  const small = await files.open(p, 'r');
  r = await small.read(4096);
  t.equal(r.data.length, 13);
  t.equal(r.eof, true, 'a short file read with a large count reaches eof');
  t.equal(await code(small.write(Buffer.from('x'))), 'EBADF');
  await small.close();
});

t.test('w truncates, r+ does not, a and a+ append', async (t) => {
  const dir = scratch(t);
  const p = join(dir, 'f');
  writeFileSync(p, 'existing');
  let f = await files.open(p, 'r+');
  await f.write(Buffer.from('EX'));
  await f.close();
  t.equal(readFileSync(p, 'utf8'), 'EXisting');

  f = await files.open(p, 'a');
  await f.write(Buffer.from('+1'));
  t.equal(await f.seek(0n, 1), 10n, 'after an append the position is the end');
  await f.seek(0n, 0);
  await f.write(Buffer.from('+2')); // O_APPEND ignores the position
  await f.close();
  t.equal(readFileSync(p, 'utf8'), 'EXisting+1+2');

  f = await files.open(p, 'a+');
  t.equal((await f.read(2)).data.toString(), 'EX', 'a+ reads from the start');
  await f.write(Buffer.from('+3'));
  await f.close();
  t.equal(readFileSync(p, 'utf8'), 'EXisting+1+2+3');

  f = await files.open(p, 'w');
  await f.close();
  t.equal(readFileSync(p, 'utf8'), '');
});

t.test('FIFOs never block the agent', async (t) => {
  const dir = scratch(t);
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);

  t.equal(await code(files.open(fifo, 'w')), 'ENXIO', 'no reader: a non-blocking open for writing fails');

  const f = await files.open(fifo, 'r'); // no writer: the open itself does not block
  let r = await f.read(4096);
  t.same(r, { data: Buffer.alloc(0), eof: true }, 'no writer: end of file');

  const writer = openSync(fifo, c.O_WRONLY | c.O_NONBLOCK);
  const t0 = Date.now();
  r = await f.read(4096);
  t.same(r, { data: Buffer.alloc(0), eof: false }, 'writer, no data: nothing, no eof, no error');
  t.ok(Date.now() - t0 < 500, 'and it returned at once');

  writeSync(writer, 'abc');
  r = await f.read(4096);
  t.equal(r.data.toString(), 'abc', 'returns what is available');
  t.equal(r.eof, false);

  writeSync(writer, '0123456789');
  t.equal((await f.read(4)).data.toString(), '0123');
  t.equal((await f.read(100)).data.toString(), '456789');
  t.equal(await code(f.seek(0n, 1)), 'ESPIPE');
  closeSync(writer);
  t.same(await f.read(10), { data: Buffer.alloc(0), eof: true });
  await f.close();

  // Writing through the port into a FIFO with a reader.
  const reader = openSync(fifo, c.O_RDONLY | c.O_NONBLOCK);
  const w = await files.open(fifo, 'w');
  t.equal(await w.write(Buffer.from('via port')), 8);
  const buf = Buffer.alloc(64);
  const n = readSync(reader, buf, 0, 64, null);
  t.equal(buf.subarray(0, n).toString(), 'via port');
  // Fill the pipe: a non-blocking writer reports the partial count instead of hanging.
  const big = Buffer.alloc(1024 * 1024, 0x61);
  const written = await w.write(big);
  t.ok(written > 0 && written < big.length, `partial write into a full pipe (${written} bytes)`);
  t.equal(await code(w.write(big)), 'EAGAIN', 'a full pipe with nothing written is EAGAIN');
  await w.close();
  closeSync(reader);
});

t.test('character devices', async (t) => {
  const n = await files.open('/dev/null', 'r+');
  t.same(await n.read(10), { data: Buffer.alloc(0), eof: true });
  t.equal(await n.write(Buffer.from('discarded')), 9);
  await n.close();
  const z = await files.open('/dev/zero', 'r');
  const r = await z.read(3 * 1024 * 1024 + 5);
  t.equal(r.data.length, 3 * 1024 * 1024 + 5);
  t.ok(r.data.every((b) => b === 0));
  t.equal(r.eof, false);
  await z.close();
});

t.test('64 MiB round trip through the port', async (t) => {
  const dir = scratch(t);
  const p = join(dir, 'big');
  const data = randomBytes(64 * 1024 * 1024);
  const t0 = process.hrtime.bigint();
  const w = await files.open(p, 'wb');
  t.equal(await w.write(data), data.length);
  await w.close();
  const t1 = process.hrtime.bigint();
  const r = await files.open(p, 'rb');
  const first = await r.read(48 * 1024 * 1024);
  t.equal(first.data.length, 48 * 1024 * 1024);
  t.equal(first.eof, false);
  const second = await r.read(48 * 1024 * 1024);
  t.equal(second.data.length, 16 * 1024 * 1024);
  t.equal(second.eof, true);
  await r.close();
  const t2 = process.hrtime.bigint();
  t.ok(Buffer.concat([first.data, second.data]).equals(data), 'bytes survive');
  t.ok((await readFile(p)).equals(data), 'file on disk is identical');
  t.comment(`write 64 MiB: ${Number(t1 - t0) / 1e6} ms, read back: ${Number(t2 - t1) / 1e6} ms`);
});

t.test('large reads fill pooled buffers: never one still held by the caller, reused once handed back', async (t) => {
  const dir = scratch(t);
  const p = join(dir, 'big');
  const content = Buffer.alloc(3 << 20);
  for (let i = 0; i < content.length; i++) content[i] = (i * 31 + 1) & 0xff;
  writeFileSync(p, content);
  const f = await files.open(p, 'r');
  const a = await f.read(1 << 20);
  const b = await f.read(1 << 20);
  t.ok(a.recycle && b.recycle, 'a large read says how to hand its buffer back');
  t.not(a.data.buffer, b.data.buffer, 'the second read did not fill the first one’s buffer');
  t.ok(a.data.equals(content.subarray(0, 1 << 20)), 'the first read’s bytes are intact');
  a.recycle!();
  const c = await f.read(1 << 20);
  t.equal(c.data.buffer, a.data.buffer, 'the handed-back buffer is filled again');
  t.ok(c.data.equals(content.subarray(2 << 20)), 'with the right bytes');
  t.same([(await f.read(1 << 20)).data.length, c.eof], [0, false], 'then end of file');
  b.recycle!();
  c.recycle!();
  await f.close();
});
