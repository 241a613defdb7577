import { readdirSync, readlinkSync, symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import type { Logger } from '@qga/core';
import { startEchoAgent, type EchoAgent } from '@qga/core/testing';
import { virtioSerialTransport, type VirtioSerialOptions } from '../src/index.js';
import { AgentProcess } from './fixtures/agent-process.js';
import { PtyHost } from './fixtures/pty-host.js';
import { tmpDir } from './fixtures/tmp-dir.js';
import { until } from './fixtures/wait.js';

// A pty slave stands in for the virtio port. A virtio port has no line
// discipline, so the pty is put in raw mode first. "Host connected" is
// VMIN=1 (reads block until data); "no host" is VMIN=0 (reads return 0 at
// once, as a virtio port's do while no host has it open).

function start(t: Parameters<typeof tmpDir>[0], options: VirtioSerialOptions): { agent: EchoAgent; logs: string[] } {
  const logs: string[] = [];
  const logger: Logger = { log: (level, message) => logs.push(`${level}: ${message}`) };
  const agent = startEchoAgent(virtioSerialTransport({ retry: { initialMs: 10, maxMs: 200 }, logger, ...options }));
  t.teardown(() => agent.stop());
  return { agent, logs };
}

async function host(t: Parameters<typeof tmpDir>[0], termios?: string[]): Promise<PtyHost> {
  const h = await PtyHost.open(termios);
  t.teardown(() => h.close());
  return h;
}

const req = (id: unknown, args: unknown = id): string => `${JSON.stringify({ execute: 'echo', arguments: args, id })}\n`;

t.test('request and reply through the device, bytes intact', async (t) => {
  const dev = await host(t);
  const { agent } = start(t, { path: dev.path });
  dev.write(req(1, 'héllo\u00ff\u0003\r'));
  const [line] = await dev.waitLines(1);
  t.same(
    JSON.parse(Buffer.from(line!, 'latin1').toString('utf8')),
    { return: 'héllo\u00ff\u0003\r', id: 1 },
    'UTF-8 and control bytes intact',
  );
  t.notOk(dev.bytes.includes('\r\n'), 'no LF → CRLF translation on the way out');
  // A raw 0xFF byte reaches the agent as is (the fake agent quotes bad lines in latin1).
  dev.write(Buffer.from([0xff, 0x7b, 0x7d, 0x0a]));
  const [, bad] = await dev.waitLines(2);
  t.match(Buffer.from(bad!, 'latin1').toString('utf8'), /"desc":"bad request: ÿ\{\}"/);
  // Many pipelined requests in one write.
  let batch = '';
  for (let i = 2; i <= 300; i++) batch += req(i);
  dev.write(batch);
  const lines = await dev.waitLines(301);
  t.same(
    lines.slice(2).map((l) => (JSON.parse(l) as { id: number }).id),
    Array.from({ length: 299 }, (_, i) => i + 2),
    'pipelined replies in order',
  );
  t.equal(agent.stats.size, 1, 'one session');
});

t.test('device missing at start, then appearing', async (t) => {
  const dir = tmpDir(t);
  const link = join(dir, 'org.qemu.guest_agent.0');
  const { agent, logs } = start(t, { path: link });
  await sleep(500);
  t.equal(agent.stats.size, 0, 'no session while the device is missing');
  t.same(agent.errors, [], 'and no failure either');
  const dev = await host(t);
  symlinkSync(dev.path, link);
  await sleep(250); // at most one backoff period (200 ms here)
  dev.write(req('boot'));
  t.same(JSON.parse((await dev.waitLines(1))[0]!), { return: 'boot', id: 'boot' });
  t.equal(logs.filter((l) => l.includes('cannot open')).length, 1, 'the missing device is logged once, not on every retry');
  t.ok(logs.some((l) => l.includes('device is back')));
});

t.test('host side hangs up and a new device appears: reopened, fresh session', async (t) => {
  const dir = tmpDir(t);
  const link = join(dir, 'port');
  const first = await host(t);
  symlinkSync(first.path, link);
  const { agent, logs } = start(t, { path: link });
  first.write(req('one'));
  await first.waitLines(1);
  first.write('{"execute": "echo", "argu'); // half a request left behind
  await sleep(50);
  await first.close(); // read → EIO
  unlinkSync(link); // the device path goes away with the device
  await until(() => [...agent.stats.values()].every((s) => s.ended), 5_000, 'the session to end');
  const second = await host(t);
  symlinkSync(second.path, link);
  second.write(req('two'));
  t.same(JSON.parse((await second.waitLines(1, 5_000))[0]!), { return: 'two', id: 'two' }, 'served on the new device, no leftovers');
  t.equal(agent.stats.size, 2, 'a new session');
  t.ok(
    logs.some((l) => /read failed: .*EIO.*reopening/.test(l)),
    'the error was logged, the agent kept going',
  );
  t.same(agent.errors, []);
});

t.test('no host (EOF): session ends, a half request is dropped, the next host starts clean', async (t) => {
  const dev = await host(t);
  const { agent } = start(t, { path: dev.path });
  dev.write(req('a'));
  await dev.waitLines(1);
  dev.write('{"execute": "echo", "arguments": "stale", ');
  await sleep(50);
  // Host disconnects: reads now return 0. The blocked read needs one byte to return first
  // (a space: the fake agent splits on newlines and must not see the stale request completed).
  dev.stty(['min', '0']);
  dev.write(' ');
  await until(() => agent.stats.get(agent.sessions[0]!.id)!.ended, 3_000, 'the session to end on EOF');
  await sleep(300);
  // Host reconnects.
  dev.stty(['min', '1']);
  dev.write(req('b'));
  const lines = await dev.waitLines(2, 3_000);
  t.same(JSON.parse(lines[1]!), { return: 'b', id: 'b' }, 'first reply to the new host is its own');
  t.equal(agent.sessions.length, 2, `one session per host connection (${agent.sessions.length})`);
});

t.test('sessionPerConnection: false keeps the parser across reconnects (qemu-ga behaviour)', async (t) => {
  const dev = await host(t);
  const { agent } = start(t, { path: dev.path, sessionPerConnection: false });
  dev.write('{"execute": "echo", "arguments": ');
  await sleep(50);
  dev.stty(['min', '0']);
  dev.write(' ');
  await sleep(300);
  dev.stty(['min', '1']);
  dev.write('"joined", "id": 9}\n');
  t.same(JSON.parse((await dev.waitLines(1, 3_000))[0]!), { return: 'joined', id: 9 }, 'the two halves joined across the EOF');
  t.equal(agent.sessions.length, 1);
});

t.test('a host that stops reading: the agent stops reading too, then catches up', async (t) => {
  const dev = await host(t);
  const { agent } = start(t, { path: dev.path });
  dev.write(req(0));
  await dev.waitLines(1);
  const stats = agent.stats.get(agent.sessions[0]!.id)!;
  dev.pause();
  const count = 60;
  let sent = 0;
  for (let i = 1; i <= count; i++) {
    const line = `${JSON.stringify({ execute: 'big', arguments: { bytes: 64 * 1024, pad: 'p'.repeat(4000) }, id: i })}\n`;
    sent += line.length;
    dev.write(line);
  }
  // Stalled: no input read for a whole second (polled every 10 ms; generous for a loaded machine).
  let last = -1;
  let since = Date.now();
  await until(
    () => {
      if (stats.bytesIn !== last) {
        last = stats.bytesIn;
        since = Date.now();
      }
      return Date.now() - since >= 1_000;
    },
    60_000,
    'input to stop',
  );
  const stalled = stats.bytesIn;
  await sleep(1_000);
  t.equal(stats.bytesIn, stalled, 'no more input is read while replies cannot be written');
  t.ok(stalled < sent, `read ${stalled} of ${sent} request bytes`);
  dev.resume();
  // Bounded, not timed: 5 MB through a pty can take a while on a busy machine.
  const lines = await dev.waitLines(count + 1, 120_000);
  t.same(
    lines.slice(1).map((l) => (JSON.parse(l) as { id: number }).id),
    Array.from({ length: count }, (_, i) => i + 1),
    'all replies, in order',
  );
});

t.test('retry: false — a missing device fails the transport (qemu-ga without -r)', async (t) => {
  const { agent } = start(t, { path: join(tmpDir(t), 'nope'), retry: false });
  await until(() => agent.errors.length > 0, 2_000);
  t.match(String(agent.errors[0]), /ENOENT/);
});

t.test('unsubscribing ends the session and closes the device once the pending read returns', async (t) => {
  const dev = await host(t);
  const { agent } = start(t, { path: dev.path });
  dev.write(req(1));
  await dev.waitLines(1);
  const holds = (): boolean =>
    readdirSync('/proc/self/fd').some((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`) === dev.path;
      } catch {
        return false;
      }
    });
  t.ok(holds(), 'device open');
  await sleep(100); // the next read is now blocked in the kernel
  agent.stop();
  await sleep(50);
  t.ok(holds(), 'still open while a read is blocked in the kernel');
  dev.write('\n'); // lets the blocked read return
  await until(() => !holds(), 3_000, 'the fd to close');
  t.pass('device closed');
});

t.test('idle CPU (separate process)', async (t) => {
  const dev = await host(t);
  dev.stty(['min', '0']); // no host: every read returns 0 at once
  const agent = new AgentProcess('virtio', dev.path);
  t.teardown(() => agent.stop());
  await sleep(1_500); // startup, and the backoff reaching its 1 s cap
  const c0 = agent.cpuSeconds();
  await sleep(3_000);
  const noHost = agent.cpuSeconds() - c0;
  // A busy spin burns ~3 s of CPU in 3 s; the bound only tells a spin from waiting (figures: npm run bench).
  t.ok(noHost < 1, `no host, no busy spin: ${(noHost * 1000).toFixed(0)} ms CPU in 3 s`);
  dev.stty(['min', '1']);
  dev.write(req('wake'));
  const t0 = Date.now();
  await dev.waitLines(1, 3_000);
  const latency = Date.now() - t0;
  const c1 = agent.cpuSeconds();
  await sleep(3_000);
  const connected = agent.cpuSeconds() - c1;
  t.ok(connected < 1, `host connected and idle, no busy spin: ${(connected * 1000).toFixed(0)} ms CPU in 3 s`);
  t.comment(
    `figures: no host ${(noHost * 1000).toFixed(0)} ms/3 s, idle host ${(connected * 1000).toFixed(0)} ms/3 s, wake-up latency ${latency} ms`,
  );
});
