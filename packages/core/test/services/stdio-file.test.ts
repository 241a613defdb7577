import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { RawFile, SeekWhence } from '../../src/ports/files-port.js';
import { QgaError } from '../../src/protocol/qga-error.js';
import { StdioFile } from '../../src/services/stdio-file.js';
import { errnoError } from '../../src/util/strerror.js';
import { NodeFilesPort, type NodeRawFile } from './fixtures/fakes.js';

async function setup(t: { teardown(fn: () => unknown): void }): Promise<{ dir: string; files: NodeFilesPort }> {
  const dir = await mkdtemp(join(tmpdir(), 'qga-stdio-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return { dir, files: new NodeFilesPort(dir) };
}

t.test('eof: short read → true, exact read → false, then an empty read → true', async (t) => {
  const { dir, files } = await setup(t);
  await writeFile(join(dir, 'f'), 'Hello World!\n\0');
  const f = new StdioFile(await files.open('f', 'r'));
  t.same(await f.read(14).then((r) => [r.data.toString('latin1'), r.eof]), ['Hello World!\n\0', false]);
  t.same(await f.read(4096).then((r) => [r.data.length, r.eof]), [0, true]);
  await f.seek(0n, 0);
  t.same(await f.read(4096).then((r) => [r.data.length, r.eof]), [14, true]);
  t.same(await f.read(0).then((r) => [r.data.length, r.eof]), [0, false], 'count 0 reads nothing, eof false');
});

t.test('end of file is not sticky between reads: a file that grew returns the new bytes (as qemu-ga 7.2)', async (t) => {
  const { dir, files } = await setup(t);
  await writeFile(join(dir, 'log'), 'one\n');
  const f = new StdioFile(await files.open('log', 'r'));
  t.same((await f.read(100)).eof, true);
  t.same((await f.read(100)).eof, true);
  await appendFile(join(dir, 'log'), 'two\n');
  const r = await f.read(100);
  t.equal(r.data.toString(), 'two\n');
  t.equal(r.eof, true);
});

t.test('a read after a write flushes first; a write after a read repositions first', async (t) => {
  const { dir, files } = await setup(t);
  await writeFile(join(dir, 'f'), 'abcdefgh');
  const raw = (await files.open('f', 'r+')) as NodeRawFile;
  const f = new StdioFile(raw);
  await f.read(3);
  t.same(await f.write(Buffer.from('XY')), { count: 2, eof: false });
  t.same(raw.calls, ['read 3', 'seek 0 1', 'write 2'], 'seek(0, cur) between the read and the write');
  const r = await f.read(10);
  t.equal(r.data.toString(), 'fgh');
  t.same(raw.calls.slice(3), ['flush', 'read 10'], 'flush between the write and the read');
  t.equal(await readFile(join(dir, 'f'), 'utf8'), 'abcXYfgh');
  await f.write(Buffer.from('!'));
  await f.flush();
  await f.read(1);
  t.same(raw.calls.slice(-3), ['write 1', 'flush', 'read 1'], 'after an explicit flush, no second one before the read');
});

t.test('errors carry qemu-ga’s prefixes and strerror text', async (t) => {
  const failing: RawFile = {
    read: async () => {
      throw errnoError('EIO');
    },
    write: async () => {
      throw errnoError('ENOSPC');
    },
    seek: async (_o: bigint, _w: SeekWhence) => {
      throw errnoError('ESPIPE');
    },
    flush: async () => {
      throw errnoError('EIO');
    },
    close: async () => {
      throw errnoError('EBADF');
    },
  };
  const f = new StdioFile(failing);
  await t.rejects(f.read(1), new QgaError('failed to read file: Input/output error'));
  await t.rejects(f.write(Buffer.from('x')), new QgaError('failed to write to file: No space left on device'));
  await t.rejects(f.seek(0n, 0), new QgaError('failed to seek file: Illegal seek'));
  await t.rejects(f.flush(), new QgaError('failed to flush file: Input/output error'));
  await t.rejects(f.close(), new QgaError('failed to close handle: Bad file descriptor'));
});

t.test('a pipe: bytes available now are returned; EAGAIN with nothing read is an error', async (t) => {
  const chunks: (Buffer | Error)[] = [Buffer.from('ab'), errnoError('EAGAIN'), errnoError('EAGAIN')];
  const pipe: RawFile = {
    read: async () => {
      const next = chunks.shift() ?? Buffer.alloc(0);
      if (next instanceof Error) throw next;
      return { data: next, eof: false };
    },
    write: async (d) => d.length,
    seek: async () => {
      throw errnoError('ESPIPE');
    },
    flush: async () => undefined,
    close: async () => undefined,
  };
  const f = new StdioFile(pipe);
  const r = await f.read(10);
  t.same([r.data.toString(), r.eof], ['ab', false], 'partial data kept (qemu-ga would drop it)');
  await t.rejects(f.read(10), new QgaError('failed to read file: Resource temporarily unavailable'));
  await t.rejects(f.write(Buffer.from('x')), new QgaError('failed to seek file: Illegal seek'), 'write after read must reposition');
});

t.test("a backend's recycle: passed on for one read, called after the copy when reads were joined", async (t) => {
  const recycled: string[] = [];
  const chunks = [Buffer.from('abc'), Buffer.from('def')];
  const script: { data: Buffer; eof: boolean }[] = [];
  const raw: RawFile = {
    read: async () => {
      const next = script.shift() ?? { data: Buffer.alloc(0), eof: true };
      const name = next.data.toString() || 'empty';
      return { ...next, recycle: () => recycled.push(name) };
    },
    write: async (d) => d.length,
    seek: async () => 0n,
    flush: async () => undefined,
    close: async () => undefined,
  };
  const f = new StdioFile(raw);
  script.push({ data: chunks[0]!, eof: false });
  const one = await f.read(3);
  t.equal(one.data.toString(), 'abc');
  t.same(recycled, [], 'not recycled while the caller holds the data');
  one.recycle?.();
  t.same(recycled, ['abc']);
  recycled.length = 0;
  script.push({ data: chunks[0]!, eof: false }, { data: chunks[1]!, eof: false });
  const joined = await f.read(10);
  t.equal(joined.data.toString(), 'abcdef');
  t.equal(joined.recycle, undefined, 'a joined copy is the caller’s own');
  t.same(recycled, ['empty', 'abc', 'def'], 'the empty read handed back at once, the others after the join');
});
