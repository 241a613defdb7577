import { spawn } from 'node:child_process';
import { selfCommand } from './self-command.js';

/** Set in the re-spawned daemon's environment (and removed from it on start). */
export const DAEMON_CHILD_ENV = 'QGA_DAEMON_CHILD';

type DaemonMessage = { readonly ready: true } | { readonly error: string };

/**
 * `-d` in the parent. Node cannot fork(), so the parent re-runs the same
 * script detached (a new session, as setsid), stdio on /dev/null plus an IPC
 * channel, and waits: the daemon reports "ready" once its channel is open
 * (exit 0), or the error that stopped it (printed here, on the terminal, as
 * qemu-ga's open errors are since it daemonizes after opening; exit 1).
 */
export function spawnDaemon(argv: readonly string[], env: NodeJS.ProcessEnv, stderr: NodeJS.WritableStream): Promise<number> {
  const self = selfCommand();
  if (self.script === '') {
    stderr.write('cannot daemonize: unknown script path\n');
    return Promise.resolve(1);
  }
  const child = spawn(self.program, [...self.prefix, ...(self.script === undefined ? [] : [self.script]), ...argv], {
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    env: { ...env, [DAEMON_CHILD_ENV]: '1' },
  });
  return new Promise((resolve) => {
    let settled = false;
    const settle = (code: number, message?: string): void => {
      if (settled) return;
      settled = true;
      if (message) stderr.write(`${message}\n`);
      child.removeAllListeners();
      if (child.connected) child.disconnect();
      child.unref();
      resolve(code);
    };
    child.on('message', (message: DaemonMessage) => {
      if ('ready' in message) settle(0);
      else settle(1, message.error);
    });
    child.on('error', (e) => settle(1, `cannot start the daemon: ${e.message}`));
    child.on('exit', (code, signal) => settle(1, `the daemon exited during startup (${signal ?? `status ${code}`})`));
  });
}

/** In the daemon: true when started by spawnDaemon (consumes the marker). */
export function isDaemonChild(env: NodeJS.ProcessEnv): boolean {
  if (env[DAEMON_CHILD_ENV] !== '1' || typeof process.send !== 'function') return false;
  delete env[DAEMON_CHILD_ENV]; // guest-exec children must not inherit it
  return true;
}

/** In the daemon: tell the parent how startup went, then cut the cord. */
export function reportToParent(message: DaemonMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, undefined, {}, () => {
      if (process.connected) process.disconnect();
      resolve();
    });
  });
}
