import { basename, dirname, join } from 'node:path';
import { inject, injectable, optional } from 'inversify';
import {
  QgaError,
  type GuestDiskAddress,
  type GuestDiskInfo,
  type GuestDiskSmart,
  type GuestDiskStatsInfo,
  type GuestFilesystemInfo,
  type StoragePort,
} from '@qga/core';
import { errorText, isEnoent } from '@qga/core/internal';
import { readMountList, type FsMount } from '../mounts/index.js';
import { IO_CONCURRENCY, mapLimit } from '../proc/map-limit.js';
import { readText } from '../proc/fs-read.js';
import { resolveInventoryConfig, type LinuxInventoryConfig, type LinuxInventoryOptions } from '../proc/inventory-config.js';
import { BoundedStatfs } from './bounded-statfs.js';
import { addressProbes, decodeRealDevice, hostNumbersFromEntries } from './disk-address.js';
import { parseDiskstats } from './diskstats-parser.js';
import { fsSizes } from './fs-sizes.js';
import { parseNvmeSmartLog } from './nvme-smart-parser.js';
import { SysfsView } from './sysfs-view.js';
import { devnodeFromUevent } from './udev-props.js';
import { LINUX_TOKENS } from '../tokens.js';

const MAX_SLAVE_DEPTH = 16;

/** Per-call caches: device addresses by sysfs path, and controller lookups shared by devices. */
interface CallCache {
  readonly addresses: Map<string, Promise<GuestDiskAddress | undefined>>;
  readonly lookups: Map<string, Promise<unknown>>;
}
const PARTITION = (disk: string): RegExp => new RegExp(`^${disk.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}p?\\d`);

/** guest-get-disks, guest-get-fsinfo and guest-get-diskstats on Linux. */
@injectable()
export class LinuxStorage implements StoragePort {
  private readonly cfg: LinuxInventoryConfig;
  private readonly sys: SysfsView;
  private readonly statfs: BoundedStatfs;
  private readonly serials = new Map<string, { ino: bigint; serial: string | undefined }>();

  constructor(@inject(LINUX_TOKENS.InventoryConfig) @optional() config?: LinuxInventoryOptions) {
    this.cfg = resolveInventoryConfig(config);
    this.sys = new SysfsView(this.cfg.sysRoot, this.cfg.udevDataDir);
    this.statfs = new BoundedStatfs(this.cfg.statfsTimeoutMs, this.cfg.maxStuckStatfs);
  }

  // ---- guest-get-diskstats -------------------------------------------------

  async diskStats(): Promise<GuestDiskStatsInfo[]> {
    const path = join(this.cfg.procRoot, 'diskstats');
    let text: string;
    try {
      text = await readText(path);
    } catch (e) {
      throw new QgaError(`Could not open '${path}': ${errorText(e)}`);
    }
    return parseDiskstats(text);
  }

  // ---- guest-get-fsinfo ----------------------------------------------------

  /** One entry per local mount, in reverse mount order (upstream prepends). */
  async filesystems(): Promise<GuestFilesystemInfo[]> {
    const mounts = await readMountList({
      mountinfo: join(this.cfg.procRoot, 'self/mountinfo'),
      mounts: join(this.cfg.procRoot, 'self/mounts'),
    });
    const cache: CallCache = { addresses: new Map(), lookups: new Map() };
    const infos = await mapLimit(mounts, IO_CONCURRENCY, (m) => this.fsInfo(m, cache));
    return infos.reverse();
  }

  private async fsInfo(m: FsMount, cache: CallCache): Promise<GuestFilesystemInfo> {
    const [dev, sizes] = await Promise.all([
      this.devicesOf(`/sys/dev/block/${m.devmajor}:${m.devminor}`, cache),
      this.statfs.statfs(m.dirname, m.devtype),
    ]);
    return {
      name: dev.name,
      mountpoint: m.dirname,
      type: m.devtype,
      ...(sizes !== undefined ? fsSizes(sizes) : {}),
      disk: dev.disks,
    };
  }

  /**
   * Name and disk addresses of a block device: device-mapper and md volumes
   * (under /devices/virtual/block/) recurse through `slaves/`; a device whose
   * sysfs node is missing (containers) gets its path's basename and no disks.
   * The list is reversed at the end because upstream prepends.
   */
  private async devicesOf(devpath: string, cache: CallCache): Promise<{ name: string; disks: GuestDiskAddress[] }> {
    let syspath: string;
    try {
      syspath = await this.sys.realpath(devpath);
    } catch (e) {
      if (isEnoent(e)) return { name: basename(devpath), disks: [] };
      throw new QgaError(`realpath("${devpath}"): ${errorText(e)}`);
    }
    const found: GuestDiskAddress[] = [];
    await this.collect(syspath, found, cache, 0);
    return { name: basename(syspath), disks: found.reverse() };
  }

  private async collect(syspath: string, out: GuestDiskAddress[], cache: CallCache, depth: number): Promise<void> {
    if (!syspath.includes('/devices/virtual/block/')) {
      let p = cache.addresses.get(syspath);
      if (p === undefined) {
        p = this.realDeviceAddress(syspath, cache.lookups);
        cache.addresses.set(syspath, p);
      }
      const a = await p;
      if (a !== undefined) out.push(structuredClone(a));
      return;
    }
    if (depth >= MAX_SLAVE_DEPTH) return;
    const dir = `${syspath}/slaves`;
    let entries;
    try {
      entries = await this.sys.list(dir);
    } catch (e) {
      if (isEnoent(e)) return;
      throw new QgaError(`opendir("${dir}"): ${errorText(e)}`);
    }
    for (const e of entries) {
      if (e.type !== 'link') continue;
      const path = `${dir}/${e.name}`;
      let child: string;
      try {
        child = await this.sys.realpath(path);
      } catch (err) {
        if (isEnoent(err)) continue;
        throw new QgaError(`realpath("${path}"): ${errorText(err)}`);
      }
      await this.collect(child, out, cache, depth + 1);
    }
  }

  /**
   * Address of a real device from its sysfs path, devnode and udev serial.
   * `memo` shares the controller lookups (driver links, ataN/hostN listings)
   * between the many devices of one call that sit on the same controller.
   */
  private async realDeviceAddress(syspath: string, memo: Map<string, Promise<unknown>>): Promise<GuestDiskAddress | undefined> {
    const once = <T>(key: string, f: () => Promise<T>): Promise<T> => {
      let p = memo.get(key) as Promise<T> | undefined;
      if (p === undefined) {
        p = f();
        memo.set(key, p);
      }
      return p;
    };
    const probes = addressProbes(syspath);
    const hostDir = probes.hostDir?.dir;
    const [uevent, driverList, hostEntries] = await Promise.all([
      this.sys.uevent(syspath),
      Promise.all(
        probes.driverLinks.map(
          async (l) => [l.slice(0, -'/driver'.length), await once(`link:${l}`, () => this.sys.linkBasename(l))] as const,
        ),
      ),
      hostDir === undefined ? Promise.resolve(undefined) : once(`dir:${hostDir}`, () => this.sys.list(hostDir).catch(() => [])),
    ]);
    const drivers = new Map<string, string>();
    for (const [prefix, d] of driverList) if (d !== undefined) drivers.set(prefix, d);
    const { props, db } = await this.sys.udevProperties(uevent, await once('udev', () => this.sys.hasUdevDatabase()));
    const dev = devnodeFromUevent(uevent);
    const serial = props.get('ID_SERIAL') ?? (db ? undefined : await this.sysfsSerial(syspath, uevent));
    return decodeRealDevice({
      syspath,
      ...(dev !== undefined ? { dev } : {}),
      ...(serial !== undefined ? { serial } : {}),
      drivers,
      ...(hostEntries !== undefined && probes.hostDir !== undefined
        ? {
            hostNumbers: hostNumbersFromEntries(
              hostEntries.map((e) => e.name),
              probes.hostDir.ata,
            ),
          }
        : {}),
    });
  }

  /**
   * Without a udev database (containers, initramfs), take the `serial`
   * attribute virtio-blk exposes — what udev's rules copy into ID_SERIAL for
   * vd* disks and their partitions. qemu-ga reports no serial there.
   */
  private async sysfsSerial(syspath: string, uevent: ReadonlyMap<string, string>): Promise<string | undefined> {
    if (!(uevent.get('DEVNAME') ?? '').startsWith('vd')) return undefined;
    const dir = uevent.get('DEVTYPE') === 'partition' ? dirname(syspath) : syspath;
    // Reading `serial` sends a GET_ID request to the host and waits for it (a
    // device round trip per call); the serial of one device instance never
    // changes, so keep it per sysfs directory inode (a re-plugged disk gets a new one).
    const ino = this.sys.inode(dir);
    const cached = this.serials.get(dir);
    if (ino !== undefined && cached !== undefined && cached.ino === ino) return cached.serial;
    const text = (await this.sys.readText(`${dir}/serial`))?.trim();
    const serial = text === undefined || text === '' ? undefined : text;
    if (ino !== undefined) {
      if (this.serials.size > 1024) this.serials.clear();
      this.serials.set(dir, { ino, serial });
    }
    return serial;
  }

  // ---- guest-get-disks -----------------------------------------------------

  /** Every non-empty /sys/block device and its partitions, in reverse discovery order (upstream prepends). */
  async disks(): Promise<GuestDiskInfo[]> {
    let entries;
    try {
      entries = await this.sys.list('/sys/block');
    } catch (e) {
      throw new QgaError(`Can't open directory "/sys/block": ${errorText(e)}`);
    }
    const lookups = new Map<string, Promise<unknown>>([['udev', this.sys.hasUdevDatabase()]]);
    const groups = await mapLimit(
      entries.filter((e) => e.type === 'link'),
      IO_CONCURRENCY,
      (e) => this.diskGroup(e.name, lookups),
    );
    return groups.flat().reverse();
  }

  private async diskGroup(name: string, lookups: Map<string, Promise<unknown>>): Promise<GuestDiskInfo[]> {
    const dir = `/sys/block/${name}`;
    const size = await this.sys.readText(`${dir}/size`);
    if (size === undefined || size === '0\n') return [];
    const uevent = await this.sys.uevent(dir);
    const dev = devnodeFromUevent(uevent);
    if (dev === undefined) return [];
    const udev = lookups.get('udev') as Promise<boolean> | undefined;
    const [{ props, db }, virtual, deps, parts] = await Promise.all([
      (udev ?? this.sys.hasUdevDatabase()).then((running) => this.sys.udevProperties(uevent, running)),
      this.sys.realpath(dir).then(
        (p) => ({ p }),
        () => ({ p: undefined }),
      ),
      this.dependencies(dir),
      this.partitions(name, dir, dev),
    ]);
    const disk: GuestDiskInfo = { name: dev, partition: false };
    const alias = props.get('DM_NAME') ?? (db ? undefined : (await this.sys.readText(`${dir}/dm/name`))?.trim());
    if (alias !== undefined && alias !== '') disk.alias = alias;
    // A realpath failure counts as virtual: no address (upstream ignores the error the same way).
    if (virtual.p !== undefined && !virtual.p.includes('/devices/virtual/block/')) {
      const address = await this.realDeviceAddress(virtual.p, lookups);
      if (address !== undefined) disk.address = address;
    }
    if (deps !== undefined) disk.dependencies = deps;
    if (disk.address?.['bus-type'] === 'nvme') {
      const smart = await this.nvmeSmart(dev);
      if (smart !== undefined) disk.smart = smart;
    }
    return [disk, ...parts];
  }

  /** Devnodes under `slaves/` (reverse readdir order), or undefined when there is no slaves directory. */
  private async dependencies(dir: string): Promise<string[] | undefined> {
    let entries;
    try {
      entries = await this.sys.list(`${dir}/slaves`);
    } catch {
      return undefined;
    }
    const nodes = await Promise.all(entries.map(async (e) => devnodeFromUevent(await this.sys.uevent(`${dir}/slaves/${e.name}`))));
    return nodes.filter((n): n is string => n !== undefined).reverse();
  }

  /** `<disk><digits>` / `<disk>p<digits>` subdirectories, each with the disk as its dependency. */
  private async partitions(name: string, dir: string, diskDev: string): Promise<GuestDiskInfo[]> {
    const entries = await this.sys.list(dir).catch(() => []);
    const re = PARTITION(name);
    const parts = await Promise.all(
      entries
        .filter((e) => e.type === 'dir' && re.test(e.name))
        .map(async (e): Promise<GuestDiskInfo | undefined> => {
          const dev = devnodeFromUevent(await this.sys.uevent(`${dir}/${e.name}`));
          return dev === undefined ? undefined : { name: dev, partition: true, dependencies: [diskDev] };
        }),
    );
    return parts.filter((p): p is GuestDiskInfo => p !== undefined);
  }

  /**
   * NVMe SMART/health log: the Get Log Page admin command through the ioctl,
   * as upstream issues it (no nvme-cli). Omitted when the read fails.
   */
  private async nvmeSmart(dev: string): Promise<GuestDiskSmart | undefined> {
    try {
      return parseNvmeSmartLog(await this.cfg.nvmeSmartLog(dev));
    } catch {
      return undefined;
    }
  }
}
