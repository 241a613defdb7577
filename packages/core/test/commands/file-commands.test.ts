import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import {
  GuestFileCloseCommand,
  GuestFileFlushCommand,
  GuestFileOpenCommand,
  GuestFileReadCommand,
  GuestFileSeekCommand,
  GuestFileWriteCommand,
} from '../../src/commands/file-commands.js';
import type { FilesPort } from '../../src/ports/files-port.js';
import { QgaError } from '../../src/protocol/qga-error.js';
import { FileHandles } from '../../src/services/file-handles.js';
import { FileStateStore } from '../../src/services/file-state-store.js';
import { MemoryStateStore } from '../../src/services/memory-state-store.js';
import type { StateStore } from '../../src/services/state-store.js';
import { errnoError } from '../../src/util/strerror.js';
import { NodeFilesPort, wireShape } from '../services/fixtures/fakes.js';

const HELLO = Buffer.from('Hello World!\n\0');
const HELLO_B64 = HELLO.toString('base64');

async function commands(t: { teardown(fn: () => unknown): void }, store: StateStore = new MemoryStateStore()) {
  const dir = await mkdtemp(join(tmpdir(), 'qga-file-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const files = new NodeFilesPort(dir);
  const handles = new FileHandles(store);
  t.teardown(() => handles.closeAll());
  return {
    dir,
    files,
    handles,
    open: (path: string, mode?: string) => new GuestFileOpenCommand(files, handles).run({ path, ...(mode !== undefined ? { mode } : {}) }),
    read: async (handle: bigint, count?: bigint) =>
      wireShape(await new GuestFileReadCommand(handles).run({ handle, ...(count !== undefined ? { count } : {}) })),
    write: (handle: bigint, b64: string, count?: bigint) =>
      new GuestFileWriteCommand(handles).run({ handle, 'buf-b64': b64, ...(count !== undefined ? { count } : {}) }),
    seek: (handle: bigint, offset: bigint, whence: bigint | 'set' | 'cur' | 'end') =>
      new GuestFileSeekCommand(handles).run({ handle, offset, whence }),
    flush: (handle: bigint) => new GuestFileFlushCommand(handles).run({ handle }),
    close: (handle: bigint) => new GuestFileCloseCommand(handles).run({ handle }),
  };
}

t.test('/qga/file-ops sequence (upstream test-qga)', async (t) => {
  const c = await commands(t);
  const h = await c.open('foo', 'w+');
  t.equal(h, 1000n);
  t.same(await c.write(h, HELLO_B64), { count: 14, eof: false });
  await c.flush(h);
  await c.close(h);
  t.ok((await readFile(join(c.dir, 'foo'))).equals(HELLO), 'exactly the 14 bytes on disk');
  t.equal((await stat(join(c.dir, 'foo'))).mode & 0o777, 0o666 & ~process.umask());

  const r = await c.open('foo', 'r');
  t.same(await c.read(r), { count: 14, 'buf-b64': HELLO_B64, eof: true });
  t.same(await c.read(r), { count: 0, 'buf-b64': '', eof: true });
  t.same(await c.seek(r, 6n, 'set'), { position: 6n, eof: false });
  const tail = await c.read(r);
  t.same([tail.count, tail.eof, Buffer.from(tail['buf-b64'], 'base64').toString('latin1')], [8, true, 'World!\n\0']);
  await c.close(r);
  t.equal(c.handles.size, 0);
});

t.test('/qga/file-write-read sequence (upstream test-qga)', async (t) => {
  const c = await commands(t);
  const h = await c.open('foo', 'w+');
  t.same(await c.write(h, HELLO_B64), { count: 14, eof: false });
  t.same(await c.read(h), { count: 0, 'buf-b64': '', eof: true }, 'implicit flush, then a read at end of file');
  t.same(await c.seek(h, 0n, 'set'), { position: 0n, eof: false });
  t.same(await c.read(h), { count: 14, 'buf-b64': HELLO_B64, eof: true });
  await c.close(h);
});

t.test('reading exactly what is left: eof false, then count 0 eof true; count 0 allowed', async (t) => {
  const c = await commands(t);
  await writeFile(join(c.dir, 'f'), HELLO);
  const h = await c.open('f');
  t.same(await c.read(h, 14n), { count: 14, 'buf-b64': HELLO_B64, eof: false });
  t.same(await c.read(h, 14n), { count: 0, 'buf-b64': '', eof: true });
  t.same(await c.read(h, 0n), { count: 0, 'buf-b64': '', eof: false });
});

t.test('count limits and argument checks, with the exact descs', async (t) => {
  const c = await commands(t);
  const h = await c.open('f', 'w+');
  await t.rejects(c.read(h, -1n), new QgaError("value '-1' is invalid for argument count"));
  await t.rejects(c.read(h, 50331649n), new QgaError("value '50331649' is invalid for argument count"));
  t.same(await c.read(h, 50331648n), { count: 0, 'buf-b64': '', eof: true }, '48 MiB is the maximum allowed');
  await t.rejects(c.write(h, 'QUJD', 4n), new QgaError("value '4' is invalid for argument count"));
  await t.rejects(c.write(h, 'QUJD', -1n), new QgaError("value '-1' is invalid for argument count"));
  await t.rejects(c.write(h, '!!'), new QgaError('Base64 data contains invalid characters'));
  t.same(await c.write(h, 'QUJD', 2n), { count: 2, eof: false }, 'count below the decoded length writes a prefix');
  await t.rejects(c.seek(h, 0n, 7n), new QgaError('invalid whence code 7'));
  await t.rejects(c.seek(h, -100n, 'set'), new QgaError('failed to seek file: Invalid argument'));
  t.same(await c.seek(h, 100n, 2n), { position: 102n, eof: false }, 'whence as an integer, beyond the end');
  t.same(await c.read(h), { count: 0, 'buf-b64': '', eof: true });
  t.same(await c.seek(h, -1n, 'cur'), { position: 101n, eof: false });
  await c.close(h);
  t.equal((await readFile(join(c.dir, 'f'))).toString('latin1'), 'AB', 'seeking past the end alone does not extend the file');
});

t.test('every handle command reports an unknown handle first', async (t) => {
  const c = await commands(t);
  const unknown = new QgaError("handle '999' has not been found");
  await t.rejects(c.read(999n, -1n), unknown, 'before the count check');
  await t.rejects(c.write(999n, '!!'), unknown, 'before the base64 check');
  await t.rejects(c.seek(999n, 0n, 7n), unknown, 'before the whence check');
  await t.rejects(c.flush(999n), unknown);
  await t.rejects(c.close(999n), unknown);
  const h = await c.open('f', 'w');
  await c.close(h);
  await t.rejects(c.close(h), new QgaError(`handle '${h}' has not been found`), 'closed handles are gone');
});

t.test('open: invalid modes, OS errors with strerror text, port QgaErrors passed through', async (t) => {
  const c = await commands(t);
  await t.rejects(c.open('foo', 'rw'), new QgaError("invalid file open mode 'rw'"));
  await t.rejects(c.open('foo', ''), new QgaError("invalid file open mode ''"));
  await t.rejects(c.open('nonexist', 'r'), new QgaError("failed to open file 'nonexist' (mode: 'r'): No such file or directory"));
  await t.rejects(c.open('nodir/x', 'w'), new QgaError("failed to open file 'nodir/x' (mode: 'w'): No such file or directory"));
  await t.rejects(c.open('/tmp', 'w'), new QgaError("failed to open file '/tmp' (mode: 'w'): Is a directory"));
  await writeFile(join(c.dir, 'm'), '');
  for (const mode of ['r', 'rb', 'w', 'wb', 'a', 'ab', 'r+', 'rb+', 'r+b', 'w+', 'wb+', 'w+b', 'a+', 'ab+', 'a+b']) {
    const h = await c.open('m', mode);
    await c.close(h);
  }
  t.pass('all 15 fopen modes accepted');
  const failing: FilesPort = {
    open: async () => {
      throw new QgaError('custom backend message');
    },
  };
  await t.rejects(new GuestFileOpenCommand(failing, c.handles).run({ path: 'x' }), new QgaError('custom backend message'));
  const eacces: FilesPort = {
    open: async () => {
      throw errnoError('EACCES');
    },
  };
  await t.rejects(
    new GuestFileOpenCommand(eacces, c.handles).run({ path: '/etc/shadow', mode: 'r' }),
    new QgaError("failed to open file '/etc/shadow' (mode: 'r'): Permission denied"),
  );
});

t.test('append mode writes at the end whatever the position', async (t) => {
  const c = await commands(t);
  await writeFile(join(c.dir, 'log'), 'one\n');
  const h = await c.open('log', 'a+');
  t.same(await c.seek(h, 0n, 'set'), { position: 0n, eof: false });
  await c.write(h, Buffer.from('two\n').toString('base64'));
  await c.seek(h, 0n, 'set');
  t.equal(Buffer.from((await c.read(h))['buf-b64'], 'base64').toString(), 'one\ntwo\n');
});

t.test('handles come from the persistent counter and survive a new store instance', async (t) => {
  const stateDir = await mkdtemp(join(tmpdir(), 'qga-fstate-'));
  t.teardown(() => rm(stateDir, { recursive: true, force: true }));
  const store1 = new FileStateStore(stateDir);
  await store1.load();
  const c1 = await commands(t, store1);
  t.equal(await c1.open('a', 'w'), 1000n);
  t.equal(await c1.open('b', 'w'), 1001n);
  const store2 = new FileStateStore(stateDir);
  await store2.load();
  const c2 = await commands(t, store2);
  t.equal(await c2.open('c', 'w'), 1002n);
  t.equal(await readFile(join(stateDir, 'qga.state'), 'utf8'), '[global]\nfd_counter=1003\n');
});

t.test('a handle that cannot be persisted is not handed out and its file is closed', async (t) => {
  const store: StateStore = {
    startedFrozen: false,
    load: async () => undefined,
    setFrozenMarker: async () => undefined,
    nextHandle: async () => {
      throw new QgaError('failed to commit persistent state to disk');
    },
  };
  const c = await commands(t, store);
  await t.rejects(c.open('f', 'w'), new QgaError('failed to commit persistent state to disk'));
  t.equal(c.files.opened[0]!.calls.at(-1), 'close');
  t.equal(c.handles.size, 0);
});

t.test('large transfers: a 48 MiB read and a 64 MiB-of-base64 write', async (t) => {
  const c = await commands(t);
  const big = Buffer.alloc(48 * 1024 * 1024);
  for (let i = 0; i < big.length; i += 4096) big[i] = i & 0xff;
  const h = await c.open('big', 'w+');
  const started = process.hrtime.bigint();
  t.same(await c.write(h, big.toString('base64')), { count: big.length, eof: false });
  await c.seek(h, 0n, 'set');
  const r = await c.read(h, BigInt(big.length));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  t.equal(r.count, big.length);
  t.ok(Buffer.from(r['buf-b64'], 'base64').equals(big), 'round trip');
  t.comment(`48 MiB write + read through the commands: ${ms.toFixed(0)} ms`);
});
