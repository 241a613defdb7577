// Public API of @qga/backend-mock.
export type { MockBackend } from './mock-backend.js';
export type { MockGuestOptions, MockMount, MockAccount, MockLogin, MockVcpu, MockMemoryBlock, PowerEvent } from './mock-guest.js';
export type { MockStat, MockNodeKind, MockWriteOptions } from './mock-fs.js';
export type { ProgramContext, ProgramHandler, ProgramResult, ProgramRun } from './mock-programs.js';
export type { MockPortMethod } from './failures.js';
export type { InjectedFailure } from './injected-failure.js';

export { mockBackend } from './mock-backend.js';
export { MockGuest, createMockGuest } from './mock-guest.js';
export { MockFileSystem } from './mock-fs.js';
export { MockPrograms, DEFAULT_PATH } from './mock-programs.js';
export { MockClock } from './mock-clock.js';
