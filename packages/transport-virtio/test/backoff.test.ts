import t from 'tap';
import { backoffDelay, DEFAULT_BACKOFF, validateBackoff } from '../src/backoff.js';
import { resolveRetry } from '../src/retry-options.js';

t.test('default schedule doubles from 20 ms up to 1 s', async (t) => {
  t.same(
    Array.from({ length: 9 }, (_, i) => backoffDelay(i + 1)),
    [20, 40, 80, 160, 320, 640, 1000, 1000, 1000],
  );
  t.equal(backoffDelay(10_000), 1000, 'huge failure counts stay at the cap');
  t.equal(backoffDelay(0), 0);
  t.equal(backoffDelay(-1), 0);
  t.equal(backoffDelay(Number.NaN), 0);
  t.same(DEFAULT_BACKOFF, { initialMs: 20, maxMs: 1000, factor: 2 });
});

t.test('custom schedules', async (t) => {
  t.same(
    [1, 2, 3, 4].map((n) => backoffDelay(n, { initialMs: 100, maxMs: 5000, factor: 3 })),
    [100, 300, 900, 2700],
  );
  t.same(
    [1, 2, 3].map((n) => backoffDelay(n, { initialMs: 250, maxMs: 250, factor: 1 })),
    [250, 250, 250],
    'fixed interval',
  );
});

t.test('validation', async (t) => {
  t.throws(() => validateBackoff({ initialMs: 0, maxMs: 10 }), /initialMs/);
  t.throws(() => validateBackoff({ initialMs: 10, maxMs: 5 }), /maxMs/);
  t.throws(() => validateBackoff({ initialMs: 10, maxMs: 50, factor: 0.5 }), /factor/);
  t.same(resolveRetry(undefined), { retry: true, backoff: DEFAULT_BACKOFF });
  t.same(resolveRetry(false), { retry: false, backoff: DEFAULT_BACKOFF });
  t.same(resolveRetry({ maxMs: 5000 }), { retry: true, backoff: { initialMs: 20, maxMs: 5000, factor: 2 } });
  t.throws(() => resolveRetry({ maxMs: 1 }), /maxMs/);
});
