import t from 'tap';
import { spawn } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import * as pty from 'node-pty';
import { CLIENT_MAIN, eventually, processAlive, startOurAgent } from './helpers/our-agent.js';

/** Runs qga-client with piped stdio; stdin gets `input` and is closed. */
function cli(args: string[], input = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLIENT_MAIN, ...args], { stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

t.test('with @qga/plugin-exec', async (t) => {
  const agent = await startOurAgent(['--plugin=@qga/plugin-exec']);
  t.teardown(() => agent.stop());
  const a = ['-a', agent.socketPath];

  t.test('shell: an interactive program on a PTY, resized, with its exit status', async (t) => {
    // The guest program echoes a line, then prints its terminal size for every line it reads.
    const script = 'read line; echo "got:$line"; while read x; do stty size; [ "$x" = q ] && exit 3; done';
    const term = pty.spawn(process.execPath, [CLIENT_MAIN, ...a, 'shell', '--', '/bin/sh', '-c', script], {
      rows: 30,
      cols: 100,
      name: 'xterm',
    });
    let screen = '';
    term.onData((d) => (screen += d));
    const exited = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
    t.teardown(() => term.kill());
    term.write('hello there\r');
    t.ok(await eventually(() => screen.includes('got:hello there')), 'the line typed reached the guest program and came back');
    term.write('\r');
    t.ok(await eventually(() => screen.includes('30 100')), `stty size in the guest shows the local size (${JSON.stringify(screen)})`);
    term.resize(120, 40);
    // The resize travels asynchronously: ask again until the guest sees it.
    const resized = await eventually(
      () => {
        if (screen.includes('40 120')) return true;
        term.write('\r');
        return false;
      },
      10_000,
      200,
    );
    t.ok(resized, `the window-size change reached the guest terminal (${JSON.stringify(screen)})`);
    term.write('q\r');
    t.equal(await exited, 3, "qga-client exits with the guest program's status");
  });

  t.test('exec streams output as it is produced; Ctrl-C kills the program in the guest', async (t) => {
    const pidFile = join(agent.dir, 'ticker.pid');
    const child = spawn(
      process.execPath,
      [
        CLIENT_MAIN,
        ...a,
        'exec',
        '--',
        '/bin/sh',
        '-c',
        `echo $$ > ${pidFile}; i=0; while :; do echo tick $i; i=$((i+1)); sleep 0.2; done`,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    t.ok(await eventually(() => out.includes('tick 2')), 'output arrives while the program still runs');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    t.ok(processAlive(pid), 'the guest program is running');
    child.kill('SIGINT');
    t.equal(await closed, 130, 'exit status 128 + SIGINT');
    t.ok(await eventually(() => !processAlive(pid)), 'the guest program is gone');
  });

  t.test('exec waits past the reply timeout; stdin that is not a terminal is forwarded', async (t) => {
    const slow = await cli([...a, '-t', '1', 'exec', '--', '/bin/sh', '-c', 'sleep 2.5; echo done']);
    t.equal(slow.code, 0, slow.stderr);
    t.equal(slow.stdout, 'done\n');
    const piped = await cli([...a, 'exec', '--', '/bin/sh', '-c', 'cat; echo end'], 'line one\nline two\n');
    t.equal(piped.stdout, 'line one\nline two\nend\n');
    const limited = await cli([...a, 'exec', '--max-time', '0.5', '--', '/bin/sleep', '30']);
    t.equal(limited.code, 128 + 9, '--max-time kills the program (SIGKILL)');
    t.match(limited.stderr, /longer than --max-time/);
  });
});

t.test('without the plugin: the plain guest-exec path', async (t) => {
  const agent = await startOurAgent(['--backend', 'linux']);
  t.teardown(() => agent.stop());
  const a = ['-a', agent.socketPath];
  const slow = await cli([...a, '-t', '1', 'exec', '--', '/bin/sh', '-c', 'sleep 2.5; echo done']);
  t.equal(slow.code, 0, `exec outlives the 1 s reply timeout (${slow.stderr})`);
  t.equal(slow.stdout, 'done\n');
  const piped = await cli([...a, 'exec', '--', '/bin/sh', '-c', 'cat; exit 4'], 'from a pipe\n');
  t.equal(piped.stdout, 'from a pipe\n', 'stdin forwarded without --input-file -');
  t.equal(piped.code, 4);
  const shell = await cli([...a, 'shell']);
  t.equal(shell.code, 1);
  t.match(shell.stderr, /shell needs @qga\/plugin-exec/);
  t.ok(existsSync(agent.socketPath));
});
