import t from 'tap';
import { existsSync, lstatSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { RawQgaClient } from './helpers/qga-socket.js';
import { agentArgs, BUNDLE, ensureBundle, run, start, tempDir } from './helpers/run-qga.js';

// The rough edges a first user met, each through the bundle as `npm start` runs it.
ensureBundle();
const bundled = { program: BUNDLE };

t.test('a second qga on a live agent socket refuses, and the first keeps its socket', async (t) => {
  const dir = tempDir(t);
  const sock = join(dir, 'sock');
  const first = start(agentArgs(dir), bundled);
  t.teardown(() => first.child.kill('SIGKILL'));
  const client = await RawQgaClient.connect(sock);
  const inode = lstatSync(sock).ino;

  const second = await run(agentArgs(dir), bundled);
  t.equal(second.code, 1, 'exit 1');
  t.match(second.stderr, `unix-listen: ${sock} is in use`);
  t.equal(second.stderr.trim().split('\n').length, 1, `one line: ${second.stderr}`);
  t.equal(lstatSync(sock).ino, inode, 'the socket file is the first agent’s still');
  t.equal(await client.request({ execute: 'guest-ping' }), '{"return": {}}', 'the first agent still answers');
  const again = await RawQgaClient.connect(sock);
  t.equal(await again.request({ execute: 'guest-ping' }), '{"return": {}}', 'and still accepts new clients');
  again.close();
  client.close();
  first.child.kill('SIGTERM');
  t.equal((await first.exited).code, 0);
});

t.test('a stale socket file (nobody listens) is replaced', async (t) => {
  const dir = tempDir(t);
  const sock = join(dir, 'sock');
  // A socket file whose process is gone: a listener killed with SIGKILL leaves it behind.
  const listener = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(sock)}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
  await once(listener.stdout, 'data');
  listener.kill('SIGKILL');
  await once(listener, 'exit');
  t.ok(lstatSync(sock).isSocket(), 'a dead socket file is at the path');

  const agent = start(agentArgs(dir), bundled);
  t.teardown(() => agent.child.kill('SIGKILL'));
  const client = await RawQgaClient.connect(sock);
  t.equal(await client.request({ execute: 'guest-ping' }), '{"return": {}}');
  client.close();
  agent.child.kill('SIGTERM');
  t.equal((await agent.exited).code, 0);
  t.notOk(existsSync(sock));
});
