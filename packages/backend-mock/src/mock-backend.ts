import { ContainerModule } from 'inversify';
import { TOKENS, type Backend } from '@qga/core';
import { createMockGuest, type MockGuest } from './mock-guest.js';
import { MockCpuPort } from './ports/mock-cpu.port.js';
import { MockFilesPort } from './ports/mock-files.port.js';
import { MockFsFreezePort, MockFsTrimPort } from './ports/mock-fsfreeze.port.js';
import { MockMemoryPort } from './ports/mock-memory.port.js';
import { MockNetworkPort } from './ports/mock-network.port.js';
import { MockPowerPort } from './ports/mock-power.port.js';
import { MockStoragePort } from './ports/mock-storage.port.js';
import { MockDevicesPort, MockSystemInfoPort } from './ports/mock-system-info.port.js';
import { MockTimePort } from './ports/mock-time.port.js';
import { MockSshKeysPort, MockUsersPort } from './ports/mock-users.port.js';

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
    options.bind(TOKENS.FilesPort).toConstantValue(new MockFilesPort(guest.fs, f));
    options.bind(TOKENS.ExecPort).toConstantValue(guest.processes);
    options.bind(TOKENS.FsFreezePort).toConstantValue(new MockFsFreezePort(guest, f));
    options.bind(TOKENS.FsTrimPort).toConstantValue(new MockFsTrimPort(guest, f));
    options.bind(TOKENS.PowerPort).toConstantValue(new MockPowerPort(guest, f));
    options.bind(TOKENS.TimePort).toConstantValue(new MockTimePort(guest, f));
    options.bind(TOKENS.UsersPort).toConstantValue(new MockUsersPort(guest, f));
    options.bind(TOKENS.SshKeysPort).toConstantValue(new MockSshKeysPort(guest, f));
    options.bind(TOKENS.NetworkPort).toConstantValue(new MockNetworkPort(guest, f));
    options.bind(TOKENS.StoragePort).toConstantValue(new MockStoragePort(guest, f));
    options.bind(TOKENS.CpuPort).toConstantValue(new MockCpuPort(guest, f));
    options.bind(TOKENS.MemoryPort).toConstantValue(new MockMemoryPort(guest, f));
    options.bind(TOKENS.SystemInfoPort).toConstantValue(new MockSystemInfoPort(guest, f));
    options.bind(TOKENS.DevicesPort).toConstantValue(new MockDevicesPort(guest, f));
  });
  return { name: 'mock', module, guest, unsupportedCommands: [] };
}
