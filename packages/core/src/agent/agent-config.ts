/** Agent-wide settings shared by the dispatcher and the commands. */
export interface AgentConfig {
  /** Reported by guest-info. */
  readonly version: string;
  /** State directory for qga.state / qga.state.isfrozen; undefined keeps state in memory. */
  readonly stateDir?: string;
  /** Commands disabled by the admin (`-b`). */
  readonly blockRpcs: readonly string[];
  /** When non-empty, only these commands are enabled (`-a`). */
  readonly allowRpcs: readonly string[];
  /** fsfreeze hook program (`-F`), run with `freeze` / `thaw`; undefined = none. */
  readonly fsfreezeHook?: string;
  /** Auto-thaw after this many ms frozen, so a vanished host cannot leave the guest frozen; 0 disables. */
  readonly freezeTimeoutMs: number;
  /** guest-exec records nobody polls are dropped this long after the process exited. */
  readonly execRecordTtlMs: number;
}

/** The version `guest-info` reports: the qemu-ga release whose protocol this agent follows. */
export const AGENT_VERSION = '10.2.50';

/**
 * The policy an agent runs with when createAgent gets no `config`: nothing blocked, qemu-ga's
 * defaults otherwise.
 */
export const DEFAULT_AGENT_CONFIG: AgentConfig = {
  version: AGENT_VERSION,
  blockRpcs: [],
  allowRpcs: [],
  freezeTimeoutMs: 10 * 60 * 1000,
  execRecordTtlMs: 10 * 60 * 1000,
};
