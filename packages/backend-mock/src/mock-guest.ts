import type {
  GuestCpuStats,
  GuestDeviceInfo,
  GuestDiskAddress,
  GuestDiskInfo,
  GuestDiskStatsInfo,
  GuestLoadAverage,
  GuestNetworkInterface,
  GuestNetworkRoute,
  GuestOSInfo,
  GuestTimezone,
  ShutdownMode,
  SuspendMode,
} from '@qga/core';
import type { InjectedFailure } from './injected-failure.js';
import { FailureQueue, type MockPortMethod } from './failures.js';
import { MockClock } from './mock-clock.js';
import { MockFileSystem } from './mock-fs.js';
import { MockPrograms } from './mock-programs.js';
import { MockExec } from './ports/mock-exec.js';

/** A mounted filesystem. Mounts are listed in mount order; freeze, trim and fsinfo walk them in reverse. */
export interface MockMount {
  /** Block device, e.g. `/dev/vda1` (fsinfo `name` is its basename). */
  device: string;
  mountpoint: string;
  type: string;
  /** false for tmpfs, proc, NFS...: skipped by freeze, trim and fsinfo. Default true. */
  local?: boolean;
  /** statvfs figures; fsinfo omits the sizes when these are undefined. */
  totalBytes?: bigint;
  usedBytes?: bigint;
  /** f_blocks × f_frsize (includes the root reserve); defaults to totalBytes. */
  privilegedBytes?: bigint;
  disk?: GuestDiskAddress[];
  /** Kernel freeze state of this filesystem. */
  frozen: boolean;
  /** false → FIFREEZE gives EOPNOTSUPP and the mount is skipped. */
  freezeSupported?: boolean;
  /** errno name FIFREEZE fails with (other than EBUSY/EOPNOTSUPP): the freeze fails. */
  freezeError?: string;
  /** FITRIM outcome: `error` is an errno name (ENOTTY/EOPNOTSUPP → "trim not supported"), `openError` fails the open. */
  trim?: { trimmed?: bigint; granularity?: bigint; error?: string; openError?: string };
}

/** A user account of the mock guest (for passwords, SSH keys and logins). */
export interface MockAccount {
  name: string;
  uid: number;
  gid: number;
  home: string;
  /** Last password set through guest-set-user-password. */
  password?: string;
  crypted?: boolean;
}

/** A login session guest-get-users reports. */
export interface MockLogin {
  user: string;
  /** Seconds since the epoch (fractional). */
  time: number;
}

/** A virtual CPU of the mock guest, with its online state and counters. */
export interface MockVcpu {
  id: number;
  online: boolean;
  /** false models a CPU without an `online` file (cpu0): it cannot be offlined. */
  canOffline: boolean;
  stats?: Omit<GuestCpuStats, 'type' | 'cpu'>;
}

/** A hot-pluggable memory block of the mock guest. */
export interface MockMemoryBlock {
  physIndex: bigint;
  online: boolean;
  removable: boolean;
  /** errno name the state change fails with (response operation-failed). */
  failWith?: string;
}

/** A shutdown or suspend the agent asked for, recorded instead of done. */
export type PowerEvent =
  | { readonly kind: 'shutdown'; readonly mode: ShutdownMode; readonly at: bigint }
  | { readonly kind: 'suspend'; readonly mode: SuspendMode; readonly at: bigint };

/** How createMockGuest sets up the guest. */
export interface MockGuestOptions {
  /** Start with no users, mounts, disks, interfaces, CPUs or memory blocks (programs and files too). */
  readonly empty?: boolean;
  /** Pin the clock at this time (ns since the epoch) instead of following the real clock. */
  readonly clock?: bigint;
  readonly hostName?: string;
  /** First pid handed out by guest-exec (default 4000). */
  readonly firstPid?: number;
}

/**
 * A deterministic in-memory guest. Every field is plain mutable state a
 * test can set up or inspect; the mock ports read and change it.
 */
export class MockGuest {
  readonly fs = new MockFileSystem();
  readonly programs = new MockPrograms(this.fs);
  readonly clock = new MockClock();
  /** @internal Queued failures; tests use failNext(). */
  readonly failures = new FailureQueue();
  /** @internal The process table behind guest-exec (also used by the fsfreeze hook). */
  readonly processes: MockExec;

  readonly network: { interfaces: GuestNetworkInterface[]; routes: GuestNetworkRoute[] } = { interfaces: [], routes: [] };
  readonly storage: { mounts: MockMount[]; disks: GuestDiskInfo[]; diskStats: GuestDiskStatsInfo[] } = {
    mounts: [],
    disks: [],
    diskStats: [],
  };
  readonly users: { accounts: MockAccount[]; logins: MockLogin[] } = { accounts: [], logins: [] };
  readonly cpus: MockVcpu[] = [];
  readonly memory: { blockSize: bigint; blocks: MockMemoryBlock[]; sysfs: boolean } = {
    blockSize: 128n * 1024n * 1024n,
    blocks: [],
    sysfs: true,
  };
  readonly system: { osInfo: GuestOSInfo; hostName: string; timezone: GuestTimezone; load: GuestLoadAverage } = {
    osInfo: {},
    hostName: 'mock-guest',
    timezone: { zone: 'UTC', offset: 0 },
    load: { load1m: 0, load5m: 0, load15m: 0 },
  };
  readonly devices: GuestDeviceInfo[] = [];
  readonly power: { history: PowerEvent[]; suspendModes: SuspendMode[] } = { history: [], suspendModes: [] };

  constructor(options: MockGuestOptions = {}) {
    this.processes = new MockExec(this.programs, this.fs, this.failures, options.firstPid ?? 4000);
    if (options.clock !== undefined) this.clock.set(options.clock);
    if (!options.empty) seedDefaults(this);
    if (options.hostName !== undefined) this.system.hostName = options.hostName;
  }

  /** Make the next call of a port method fail (queued: call twice for two failures). */
  failNext(method: MockPortMethod, failure: InjectedFailure): void {
    this.failures.add(method, failure);
  }

  /** Add a user account (home directory created in the filesystem). */
  addUser(name: string, options: { uid?: number; gid?: number; home?: string } = {}): MockAccount {
    const uid = options.uid ?? 1000 + this.users.accounts.filter((a) => a.uid >= 1000).length;
    const account: MockAccount = {
      name,
      uid,
      gid: options.gid ?? uid,
      home: options.home ?? (name === 'root' ? '/root' : `/home/${name}`),
    };
    this.users.accounts = this.users.accounts.filter((a) => a.name !== name);
    this.users.accounts.push(account);
    if (account.home !== '/nonexistent') this.fs.mkdir(account.home, { recursive: true, mode: 0o755, uid, gid: account.gid });
    return account;
  }

  /** The account named `name`, if any. */
  account(name: string): MockAccount | undefined {
    return this.users.accounts.find((a) => a.name === name);
  }

  /** Path of a user's authorized_keys file. */
  authorizedKeysPath(name: string): string {
    const account = this.account(name);
    if (account === undefined) throw new Error(`no such mock user '${name}'`);
    return `${account.home.replace(/\/$/, '')}/.ssh/authorized_keys`;
  }

  /** A user's authorized_keys text, or null when the file does not exist. */
  authorizedKeys(name: string): string | null {
    const path = this.authorizedKeysPath(name);
    return this.fs.exists(path) ? this.fs.readText(path) : null;
  }

  /** The mount at `mountpoint`, if any. */
  mount(mountpoint: string): MockMount | undefined {
    return this.storage.mounts.find((m) => m.mountpoint === mountpoint);
  }

  /** Kill scripted processes still running, so a test process can exit. */
  dispose(): void {
    this.processes.killAll();
  }
}

/** Create a guest with the default machine (see README), or an empty one. */
export function createMockGuest(options: MockGuestOptions = {}): MockGuest {
  return new MockGuest(options);
}

const GiB = 1024n * 1024n * 1024n;

function virtioDisk(slot: number, dev: string, serial: string): GuestDiskAddress {
  return {
    'pci-controller': { domain: 0, bus: 0, slot, function: 0 },
    'bus-type': 'virtio',
    bus: 0,
    target: 0,
    unit: 0,
    serial,
    dev,
  };
}

function seedDefaults(guest: MockGuest): void {
  guest.programs.installDefaults();
  guest.fs.mkdir('/tmp', { recursive: true, mode: 0o777 });
  guest.fs.mkdir('/home', { recursive: true });
  guest.fs.writeFile(
    '/etc/os-release',
    'PRETTY_NAME="Mock Linux 1.0"\nNAME="Mock Linux"\nID=mock\nVERSION_ID="1.0"\nVERSION="1.0 (test)"\n',
  );
  guest.fs.writeFile('/etc/hostname', 'mock-guest\n');

  guest.addUser('root', { uid: 0, gid: 0, home: '/root' });
  guest.addUser('user', { uid: 1000, gid: 1000 });
  guest.users.logins.push({ user: 'user', time: 1700000000.25 }, { user: 'root', time: 1700000100.5 });

  const vda = virtioDisk(5, '/dev/vda', 'QM-VDA-0001');
  const vdb = virtioDisk(6, '/dev/vdb', 'QM-VDB-0002');
  guest.storage.mounts.push(
    {
      device: '/dev/vda1',
      mountpoint: '/',
      type: 'ext4',
      totalBytes: 20n * GiB,
      usedBytes: 5n * GiB,
      privilegedBytes: 21n * GiB,
      disk: [vda],
      frozen: false,
    },
    { device: 'tmpfs', mountpoint: '/run', type: 'tmpfs', local: false, frozen: false },
    { device: '/dev/vdb', mountpoint: '/data', type: 'xfs', totalBytes: 100n * GiB, usedBytes: 1n * GiB, disk: [vdb], frozen: false },
  );
  guest.storage.disks.push(
    { name: '/dev/vda', partition: false, dependencies: [], address: vda },
    { name: '/dev/vda1', partition: true, dependencies: ['/dev/vda'], address: vda },
    { name: '/dev/vdb', partition: false, dependencies: [], address: vdb },
  );
  guest.storage.diskStats.push(
    {
      name: 'vda',
      major: 254n,
      minor: 0n,
      stats: {
        'read-ios': 1200n,
        'read-merges': 30n,
        'read-sectors': 96000n,
        'read-ticks': 800n,
        'write-ios': 400n,
        'write-merges': 12n,
        'write-sectors': 32000n,
        'write-ticks': 600n,
        'ios-pgr': 0n,
        'total-ticks': 1500n,
        'weight-ticks': 1400n,
      },
    },
    { name: 'vdb', major: 254n, minor: 16n, stats: { 'read-ios': 10n, 'read-sectors': 80n, 'write-ios': 5n, 'write-sectors': 40n } },
  );

  guest.network.interfaces.push(
    {
      name: 'lo',
      'hardware-address': '00:00:00:00:00:00',
      'ip-addresses': [
        { 'ip-address': '127.0.0.1', 'ip-address-type': 'ipv4', prefix: 8 },
        { 'ip-address': '::1', 'ip-address-type': 'ipv6', prefix: 128 },
      ],
      statistics: {
        'rx-bytes': 4096n,
        'rx-packets': 40n,
        'rx-errs': 0n,
        'rx-dropped': 0n,
        'tx-bytes': 4096n,
        'tx-packets': 40n,
        'tx-errs': 0n,
        'tx-dropped': 0n,
      },
    },
    {
      name: 'eth0',
      'hardware-address': '52:54:00:12:34:56',
      'ip-addresses': [
        { 'ip-address': '10.0.2.15', 'ip-address-type': 'ipv4', prefix: 24 },
        { 'ip-address': 'fec0::5054:ff:fe12:3456', 'ip-address-type': 'ipv6', prefix: 64 },
      ],
      statistics: {
        'rx-bytes': 123456n,
        'rx-packets': 321n,
        'rx-errs': 0n,
        'rx-dropped': 1n,
        'tx-bytes': 65432n,
        'tx-packets': 210n,
        'tx-errs': 0n,
        'tx-dropped': 0n,
      },
    },
  );
  guest.network.routes.push(
    {
      iface: 'eth0',
      destination: '0.0.0.0',
      gateway: '10.0.2.2',
      mask: '0.0.0.0',
      metric: 100,
      flags: 3,
      refcnt: 0,
      use: 0,
      mtu: 0,
      window: 0,
      irtt: 0,
      version: 4,
    },
    {
      iface: 'eth0',
      destination: '10.0.2.0',
      gateway: '0.0.0.0',
      mask: '255.255.255.0',
      metric: 100,
      flags: 1,
      refcnt: 0,
      use: 0,
      mtu: 0,
      window: 0,
      irtt: 0,
      version: 4,
    },
    {
      iface: 'eth0',
      destination: 'fec0::',
      desprefixlen: '64',
      source: '::',
      srcprefixlen: '0',
      nexthop: '::',
      metric: 256,
      flags: 1,
      refcnt: 1,
      use: 0,
      version: 6,
    },
  );

  guest.cpus.push(
    {
      id: 0,
      online: true,
      canOffline: false,
      stats: { user: 1000n, nice: 0n, system: 500n, idle: 90000n, iowait: 20n, irq: 0n, softirq: 5n, steal: 0n, guest: 0n, guestnice: 0n },
    },
    {
      id: 1,
      online: true,
      canOffline: true,
      stats: { user: 800n, nice: 10n, system: 400n, idle: 91000n, iowait: 10n, irq: 0n, softirq: 3n, steal: 0n, guest: 0n, guestnice: 0n },
    },
  );
  for (let i = 0n; i < 8n; i++) guest.memory.blocks.push({ physIndex: i, online: true, removable: i !== 0n });

  guest.system.osInfo = {
    'kernel-release': '6.1.0-mock',
    'kernel-version': '#1 SMP PREEMPT_DYNAMIC Debian 6.1.0-mock',
    machine: 'x86_64',
    id: 'mock',
    name: 'Mock Linux',
    'pretty-name': 'Mock Linux 1.0',
    version: '1.0 (test)',
    'version-id': '1.0',
  };
  guest.system.load = { load1m: 0.25, load5m: 0.5, load15m: 0.75 };
  guest.devices.push(
    { 'driver-name': 'virtio-pci', 'driver-version': '1.0', id: { type: 'pci', 'vendor-id': 0x1af4, 'device-id': 0x1000 } },
    { 'driver-name': 'virtio-blk', 'driver-version': '1.0', id: { type: 'pci', 'vendor-id': 0x1af4, 'device-id': 0x1001 } },
  );
  guest.power.suspendModes = ['disk', 'ram', 'hybrid'];
}
