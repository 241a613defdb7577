import t from 'tap';
import type { RawFile } from '@qga/core';
import { createMockGuest } from '../src/index.js';
import { MockFiles } from '../src/ports/mock-files.js';

function rig() {
  const guest = createMockGuest();
  return { guest, files: new MockFiles(guest.fs, guest.failures) };
}
const text = async (f: RawFile, n = 1000) => (await f.read(n)).data.toString('latin1');

t.test('fopen modes: create, truncate, append, read-only, read-write', async (t) => {
  const { guest, files } = rig();
  const w = await files.open('/tmp/a', 'w');
  t.equal(await w.write(Buffer.from('hello')), 5);
  await w.close();
  t.equal(guest.fs.readText('/tmp/a'), 'hello');
  t.equal(guest.fs.stat('/tmp/a').mode, 0o666, 'new files are 0666, as qemu-ga creates them');
  const a = await files.open('/tmp/a', 'a');
  await a.seek(0n, 0);
  await a.write(Buffer.from(' world'));
  t.equal(guest.fs.readText('/tmp/a'), 'hello world', 'append writes at the end');
  const r = await files.open('/tmp/a', 'r');
  t.equal(await text(r, 5), 'hello');
  await t.rejects(r.write(Buffer.from('x')), { code: 'EBADF' }, 'read-only');
  const rw = await files.open('/tmp/a', 'r+');
  await rw.seek(6n, 0);
  await rw.write(Buffer.from('W'));
  t.equal(guest.fs.readText('/tmp/a'), 'hello World');
  await files.open('/tmp/a', 'w+');
  t.equal(guest.fs.readText('/tmp/a'), '', 'w+ truncates');
  await t.rejects(files.open('/tmp/new', 'r'), { code: 'ENOENT' });
  await t.rejects(files.open('/tmp/new', 'r+'), { code: 'ENOENT' });
  await files.open('/tmp/new', 'a+');
  t.equal(guest.fs.exists('/tmp/new'), true);
});

t.test('read/eof/seek semantics, holes read as zeros', async (t) => {
  const { guest, files } = rig();
  guest.fs.writeFile('/f', 'Hello World!\n\0');
  const f = await files.open('/f', 'r+');
  t.same(await f.read(14).then((r) => r.eof), false, 'exact remaining size: eof not hit');
  t.same(await f.read(10).then((r) => [r.data.length, r.eof]), [0, true]);
  t.equal(await f.seek(-2n, 2), 12n);
  t.same(await f.read(10).then((r) => [r.data.toString('latin1'), r.eof]), ['\n\0', true]);
  t.equal(await f.seek(20n, 0), 20n, 'beyond the end is fine');
  await f.write(Buffer.from('X'));
  t.same([...guest.fs.readFile('/f').subarray(14)], [0, 0, 0, 0, 0, 0, 88]);
  await t.rejects(f.seek(-100n, 1), { code: 'EINVAL' });
  const w = await files.open('/f', 'w');
  await w.write(Buffer.from('ab'));
  await w.seek(5n, 0);
  await w.write(Buffer.from('c'));
  t.same([...guest.fs.readFile('/f')], [97, 98, 0, 0, 0, 99], 'no stale bytes after truncation');
  const data = Buffer.alloc(3 * 1024 * 1024, 7);
  const big = await files.open('/big', 'w+');
  t.equal(await big.write(data), data.length);
  await big.seek(0n, 0);
  t.ok((await big.read(data.length)).data.equals(data), 'megabytes round trip');
});

t.test('errors: ENOENT, ENOTDIR, EISDIR, EACCES, EBADF after close', async (t) => {
  const { guest, files } = rig();
  await t.rejects(files.open('/nodir/x', 'w'), { code: 'ENOENT', message: 'No such file or directory' });
  guest.fs.writeFile('/etc/file', 'x');
  await t.rejects(files.open('/etc/file/x', 'r'), { code: 'ENOTDIR' });
  await t.rejects(files.open('/tmp', 'w'), { code: 'EISDIR' });
  const dir = await files.open('/tmp', 'r');
  await t.rejects(dir.read(10), { code: 'EISDIR' }, 'a directory opens read-only but cannot be read');
  guest.fs.writeFile('/secret', 's', { mode: 0o000 });
  await t.rejects(files.open('/secret', 'r'), { code: 'EACCES', message: 'Permission denied' });
  guest.fs.writeFile('/ro', 's', { mode: 0o444 });
  await t.rejects(files.open('/ro', 'a'), { code: 'EACCES' });
  guest.fs.mkdir('/locked', { mode: 0o555 });
  await t.rejects(files.open('/locked/new', 'w'), { code: 'EACCES' });
  const f = await files.open('/ro', 'r');
  await f.close();
  await t.rejects(f.read(1), { code: 'EBADF' });
  await t.rejects(f.close(), { code: 'EBADF' });
});

t.test('relative paths resolve against the cwd', async (t) => {
  const { guest, files } = rig();
  guest.fs.cwd = '/tmp';
  const f = await files.open('rel', 'w');
  await f.write(Buffer.from('r'));
  t.equal(guest.fs.readText('/tmp/rel'), 'r');
  t.equal(guest.fs.resolve('../etc/./x'), '/etc/x');
});

t.test('FIFOs: EAGAIN while empty, data as written, EOF once the writer closed, no seeking', async (t) => {
  const { guest, files } = rig();
  guest.fs.mkfifo('/tmp/pipe');
  const p = await files.open('/tmp/pipe', 'r');
  await t.rejects(p.read(10), { code: 'EAGAIN' }, 'never blocks');
  guest.fs.fifoWrite('/tmp/pipe', 'abcdef');
  t.same(await p.read(4).then((r) => [r.data.toString(), r.eof]), ['abcd', false]);
  t.same(await p.read(10).then((r) => [r.data.toString(), r.eof]), ['ef', false]);
  guest.fs.fifoClose('/tmp/pipe');
  t.same(await p.read(10).then((r) => [r.data.length, r.eof]), [0, true]);
  await t.rejects(p.seek(0n, 1), { code: 'ESPIPE' });
});

t.test('failNext makes exactly one call fail', async (t) => {
  const { guest, files } = rig();
  guest.failNext('files.open', 'EMFILE');
  await t.rejects(files.open('/tmp/x', 'w'), { code: 'EMFILE' });
  const f = await files.open('/tmp/x', 'w+');
  guest.failNext('file.write', 'ENOSPC');
  guest.failNext('file.write', new Error('second'));
  await t.rejects(f.write(Buffer.from('a')), { code: 'ENOSPC', message: 'No space left on device' });
  await t.rejects(f.write(Buffer.from('a')), { message: 'second' });
  t.equal(await f.write(Buffer.from('a')), 1);
  guest.failNext('file.flush', 'EIO');
  t.same(guest.failures.pending(), ['file.flush']);
  await t.rejects(f.flush(), { code: 'EIO' });
  t.same(guest.failures.pending(), []);
});
