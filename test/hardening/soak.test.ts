/**
 * A soak through the built agent (the bundle, linux backend): 100,000 mixed
 * commands — ping, time, info, host name, osinfo, vcpus, file open/write/
 * read/close, interfaces every 100, an exec every 500 — sent in pipelined
 * batches. Every reply must come back, and once idle the agent's RSS must end
 * within a few MB of where it was after a warm-up. (The benchmark runs 10^6.)
 */
import path from 'node:path';
import t from 'tap';
import { AgentProcess } from '../support/agents.js';
import { bundleTarget, rssBytes } from '../support/bundle-target.js';
import { LineReader } from '../support/line-reader.js';
import { sleep } from '../support/raw-client.js';

const TOTAL = Number(process.env.QGA_SOAK ?? 100_000);
const BATCH = 100;
const MB = 1e6;

function mix(i: number, file: string): string {
  if (i % 500 === 0) return '{"execute":"guest-exec","arguments":{"path":"/bin/true"}}';
  if (i % 100 === 0) return '{"execute":"guest-network-get-interfaces"}';
  switch (i % 8) {
    case 0:
      return '{"execute":"guest-get-time"}';
    case 1:
      return '{"execute":"guest-info"}';
    case 2:
      return '{"execute":"guest-get-host-name"}';
    case 3:
      return '{"execute":"guest-get-osinfo"}';
    case 4:
      return '{"execute":"guest-get-vcpus"}';
    case 5:
      return `{"execute":"guest-file-open","arguments":{"path":${JSON.stringify(file)},"mode":"a+"}}`;
    default:
      return '{"execute":"guest-ping"}';
  }
}

t.test('100,000 mixed commands: all answered, RSS back within 8 MB of the warmed-up figure', async (t) => {
  // -v: the agent logs each idle memory release, which the test waits for.
  const agent = await AgentProcess.start(bundleTarget(), { backend: 'linux', verbose: true });
  t.teardown(() => agent.stop());
  const file = path.join(agent.dir, 'soak.txt');
  const c = await LineReader.connect(agent.socketPath);
  t.teardown(() => c.close());
  let answered = 0;
  let errors = 0;
  const handles: string[] = [];
  /** Exec'd pids whose status to collect in the next batch, as a host does (records go once collected). */
  const pids: string[] = [];
  const run = async (from: number, to: number): Promise<void> => {
    for (let i = from; i < to; i += BATCH) {
      let batch = '';
      const opens: boolean[] = [];
      for (let j = i; j < Math.min(to, i + BATCH); j++) {
        const request = mix(j, file);
        batch += request;
        opens.push(request.includes('guest-file-open'));
      }
      // Close, write and read what the previous batch opened.
      for (const h of handles.splice(0)) {
        batch += `{"execute":"guest-file-write","arguments":{"handle":${h},"buf-b64":"c29haw=="}}`;
        batch += `{"execute":"guest-file-seek","arguments":{"handle":${h},"offset":0,"whence":"set"}}`;
        batch += `{"execute":"guest-file-read","arguments":{"handle":${h},"count":16}}`;
        batch += `{"execute":"guest-file-close","arguments":{"handle":${h}}}`;
      }
      for (const pid of pids.splice(0)) batch += `{"execute":"guest-exec-status","arguments":{"pid":${pid}}}`;
      const expected = (batch.match(/"execute"/g) ?? []).length;
      while (opens.length < expected) opens.push(false);
      await c.send(batch);
      for (let k = 0; k < expected; k++) {
        const line = (await c.line(60_000)).toString();
        answered++;
        if (line.startsWith('{"error"') && errors++ < 3) t.comment(line.slice(0, 300));
        const opened = opens[k] ? /^\{"return": (\d+)\}$/.exec(line) : null;
        if (opened) handles.push(opened[1]!);
        const spawned = /^\{"return": \{"pid": (\d+)\}\}$/.exec(line);
        if (spawned) pids.push(spawned[1]!);
      }
    }
  };
  const releases = (): number => agent.stderr.split('released memory').length - 1;
  /** Wait for the agent's next idle release (it checks every 5 s), or 12 s if it finds nothing to release. */
  const idleRelease = async (): Promise<void> => {
    const before = releases();
    for (let i = 0; i < 24 && releases() === before; i++) await sleep(500);
  };
  await run(0, 2_000);
  await idleRelease();
  const warm = rssBytes(agent.pid!);
  answered = 0;
  errors = 0;
  await run(0, TOTAL);
  const busy = rssBytes(agent.pid!);
  await idleRelease();
  const end = rssBytes(agent.pid!);
  t.comment(
    `agent RSS: ${(warm / MB).toFixed(1)} MB warmed up, ${(busy / MB).toFixed(1)} MB right after, ${(end / MB).toFixed(1)} MB once idle`,
  );
  t.ok(answered >= TOTAL, `${answered} replies`);
  t.equal(errors, 0, 'no request failed');
  t.comment(
    agent.stderr
      .split('\n')
      .filter((l) => l.includes('released memory'))
      .join('\n'),
  );
  t.ok(end <= warm + 8 * MB, `RSS ends within 8 MB of ${(warm / MB).toFixed(1)} MB`);
});
