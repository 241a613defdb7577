import t from 'tap';
import { GuestGetCpustatsCommand, GuestGetVcpusCommand, GuestSetVcpusCommand } from '../../src/commands/cpu-commands.js';
import {
  GuestGetMemoryBlockInfoCommand,
  GuestGetMemoryBlocksCommand,
  GuestSetMemoryBlocksCommand,
} from '../../src/commands/memory-commands.js';
import {
  GuestShutdownCommand,
  GuestSuspendDiskCommand,
  GuestSuspendHybridCommand,
  GuestSuspendRamCommand,
} from '../../src/commands/power-commands.js';
import { GuestGetTimeCommand, GuestSetTimeCommand, checkSettableTime } from '../../src/commands/time-commands.js';
import { GuestGetUsersCommand, GuestSetUserPasswordCommand } from '../../src/commands/users-commands.js';
import { GuestFstrimCommand } from '../../src/commands/fstrim-commands.js';
import { GuestGetHostNameCommand } from '../../src/commands/system-info-commands.js';
import type { CpuPort } from '../../src/ports/cpu-port.js';
import type { MemoryPort } from '../../src/ports/memory-port.js';
import type { PowerPort } from '../../src/ports/power-port.js';
import type { TimePort } from '../../src/ports/time-port.js';
import type { UsersPort } from '../../src/ports/users-port.js';
import type { SystemInfoPort } from '../../src/ports/system-info-port.js';
import { QgaError } from '../../src/protocol/qga-error.js';

t.test('guest-set-vcpus: in order, stop at the first failure, error only if the first failed', async (t) => {
  const calls: string[] = [];
  const cpu: CpuPort = {
    vcpus: async () => [{ 'logical-id': 0, online: true, 'can-offline': false }],
    stats: async () => [],
    setOnline: async (id, online) => {
      calls.push(`${id}:${online}`);
      if (id === 0 && !online) throw new QgaError("logical processor #0 can't be offlined");
      if (id === 99) throw new QgaError('open("/sys/devices/system/cpu/cpu99/"): No such file or directory');
    },
  };
  const set = new GuestSetVcpusCommand(cpu);
  const v = (id: bigint, online: boolean) => ({ 'logical-id': id, online });
  t.equal(await set.run({ vcpus: [] }), 0);
  t.equal(await set.run({ vcpus: [v(0n, true), v(1n, false), v(99n, true), v(2n, true)] }), 2);
  t.same(calls, ['0:true', '1:false', '99:true'], 'nothing after the failure');
  await t.rejects(set.run({ vcpus: [v(0n, false), v(1n, true)] }), new QgaError("logical processor #0 can't be offlined"));
  await t.rejects(set.run({ vcpus: [v(99n, true)] }), new QgaError('open("/sys/devices/system/cpu/cpu99/"): No such file or directory'));
  t.same(await new GuestGetVcpusCommand(cpu).run(), [{ 'logical-id': 0, online: true, 'can-offline': false }]);
  t.same(await new GuestGetCpustatsCommand(cpu).run(), []);
});

t.test('guest-set-memory-blocks: one response per entry, in order; a port error fails all', async (t) => {
  const memory: MemoryPort = {
    blocks: async () => [],
    blockInfo: async () => ({ size: 134217728n }),
    setBlock: async ({ physIndex, online }) => {
      if (physIndex === 13n) throw new Error('boom');
      return physIndex === 999999n
        ? { 'phys-index': physIndex, response: 'not-found', 'error-code': 2 }
        : { 'phys-index': physIndex, response: online ? 'success' : 'operation-failed', ...(online ? {} : { 'error-code': 16 }) };
    },
  };
  const set = new GuestSetMemoryBlocksCommand(memory);
  t.same(
    await set.run({
      'mem-blks': [
        { 'phys-index': 999999n, online: true },
        { 'phys-index': 1n, online: false },
        { 'phys-index': 2n, online: true },
      ],
    }),
    [
      { 'phys-index': 999999n, response: 'not-found', 'error-code': 2 },
      { 'phys-index': 1n, response: 'operation-failed', 'error-code': 16 },
      { 'phys-index': 2n, response: 'success' },
    ],
  );
  await t.rejects(set.run({ 'mem-blks': [{ 'phys-index': 13n, online: true }] }), { message: 'boom' });
  t.same(await new GuestGetMemoryBlockInfoCommand(memory).run(), { size: 134217728n });
  t.same(await new GuestGetMemoryBlocksCommand(memory).run(), []);
});

t.test('guest-set-user-password: base64, forbidden characters, then the port', async (t) => {
  const set: [string, string, boolean][] = [];
  const users: UsersPort = {
    loggedIn: async () => [{ user: 'root', 'login-time': 1.5 }],
    setPassword: async (u, p, c) => void set.push([u, p, c]),
  };
  const cmd = new GuestSetUserPasswordCommand(users);
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  await t.rejects(cmd.run({ username: 'u', password: '!!', crypted: false }), new QgaError('Base64 data contains invalid characters'));
  await t.rejects(
    cmd.run({ username: 'a:b', password: b64('a\nb'), crypted: false }),
    new QgaError('forbidden characters in raw password'),
    'password checked first',
  );
  await t.rejects(cmd.run({ username: 'a:b', password: b64('ab'), crypted: false }), new QgaError('forbidden characters in username'));
  await t.rejects(cmd.run({ username: 'a\nb', password: b64('ab'), crypted: false }), new QgaError('forbidden characters in username'));
  await t.rejects(cmd.run({ username: 'u', password: b64('a\0b'), crypted: false }), new QgaError('forbidden characters in raw password'));
  await t.rejects(
    cmd.run({ username: 'u', password: Buffer.from([0xff, 0x41]).toString('base64'), crypted: false }),
    new QgaError('forbidden characters in raw password'),
    'not UTF-8',
  );
  await cmd.run({ username: 'root', password: b64('pässword'), crypted: false });
  await cmd.run({ username: 'root', password: b64('$6$salt$hash'), crypted: true });
  t.same(set, [
    ['root', 'pässword', false],
    ['root', '$6$salt$hash', true],
  ]);
  t.same(await new GuestGetUsersCommand(users).run(), [{ user: 'root', 'login-time': 1.5 }]);
});

t.test('guest-set-time: range checks before the port, C truncation toward zero', async (t) => {
  const setTo: (bigint | undefined)[] = [];
  const time: TimePort = { now: () => 1_700_000_000_123_456_000n, setTime: async (ns) => void setTo.push(ns) };
  const cmd = new GuestSetTimeCommand(time);
  await t.rejects(cmd.run({ time: -1_000_000_000_000n }), new QgaError('Invalid time'), '1969');
  await t.rejects(cmd.run({ time: 3_500_000_000_000_000_000n }), new QgaError('Invalid time'), '2080');
  await t.rejects(cmd.run({ time: 2n ** 63n - 1n }), new QgaError('Invalid time'));
  t.throws(
    () => checkSettableTime(3_000_000_000_000_000_000n, 32),
    new QgaError('Time 3000000000000000000 is too large'),
    'only with a 32-bit time_t',
  );
  t.doesNotThrow(() => checkSettableTime(2_000_000_000_000_000_000n, 32));
  // -1 ns truncates to second 0, like C division: 1970 in local time east of UTC, 1969 west of it.
  if (new Date(0).getFullYear() === 1970) await cmd.run({ time: -1n });
  else await t.rejects(cmd.run({ time: -1n }), new QgaError('Invalid time'));
  await cmd.run({ time: 1_700_000_000_000_000_000n });
  await cmd.run({});
  t.same(setTo.slice(-2), [1_700_000_000_000_000_000n, undefined]);
  t.equal(new GuestGetTimeCommand(time).run(), 1_700_000_000_123_456_000n);
});

t.test('guest-shutdown and guest-suspend-*: modes, defaults, no success response', async (t) => {
  const calls: string[] = [];
  const power: PowerPort = {
    shutdown: async (m) => void calls.push(`shutdown ${m}`),
    suspend: async (m) => void calls.push(`suspend ${m}`),
  };
  const sd = new GuestShutdownCommand(power);
  t.equal(sd.spec.successResponse, false);
  await sd.run({});
  await sd.run({ mode: 'halt' });
  await sd.run({ mode: 'reboot' });
  await t.rejects(sd.run({ mode: 'foo' }), new QgaError('mode is invalid (valid values are: halt|powerdown|reboot'));
  for (const C of [GuestSuspendDiskCommand, GuestSuspendRamCommand, GuestSuspendHybridCommand]) {
    const c = new C(power);
    t.equal(c.spec.successResponse, false, c.spec.name);
    await c.run();
  }
  t.same(calls, ['shutdown powerdown', 'shutdown halt', 'shutdown reboot', 'suspend disk', 'suspend ram', 'suspend hybrid']);
});

t.test('pass-through commands shape their result', async (t) => {
  const minima: bigint[] = [];
  const trim = new GuestFstrimCommand({ trim: async (m) => (minima.push(m), [{ path: '/', trimmed: 5n, minimum: m }]) });
  t.same(await trim.run({}), { paths: [{ path: '/', trimmed: 5n, minimum: 0n }] });
  await trim.run({ minimum: 4096n });
  t.same(minima, [0n, 4096n]);
  const sys = { hostName: async () => 'guest1' } as SystemInfoPort;
  t.same(await new GuestGetHostNameCommand(sys).run(), { 'host-name': 'guest1' });
});
