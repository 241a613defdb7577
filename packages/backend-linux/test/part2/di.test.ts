import 'reflect-metadata';
import { TOKENS, type CpuPort, type MemoryPort, type NetworkPort, type StoragePort, type SystemInfoPort } from '@qga/core';
import { Container, ContainerModule } from 'inversify';
import t from 'tap';
import { LinuxCpu } from '../../src/cpu/index.js';
import { LinuxLogins } from '../../src/logins/index.js';
import { LinuxMemory } from '../../src/memory/index.js';
import { LinuxNetwork } from '../../src/network/index.js';
import { type LinuxInventoryOptions } from '../../src/proc/index.js';
import { LinuxStorage } from '../../src/storage/index.js';
import { LinuxSystemInfo } from '../../src/system-info/index.js';
import { fixtureConfig } from './fixtures.js';
import { LINUX_TOKENS } from '../../src/tokens.js';

/** Exactly the bindings the lead adds to the backend's ContainerModule. */
const part2 = new ContainerModule((options) => {
  options.bind(TOKENS.NetworkPort).to(LinuxNetwork).inSingletonScope();
  options.bind(TOKENS.StoragePort).to(LinuxStorage).inSingletonScope();
  options.bind(TOKENS.CpuPort).to(LinuxCpu).inSingletonScope();
  options.bind(TOKENS.MemoryPort).to(LinuxMemory).inSingletonScope();
  options.bind(TOKENS.SystemInfoPort).to(LinuxSystemInfo).inSingletonScope();
  options.bind(LinuxLogins).toSelf().inSingletonScope();
});

t.test('every part-2 port resolves with defaults (no config bound)', async (t) => {
  const c = new Container();
  c.load(part2);
  t.type(c.get<NetworkPort>(TOKENS.NetworkPort), LinuxNetwork);
  t.type(c.get<StoragePort>(TOKENS.StoragePort), LinuxStorage);
  t.type(c.get<CpuPort>(TOKENS.CpuPort), LinuxCpu);
  t.type(c.get<MemoryPort>(TOKENS.MemoryPort), LinuxMemory);
  t.type(c.get<SystemInfoPort>(TOKENS.SystemInfoPort), LinuxSystemInfo);
  t.equal(c.get(TOKENS.StoragePort), c.get(TOKENS.StoragePort), 'singleton: the statfs bookkeeping is shared by all calls');
  const vcpus = await c.get<CpuPort>(TOKENS.CpuPort).vcpus();
  t.ok(vcpus.length > 0, 'reads the real /sys');
  const users = await c.get(LinuxLogins).loggedIn();
  t.ok(Array.isArray(users) && users.every((u) => typeof u.user === 'string' && typeof u['login-time'] === 'number'));
});

t.test('LINUX_TOKENS.InventoryConfig reaches every port (excludeInterfaces, roots)', async (t) => {
  const c = new Container();
  c.load(part2);
  const cfg: LinuxInventoryOptions = { ...fixtureConfig('ipv6-disabled'), excludeInterfaces: ['lo'] };
  c.bind(LINUX_TOKENS.InventoryConfig).toConstantValue(cfg);
  const routes = await c.get<NetworkPort>(TOKENS.NetworkPort).routes();
  t.equal(routes.length, 3, 'fixture /proc used');
  const ifaces = await c.get<NetworkPort>(TOKENS.NetworkPort).interfaces();
  t.notOk(
    ifaces.some((i) => i.name === 'lo'),
    'lo excluded',
  );
  await t.rejects(
    c.get<SystemInfoPort>(TOKENS.SystemInfoPort).load(),
    {
      message: 'cannot query load average: No such file or directory',
    },
    'the fixture /proc (which has no loadavg) is read, not the real one',
  );
});

t.test('a UsersPort combining LinuxLogins with a password setter', async (t) => {
  const c = new Container();
  c.load(part2);
  c.bind(LINUX_TOKENS.InventoryConfig).toConstantValue(fixtureConfig('desktop', { systemdRunDir: '/nonexistent' })); // utmp: no logind
  const calls: unknown[] = [];
  c.bind(TOKENS.UsersPort)
    .toDynamicValue((ctx) => {
      const logins = ctx.get(LinuxLogins);
      return {
        loggedIn: () => logins.loggedIn(),
        setPassword: async (...a: unknown[]) => {
          calls.push(a);
        },
      };
    })
    .inSingletonScope();
  const users = c.get<{ loggedIn(): Promise<Array<{ user: string }>> }>(TOKENS.UsersPort);
  t.same(
    (await users.loggedIn()).map((u) => u.user),
    ['alice', 'bob', 'averyveryveryverylongusername_32'],
  );
});
