import { closeSync, constants, existsSync, openSync, readSync, statfsSync } from 'node:fs';
import { closeQuietly } from '@qga/core/internal';

const PROC_SUPER_MAGIC = 0x9fa0;
const SYSFS_MAGIC = 0x62656572;
/** Upper bound on descriptors kept open; past it they are all closed and the set starts again. */
const MAX_KEPT = 128;
/** Upper bound on remembered statfs answers. */
const MAX_KNOWN = 4096;

/**
 * Reads procfs and sysfs files through descriptors kept open, one pread()
 * from offset 0 per read instead of open + read + close.
 *
 * Why: opening /proc/net/route or /proc/self/mountinfo walks the path
 * through procfs (and the network namespace) on every call and costs more
 * than the read itself; hosts poll these commands every few seconds. A read
 * at offset 0 makes the kernel render the file afresh (seq_file and kernfs
 * restart at position 0; top and findmnt --poll rely on this), so nothing
 * read this way is ever stale.
 *
 * Only files that statfs() shows on procfs or sysfs are kept open: any
 * other path (fixtures, a procRoot pointing at a copy) is opened for every
 * read, so a file replaced by rename is seen at once. A kept descriptor that
 * fails (a removed device answers ENODEV) is closed and the path opened again.
 */
export class KeptOpenFiles {
  private readonly fds = new Map<string, number>();
  /** Whether a path is on procfs/sysfs, as statfs() said the first time (one statfs per path). */
  private readonly onKernelFs = new Map<string, boolean>();
  private buffer = Buffer.allocUnsafe(16384);

  /** The file's whole text (UTF-8); throws what open() or read() throws. */
  readText(path: string): string {
    return this.readWith(path, (buf, n) => buf.toString('utf8', 0, n));
  }

  /**
   * readText, or undefined when the file does not exist — found out with
   * access(), not a failing open(): creating the ENOENT error costs more than
   * the whole read (cpu0 has no `online` file, asked on every guest-get-vcpus).
   */
  readTextIfExists(path: string): string | undefined {
    if (!this.fds.has(path) && !existsSync(path)) return undefined;
    return this.readText(path);
  }

  /** The file's bytes, copied out of the shared buffer. */
  readBytes(path: string): Buffer {
    return this.readWith(path, (buf, n) => Buffer.from(buf.subarray(0, n)));
  }

  private readWith<T>(path: string, convert: (buf: Buffer, n: number) => T): T {
    const kept = this.fds.get(path);
    if (kept !== undefined) {
      try {
        return convert(this.buffer, this.readAll(kept));
      } catch {
        this.fds.delete(path);
        closeQuietly(kept);
      }
    }
    const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    let keep = false;
    try {
      const n = this.readAll(fd);
      keep = this.worthKeeping(path);
      return convert(this.buffer, n);
    } finally {
      if (keep) this.keep(path, fd);
      else closeSync(fd);
    }
  }

  /** Reads from offset 0 to the end into this.buffer (grown as needed); the byte count. */
  private readAll(fd: number): number {
    let n = 0;
    for (;;) {
      if (n === this.buffer.length) {
        const bigger = Buffer.allocUnsafe(this.buffer.length * 2);
        this.buffer.copy(bigger, 0, 0, n);
        this.buffer = bigger;
      }
      const got = readSync(fd, this.buffer, n, this.buffer.length - n, n);
      if (got === 0) return n;
      n += got;
    }
  }

  private worthKeeping(path: string): boolean {
    const known = this.onKernelFs.get(path);
    if (known !== undefined) return known;
    let type: number;
    try {
      type = statfsSync(path).type;
    } catch {
      return false;
    }
    const kernel = type === PROC_SUPER_MAGIC || type === SYSFS_MAGIC;
    if (this.onKernelFs.size >= MAX_KNOWN) this.onKernelFs.clear();
    this.onKernelFs.set(path, kernel);
    return kernel;
  }

  private keep(path: string, fd: number): void {
    if (this.fds.size >= MAX_KEPT) this.closeAll();
    this.fds.set(path, fd);
  }

  /** Closes every kept descriptor (they are opened again on the next read). */
  closeAll(): void {
    for (const fd of this.fds.values()) closeQuietly(fd);
    this.fds.clear();
  }
}

/** The process's shared instance (the descriptors are a process-wide resource). */
export const keptOpenFiles = new KeptOpenFiles();
