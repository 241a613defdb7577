/**
 * Child processes of the benchmark (agents, echo servers): spawn, wait until a
 * unix socket accepts, stop. Every child is tracked so that nothing outlives
 * the run, whatever way it ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';

const live = new Set<ChildProcess>();

function killAll(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
  live.clear();
}

process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}

export interface Spawned {
  readonly child: ChildProcess;
  readonly pid: number;
  /** stderr and stdout of the child so far (for error messages). */
  output(): string;
  /** Resolves with the exit code (or signal name) once the child has exited. */
  readonly exited: Promise<number | string>;
  hasExited(): boolean;
}

export function spawnTracked(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Spawned {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  live.add(child);
  let text = '';
  const keep = (d: Buffer): void => {
    if (text.length < 64 * 1024) text += d.toString('utf8');
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let done = false;
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      live.delete(child);
      resolve(code ?? signal ?? 'unknown');
    });
    child.once('error', (e) => {
      done = true;
      live.delete(child);
      text += `\nspawn failed: ${e.message}`;
      resolve('spawn-error');
    });
  });
  return { child, pid: child.pid ?? -1, output: () => text, exited, hasExited: () => done };
}

/** SIGTERM, then SIGKILL if the child is still there after `graceMs`. */
export async function stopTracked(p: Spawned, graceMs = 5000): Promise<void> {
  if (p.hasExited()) return;
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
  await p.exited;
  clearTimeout(timer);
}

function tryConnect(path: string): Promise<Socket | null> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.removeAllListeners('error');
      resolve(s);
    });
    s.once('error', () => {
      s.destroy();
      resolve(null);
    });
  });
}

/**
 * Connects to `path` as soon as something listens there: retries every
 * millisecond (a timer, not a busy loop: the agent being started needs the CPU).
 * Rejects if `p` exits first or after `timeoutMs`.
 */
export async function connectWhenReady(path: string, p: Spawned | null, timeoutMs = 15000): Promise<Socket> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const s = await tryConnect(path);
    if (s) return s;
    if (p?.hasExited()) throw new Error(`exited before listening: ${p.output().trim()}`);
    if (performance.now() > deadline) throw new Error(`nothing listens on ${path} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

export interface MemoryStatus {
  /** Resident set size now, kB. */
  readonly rssKb: number;
  /** Peak resident set size over the process's life, kB. */
  readonly hwmKb: number;
}

/** VmRSS / VmHWM of a live process from /proc/<pid>/status. */
export function memoryStatus(pid: number): MemoryStatus {
  const text = readFileSync(`/proc/${pid}/status`, 'latin1');
  const field = (name: string): number => {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? Number(m[1]) : Number.NaN;
  };
  return { rssKb: field('VmRSS'), hwmKb: field('VmHWM') };
}

/** Samples VmRSS every `everyMs` until stopped; returns the highest value seen (kB). */
export function sampleRss(pid: number, everyMs = 5): { stop(): number } {
  let peak = 0;
  const take = (): void => {
    try {
      peak = Math.max(peak, memoryStatus(pid).rssKb);
    } catch {
      /* process gone */
    }
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return peak;
    },
  };
}

/**
 * CPU time a process has used so far, all threads, in ms (from
 * /proc/<pid>/task/<tid>/schedstat, nanosecond precision). Unlike wall time
 * it hardly moves when other work shares the machine.
 */
export function cpuTimeMs(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'latin1').split(' ')[0]);
    } catch {
      /* thread gone */
    }
  }
  return ns / 1e6;
}

/** CPU ms used by `pid` between now and stop() (NaN without a pid). */
export function cpuClock(pid: number | null): { stop(): number } {
  if (pid === null) return { stop: () => Number.NaN };
  const t0 = cpuTimeMs(pid);
  return { stop: () => cpuTimeMs(pid) - t0 };
}
