import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { mapLimit, readRegularFile, TIMED_OUT, withTimeout } from '../../src/proc/index.js';
import { scratch } from './fixtures.js';
import { KeptOpenFiles } from '../../src/proc/kept-open-files.js';
import { TextMemo } from '../../src/proc/text-memo.js';

t.test('mapLimit: order, bound, first error in input order', async (t) => {
  let inFlight = 0;
  let peak = 0;
  const out = await mapLimit([5, 1, 4, 2, 3, 0, 6, 7], 3, async (ms) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((r) => setTimeout(r, ms));
    inFlight--;
    return ms * 10;
  });
  t.same(out, [50, 10, 40, 20, 30, 0, 60, 70]);
  t.equal(peak, 3);
  await t.rejects(
    mapLimit([30, 1, 2], 3, async (ms) => {
      await new Promise((r) => setTimeout(r, ms));
      throw new Error(`item ${ms}`);
    }),
    { message: 'item 30' },
  );
  t.same(await mapLimit([], 4, async () => 1), []);
});

t.test('withTimeout', async (t) => {
  t.equal(await withTimeout(new Promise(() => {}), 20), TIMED_OUT);
  t.equal(await withTimeout(Promise.resolve(7), 1000), 7);
  await t.rejects(withTimeout(Promise.reject(new Error('no')), 1000), { message: 'no' });
});

t.test('readRegularFile refuses FIFOs, devices and oversize files without blocking', async (t) => {
  const dir = await scratch(t);
  const fifo = join(dir, 'fifo');
  await promisify(execFile)('mkfifo', [fifo]);
  t.equal(await readRegularFile(fifo, 1000), undefined);
  t.equal(await readRegularFile('/dev/zero', 1000), undefined);
  await writeFile(join(dir, 'big'), Buffer.alloc(2000));
  t.equal(await readRegularFile(join(dir, 'big'), 1000), undefined);
  t.equal((await readRegularFile(join(dir, 'big'), 4000))?.length, 2000);
});

t.test('KeptOpenFiles: procfs re-read through the kept descriptor is fresh; other files are opened every time', async (t) => {
  const files = new KeptOpenFiles();
  t.teardown(() => files.closeAll());
  // /proc/self/stat's utime/stime and /proc/uptime move; a kept descriptor must show the new text.
  const first = files.readText('/proc/uptime');
  const until = Date.now() + 5000;
  let later = first;
  while (later === first && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 20));
    later = files.readText('/proc/uptime');
  }
  t.not(later, first, '/proc/uptime read again shows the new uptime');
  // A procfs file bigger than the 16 KiB starting buffer and than one seq_file page comes whole.
  const big = '/proc/kallsyms';
  t.equal(files.readText(big), readFileSync(big, 'utf8'), 'a large procfs file is read whole');
  t.equal(files.readText(big), readFileSync(big, 'utf8'), 'and whole again through the kept descriptor');

  const dir = await scratch(t);
  const path = join(dir, 'state');
  writeFileSync(path, 'one');
  t.equal(files.readText(path), 'one');
  writeFileSync(`${path}.new`, 'two');
  renameSync(`${path}.new`, path);
  t.equal(files.readText(path), 'two', 'a file replaced by rename is seen at once (not kept open)');
  t.equal(files.readTextIfExists(join(dir, 'missing')), undefined);
  t.throws(() => files.readText(join(dir, 'missing')), { code: 'ENOENT' });
});

t.test('KeptOpenFiles: descriptors stay bounded', async (t) => {
  const files = new KeptOpenFiles();
  t.teardown(() => files.closeAll());
  const fdCount = (): number => readdirSync('/proc/self/fd').length;
  const before = fdCount();
  const cpus = readdirSync('/sys/devices/system/cpu').filter((n) => /^cpu\d+$/.test(n));
  const paths = ['/proc/uptime', '/proc/loadavg', '/proc/stat', ...cpus.map((c) => `/sys/devices/system/cpu/${c}/topology/core_id`)];
  // Far more distinct paths than may stay open: every sysfs attribute of every block device.
  for (const dev of readdirSync('/sys/class/block'))
    for (const a of [
      'size',
      'uevent',
      'ro',
      'removable',
      'stat',
      'dev',
      'range',
      'alignment_offset',
      'discard_alignment',
      'capability',
      'ext_range',
      'hidden',
      'inflight',
    ])
      paths.push(`/sys/class/block/${dev}/${a}`);
  for (let round = 0; round < 3; round++) for (const p of paths) files.readTextIfExists(p);
  t.ok(fdCount() - before <= 128, `at most 128 descriptors kept (${fdCount() - before} for ${paths.length} paths)`);
  files.closeAll();
  t.equal(fdCount(), before, 'closeAll releases them');
});

t.test('TextMemo: the same text reuses the parse, a different text parses again', async (t) => {
  const memo = new TextMemo<string[]>();
  let parses = 0;
  const parse = (s: string): string[] => {
    parses++;
    return s.split(' ');
  };
  const a = memo.get('a b', parse);
  t.equal(memo.get('a b', parse), a);
  t.equal(parses, 1);
  t.same(memo.get('a c', parse), ['a', 'c']);
  t.equal(parses, 2);
});
