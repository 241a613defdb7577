import type { HelperEnv } from '../exec/run-command.js';
import { DEFAULT_HELPER_ENV } from '../exec/run-command.js';
import type { FsMount } from '../mounts/fs-mount.js';
import { readMountList } from '../mounts/read-mount-list.js';

/** Tunables of LinuxFsFreeze / LinuxFsTrim (bind under FSFREEZE_OPTIONS to override). */
export interface FsFreezeOptions {
  /** util-linux (or busybox) fsfreeze, by name (PATH lookup) or path. */
  readonly fsfreeze: string;
  /** util-linux (or busybox) fstrim. */
  readonly fstrim: string;
  /** PATH for the tools. There is no timeout: a freeze or trim cut short would leave the guest in an unknown state. */
  readonly env: HelperEnv;
  /** Source of the local mount list (mount order). Tests narrow it to their own loop mount. */
  readonly mountList: () => Promise<FsMount[]>;
}

export const FSFREEZE_OPTIONS = Symbol.for('qga.linux.FsFreezeOptions');

export function fsFreezeOptions(o: Partial<FsFreezeOptions> | undefined): FsFreezeOptions {
  return {
    fsfreeze: o?.fsfreeze ?? 'fsfreeze',
    fstrim: o?.fstrim ?? 'fstrim',
    env: o?.env ?? { ...DEFAULT_HELPER_ENV, timeoutMs: 0 },
    mountList: o?.mountList ?? (() => readMountList()),
  };
}
