export type { PosixTzRule, TransitionDate } from './posix-tz.js';
export type { TzifZone } from './tzif-parser.js';
export type { TimezoneInputs } from './resolve-timezone.js';

export { LinuxSystemInfo } from './linux-system-info.js';
export { parseOsReleaseBytes, parseOsReleaseText, unquoteOsReleaseValue, osReleaseFields } from './os-release-parser.js';
export { parsePosixTz, posixTzAt } from './posix-tz.js';
export { parseTzif, tzifZoneAt } from './tzif-parser.js';
export { resolveTimezone } from './resolve-timezone.js';
export { parseLoadavg } from './loadavg-parser.js';
