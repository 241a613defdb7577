import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RawClient, sleep } from './raw-client.js';
import { vmAgents } from './vm-agent.js';
import { runInGuest } from './vm-case-agent.js';

export type TargetName = 'qemu-ga' | 'ours';

/** One agent implementation the suite can run against. */
export interface Target {
  readonly name: TargetName;
  /** Why this target cannot run here (tap prints it), or false. */
  readonly skip: string | false;
  /** Program and leading arguments; the qemu-ga options follow. */
  readonly command: readonly string[];
  /**
   * The qemu-ga version whose behaviour to expect: qemu-ga's own `-V`, or the
   * spec baseline for ours (which follows the current upstream line).
   */
  readonly version: string;
}

/** Upstream line our agent follows (spec "Baseline"); used by version gates only. */
export const SPEC_BASELINE_VERSION = '10.2.50';

/** Repository root: test/dist/support → ../../.. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const OURS_ENTRY = path.join(REPO_ROOT, 'packages/agent/dist/src/main.js');
/** The example vendor-command plugin (`__com.example_hello`), compiled by `npx tsc -b examples`. */
export const HELLO_PLUGIN = path.join(REPO_ROOT, 'examples/dist/custom-agent/hello-plugin.js');

/** Split a command line on whitespace, honouring simple '…' and "…" quoting. */
export function splitCommand(line: string): string[] {
  const out: string[] = [];
  const re = /'([^']*)'|"([^"]*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line)) !== null) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}

function findQemuGa(): string | undefined {
  if (process.env.QGA_QEMU_GA) return process.env.QGA_QEMU_GA;
  for (const dir of ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin', ...(process.env.PATH ?? '').split(':')]) {
    const candidate = path.join(dir, 'qemu-ga');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      /* keep looking */
    }
  }
  return undefined;
}

function qemuGaTarget(): Target {
  const bin = findQemuGa();
  if (!bin)
    return {
      name: 'qemu-ga',
      skip: 'qemu-ga binary not found (apt-get install qemu-guest-agent, or set QGA_QEMU_GA)',
      command: [],
      version: '0',
    };
  const out = spawnSync(bin, ['-V'], { encoding: 'utf8' });
  const m = /QEMU Guest Agent (\d+\.\d+\.\d+)/.exec(out.stdout ?? '');
  if (!m) return { name: 'qemu-ga', skip: `${bin} -V printed no version: ${JSON.stringify(out.stdout)}`, command: [bin], version: '0' };
  return { name: 'qemu-ga', skip: false, command: [bin], version: m[1] as string };
}

function oursTarget(): Target {
  const override = process.env.QGA_OURS_CMD;
  if (override) return { name: 'ours', skip: false, command: splitCommand(override), version: SPEC_BASELINE_VERSION };
  if (!fs.existsSync(OURS_ENTRY)) {
    return {
      name: 'ours',
      skip: `our agent is not built yet (${path.relative(REPO_ROOT, OURS_ENTRY)} missing): run \`npx tsc -b packages/agent\`, or set QGA_OURS_CMD`,
      command: [],
      version: SPEC_BASELINE_VERSION,
    };
  }
  return { name: 'ours', skip: false, command: [process.execPath, OURS_ENTRY], version: SPEC_BASELINE_VERSION };
}

let cached: Target[] | undefined;

/** Targets chosen by QGA_TARGET (`ours`, `qemu-ga`, or `both` = default). */
export function selectedTargets(): Target[] {
  if (cached) return cached;
  const wanted = (process.env.QGA_TARGET ?? 'both').toLowerCase();
  const names: TargetName[] =
    wanted === 'both' || wanted === 'all' || wanted === ''
      ? ['qemu-ga', 'ours']
      : wanted.split(',').map((w) => {
          const n = w.trim();
          if (n === 'ours' || n === 'qemu-ga') return n;
          throw new Error(`QGA_TARGET: unknown target '${n}' (use ours, qemu-ga or both)`);
        });
  cached = names.map((n) => (n === 'qemu-ga' ? qemuGaTarget() : oursTarget()));
  return cached;
}

/** a < b for dotted versions. */
export function versionLess(a: string, b: string): boolean {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? 0;
    const y = pb[i] ?? 0;
    if (x !== y) return x < y;
  }
  return false;
}

export interface StartOptions {
  /** Extra qemu-ga options after `-m unix-listen -p <tmp>/sock -t <tmp>`. */
  readonly args?: readonly string[];
  /** Extra environment for the agent. */
  readonly env?: Readonly<Record<string, string>>;
  /** Our agent's OS backend; qemu-ga ignores it (it always is the real OS). */
  readonly backend?: 'linux' | 'mock';
  readonly verbose?: boolean;
  /** Start the agent with this descriptor open (not close-on-exec), as a careless parent would. */
  readonly inheritFd?: number;
  /** Runs after the tmp dir exists and before the agent starts (e.g. to plant qga.state.isfrozen). */
  readonly prepare?: (dir: string) => void;
}

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Our agent's backend when a test does not ask for one: `linux` (the real
 * machine, like qemu-ga), or QGA_OURS_BACKEND (e.g. `mock` to exercise the
 * protocol layer while the linux backend is unavailable; machine-checking
 * cases then fail, as they should).
 */
export function defaultOursBackend(): 'linux' | 'mock' {
  const b = process.env.QGA_OURS_BACKEND ?? 'linux';
  if (b !== 'linux' && b !== 'mock') throw new Error(`QGA_OURS_BACKEND: unknown backend '${b}' (linux or mock)`);
  return b;
}

/** The argv for a target: its program, our backend choice, then qemu-ga's options. */
export function commandLine(target: Target, qgaArgs: readonly string[], backend: 'linux' | 'mock' = defaultOursBackend()): string[] {
  const backendArgs = target.name === 'ours' ? ['--backend', backend] : [];
  return [...target.command, ...backendArgs, ...qgaArgs];
}

const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => fs.existsSync(p));

/**
 * The agent gets SIGKILL when the test process dies, even by SIGKILL: a failed
 * test leaks no agent. And it runs without tap's NODE_OPTIONS loader, which
 * tap adds to every child it sees spawned (it is not what a user runs and
 * costs ~25 MB of RSS).
 */
function diesWithTest(argv: string[]): string[] {
  const clean = ['env', '-u', 'NODE_OPTIONS', ...argv];
  return SETPRIV ? [SETPRIV, '--pdeathsig', 'KILL', '--', ...clean] : clean;
}

/** argv run with descriptor `fd` open on /dev/null (bash opens it without close-on-exec). */
function withInheritedFd(argv: string[], fd: number | undefined): string[] {
  return fd === undefined ? argv : ['bash', '-c', `exec ${fd}</dev/null; exec "$@"`, 'bash', ...argv];
}

/** One running agent on a unix socket in its own tmp dir (also its cwd and statedir). */
export class AgentProcess {
  private stderrText = '';
  private exitStatus: ExitStatus | undefined;
  private readonly exited: Promise<ExitStatus>;
  readonly clients: RawClient[] = [];
  /** Each client connection is its own byte stream here (unix socket); see VmAgent. */
  readonly sharedStream = false;

  private constructor(
    readonly target: Target,
    readonly dir: string,
    readonly socketPath: string,
    readonly child: ChildProcess,
  ) {
    running.add(child);
    child.stderr?.on('data', (d: Buffer) => {
      this.stderrText += d.toString('utf8');
    });
    child.stdout?.on('data', () => {
      /* drained; agents write nothing useful to stdout while serving */
    });
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        running.delete(child);
        this.exitStatus = { code, signal };
        resolve(this.exitStatus);
      });
    });
  }

  static async start(target: Target, options: StartOptions = {}): Promise<AgentProcess> {
    if (target.skip) throw new Error(`target ${target.name} unavailable: ${target.skip}`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `qga-conf-${target.name}-`));
    const socketPath = path.join(dir, 'sock');
    options.prepare?.(dir);
    const args = ['-m', 'unix-listen', '-p', socketPath, '-t', dir, ...(options.verbose ? ['-v'] : []), ...(options.args ?? [])];
    const argv = diesWithTest(withInheritedFd(commandLine(target, args, options.backend), options.inheritFd));
    const child = spawn(argv[0] as string, argv.slice(1), {
      cwd: dir,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const agent = new AgentProcess(target, dir, socketPath, child);
    try {
      await agent.waitForSocket();
    } catch (err) {
      await agent.kill();
      throw err;
    }
    return agent;
  }

  get stderr(): string {
    return this.stderrText;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether the process is still running. */
  get alive(): boolean {
    return this.exitStatus === undefined;
  }

  /** Connect a new client (kept for teardown). */
  async connect(): Promise<RawClient> {
    const client = await RawClient.connect(this.socketPath, { retries: 20, delayMs: 100 });
    this.clients.push(client);
    return client;
  }

  /** Send a signal without waiting. */
  signal(sig: NodeJS.Signals): void {
    this.child.kill(sig);
  }

  /** Resolves with the exit status, or undefined if still running after `ms`. */
  async waitExit(ms: number): Promise<ExitStatus | undefined> {
    return Promise.race([this.exited, sleep(ms).then(() => undefined)]);
  }

  /**
   * SIGTERM (as upstream's teardown does), wait up to `graceMs`, SIGKILL if it
   * is still there; then remove the tmp dir. Returns how it ended and whether
   * SIGTERM was enough.
   */
  async stop(graceMs = 10_000): Promise<ExitStatus & { readonly graceful: boolean; readonly stuck?: string }> {
    for (const c of this.clients) c.destroy();
    let graceful = true;
    let stuck: string | undefined;
    if (this.alive) {
      this.child.kill('SIGTERM');
      const status = await this.waitExit(graceMs);
      if (!status) {
        graceful = false;
        stuck = this.procState();
        this.child.kill('SIGKILL');
        await this.exited;
      }
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
    const status = this.exitStatus as ExitStatus;
    return stuck === undefined ? { ...status, graceful } : { ...status, graceful, stuck };
  }

  /** Where a process that ignores SIGTERM sits (for the failure message). */
  private procState(): string {
    const read = (f: string) => {
      try {
        return fs.readFileSync(`/proc/${this.child.pid}/${f}`, 'utf8').trim();
      } catch (err) {
        return String(err);
      }
    };
    const state = /State:\s*(.*)/.exec(read('status'))?.[1];
    return `state=${state} wchan=${read('wchan')} syscall=${read('syscall')} stderr=${JSON.stringify(this.stderrText.slice(-500))}`;
  }

  /** SIGKILL and clean up, for agents a test deliberately leaves in a state where SIGTERM is ignored. */
  async kill(): Promise<ExitStatus> {
    for (const c of this.clients) c.destroy();
    if (this.alive) this.child.kill('SIGKILL');
    const status = await this.exited;
    fs.rmSync(this.dir, { recursive: true, force: true });
    return status;
  }

  private async waitForSocket(): Promise<void> {
    // Bounded: ~10 s, like upstream's fixture (11 one-second tries), but polled faster.
    for (let i = 0; i < 200; i++) {
      if (!this.alive) {
        throw new Error(`${this.target.name} exited before listening (${JSON.stringify(this.exitStatus)}): ${this.stderrText.trim()}`);
      }
      if (fs.existsSync(this.socketPath)) return;
      await sleep(50);
    }
    this.child.kill('SIGKILL');
    throw new Error(`${this.target.name} did not create ${this.socketPath} within 10 s; stderr: ${this.stderrText.trim()}`);
  }
}

export interface RunResult extends ExitStatus {
  readonly stdout: string;
  readonly stderr: string;
}

/** Run the agent to completion (e.g. `-D`, `-V`, `-b help`, a bad option) with a timeout. */
export async function runAgent(
  target: Target,
  args: readonly string[],
  options: { env?: Readonly<Record<string, string>>; cwd?: string; timeoutMs?: number; backend?: 'linux' | 'mock' } = {},
): Promise<RunResult> {
  // In a VM run that can start agents, the program runs in the guest.
  const launcher = vmAgents()?.launcher;
  if (launcher) return runInGuest(launcher, target, args, options.backend ?? defaultOursBackend(), options);
  const argv = commandLine(target, args, options.backend);
  const child = spawn(argv[0] as string, argv.slice(1), {
    cwd: options.cwd ?? os.tmpdir(),
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 15_000);
  const status = await new Promise<ExitStatus>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  clearTimeout(timer);
  running.delete(child);
  return { ...status, stdout, stderr };
}
