/**
 * `npm run bench -- --profile`: runs our agent under `node --cpu-prof` once
 * per figure (a fresh agent each time, so each profile holds one workload)
 * and prints where its CPU time goes. Profiles and summaries are written to
 * <out>/profiles/<figure>/.
 *
 * Options: --repo ROOT --out DIR --only LIST --backend NAME --bundle
 * (default: profile the unbundled dist/src/main.js, whose file:line positions
 * point at the compiled sources; --bundle profiles dist/qga.mjs; the cold
 * start is always profiled on the bundle).
 */
import { randomFillSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startAgent, type AgentCommand } from './lib/agents.js';
import { RawClient } from './lib/raw-client.js';
import { formatSummary, summarizeProfile, type CpuProfile } from './lib/cpu-profile.js';
import { median } from './lib/stats.js';
import type { Target } from './lib/target.js';
import { pingRoundTrips } from './figures/ping.js';
import { pipelinedPings } from './figures/pipelined.js';
import { fileWrite, MiB } from './figures/file-write.js';
import { fileRead } from './figures/file-read.js';
import { execTrue } from './figures/exec.js';
import { coldStartOnce } from './figures/cold-start.js';
import { INVENTORY_COMMANDS, inventoryLatency } from './figures/inventory.js';
import { soak } from './figures/soak.js';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1]! : dflt;
};
const repo = resolve(opt('repo', process.cwd()));
const outDir = join(resolve(opt('out', join(repo, 'bench/results'))), 'profiles');
const backend = opt('backend', 'linux');
const only = new Set(opt('only', '').split(',').filter(Boolean));
const useBundle = argv.includes('--bundle');
const FILE_MIB = 64;

function ourAgent(profileDir: string, bundle = useBundle): AgentCommand {
  const script = join(repo, bundle ? 'packages/agent/dist/qga.mjs' : 'packages/agent/dist/src/main.js');
  if (!existsSync(script)) throw new Error(`${script} is missing; run npm run build`);
  const flags = ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-interval', '200'];
  return {
    name: 'ours',
    description: `node ${flags.join(' ')} ${script}`,
    command: process.execPath,
    preArgs: [...flags, script],
    postArgs: ['--backend', backend],
  };
}

type Workload = (t: Target, c: RawClient, source: string) => Promise<string>;

const workloads: [string, Workload][] = [
  [
    'ping',
    async (_t, c) => {
      const rtt = [...(await pingRoundTrips(c, 20000, null)).rtt].map((ms) => ms * 1000);
      return `p50 ${median(rtt).toFixed(1)} µs`;
    },
  ],
  // 20,000, not 50,000: bigger bursts stall our agent (see BENCHMARKS.md).
  ['pipelined', async (_t, c) => `${(await pipelinedPings(c, 20000, null)).rps.toFixed(0)} req/s (20,000-ping burst)`],
  [
    'write',
    async (t, c) => {
      const r = await fileWrite(t, c, randomFillSync(Buffer.alloc(MiB)), FILE_MIB);
      return `${r.mibPerSec.toFixed(1)} MiB/s, peak RSS ${(r.peakRssKb / 1024).toFixed(0)} MB`;
    },
  ],
  [
    'read1m',
    async (t, c, source) => {
      const r = await fileRead(t, c, source, MiB, FILE_MIB);
      return `${r.mibPerSec.toFixed(1)} MiB/s, peak RSS ${(r.peakRssKb / 1024).toFixed(0)} MB`;
    },
  ],
  [
    'read16m',
    async (t, c, source) => {
      const r = await fileRead(t, c, source, 16 * MiB, FILE_MIB);
      return `${r.mibPerSec.toFixed(1)} MiB/s, peak RSS ${(r.peakRssKb / 1024).toFixed(0)} MB`;
    },
  ],
  [
    'exec',
    async (_t, c) => {
      const r = await execTrue(c, 300, null);
      return `median ${median(r.ms).toFixed(2)} ms, ${median(r.polls)} polls`;
    },
  ],
  [
    'soak',
    async (t) => {
      const r = await soak(t, 50_000);
      return `${r.rps.toFixed(0)} req/s (50,000 mixed commands)`;
    },
  ],
  // One profile per inventory command (`--only inventory` selects them all): 5,000 calls each.
  ...INVENTORY_COMMANDS.map((command): [string, Workload] => [
    `inventory-${command.replace(/^guest-/, '')}`,
    async (_t, c) => {
      const r = await inventoryLatency(c, command, 5000);
      return `median ${r.medianUs.toFixed(0)} µs${r.error === undefined ? '' : ` (error ${r.error})`}`;
    },
  ]),
];

async function main(): Promise<void> {
  const base = mkdtempSync(join(tmpdir(), 'qga-profile-'));
  const source = join(base, 'source.bin');
  writeFileSync(source, randomFillSync(Buffer.alloc(FILE_MIB * MiB)));
  const summaries: string[] = [];
  try {
    for (const [name, run] of [...workloads, ['cold', null] as const]) {
      if (only.size > 0 && !only.has(name) && !(only.has('inventory') && name.startsWith('inventory-'))) continue;
      const dir = join(outDir, name);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      // Cold start is profiled on the bundle: that is what starts in production.
      const agent = ourAgent(dir, run === null ? true : useBundle);
      let result: string;
      let window: [number, number] | undefined;
      const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);
      if (run === null) {
        // Startup only: one cold start, profiled from the first line.
        result = `cold start ${(await coldStartOnce(agent)).ms.toFixed(1)} ms (under the profiler)`;
      } else {
        const a = await startAgent(agent, join(base, 'agent'), base);
        try {
          const t0 = nowUs();
          const c = await RawClient.connect(a.target.socketPath);
          try {
            result = await run(a.target, c, source);
          } catch (e) {
            result = `FAILED: ${(e as Error).message}`;
          } finally {
            c.close();
          }
          window = [t0, nowUs()];
        } finally {
          await a.stop();
        }
      }
      const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
      if (!file) {
        summaries.push(`=== ${name}: no profile written (${result})\n`);
        continue;
      }
      const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
      const text = formatSummary(`${name}: ${result}`, summarizeProfile(profile, repo, 25, window));
      writeFileSync(join(dir, 'summary.txt'), text);
      summaries.push(text);
      process.stdout.write(`${text}\n`);
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
  writeFileSync(join(outDir, 'summary.txt'), summaries.join('\n'));
  process.stderr.write(`profiles and summaries: ${outDir}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`profile failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
