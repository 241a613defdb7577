import { statfsSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { TIMED_OUT, withTimeout } from '../proc/with-timeout.js';

export interface StatfsNumbers {
  readonly blocks: bigint;
  readonly bfree: bigint;
  readonly bavail: bigint;
  /** Node reports f_bsize; Linux fills f_frsize with it unless the filesystem sets its own (FUSE may). */
  readonly frsize: bigint;
}

/**
 * Filesystems whose statfs() answers from in-memory counters (no I/O, no lock a
 * stuck device could hold): asked synchronously. Handing a 1 µs call to
 * libuv's pool and back cost ~100 µs on a busy 2-core guest — most of
 * guest-get-fsinfo's time.
 */
export const IN_MEMORY_STATFS_TYPES: ReadonlySet<string> = new Set([
  'ext2',
  'ext3',
  'ext4',
  'xfs',
  'vfat',
  'msdos',
  'exfat',
  'f2fs',
  'squashfs',
  'erofs',
  'iso9660',
]);

/**
 * statfs() that never holds a request hostage. A call still running after
 * `timeoutMs` (a hung NFS or dead iSCSI mount) is abandoned: the caller gets
 * undefined and the sizes are omitted, while the syscall finishes in the
 * background. Each path has at most one call in flight (a stuck mount keeps
 * one libuv pool thread, not one per request), and once `maxStuck` calls are
 * stuck no new ones start, so the pool keeps threads for everything else.
 */
export class BoundedStatfs {
  private readonly inflight = new Map<string, Promise<StatfsNumbers | undefined>>();
  private readonly stuck = new Set<string>();

  constructor(
    private readonly timeoutMs: number,
    private readonly maxStuck: number,
    private readonly call: (path: string) => Promise<StatfsNumbers> = defaultStatfs,
    private readonly callSync: (path: string) => StatfsNumbers = defaultStatfsSync,
  ) {}

  get stuckCount(): number {
    return this.stuck.size;
  }

  /** `fstype` (the mount's type) in IN_MEMORY_STATFS_TYPES: asked synchronously; any other: bounded, on the pool. */
  async statfs(path: string, fstype?: string): Promise<StatfsNumbers | undefined> {
    if (fstype !== undefined && IN_MEMORY_STATFS_TYPES.has(fstype) && !this.inflight.has(path)) {
      try {
        return this.callSync(path);
      } catch {
        return undefined;
      }
    }
    let p = this.inflight.get(path);
    if (p === undefined) {
      if (this.stuck.size >= this.maxStuck) return undefined;
      p = this.call(path)
        .catch(() => undefined)
        .finally(() => {
          this.inflight.delete(path);
          this.stuck.delete(path);
        });
      this.inflight.set(path, p);
    }
    const r = await withTimeout(p, this.timeoutMs);
    if (r === TIMED_OUT) {
      if (this.inflight.get(path) === p) this.stuck.add(path);
      return undefined;
    }
    return r;
  }
}

async function defaultStatfs(path: string): Promise<StatfsNumbers> {
  const s = await statfs(path, { bigint: true });
  return { blocks: s.blocks, bfree: s.bfree, bavail: s.bavail, frsize: s.bsize };
}

function defaultStatfsSync(path: string): StatfsNumbers {
  const s = statfsSync(path, { bigint: true });
  return { blocks: s.blocks, bfree: s.bfree, bavail: s.bavail, frsize: s.bsize };
}
