import { existsSync } from 'node:fs';
import { openSyslog } from '@qga/native-linux';

export interface Syslog {
  info(message: string): void;
  close(): void;
}

/** daemon.info: facility 3 × 8 + severity 6. */
const DAEMON_INFO = 30;

/**
 * qemu-ga sends its audit lines ("guest-file-open called, filepath: ...") to
 * syslog at INFO. We write them as syslog(3) does — datagrams on /dev/log,
 * through the native layer — with no `logger` process. Optional: without
 * /dev/log, a syslog daemon or the native layer, audit lines go only to the log.
 */
export function startSyslog(devLog = '/dev/log'): Syslog | undefined {
  if (!existsSync(devLog)) return undefined;
  let socket;
  try {
    socket = openSyslog(devLog, 'qga', DAEMON_INFO);
  } catch {
    return undefined;
  }
  return {
    info(message) {
      socket.send(message.replace(/\n/g, ' '));
    },
    close() {
      socket.close();
    },
  };
}

/** Audit lines as core logs them: "<command> called..." (qemu-ga's slog lines). */
export function isAuditLine(message: string): boolean {
  return /^guest-[a-z0-9-]+ called\b/.test(message);
}
