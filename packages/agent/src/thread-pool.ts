// Imported first by main.ts, before anything touches libuv's thread pool:
// an idle virtio-serial or isa-serial read parks one pool thread, and
// statfs() of a hung mount can hold more, so the default 4 threads are too few.
process.env.UV_THREADPOOL_SIZE ??= '8';
