// Public API of @qga/native-linux: the kernel calls qemu-ga makes, through koffi.
export type { IfAddrEntry } from './interface-addresses.js';
export type { NativePasswd } from './passwd.js';
export type { TrimRange } from './fs-ioctl.js';
export type { RawDirEntry } from './list-directory.js';
export type { ChildFd, NativeSpawnRequest } from './spawn-process.js';
export type { AcceptHandler, StreamListener } from './stream-listener.js';
export type { SyslogSocket } from './syslog.js';

export { NativeUnavailableError, NATIVE_DISABLE_ENV, nativeAvailable } from './libc.js';
export { setSystemTime, timevalOf } from './set-time.js';
export { freezeFilesystem, thawFilesystem, trimFilesystem } from './fs-ioctl.js';
export { interfaceAddresses } from './interface-addresses.js';
export { lookupPasswd } from './passwd.js';
export { tryLockExclusive } from './flock.js';
export { openSyslog } from './syslog.js';
export { makeRawTty } from './raw-tty.js';
export { listenVsock, listenUnixNative, vsockPeer, VSOCK_CID_ANY } from './stream-listener.js';
export { clockTicksPerSecond } from './sysconf.js';
export { nvmeSmartLog } from './nvme-smart.js';
export { seekFile, readFileAt, writeFileAt } from './file-io.js';
export { closeInheritedFdsOnExec } from './close-on-exec.js';
export { mallocTrim } from './malloc-trim.js';
export { armExitNow, exitNow } from './exit-now.js';
export { listDirectory } from './list-directory.js';
export { spawnProcess, spawnClosesOtherFds, socketPairFds, reapChild } from './spawn-process.js';
