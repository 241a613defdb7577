import type { Writable } from 'node:stream';
import type { Logger, LogLevel } from '../ports/logger-port.js';

const LEVELS: Record<LogLevel, number> = { error: 0, warning: 1, info: 2, debug: 3 };

/**
 * qemu-ga's log line format, `<secs>.<usec>: <level>: <msg>`, to any stream.
 * Without `verbose` only errors are written (qemu-ga's default mask).
 * `suspended()` lets the agent stay silent while filesystems are frozen.
 */
export class StreamLogger implements Logger {
  constructor(
    private readonly stream: Writable,
    private readonly options: { verbose?: boolean; suspended?: () => boolean } = {},
  ) {}

  /** Write one line for `message` if `level` passes the logger's verbosity. */
  log(level: LogLevel, message: string): void {
    if (LEVELS[level] > (this.options.verbose ? LEVELS.debug : LEVELS.error)) return;
    if (this.options.suspended?.()) return;
    const now = Date.now();
    const stamp = `${Math.floor(now / 1000)}.${String((now % 1000) * 1000).padStart(6, '0')}`;
    this.stream.write(`${stamp}: ${level}: ${message}\n`);
  }
}

/** A logger that drops everything (embedders who log elsewhere). */
export const silentLogger: Logger = { log: () => {} };
