import type { Transport } from '@qga/core';
import { charDeviceTransport, type CharDeviceOptions } from './char-device-transport.js';
import { openBlocking } from './open-device.js';
import type { RetryOption } from './retry-options.js';

/** The virtio-serial port qemu-ga opens by default (the name QEMU gives the agent's channel). */
export const DEFAULT_VIRTIO_PATH = '/dev/virtio-ports/org.qemu.guest_agent.0';

/** Options of virtioSerialTransport. */
export interface VirtioSerialOptions extends CharDeviceOptions {
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
}

/** `-m virtio-serial`: the guest side of a virtio-serial port (a character device). */
export function virtioSerialTransport(options: VirtioSerialOptions = {}): Transport {
  return charDeviceTransport(options.path ?? DEFAULT_VIRTIO_PATH, options, {
    mode: 'virtio-serial',
    eof: 'wait',
    sessionPerConnection: options.sessionPerConnection ?? true,
    openDevice: openBlocking,
  });
}
