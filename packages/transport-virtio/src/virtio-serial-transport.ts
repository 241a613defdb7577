import { Observable } from 'rxjs';
import type { Logger, Transport, TransportSession } from '@qga/core';
import { CharDeviceChannel } from './char-device-channel.js';
import { openBlocking } from './open-device.js';
import { resolveRetry, type RetryOption } from './retry-options.js';

export const DEFAULT_VIRTIO_PATH = '/dev/virtio-ports/org.qemu.guest_agent.0';

export interface VirtioSerialOptions {
  readonly path?: string;
  /** Reopen after a missing device or an I/O error, with backoff (default true). */
  readonly retry?: RetryOption;
  /**
   * true (default): a host disconnect (read returns 0) ends the session and the
   * host's next bytes start a new one, so a half-sent request from a previous
   * host cannot corrupt the next host's first command. false: one session per
   * open device, parser state carried across host reconnects as in qemu-ga.
   */
  readonly sessionPerConnection?: boolean;
  readonly logger?: Logger;
  readonly readSize?: number;
}

/** `-m virtio-serial`: the guest side of a virtio-serial port (a character device). */
export function virtioSerialTransport(options: VirtioSerialOptions = {}): Transport {
  const path = options.path ?? DEFAULT_VIRTIO_PATH;
  if (path.length === 0) throw new Error('virtio-serial: a device path is required');
  const { retry, backoff } = resolveRetry(options.retry);
  const description = `virtio-serial:${path}`;
  return {
    description,
    sessions: () =>
      new Observable<TransportSession>((subscriber) => {
        const channel = new CharDeviceChannel(
          {
            description,
            path,
            policy: { eof: 'wait', sessionPerConnection: options.sessionPerConnection ?? true, retry, backoff },
            openDevice: openBlocking,
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
