import t from 'tap';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
  writeSync,
  closeSync,
} from 'node:fs';
import { join } from 'node:path';
import * as pty from 'node-pty';
import { CLIENT_MAIN, startOurAgent } from './helpers/our-agent.js';
import { cuttingProxy } from './helpers/cutting-proxy.js';

/**
 * 256 MiB, as users move VM images and logs (about 15 s for this whole file
 * here); QGA_TRANSFER_TEST_MIB makes it smaller on a slow machine.
 */
const SIZE = Number(process.env['QGA_TRANSFER_TEST_MIB'] ?? 256) * 1024 * 1024;

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLIENT_MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A file of random bytes, written in pieces (no 64 MiB buffer held); returns its SHA-256. */
function randomFile(path: string, size: number): string {
  const hash = createHash('sha256');
  const fd = openSync(path, 'w');
  for (let done = 0; done < size;) {
    const piece = randomBytes(Math.min(4 * 1024 * 1024, size - done));
    writeSync(fd, piece);
    hash.update(piece);
    done += piece.length;
  }
  closeSync(fd);
  return hash.digest('hex');
}

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

t.test('push and pull through @qga/plugin-files', async (t) => {
  const agent = await startOurAgent(['--plugin=@qga/plugin-files']);
  t.teardown(() => agent.stop());
  const a = ['-a', agent.socketPath];
  const host = join(agent.dir, 'host.bin');
  const digest = randomFile(host, SIZE);

  t.test('pull cut mid-way resumes and verifies', async (t) => {
    const proxy = await cuttingProxy(join(agent.dir, 'proxy-pull'), agent.socketPath, 'to-client', SIZE / 2);
    t.teardown(() => proxy.close());
    const local = join(agent.dir, 'pulled.bin');
    const first = await cli(['-a', proxy.path, 'pull', host, local]);
    t.equal(first.code, 3, `the cut connection fails the first run (${first.stderr.trim()})`);
    const partSize = statSync(`${local}.qga-part`).size;
    t.ok(partSize > 0 && partSize < SIZE, `a partial download was kept (${partSize} bytes)`);
    const second = await cli([...a, 'pull', host, local]);
    t.equal(second.code, 0, second.stderr);
    t.match(second.stderr, new RegExp(`resumed .* at byte ${partSize}\\b`), 'the second run resumed where the first stopped');
    t.equal(sha256(local), digest, 'the pulled file is byte for byte the guest file');
    t.notOk(existsSync(`${local}.qga-part`), 'the part file became the file');
  });

  t.test('push cut mid-way resumes, verifies and replaces atomically', async (t) => {
    const proxy = await cuttingProxy(join(agent.dir, 'proxy-push'), agent.socketPath, 'to-agent', SIZE / 2);
    t.teardown(() => proxy.close());
    const remote = join(agent.dir, 'pushed.bin');
    writeFileSync(remote, 'old contents');
    chmodSync(remote, 0o640);
    const first = await cli(['-a', proxy.path, 'push', host, remote]);
    t.equal(first.code, 3, `the cut connection fails the first run (${first.stderr.trim()})`);
    t.equal(readFileSync(remote, 'utf8'), 'old contents', 'the target is untouched until the upload is complete');
    const temps = readdirSync(agent.dir).filter((n) => n.startsWith('.pushed.bin.') && n.endsWith('.qga-part'));
    t.equal(temps.length, 1, 'one temp file next to the target');
    const tempSize = statSync(join(agent.dir, temps[0] as string)).size;
    t.ok(tempSize > 0 && tempSize < SIZE, `part of the upload is there (${tempSize} bytes)`);
    const second = await cli([...a, '--json', 'push', host, remote]);
    t.equal(second.code, 0, second.stderr);
    const summary = JSON.parse(second.stdout) as { bytes: number; sha256: string; 'resumed-from': number };
    // The agent may still have been writing chunks it had received when the client died: at least as far.
    t.ok(
      summary['resumed-from'] >= tempSize && summary['resumed-from'] <= SIZE / 2,
      `the second run resumed where the guest's temp file ended (${summary['resumed-from']})`,
    );
    t.equal(summary.sha256, digest);
    t.equal(sha256(remote), digest, 'the guest file is byte for byte the host file');
    t.equal(statSync(remote).mode & 0o777, 0o640, "the replaced file's mode is kept");
    t.same(
      readdirSync(agent.dir).filter((n) => n.endsWith('.qga-part')),
      [],
      'no temp file left',
    );
  });

  t.test('on a terminal: a progress bar with throughput and ETA', async (t) => {
    const remote = join(agent.dir, 'on-a-tty.bin');
    const term = pty.spawn(process.execPath, [CLIENT_MAIN, ...a, 'push', host, remote], { rows: 24, cols: 160, name: 'xterm' });
    let screen = '';
    term.onData((d) => (screen += d));
    const code = await new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
    t.equal(code, 0, screen);
    const mib = (SIZE / 1048576).toFixed(1).replace('.', '\\.');
    t.match(screen, new RegExp(`push \\S+host\\.bin \\[#+\\] 100% ${mib} MiB/${mib} MiB [\\d.]+ MiB/s ETA 0:00 verified \\(SHA-256\\)`));
  });

  t.test('small transfers: mode, symlinks, progress only on a terminal', async (t) => {
    const small = join(agent.dir, 'small.txt');
    writeFileSync(small, 'small\n');
    chmodSync(small, 0o600);
    const remote = join(agent.dir, 'small-remote.txt');
    const withMode = await cli([...a, 'push', '--mode', '751', small, remote]);
    t.equal(withMode.code, 0, withMode.stderr);
    t.equal(withMode.stderr, '', 'nothing on stderr when it is not a terminal');
    t.equal(statSync(remote).mode & 0o777, 0o751);
    const preserved = await cli([...a, 'push', '--preserve', small, remote]);
    t.equal(preserved.code, 0);
    t.equal(statSync(remote).mode & 0o777, 0o600, '--preserve sends the local mode');
    // A symlink where the file should be is never followed for reading...
    const secret = join(agent.dir, 'secret');
    writeFileSync(secret, 'secret');
    const link = join(agent.dir, 'link');
    symlinkSync(secret, link);
    const pulled = await cli([...a, 'pull', link, join(agent.dir, 'out')]);
    t.equal(pulled.code, 2);
    t.match(pulled.stderr, /not a regular file in the guest \(symlink\)/);
    // ...nor written through: the link itself is replaced, its target stays.
    const pushed = await cli([...a, 'push', small, link]);
    t.equal(pushed.code, 0, pushed.stderr);
    t.equal(readFileSync(secret, 'utf8'), 'secret', 'the symlink target is untouched');
    t.ok(lstatSync(link).isFile(), 'the link was replaced by the uploaded file');
    // On the host, a part file planted as a symlink is not written through either.
    const victim = join(agent.dir, 'victim');
    writeFileSync(victim, 'victim');
    const out = join(agent.dir, 'planted-out');
    symlinkSync(victim, `${out}.qga-part`);
    const planted = await cli([...a, 'pull', small, out]);
    t.not(planted.code, 0, 'the pull refuses');
    t.match(planted.stderr, /planted-out\.qga-part is a symbolic link: refusing to write through it/);
    t.equal(readFileSync(victim, 'utf8'), 'victim', 'the symlink target is untouched');
    t.ok(lstatSync(`${out}.qga-part`).isSymbolicLink(), 'the planted link is left for the user to inspect');
    t.notOk(existsSync(out), 'no output file was made');
  });
});

t.test('without the plugin: plain guest-file path with a warning', async (t) => {
  const agent = await startOurAgent(['--backend', 'linux']);
  t.teardown(() => agent.stop());
  const a = ['-a', agent.socketPath];
  const host = join(agent.dir, 'h.bin');
  const data = randomBytes(300_000);
  writeFileSync(host, data);
  const remote = join(agent.dir, 'r.bin');
  const push = await cli([...a, 'push', host, remote]);
  t.equal(push.code, 0, push.stderr);
  t.match(push.stderr, /without verification/);
  t.ok(readFileSync(remote).equals(data));
  const pull = await cli([...a, 'pull', remote, join(agent.dir, 'back.bin')]);
  t.equal(pull.code, 0, pull.stderr);
  t.ok(readFileSync(join(agent.dir, 'back.bin')).equals(data));
});
