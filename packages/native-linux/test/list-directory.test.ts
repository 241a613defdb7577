import { mkdirSync, mkdtempSync, opendirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { listDirectory } from '../src/index.js';
import { interfaceAddressesDecoded } from '../src/interface-addresses.js';

/** What readdir(3) returns through Node's opendir: names in the kernel's order. */
function viaOpendir(path: string): { name: string; dir: boolean; link: boolean; file: boolean }[] {
  const d = opendirSync(path);
  const out = [];
  try {
    for (let e = d.readSync(); e !== null; e = d.readSync())
      out.push({ name: e.name, dir: e.isDirectory(), link: e.isSymbolicLink(), file: e.isFile() });
  } finally {
    d.closeSync();
  }
  return out;
}

t.test('listDirectory: the names, order and types readdir gives, on sysfs, procfs and a big directory', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'qga-listdir-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // Enough long names to need several getdents64 calls of the 32 KiB buffer.
  for (let i = 0; i < 1500; i++) writeFileSync(join(dir, `file-${i}-${'x'.repeat(40)}`), '');
  mkdirSync(join(dir, 'sub'));
  symlinkSync('sub', join(dir, 'link'));
  writeFileSync(join(dir, 'naïve-ünïcode'), '');
  for (const path of ['/sys/devices/system/cpu', '/sys/block', '/proc', dir]) {
    const ours = listDirectory(path).map((e) => ({ name: e.name, dir: e.type === 4, link: e.type === 10, file: e.type === 8 }));
    t.same(ours, viaOpendir(path), path);
  }
  t.equal(listDirectory(dir).length, 1503);
});

t.test('listDirectory: errors carry the errno', async (t) => {
  t.throws(() => listDirectory('/no/such/dir'), { code: 'ENOENT' });
  t.throws(() => listDirectory('/proc/self/status'), { code: 'ENOTDIR' });
});

t.test('getifaddrs: decoding the one block gives what decoding entry by entry gives', async (t) => {
  t.same(interfaceAddressesDecoded('auto'), interfaceAddressesDecoded('entry-by-entry'));
});
