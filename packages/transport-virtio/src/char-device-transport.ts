import { Observable } from 'rxjs';
import type { Logger, Transport, TransportSession } from '@qga/core';
import { CharDeviceChannel } from './char-device-channel.js';
import type { EofPolicy } from './device-machine.js';
import { resolveRetry, type RetryOption } from './retry-options.js';
import { posixDeviceIo, type DeviceIo } from './device-io.js';

/** The options isa-serial and virtio-serial share. */
export interface CharDeviceOptions {
  readonly retry?: RetryOption;
  readonly logger?: Logger;
  readonly readSize?: number;
  /** Device I/O other than POSIX descriptors (Windows: CreateFileW + overlapped I/O). */
  readonly io?: DeviceIo;
}

/** What makes one kind of character device differ from another. */
export interface CharDeviceKind {
  /** The transport's mode name, e.g. `virtio-serial`. */
  readonly mode: string;
  readonly eof: EofPolicy;
  readonly sessionPerConnection: boolean;
  /** Opens the device in blocking mode (reads and writes run on libuv's thread pool). */
  readonly openDevice: (path: string) => Promise<number>;
}

/** A character device as a Transport: one CharDeviceChannel per subscription, stopped on unsubscribe. */
export function charDeviceTransport(path: string, options: CharDeviceOptions, kind: CharDeviceKind): Transport {
  if (path.length === 0) throw new Error(`${kind.mode}: a device path is required`);
  const { retry, backoff } = resolveRetry(options.retry);
  const description = `${kind.mode}:${path}`;
  return {
    description,
    sessions: () =>
      new Observable<TransportSession>((subscriber) => {
        const channel = new CharDeviceChannel(
          {
            description,
            path,
            policy: { eof: kind.eof, sessionPerConnection: kind.sessionPerConnection, retry, backoff },
            io: options.io ?? posixDeviceIo(kind.openDevice),
            ...(options.logger ? { logger: options.logger } : {}),
            ...(options.readSize !== undefined ? { readSize: options.readSize } : {}),
          },
          subscriber,
        );
        channel.start();
        return () => channel.stop();
      }),
  };
}
