/**
 * guest-exec of /bin/true, then guest-exec-status polled back to back until
 * it says exited; `runs` times on one connection. Returns each run's time in
 * ms and the polls it took.
 */
import { cpuClock } from '../lib/processes.js';
import { encodeRequest, ProtocolError, type RawClient } from '../lib/raw-client.js';

const EXEC = encodeRequest('guest-exec', { path: '/bin/true' });

export interface ExecResult {
  readonly ms: number[];
  readonly polls: number[];
  /** CPU time the agent itself used (children not included), ms per run. */
  readonly cpuMsPerRun: number;
}

export async function execTrue(client: RawClient, runs: number, pid: number | null): Promise<ExecResult> {
  const ms: number[] = [];
  const polls: number[] = [];
  const cpu = cpuClock(pid);
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const { pid } = (await client.call(EXEC)) as { pid: number };
    const status = encodeRequest('guest-exec-status', { pid });
    let n = 0;
    for (;;) {
      n++;
      const s = (await client.call(status)) as { exited: boolean; exitcode?: number };
      if (s.exited) {
        if (s.exitcode !== 0) throw new ProtocolError(`/bin/true exited with ${String(s.exitcode)}`);
        break;
      }
      if (n > 100000) throw new ProtocolError('guest-exec-status never said exited');
    }
    ms.push(performance.now() - t0);
    polls.push(n);
  }
  return { ms, polls, cpuMsPerRun: cpu.stop() / runs };
}
