import { win32 } from './win32-api.js';
import { readWide } from './wide-string.js';

/** (HKEY)(LONG)0x80000002, sign-extended as Windows does. */
export const HKEY_LOCAL_MACHINE = -2147483646;
const RRF_RT_REG_SZ = 0x2;
const ERROR_MORE_DATA = 234;

/** A REG_SZ value under HKLM, or undefined when it is missing. */
export function readRegistryString(subKey: string, value: string): string | undefined {
  const api = win32();
  let size: [number] = [512];
  for (let attempt = 0; attempt < 3; attempt++) {
    const buf = Buffer.alloc(size[0]);
    const status = api.RegGetValueW(HKEY_LOCAL_MACHINE, subKey, value, RRF_RT_REG_SZ, null, buf, size);
    if (status === 0) return readWide(buf, 0, size[0] >> 1);
    if (status !== ERROR_MORE_DATA) return undefined;
    size = [size[0] + 2];
  }
  return undefined;
}
