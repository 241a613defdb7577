/** What a figure runs against: one of the agents, or the echo server that measures the client. */
export interface Target {
  /** 'ours', 'qemu-ga' or 'echo'. */
  readonly name: string;
  /** Unix socket the target listens on. */
  readonly socketPath: string;
  /** Process to sample VmRSS from (null: don't). */
  readonly pid: number | null;
  /** A scratch directory the target may write files in. */
  readonly workDir: string;
  /** True for the echo server: no real commands, fixed replies. */
  readonly echo: boolean;
}
