import { spawnSync } from 'node:child_process';
import { guestControl } from './guest-control.js';
import { vmAgents } from './vm-agent.js';

export interface ShellRun {
  readonly code: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/**
 * A shell on the machine the agents run on: this host, or in a VM run the
 * guest (through the control agent's guest-exec). For cases that prepare
 * and inspect what the agents see (users, home directories, files).
 */
export interface AgentMachine {
  /** `sh -c script sh args…`; resolves with its status and output. */
  sh(script: string, ...args: string[]): Promise<ShellRun>;
  /** `sh`, failing with its stderr unless it exits 0; resolves with stdout as text. */
  check(script: string, ...args: string[]): Promise<string>;
}

export function agentMachine(): AgentMachine {
  const launcher = vmAgents()?.launcher;
  const sh = async (script: string, ...args: string[]): Promise<ShellRun> => {
    if (launcher) {
      const r = await guestControl(launcher.control).run(['/bin/sh', '-c', script, 'sh', ...args]);
      return { code: r.code, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
    }
    const r = spawnSync('sh', ['-c', script, 'sh', ...args]);
    return { code: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
  };
  return {
    sh,
    async check(script, ...args) {
      const r = await sh(script, ...args);
      if (r.code !== 0) throw new Error(`sh -c ${JSON.stringify(script)} ${args.join(' ')}: exit ${r.code}: ${r.stderr}`);
      return r.stdout.toString('utf8');
    },
  };
}
