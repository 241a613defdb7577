import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { LineClient } from './fixtures/line-client.js';
import { tmpDir } from './fixtures/tmp-dir.js';

function rss(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
}

t.test('an agent process stays small while a client sends without reading', async (t) => {
  const path = join(tmpDir(t), 'qga.sock');
  const main = fileURLToPath(new URL('./fixtures/agent-main.js', import.meta.url));
  const child = spawn(process.execPath, [main, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => child.kill('SIGKILL'));
  await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));

  const client = new LineClient(
    await new Promise<ReturnType<typeof connect>>((resolve) => {
      const s = connect(path, () => resolve(s));
    }),
  );
  t.teardown(() => client.socket.destroy());
  // Warm up the same code paths, reading normally.
  for (let i = 0; i < 20; i++) await client.request({ execute: 'big', arguments: { bytes: 256 * 1024 }, id: i });
  await sleep(300);
  const baseline = rss(child.pid!);

  client.socket.pause();
  const pad = 'p'.repeat(64 * 1024);
  const count = 400;
  for (let i = 0; i < count; i++)
    client.send(`${JSON.stringify({ execute: 'big', arguments: { bytes: 256 * 1024, pad }, id: `s${i}` })}\n`);
  await sleep(2_000);
  const stalled = rss(child.pid!);
  const growth = stalled - baseline;
  t.comment(
    `agent RSS ${(baseline / 1048576).toFixed(1)} MiB before, ${(stalled / 1048576).toFixed(1)} MiB while the client sends ${((count * pad.length) / 1048576).toFixed(0)} MiB of requests (asking for ${((count * 256) / 1024).toFixed(0)} MiB of replies) and reads nothing`,
  );
  t.ok(growth < 16 * 1048576, `growth ${(growth / 1048576).toFixed(1)} MiB stays bounded`);
  client.socket.resume();
  await client.waitLines(20 + count, 30_000);
  t.pass('all replies arrive once the client reads');
});
