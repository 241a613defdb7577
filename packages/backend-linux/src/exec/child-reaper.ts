import type { ExitStatus } from '@qga/core';
import { reapChild } from '@qga/native-linux';

/**
 * Collects the exit of children started outside libuv (posix_spawn): libuv
 * reaps only the processes it started, by pid, so ours are waited for here
 * — on every SIGCHLD, waitpid(pid, WNOHANG) for each child still running,
 * the way libuv does it for its own. The listener is installed while a
 * child runs and removed after the last one is reaped.
 */
class ChildReaper {
  private readonly running = new Map<number, (status: ExitStatus) => void>();
  private readonly onSignal = (): void => this.poll();
  /**
   * Signal listeners do not keep Node's event loop alive; a child does, as
   * with child_process. The slow poll also covers a SIGCHLD that was never
   * delivered to us.
   */
  private keepAlive: NodeJS.Timeout | undefined;
  private listening = false;

  /** Resolves when `pid` has exited and been reaped. */
  watch(pid: number): Promise<ExitStatus> {
    return new Promise((resolve) => {
      if (!this.listening) {
        // Installed once and kept: adding and removing a signal watcher per child cost more than polling.
        process.on('SIGCHLD', this.onSignal);
        this.listening = true;
      }
      this.keepAlive ??= setInterval(this.onSignal, 1000);
      this.running.set(pid, resolve);
      // It may have exited before the listener existed.
      this.poll();
    });
  }

  private poll(): void {
    for (const [pid, resolve] of this.running) {
      let status: number | undefined;
      try {
        status = reapChild(pid);
      } catch {
        status = 0; // ECHILD: someone else reaped it; report a plain exit rather than wait forever
      }
      if (status === undefined) continue;
      this.running.delete(pid);
      resolve(exitStatusOfWait(status));
    }
    if (this.running.size === 0 && this.keepAlive !== undefined) {
      clearInterval(this.keepAlive);
      this.keepAlive = undefined;
    }
  }
}

/** A raw wait status as the protocol reports it: the signal that killed it, else the exit code. */
export function exitStatusOfWait(status: number): ExitStatus {
  const sig = status & 0x7f;
  if (sig !== 0 && sig !== 0x7f) return { signal: sig };
  return { exitcode: (status >> 8) & 0xff };
}

export const childReaper = new ChildReaper();
