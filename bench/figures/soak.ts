/**
 * Soak: `total` mixed commands on one connection, pipelined in batches of
 * 100 — ping, time, info, host name, osinfo, vcpus, a file opened, written,
 * read back and closed, interfaces every 100, an exec every 500 — then the
 * agent is left idle. Reports throughput and RSS: after a warm-up, at the
 * end, and after 20 s of idleness (qga releases memory once idle).
 */
import net from 'node:net';
import { join } from 'node:path';
import { memoryStatus } from '../lib/processes.js';
import { median } from '../lib/stats.js';
import type { Target } from '../lib/target.js';

/** One point of the soak's time line: seconds since the soak started. */
export interface SoakSample {
  readonly t: number;
  /** RSS of the agent (MB), sampled every 250 ms, through the idle rest too. */
  readonly rssMb: number;
  /** Median and slowest round trip of the batches of 100 requests since the last sample (ms); NaN while idle. */
  readonly batchMs: number;
  readonly batchMaxMs: number;
}

export interface SoakResult {
  readonly rps: number;
  /** From the first request of the soak to its last reply. */
  readonly seconds: number;
  readonly trace: readonly SoakSample[];
  readonly warmMb: number;
  readonly endMb: number;
  readonly idleMb: number;
  readonly errors: number;
}

function request(i: number, file: string): string {
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

/** A line counter over a socket: resolves waits for N more lines. */
class Lines {
  private seen = 0;
  private partial = '';
  private waiter: { n: number; resolve: (lines: string[]) => void } | undefined;
  private batch: string[] = [];
  constructor(readonly socket: net.Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (s: string) => {
      const parts = (this.partial + s).split('\n');
      this.partial = parts.pop()!;
      for (const p of parts) this.batch.push(p);
      this.seen += parts.length;
      if (this.waiter && this.batch.length >= this.waiter.n) {
        const w = this.waiter;
        this.waiter = undefined;
        w.resolve(this.batch.splice(0, w.n));
      }
    });
  }
  take(n: number): Promise<string[]> {
    if (this.batch.length >= n) return Promise.resolve(this.batch.splice(0, n));
    return new Promise((resolve) => (this.waiter = { n, resolve }));
  }
}

const rssMb = (pid: number): number => memoryStatus(pid).rssKb / 1024;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function soak(target: Target, total: number): Promise<SoakResult> {
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect(target.socketPath, () => resolve(s));
    s.once('error', reject);
  });
  const lines = new Lines(socket);
  const file = join(target.workDir, 'soak.txt');
  const pid = target.pid!;
  let errors = 0;
  // The time line for the plot: RSS every 250 ms and the batch round trips in between.
  const trace: SoakSample[] = [];
  let tStart = Number.NaN;
  let window: number[] = [];
  const sampler = setInterval(() => {
    if (Number.isNaN(tStart)) return;
    const batchMs = window.length > 0 ? median(window) : Number.NaN;
    const batchMaxMs = window.length > 0 ? Math.max(...window) : Number.NaN;
    trace.push({ t: (performance.now() - tStart) / 1000, rssMb: rssMb(pid), batchMs, batchMaxMs });
    window = [];
  }, 250);
  const handles: string[] = [];
  const run = async (count: number): Promise<void> => {
    for (let i = 0; i < count; i += 100) {
      let batch = '';
      const opens: boolean[] = [];
      for (let j = i; j < Math.min(count, i + 100); j++) {
        const r = request(j, file);
        batch += r;
        opens.push(r.includes('guest-file-open'));
      }
      for (const h of handles.splice(0)) {
        batch += `{"execute":"guest-file-write","arguments":{"handle":${h},"buf-b64":"c29haw=="}}{"execute":"guest-file-seek","arguments":{"handle":${h},"offset":0,"whence":"set"}}`;
        batch += `{"execute":"guest-file-read","arguments":{"handle":${h},"count":16}}{"execute":"guest-file-close","arguments":{"handle":${h}}}`;
        opens.push(false, false, false, false);
      }
      const sent = performance.now();
      socket.write(batch);
      const replies = await lines.take(opens.length);
      window.push(performance.now() - sent);
      replies.forEach((line, k) => {
        if (line.startsWith('{"error"')) errors++;
        const m = opens[k] ? /^\{"return": (\d+)\}$/.exec(line) : null;
        if (m) handles.push(m[1]!);
      });
    }
  };
  try {
    await run(2000);
    await sleep(6000);
    const warmMb = rssMb(pid);
    const t0 = performance.now();
    tStart = t0;
    window = [];
    await run(total);
    const seconds = (performance.now() - t0) / 1000;
    const endMb = rssMb(pid);
    await sleep(20_000);
    const idleMb = rssMb(pid);
    return { rps: total / seconds, seconds, trace, warmMb, endMb, idleMb, errors };
  } finally {
    clearInterval(sampler);
    socket.destroy();
  }
}
