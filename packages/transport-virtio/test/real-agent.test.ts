import 'reflect-metadata';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { until } from './fixtures/wait.js';
import { createAgent } from '@qga/core';
import { mockBackend } from '@qga/backend-mock';
import { isaSerialTransport, virtioSerialTransport } from '../src/index.js';
import { PtyHost } from './fixtures/pty-host.js';

// The real agent (createAgent + the mock backend) on a pty standing in for the port.

t.test('virtio-serial: guest-sync-delimited over the device, fresh parser per host connection', async (t) => {
  const dev = await PtyHost.open();
  t.teardown(() => dev.close());
  const agent = createAgent({ transport: virtioSerialTransport({ path: dev.path }), backend: mockBackend() });
  await agent.start();
  t.teardown(() => agent.stop());

  dev.write(Buffer.concat([Buffer.from([0xff]), Buffer.from('{"execute":"guest-sync-delimited","arguments":{"id":123456}}\n')]));
  await sleep(300);
  const ff = dev.bytes.indexOf(0xff);
  t.ok(ff >= 0, '0xFF delimiter arrived through the device');
  t.equal(dev.bytes.subarray(ff + 1).toString(), '{"return": 123456}\n');

  // Host leaves half a request and disconnects (reads return 0), then a new host connects.
  dev.write('{"execute":"guest-sync","argu');
  await sleep(100);
  dev.stty(['min', '0']);
  dev.write(' ');
  await sleep(300);
  dev.stty(['min', '1']);
  const before = dev.lines().length;
  dev.write('{"execute":"guest-ping"}\n');
  await dev.waitLines(before + 1, 3_000);
  t.equal(dev.lines()[before], '{"return": {}}', "the new host is not hit by the previous host's leftovers");
});

t.test('isa-serial: the real agent on a raw tty', async (t) => {
  const dev = await PtyHost.open([]);
  t.teardown(() => dev.close());
  const agent = createAgent({ transport: isaSerialTransport({ path: dev.path }), backend: mockBackend() });
  await agent.start();
  t.teardown(() => agent.stop());
  // Talk once the agent has put the tty in raw mode (input pending at open is discarded).
  await until(() => /min = 1;/.test(dev.sttyAll()) && /-icanon/.test(dev.sttyAll()), 5_000, 'raw mode');
  dev.write('{"execute":"guest-sync","arguments":{"id":9007199254740993}}\n');
  t.same(await dev.waitLines(1), ['{"return": 9007199254740993}']);
});
