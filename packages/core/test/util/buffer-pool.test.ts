import t from 'tap';
import { BufferPool } from '../../src/util/buffer-pool.js';

const KiB = 1024;

t.test('a buffer given back is taken again, for the same size or up to twice smaller', async (t) => {
  const pool = new BufferPool(64 * KiB, 8 * 1024 * KiB, 60_000);
  const a = pool.take(1024 * KiB);
  t.equal(a.length, 1024 * KiB);
  pool.give(a);
  t.equal(pool.keptBytes, 1024 * KiB);
  const b = pool.take(600 * KiB);
  t.equal(b.length, 600 * KiB, 'exactly the size asked');
  t.equal(b.buffer, a.buffer, 'the same memory');
  t.equal(pool.keptBytes, 0);
  pool.give(b);
  t.not(pool.take(400 * KiB).buffer, a.buffer, 'not for less than half its size');
  t.equal(pool.take(1024 * KiB).buffer, a.buffer);
});

t.test('only its own buffers, each once, and no more than the limit', async (t) => {
  const pool = new BufferPool(64 * KiB, 2048 * KiB, 60_000);
  pool.give(Buffer.alloc(1024 * KiB));
  t.equal(pool.keptBytes, 0, 'a foreign buffer is not kept (someone else may still hold it)');
  const small = pool.take(1000);
  pool.give(small);
  t.equal(pool.keptBytes, 0, 'below the minimum size: an ordinary buffer, never pooled');
  const a = pool.take(1024 * KiB);
  pool.give(a);
  pool.give(a.subarray(0, 10));
  t.equal(pool.keptBytes, 1024 * KiB, 'given twice, kept once');
  const x = pool.take(1024 * KiB);
  const y = pool.take(1024 * KiB);
  t.not(x.buffer, y.buffer, 'two takes never share memory');
  const z = pool.take(1024 * KiB);
  pool.give(x);
  pool.give(y);
  pool.give(z);
  t.equal(pool.keptBytes, 2048 * KiB, 'at most the limit is kept');
});

t.test('what is kept is dropped once the pool has been idle', async (t) => {
  const pool = new BufferPool(64 * KiB, 8 * 1024 * KiB, 50);
  pool.give(pool.take(128 * KiB));
  t.equal(pool.keptBytes, 128 * KiB);
  await new Promise((r) => setTimeout(r, 30));
  pool.give(pool.take(128 * KiB)); // used again: the idle time starts over
  await new Promise((r) => setTimeout(r, 30));
  t.equal(pool.keptBytes, 128 * KiB, 'still kept while in use');
  await new Promise((r) => setTimeout(r, 80));
  t.equal(pool.keptBytes, 0, 'dropped after 50 ms idle');
});
