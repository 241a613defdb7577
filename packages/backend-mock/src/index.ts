// Public API of @qga/backend-mock.
export type { MockBackend } from './mock-backend.js';
export type {
  MockGuestOptions,
  MockMount,
  MockAccount,
  MockLogin,
  MockCpu,
  MockMemoryBlock,
  PowerEvent,
} from './mock-guest.js';
export type { MockStat, MockNodeKind, MockWriteOptions } from './mock-fs.js';
export type { ProgramContext, ProgramHandler, ProgramResult, ProgramRun } from './mock-programs.js';
export type { MockPortMethod } from './failures.js';
export type { InjectedFailure } from './injected-failure.js';

export { mockBackend } from './mock-backend.js';
export { MockGuest, createMockGuest } from './mock-guest.js';
export { MockFileSystem } from './mock-fs.js';
export { MockPrograms, DEFAULT_PATH } from './mock-programs.js';
export { MockClock } from './mock-clock.js';
export { MockExecPort } from './ports/mock-exec.port.js';
export { MockFilesPort } from './ports/mock-files.port.js';
export { MockFsFreezePort, MockFsTrimPort } from './ports/mock-fsfreeze.port.js';
export { MockPowerPort } from './ports/mock-power.port.js';
export { MockTimePort } from './ports/mock-time.port.js';
export { MockUsersPort, MockSshKeysPort } from './ports/mock-users.port.js';
export { MockNetworkPort } from './ports/mock-network.port.js';
export { MockStoragePort } from './ports/mock-storage.port.js';
export { MockCpuPort } from './ports/mock-cpu.port.js';
export { MockMemoryPort } from './ports/mock-memory.port.js';
export { MockSystemInfoPort, MockDevicesPort } from './ports/mock-system-info.port.js';
