import type { GuestLogicalProcessor } from '@qga/core';

/** `cpuN` directory names → logical ids, in the order given (upstream's sscanf("cpu%ld")). */
export function vcpuIdsFromEntries(names: readonly string[]): number[] {
  const ids: number[] = [];
  for (const n of names) {
    const m = /^cpu([+-]?\d+)/.exec(n);
    if (m !== null) ids.push(Number(m[1]));
  }
  return ids;
}

/**
 * One vcpu from its `online` file: undefined text = no file (cpu0 usually) →
 * online, cannot be offlined; otherwise online unless the first byte is '0'.
 */
export function vcpuFromOnlineFile(id: number, online: string | undefined): GuestLogicalProcessor {
  if (online === undefined) return { 'logical-id': id, online: true, 'can-offline': false };
  return { 'logical-id': id, online: online[0] !== '0', 'can-offline': true };
}
