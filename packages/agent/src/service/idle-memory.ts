import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Logger } from '@qga/core';
import { mallocTrim } from '@qga/native-linux';

export interface IdleMemoryOptions {
  /** How often to look (ms). */
  readonly intervalMs?: number;
  /** Release only when RSS is this much above what the last release left (bytes). */
  readonly slackBytes?: number;
  readonly logger?: Logger;
}

/**
 * Gives memory back once the agent is idle. A burst (a fuzzing host, a
 * 48 MiB guest-file-read, a flood of pipelined requests) grows V8's heap and
 * glibc's malloc arenas, and neither shrinks by itself while nothing
 * allocates: RSS would stay tens of MB above idle for as long as the guest
 * runs. When the event loop has been idle for a whole interval and RSS is
 * above what the last release left, run a full GC, then malloc_trim(0) so
 * glibc returns the freed pages. Costs nothing while the agent is busy (it
 * waits for an idle interval) and one look every interval otherwise.
 * Returns a function that stops it.
 */
export function releaseMemoryWhenIdle(options: IdleMemoryOptions = {}): () => void {
  const intervalMs = options.intervalMs ?? 5_000;
  const slack = options.slackBytes ?? 4 * 1024 * 1024;
  // Both are set up at the first release, so an agent that never gets busy never loads them.
  let release: { gc: (() => void) | undefined; trim: (() => void) | undefined } | undefined;
  let floor = process.memoryUsage.rss();
  let last = performance.eventLoopUtilization();
  let releasing = false;
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const busy = performance.eventLoopUtilization(now, last).utilization;
    last = now;
    const rss = process.memoryUsage.rss();
    if (releasing || busy > 0.01 || rss <= floor + slack) return;
    releasing = true;
    release ??= { gc: exposeGc(), trim: process.platform === 'linux' ? () => void mallocTrim() : undefined };
    release.gc?.();
    // V8 unmaps the pages a collection freed on helper threads; trim once they are done.
    setTimeout(() => {
      release?.gc?.();
      release?.trim?.();
      const after = process.memoryUsage.rss();
      const m = process.memoryUsage();
      options.logger?.log(
        'debug',
        `idle: released memory, RSS ${mib(rss)} -> ${mib(after)} MiB (heap ${mib(m.heapUsed)}/${mib(m.heapTotal)}, external ${mib(m.external)} MiB)`,
      );
      floor = after;
      last = performance.eventLoopUtilization();
      releasing = false;
    }, 500).unref();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

function mib(n: number): string {
  return (n / 1048576).toFixed(1);
}

/** V8's full collector, made callable at run time (no --expose-gc on the command line needed). */
function exposeGc(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as (() => void) | undefined;
    return typeof gc === 'function' ? gc : undefined;
  } catch {
    return undefined;
  }
}
