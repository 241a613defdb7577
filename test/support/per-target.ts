import type { Test } from 'tap';
import { AgentProcess, defaultOursBackend, selectedTargets, type StartOptions, type Target } from './agents.js';
import { VmAgent, vmAgents } from './vm-agent.js';
import { VmCaseAgent } from './vm-case-agent.js';

/**
 * An agent of its own for `target` with `options`: a process here, or, in a
 * VM run whose guest can start agents (QGA_VM_AGENTS with a launcher), one in
 * the guest on a spare virtio-serial port.
 */
export async function startAgent(target: Target, options: StartOptions): Promise<AgentProcess | VmCaseAgent> {
  const launcher = vmAgents()?.launcher;
  if (launcher) return VmCaseAgent.start(launcher, target, options, options.backend ?? defaultOursBackend());
  return AgentProcess.start(target, options);
}

/**
 * Run `body` once per selected target, each as its own tap subtest named
 * after the target; an unavailable target is a skipped subtest whose reason
 * says why (binary missing, agent not built yet).
 */
export function forEachTarget(t: Test, body: (t: Test, target: Target) => Promise<void>): void {
  for (const target of selectedTargets()) {
    t.test(target.name, { skip: target.skip }, async (t) => body(t, target));
  }
}

/**
 * Start an agent for `target`, give it to `body`, and stop it the way
 * upstream's fixture does: SIGTERM, which must end it with status 0.
 */
export async function withAgent(
  t: Test,
  target: Target,
  options: StartOptions,
  body: (agent: AgentProcess | VmAgent | VmCaseAgent) => Promise<void>,
): Promise<void> {
  const vm = vmAgents();
  // With options, an agent of its own (in the guest if the VM run has a launcher); without, the guest's standing agent.
  if (vm && !(vm.launcher && Object.keys(options).length > 0)) {
    // In a VM run the agents already serve on the guest's ports, with the command line the VM test gave them.
    if (Object.keys(options).length > 0)
      throw new Error(`withAgent: options ${JSON.stringify(Object.keys(options))} need an agent of their own; not available in a VM run`);
    const endpoint = vm.agents[target.name];
    if (!endpoint) throw new Error(`no ${target.name} agent in the ${vm.guest} VM`);
    const agent = new VmAgent(vm.guest, endpoint.socket, endpoint.dir);
    t.teardown(() => agent.closeClients());
    await body(agent);
    return;
  }
  const agent = await startAgent(target, options);
  let stopped = false;
  t.teardown(async () => {
    if (!stopped) await agent.kill();
  });
  await body(agent);
  const status = await agent.stop();
  stopped = true;
  if (target.name === 'qemu-ga' && status.stuck) {
    // qemu-ga 7.2 itself now and then deadlocks in a futex on SIGTERM (seen after the os-release
    // cases); that is the reference agent's bug, not a conformance failure. Our agent stays strict.
    t.comment(`qemu-ga did not exit on SIGTERM (${status.stuck}); killed`);
    await agent.kill();
    return;
  }
  t.same(
    { code: status.code, signal: status.signal, graceful: status.graceful },
    { code: 0, signal: null, graceful: true },
    `SIGTERM ends the agent with exit status 0${status.stuck ? ` (it did not: ${status.stuck})` : ''}`,
  );
}
