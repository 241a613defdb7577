import type { GuestDiskSmart, Int } from '@qga/core';

function u64le(b: Uint8Array, at: number): Int {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(at, true);
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

const COUNTERS: ReadonlyArray<readonly [string, number]> = [
  ['data-units-read', 32],
  ['data-units-written', 48],
  ['host-read-commands', 64],
  ['host-write-commands', 80],
  ['controller-busy-time', 96],
  ['power-cycles', 112],
  ['power-on-hours', 128],
  ['unsafe-shutdowns', 144],
  ['media-errors', 160],
  ['number-of-error-log-entries', 176],
];

/**
 * The NVMe SMART / Health log page (log id 02h, 512 bytes, little-endian, as
 * the admin-command ioctl reads it, as upstream) →
 * GuestDiskSmart. The 128-bit counters are split into -lo/-hi halves.
 * undefined when fewer than 192 bytes (the fields used) are present.
 */
export function parseNvmeSmartLog(page: Uint8Array): GuestDiskSmart | undefined {
  if (page.length < 192) return undefined;
  const smart: Record<string, Int | string> = {
    type: 'nvme',
    'critical-warning': page[0]!,
    temperature: page[1]! | (page[2]! << 8),
    'available-spare': page[3]!,
    'available-spare-threshold': page[4]!,
    'percentage-used': page[5]!,
  };
  for (const [name, at] of COUNTERS) {
    smart[`${name}-lo`] = u64le(page, at);
    smart[`${name}-hi`] = u64le(page, at + 8);
  }
  return smart as unknown as GuestDiskSmart;
}
