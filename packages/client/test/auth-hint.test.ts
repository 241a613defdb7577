import t from 'tap';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLIENT_MAIN, QGA_BIN } from './helpers/our-agent.js';

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

t.test('a TCP agent with a shared secret', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'qga-auth-'));
  const secret = join(dir, 'secret');
  writeFileSync(secret, 'a-long-enough-shared-secret\n', { mode: 0o600 });
  const env: NodeJS.ProcessEnv = { ...process.env, QGA_CONF: '/nonexistent/qga-test.conf' };
  delete env['NODE_OPTIONS'];
  const agent = spawn(
    process.execPath,
    [QGA_BIN, '--backend', 'mock', '-m', 'tcp-listen', '-p', '127.0.0.1:0', '--shared-secret-file', secret, '-t', dir, '-v'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env,
    },
  );
  const exited = new Promise((resolve) => agent.once('exit', resolve));
  t.teardown(async () => {
    agent.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  });
  let log = '';
  const port = await new Promise<string>((resolve, reject) => {
    agent.stderr.on('data', (d: Buffer) => {
      log += d.toString();
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(log);
      if (m) resolve(m[1] as string);
    });
    agent.once('exit', () => reject(new Error(`qga exited: ${log}`)));
  });
  const a = ['-a', `tcp:127.0.0.1:${port}`];

  const ok = await cli([...a, '--shared-secret-file', secret, 'ping']);
  t.equal(ok.code, 0, ok.stderr);

  const without = await cli([...a, '-t', '2', 'ping']);
  t.equal(without.code, 3);
  t.match(
    without.stderr,
    /hint: authentication may have failed: if the agent requires a shared secret, give it with --shared-secret-file FILE/,
  );

  const wrong = join(dir, 'wrong');
  writeFileSync(wrong, 'not-the-secret-at-all\n', { mode: 0o600 });
  const refused = await cli([...a, '--shared-secret-file', wrong, 'ping']);
  t.equal(refused.code, 3);
  t.match(refused.stderr, /the agent said: authentication failed\)\nhint: authentication may have failed: check that --shared-secret-file/);

  chmodSync(secret, 0o644);
  const exposed = await cli([...a, '--shared-secret-file', secret, 'ping']);
  t.equal(exposed.code, 1, 'a world-readable secret file is refused');
  t.match(exposed.stderr, /every user can read it \(mode 644\); chmod 600/);
  chmodSync(secret, 0o640);
  const group = await cli([...a, '--shared-secret-file', secret, 'ping']);
  t.equal(group.code, 0);
  t.match(group.stderr, /warning: the shared secret file .* is readable by its group \(mode 640\)/);
});
