/**
 * A bounded socket fuzzer against the built agent (the bundle, mock backend):
 * 20,000 seeded hostile inputs on one connection, with a 0xFF +
 * guest-sync-delimited handshake every 500 that must be answered (no hang,
 * no crash), then memory must return near where it started once idle.
 */
import t from 'tap';
import { AgentProcess } from '../support/agents.js';
import { bundleTarget, rssBytes } from '../support/bundle-target.js';
import { FuzzInput } from '../support/fuzz-input.js';
import { LineReader } from '../support/line-reader.js';
import { sleep } from '../support/raw-client.js';

const INPUTS = 20_000;
const MB = 1e6;

t.test('20,000 fuzz inputs: every resync answered, the agent lives, memory returns within 16 MB once idle', async (t) => {
  const agent = await AgentProcess.start(bundleTarget(), { backend: 'mock' });
  t.teardown(() => agent.stop());
  const c = await LineReader.connect(agent.socketPath);
  t.teardown(() => c.close());
  await c.send('{"execute":"guest-ping"}\n');
  await c.line();
  await sleep(1000);
  const start = rssBytes(agent.pid!);

  const fuzz = new FuzzInput(0x5eed);
  let answered = 0;
  for (let i = 1; i <= INPUTS; i++) {
    await c.send(fuzz.input());
    if (i % 500 !== 0) continue;
    const id = 1_000_000 + i;
    await c.send(Buffer.from(`\xff{"execute":"guest-sync-delimited","arguments":{"id":${id}}}`, 'latin1'));
    const want = `{"return": ${id}}`;
    for (;;) {
      const line = (await c.line(30_000)).toString('latin1');
      if (line.endsWith(want)) break;
    }
    answered++;
  }
  t.equal(answered, INPUTS / 500, 'every handshake was answered in order');
  t.ok(agent.alive, 'the agent is alive');
  const other = await LineReader.connect(agent.socketPath);
  t.teardown(() => other.close());
  await other.send('{"execute":"guest-ping"}');
  t.equal((await other.line()).toString(), '{"return": {}}', 'a new client is served');

  const busy = rssBytes(agent.pid!);
  let idle = busy;
  for (let s = 0; s < 40 && idle > start + 16 * MB; s++) {
    await sleep(1000);
    idle = rssBytes(agent.pid!);
  }
  t.comment(
    `agent RSS: ${(start / MB).toFixed(1)} MB before, ${(busy / MB).toFixed(1)} MB after the fuzz, ${(idle / MB).toFixed(1)} MB once idle`,
  );
  t.ok(idle <= start + 16 * MB, `idle RSS ${(idle / MB).toFixed(1)} MB within 16 MB of ${(start / MB).toFixed(1)} MB`);
});
