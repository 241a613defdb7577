import { clockTicksPerSecond, interfaceAddresses, nvmeSmartLog, type IfAddrEntry } from '@qga/native-linux';

/**
 * Settings of the Linux inventory ports (network, storage, cpu, memory,
 * system info, logins). Every path is a prefix so the same readers run on a
 * fixture tree in tests. Bind a Partial of it to LINUX_TOKENS.InventoryConfig to
 * override any member; unbound, the defaults below apply.
 */
export interface LinuxInventoryConfig {
  /** Mount point of sysfs. */
  readonly sysRoot: string;
  /** Mount point of procfs. */
  readonly procRoot: string;
  /** udev's database directory (`b<major>:<minor>` files). */
  readonly udevDataDir: string;
  /** The utmp file (glibc's _PATH_UTMP). */
  readonly utmpPath: string;
  /** systemd's runtime directory: `system` (systemd is PID 1), `seats` (logind runs), `sessions` (logind's session state). */
  readonly systemdRunDir: string;
  /** os-release candidates when QGA_OS_RELEASE is unset (first readable one wins). */
  readonly osReleasePaths: readonly string[];
  /** The local zone when TZ is unset. */
  readonly localtimePath: string;
  /** Zone database used for TZ identifiers when TZDIR is unset. */
  readonly zoneinfoDir: string;
  /** Environment read at call time (QGA_OS_RELEASE, TZ, TZDIR); default: process.env. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Glob patterns (`*`, `?`, `[...]`) of interface names left out of guest-network-get-interfaces. Empty = report all, as qemu-ga. */
  readonly excludeInterfaces: readonly string[];
  /** statfs() of one mount is abandoned (sizes omitted) after this long; the syscall finishes in the background. */
  readonly statfsTimeoutMs: number;
  /** At most this many statfs() calls may be stuck at once (each holds a libuv pool thread); further mounts skip sizes. */
  readonly maxStuckStatfs: number;
  /** getifaddrs() (default: the native layer's); throwing selects the sysfs/procfs fallback. */
  readonly interfaceAddresses: () => IfAddrEntry[];
  /** sysconf(_SC_CLK_TCK) (default: the native layer's); throwing means USER_HZ 100. */
  readonly clockTicks: () => number;
  /** The NVMe SMART log page of a device node (default: the admin-command ioctl through the native layer). */
  readonly nvmeSmartLog: (device: string) => Promise<Uint8Array>;
}

/** What may be bound to LINUX_TOKENS.InventoryConfig: any subset. */
export type LinuxInventoryOptions = Partial<LinuxInventoryConfig>;

/** The real system's paths and calls: what the inventory ports use for any member not bound. */
export const DEFAULT_LINUX_INVENTORY_CONFIG: LinuxInventoryConfig = {
  sysRoot: '/sys',
  procRoot: '/proc',
  udevDataDir: '/run/udev/data',
  utmpPath: '/var/run/utmp',
  systemdRunDir: '/run/systemd',
  osReleasePaths: ['/etc/os-release', '/usr/lib/os-release'],
  localtimePath: '/etc/localtime',
  zoneinfoDir: '/usr/share/zoneinfo',
  env: process.env,
  excludeInterfaces: [],
  statfsTimeoutMs: 2000,
  maxStuckStatfs: 2,
  interfaceAddresses,
  clockTicks: clockTicksPerSecond,
  nvmeSmartLog,
};

export function resolveInventoryConfig(partial?: LinuxInventoryOptions): LinuxInventoryConfig {
  if (partial === undefined) return DEFAULT_LINUX_INVENTORY_CONFIG;
  return {
    ...DEFAULT_LINUX_INVENTORY_CONFIG,
    ...partial,
  };
}
