import 'reflect-metadata';
import { TOKENS } from '@qga/core';
import { Container, ContainerModule } from 'inversify';
import t from 'tap';
import { LinuxExec } from '../../src/exec/index.js';
import { LinuxFiles } from '../../src/files/index.js';
import { LinuxFsFreeze, LinuxFsTrim } from '../../src/fsfreeze/index.js';
import { LinuxPower } from '../../src/power/index.js';
import { LinuxSshKeys } from '../../src/ssh/index.js';
import { LinuxTime } from '../../src/time/index.js';
import { LinuxPassword } from '../../src/users/index.js';
import { LINUX_TOKENS } from '../../src/tokens.js';

/** The bindings the lead adds to linux-backend.ts, resolved for real. */
const part1 = new ContainerModule((options) => {
  options.bind(TOKENS.FilesPort).to(LinuxFiles).inSingletonScope();
  options.bind(TOKENS.ExecPort).to(LinuxExec).inSingletonScope();
  options.bind(TOKENS.FsFreezePort).to(LinuxFsFreeze).inSingletonScope();
  options.bind(TOKENS.FsTrimPort).to(LinuxFsTrim).inSingletonScope();
  options.bind(TOKENS.PowerPort).to(LinuxPower).inSingletonScope();
  options.bind(TOKENS.TimePort).to(LinuxTime).inSingletonScope();
  options.bind(TOKENS.SshKeysPort).to(LinuxSshKeys).inSingletonScope();
  options.bind(LinuxPassword).toSelf().inSingletonScope();
});

t.test('every part-1 port resolves with default options', async (t) => {
  const c = new Container();
  c.load(part1);
  t.type(c.get(TOKENS.FilesPort), LinuxFiles);
  t.type(c.get(TOKENS.ExecPort), LinuxExec);
  t.type(c.get(TOKENS.FsFreezePort), LinuxFsFreeze);
  t.type(c.get(TOKENS.FsTrimPort), LinuxFsTrim);
  t.type(c.get(TOKENS.PowerPort), LinuxPower);
  t.type(c.get(TOKENS.TimePort), LinuxTime);
  t.type(c.get(TOKENS.SshKeysPort), LinuxSshKeys);
  t.type(c.get(LinuxPassword), LinuxPassword);
  t.equal(c.get(TOKENS.TimePort), c.get(TOKENS.TimePort), 'singletons');
  const now = c.get<LinuxTime>(TOKENS.TimePort).now();
  t.ok(now > 0n);
});

t.test('options are injectable', async (t) => {
  const c = new Container();
  c.load(part1);
  let listed = 0;
  c.bind(LINUX_TOKENS.FsFreezeOptions).toConstantValue({
    mountList: async () => {
      listed++;
      return [];
    },
  });
  c.bind(LINUX_TOKENS.TimeOptions).toConstantValue({ hwclock: '/nonexistent/hwclock', env: { searchPath: '', timeoutMs: 1000 } });
  t.equal(await c.get<LinuxFsFreeze>(TOKENS.FsFreezePort).thaw(), 0);
  t.equal(listed, 1, 'the bound mount source was used');
  await t.rejects(c.get<LinuxTime>(TOKENS.TimePort).setTime(), { message: /failed to exec '\/nonexistent\/hwclock'/ });
});
