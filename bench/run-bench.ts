/**
 * `npm run bench`: our agent and qemu-ga 7.2 side by side, on this machine, in
 * one run, over unix sockets. Every figure is measured in rounds; within a
 * round the agents run back to back, and the order alternates between rounds
 * (AB, BA, AB, …) so that drift in the machine's load hits both alike. Each
 * figure is the median over rounds. An echo server (fixed replies) measures
 * what the client itself can do.
 *
 * Usage (normally through scripts/bench.mjs):
 *   node bench/dist/run/run-bench.mjs --repo ROOT [--rounds N] [--quick] [--only k1,k2]
 *        [--backend linux] [--out DIR] [--update-doc] [--profile]
 *        [--candidate ROOT [--candidate-flags "NODE/V8 OPTIONS"]]
 */
import { spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { cpus, release, tmpdir } from 'node:os';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findOurs, qemuGa, startAgent, type AgentCommand, type RunningAgent } from './lib/agents.js';
import { memoryStatus, spawnTracked, stopTracked, type Spawned } from './lib/processes.js';
import { RawClient, encodeRequest } from './lib/raw-client.js';
import { median, quantileSorted, sortedCopy } from './lib/stats.js';
import type { Target } from './lib/target.js';
import { latencySvg } from './lib/latency-svg.js';
import { soakSvg } from './lib/soak-svg.js';
import { pingRoundTrips } from './figures/ping.js';
import { pipelinedPings } from './figures/pipelined.js';
import { fileWrite, MiB } from './figures/file-write.js';
import { checkFileRead, fileRead } from './figures/file-read.js';
import { execTrue } from './figures/exec.js';
import { soak, type SoakResult } from './figures/soak.js';
import { INVENTORY_COMMANDS, inventoryLatency } from './figures/inventory.js';
import { coldStartOnce, nodeBareCpu, nodeBareOnce, singleExecutables } from './figures/cold-start.js';
import { renderReport, type Report, type Row } from './lib/report.js';
import type { FramerFigure } from './framer-bench.js';
import type { TransferFigure } from './transfer-bench.js';

// ---- options -------------------------------------------------------------------
const argv = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1]! : dflt;
};
const flag = (name: string): boolean => argv.includes(`--${name}`);
const repo = resolve(opt('repo', process.cwd()));
const quick = flag('quick');
const rounds = Number(opt('rounds', quick ? '1' : '5'));
const backend = opt('backend', 'linux');
const outDir = resolve(opt('out', join(repo, 'bench/results')));
const only = new Set(opt('only', '').split(',').filter(Boolean));
const want = (k: string): boolean => only.size === 0 || only.has(k);
const PINGS = Number(opt('pings', quick ? '5000' : '20000'));
const BURST = Number(opt('burst', '50000'));
const FILE_MIB = Number(opt('file-mib', '64'));
const EXEC_RUNS = Number(opt('exec-runs', quick ? '50' : '200'));
const COLD_RUNS = Number(opt('cold-runs', quick ? '5' : '21'));
const SOAK = Number(opt('soak', quick ? '20000' : only.has('soak') ? '1000000' : '200000'));
const TRANSFER_MIB = Number(opt('transfer-mib', quick ? '64' : '256'));
const KIB_MIB = Number(opt('kib-mib', quick ? '8' : String(TRANSFER_MIB)));
const TRANSFER_ROUNDS = Number(opt('transfer-rounds', '1'));
const INVENTORY_CALLS = Number(opt('inventory-calls', quick ? '50' : '200'));
const here = new URL('.', import.meta.url);

const log = (s: string): void => void process.stderr.write(`${s}\n`);

// ---- machine -------------------------------------------------------------------
function machine(): Report['machine'] {
  const c = cpus();
  const qv = spawnSync('/usr/sbin/qemu-ga', ['-V'], { encoding: 'utf8' });
  return {
    cpu: c[0]?.model ?? 'unknown',
    cores: c.length,
    kernel: release(),
    node: process.version,
    qemuGa:
      (qv.stdout ?? '')
        .split('\n')
        .find((l) => l.includes('QEMU Guest Agent'))
        ?.trim() ?? 'not installed',
    loadavg: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
    date: new Date().toISOString(),
  };
}

// ---- echo servers ----------------------------------------------------------------
async function startEcho(kind: string, dir: string): Promise<{ target: Target; process: Spawned }> {
  const socketPath = join(dir, `echo-${kind.replace(':', '-')}.sock`);
  const p = spawnTracked(process.execPath, [new URL('echo-server.mjs', here).pathname, socketPath, kind]);
  await new Promise<void>((res, rej) => {
    p.child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && res());
    void p.exited.then(() => rej(new Error(`echo server exited: ${p.output()}`)));
  });
  return { target: { name: 'echo', socketPath, pid: null, workDir: dir, echo: true }, process: p };
}

// ---- rounds -------------------------------------------------------------------------
type Samples = Map<string, number[]>; // target name → one value per round
const results = new Map<string, Samples>();
const failures: string[] = [];
const notes: string[] = [];
const inventoryErrors: string[] = [];

function record(key: string, who: string, value: number): void {
  let s = results.get(key);
  if (!s) results.set(key, (s = new Map()));
  let v = s.get(who);
  if (!v) s.set(who, (v = []));
  v.push(value);
}

/**
 * Runs `fn` for every target of every round, the agents' order alternating.
 * One connection per target per figure, reopened only after a failure: our
 * agent keeps a closed connection's session for a while (see BENCHMARKS.md),
 * and a connection per round would run into its client limit.
 */
async function inRounds(
  label: string,
  targets: readonly Target[],
  fn: (t: Target, client: RawClient, round: number) => Promise<void>,
): Promise<void> {
  const agents = targets.filter((t) => !t.echo);
  const echo = targets.filter((t) => t.echo);
  const clients = new Map<string, RawClient>();
  // A target that failed once is not run again for this figure: failures
  // (stalls, timeouts) repeat, and the whole run must stay within minutes.
  const failed = new Set<string>();
  try {
    for (let r = 0; r < rounds; r++) {
      const order = [...(r % 2 === 0 ? agents : [...agents].reverse()), ...echo];
      for (const t of order) {
        if (failed.has(t.name)) continue;
        const t0 = performance.now();
        try {
          let client = clients.get(t.name);
          if (!client) clients.set(t.name, (client = await RawClient.connect(t.socketPath)));
          await fn(t, client, r);
        } catch (e) {
          const msg = `${label} / ${t.name} (round ${r + 1}): ${(e as Error).message}`;
          failures.push(msg);
          failed.add(t.name);
          clients.get(t.name)?.close();
          clients.delete(t.name);
          log(`  FAILED ${msg}`);
        }
        log(`  ${label} round ${r + 1}/${rounds} ${t.name} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
      }
    }
  } finally {
    for (const c of clients.values()) c.close();
  }
}

async function main(): Promise<void> {
  const tStart = performance.now();
  const m = machine();
  log(`machine: ${m.cpu}, ${m.cores} cores, kernel ${m.kernel}, node ${m.node}, load ${m.loadavg}`);
  log(`rounds: ${rounds}${quick ? ' (quick)' : ''}`);

  const base = mkdtempSync(join(tmpdir(), 'qga-bench-'));
  const agentsToRun: AgentCommand[] = [];
  const qga = qemuGa();
  if (qga) agentsToRun.push(qga);
  else notes.push('qemu-ga is not installed (/usr/sbin/qemu-ga): only our agent was measured');
  const ours = findOurs(repo, backend);
  if (ours.note) notes.push(ours.note);
  if (ours.agent) agentsToRun.push(ours.agent);
  else log(`NOTE: ${ours.note}`);
  // --candidate ROOT: our agent built in another checkout (e.g. a change being tried), measured alongside;
  // --candidate-flags "…": Node/V8 options for it (ROOT may then be this checkout: a flag being tried).
  const candidateRoot = opt('candidate', '');
  if (candidateRoot) {
    const flags = opt('candidate-flags', '').split(' ').filter(Boolean);
    const c = findOurs(resolve(candidateRoot), backend, flags, 'candidate');
    if (c.agent) agentsToRun.push(c.agent);
    else notes.push(`candidate: ${c.note}`);
  }
  const descriptions: Record<string, string> = {};
  for (const a of agentsToRun) descriptions[a.name] = a.description;
  // The single executables (npm run build:sea) join the cold-start rotation only: `--sea LIST`
  // (comma-separated executables; default dist-bin/linux-x64/qga when built).
  const seaAgents = singleExecutables(repo, opt('sea', ''), backend);

  const running: RunningAgent[] = [];
  const echoes: Spawned[] = [];
  const pingSamples = new Map<string, Float64Array[]>();
  const soakTraces = new Map<string, SoakResult>();
  const memory: Record<string, { idleKb: number; peakKb: number[]; hwmKb: number }> = {};

  try {
    // A file to read, in the page cache for both agents alike.
    const data = join(base, 'data');
    mkdirSync(data);
    const source = join(data, 'source.bin');
    writeFileSync(source, randomFillSync(Buffer.alloc(FILE_MIB * MiB)));

    for (const a of agentsToRun) {
      try {
        const r = await startAgent(a, join(base, a.name), data);
        running.push(r);
      } catch (e) {
        failures.push((e as Error).message);
        log(`FAILED ${(e as Error).message}`);
      }
    }
    // Idle memory: after one ping and a short rest.
    for (const r of running) {
      const c = await RawClient.connect(r.target.socketPath);
      try {
        await c.request(encodeRequest('guest-ping'));
      } catch (e) {
        failures.push(`first ping / ${r.target.name}: ${(e as Error).message}`);
      } finally {
        c.close();
      }
    }
    await new Promise((res) => setTimeout(res, 500));
    for (const r of running) memory[r.target.name] = { idleKb: memoryStatus(r.target.pid!).rssKb, peakKb: [], hwmKb: Number.NaN };
    // Untimed check that guest-file-read moves the right bytes.
    for (const r of running) {
      const c = await RawClient.connect(r.target.socketPath);
      try {
        await checkFileRead(r.target, c, source, MiB);
      } catch (e) {
        failures.push(`guest-file-read check / ${r.target.name}: ${(e as Error).message}`);
      } finally {
        c.close();
      }
    }

    const agents = running.map((r) => r.target);
    const echo = async (kind: string): Promise<Target> => {
      const e = await startEcho(kind, base);
      echoes.push(e.process);
      return e.target;
    };

    if (want('exec')) {
      // The same figure again after the transfers below: fork()-based spawns slow down as the agent grows.
      log(`guest-exec /bin/true + guest-exec-status polls on the fresh agents, ${EXEC_RUNS} per round`);
      await inRounds('exec (fresh)', agents, async (t, c) => {
        record('exec_fresh_ms', t.name, median((await execTrue(c, EXEC_RUNS, t.pid)).ms));
      });
    }
    if (want('ping')) {
      log('guest-ping round trips');
      const targets = [...agents, await echo('ping')];
      await inRounds('ping', targets, async (t, c) => {
        const { rtt, cpuMs } = await pingRoundTrips(c, PINGS, t.pid);
        record('ping_cpu_us', t.name, (cpuMs * 1000) / PINGS);
        const us = rtt.map((ms) => ms * 1000);
        const sorted = sortedCopy(us);
        record('ping_p50_us', t.name, quantileSorted(sorted, 0.5));
        record('ping_p99_us', t.name, quantileSorted(sorted, 0.99));
        let list = pingSamples.get(t.name);
        if (!list) pingSamples.set(t.name, (list = []));
        list.push(us);
      });
    }
    if (want('pipelined')) {
      log('pipelined guest-ping');
      const targets = [...agents, await echo('ping')];
      await inRounds('pipelined', targets, async (t, c) => {
        const r = await pipelinedPings(c, BURST, t.pid);
        record('pipelined_rps', t.name, r.rps);
        record('pipelined_cpu_us', t.name, (r.cpuMs * 1000) / BURST);
      });
    }
    if (want('write')) {
      log(`guest-file-write ${FILE_MIB} MiB in 1 MiB pieces`);
      const piece = randomFillSync(Buffer.alloc(MiB));
      const targets = [...agents, await echo(`write:${MiB}`)];
      await inRounds('file-write', targets, async (t, c) => {
        const r = await fileWrite(t, c, piece, FILE_MIB);
        record('write_mibs', t.name, r.mibPerSec);
        record('write_cpu_ms', t.name, r.cpuMs);
        if (!t.echo) memory[t.name]!.peakKb.push(r.peakRssKb);
        if (!t.echo) record('write_peak_mb', t.name, r.peakRssKb / 1024);
      });
    }
    for (const [key, count] of [
      ['read1m', MiB],
      ['read16m', 16 * MiB],
    ] as const) {
      if (!want(key)) continue;
      log(`guest-file-read ${FILE_MIB} MiB, count ${count / MiB} MiB`);
      const targets = [...agents, await echo(`read:${count}`)];
      await inRounds(`file-read ${count / MiB} MiB`, targets, async (t, c) => {
        const r = await fileRead(t, c, source, count, FILE_MIB);
        record(`${key}_mibs`, t.name, r.mibPerSec);
        record(`${key}_cpu_ms`, t.name, r.cpuMs);
        if (!t.echo) memory[t.name]!.peakKb.push(r.peakRssKb);
        if (!t.echo) record(`${key}_peak_mb`, t.name, r.peakRssKb / 1024);
      });
    }
    if (want('exec')) {
      log(`guest-exec /bin/true + guest-exec-status polls, ${EXEC_RUNS} per round`);
      await inRounds('exec', agents, async (t, c) => {
        const r = await execTrue(c, EXEC_RUNS, t.pid);
        record('exec_ms', t.name, median(r.ms));
        record('exec_cpu_ms', t.name, r.cpuMsPerRun);
        record('exec_polls', t.name, median(r.polls));
      });
    }
    if (want('soak')) {
      // Long: once per agent, not in rounds (both agents run the same sequence).
      log(`soak: ${SOAK} mixed commands, then 20 s idle`);
      for (const t of agents) {
        try {
          const r = await soak(t, SOAK);
          soakTraces.set(t.name, r);
          record('soak_rps', t.name, r.rps);
          record('soak_warm_mb', t.name, r.warmMb);
          record('soak_end_mb', t.name, r.endMb);
          record('soak_idle_mb', t.name, r.idleMb);
          record('soak_growth_mb', t.name, r.idleMb - r.warmMb);
          if (r.errors > 0) failures.push(`soak / ${t.name}: ${r.errors} error replies`);
        } catch (e) {
          failures.push(`soak / ${t.name}: ${(e as Error).message}`);
        }
      }
    }
    if (want('inventory')) {
      log(`inventory commands, ${INVENTORY_CALLS} sequential calls each`);
      await inRounds('inventory', agents, async (t, c) => {
        for (const command of INVENTORY_COMMANDS) {
          const r = await inventoryLatency(c, command, INVENTORY_CALLS);
          record(`inv_${command}`, t.name, r.medianUs);
          if (r.error !== undefined && !inventoryErrors.includes(`${t.name}: ${command} → ${r.error}`))
            inventoryErrors.push(`${t.name}: ${command} → ${r.error}`);
        }
      });
      if (inventoryErrors.length > 0)
        notes.push(`inventory commands answered with an error (latency of the error reply): ${inventoryErrors.join('; ')}`);
    }
    for (const r of running) {
      try {
        memory[r.target.name]!.hwmKb = memoryStatus(r.target.pid!).hwmKb;
      } catch {
        /* gone */
      }
    }
  } finally {
    await Promise.all([...running.map((r) => r.stop()), ...echoes.map((e) => stopTracked(e))]);
  }
  for (const r of running) {
    const code = await r.process.exited;
    const said = r.process.output().trim();
    if (code !== 0) notes.push(`${r.target.name} exited with ${code} when stopped${said ? `: ${said.slice(0, 500)}` : ''}`);
    else if (said) notes.push(`${r.target.name} wrote to stderr/stdout: ${said.slice(0, 500)}`);
  }

  // Cold start: node -e 0, then each agent, rotating, many times.
  const cold = new Map<string, number[]>();
  const coldCpu = new Map<string, number[]>();
  const push = (m: Map<string, number[]>, k: string, v: number): void => {
    if (!m.has(k)) m.set(k, []);
    m.get(k)!.push(v);
  };
  if (want('cold')) {
    log(`cold start, ${COLD_RUNS} runs each`);
    const startable = agentsToRun.filter((a) => running.some((r) => r.target.name === a.name));
    for (let i = 0; i < COLD_RUNS; i++) {
      const order: (AgentCommand | null)[] = [null, ...startable, ...seaAgents];
      for (let k = 0; k < i % order.length; k++) order.push(order.shift()!);
      for (const a of order) {
        const name = a ? a.name : 'node -e 0';
        try {
          if (a) {
            const r = await coldStartOnce(a);
            push(cold, name, r.ms);
            push(coldCpu, name, r.cpuMs);
          } else {
            push(cold, name, await nodeBareOnce());
            push(coldCpu, name, await nodeBareCpu());
          }
        } catch (e) {
          failures.push(`cold start / ${name}: ${(e as Error).message}`);
        }
      }
    }
    for (const [name, v] of cold) record('cold_ms', name, median(v));
    for (const [name, v] of coldCpu) record('cold_cpu_ms', name, median(v));
  }

  // The framer alone, in its own process.
  let framer: FramerFigure[] = [];
  if (want('framer')) {
    log('framer (protocol engine, no I/O)');
    const f = spawnSync(process.execPath, [new URL('framer-bench.mjs', here).pathname, '--json', '--rounds', String(Math.max(3, rounds))], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    if (f.status === 0) framer = JSON.parse(f.stdout) as FramerFigure[];
    else failures.push(`framer bench failed: ${f.stderr.trim().slice(0, 500)}`);
  }

  // Pull/push of a big file: the plugin against qemu-ga-client's way and the plain path, in its own process.
  let transfer: TransferFigure[] = [];
  if (want('transfer')) {
    log(`file transfer, ${TRANSFER_MIB} MiB`);
    const f = spawnSync(
      process.execPath,
      [
        new URL('transfer-bench.mjs', here).pathname,
        '--repo',
        repo,
        '--mib',
        String(TRANSFER_MIB),
        '--kib-mib',
        String(KIB_MIB),
        '--rounds',
        String(TRANSFER_ROUNDS),
      ],
      { encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    if (f.status === 0) transfer = JSON.parse(f.stdout) as TransferFigure[];
    else failures.push(`transfer bench failed (exit ${f.status})`);
  }
  // The same over a real virtio-serial port (TCG guests, several minutes): only when asked for by name.
  if (only.has('vm-transfer')) {
    log('file transfer over virtio-serial (VM)');
    const f = spawnSync(
      process.execPath,
      [
        new URL('transfer-bench.mjs', here).pathname,
        '--repo',
        repo,
        '--vm',
        '--no-socket',
        '--vm-mib',
        opt('vm-mib', '256'),
        '--vm-kib-mib',
        opt('vm-kib-mib', '1'),
      ],
      { encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      if (f.status !== 0) throw new Error(`exit ${f.status}`);
      transfer.push(...(JSON.parse(f.stdout) as TransferFigure[]));
    } catch (e) {
      failures.push(`VM transfer bench failed: ${(e as Error).message}`);
    }
  }

  rmSync(base, { recursive: true, force: true });

  // ---- report ------------------------------------------------------------------------
  const med = (key: string, who: string): number => median(results.get(key)?.get(who) ?? []);
  const rows: Row[] = [];
  const pair = (key: string, label: string, unit: string, better: 'lower' | 'higher', target: Row['target'], digits = 0): void => {
    if (!results.has(key)) return;
    rows.push({
      key,
      label,
      unit,
      better,
      qemuGa: med(key, 'qemu-ga'),
      ours: med(key, 'ours'),
      candidate: med(key, 'candidate'),
      echo: med(key, 'echo'),
      rounds: Object.fromEntries(results.get(key)!),
      target,
      digits,
    });
  };
  pair('ping_p50_us', '`guest-ping` round trip p50, sequential, one connection', 'µs', 'lower', { kind: 'ratio-max', value: 0.9 });
  pair('ping_p99_us', '`guest-ping` round trip p99', 'µs', 'lower', { kind: 'ratio-max', value: 1.0 });
  pair('ping_cpu_us', '`guest-ping`: agent CPU time per request (information)', 'µs', 'lower', { kind: 'none' }, 1);
  pair('pipelined_rps', `pipelined: ${BURST} pings in one burst`, 'req/s', 'higher', { kind: 'ratio-min', value: 3 });
  pair('pipelined_cpu_us', 'pipelined: agent CPU time per request (information)', 'µs', 'lower', { kind: 'none' }, 1);
  pair('write_mibs', `\`guest-file-write\` ${FILE_MIB} MiB in 1 MiB pieces`, 'MiB/s', 'higher', { kind: 'ratio-min', value: 10 }, 1);
  pair('write_cpu_ms', `\`guest-file-write\` ${FILE_MIB} MiB: agent CPU time (information)`, 'ms', 'lower', { kind: 'none' });
  pair('read1m_mibs', `\`guest-file-read\` ${FILE_MIB} MiB, count 1 MiB`, 'MiB/s', 'higher', { kind: 'ratio-min', value: 5 }, 1);
  pair('read1m_cpu_ms', `\`guest-file-read\` ${FILE_MIB} MiB, count 1 MiB: agent CPU time (information)`, 'ms', 'lower', { kind: 'none' });
  pair('read16m_mibs', `\`guest-file-read\` ${FILE_MIB} MiB, count 16 MiB`, 'MiB/s', 'higher', { kind: 'ratio-min', value: 5 }, 1);
  pair('read16m_cpu_ms', `\`guest-file-read\` ${FILE_MIB} MiB, count 16 MiB: agent CPU time (information)`, 'ms', 'lower', {
    kind: 'none',
  });
  pair(
    'exec_fresh_ms',
    '`guest-exec /bin/true` + status polls until exited, fresh agent',
    'ms',
    'lower',
    { kind: 'ratio-max', value: 1.0 },
    2,
  );
  pair(
    'exec_ms',
    `\`guest-exec /bin/true\` + status polls until exited${want('write') || want('read1m') || want('read16m') ? ', after the transfers' : ''}`,
    'ms',
    'lower',
    { kind: 'ratio-max', value: 1.0 },
    2,
  );
  pair('exec_cpu_ms', '`guest-exec`: agent CPU time per exec, children excluded (information)', 'ms', 'lower', { kind: 'none' }, 2);
  pair('exec_polls', '`guest-exec-status` polls per exec (information)', 'polls', 'lower', { kind: 'none' }, 1);
  pair('soak_rps', `soak: ${SOAK} mixed commands (ping, info, inventory, file ops, exec), pipelined by 100`, 'req/s', 'higher', {
    kind: 'ratio-min',
    value: 1,
  });
  pair('soak_warm_mb', 'soak: RSS after a 2,000-command warm-up (information)', 'MB', 'lower', { kind: 'none' }, 1);
  pair('soak_end_mb', 'soak: RSS right after the soak (information)', 'MB', 'lower', { kind: 'none' }, 1);
  pair('soak_idle_mb', 'soak: RSS after 20 s idle (information)', 'MB', 'lower', { kind: 'none' }, 1);
  pair('soak_growth_mb', 'soak: RSS growth, idle after minus warm-up', 'MB', 'lower', { kind: 'abs-max', value: 10, text: '≤ 10 MB' }, 1);
  for (const command of INVENTORY_COMMANDS) {
    pair(`inv_${command}`, `\`${command}\` median of ${INVENTORY_CALLS} sequential calls`, 'µs', 'lower', {
      kind: 'ratio-max',
      value: 1.0,
    });
  }
  if (results.has('cold_ms')) {
    const nodeBare = med('cold_ms', 'node -e 0');
    rows.push({
      key: 'cold_ms',
      label: 'cold start to first `guest-ping` reply',
      unit: 'ms',
      better: 'lower',
      qemuGa: med('cold_ms', 'qemu-ga'),
      ours: med('cold_ms', 'ours'),
      candidate: med('cold_ms', 'candidate'),
      echo: Number.NaN,
      rounds: Object.fromEntries([...cold].map(([k, v]) => [k, v])),
      target: { kind: 'abs-max', value: nodeBare, text: `< node -e 0 = ${nodeBare.toFixed(0)} ms` },
      digits: 1,
      extra: [
        `\`node -e 0\` (spawn to exit): ${nodeBare.toFixed(1)} ms`,
        ...seaAgents.map((a) => `${a.description}: ${med('cold_ms', a.name).toFixed(1)} ms`),
      ].join('; '),
    });
    const nodeCpu = med('cold_cpu_ms', 'node -e 0');
    rows.push({
      key: 'cold_cpu_ms',
      label: 'cold start: CPU time used by the first reply (information)',
      unit: 'ms',
      better: 'lower',
      qemuGa: med('cold_cpu_ms', 'qemu-ga'),
      ours: med('cold_cpu_ms', 'ours'),
      candidate: med('cold_cpu_ms', 'candidate'),
      echo: Number.NaN,
      rounds: Object.fromEntries([...coldCpu].map(([k, v]) => [k, v])),
      target: { kind: 'none' },
      digits: 1,
      extra: [
        `\`node -e 0\` uses ${nodeCpu.toFixed(1)} ms of CPU from start to exit`,
        ...seaAgents.map((a) => `${a.description}: ${med('cold_cpu_ms', a.name).toFixed(1)} ms`),
      ].join('; '),
    });
  }
  for (const [key, label, target] of [
    ['rss_idle_mb', 'RSS idle (after start and one ping)', 45],
    ['rss_peak_mb', `RSS peak during the ${FILE_MIB} MiB transfers (sampled VmRSS)`, 150],
  ] as const) {
    const v = (who: string): number => {
      const mm = memory[who];
      if (!mm) return Number.NaN;
      return key === 'rss_idle_mb' ? mm.idleKb / 1024 : Math.max(...mm.peakKb.filter(Number.isFinite)) / 1024;
    };
    if (Object.keys(memory).length === 0) break;
    if (key === 'rss_peak_mb' && !Object.values(memory).some((mm) => mm.peakKb.some(Number.isFinite))) continue;
    rows.push({
      key,
      label,
      unit: 'MB',
      better: 'lower',
      qemuGa: v('qemu-ga'),
      ours: v('ours'),
      candidate: v('candidate'),
      echo: Number.NaN,
      rounds: {},
      target: { kind: 'abs-max', value: target, text: `≤ ${target} MB` },
      digits: 1,
      extra:
        key === 'rss_peak_mb'
          ? `highest sampled VmRSS by transfer (max over rounds): ${['write', 'read1m', 'read16m']
              .filter((f) => results.has(`${f}_peak_mb`))
              .map(
                (f) => `${f} ${[...results.get(`${f}_peak_mb`)!].map(([who, v]) => `${who} ${Math.max(...v).toFixed(0)}`).join(' / ')} MB`,
              )
              .join('; ')}; VmHWM at the end: ${Object.entries(memory)
              .map(([k, mm]) => `${k} ${(mm.hwmKb / 1024).toFixed(1)} MB`)
              .join(', ')}`
          : undefined,
    });
  }
  for (const f of framer) {
    rows.push({
      key: `framer_${f.key}`,
      label: `framer alone: ${f.label}`,
      unit: 'MB/s',
      better: 'higher',
      qemuGa: Number.NaN,
      ours: median(f.rates),
      candidate: Number.NaN,
      echo: Number.NaN,
      rounds: { ours: f.rates },
      target: f.key === 'lex' ? { kind: 'abs-min', value: 1000, text: '≥ 1 GB/s' } : { kind: 'none' },
      digits: 0,
    });
  }

  for (const f of transfer) {
    rows.push({
      key: `transfer_${f.key}`,
      label: f.label,
      unit: 'MiB/s',
      better: 'higher',
      qemuGa: median(f.rates['qemu-ga'] ?? []),
      ours: median(f.rates['ours'] ?? []),
      candidate: Number.NaN,
      echo: Number.NaN,
      rounds: f.rates,
      target: { kind: 'none' },
      digits: 1,
    });
  }

  const report: Report = {
    machine: m,
    rounds,
    agents: descriptions,
    rows,
    failures,
    notes,
    seconds: (performance.now() - tStart) / 1000,
  };
  const text = renderReport(report);
  process.stdout.write(`\n${text.console}\n`);

  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(report, null, 1)}\n`);
  writeFileSync(join(outDir, 'latest.md'), text.markdown);
  if (pingSamples.size > 0) {
    const series = [...pingSamples].map(([name, list]) => {
      const all = new Float64Array(list.reduce((n, a) => n + a.length, 0));
      let o = 0;
      for (const a of list) {
        all.set(a, o);
        o += a.length;
      }
      return { ...plotStyle(name), sortedUs: all.sort() };
    });
    writeFileSync(
      join(outDir, 'latency.svg'),
      latencySvg(
        series,
        'guest-ping round trip, sequential on one unix-socket connection',
        `${m.cpu}, ${m.cores} cores, ${m.node}; ${rounds} × ${PINGS} round trips per agent, ${m.date.slice(0, 10)}`,
      ),
    );
  }
  if (soakTraces.size > 0) {
    writeFileSync(
      join(outDir, 'soak.svg'),
      soakSvg(
        [...soakTraces].map(([name, r]) => ({
          ...plotStyle(name),
          trace: r.trace,
          soakSeconds: r.seconds,
        })),
        `soak: ${SOAK.toLocaleString('en-US')} mixed commands on one connection, then 20 s idle`,
        `${m.cpu}, ${m.cores} cores, ${m.node}; ${m.date.slice(0, 10)}`,
      ),
    );
  }
  if (flag('update-doc')) updateDoc(join(repo, 'BENCHMARKS.md'), text.markdown);
  const plots = [pingSamples.size > 0 ? 'latency.svg' : '', soakTraces.size > 0 ? 'soak.svg' : ''].filter(Boolean);
  log(`results: ${outDir}/latest.{json,md}${plots.map((p) => `, ${p}`).join('')} (${report.seconds.toFixed(0)} s)`);
  if (!existsSync(join(outDir, 'latest.json'))) process.exitCode = 1;
}

/** How each measured agent appears in the plots: its legend name and line colour. */
function plotStyle(who: string): { name: string; color: string } {
  const styles: Record<string, { name: string; color: string }> = {
    'qemu-ga': { name: 'qemu-ga 7.2', color: '#d62728' },
    ours: { name: 'ours (qga)', color: '#1f77b4' },
    candidate: { name: 'candidate (--candidate)', color: '#2ca02c' },
    echo: { name: 'echo server (client floor)', color: '#7f7f7f' },
  };
  return styles[who] ?? { name: who, color: '#2ca02c' };
}

/** Replaces the block between the bench markers in BENCHMARKS.md. */
function updateDoc(path: string, markdown: string): void {
  const begin = '<!-- bench:begin -->';
  const end = '<!-- bench:end -->';
  const doc = existsSync(path) ? readFileSync(path, 'utf8') : `${begin}\n${end}\n`;
  const a = doc.indexOf(begin);
  const b = doc.indexOf(end);
  if (a < 0 || b < a) {
    log(`${path}: no ${begin} … ${end} block; not updated`);
    return;
  }
  writeFileSync(path, `${doc.slice(0, a + begin.length)}\n${markdown}\n${doc.slice(b)}`);
  log(`${path}: figures updated`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
