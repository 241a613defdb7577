import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface Syslog {
  info(message: string): void;
  close(): void;
}

/**
 * qemu-ga sends its audit lines ("guest-file-open called, filepath: ...") to
 * syslog at INFO. Node cannot write unix datagrams to /dev/log, so one
 * long-lived util-linux `logger` reads our lines on stdin and forwards each.
 * Optional: without /dev/log or `logger`, audit lines go only to the log.
 */
export function startSyslog(devLog = '/dev/log'): Syslog | undefined {
  if (!existsSync(devLog)) return undefined;
  const child = spawn('logger', ['--tag', 'qga', '--priority', 'daemon.info', '--socket', devLog], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  let alive = true;
  child.on('error', () => (alive = false));
  child.on('exit', () => (alive = false));
  child.stdin.on('error', () => (alive = false));
  child.unref();
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  return {
    info(message) {
      if (alive) child.stdin.write(`${message.replace(/\n/g, ' ')}\n`);
    },
    close() {
      if (alive) child.stdin.end();
    },
  };
}

/** Audit lines as core logs them: "<command> called..." (qemu-ga's slog lines). */
export function isAuditLine(message: string): boolean {
  return /^guest-[a-z0-9-]+ called\b/.test(message);
}
