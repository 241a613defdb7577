/**
 * Cold start: from spawn() to the first guest-ping reply on a fresh unix
 * socket (connect retried every millisecond until the agent listens), and
 * the floor for a Node program: spawn() to exit of `node -e 0`. Also the CPU
 * time used by then, which a busy machine disturbs much less than the clock.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { agentArgs, type AgentCommand } from '../lib/agents.js';
import { connectWhenReady, cpuTimeMs, spawnTracked, stopTracked } from '../lib/processes.js';
import { RawClient, encodeRequest, ProtocolError } from '../lib/raw-client.js';

const PING = encodeRequest('guest-ping');

export interface ColdStart {
  /** spawn() to the first reply, ms. */
  readonly ms: number;
  /** CPU time the agent had used (all threads) when the reply arrived, ms. */
  readonly cpuMs: number;
}

export async function coldStartOnce(agent: AgentCommand): Promise<ColdStart> {
  const dir = mkdtempSync(join(tmpdir(), `qga-bench-cold-${agent.name}-`));
  const t0 = performance.now();
  const p = spawnTracked(agent.command, agentArgs(agent, dir));
  try {
    const client = RawClient.fromSocket(await connectWhenReady(join(dir, 'sock'), p));
    const reply = await client.request(PING, 15000);
    const ms = performance.now() - t0;
    const cpuMs = cpuTimeMs(p.pid);
    client.close();
    if (reply !== '{"return": {}}') throw new ProtocolError(`${agent.name}: unexpected reply to guest-ping: ${reply}`);
    return { ms, cpuMs };
  } finally {
    await stopTracked(p);
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function nodeBareOnce(): Promise<number> {
  const t0 = performance.now();
  const p = spawnTracked(process.execPath, ['-e', '0']);
  await p.exited;
  return performance.now() - t0;
}

/** CPU time (ms) a bare Node program uses from start to exit, as it reports itself. */
export async function nodeBareCpu(): Promise<number> {
  const p = spawnTracked(process.execPath, [
    '-e',
    "process.on('exit',()=>{const u=process.cpuUsage();process.stdout.write(String((u.user+u.system)/1000))})",
  ]);
  await p.exited;
  return Number(p.output());
}

/**
 * Our agent as single executables (`npm run build:sea`), for the cold-start
 * rotation: `list` is comma-separated paths, or empty for dist-bin/linux-x64/qga
 * when it was built. Named `sea` (the default one) or `sea:<file name>`.
 */
export function singleExecutables(repoRoot: string, list: string, backend: string): AgentCommand[] {
  const fallback = join(repoRoot, 'dist-bin/linux-x64/qga');
  const paths = list ? list.split(',').map((p) => resolve(p)) : existsSync(fallback) ? [fallback] : [];
  return paths.map((path) => ({
    name: path === fallback ? 'sea' : `sea:${basename(path)}`,
    description: `single executable ${path.startsWith(repoRoot) ? relative(repoRoot, path) : path} --backend ${backend}`,
    command: path,
    preArgs: [],
    postArgs: ['--backend', backend],
  }));
}
