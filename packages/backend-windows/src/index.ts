// Public API of @qga/backend-windows.
export type { WindowsBackendOptions } from './windows-backend.js';
export { windowsBackend, WINDOWS_UNSUPPORTED_COMMANDS } from './windows-backend.js';
