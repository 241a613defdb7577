import { RawClient } from './raw-client.js';
import type { TargetName } from './agents.js';

/** Where one agent runs in a VM guest: QEMU's chardev socket for its port, and its working dir (shared with the host). */
export interface VmAgentEndpoint {
  readonly socket: string;
  readonly dir: string;
}

/**
 * Set (as JSON in QGA_VM_AGENTS) by test/vm/conformance-guest.ts, which
 * boots one guest running both agents on virtio-serial ports and then runs
 * case files in it: the suite then reaches the agents through QEMU's
 * chardev sockets instead of starting them on unix sockets.
 */
export interface VmAgents {
  /** Which guest: `busybox` or `debian`. */
  readonly guest: string;
  readonly agents: Partial<Record<TargetName, VmAgentEndpoint>>;
  /** Present when the guest can start agents of their own (per-case command lines); see vm-case-agent.ts. */
  readonly launcher?: VmLauncher;
}

/** How cases start agents of their own in the guest. */
export interface VmLauncher {
  /** QEMU's chardev socket of the control agent (qemu-ga) that runs guest-exec for the cases. */
  readonly control: string;
  /** Spare virtio-serial ports (name in the guest, chardev socket on the host), one per agent running at once. */
  readonly ports: readonly { readonly name: string; readonly socket: string }[];
  /** Program and leading arguments of each agent in the guest (ours: node and the bundle). */
  readonly commands: Record<TargetName, readonly string[]>;
  /** A host dir shared read-write with the guest at the same path: per-case dirs are made in it. */
  readonly workDir: string;
  /** A shell that takes descriptors above 9 (`exec 251</dev/null`): bash, or busybox sh. */
  readonly shell: string;
}

export function vmAgents(): VmAgents | undefined {
  const raw = process.env.QGA_VM_AGENTS;
  return raw ? (JSON.parse(raw) as VmAgents) : undefined;
}

/**
 * An agent already running in the guest. The surface the case files use of
 * AgentProcess (connect, dir, clients); it is never stopped by a case (the
 * guest keeps it serving the next file).
 */
export class VmAgent {
  readonly clients: RawClient[] = [];
  /**
   * Every host connection feeds the same port: the agent never sees a
   * client come or go, so per-connection behaviour is qemu-ga's for both.
   */
  readonly sharedStream = true;

  constructor(
    readonly guest: string,
    readonly socketPath: string,
    readonly dir: string,
  ) {}

  /** QEMU accepts one client per chardev socket at a time; a second waits in the listen backlog. */
  async connect(): Promise<RawClient> {
    const client = await RawClient.connect(this.socketPath, { retries: 100, delayMs: 100 });
    this.clients.push(client);
    return client;
  }

  closeClients(): void {
    for (const c of this.clients) c.destroy();
  }
}

/**
 * For cases that compare an agent's answer with this host's own state (its
 * interfaces, CPUs, mounts, hostname): a skip reason when the agent runs in
 * a VM guest, where that state is the guest's; false otherwise.
 */
export function hostStateOnly(agent: object, what: string): string | false {
  return agent instanceof VmAgent ? `compares with this host's ${what}; the agent runs in the ${agent.guest} VM guest` : false;
}

/** A skip reason when the agent runs in the busybox guest, which lacks `program` (e.g. bash); false otherwise. */
export function busyboxGuestLacks(agent: object, program: string): string | false {
  return agent instanceof VmAgent && agent.guest === 'busybox' ? `the busybox VM guest has no ${program}` : false;
}
