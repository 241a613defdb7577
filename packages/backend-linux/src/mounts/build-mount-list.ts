import type { DeviceResolver, FsMount } from './fs-mount.js';
import type { MountinfoEntry } from './parse-mountinfo.js';
import type { MtabEntry } from './parse-proc-mounts.js';

/**
 * Local filesystems from mountinfo, in mount order (docs/commands.md#filesystem-freeze): device major 0
 * (tmpfs, proc, NFS, overlay, FUSE, ...) is skipped, except btrfs, whose real
 * device is found by stat()ing its source; later mounts of an already listed
 * major:minor (bind mounts, btrfs subvolumes) are dropped.
 */
export function mountListFromMountinfo(entries: readonly MountinfoEntry[], resolve: DeviceResolver): FsMount[] {
  const out: FsMount[] = [];
  const seen = new Set<string>();
  for (const e of entries) {
    let major = e.major;
    let minor = e.minor;
    if (major === 0) {
      if (e.fsType !== 'btrfs') continue;
      const dev = resolve(e.source);
      if (dev?.kind !== 'block') continue;
      major = dev.major;
      minor = dev.minor;
    }
    const key = `${major}:${minor}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ dirname: e.mountPoint, devtype: e.fsType, source: e.source, devmajor: major, devminor: minor });
  }
  return out;
}

/**
 * The /proc/self/mounts fallback: sources not starting with `/` (pseudo and
 * network filesystems), smbfs and cifs are skipped, and so are sources that are
 * directories (bind mounts). A source stat() cannot resolve is kept as 0:0
 * (upstream behaviour); only real device numbers are de-duplicated.
 */
export function mountListFromMtab(entries: readonly MtabEntry[], resolve: DeviceResolver): FsMount[] {
  const out: FsMount[] = [];
  const seen = new Set<string>();
  for (const e of entries) {
    if (!e.fsname.startsWith('/') || e.type === 'smbfs' || e.type === 'cifs') continue;
    const dev = resolve(e.fsname);
    if (dev?.kind === 'dir') continue;
    const major = dev?.kind === 'block' ? dev.major : 0;
    const minor = dev?.kind === 'block' ? dev.minor : 0;
    if (major !== 0) {
      const key = `${major}:${minor}`;
      if (seen.has(key)) continue;
      seen.add(key);
    }
    out.push({ dirname: e.dir, devtype: e.type, source: e.fsname, devmajor: major, devminor: minor });
  }
  return out;
}
