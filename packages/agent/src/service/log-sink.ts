import { closeSync, openSync, writeSync } from 'node:fs';
import { Writable } from 'node:stream';
import { StreamLogger, type Logger, type LogLevel } from '@qga/core';
import { startSyslog, isAuditLine, type Syslog } from './syslog.js';

export interface LogSinkOptions {
  readonly logfile?: string;
  readonly verbose: boolean;
  readonly stderr: NodeJS.WritableStream;
  /** Open the log file only at the first write (agent started frozen: its filesystem may be frozen). */
  readonly deferOpen?: boolean;
  /** Send audit lines ("guest-exec called: ...") to syslog when /dev/log exists. */
  readonly syslog?: boolean;
}

export interface LogSink {
  readonly logger: Logger;
  /** Late-bound: the agent's FreezeState exists only after createAgent. */
  suspendWhile(frozen: () => boolean): void;
  close(): void;
}

/**
 * qemu-ga's logging: `<secs>.<usec>: <level>: <msg>` lines to stderr or the
 * `-l` file (append mode), errors only unless `-v`, nothing at all while
 * filesystems are frozen. The log file is written with synchronous writes so
 * the last lines before an exit are never lost. Throws if the file cannot be
 * opened (qemu-ga: fatal).
 */
export function createLogSink(options: LogSinkOptions): LogSink {
  let frozen: () => boolean = () => false;
  let fd: number | undefined;
  const openFile = (): number => (fd ??= openSync(options.logfile as string, 'a', 0o644));
  if (options.logfile !== undefined && !options.deferOpen) openFile();

  const stream =
    options.logfile === undefined
      ? (options.stderr as unknown as Writable)
      : new Writable({
          write(chunk: Buffer, _encoding, callback) {
            try {
              writeSync(openFile(), chunk);
              callback();
            } catch (e) {
              callback(e as Error);
            }
          },
        });
  if (stream instanceof Writable) stream.on('error', () => {}); // a failing log must not kill the agent
  const lines = new StreamLogger(stream, { verbose: options.verbose, suspended: () => frozen() });
  const syslog: Syslog | undefined = options.syslog ? startSyslog() : undefined;

  return {
    logger: {
      log(level: LogLevel, message: string) {
        lines.log(level, message);
        if (syslog && isAuditLine(message) && !frozen()) syslog.info(message);
      },
    },
    suspendWhile(fn) {
      frozen = fn;
    },
    close() {
      syslog?.close();
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
