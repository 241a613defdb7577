// Public API of @qga/transport-virtio.
export type { VirtioSerialOptions } from './virtio-serial-transport.js';
export type { IsaSerialOptions } from './isa-serial-transport.js';
export type { BackoffOptions } from './backoff.js';
export type { DeviceIo } from './device-io.js';
export type { RetryOption } from './retry-options.js';
export type { EofPolicy, MachinePolicy, MachineState, MachineEvent, MachineAction, Phase, Step } from './device-machine.js';

export { virtioSerialTransport, DEFAULT_VIRTIO_PATH } from './virtio-serial-transport.js';
export { isaSerialTransport, DEFAULT_ISA_PATH } from './isa-serial-transport.js';
export { backoffDelay, DEFAULT_BACKOFF } from './backoff.js';
export { step as deviceMachineStep, INITIAL_STATE as DEVICE_MACHINE_INITIAL_STATE } from './device-machine.js';
export { posixDeviceIo } from './device-io.js';
