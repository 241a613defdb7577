import type { Transport } from '@qga/core';
import { charDeviceTransport, type CharDeviceOptions } from './char-device-transport.js';
import { openRawTty } from './open-device.js';
import type { RetryOption } from './retry-options.js';

/** The serial port qemu-ga uses when `-m isa-serial` gets no path. */
export const DEFAULT_ISA_PATH = '/dev/ttyS0';

/** Options of isaSerialTransport. */
export interface IsaSerialOptions extends CharDeviceOptions {
  readonly path?: string;
  /** Reopen after a missing device, a hangup (EOF) or an I/O error, with backoff (default true). */
  readonly retry?: RetryOption;
}

/**
 * `-m isa-serial`: a serial tty in raw mode (termios set through the native
 * layer, no stty process). One session per open; EOF or an
 * error closes the tty and reopens it (qemu-ga stays deaf after EOF).
 */
export function isaSerialTransport(options: IsaSerialOptions = {}): Transport {
  return charDeviceTransport(options.path ?? DEFAULT_ISA_PATH, options, {
    mode: 'isa-serial',
    eof: 'reopen',
    // A serial line has no notion of a host connecting: one session per open device.
    sessionPerConnection: false,
    openDevice: (p) => openRawTty(p),
  });
}
