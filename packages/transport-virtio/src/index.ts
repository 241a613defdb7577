// Public API of @qga/transport-virtio.
export type { VirtioSerialOptions } from './virtio-serial-transport.js';
export type { IsaSerialOptions } from './isa-serial-transport.js';
export type { BackoffOptions } from './backoff.js';
export type { DeviceIo } from './device-io.js';
export type { RetryOption } from './retry-options.js';

export { virtioSerialTransport, DEFAULT_VIRTIO_PATH } from './virtio-serial-transport.js';
export { isaSerialTransport, DEFAULT_ISA_PATH } from './isa-serial-transport.js';
export { posixDeviceIo } from './device-io.js';
