import { symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import type { Logger } from '@qga/core';
import { startEchoAgent, type EchoAgent } from '@qga/core/testing';
import { isaSerialTransport, type IsaSerialOptions } from '../src/index.js';
import { PtyHost } from './fixtures/pty-host.js';
import { tmpDir } from './fixtures/tmp-dir.js';
import { until } from './fixtures/wait.js';

function start(t: Parameters<typeof tmpDir>[0], options: IsaSerialOptions): { agent: EchoAgent; logs: string[] } {
  const logs: string[] = [];
  const logger: Logger = { log: (level, message) => logs.push(`${level}: ${message}`) };
  const agent = startEchoAgent(isaSerialTransport({ retry: { initialMs: 10, maxMs: 200 }, logger, ...options }));
  t.teardown(() => agent.stop());
  return { agent, logs };
}

async function host(t: Parameters<typeof tmpDir>[0]): Promise<PtyHost> {
  // Left in the default cooked mode with echo on: the transport must fix that.
  const h = await PtyHost.open([]);
  t.teardown(() => h.close());
  return h;
}

const req = (id: unknown): string => `${JSON.stringify({ execute: 'echo', arguments: id, id })}\n`;

t.test('raw mode: no echo, no line editing, no translations', async (t) => {
  const dev = await host(t);
  t.match(dev.sttyAll(), /(^|\s)echo(\s|$)/, 'the pty starts with echo on');
  const { agent } = start(t, { path: dev.path });
  await until(() => agent.stats.size === 1, 3_000, 'the session');
  const settings = dev.sttyAll();
  for (const flag of ['-echo', '-icanon', '-opost', '-isig', '-icrnl', '-ixon', 'cs8', '-parenb', 'clocal']) {
    t.match(settings, new RegExp(`(^|\\s)${flag}(\\s|;|$)`), flag);
  }
  t.match(settings, /min = 1;/);
  t.match(settings, /speed 38400 baud/);
  // 0x03 (^C), 0x13 (^S) and a CR inside the request survive unchanged.
  dev.write(`${JSON.stringify({ execute: 'echo', arguments: '\u0003\u0013\r', id: 1 })}\n`);
  const [line] = await dev.waitLines(1);
  t.same(JSON.parse(line!), { return: '\u0003\u0013\r', id: 1 });
  t.notOk(dev.bytes.toString('latin1').includes('execute'), 'the request was not echoed back');
});

t.test('EOF does not leave the agent deaf: the tty is reopened', async (t) => {
  const dev = await host(t);
  const { agent, logs } = start(t, { path: dev.path });
  await until(() => agent.stats.size === 1, 3_000, 'the device to be opened and configured');
  dev.write(req('before'));
  await dev.waitLines(1);
  // Make reads return 0 (what a hung-up line looks like to read()).
  dev.stty(['min', '0']);
  dev.write(' '); // lets the blocked read return; the next read sees 0 bytes
  await until(() => agent.stats.size === 2, 3_000, 'a fresh session after reopening');
  t.match(dev.sttyAll(), /min = 1;/, 'raw settings restored on reopen');
  dev.write(req('after'));
  const lines = await dev.waitLines(2);
  t.same(JSON.parse(lines[1]!), { return: 'after', id: 'after' });
  t.same(agent.errors, []);
  t.ok(logs.some((l) => l.includes('opened')));
});

t.test('hangup (EIO) and a new tty behind the same path', async (t) => {
  const dir = tmpDir(t);
  const link = join(dir, 'ttyS0');
  const first = await host(t);
  symlinkSync(first.path, link);
  const { agent, logs } = start(t, { path: link });
  await until(() => agent.stats.size === 1, 3_000, 'the device to be opened and configured');
  first.write(req(1));
  await first.waitLines(1);
  await first.close();
  // The path disappears with the device. (Dropping the link also keeps the agent from opening a new
  // pty that reuses the old /dev/pts number while node-pty is still setting it up.)
  unlinkSync(link);
  await until(() => logs.some((l) => l.includes('cannot open')), 5_000, 'the dead tty to be noticed');
  const second = await host(t);
  const mark = logs.length;
  symlinkSync(second.path, link);
  // The new tty starts in cooked mode with echo, and input pending at open is discarded
  // (as qemu-ga's tcflush does): talk once the agent has opened and configured it.
  try {
    await until(() => logs.slice(mark).some((l) => l.includes('device is back')), 5_000, 'the reopened device');
  } catch (e) {
    throw new Error(`${(e as Error).message}; agent log since the new tty:\n${logs.slice(mark).join('\n')}`);
  }
  second.write(req(2));
  t.same(JSON.parse((await second.waitLines(1, 5_000))[0]!), { return: 2, id: 2 });
  t.ok(agent.sessions.length >= 2, 'a new session');
  t.ok(
    logs.some((l) => /read failed: .*EIO/.test(l)),
    'the hang-up was logged, the agent kept going',
  );
});

t.test('missing at start, then appearing', async (t) => {
  const link = join(tmpDir(t), 'ttyS0');
  const { agent } = start(t, { path: link });
  await sleep(300);
  t.equal(agent.sessions.length, 0);
  const dev = await host(t);
  symlinkSync(dev.path, link);
  await until(() => agent.sessions.length === 1, 3_000);
  dev.write(req('late'));
  t.same(JSON.parse((await dev.waitLines(1))[0]!), { return: 'late', id: 'late' });
});

t.test('raw mode failure (not a tty: tcgetattr ENOTTY) counts as an open failure: retried, or fatal without retry', async (t) => {
  const retried = start(t, { path: '/dev/null' });
  await sleep(300);
  t.equal(retried.agent.sessions.length, 0);
  t.same(retried.agent.errors, []);
  t.match(retried.logs.join('\n'), /cannot open: .*ENOTTY: Inappropriate ioctl for device, tcgetattr; retrying/);
  const fatal = start(t, { path: '/dev/null', retry: false });
  await until(() => fatal.agent.errors.length > 0, 2_000);
  t.match(String(fatal.agent.errors[0]), /Inappropriate ioctl for device, tcgetattr/);
});
