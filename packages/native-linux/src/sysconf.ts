import { libcFunction } from './libc.js';

const SC_CLK_TCK = 2;

/** sysconf(_SC_CLK_TCK): the unit of /proc/stat's counters (USER_HZ). */
export function clockTicksPerSecond(): number {
  return libcFunction('long sysconf(int name)')(SC_CLK_TCK) as number;
}
