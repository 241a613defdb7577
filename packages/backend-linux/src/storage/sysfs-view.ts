import { realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { listDir, linkBasename, readAttribute, readTextOrUndefined } from '../proc/fs-read.js';
import { parseUdevDb, parseUevent } from './udev-props.js';

/**
 * sysfs (and udev's database) seen through "logical" paths that always start
 * with `/sys`, so the pure decoders and the error texts are the same whether
 * the root is the real /sys or a fixture tree in a test.
 */
export class SysfsView {
  private realRoot: string | undefined;

  constructor(
    readonly root: string,
    private readonly udevDataDir: string,
  ) {}

  /** Where a logical `/sys/...` path lives on disk. */
  onDisk(logical: string): string {
    return this.root === '/sys' ? logical : join(this.root, logical.slice(4));
  }

  /** realpath() of a logical path, mapped back to a logical path. Rejects with the errno error. */
  async realpath(logical: string): Promise<string> {
    // Synchronous: sysfs links resolve in memory; a pool round trip per device cost more than the call.
    const real = realpathSync.native(this.onDisk(logical));
    if (this.root === '/sys') return real;
    this.realRoot ??= realpathSync.native(this.root);
    const root = this.realRoot;
    return real === root ? '/sys' : real.startsWith(`${root}/`) ? `/sys${real.slice(root.length)}` : real;
  }

  /** The inode of a sysfs directory (new for every device instance); undefined when it is gone. */
  inode(logical: string): bigint | undefined {
    return statSync(this.onDisk(logical), { bigint: true, throwIfNoEntry: false })?.ino;
  }

  /** A sysfs attribute (small, read in one go); undefined when unreadable. */
  readText(logical: string): Promise<string | undefined> {
    return readAttribute(this.onDisk(logical));
  }

  list(logical: string): ReturnType<typeof listDir> {
    return listDir(this.onDisk(logical));
  }

  linkBasename(logical: string): Promise<string | undefined> {
    return linkBasename(this.onDisk(logical));
  }

  async uevent(logical: string): Promise<Map<string, string>> {
    return parseUevent((await this.readText(`${logical}/uevent`)) ?? '');
  }

  /** Whether udev's database directory exists (no udev: containers, initramfs, this sandbox). */
  async hasUdevDatabase(): Promise<boolean> {
    // stat, not a listing: where udev does not run, the failing opendir's ENOENT error cost more than the whole lookup.
    try {
      return statSync(this.udevDataDir, { throwIfNoEntry: false })?.isDirectory() === true;
    } catch {
      return false;
    }
  }

  /**
   * udev properties of a block device (uevent ones plus the database's E:
   * lines); `db` false when udev has no entry. `udevRunning` false skips the
   * lookup (the caller checked the directory once for many devices).
   */
  async udevProperties(uevent: ReadonlyMap<string, string>, udevRunning = true): Promise<{ props: Map<string, string>; db: boolean }> {
    const props = new Map(uevent);
    if (!udevRunning) return { props, db: false };
    const major = uevent.get('MAJOR');
    const minor = uevent.get('MINOR');
    if (major === undefined || minor === undefined) return { props, db: false };
    const text = await readTextOrUndefined(join(this.udevDataDir, `b${major}:${minor}`)); // may exceed a page
    if (text === undefined) return { props, db: false };
    for (const [k, v] of parseUdevDb(text)) props.set(k, v);
    return { props, db: true };
  }
}
