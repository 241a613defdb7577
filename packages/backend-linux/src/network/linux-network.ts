import { endianness, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { inject, injectable, optional } from 'inversify';
import { QgaError, type GuestNetworkInterface, type GuestNetworkRoute, type NetworkPort } from '@qga/core';
import { errorText, isEnoent } from '@qga/core/internal';
import { listDir, readAttribute, readText, readTextOrUndefined } from '../proc/fs-read.js';
import { resolveInventoryConfig, type LinuxInventoryConfig, type LinuxInventoryOptions } from '../proc/inventory-config.js';
import { IO_CONCURRENCY, mapLimit } from '../proc/map-limit.js';
import { hwAddressFromSysfs } from './hw-address.js';
import { fromIfAddrs } from './ifaddrs-list.js';
import { orderLikeNetlink, parseIfInet6 } from './if-inet6-parser.js';
import { assembleInterfaces, ipv4MaskBits, type AddressInfo, type LinkInfo } from './interface-list.js';
import { globMatcher } from './name-glob.js';
import { parseProcNetDev } from './proc-net-dev-parser.js';
import { parseRouteV4, parseRouteV6 } from './route-parser.js';
import { TextMemo } from '../proc/text-memo.js';
import { LINUX_TOKENS } from '../tokens.js';

/**
 * guest-network-get-interfaces and guest-network-get-route on Linux.
 *
 * Interfaces come from getifaddrs() through the native layer, as qemu-ga
 * walks it: one netlink dump in-process (no helper), every link (down, no
 * carrier, no address) and both families in the kernel's order, device
 * addresses from the link entries (the bytes SIOCGIFHWADDR returns).
 * Without the native layer, links come from /sys/class/net (ifindex order),
 * IPv6 from /proc/net/if_inet6 and IPv4 from os.networkInterfaces(), which
 * only sees interfaces that are up and running — the one gap of that fallback.
 * Statistics: /proc/net/dev, as upstream.
 */
@injectable()
export class LinuxNetwork implements NetworkPort {
  private readonly cfg: LinuxInventoryConfig;
  private readonly excluded: (name: string) => boolean;
  // Routes rarely change between polls: an unchanged file keeps its parse (see TextMemo).
  private readonly routesV4 = new TextMemo<readonly GuestNetworkRoute[]>();
  private readonly routesV6 = new TextMemo<readonly GuestNetworkRoute[]>();

  constructor(@inject(LINUX_TOKENS.InventoryConfig) @optional() config?: LinuxInventoryOptions) {
    this.cfg = resolveInventoryConfig(config);
    this.excluded = globMatcher(this.cfg.excludeInterfaces);
  }

  async interfaces(): Promise<GuestNetworkInterface[]> {
    const statsText = await readTextOrUndefined(join(this.cfg.procRoot, 'net/dev'));
    const stats = parseProcNetDev(statsText ?? '');
    let links: LinkInfo[];
    let addresses: AddressInfo[];
    let entries;
    try {
      entries = this.cfg.interfaceAddresses();
    } catch {
      entries = undefined; // no native layer (or getifaddrs refused): the sysfs/procfs route below
    }
    if (entries !== undefined) ({ links, addresses } = fromIfAddrs(entries));
    else [links, addresses] = await Promise.all([this.sysfsLinks(), this.fallbackAddresses()]);
    return assembleInterfaces(links, addresses, stats, this.excluded);
  }

  private async hwAddress(name: string): Promise<string | undefined> {
    const text = await readAttribute(join(this.cfg.sysRoot, 'class/net', name, 'address'));
    return text === undefined ? undefined : hwAddressFromSysfs(text);
  }

  /** Every entry of /sys/class/net in ifindex order (the kernel's link dump order). */
  private async sysfsLinks(): Promise<LinkInfo[]> {
    const base = join(this.cfg.sysRoot, 'class/net');
    const names = (await listDir(base).catch(() => [])).map((e) => e.name);
    const rows = await mapLimit(names, IO_CONCURRENCY, async (name) => {
      const [idx, hw] = await Promise.all([readAttribute(join(base, name, 'ifindex')), this.hwAddress(name)]);
      return { name, ifindex: idx === undefined ? Number.MAX_SAFE_INTEGER : Number(idx.trim()), hwaddr: hw };
    });
    rows.sort((a, b) => a.ifindex - b.ifindex || (a.name < b.name ? -1 : 1));
    return rows.map(({ name, hwaddr }) => ({ name, hwaddr }));
  }

  private async fallbackAddresses(): Promise<AddressInfo[]> {
    const out: AddressInfo[] = [];
    let viaLibuv: ReturnType<typeof networkInterfaces> = {};
    try {
      viaLibuv = networkInterfaces();
    } catch {
      // getifaddrs() refused (seccomp, odd sandboxes): IPv6 from procfs is still worth answering.
    }
    for (const [name, list] of Object.entries(viaLibuv)) {
      for (const a of list ?? []) {
        if (a.family === 'IPv4') out.push({ name, family: 'ipv4', address: a.address, prefix: ipv4MaskBits(a.netmask) });
      }
    }
    const v6 = await readTextOrUndefined(join(this.cfg.procRoot, 'net/if_inet6'));
    for (const e of orderLikeNetlink(parseIfInet6(v6 ?? '')))
      out.push({ name: e.name, family: 'ipv6', address: e.address, prefix: e.prefix });
    return out;
  }

  /**
   * IPv4 then IPv6 routes. Deviation (docs/upstream-bugs.md#routes-without-ipv6): a missing
   * /proc/net/ipv6_route (IPv6 disabled) leaves just the IPv4 routes instead
   * of failing the whole command.
   */
  async routes(): Promise<GuestNetworkRoute[]> {
    const v4Path = join(this.cfg.procRoot, 'net/route');
    const v6Path = join(this.cfg.procRoot, 'net/ipv6_route');
    const [v4, v6] = await Promise.all([
      readText(v4Path).then(
        (t) => ({ t }),
        (error: unknown) => ({ error }),
      ),
      readText(v6Path).then(
        (t) => ({ t }),
        (error: unknown) => ({ error }),
      ),
    ]);
    if ('error' in v4) throw new QgaError(`open("${v4Path}"): ${errorText(v4.error)}`);
    const routes = this.routesV4.get(v4.t, (t) => parseRouteV4(t, endianness() === 'LE'));
    if ('error' in v6) {
      if (isEnoent(v6.error)) return [...routes];
      throw new QgaError(`open("${v6Path}"): ${errorText(v6.error)}`);
    }
    return [...routes, ...this.routesV6.get(v6.t, parseRouteV6)];
  }
}
