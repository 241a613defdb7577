/** How the plugin drives one started program, whether on a PTY or on pipes. */
export interface ChildHandle {
  readonly pid: number;
  /** Feeds stdin (the terminal's input on a PTY); resolves once handed to the OS. */
  write(bytes: Buffer): Promise<void>;
  /** Ends stdin (on a PTY: sends the terminal's EOF character, ^D). */
  closeInput(): void;
  /** Changes the terminal size; false when there is no terminal. */
  resize(rows: number, cols: number): boolean;
  /** Stops / restarts reading output (backpressure while nobody polls). */
  pauseOutput(): void;
  resumeOutput(): void;
}

/** What a started program reports back. */
export interface ChildEvents {
  stdout(bytes: Buffer): void;
  stderr(bytes: Buffer): void;
  /** Output streams are done and the exit status is known. */
  exit(status: { exitcode?: number; signal?: number }): void;
  /** stdout / stderr reached EOF. */
  outputEnded(stream: 'out' | 'err'): void;
}

/** What the host asked to run. */
export interface StartRequest {
  readonly path: string;
  readonly args: readonly string[];
  /** Whole environment (`K=V`), or undefined to inherit the agent's. */
  readonly env: readonly string[] | undefined;
  readonly cwd: string | undefined;
  readonly pty: { rows: number; cols: number; term: string } | undefined;
  /** Pipes only: stderr goes to the stdout stream. */
  readonly mergeOutput: boolean;
}

/** `K=V` list → env object (the first `=` splits). */
export function envObject(env: readonly string[] | undefined, term?: string): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = env === undefined ? { ...process.env } : {};
  for (const entry of env ?? []) {
    const eq = entry.indexOf('=');
    if (eq > 0) out[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  if (term !== undefined && out['TERM'] === undefined) out['TERM'] = term;
  return out;
}
