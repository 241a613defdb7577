export type { UtmpRecord } from './utmp-parser.js';
export type { LogindSession } from './logind-sessions.js';

export { LinuxLogins } from './linux-logins.js';
export { parseUtmp, usersFromUtmp, UTMP_RECORD_SIZE, USER_PROCESS } from './utmp-parser.js';
export { parseSessionFile, usersFromSessions } from './logind-sessions.js';
