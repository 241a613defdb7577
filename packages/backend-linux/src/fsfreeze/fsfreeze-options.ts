import { freezeFilesystem, thawFilesystem, trimFilesystem, type TrimRange } from '@qga/native-linux';
import type { FsMount } from '../mounts/fs-mount.js';
import { readMountList } from '../mounts/read-mount-list.js';

/** The kernel calls behind freeze, thaw and trim: each opens the mount point O_RDONLY and issues one ioctl. */
export interface FsIoctls {
  /** FIFREEZE. Errors carry `syscall` ('open' or 'ioctl') and the errno `code`. */
  readonly freeze: (path: string) => Promise<void>;
  /** FITHAW (EINVAL once the filesystem is no longer frozen). */
  readonly thaw: (path: string) => Promise<void>;
  /** FITRIM from 0 over the whole filesystem with `minimum`. */
  readonly trim: (path: string, minimum: bigint) => Promise<TrimRange>;
}

/** Tunables of LinuxFsFreeze / LinuxFsTrim (bind under LINUX_TOKENS.FsFreezeOptions to override). */
export interface FsFreezeOptions {
  /** Default: the native layer's ioctls. Runs are not time-limited: a freeze or trim cut short would leave the guest in an unknown state. */
  readonly ioctls: FsIoctls;
  /** Source of the local mount list (mount order). Tests narrow it to their own loop mount. */
  readonly mountList: () => Promise<FsMount[]>;
}

export const NATIVE_FS_IOCTLS: FsIoctls = { freeze: freezeFilesystem, thaw: thawFilesystem, trim: trimFilesystem };

export function fsFreezeOptions(o: Partial<FsFreezeOptions> | undefined): FsFreezeOptions {
  return {
    ioctls: o?.ioctls ?? NATIVE_FS_IOCTLS,
    mountList: o?.mountList ?? (() => readMountList()),
  };
}
