import { close, constants, open, read } from 'node:fs';
import { armExitNow, makeRawTty } from '@qga/native-linux';

function openFd(path: string, flags: number): Promise<number> {
  return new Promise((resolve, reject) => open(path, flags, (err, fd) => (err ? reject(err) : resolve(fd))));
}

function closeQuietly(fd: number): void {
  close(fd, () => undefined);
}

/**
 * virtio-serial: a blocking descriptor. Reads wait in the kernel while a host is
 * connected and return 0 while none is; writes wait for room. Both run on
 * libuv's thread pool, never on the event loop. A read parked on the pool can
 * only be left behind at exit through the native layer: armed (and loaded) here
 * (@qga/native-linux's exitNow).
 */
export function openBlocking(path: string): Promise<number> {
  armExitNow();
  return openFd(path, constants.O_RDWR | constants.O_NOCTTY);
}

/** Read and drop whatever input is pending on a non-blocking descriptor (qemu-ga flushes on open too). */
function discardPending(fd: number, limit: number): Promise<void> {
  const buffer = Buffer.allocUnsafe(4096);
  let total = 0;
  return new Promise((resolve) => {
    const next = (): void => {
      read(fd, buffer, 0, buffer.length, null, (err, n) => {
        total += n ?? 0;
        if (err || !n || total >= limit) resolve();
        else next();
      });
    };
    next();
  });
}

/**
 * isa-serial: open without blocking (a line without carrier must not hang the
 * open), put it in raw mode with tcsetattr (qemu-ga's termios: cfmakeraw,
 * 38400 baud; plus CLOCAL), drop stale input, then reopen the very same tty
 * (through /proc/self/fd, immune to the path changing meanwhile) in blocking
 * mode for the read/write loop. CLOCAL makes that blocking open ignore the
 * modem lines.
 */
export async function openRawTty(path: string): Promise<number> {
  armExitNow(); // its blocking reads park in the pool too
  const probe = await openFd(path, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
  try {
    makeRawTty(probe);
    await discardPending(probe, 1 << 20);
    return await openFd(`/proc/self/fd/${probe}`, constants.O_RDWR | constants.O_NOCTTY);
  } catch (e) {
    throw namingPath(e, path);
  } finally {
    closeQuietly(probe);
  }
}

/** tcgetattr's and the reopen's errors name no path (or /proc/self/fd/N): name the one the user gave. */
function namingPath(e: unknown, path: string): unknown {
  if (e instanceof Error) {
    e.message = `${path}: ${e.message.replace(/ ?'?\/proc\/self\/fd\/\d+'?/, '')}`;
  }
  return e;
}
