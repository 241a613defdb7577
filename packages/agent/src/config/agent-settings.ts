/**
 * What the config file and the command line can set. Both produce a
 * `SettingsLayer` (only what they mention); `mergeSettings` stacks them
 * (scalars: last wins; lists: accumulate) and `resolveSettings` fills the
 * defaults and checks the combination.
 */
export interface SettingsLayer {
  daemon?: boolean;
  method?: string;
  path?: string;
  logfile?: string;
  pidfile?: string;
  fsfreezeHook?: string;
  statedir?: string;
  verbose?: boolean;
  retryPath?: boolean;
  blockRpcs?: string[];
  allowRpcs?: string[];
  // ---- ours (not in qemu-ga) ----
  backend?: string;
  /** Seconds; 0 disables the auto-thaw. */
  freezeTimeout?: number;
  maxClients?: number;
  excludeInterfaces?: string[];
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
  sharedSecretFile?: string;
  /** tcp-listen on a non-loopback address (needs TLS or a shared secret). */
  allowRemote?: boolean;
  /** ES modules exporting ContainerModules with vendor commands (config first, then --plugin). */
  plugins?: string[];
}

export const METHODS = ['virtio-serial', 'isa-serial', 'unix-listen', 'vsock-listen', 'tcp-listen'] as const;
export type Method = (typeof METHODS)[number];

export const BACKENDS = ['linux', 'mock', 'windows'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** Every setting with its default filled in (what `-D` prints and what runs). */
export interface AgentSettings {
  readonly daemon: boolean;
  readonly method: Method;
  /** Filled for virtio-serial / isa-serial; required for the listening methods. */
  readonly path: string;
  readonly logfile?: string;
  readonly pidfile: string;
  /** True when -f named the pidfile on the command line: then it is also written in the foreground. */
  readonly pidfileExplicit: boolean;
  readonly fsfreezeHook?: string;
  readonly statedir: string;
  readonly verbose: boolean;
  readonly retryPath: boolean;
  readonly blockRpcs: readonly string[];
  readonly allowRpcs: readonly string[];
  readonly backend: BackendName;
  readonly backendExplicit: boolean;
  readonly freezeTimeout?: number;
  readonly maxClients?: number;
  readonly excludeInterfaces: readonly string[];
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly tlsCa?: string;
  readonly sharedSecretFile?: string;
  readonly allowRemote: boolean;
  readonly plugins: readonly string[];
}

/** POSIX defaults of qemu-ga built with localstatedir=/var, sysconfdir=/etc. */
export const DEFAULTS = {
  method: 'virtio-serial',
  virtioPath: '/dev/virtio-ports/org.qemu.guest_agent.0',
  isaPath: '/dev/ttyS0',
  pidfile: '/var/run/qemu-ga.pid',
  statedir: '/var/run',
  configFile: '/etc/qemu/qemu-ga.conf',
  fsfreezeHook: '/etc/qemu/fsfreeze-hook',
} as const;

/**
 * qemu-ga's Windows defaults: the virtio-serial port's device name, COM1, and
 * the state directory and pidfile under %ProgramData%\qemu-ga.
 */
export function windowsDefaults(env: NodeJS.ProcessEnv = process.env): {
  virtioPath: string;
  isaPath: string;
  statedir: string;
  pidfile: string;
} {
  const programData = env['PROGRAMDATA'] ?? 'C:\\ProgramData';
  return {
    virtioPath: '\\\\.\\Global\\org.qemu.guest_agent.0',
    isaPath: 'COM1',
    statedir: `${programData}\\qemu-ga`,
    pidfile: `${programData}\\qemu-ga\\qemu-ga.pid`,
  };
}

/** The defaults that depend on the platform. */
export function platformDefaults(platform: NodeJS.Platform): { virtioPath: string; isaPath: string; statedir: string; pidfile: string } {
  return platform === 'win32' ? windowsDefaults() : DEFAULTS;
}
