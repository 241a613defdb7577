import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { LinuxFsFreeze, LinuxFsTrim } from '../../src/fsfreeze/index.js';
import { readMountList, type FsMount } from '../../src/mounts/index.js';
import { rejectionMessage } from './fixtures.js';

/**
 * Freeze and trim on a REAL filesystem: a loop-mounted ext4 image made for
 * this test, through the native FIFREEZE/FITHAW/FITRIM ioctls (no fsfreeze or
 * fstrim program). The ports are only ever given that mount (plus harmless
 * tmpfs or missing paths): / and the other mounts of this machine are never frozen.
 */
function canLoopMount(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root';
  for (const tool of ['mkfs.ext4', 'losetup', 'mount']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} missing`;
  }
  if (spawnSync('losetup', ['-f']).status !== 0) return 'no free loop device';
  return undefined;
}

const why = canLoopMount();

interface LoopFs {
  readonly mnt: string;
}

async function loopFs(t: { teardown(fn: () => void | Promise<void>): void }): Promise<LoopFs> {
  const dir = await mkdtemp(join(tmpdir(), 'qga-freeze-'));
  const img = join(dir, 'img');
  const mnt = join(dir, 'mnt');
  mkdirSync(mnt);
  // Registered first so cleanup runs even if a later step fails.
  t.teardown(async () => {
    await new LinuxFsFreeze({ mountList: only(mnt) }).thaw();
    for (let i = 0; i < 5 && spawnSync('umount', [mnt]).status !== 0; i++) spawnSync('sleep', ['0.2']);
    spawnSync('umount', ['-l', mnt]);
    rmSync(dir, { recursive: true, force: true });
  });
  execFileSync('truncate', ['-s', '64M', img]);
  execFileSync('mkfs.ext4', ['-q', img]);
  execFileSync('mount', ['-o', 'loop', img, mnt]);
  return { mnt };
}

/** The real mount list, narrowed to the given directories. */
function only(...dirs: string[]): () => Promise<FsMount[]> {
  return async () => (await readMountList()).filter((m) => dirs.includes(m.dirname));
}

function fake(dirname: string): FsMount {
  return { dirname, devtype: 'ext4', source: '/dev/none', devmajor: 250, devminor: 99 };
}

/** Start `echo x > <file>` in a child; resolves with its exit code when it finishes. */
function writer(file: string): { done: Promise<number | null>; finished: () => boolean } {
  let finished = false;
  const child = spawn('sh', ['-c', `echo x > '${file}'`], { stdio: 'ignore' });
  const done = new Promise<number | null>((resolve) => child.on('exit', (code) => ((finished = true), resolve(code))));
  return { done, finished: () => finished };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.test('freeze blocks writes, thaw releases them', { skip: why }, async (t) => {
  const { mnt } = await loopFs(t);
  const all = await readMountList();
  const mine = all.find((m) => m.dirname === mnt);
  t.ok(mine, 'the real mount list shows the loop mount');
  t.equal(mine?.devtype, 'ext4');
  t.equal(mine?.devmajor, 7, 'loop major');

  const port = new LinuxFsFreeze({ mountList: only(mnt) });
  t.equal(await port.freeze([mnt]), 1);
  const w = writer(join(mnt, 'f'));
  await sleep(1_000);
  t.equal(w.finished(), false, 'a write into the frozen filesystem blocks');
  t.equal(await port.freeze([mnt]), 0, 'freezing again: EBUSY, skipped, not counted');

  t.equal(await port.thaw(), 1);
  const code = await Promise.race([w.done, sleep(5_000).then(() => 'timeout')]);
  t.equal(code, 0, 'the write completed after thaw');
  t.equal(readFileSync(join(mnt, 'f'), 'utf8'), 'x\n');
  t.equal(await port.thaw(), 0, 'nothing left to thaw');
});

t.test('mount point filter', { skip: why }, async (t) => {
  const { mnt } = await loopFs(t);
  const port = new LinuxFsFreeze({ mountList: only(mnt) });
  t.equal(await port.freeze([]), 0, 'an empty list freezes nothing');
  t.equal(await port.freeze(['/nonexistent-qga', `${mnt}/`]), 0, 'only exact mount directories match');
  t.equal(await port.freeze(), 1, 'no list: every (here: the one) mount');
  t.equal(await port.thaw(), 1);
});

t.test('EOPNOTSUPP is skipped; other errors thaw what was frozen and fail', { skip: why }, async (t) => {
  const { mnt } = await loopFs(t);
  // /dev/shm is tmpfs: FIFREEZE says EOPNOTSUPP. It comes after the loop mount
  // in this list, so in reverse order it is tried first.
  const withTmpfs = new LinuxFsFreeze({ mountList: async () => [...(await only(mnt)()), { ...fake('/dev/shm'), devtype: 'tmpfs' }] });
  t.equal(await withTmpfs.freeze(), 1);
  t.equal(await withTmpfs.thaw(), 1);

  // Reverse order: the loop mount is frozen first, then the missing directory fails.
  const broken = new LinuxFsFreeze({ mountList: async () => [fake('/nonexistent-qga-dir'), ...(await only(mnt)())] });
  t.equal(await rejectionMessage(broken.freeze()), 'failed to open /nonexistent-qga-dir: No such file or directory');
  const w = writer(join(mnt, 'after-error'));
  const code = await Promise.race([w.done, sleep(3_000).then(() => 'still blocked')]);
  t.equal(code, 0, 'the loop mount was thawed again after the failure');
});

t.test('without the native layer: freeze fails with a clear error, nothing frozen', { skip: why }, async (t) => {
  const { mnt } = await loopFs(t);
  const entry = fileURLToPath(new URL('../../src/fsfreeze/index.js', import.meta.url));
  const mounts = fileURLToPath(new URL('../../src/mounts/index.js', import.meta.url));
  const script = `import('reflect-metadata').then(() => Promise.all([import(${JSON.stringify(entry)}), import(${JSON.stringify(mounts)})])).then(async ([m, mounts]) => { const all = await mounts.readMountList(); const port = new m.LinuxFsFreeze({ mountList: async () => all.filter((x) => x.dirname === ${JSON.stringify(mnt)}) }); try { console.log(await port.freeze()); } catch (e) { console.log(e.message); } })`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, QGA_NO_NATIVE: '1' },
  });
  t.equal(r.stdout.trim(), `failed to freeze ${mnt}: native calls are unavailable (koffi could not be loaded: QGA_NO_NATIVE=1)`, r.stderr);
  const w = writer(join(mnt, 'not-frozen'));
  t.equal(await Promise.race([w.done, sleep(3_000).then(() => 'blocked')]), 0, 'writes go through');
});

t.test('trim the loop mount', { skip: why }, async (t) => {
  const { mnt } = await loopFs(t);
  const port = new LinuxFsTrim({
    mountList: async () => [{ ...fake('/dev/shm'), devtype: 'tmpfs' }, ...(await only(mnt)()), fake('/nonexistent-qga-dir')],
  });
  const res = await port.trim(0n);
  t.equal(res.length, 3);
  t.same(res[0], { path: '/nonexistent-qga-dir', error: 'failed to open: No such file or directory' }, 'reverse mount order');
  t.equal(res[1]!.path, mnt);
  t.ok(typeof res[1]!.minimum === 'bigint' && res[1]!.minimum >= 0n, `the kernel's minimum (${res[1]!.minimum}), as qemu-ga reports it`);
  t.ok(typeof res[1]!.trimmed === 'bigint' && res[1]!.trimmed > 0n, `trimmed ${res[1]!.trimmed} bytes`);
  t.same(res[2], { path: '/dev/shm', error: 'trim not supported' });

  const filtered = await port.trim(4096n, [mnt]);
  t.equal(filtered.length, 1);
  t.ok(filtered[0]!.minimum! >= 4096n, 'never below the requested minimum');
  t.equal(typeof filtered[0]!.trimmed, 'bigint');

  const real = new LinuxFsTrim({ mountList: only(mnt) });
  t.equal((await real.trim(0n)).length, 1, 'default options + a narrowed real mount list');
});
