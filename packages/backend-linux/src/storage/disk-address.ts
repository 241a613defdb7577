import type { GuestDiskAddress, GuestDiskBusType, GuestPCIAddress } from '@qga/core';

/**
 * Decoding a block device's sysfs path into a GuestDiskAddress, as upstream's
 * build_guest_fsinfo_for_real_device does. Paths are "logical" sysfs paths
 * (`/sys/devices/...`), whatever root the reader runs on. The few things that
 * need I/O — `driver` links of PCI functions and the ataN/hostN entries of a
 * controller — are named by addressProbes() and handed in as maps.
 */

const HEX = '[0-9a-fA-F]+';
const PCI_FN = `(${HEX}):(${HEX}):(${HEX})\\.(${HEX})`;
const FIRST_PCI = new RegExp(`^${HEX}:${HEX}/${PCI_FN}`);
const NEXT_PCI = new RegExp(`^/${PCI_FN}`);
const TARGET = /^\d+:\d+:\d+\/\d+:(\d+):(\d+):(\d+)/;
const CCW = new RegExp(`^${HEX}/(${HEX})\\.(${HEX})\\.(${HEX})/${HEX}\\.${HEX}\\.(${HEX})/`);

const KNOWN_DRIVERS = new Set(['ata_piix', 'sym53c8xx', 'virtio-pci', 'ahci', 'nvme', 'xhci_hcd', 'ehci-pci']);

export interface PciStep {
  /** Path of a PCI function directory: its `driver` link decides the bus type. */
  readonly prefix: string;
  readonly pci: GuestPCIAddress;
}

/** The PCI functions along the path, root first (upstream walks them until a known driver). */
export function pciChain(syspath: string): PciStep[] {
  const p = syspath.indexOf('/devices/pci');
  if (p < 0) return [];
  let end = p + 12;
  const m = FIRST_PCI.exec(syspath.slice(end));
  if (m === null) return [];
  const steps: PciStep[] = [];
  const toPci = (x: RegExpExecArray): GuestPCIAddress => ({
    domain: parseInt(x[1]!, 16),
    bus: parseInt(x[2]!, 16),
    slot: parseInt(x[3]!, 16),
    function: parseInt(x[4]!, 16),
  });
  end += m[0].length;
  steps.push({ prefix: syspath.slice(0, end), pci: toPci(m) });
  for (;;) {
    const n = NEXT_PCI.exec(syspath.slice(end));
    if (n === null) break;
    end += n[0].length;
    steps.push({ prefix: syspath.slice(0, end), pci: toPci(n) });
  }
  return steps;
}

export interface HostProbe {
  /** Directory holding the controller's ataN / hostN entries. */
  readonly dir: string;
  readonly ata: boolean;
  /** This device's host (or ata port) number. */
  readonly host: number;
}

/** `/ataN` (preferred) or `/hostN` in the path, as upstream looks for them. */
export function hostProbe(syspath: string): HostProbe | undefined {
  let p = syspath.indexOf('/ata');
  let off = 4;
  const ata = p >= 0;
  if (!ata) {
    p = syspath.indexOf('/host');
    off = 5;
  }
  if (p < 0) return undefined;
  const m = /^\d+/.exec(syspath.slice(p + off));
  if (m === null) return undefined;
  return { dir: syspath.slice(0, p), ata, host: Number(m[0]) };
}

/** SCSI `channel:id:lun` from `/targetH:C:T/H:C:T:L`. */
export function scsiTarget(syspath: string): [number, number, number] | undefined {
  const p = syspath.indexOf('/target');
  if (p < 0) return undefined;
  const m = TARGET.exec(syspath.slice(p + 7));
  return m === null ? undefined : [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** Everything the decoder may need read from sysfs for `syspath`. */
export function addressProbes(syspath: string): { driverLinks: string[]; hostDir?: HostProbe } {
  const host = hostProbe(syspath);
  return { driverLinks: pciChain(syspath).map((s) => `${s.prefix}/driver`), ...(host !== undefined ? { hostDir: host } : {}) };
}

export interface RealDeviceFacts {
  readonly syspath: string;
  /** Device node (udev devnode). */
  readonly dev?: string;
  /** udev ID_SERIAL (or the sysfs fallback). */
  readonly serial?: string;
  /** Basename of `<prefix>/driver` for each PCI step prefix that has one. */
  readonly drivers: ReadonlyMap<string, string>;
  /** ataN (or hostN) numbers found in HostProbe.dir. */
  readonly hostNumbers?: readonly number[];
}

function blank(): GuestDiskAddress {
  return { 'pci-controller': { domain: -1, bus: -1, slot: -1, function: -1 }, 'bus-type': 'unknown', bus: 0, target: 0, unit: 0 };
}

/**
 * The address of one real (non device-mapper) block device, or undefined
 * when nothing is known about it (no hardware info, no devnode, no serial).
 * Bus types by PCI driver: ata_piix → ide (bus = host index, unit = scsi id),
 * sym53c8xx → scsi (unit = scsi id), virtio-pci → virtio, or scsi when the
 * path has a SCSI target, ahci → sata (unit = port index), nvme → nvme,
 * xhci_hcd/ehci-pci → usb. s390 CCW devices get a ccw-address; non-PCI
 * virtio (virtio-mmio, CCW) is virtio or scsi.
 * Deviation: for PCI virtio-scsi, bus/target/unit are channel/id/lun of the
 * SCSI address (upstream reports the lun only, with target 0, which libvirt
 * cannot match to a disk at target ≠ 0). Identical for libvirt's default
 * layout (target 0).
 */
export function decodeRealDevice(f: RealDeviceFacts): GuestDiskAddress | undefined {
  const addr = blank();
  let hw = false;
  if (f.syspath.includes('/devices/pci')) hw = decodePci(f, addr);
  else if (f.syspath.includes('/devices/css')) hw = decodeCcw(f.syspath, addr);
  else if (f.syspath.includes('/virtio')) hw = decodeNonPciVirtio(f.syspath, addr);
  if (f.dev !== undefined) addr.dev = f.dev;
  if (f.serial !== undefined && f.serial !== '') addr.serial = f.serial;
  return hw || f.dev !== undefined || addr.serial !== undefined ? addr : undefined;
}

function decodePci(f: RealDeviceFacts, addr: GuestDiskAddress): boolean {
  let step: PciStep | undefined;
  let driver: string | undefined;
  for (const s of pciChain(f.syspath)) {
    const d = f.drivers.get(s.prefix);
    if (d !== undefined && KNOWN_DRIVERS.has(d)) {
      step = s;
      driver = d;
      break;
    }
  }
  if (step === undefined || driver === undefined) return false;
  const tgt = scsiTarget(f.syspath);
  const host = hostProbe(f.syspath);
  const hostIndex = host === undefined ? -1 : [...(f.hostNumbers ?? [])].sort((a, b) => a - b).indexOf(host.host);
  // The controller address is set before the driver checks, so a failed check still reports it (as upstream).
  addr['pci-controller'] = { ...step.pci };
  const set = (busType: GuestDiskBusType, bus: number, target: number, unit: number): true => {
    addr['bus-type'] = busType;
    addr.bus = bus;
    addr.target = target;
    addr.unit = unit;
    return true;
  };
  switch (driver) {
    case 'ata_piix':
      if (host === undefined || tgt === undefined || hostIndex < 0) return false;
      return set('ide', hostIndex, 0, tgt[1]);
    case 'sym53c8xx':
      if (tgt === undefined) return false;
      return set('scsi', 0, 0, tgt[1]);
    case 'virtio-pci':
      return tgt !== undefined ? set('scsi', tgt[0], tgt[1], tgt[2]) : set('virtio', 0, 0, 0);
    case 'ahci':
      if (host === undefined || tgt === undefined || hostIndex < 0) return false;
      return set('sata', 0, 0, hostIndex);
    case 'nvme':
      return set('nvme', 0, 0, 0);
    default:
      return set('usb', 0, 0, 0);
  }
}

function decodeNonPciVirtio(syspath: string, addr: GuestDiskAddress): boolean {
  if (!syspath.includes('/virtio') || !syspath.includes('/block')) return false;
  const tgt = scsiTarget(syspath);
  if (tgt !== undefined) {
    addr['bus-type'] = 'scsi';
    [addr.bus, addr.target, addr.unit] = tgt;
  } else {
    addr['bus-type'] = 'virtio';
  }
  return true;
}

function decodeCcw(syspath: string, addr: GuestDiskAddress): boolean {
  const p = syspath.indexOf('/devices/css');
  const m = CCW.exec(syspath.slice(p + 12));
  if (m === null) return false;
  addr['ccw-address'] = { cssid: parseInt(m[1]!, 16), ssid: parseInt(m[2]!, 16), subchno: parseInt(m[3]!, 16), devno: parseInt(m[4]!, 16) };
  if (syspath.slice(p).includes('/virtio')) decodeNonPciVirtio(syspath, addr);
  return true;
}

/** `ataN` / `hostN` entry names of a controller directory → their numbers (upstream's sscanf). */
export function hostNumbersFromEntries(names: readonly string[], ata: boolean): number[] {
  const re = ata ? /^ata(-?\d+)/ : /^host(-?\d+)/;
  const out: number[] = [];
  for (const n of names) {
    const m = re.exec(n);
    if (m !== null) out.push(Number(m[1]));
  }
  return out;
}
