import { readlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import type { IPty } from 'node-pty';

/**
 * A serial device for the agent to open: a pty from node-pty whose slave path
 * stands in for /dev/ttyS0. Bytes written here reach the agent; what it writes
 * back is collected as text lines.
 */
export interface PtyDevice {
  readonly path: string;
  write(text: string): void;
  /** The next line the agent wrote, or undefined after `timeoutMs`. */
  nextLine(timeoutMs: number): Promise<string | undefined>;
  close(): void;
}

export async function openPtyDevice(): Promise<PtyDevice> {
  const nodePty = createRequire(import.meta.url)('node-pty') as typeof import('node-pty');
  const pty: IPty = nodePty.spawn('sleep', ['3600'], { cols: 80, rows: 24 });
  let path = '';
  // The child's stdin is the slave once node-pty has set it up.
  for (let i = 0; i < 500 && !path.startsWith('/dev/pts/'); i++) {
    try {
      path = readlinkSync(`/proc/${pty.pid}/fd/0`);
    } catch {
      path = '';
    }
    if (!path.startsWith('/dev/pts/')) await sleep(10);
  }
  if (!path.startsWith('/dev/pts/')) throw new Error(`no pty slave for pid ${pty.pid}`);
  let pending = '';
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  pty.onData((data) => {
    pending += data;
    let i: number;
    while ((i = pending.indexOf('\n')) >= 0) {
      lines.push(pending.slice(0, i).replace(/\r$/, ''));
      pending = pending.slice(i + 1);
    }
    for (const w of waiters.splice(0)) w();
  });
  return {
    path,
    write: (text) => pty.write(text),
    async nextLine(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (lines.length === 0 && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, Math.max(1, deadline - Date.now()));
        });
      }
      return lines.shift();
    },
    close: () => pty.kill(),
  };
}
