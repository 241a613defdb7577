// Public API of @qga/backend-windows: the Windows backend, its overrides, and the
// DeviceIo that lets @qga/transport-virtio open a virtio-serial port on Windows.
export type { WindowsBackendOptions } from './windows-backend.js';
export type { PowerCalls } from './power/windows-power.js';
export type { ShutdownCall } from './power/shutdown-plan.js';
export type { NetUserSetInfoCall } from './users/net-user.js';
export type { Win32DeviceIoOptions } from './transport/win32-device-io.js';

export { windowsBackend, windowsBackendModule, WINDOWS_UNSUPPORTED_COMMANDS } from './windows-backend.js';
export { WINDOWS_TOKENS } from './tokens.js';
export { win32DeviceIo } from './transport/win32-device-io.js';
export { isKoffiLoaded } from './win32/load-koffi.js';
