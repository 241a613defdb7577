export type { FsFreezeOptions, FsIoctls } from './fsfreeze-options.js';
export type { IoctlFailure } from './ioctl-failure.js';
export { LinuxFsFreeze } from './linux-fs-freeze.js';
export { LinuxFsTrim } from './linux-fs-trim.js';
export { fsFreezeOptions, NATIVE_FS_IOCTLS } from './fsfreeze-options.js';
export { ioctlFailure, trimErrorText } from './ioctl-failure.js';
