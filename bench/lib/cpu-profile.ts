/**
 * Summary of a V8 .cpuprofile (from node --cpu-prof): self and inclusive time
 * per function and self time per file, idle excluded from the percentages.
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface Entry {
  readonly name: string;
  readonly ms: number;
  /** Share of the busy (non-idle) time. */
  readonly pct: number;
}

export interface ProfileSummary {
  readonly totalMs: number;
  readonly busyMs: number;
  readonly gcMs: number;
  readonly selfByFunction: Entry[];
  readonly inclusiveByFunction: Entry[];
  readonly selfByFile: Entry[];
}

function shortUrl(url: string, root: string): string {
  let u = url.replace(/^file:\/\//, '');
  if (root && u.startsWith(root)) u = u.slice(root.length + 1);
  return u.replace(/^node_modules\//, '');
}

/**
 * `window`: only samples taken between these two CLOCK_MONOTONIC times in µs
 * (what process.hrtime gives / 1000; V8 profiles use the same clock).
 */
export function summarizeProfile(p: CpuProfile, root: string, top = 25, window?: readonly [number, number]): ProfileSummary {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of p.nodes) byId.set(n.id, n);
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const fnKey = (n: ProfileNode): string => {
    const f = n.callFrame;
    const name = f.functionName || '(anonymous)';
    if (!f.url) return name;
    return `${name} ${shortUrl(f.url, root)}:${f.lineNumber + 1}`;
  };
  const fileKey = (n: ProfileNode): string => (n.callFrame.url ? shortUrl(n.callFrame.url, root) : n.callFrame.functionName);

  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  const files = new Map<string, number>();
  let total = 0;
  let idle = 0;
  let gc = 0;
  const add = (m: Map<string, number>, k: string, v: number): void => void m.set(k, (m.get(k) ?? 0) + v);

  let at = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    at += p.timeDeltas[i]!;
    if (window && (at < window[0] || at > window[1])) continue;
    // A sample's time is the gap to the next sample.
    const dt = (i + 1 < p.timeDeltas.length ? p.timeDeltas[i + 1]! : 0) / 1000;
    const node = byId.get(p.samples[i]!)!;
    total += dt;
    const name = node.callFrame.functionName;
    if (name === '(idle)') {
      idle += dt;
      continue;
    }
    if (name === '(garbage collector)') gc += dt;
    add(self, fnKey(node), dt);
    add(files, fileKey(node), dt);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const k = fnKey(byId.get(id)!);
      if (k === '(root)' || seen.has(k)) continue;
      seen.add(k);
      add(incl, k, dt);
    }
  }
  const busy = total - idle;
  const list = (m: Map<string, number>): Entry[] =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ name, ms, pct: (100 * ms) / busy }));
  return { totalMs: total, busyMs: busy, gcMs: gc, selfByFunction: list(self), inclusiveByFunction: list(incl), selfByFile: list(files) };
}

export function formatSummary(title: string, s: ProfileSummary): string {
  const out: string[] = [];
  out.push(`=== ${title}`);
  out.push(
    `profile ${s.totalMs.toFixed(0)} ms, busy (not idle) ${s.busyMs.toFixed(0)} ms, GC ${s.gcMs.toFixed(0)} ms (${((100 * s.gcMs) / s.busyMs).toFixed(1)}% of busy)`,
  );
  const table = (head: string, entries: Entry[]): void => {
    out.push(`-- ${head}`);
    for (const e of entries) out.push(`${e.pct.toFixed(1).padStart(6)}% ${e.ms.toFixed(0).padStart(7)} ms  ${e.name}`);
  };
  table('self time by function (% of busy)', s.selfByFunction);
  table('inclusive time by function (% of busy)', s.inclusiveByFunction);
  table('self time by file (% of busy)', s.selfByFile);
  return `${out.join('\n')}\n`;
}
