import 'reflect-metadata';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { createAgent, type AgentConfig } from '@qga/core';
import { MemoryTransport } from '@qga/core/testing';
import { createMockGuest, mockBackend, type MockGuest } from '../src/index.js';

/**
 * The mock guest behind a real agent (core's createAgent, dispatcher and
 * built-in commands), driven over an in-memory transport: what a host tool
 * sees on the wire.
 */
async function start(t: { teardown(fn: () => unknown): void }, guest: MockGuest = createMockGuest(), config: Partial<AgentConfig> = {}) {
  const stateDir = await mkdtemp(join(tmpdir(), 'qga-mock-agent-'));
  const transport = new MemoryTransport();
  const agent = createAgent({ transport, backend: mockBackend(guest), config: { stateDir, ...config } });
  await agent.start();
  const client = transport.connect();
  t.teardown(async () => {
    await agent.stop();
    guest.dispose();
    await rm(stateDir, { recursive: true, force: true });
  });
  /** Send one request text and return its reply line. */
  const text = async (request: string): Promise<string> => {
    client.send(request);
    const [line] = await client.lines(1);
    return line!;
  };
  /** Send one request and return its reply line (raw text). */
  const raw = (execute: string, args?: object): Promise<string> =>
    text(JSON.stringify(args === undefined ? { execute } : { execute, arguments: args }));
  /** Send one request and return the parsed reply. */
  const call = async (execute: string, args?: object): Promise<{ return?: any; error?: { class: string; desc: string } }> =>
    JSON.parse(await raw(execute, args));
  /** A request that must produce no reply: checked by the ping that follows. */
  const silent = async (execute: string, args?: object): Promise<string> => {
    client.send(JSON.stringify(args === undefined ? { execute } : { execute, arguments: args }));
    return raw('guest-ping');
  };
  return { guest, agent, client, stateDir, text, raw, call, silent };
}

const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64');

t.test('every one of the 44 commands is offered and enabled', async (t) => {
  const a = await start(t);
  const info = await a.call('guest-info');
  t.equal(info.return.supported_commands.length, 44);
  t.ok(info.return.supported_commands.every((c: { enabled: boolean }) => c.enabled));
  t.equal(info.return.supported_commands.find((c: { name: string }) => c.name === 'guest-get-devices').enabled, true);
});

t.test('time: exact int64 on the wire; set-time moves the guest clock', async (t) => {
  const a = await start(t, createMockGuest({ clock: 1_700_000_000_123_456_000n }));
  t.equal(await a.raw('guest-get-time'), '{"return": 1700000000123456000}');
  t.same(await a.call('guest-set-time', { time: 1_750_000_000_000_000_000n.toString() }), {
    error: { class: 'GenericError', desc: "Invalid parameter type for 'time', expected: integer" },
  });
  t.equal(await a.text('{"execute":"guest-set-time","arguments":{"time":1750000000000000000}}'), '{"return": {}}');
  t.equal(a.guest.clock.now(), 1_750_000_000_000_000_000n);
  t.same(await a.call('guest-set-time', { time: -1_000_000_000_000 }), { error: { class: 'GenericError', desc: 'Invalid time' } });
});

t.test('shutdown and suspend answer nothing on success and land in power.history', async (t) => {
  const a = await start(t, createMockGuest({ clock: 1n }));
  t.equal(await a.silent('guest-shutdown', { mode: 'reboot' }), '{"return": {}}', 'the next line is the ping');
  t.equal(await a.silent('guest-suspend-ram'), '{"return": {}}');
  t.same(await a.call('guest-shutdown', { mode: 'foo' }), {
    error: { class: 'GenericError', desc: 'mode is invalid (valid values are: halt|powerdown|reboot' },
  });
  a.guest.power.suspendModes = [];
  t.same(await a.call('guest-suspend-hybrid'), {
    error: { class: 'GenericError', desc: 'the requested suspend mode is not supported by the guest' },
  });
  t.same(a.guest.power.history, [
    { kind: 'shutdown', mode: 'reboot', at: 1n },
    { kind: 'suspend', mode: 'ram', at: 1n },
  ]);
});

t.test('file commands: the /qga/file-ops sequence, state file, and injected failures', async (t) => {
  const a = await start(t);
  const hello = Buffer.from('Hello World!\n\0');
  a.guest.fs.cwd = '/tmp';
  t.equal(await a.raw('guest-file-open', { path: 'foo', mode: 'w+' }), '{"return": 1000}');
  t.equal(await readFile(join(a.stateDir, 'qga.state'), 'utf8'), '[global]\nfd_counter=1001\n');
  t.equal(await a.raw('guest-file-write', { handle: 1000, 'buf-b64': b64(hello) }), '{"return": {"count": 14, "eof": false}}');
  t.equal(await a.raw('guest-file-flush', { handle: 1000 }), '{"return": {}}');
  t.equal(await a.raw('guest-file-close', { handle: 1000 }), '{"return": {}}');
  t.ok(a.guest.fs.readFile('/tmp/foo').equals(hello));
  t.equal(await a.raw('guest-file-open', { path: 'foo', mode: 'r' }), '{"return": 1001}');
  t.equal(await a.raw('guest-file-read', { handle: 1001 }), `{"return": {"count": 14, "buf-b64": "${b64(hello)}", "eof": true}}`);
  t.equal(await a.raw('guest-file-read', { handle: 1001 }), '{"return": {"count": 0, "buf-b64": "", "eof": true}}');
  t.equal(await a.raw('guest-file-seek', { handle: 1001, offset: 6, whence: 'set' }), '{"return": {"eof": false, "position": 6}}');
  t.equal(
    await a.raw('guest-file-read', { handle: 1001 }),
    `{"return": {"count": 8, "buf-b64": "${b64(hello.subarray(6))}", "eof": true}}`,
  );
  t.same(await a.call('guest-file-read', { handle: 1001, count: -1 }), {
    error: { class: 'GenericError', desc: "value '-1' is invalid for argument count" },
  });
  t.same(await a.call('guest-file-seek', { handle: 1001, offset: 0, whence: 7 }), {
    error: { class: 'GenericError', desc: 'invalid whence code 7' },
  });
  t.equal(await a.raw('guest-file-close', { handle: 1001 }), '{"return": {}}');
  t.same(await a.call('guest-file-close', { handle: 1001 }), {
    error: { class: 'GenericError', desc: "handle '1001' has not been found" },
  });
  a.guest.failNext('files.open', 'EACCES');
  t.same(await a.call('guest-file-open', { path: '/tmp/foo' }), {
    error: { class: 'GenericError', desc: "failed to open file '/tmp/foo' (mode: 'r'): Permission denied" },
  });
  t.same(await a.call('guest-file-open', { path: '/no/such', mode: 'w' }), {
    error: { class: 'GenericError', desc: "failed to open file '/no/such' (mode: 'w'): No such file or directory" },
  });
});

t.test('fsfreeze with a hook program: order, the frozen gate, status, thaw', async (t) => {
  const guest = createMockGuest();
  const seen: string[] = [];
  guest.programs.define('/etc/qemu/fsfreeze-hook', (ctx) => {
    seen.push(`${ctx.args[0]} frozen=${guest.storage.mounts.filter((m) => m.frozen).length}`);
    ctx.stdout(`hook ${ctx.args[0]}\n`);
    return 0;
  });
  const a = await start(t, guest, { fsfreezeHook: '/etc/qemu/fsfreeze-hook' });
  t.equal(await a.raw('guest-fsfreeze-status'), '{"return": "thawed"}');
  t.equal(await a.raw('guest-fsfreeze-freeze'), '{"return": 2}');
  t.equal(await a.raw('guest-fsfreeze-status'), '{"return": "frozen"}');
  t.same(await a.call('guest-file-open', { path: '/tmp/x', mode: 'w' }), {
    error: { class: 'CommandNotFound', desc: 'Command guest-file-open has been disabled: the command is not allowed' },
  });
  t.ok((await readFile(join(a.stateDir, 'qga.state.isfrozen')).catch(() => null)) !== null, 'isfrozen marker exists');
  t.equal(await a.raw('guest-fsfreeze-thaw'), '{"return": 2}');
  t.same(seen, ['freeze frozen=0', 'thaw frozen=0'], 'freeze hook before freezing, thaw hook after thawing');
  t.equal(await a.raw('guest-fsfreeze-freeze-list', { mountpoints: ['/data'] }), '{"return": 1}');
  t.equal(await a.raw('guest-fsfreeze-thaw'), '{"return": 1}');
  guest.programs.define('/etc/qemu/fsfreeze-hook', (ctx) => {
    ctx.stderr('cannot quiesce db\n');
    return ctx.args[0] === 'freeze' ? 1 : 0;
  });
  t.same(await a.call('guest-fsfreeze-freeze'), {
    error: { class: 'GenericError', desc: 'child process has failed to execute fsfreeze hook: cannot quiesce db\n' },
  });
  t.equal(await a.raw('guest-fsfreeze-status'), '{"return": "thawed"}');
  t.same(
    guest.storage.mounts.map((m) => m.frozen),
    [false, false, false],
  );
  guest.mount('/')!.freezeError = 'EIO';
  guest.programs.define('/etc/qemu/fsfreeze-hook', () => 0);
  t.same(await a.call('guest-fsfreeze-freeze'), { error: { class: 'GenericError', desc: 'failed to freeze /: Input/output error' } });
  t.equal(await a.raw('guest-fsfreeze-status'), '{"return": "thawed"}');
});

t.test('auto-thaw: a host that never thaws does not leave the guest frozen', async (t) => {
  const a = await start(t, createMockGuest(), { freezeTimeoutMs: 80 });
  t.equal(await a.raw('guest-fsfreeze-freeze'), '{"return": 2}');
  await new Promise((r) => setTimeout(r, 200));
  t.equal(await a.raw('guest-fsfreeze-status'), '{"return": "thawed"}');
  t.same(
    a.guest.storage.mounts.map((m) => m.frozen),
    [false, false, false],
  );
});

t.test('guest-exec and guest-exec-status on scripted programs', async (t) => {
  const guest = createMockGuest();
  guest.programs.define('/usr/bin/loop', (ctx) => {
    for (let i = 1; i <= 4; i++) (i % 2 ? ctx.stdout : ctx.stderr)(i % 2 ? 'stdout\n' : 'stderr\n');
    return 0;
  });
  const a = await start(t, guest);
  const poll = async (pid: number) => {
    for (let i = 0; i < 100; i++) {
      const r = await a.call('guest-exec-status', { pid });
      if (r.return?.exited) return r.return;
      await new Promise((res) => setTimeout(res, 5));
    }
    throw new Error('never exited');
  };
  const echo = await a.call('guest-exec', { path: 'echo', arg: ['-n', '" test_str "'], 'capture-output': true });
  t.same(await poll(echo.return.pid), { exitcode: 0, 'out-data': b64('" test_str "'), exited: true, 'out-truncated': false });
  const sep = await a.call('guest-exec', { path: 'loop', 'capture-output': 'separated' });
  t.same(await poll(sep.return.pid), {
    exitcode: 0,
    'err-data': b64('stderr\nstderr\n'),
    'out-data': b64('stdout\nstdout\n'),
    exited: true,
    'out-truncated': false,
    'err-truncated': false,
  });
  const merged = await a.call('guest-exec', { path: 'loop', 'capture-output': 'merged' });
  t.same(await poll(merged.return.pid), {
    exitcode: 0,
    'out-data': b64('stdout\nstderr\nstdout\nstderr\n'),
    exited: true,
    'out-truncated': false,
  });
  const cat = await a.call('guest-exec', { path: 'cat', 'input-data': b64('via stdin'), 'capture-output': 'stdout' });
  t.same(await poll(cat.return.pid), { exitcode: 0, 'out-data': b64('via stdin'), exited: true, 'out-truncated': false });
  t.same(await a.call('guest-exec-status', { pid: cat.return.pid }), {
    error: { class: 'GenericError', desc: `PID ${cat.return.pid} does not exist` },
  });
  t.equal(
    await a.raw('guest-exec', { path: '/bin/invalid-cmd42' }),
    '{"error": {"class": "GenericError", "desc": "Failed to execute child process \\u201C/bin/invalid-cmd42\\u201D (No such file or directory)"}}',
  );
});

t.test('ssh keys, passwords and users over the wire', async (t) => {
  const a = await start(t);
  t.equal(await a.raw('guest-ssh-add-authorized-keys', { username: 'user', keys: ['ssh-ed25519 AAAA x', ''] }), '{"return": {}}');
  t.equal(a.guest.authorizedKeys('user'), 'ssh-ed25519 AAAA x\n');
  await a.call('guest-ssh-add-authorized-keys', { username: 'user', keys: ['ssh-rsa BBBB y'] });
  t.same((await a.call('guest-ssh-get-authorized-keys', { username: 'user' })).return, { keys: ['ssh-rsa BBBB y', 'ssh-ed25519 AAAA x'] });
  await a.call('guest-ssh-remove-authorized-keys', { username: 'user', keys: ['ssh-ed25519 AAAA x'] });
  t.same((await a.call('guest-ssh-get-authorized-keys', { username: 'user' })).return, { keys: ['ssh-rsa BBBB y'] });
  t.same(await a.call('guest-ssh-get-authorized-keys', { username: 'root' }), {
    error: {
      class: 'GenericError',
      desc: "failed to read '/root/.ssh/authorized_keys': Failed to open file \u201C/root/.ssh/authorized_keys\u201D: No such file or directory",
    },
  });
  t.same(await a.call('guest-ssh-add-authorized-keys', { username: 'ghost', keys: ['#k'] }), {
    error: { class: 'GenericError', desc: "invalid OpenSSH public key: '#k'" },
  });
  t.equal(await a.raw('guest-set-user-password', { username: 'user', password: b64('s3cret'), crypted: false }), '{"return": {}}');
  t.equal(a.guest.account('user')!.password, 's3cret');
  t.same((await a.call('guest-get-users')).return, [
    { 'login-time': 1700000000.25, user: 'user' },
    { 'login-time': 1700000100.5, user: 'root' },
  ]);
});

t.test('the read-only inventory commands return the guest state', async (t) => {
  const a = await start(t, createMockGuest({ hostName: 'vm-7' }));
  t.equal(await a.raw('guest-get-host-name'), '{"return": {"host-name": "vm-7"}}');
  t.equal(await a.raw('guest-get-timezone'), '{"return": {"zone": "UTC", "offset": 0}}');
  t.equal(await a.raw('guest-get-load'), '{"return": {"load15m": 0.75, "load5m": 0.5, "load1m": 0.25}}');
  t.equal((await a.call('guest-get-osinfo')).return['pretty-name'], 'Mock Linux 1.0');
  t.same(
    (await a.call('guest-network-get-interfaces')).return.map((i: { name: string }) => i.name),
    ['lo', 'eth0'],
  );
  t.equal((await a.call('guest-network-get-route')).return.length, 3);
  t.same((await a.call('guest-get-vcpus')).return, [
    { online: true, 'can-offline': false, 'logical-id': 0 },
    { online: true, 'can-offline': true, 'logical-id': 1 },
  ]);
  t.equal(
    await a.raw('guest-set-vcpus', {
      vcpus: [
        { 'logical-id': 1, online: false },
        { 'logical-id': 0, online: false },
      ],
    }),
    '{"return": 1}',
  );
  t.equal(a.guest.cpus[1]!.online, false);
  t.equal((await a.call('guest-get-cpustats')).return.length, 2);
  t.same(
    (await a.call('guest-get-disks')).return.map((d: { name: string }) => d.name),
    ['/dev/vda', '/dev/vda1', '/dev/vdb'],
  );
  t.same(
    (await a.call('guest-get-fsinfo')).return.map((f: { mountpoint: string }) => f.mountpoint),
    ['/data', '/'],
  );
  t.equal((await a.call('guest-get-diskstats')).return[0].name, 'vda');
  t.same(
    (await a.call('guest-fstrim')).return.paths.map((p: { path: string }) => p.path),
    ['/data', '/'],
  );
  t.equal((await a.call('guest-get-memory-blocks')).return.length, 8);
  t.equal(await a.raw('guest-get-memory-block-info'), '{"return": {"size": 134217728}}');
  t.same((await a.call('guest-set-memory-blocks', { 'mem-blks': [{ 'phys-index': 999999, online: true }] })).return, [
    { response: 'not-found', 'error-code': 2, 'phys-index': 999999 },
  ]);
  t.equal((await a.call('guest-get-devices')).return[0]['driver-name'], 'virtio-pci');
  a.guest.failNext('storage.disks', 'failed to read /sys/block');
  t.same(await a.call('guest-get-disks'), { error: { class: 'GenericError', desc: 'failed to read /sys/block' } });
});

t.test("the agent keeps its own frozen copy of the config: the embedder's arrays stay theirs", async (t) => {
  const blockRpcs = ['guest-get-host-name'];
  const a = await start(t, createMockGuest(), { blockRpcs });
  t.notOk(Object.isFrozen(blockRpcs), 'the array the embedder passed is not frozen');
  blockRpcs.push('guest-get-time');
  t.same(blockRpcs, ['guest-get-host-name', 'guest-get-time'], 'and the embedder can still change it');
  t.match(await a.raw('guest-get-time'), /^\{"return": \d+\}$/, "changing it later does not change the agent's policy");
  t.match(await a.call('guest-get-host-name'), { error: { class: 'CommandNotFound' } }, 'the policy given at creation holds');
  t.ok(Object.isFrozen(a.agent.config.blockRpcs), "the agent's copy is frozen");
  t.throws(() => (a.agent.config.blockRpcs as string[]).push('guest-ping'), TypeError, 'nothing can widen or narrow it');
});
