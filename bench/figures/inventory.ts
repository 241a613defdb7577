/**
 * Inventory commands as hosts poll them (libvirt, KubeVirt): `count`
 * sequential requests of one command on one connection; the median round trip.
 * Replies are checked for an error (a command the agent does not have would
 * measure nothing but the dispatcher).
 */
import { encodeRequest, type RawClient } from '../lib/raw-client.js';
import { median } from '../lib/stats.js';

export const INVENTORY_COMMANDS = [
  'guest-get-users',
  'guest-network-get-interfaces',
  'guest-get-fsinfo',
  'guest-get-vcpus',
  'guest-network-get-route',
  'guest-get-osinfo',
  'guest-info',
  'guest-get-disks',
  'guest-get-timezone',
  'guest-get-load',
  'guest-get-cpustats',
  'guest-get-diskstats',
  'guest-get-memory-block-info',
  'guest-get-host-name',
] as const;

export interface InventoryResult {
  readonly medianUs: number;
  /** The error class when the agent answered with an error (then the figure is not comparable). */
  readonly error: string | undefined;
}

export async function inventoryLatency(client: RawClient, command: string, count: number, warmup = 20): Promise<InventoryResult> {
  const request = encodeRequest(command);
  let error: string | undefined;
  for (let i = 0; i < warmup; i++) {
    const line = await client.request(request);
    if (line.startsWith('{"error"')) error = (/"class": ?"(\w+)"/.exec(line) ?? [])[1] ?? 'error';
  }
  const us: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await client.request(request);
    us.push((performance.now() - t0) * 1000);
  }
  return { medianUs: median(us), error };
}
