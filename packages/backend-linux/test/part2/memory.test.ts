import 'reflect-metadata';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { LinuxMemory, memoryBlockFromFiles, memoryBlockIndexes, parseBlockSizeBytes } from '../../src/memory/index.js';
import { copyFixture, fixtureConfig, scratch } from './fixtures.js';

t.test('parsers', async (t) => {
  t.same(
    memoryBlockIndexes([
      { name: 'memory188', isDir: true },
      { name: 'block_size_bytes', isDir: false },
      { name: 'memory3', isDir: true },
      { name: 'power', isDir: true },
      { name: 'memoryX', isDir: true },
    ]),
    [188n, 3n, 0n],
    'readdir order; a non-numeric suffix is index 0 (strtoul)',
  );
  t.same(memoryBlockFromFiles(5n, 'online\n', '1\n'), { 'phys-index': 5, online: true, 'can-offline': true });
  t.same(memoryBlockFromFiles(5n, 'offline\n', '0\n'), { 'phys-index': 5, online: false, 'can-offline': false });
  t.same(memoryBlockFromFiles(5n, 'online\n', undefined), { 'phys-index': 5, online: true, 'can-offline': false }, 'no removable file');
  t.same(memoryBlockFromFiles(5n, undefined, undefined), { 'phys-index': 5, online: true, 'can-offline': false }, 'no state file');
  t.equal(parseBlockSizeBytes('8000000\n'), 134217728n);
  t.equal(parseBlockSizeBytes('  0x80000000'), 2147483648n);
  t.equal(parseBlockSizeBytes('zz'), 0n);
});

t.test('guest-get-memory-blocks on a captured sysfs', async (t) => {
  const blocks = await new LinuxMemory(fixtureConfig('this-vm')).blocks();
  t.same(
    [...blocks].sort((a, b) => Number(a['phys-index']) - Number(b['phys-index'])),
    [0, 1, 2, 3, 32, 99, 188].map((i) => ({ 'phys-index': i, online: true, 'can-offline': true })),
  );
  t.same(await new LinuxMemory(fixtureConfig('sysfs-container')).blocks(), [], 'no memory directory: empty list, no error');
  const empty = await scratch(t);
  await mkdir(join(empty, 'devices/system/memory'), { recursive: true });
  await t.rejects(new LinuxMemory(fixtureConfig('this-vm', { sysRoot: empty })).blocks(), {
    message: 'guest reported zero memory blocks!',
  });
});

t.test('guest-get-memory-block-info', async (t) => {
  t.same(await new LinuxMemory(fixtureConfig('this-vm')).blockInfo(), { size: 134217728 });
  const c = fixtureConfig('sysfs-container');
  await t.rejects(new LinuxMemory(c).blockInfo(), {
    message: `open("${String(c.sysRoot)}/devices/system/memory/"): No such file or directory`,
  });
  const root = await copyFixture(t, 'this-vm/sys');
  await rm(join(root, 'devices/system/memory/block_size_bytes'));
  await t.rejects(new LinuxMemory(fixtureConfig('this-vm', { sysRoot: root })).blockInfo(), {
    message: 'open sysfs file "block_size_bytes": No such file or directory',
  });
});

t.test('guest-set-memory-blocks, one entry at a time', async (t) => {
  const root = await copyFixture(t, 'this-vm/sys');
  const mem = new LinuxMemory(fixtureConfig('this-vm', { sysRoot: root }));
  const state = join(root, 'devices/system/memory/memory32/state');
  t.same(await mem.setBlock({ physIndex: 32n, online: true }), { 'phys-index': 32, response: 'success' }, 'already online');
  t.equal(await readFile(state, 'utf8'), 'online\n');
  t.same(await mem.setBlock({ physIndex: 32n, online: false }), { 'phys-index': 32, response: 'success' });
  t.equal(await readFile(state, 'utf8'), 'offline', 'state written');
  t.same(await mem.setBlock({ physIndex: 4242n, online: true }), { 'phys-index': 4242, response: 'not-found', 'error-code': 2 });
  await rm(join(root, 'devices/system/memory/memory99/state'));
  t.same(await mem.setBlock({ physIndex: 99n, online: false }), { 'phys-index': 99, response: 'operation-not-supported', 'error-code': 2 });
  t.same(await mem.setBlock({ physIndex: 99n, online: true }), { 'phys-index': 99, response: 'success' });
  const none = new LinuxMemory(fixtureConfig('sysfs-container'));
  t.same(await none.setBlock({ physIndex: 1n, online: true }), { 'phys-index': 1, response: 'operation-not-supported', 'error-code': 2 });
  // A state file that refuses the write (a directory in its place: EISDIR on open for writing).
  await rm(join(root, 'devices/system/memory/memory3/state'));
  await mkdir(join(root, 'devices/system/memory/memory3/state'));
  const r = await mem.setBlock({ physIndex: 3n, online: false });
  t.equal(r.response, 'operation-failed');
  t.equal(r['error-code'], 21, 'EISDIR');
  await writeFile(join(root, 'devices/system/memory/memory2/state'), '');
  t.equal((await mem.setBlock({ physIndex: 2n, online: false })).response, 'operation-failed', 'empty state file');
});
