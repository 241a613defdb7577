import fs from 'node:fs';
import path from 'node:path';
import type { ExitStatus, RunResult, StartOptions, Target } from './agents.js';
import { guestControl, toRun, type GuestControl, type GuestExecStatus } from './guest-control.js';
import { RawClient, ReadTimeout } from './raw-client.js';
import { bytes } from './raw-client.js';
import type { VmLauncher } from './vm-agent.js';

const busyPorts = new Set<string>();
let readyIds = 0;

/** argv (in the guest) of `target` with our backend choice, then qemu-ga's options. */
function guestCommand(launcher: VmLauncher, target: Target, backend: 'linux' | 'mock', args: readonly string[]): string[] {
  return [...launcher.commands[target.name], ...(target.name === 'ours' ? ['--backend', backend] : []), ...args];
}

/**
 * `cd DIR && exec env VAR=… argv…` in the guest, optionally with descriptor
 * `fd` left open on /dev/null (as a careless parent would): the pid
 * guest-exec reports is then the agent's own.
 */
function inDir(
  launcher: VmLauncher,
  dir: string,
  env: Readonly<Record<string, string>> | undefined,
  argv: readonly string[],
  fd?: number,
): string[] {
  const script = `${fd === undefined ? '' : `exec ${fd}</dev/null; `}cd "$1" && shift && exec env "$@"`;
  return [launcher.shell, '-c', script, 'sh', dir, ...Object.entries(env ?? {}).map(([k, v]) => `${k}=${v}`), ...argv];
}

/** runAgent in the guest: `-D`, `-b help`, a bad option… run there to completion. */
export async function runInGuest(
  launcher: VmLauncher,
  target: Target,
  args: readonly string[],
  backend: 'linux' | 'mock',
  options: { env?: Readonly<Record<string, string>>; cwd?: string; timeoutMs?: number },
): Promise<RunResult> {
  const r = await guestControl(launcher.control).run(
    inDir(launcher, options.cwd ?? '/tmp', options.env, guestCommand(launcher, target, backend, args)),
    Math.max(options.timeoutMs ?? 0, 60_000),
  );
  return { code: r.code, signal: r.signal, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

/**
 * An agent of its own for one case, started in the VM guest on a spare
 * virtio-serial port with the case's command line, environment and state
 * dir (a host dir shared with the guest at the same path, so `prepare` and
 * on-disk checks work as on the host). The surface of AgentProcess the case
 * files use; stop() is SIGTERM in the guest, and the exit status is the
 * one guest-exec reports.
 */
export class VmCaseAgent {
  readonly clients: RawClient[] = [];
  /** All host connections feed the one port (see VmAgent). */
  readonly sharedStream = true;
  private exitStatus: ExitStatus | undefined;
  private stderrText = '';
  private ready: RawClient | undefined;

  private constructor(
    readonly target: Target,
    readonly dir: string,
    readonly port: { readonly name: string; readonly socket: string },
    readonly pid: number,
    private readonly control: GuestControl,
  ) {}

  static async start(launcher: VmLauncher, target: Target, options: StartOptions, backend: 'linux' | 'mock'): Promise<VmCaseAgent> {
    const port = launcher.ports.find((p) => !busyPorts.has(p.name));
    if (!port) throw new Error(`all ${launcher.ports.length} spare guest ports are in use`);
    busyPorts.add(port.name);
    const dir = fs.mkdtempSync(path.join(launcher.workDir, `case-${target.name}-`));
    options.prepare?.(dir);
    const args = [
      '-m',
      'virtio-serial',
      '-p',
      `/dev/virtio-ports/${port.name}`,
      '-t',
      dir,
      ...(options.verbose ? ['-v'] : []),
      ...(options.args ?? []),
    ];
    const control = guestControl(launcher.control);
    let pid: number;
    try {
      pid = await control.spawn(inDir(launcher, dir, options.env, guestCommand(launcher, target, backend, args), options.inheritFd));
    } catch (e) {
      busyPorts.delete(port.name);
      throw e;
    }
    const agent = new VmCaseAgent(target, dir, port, pid, control);
    try {
      await agent.waitReady();
    } catch (e) {
      await agent.kill();
      throw e;
    }
    return agent;
  }

  /**
   * Ready once a request sent through the port is answered. A probe sent
   * before the agent opened the port is held by QEMU and answered late, so
   * every probe has its own id and we read on to the newest one's reply;
   * the id is echoed even when the command is disabled (-a, -b, frozen).
   * The leading 0xFF resets whatever a previous agent on the port left.
   */
  private async waitReady(): Promise<void> {
    const client = await RawClient.connect(this.port.socket, { retries: 100, delayMs: 100 });
    const end = Date.now() + 120_000;
    while (Date.now() < end) {
      const id = `qga-ready-${process.pid}-${++readyIds}`;
      await client.send(bytes(`\xff{"execute":"guest-sync-delimited","arguments":{"id":1},"id":"${id}"}`));
      try {
        for (;;) {
          const line = (await client.readLine(3000)).replace(/\xff/g, '');
          if (line.includes(`"id": "${id}"`)) {
            this.ready = client;
            this.clients.push(client);
            return;
          }
        }
      } catch (e) {
        if (!(e instanceof ReadTimeout)) throw e;
      }
      const s = await this.control.status(this.pid);
      if (s.exited) {
        client.destroy();
        this.record(s);
        throw new Error(
          `${this.target.name} exited in the guest before answering (${JSON.stringify(this.exitStatus)}): ${this.stderrText.trim()}`,
        );
      }
    }
    client.destroy();
    throw new Error(`${this.target.name} did not answer on ${this.port.name} within 120 s`);
  }

  private record(s: GuestExecStatus): ExitStatus {
    const r = toRun(s);
    this.stderrText = r.stderr.toString('utf8');
    this.exitStatus = { code: r.code, signal: r.signal };
    return this.exitStatus;
  }

  get stderr(): string {
    return this.stderrText;
  }

  get alive(): boolean {
    return this.exitStatus === undefined;
  }

  /** The first call hands out the connection the readiness probe used (already in a clean state). */
  async connect(): Promise<RawClient> {
    if (this.ready) {
      const c = this.ready;
      this.ready = undefined;
      return c;
    }
    const client = await RawClient.connect(this.port.socket, { retries: 100, delayMs: 100 });
    this.clients.push(client);
    return client;
  }

  signal(sig: NodeJS.Signals): Promise<void> {
    return this.control.kill(this.pid, sig.replace(/^SIG/, ''));
  }

  async waitExit(ms: number): Promise<ExitStatus | undefined> {
    if (this.exitStatus) return this.exitStatus;
    const s = await this.control.waitExit(this.pid, ms);
    return s ? this.record(s) : undefined;
  }

  async stop(graceMs = 10_000): Promise<ExitStatus & { readonly graceful: boolean; readonly stuck?: string }> {
    for (const c of this.clients) c.destroy();
    let graceful = true;
    if (this.alive) {
      await this.signal('SIGTERM');
      if (!(await this.waitExit(graceMs))) {
        graceful = false;
        await this.kill();
        return { ...(this.exitStatus as ExitStatus), graceful, stuck: 'did not exit on SIGTERM in the guest' };
      }
    }
    this.release();
    return { ...(this.exitStatus as ExitStatus), graceful };
  }

  async kill(): Promise<ExitStatus> {
    for (const c of this.clients) c.destroy();
    if (this.alive) {
      await this.control.kill(this.pid, 'KILL').catch(() => undefined);
      await this.waitExit(30_000);
    }
    this.release();
    return this.exitStatus ?? { code: null, signal: null };
  }

  private release(): void {
    busyPorts.delete(this.port.name);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
