/**
 * The two agents under test and how to start them on a unix socket:
 * - ours: node packages/agent/dist/qga.mjs (the bundle), else dist/src/main.js;
 * - qemu-ga: /usr/sbin/qemu-ga (Debian's 7.2).
 * Each gets its own state directory and pidfile so that two can run at once.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { connectWhenReady, spawnTracked, stopTracked, type Spawned } from './processes.js';
import type { Target } from './target.js';

export interface AgentCommand {
  /** 'ours', 'qemu-ga', or 'candidate' (our agent from another checkout, --candidate). */
  readonly name: string;
  /** What is run, for the report. */
  readonly description: string;
  readonly command: string;
  /** Arguments before the common -m/-p/-t/-f ones. */
  readonly preArgs: readonly string[];
  /** Arguments after them. */
  readonly postArgs: readonly string[];
}

export interface FindOursResult {
  readonly agent: AgentCommand | null;
  readonly note: string;
}

export function findOurs(repoRoot: string, backend: string, nodeFlags: readonly string[] = [], name = 'ours'): FindOursResult {
  const bundle = join(repoRoot, 'packages/agent/dist/qga.mjs');
  const unbundled = join(repoRoot, 'packages/agent/dist/src/main.js');
  const script = existsSync(bundle) ? bundle : existsSync(unbundled) ? unbundled : null;
  if (script === null) return { agent: null, note: `our agent is missing (neither ${bundle} nor ${unbundled}); run npm run build` };
  const rel = script.slice(repoRoot.length + 1);
  return {
    agent: {
      name,
      description: `node ${[...nodeFlags, name === 'ours' ? rel : script].join(' ')} --backend ${backend}`,
      command: process.execPath,
      preArgs: [...nodeFlags, script],
      postArgs: ['--backend', backend],
    },
    note: script === bundle ? '' : 'the bundle packages/agent/dist/qga.mjs is missing: using dist/src/main.js',
  };
}

export function qemuGa(path = '/usr/sbin/qemu-ga'): AgentCommand | null {
  if (!existsSync(path)) return null;
  return { name: 'qemu-ga', description: path, command: path, preArgs: [], postArgs: [] };
}

export function agentArgs(agent: AgentCommand, dir: string): string[] {
  return [...agent.preArgs, '-m', 'unix-listen', '-p', join(dir, 'sock'), '-t', dir, '-f', join(dir, 'pid'), ...agent.postArgs];
}

export interface RunningAgent {
  readonly target: Target;
  readonly process: Spawned;
  stop(): Promise<void>;
}

/** Starts `agent` with its socket in a fresh `dir` and resolves once it accepts a connection. */
export async function startAgent(agent: AgentCommand, dir: string, workDir: string): Promise<RunningAgent> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const p = spawnTracked(agent.command, agentArgs(agent, dir));
  const socketPath = join(dir, 'sock');
  try {
    (await connectWhenReady(socketPath, p)).destroy();
  } catch (e) {
    await stopTracked(p);
    throw new Error(`${agent.name} did not start: ${(e as Error).message}`);
  }
  return {
    target: { name: agent.name, socketPath, pid: p.pid, workDir, echo: false },
    process: p,
    stop: () => stopTracked(p),
  };
}
