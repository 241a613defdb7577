import { Observable } from 'rxjs';
import type { Logger, Transport, TransportSession } from '@qga/core';
import { CharDeviceChannel } from './char-device-channel.js';
import { openRawTty } from './open-device.js';
import { resolveRetry, type RetryOption } from './retry-options.js';

export const DEFAULT_ISA_PATH = '/dev/ttyS0';

export interface IsaSerialOptions {
  readonly path?: string;
  /** Reopen after a missing device, a hangup (EOF) or an I/O error, with backoff (default true). */
  readonly retry?: RetryOption;
  readonly logger?: Logger;
  /** The stty program used to set raw mode (default `stty` from PATH). */
  readonly stty?: string;
  readonly readSize?: number;
}

/**
 * `-m isa-serial`: a serial tty in raw mode. One session per open; EOF or an
 * error closes the tty and reopens it (qemu-ga stays deaf after EOF).
 */
export function isaSerialTransport(options: IsaSerialOptions = {}): Transport {
  const path = options.path ?? DEFAULT_ISA_PATH;
  if (path.length === 0) throw new Error('isa-serial: a device path is required');
  const { retry, backoff } = resolveRetry(options.retry);
  const description = `isa-serial:${path}`;
  const command = options.stty ?? 'stty';
  return {
    description,
    sessions: () =>
      new Observable<TransportSession>((subscriber) => {
        const channel = new CharDeviceChannel(
          {
            description,
            path,
            // A serial line has no notion of a host connecting: one session per open device.
            policy: { eof: 'reopen', sessionPerConnection: false, retry, backoff },
            openDevice: (p) => openRawTty(p, command),
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
