import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { mapLimit, readRegularFile, TIMED_OUT, withTimeout } from '../../src/proc/index.js';
import { scratch } from './fixtures.js';

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
