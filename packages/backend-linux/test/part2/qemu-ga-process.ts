import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const QEMU_GA = ['/usr/sbin/qemu-ga', '/usr/bin/qemu-ga'].find((p) => existsSync(p));

/**
 * The real qemu-ga (Debian's 7.2) on a private unix socket, optionally
 * wrapped (`ip netns exec NS`, `unshare -m ...`) and with extra environment.
 */
export class QemuGa {
  private constructor(
    private readonly proc: ChildProcess,
    private readonly dir: string,
    private readonly sock: Socket,
  ) {
    sock.setEncoding('utf8');
    sock.on('data', (chunk: string) => {
      this.buf += chunk;
      let nl: number;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        this.waiters.shift()?.(line);
      }
    });
  }

  private buf = '';
  private readonly waiters: Array<(line: string) => void> = [];

  static async start(opts: { env?: Record<string, string | undefined>; wrap?: string[]; shellPrefix?: string } = {}): Promise<QemuGa> {
    if (QEMU_GA === undefined) throw new Error('qemu-ga not installed');
    const dir = await mkdtemp(join(tmpdir(), 'qga-ref-'));
    const sockPath = join(dir, 'sock');
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const [k, v] of Object.entries(opts.env ?? {})) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    const args = ['-m', 'unix-listen', '-p', sockPath, '-t', dir];
    const proc =
      opts.shellPrefix !== undefined
        ? spawn('unshare', ['-m', 'sh', '-c', `${opts.shellPrefix} && exec ${QEMU_GA} ${args.join(' ')}`], { env, stdio: 'ignore' })
        : spawn(opts.wrap?.[0] ?? QEMU_GA, [...(opts.wrap?.slice(1) ?? []), ...(opts.wrap ? [QEMU_GA] : []), ...args], {
            env,
            stdio: 'ignore',
          });
    for (let i = 0; i < 200 && !existsSync(sockPath); i++) {
      if (proc.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    if (!existsSync(sockPath)) {
      proc.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
      throw new Error('qemu-ga did not start');
    }
    // qemu-ga binds (the file appears) before it listens: retry a refused connect for a while.
    let sock: Socket | undefined;
    for (let attempt = 0; sock === undefined; attempt++) {
      try {
        sock = await new Promise<Socket>((resolve, reject) => {
          const s = connect(sockPath, () => resolve(s));
          s.once('error', reject);
        });
      } catch (e) {
        if (attempt >= 100 || proc.exitCode !== null) {
          proc.kill('SIGKILL');
          await rm(dir, { recursive: true, force: true });
          throw e;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    return new QemuGa(proc, dir, sock);
  }

  /** `{"execute": name}` → the parsed reply (`{return}` or `{error}`). */
  async call(name: string): Promise<{ return?: unknown; error?: { class: string; desc: string } }> {
    const line = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`qemu-ga did not answer ${name}`)), 10_000);
      this.waiters.push((l) => {
        clearTimeout(timer);
        resolve(l);
      });
    });
    this.sock.write(`${JSON.stringify({ execute: name })}\n`);
    return JSON.parse(await line) as { return?: unknown; error?: { class: string; desc: string } };
  }

  async stop(): Promise<void> {
    this.sock.destroy();
    const exited = new Promise((r) => this.proc.once('exit', r));
    this.proc.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
    if (this.proc.exitCode === null) this.proc.kill('SIGKILL');
    await rm(this.dir, { recursive: true, force: true });
  }
}
