import type { GuestTimezone } from '@qga/core';
import { readWide } from '../win32/wide-string.js';

const TIME_ZONE_ID_DAYLIGHT = 2;
const TIME_ZONE_ID_INVALID = 0xffffffff;

/**
 * DYNAMIC_TIME_ZONE_INFORMATION (432 bytes) and GetDynamicTimeZoneInformation's
 * result → guest-get-timezone (pure). Bias is minutes *west* of UTC; in
 * daylight time the daylight bias adds to it and the daylight name applies.
 */
export function parseTimeZone(buf: Buffer, result: number): GuestTimezone {
  if (result >>> 0 === TIME_ZONE_ID_INVALID) throw new Error('GetDynamicTimeZoneInformation failed');
  const bias = buf.readInt32LE(0);
  const daylight = result === TIME_ZONE_ID_DAYLIGHT;
  const extra = daylight ? buf.readInt32LE(168) : buf.readInt32LE(84);
  const zone = daylight ? readWide(buf, 88, 32) : readWide(buf, 4, 32);
  // `|| 0`: never send -0.
  return { ...(zone !== '' && { zone }), offset: -(bias + extra) * 60 || 0 };
}
