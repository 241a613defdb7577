import t from 'tap';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pty from 'node-pty';
import { prepareGuestKernel } from './vm-kernel.js';
import { binaryWithLibraries, buildInitramfs, type GuestFiles } from './vm-initramfs.js';
import { bootVm } from './vm-machine.js';
import { missingVmTools } from './vm-tools.js';

// The first-party plugins inside a real guest, driven by qga-client through
// QEMU's chardev socket and a real virtio-serial port (where the host can only poll).
const repo = new URL('../../..', import.meta.url).pathname;
const cacheDir = join(repo, '.cache', 'vm');
const bundle = join(repo, 'packages', 'agent', 'dist', 'qga.mjs');
const CLIENT = join(repo, 'packages', 'client', 'dist', 'src', 'cli', 'main.js');
const PORT = '/dev/virtio-ports/org.qemu.guest_agent.0';
/**
 * The size the plugin's transfer must carry: 256 MiB, cut mid-way each way and resumed. Under TCG
 * every byte is emulated in the guest (about 140 s for this file alone here; 37 s at 32 MiB):
 * QGA_VM_TRANSFER_MIB=32 for a quicker local run.
 */
const SIZE = Number(process.env['QGA_VM_TRANSFER_MIB'] ?? 256) * 1024 * 1024;

const missing = missingVmTools();

/** node-pty as the bundle finds it from /qga/qga.mjs: package.json, its JavaScript and the native addon. */
function nodePtyFiles(): GuestFiles {
  const root = join(repo, 'node_modules', 'node-pty');
  const files: GuestFiles = { '/qga/node_modules/node-pty/package.json': join(root, 'package.json') };
  const walk = (dir: string, rel: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name), `${rel}/${e.name}`);
      else if (e.name.endsWith('.js')) files[`/qga/node_modules/node-pty/lib${rel}/${e.name}`] = join(dir, e.name);
    }
  };
  walk(join(root, 'lib'), '');
  files['/qga/node_modules/node-pty/build/Release/pty.node'] = join(root, 'build', 'Release', 'pty.node');
  return files;
}

function cli(args: string[], input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLIENT, ...args], { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** A relay in front of QEMU's socket that cuts the connection after `limit` bytes one way. */
function cuttingProxy(path: string, target: string, direction: 'to-agent' | 'to-client', limit: number): Promise<{ close(): void }> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const agent = connect(target);
    sockets.add(client).add(agent);
    let passed = 0;
    const counted = direction === 'to-agent' ? client : agent;
    const other = counted === client ? agent : client;
    counted.on('data', (chunk: Buffer) => {
      passed += chunk.length;
      if (passed >= limit) {
        client.destroy();
        agent.destroy();
      } else other.write(chunk);
    });
    other.on('data', (chunk: Buffer) => counted.write(chunk));
    for (const s of [client, agent]) s.on('error', () => {}).on('close', () => (s === client ? agent : client).destroy());
  });
  return new Promise((resolve) =>
    server.listen(path, () =>
      resolve({
        close: () => {
          for (const s of sockets) s.destroy();
          server.close();
        },
      }),
    ),
  );
}

async function eventually(check: () => boolean, ms: number, every = 100): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, every));
  }
  return true;
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

t.test(
  'plugins in a real VM over virtio-serial',
  { skip: missing.length ? `missing ${missing.join(', ')}` : !existsSync(bundle) ? 'agent bundle not built' : false },
  async (t) => {
    const kernel = prepareGuestKernel(cacheDir);
    const dir = mkdtempSync(join(tmpdir(), 'qga-vmplug-'));
    const initrd = join(dir, 'initrd.cpio');
    const files: GuestFiles = {
      ...binaryWithLibraries(process.execPath),
      ...binaryWithLibraries(join(repo, 'node_modules/node-pty/build/Release/pty.node')),
      ...nodePtyFiles(),
      '/qga/qga.mjs': bundle,
    };
    const command = `${process.execPath} /qga/qga.mjs -m virtio-serial -p ${PORT} --backend linux -t /run/qga --plugin=@qga/plugin-exec --plugin=@qga/plugin-files`;
    writeFileSync(initrd, buildInitramfs({ agentCommand: command, files, modules: kernel.modules }));
    const vm = bootVm({ dir, kernel: kernel.vmlinux, initrd, memoryMb: 1024 });
    t.teardown(async () => {
      try {
        await vm.destroy();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
    const a = ['-a', `unix:${vm.qgaSocket}`, '-t', '60'];
    try {
      const up = await cli([...a, '-w', '120', 'ping']);
      t.equal(up.code, 0, `the guest agent answers (${up.stderr})`);

      await t.test('shell: a PTY in the guest, resized from the host', async (t) => {
        const script = 'read line; echo "got:$line"; while read x; do stty size; [ "$x" = q ] && exit 3; done';
        const term = pty.spawn(process.execPath, [CLIENT, ...a, 'shell', '--', '/bin/sh', '-c', script], {
          rows: 30,
          cols: 100,
          name: 'xterm',
        });
        let screen = '';
        term.onData((d) => (screen += d));
        const exited = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
        term.write('hello vm\r');
        t.ok(await eventually(() => screen.includes('got:hello vm'), 60_000), `the line came back (${JSON.stringify(screen)})`);
        term.write('\r');
        t.ok(await eventually(() => screen.includes('30 100'), 60_000), 'the guest terminal has the local size');
        term.resize(120, 40);
        const resized = await eventually(
          () => {
            if (screen.includes('40 120')) return true;
            term.write('\r');
            return false;
          },
          60_000,
          1000,
        );
        t.ok(resized, `the resize reached the guest (${JSON.stringify(screen.slice(-300))})`);
        term.write('q\r');
        t.equal(await exited, 3);
      });

      await t.test('exec streams from the guest; Ctrl-C kills the program there', async (t) => {
        const child = spawn(
          process.execPath,
          [CLIENT, ...a, 'exec', '--', '/bin/sh', '-c', 'echo pid $$; i=0; while :; do echo tick $i; i=$((i+1)); sleep 0.3; done'],
          {
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
        t.ok(await eventually(() => out.includes('tick 2'), 60_000), 'output arrives while the program runs');
        const pid = Number(/pid (\d+)/.exec(out)?.[1]);
        child.kill('SIGINT');
        t.equal(await closed, 130);
        const check = await cli([...a, 'exec', '--', '/bin/sh', '-c', `kill -0 ${pid} 2>/dev/null && echo alive || echo gone`]);
        t.equal(check.stdout, 'gone\n', `guest process ${pid} is gone`);
        const piped = await cli([...a, 'exec', '--', '/bin/sh', '-c', 'cat; echo end'], 'through the port\n');
        t.equal(piped.stdout, 'through the port\nend\n', 'stdin forwarded');
      });

      await t.test(`push and pull ${SIZE / 1048576} MiB, cut mid-way, resumed and verified`, async (t) => {
        const host = join(dir, 'host.bin');
        const fd = openSync(host, 'w');
        const hash = createHash('sha256');
        for (let done = 0; done < SIZE; done += 1024 * 1024) {
          const piece = randomBytes(1024 * 1024);
          writeSync(fd, piece);
          hash.update(piece);
        }
        closeSync(fd);
        const digest = hash.digest('hex');
        const guest = '/tmp/pushed.bin';
        const proxyPath = join(dir, 'proxy');
        const pushCut = await cuttingProxy(proxyPath, vm.qgaSocket, 'to-agent', SIZE / 2);
        const first = await cli(['-a', `unix:${proxyPath}`, '-t', '60', 'push', host, guest]);
        pushCut.close();
        rmSync(proxyPath, { force: true });
        t.equal(first.code, 3, `the cut fails the first push (${first.stderr.trim()})`);
        const second = await cli([...a, '--json', 'push', host, guest]);
        t.equal(second.code, 0, second.stderr);
        const pushed = JSON.parse(second.stdout || '{}') as { sha256?: string; 'resumed-from'?: number };
        t.equal(pushed.sha256, digest, 'the guest verified the SHA-256');
        t.ok((pushed['resumed-from'] ?? 0) > 0, `resumed at ${pushed['resumed-from']}`);

        const local = join(dir, 'pulled.bin');
        const pullCut = await cuttingProxy(proxyPath, vm.qgaSocket, 'to-client', SIZE / 2);
        const cut = await cli(['-a', `unix:${proxyPath}`, '-t', '60', 'pull', guest, local]);
        pullCut.close();
        t.equal(cut.code, 3, `the cut fails the first pull (${cut.stderr.trim()})`);
        const part = statSync(`${local}.qga-part`).size;
        t.ok(part > 0 && part < SIZE, `part kept (${part} bytes)`);
        const pulled = await cli([...a, 'pull', guest, local]);
        t.equal(pulled.code, 0, pulled.stderr);
        t.match(pulled.stderr, /resumed .* at byte \d+/);
        t.equal(sha(readFileSync(local)), digest, 'the pulled file is the host file, byte for byte');
      });

      // A clean power-off (guest-shutdown has no reply: the proof is QEMU exiting).
      const off = await cli([...a, 'shutdown']);
      t.equal(off.code, 0, off.stderr);
      t.equal(await vm.waitExit(60_000), 0, 'the guest powered off');
    } catch (e) {
      t.comment(vm.console().slice(-3000));
      throw e;
    }
  },
);
