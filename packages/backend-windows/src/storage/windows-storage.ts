import { injectable } from 'inversify';
import {
  QgaError,
  type GuestDiskAddress,
  type GuestDiskInfo,
  type GuestDiskStatsInfo,
  type GuestFilesystemInfo,
  type StoragePort,
} from '@qga/core';
import { win32, type Handle } from '../win32/win32-api.js';
import { Win32Error } from '../win32/win32-error.js';
import { readMultiWide, readWide } from '../win32/wide-string.js';
import { diskBusType } from './bus-type.js';
import { parseDeviceDescriptor, parseScsiAddress, parseVolumeDiskExtents } from './device-descriptor.js';

const INVALID_HANDLE_VALUE = -1;
const FILE_SHARE_READ_WRITE = 0x3;
const OPEN_EXISTING = 3;
const IOCTL_STORAGE_QUERY_PROPERTY = 0x2d1400;
const IOCTL_SCSI_GET_ADDRESS = 0x41018;
const IOCTL_VOLUME_GET_VOLUME_DISK_EXTENTS = 0x560000;
const ERROR_NO_MORE_FILES = 18;
/** Disk numbers probed as \\.\PhysicalDrive<n> (the numbers can have gaps). */
const MAX_DISKS = 64;

/** Volumes (FindFirstVolumeW…) and physical disks (\\.\PhysicalDriveN + IOCTLs). */
@injectable()
export class WindowsStorage implements StoragePort {
  async filesystems(): Promise<GuestFilesystemInfo[]> {
    const api = win32();
    const name = Buffer.alloc(2 * 260);
    const find = api.FindFirstVolumeW(name, 260);
    if (find === INVALID_HANDLE_VALUE) throw new Win32Error('FindFirstVolumeW', api.GetLastError());
    const result: GuestFilesystemInfo[] = [];
    try {
      do {
        const info = this.volume(readWide(name));
        if (info) result.push(info);
      } while (api.FindNextVolumeW(find, name, 260));
      const code = api.GetLastError();
      if (code !== ERROR_NO_MORE_FILES) throw new Win32Error('FindNextVolumeW', code);
    } finally {
      api.FindVolumeClose(find);
    }
    return result;
  }

  /** One volume: GUID path, first mount path ("System Reserved" when none), fs type, sizes, disks. */
  private volume(guidPath: string): GuestFilesystemInfo | undefined {
    const api = win32();
    const paths = Buffer.alloc(2 * 1024);
    const needed: [number] = [0];
    const mountpoint = api.GetVolumePathNamesForVolumeNameW(guidPath, paths, 1024, needed)
      ? (readMultiWide(paths, needed[0] * 2)[0] ?? 'System Reserved')
      : 'System Reserved';
    const fsName = Buffer.alloc(2 * 261);
    // A volume without a filesystem (raw, or no media) is skipped, as qemu-ga does.
    if (!api.GetVolumeInformationW(guidPath, null, 0, null, null, null, fsName, 261)) return undefined;
    const available = Buffer.alloc(8),
      total = Buffer.alloc(8),
      free = Buffer.alloc(8);
    const sized = api.GetDiskFreeSpaceExW(guidPath, available, total, free);
    const totalBytes = Number(total.readBigUInt64LE());
    return {
      name: guidPath,
      mountpoint,
      type: readWide(fsName),
      ...(sized && { 'used-bytes': totalBytes - Number(free.readBigUInt64LE()), 'total-bytes': totalBytes }),
      disk: this.volumeDisks(guidPath),
    };
  }

  private volumeDisks(guidPath: string): GuestDiskAddress[] {
    const handle = open(guidPath.replace(/\\$/, ''));
    if (handle === undefined) return [];
    let numbers: number[] = [];
    try {
      const out = ioctl(handle, IOCTL_VOLUME_GET_VOLUME_DISK_EXTENTS, null, 8 + 24 * 32);
      numbers = out ? parseVolumeDiskExtents(out) : [];
    } finally {
      win32().CloseHandle(handle);
    }
    return numbers.flatMap((n) => {
      const address = diskAddress(n);
      return address ? [address] : [];
    });
  }

  async disks(): Promise<GuestDiskInfo[]> {
    const disks: GuestDiskInfo[] = [];
    for (let n = 0; n < MAX_DISKS; n++) {
      const address = diskAddress(n);
      if (address !== undefined) disks.push({ name: address.dev as string, partition: false, address });
    }
    return disks;
  }

  async diskStats(): Promise<GuestDiskStatsInfo[]> {
    throw new QgaError('guest-get-diskstats is not available on Windows');
  }
}

function open(path: string): Handle | undefined {
  const handle = win32().CreateFileW(path, 0, FILE_SHARE_READ_WRITE, null, OPEN_EXISTING, 0, 0);
  return handle === INVALID_HANDLE_VALUE ? undefined : handle;
}

function ioctl(handle: Handle, code: number, input: Buffer | null, outSize: number): Buffer | undefined {
  const out = Buffer.alloc(outSize);
  const returned: [number] = [0];
  return win32().DeviceIoControl(handle, code, input, input?.length ?? 0, out, outSize, returned, null)
    ? out.subarray(0, returned[0])
    : undefined;
}

/** \\.\PhysicalDrive<n>'s address (bus type, SCSI address, serial), or undefined when there is no such disk. */
function diskAddress(n: number): GuestDiskAddress | undefined {
  const dev = `\\\\.\\PhysicalDrive${n}`;
  const handle = open(dev);
  if (handle === undefined) return undefined;
  try {
    const query = Buffer.alloc(12); // STORAGE_PROPERTY_QUERY: StorageDeviceProperty, PropertyStandardQuery
    const descriptor = ioctl(handle, IOCTL_STORAGE_QUERY_PROPERTY, query, 1024);
    const { busType, serial } =
      descriptor && descriptor.length >= 32 ? parseDeviceDescriptor(descriptor) : { busType: 0, serial: undefined };
    const scsi = ioctl(handle, IOCTL_SCSI_GET_ADDRESS, null, 8);
    const { bus, target, unit } = scsi && scsi.length >= 8 ? parseScsiAddress(scsi) : { bus: 0, target: 0, unit: 0 };
    return {
      // The PCI address needs the SetupAPI parent chain; not read yet, so "unknown" (-1) as qemu-ga sends when it fails.
      'pci-controller': { domain: -1, bus: -1, slot: -1, function: -1 },
      'bus-type': diskBusType(busType),
      bus,
      target,
      unit,
      ...(serial !== undefined && { serial }),
      dev,
    };
  } finally {
    win32().CloseHandle(handle);
  }
}
