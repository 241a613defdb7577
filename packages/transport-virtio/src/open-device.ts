import { spawn } from 'node:child_process';
import { close, constants, open, read } from 'node:fs';

function openFd(path: string, flags: number): Promise<number> {
  return new Promise((resolve, reject) => open(path, flags, (err, fd) => (err ? reject(err) : resolve(fd))));
}

function closeQuietly(fd: number): void {
  close(fd, () => undefined);
}

/**
 * virtio-serial: a blocking descriptor. Reads wait in the kernel while a host is
 * connected and return 0 while none is; writes wait for room. Both run on
 * libuv's thread pool, never on the event loop.
 */
export function openBlocking(path: string): Promise<number> {
  return openFd(path, constants.O_RDWR | constants.O_NOCTTY);
}

/** termios settings for isa-serial: cfmakeraw(), echo off, 38400 baud, and CLOCAL (see openRawTty). */
export const RAW_TTY_SETTINGS: readonly string[] = ['raw', '-echo', '-echonl', '-iexten', 'cs8', '-parenb', 'clocal', '38400'];

/**
 * Run `stty <settings>` on the tty behind one of our descriptors. stty gets it
 * by /proc path, not as its stdin: a child's stdin shares our file
 * description, and libuv makes a child's stdio blocking, which would silently
 * clear our O_NONBLOCK.
 */
export function stty(fd: number, settings: readonly string[], command = 'stty'): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, ['-F', `/proc/${process.pid}/fd/${fd}`, ...settings], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      if (stderr.length < 4096) stderr += text;
    });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${settings.join(' ')} failed (${signal ?? `exit ${String(code)}`}): ${stderr.trim()}`));
    });
  });
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
 * open), put it in raw mode with stty, drop stale input, then reopen the very
 * same tty (through /proc/self/fd, immune to the path changing meanwhile) in
 * blocking mode for the read/write loop. CLOCAL makes that blocking open
 * ignore the modem lines.
 */
export async function openRawTty(path: string, command = 'stty'): Promise<number> {
  const probe = await openFd(path, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
  try {
    await stty(probe, RAW_TTY_SETTINGS, command);
    await discardPending(probe, 1 << 20);
    return await openFd(`/proc/self/fd/${probe}`, constants.O_RDWR | constants.O_NOCTTY);
  } finally {
    closeQuietly(probe);
  }
}
