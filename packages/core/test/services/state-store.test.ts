import { mkdtemp, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { QgaError } from '../../src/protocol/qga-error.js';
import { FileStateStore } from '../../src/services/file-state-store.js';
import { MemoryStateStore } from '../../src/services/memory-state-store.js';

const tmp = (): Promise<string> => mkdtemp(join(tmpdir(), 'qga-state-'));

t.test('a fresh state directory gets qga.state with 1000 at startup', async (t) => {
  const dir = await tmp();
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const store = new FileStateStore(dir);
  await store.load();
  t.equal(await readFile(join(dir, 'qga.state'), 'utf8'), '[global]\nfd_counter=1000\n');
  t.equal(store.startedFrozen, false);
});

t.test('handles start at 1000, the file holds the next one, and a new instance continues', async (t) => {
  const dir = await tmp();
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const a = new FileStateStore(dir);
  await a.load();
  t.equal(await a.nextHandle(), 1000n);
  t.equal(await readFile(join(dir, 'qga.state'), 'utf8'), '[global]\nfd_counter=1001\n');
  t.equal(await a.nextHandle(), 1001n);
  const b = new FileStateStore(dir);
  await b.load();
  t.equal(await b.nextHandle(), 1002n, 'never repeats across restarts');
  const handles = await Promise.all([b.nextHandle(), b.nextHandle(), b.nextHandle()]);
  t.same(handles, [1003n, 1004n, 1005n], 'concurrent allocations are serialized');
  t.equal(await readFile(join(dir, 'qga.state'), 'utf8'), '[global]\nfd_counter=1006\n');
  t.same((await readdir(dir)).sort(), ['qga.state'], 'no temp files left behind');
});

t.test('reads qemu-ga state files: any int64, other keys and comments, missing key → 1000', async (t) => {
  const dir = await tmp();
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'qga.state'), '# written by qemu-ga\n[global]\nfd_counter = 9000000000123\nother=1\n');
  const a = new FileStateStore(dir);
  await a.load();
  t.equal(await a.nextHandle(), 9000000000123n, 'beyond 2^32 (and spaces around =)');
  await writeFile(join(dir, 'qga.state'), '[global]\n');
  const b = new FileStateStore(dir);
  await b.load();
  t.equal(await b.nextHandle(), 1000n);
});

t.test('an unreadable or unparsable state file fails startup', async (t) => {
  const dir = await tmp();
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'qga.state'), 'fd_counter=5\n');
  await t.rejects(new FileStateStore(dir).load(), { message: 'failed to load persistent state' }, 'key before any group');
  await writeFile(join(dir, 'qga.state'), '[global]\nthis line is junk\n');
  await t.rejects(new FileStateStore(dir).load(), { message: 'failed to load persistent state' }, 'junk line');
  await rm(join(dir, 'qga.state'));
  await mkdir(join(dir, 'qga.state'));
  await t.rejects(new FileStateStore(dir).load(), { message: 'failed to load persistent state' }, 'a directory');
  // A missing directory is created (as the qga binary does); one that cannot be is one line naming it.
  const deeper = join(dir, 'missing', 'deeper');
  await new FileStateStore(deeper).load();
  t.equal(await readFile(join(deeper, 'qga.state'), 'utf8'), '[global]\nfd_counter=1000\n', 'missing directories are created');
  await writeFile(join(dir, 'a-file'), '');
  await t.rejects(
    new FileStateStore(join(dir, 'a-file', 'y')).load(),
    { message: `unable to create directory ${join(dir, 'a-file', 'y')}: Not a directory` },
    'cannot create the directory',
  );
});

t.test('a failed write fails the open with qemu-ga’s message and still consumes the handle', async (t) => {
  const dir = await tmp();
  const store = new FileStateStore(dir);
  await store.load();
  await rm(dir, { recursive: true, force: true });
  await t.rejects(store.nextHandle(), new QgaError('failed to commit persistent state to disk'));
  await mkdir(dir);
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  t.equal(await store.nextHandle(), 1001n);
});

t.test('the isfrozen marker: mode 0600, startedFrozen, and no state file created while frozen', async (t) => {
  const dir = await tmp();
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const a = new FileStateStore(dir);
  await a.setFrozenMarker(true);
  const st = await stat(join(dir, 'qga.state.isfrozen'));
  t.equal(st.mode & 0o777, 0o600);
  t.equal(st.size, 0);
  const b = new FileStateStore(dir);
  await b.load();
  t.equal(b.startedFrozen, true);
  await t.rejects(stat(join(dir, 'qga.state')), { code: 'ENOENT' }, 'qga.state not created while frozen');
  await b.setFrozenMarker(false);
  await b.setFrozenMarker(false); // already gone: fine
  await t.rejects(stat(join(dir, 'qga.state.isfrozen')), { code: 'ENOENT' });
  const c = new FileStateStore(dir);
  await c.load();
  t.equal(c.startedFrozen, false);
});

t.test('memory store: same numbering, nothing on disk', async (t) => {
  const s = new MemoryStateStore();
  await s.load();
  t.equal(await s.nextHandle(), 1000n);
  t.equal(await s.nextHandle(), 1001n);
  t.equal(s.startedFrozen, false);
  const f = new MemoryStateStore({ startedFrozen: true, firstHandle: 2n ** 63n - 2n });
  t.equal(f.startedFrozen, true);
  await t.rejects(f.nextHandle(), new QgaError('file handle counter exhausted'));
});
