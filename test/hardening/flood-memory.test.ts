/**
 * Flow control through the built agent (the bundle, linux backend, unix
 * socket): a host that sends 200 × (seek + 4 MiB read) of a 64 MiB file and
 * reads no reply must not grow the agent without bound, the agent must keep
 * serving other clients meanwhile, and once the host reads, every reply must
 * arrive whole and in order.
 */
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { AgentProcess } from '../support/agents.js';
import { bundleTarget, rssBytes } from '../support/bundle-target.js';
import { LineReader } from '../support/line-reader.js';
import { sleep } from '../support/raw-client.js';

const MiB = 1024 * 1024;
const PAIRS = 200;

t.test('200 × 4 MiB reads nobody reads: RSS stays under 150 MB, other clients are served, nothing is lost', async (t) => {
  const agent = await AgentProcess.start(bundleTarget(), { backend: 'linux' });
  t.teardown(() => agent.stop());
  const file = path.join(agent.dir, 'big.bin');
  const fd = fs.openSync(file, 'w');
  const block = Buffer.alloc(MiB);
  for (let i = 0; i < 64; i++) fs.writeSync(fd, block.fill(i + 1));
  fs.closeSync(fd);

  const flood = await LineReader.connect(agent.socketPath);
  t.teardown(() => flood.close());
  await flood.send('{"execute":"guest-file-open","arguments":{"path":' + JSON.stringify(file) + '}}');
  const handle = JSON.parse((await flood.line()).toString()).return as number;
  let burst = '';
  for (let i = 0; i < PAIRS; i++) {
    burst += `{"execute":"guest-file-seek","arguments":{"handle":${handle},"offset":${(i % 16) * 4 * MiB},"whence":"set"}}`;
    burst += `{"execute":"guest-file-read","arguments":{"handle":${handle},"count":${4 * MiB}}}`;
  }
  flood.pause();
  await flood.send(burst);

  let peak = 0;
  for (let i = 0; i < 20; i++) {
    await sleep(250);
    peak = Math.max(peak, rssBytes(agent.pid!));
  }
  t.comment(`agent RSS peak while the host reads nothing: ${(peak / MiB).toFixed(1)} MiB`);
  t.ok(peak <= 150 * 1e6, `RSS peak ${(peak / 1e6).toFixed(0)} MB ≤ 150 MB`);

  const other = await LineReader.connect(agent.socketPath);
  t.teardown(() => other.close());
  await other.send('{"execute":"guest-ping"}');
  t.equal((await other.line()).toString(), '{"return": {}}', 'another client is answered meanwhile');

  // Now read everything: 400 replies, in order, each read whole.
  flood.resume();
  const expected = Array.from({ length: 16 }, (_, k) => {
    const data = Buffer.concat([0, 1, 2, 3].map((j) => Buffer.alloc(MiB, 4 * k + j + 1)));
    return Buffer.from(`{"return": {"count": ${4 * MiB}, "buf-b64": "${data.toString('base64')}", "eof": false}}`);
  });
  let seeks = 0;
  let reads = 0;
  for (let i = 0; i < PAIRS; i++) {
    const seek = (await flood.line(60_000)).toString();
    if (seek === `{"return": {"eof": false, "position": ${(i % 16) * 4 * MiB}}}`) seeks++;
    if ((await flood.line(60_000)).equals(expected[i % 16]!)) reads++;
  }
  t.equal(seeks, PAIRS, 'every seek answered, in order');
  t.equal(reads, PAIRS, 'every 4 MiB read arrived whole, in order');
});
