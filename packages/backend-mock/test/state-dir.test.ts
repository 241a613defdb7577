import 'reflect-metadata';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { createAgent } from '@qga/core';
import { MemoryTransport } from '@qga/core/testing';
import { createMockGuest, mockBackend } from '../src/index.js';

// createAgent with the core README's config: a stateDir that does not exist yet.
async function scratch(t: { teardown(fn: () => unknown): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'qga-statedir-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

t.test('createAgent creates a missing stateDir (0700, with parents) and keeps its state there', async (t) => {
  const stateDir = join(await scratch(t), 'var', 'lib', 'my-agent');
  const guest = createMockGuest();
  const transport = new MemoryTransport();
  const agent = createAgent({ transport, backend: mockBackend(guest), config: { stateDir } });
  await agent.start();
  t.teardown(async () => {
    await agent.stop();
    guest.dispose();
  });
  t.equal((await stat(stateDir)).mode & 0o777, 0o700);
  t.equal((await stat(join(stateDir, '..'))).mode & 0o777, 0o700, 'parents too');
  t.equal(await readFile(join(stateDir, 'qga.state'), 'utf8'), '[global]\nfd_counter=1000\n');
  const host = transport.connect();
  host.send('{"execute":"guest-ping"}');
  t.same(await host.lines(1), ['{"return": {}}']);
});

t.test('a stateDir that cannot be created: start() fails with one line naming it', async (t) => {
  const file = join(await scratch(t), 'a-file');
  await writeFile(file, '');
  for (const stateDir of [join(file, 'state'), '/proc/nope/state']) {
    const guest = createMockGuest();
    const agent = createAgent({ transport: new MemoryTransport(), backend: mockBackend(guest), config: { stateDir } });
    const error = await agent.start().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    guest.dispose();
    t.ok(error, stateDir);
    t.match(
      error?.message,
      new RegExp(`^unable to create directory ${stateDir.replace(/\//g, '\\/')}: (Not a directory|No such file or directory)$`),
    );
    t.notMatch(error?.message, /\n/);
  }
});
