import { ContainerModule } from 'inversify';
import { TOKENS, type Backend } from '@qga/core';
import { createMockGuest, type MockGuest } from './mock-guest.js';
import { MockCpu } from './ports/mock-cpu.js';
import { MockFiles } from './ports/mock-files.js';
import { MockFsFreeze, MockFsTrim } from './ports/mock-fsfreeze.js';
import { MockMemory } from './ports/mock-memory.js';
import { MockNetwork } from './ports/mock-network.js';
import { MockPower } from './ports/mock-power.js';
import { MockStorage } from './ports/mock-storage.js';
import { MockDevices, MockSystemInfo } from './ports/mock-system-info.js';
import { MockTime } from './ports/mock-time.js';
import { MockSshKeys, MockUsers } from './ports/mock-users.js';

/** The mock backend plus the guest behind it, for test setup and assertions. */
export interface MockBackend extends Backend {
  readonly name: 'mock';
  readonly guest: MockGuest;
}

/**
 * A Backend whose module binds every port token to the in-memory guest.
 * Nothing is unsupported: all 44 commands are offered, guest-get-devices
 * included, so a host tool can exercise each of them.
 */
export function mockBackend(guest: MockGuest = createMockGuest()): MockBackend {
  const f = guest.failures;
  const module = new ContainerModule((options) => {
    options.bind(TOKENS.FilesPort).toConstantValue(new MockFiles(guest.fs, f));
    options.bind(TOKENS.ExecPort).toConstantValue(guest.processes);
    options.bind(TOKENS.FsFreezePort).toConstantValue(new MockFsFreeze(guest, f));
    options.bind(TOKENS.FsTrimPort).toConstantValue(new MockFsTrim(guest, f));
    options.bind(TOKENS.PowerPort).toConstantValue(new MockPower(guest, f));
    options.bind(TOKENS.TimePort).toConstantValue(new MockTime(guest, f));
    options.bind(TOKENS.UsersPort).toConstantValue(new MockUsers(guest, f));
    options.bind(TOKENS.SshKeysPort).toConstantValue(new MockSshKeys(guest, f));
    options.bind(TOKENS.NetworkPort).toConstantValue(new MockNetwork(guest, f));
    options.bind(TOKENS.StoragePort).toConstantValue(new MockStorage(guest, f));
    options.bind(TOKENS.CpuPort).toConstantValue(new MockCpu(guest, f));
    options.bind(TOKENS.MemoryPort).toConstantValue(new MockMemory(guest, f));
    options.bind(TOKENS.SystemInfoPort).toConstantValue(new MockSystemInfo(guest, f));
    options.bind(TOKENS.DevicesPort).toConstantValue(new MockDevices(guest, f));
  });
  return { name: 'mock', module, guest, unsupportedCommands: [] };
}
