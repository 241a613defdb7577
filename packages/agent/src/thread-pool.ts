import { stat } from 'node:fs';

// Imported first by main.ts, before anything touches libuv's thread pool:
// an idle virtio-serial or isa-serial read parks one pool thread, and
// statfs() of a hung mount can hold more, so the default 4 threads are too few.
if (process.env.UV_THREADPOOL_SIZE === undefined) {
  process.env.UV_THREADPOOL_SIZE = '8';
  // libuv reads the variable when the first work item is queued, right here; after
  // that it is ours no more, and guest-exec children must not inherit it.
  stat('/', () => undefined);
  delete process.env.UV_THREADPOOL_SIZE;
}
