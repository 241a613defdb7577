/** STORAGE_DEVICE_DESCRIPTOR → the bus type and serial number (pure). */
export function parseDeviceDescriptor(buf: Buffer, length = buf.length): { busType: number; serial?: string } {
  const busType = buf.readUInt32LE(28);
  const serialAt = buf.readUInt32LE(24);
  if (serialAt === 0 || serialAt >= length) return { busType };
  let end = serialAt;
  while (end < length && buf[end] !== 0) end++;
  const serial = buf.toString('latin1', serialAt, end).trim();
  return serial === '' ? { busType } : { busType, serial };
}

/** SCSI_ADDRESS: PortNumber @4, PathId @5, TargetId @6, Lun @7. */
export function parseScsiAddress(buf: Buffer): { bus: number; target: number; unit: number } {
  return { bus: buf.readUInt8(5), target: buf.readUInt8(6), unit: buf.readUInt8(7) };
}

/** VOLUME_DISK_EXTENTS → the disk numbers a volume lives on. */
export function parseVolumeDiskExtents(buf: Buffer): number[] {
  const n = buf.readUInt32LE(0);
  return Array.from({ length: n }, (_, i) => buf.readUInt32LE(8 + i * 24)).filter((d, i, all) => all.indexOf(d) === i);
}
