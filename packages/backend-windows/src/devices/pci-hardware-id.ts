/**
 * The virtio / QEMU PCI ids in a device's hardware ids (pure): the first
 * `PCI\VEN_1AF4&DEV_xxxx` or `PCI\VEN_1B36&DEV_xxxx`. qemu-ga's pattern only
 * accepts device-id digits 0-9 and A-B (a slip that hides ids with C-F); we
 * accept every hex digit.
 */
export function virtioPciId(hardwareIds: readonly string[]): { vendor: number; device: number } | undefined {
  for (const id of hardwareIds) {
    const m = /^PCI\\VEN_(1AF4|1B36)&DEV_([0-9A-F]{4})/i.exec(id);
    if (m) return { vendor: parseInt(m[1] as string, 16), device: parseInt(m[2] as string, 16) };
  }
  return undefined;
}

/** A DEVPROPKEY (GUID + property id) as the 20 bytes SetupDiGetDevicePropertyW takes. */
export function devPropKey(guid: string, pid: number): Buffer {
  const hex = guid.replace(/[{}-]/g, '');
  const key = Buffer.alloc(20);
  key.writeUInt32LE(parseInt(hex.slice(0, 8), 16), 0);
  key.writeUInt16LE(parseInt(hex.slice(8, 12), 16), 4);
  key.writeUInt16LE(parseInt(hex.slice(12, 16), 16), 6);
  Buffer.from(hex.slice(16), 'hex').copy(key, 8);
  key.writeUInt32LE(pid, 16);
  return key;
}
