export type { UtmpRecord } from './utmp-parser.js';
export type { ClockPair } from './loginctl-parser.js';

export { LinuxLogins } from './linux-logins.js';
export { parseUtmp, usersFromUtmp, UTMP_RECORD_SIZE, USER_PROCESS } from './utmp-parser.js';
export { parseSessionIds, parseShowSession, parseSystemdUtcTimestamp, usersFromSessions } from './loginctl-parser.js';
