/**
 * Counts logical processors in a GetLogicalProcessorInformationEx
 * (RelationProcessorCore) buffer (pure): each record is
 * {Relationship u32, Size u32, PROCESSOR_RELATIONSHIP} whose GroupMask array
 * (GroupCount at +30, 16-byte GROUP_AFFINITY entries from +32) holds one bit
 * per logical processor.
 */
export function countLogicalProcessors(buf: Buffer, length = buf.length): number {
  let count = 0;
  for (let at = 0; at + 8 <= length;) {
    const size = buf.readUInt32LE(at + 4);
    if (size < 8) break;
    const groups = buf.readUInt16LE(at + 8 + 22);
    for (let g = 0; g < groups; g++) {
      let mask = buf.readBigUInt64LE(at + 8 + 24 + g * 16);
      while (mask !== 0n) {
        count += Number(mask & 1n);
        mask >>= 1n;
      }
    }
    at += size;
  }
  return count;
}
