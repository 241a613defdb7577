import type { GuestDiskBusType } from '@qga/core';

/**
 * STORAGE_BUS_TYPE → GuestDiskBusType (pure). qemu-ga maps BusTypeFibre to
 * `ssa`, which looks like a slip; we say `fibre`. Spaces and newer types are `unknown`.
 */
const BUS_TYPES: readonly GuestDiskBusType[] = [
  'unknown',
  'scsi',
  'ide',
  'ide',
  'ieee1394',
  'ssa',
  'fibre',
  'usb',
  'raid',
  'iscsi',
  'sas',
  'sata',
  'sd',
  'mmc',
  'virtual',
  'file-backed-virtual',
  'unknown',
  'nvme',
];

export function diskBusType(storageBusType: number): GuestDiskBusType {
  return BUS_TYPES[storageBusType] ?? 'unknown';
}
