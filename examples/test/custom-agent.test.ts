import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const main = new URL('../custom-agent/main.js', import.meta.url).pathname;

/** Sends `request` lines and collects `n` reply lines from a unix socket. */
function talk(path: string, request: string, n: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const sock = connect(path);
    let data = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`timeout; got ${JSON.stringify(data)}`));
    }, 5000);
    sock.on('data', (d) => {
      data += d.toString('latin1');
      const lines = data.split('\n');
      if (lines.length - 1 >= n) {
        clearTimeout(timer);
        sock.end();
        resolve(lines.slice(0, n));
      }
    });
    sock.on('error', reject);
    sock.write(request);
  });
}

t.test('the example agent serves its vendor command next to the built-ins', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'qga-example-'));
  const sock = join(dir, 'agent.sock');
  const child = spawn(process.execPath, [main, sock], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('listening') && resolve());
    child.once('exit', (code) => reject(new Error(`example exited early with ${code}`)));
  });

  const [hello, named, blocked, info] = await talk(
    sock,
    '{"execute":"__com.example_hello"}' +
      '{"execute":"__com.example_hello","arguments":{"name":"host"},"id":7}' +
      '{"execute":"guest-exec","arguments":{"path":"/bin/true"}}' +
      '{"execute":"guest-info"}',
    4,
  );
  t.match(hello, /^\{"return": \{"greeting": "Hello, world, from [^"]+!"\}\}$/);
  t.match(named, /^\{"return": \{"greeting": "Hello, host, from [^"]+!"\}, "id": 7\}$/);
  t.equal(blocked, '{"error": {"class": "CommandNotFound", "desc": "Command guest-exec has been disabled: the command is not allowed"}}');
  const commands = (JSON.parse(info!) as { return: { supported_commands: { name: string; enabled: boolean }[] } }).return
    .supported_commands;
  t.same(commands[0], { enabled: true, name: '__com.example_hello', 'success-response': true }, 'plugin listed first (reverse order)');
  t.equal(commands.find((c) => c.name === 'guest-exec')?.enabled, false);
  const [badArg] = await talk(sock, '{"execute":"__com.example_hello","arguments":{"name":5}}', 1);
  t.equal(badArg, '{"error": {"class": "GenericError", "desc": "Invalid parameter type for \'name\', expected: string"}}');
});
