import t from 'tap';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { RawQgaClient } from './helpers/qga-socket.js';
import { agentArgs, BUNDLE, ensureBundle, MAIN_JS, run, start, tempDir } from './helpers/run-qga.js';

ensureBundle();

const EXEC = [
  '__org.qga_exec-start',
  '__org.qga_exec-read',
  '__org.qga_exec-write',
  '__org.qga_exec-resize',
  '__org.qga_exec-signal',
  '__org.qga_exec-release',
];
const FILES = [
  '__org.qga_file-stat',
  '__org.qga_file-read',
  '__org.qga_file-checksum',
  '__org.qga_file-upload-open',
  '__org.qga_file-upload-write',
  '__org.qga_file-upload-commit',
  '__org.qga_file-upload-abort',
];

for (const [label, program] of [
  ['the compiled program', MAIN_JS],
  ['the bundle', BUNDLE],
] as const) {
  t.test(`${label}: --plugin=@qga/plugin-exec and plugins=@qga/plugin-files load by package name`, async (t) => {
    const dir = tempDir(t);
    const conf = join(dir, 'qga.conf');
    writeFileSync(conf, '[general]\nplugins=@qga/plugin-files\n');
    // From a directory without node_modules: the first-party plugins come with qga.
    const listed = await run(['--backend', 'mock', '-c', conf, '--plugin=@qga/plugin-exec', '-b', 'help'], { program, cwd: dir });
    t.equal(listed.code, 0, listed.stderr);
    t.same(listed.stdout.trimEnd().split('\n').slice(-13), [...FILES, ...EXEC], 'config file first, then the command line');
  });

  t.test(`${label}: plugin commands obey -b and work over the socket`, async (t) => {
    const dir = tempDir(t);
    const agent = start(agentArgs(dir, '--plugin=@qga/plugin-exec', '-b', '__org.qga_exec-signal'), { program, cwd: dir });
    t.teardown(async () => {
      agent.child.kill('SIGTERM');
      await agent.exited;
    });
    const client = await RawQgaClient.connect(join(dir, 'sock'));
    t.teardown(() => client.close());
    const blocked = await client.request({ execute: '__org.qga_exec-signal', arguments: { id: 1 } });
    t.equal(
      blocked,
      '{"error": {"class": "CommandNotFound", "desc": "Command __org.qga_exec-signal has been disabled: the command is not allowed"}}',
    );
    const started = JSON.parse(
      (await client.request({ execute: '__org.qga_exec-start', arguments: { path: '/bin/echo', arg: ['hi'] } })) ?? '{}',
    ) as {
      return: { id: number };
    };
    const read = await client.request({ execute: '__org.qga_exec-read', arguments: { id: started.return.id, 'wait-ms': 5000 } });
    t.match(read, /"out-data": "aGkK"/, 'the program ran and its output came back');
  });
}

t.test('an unknown package name is a clear startup error', async (t) => {
  const r = await run(['--backend', 'mock', '--plugin=@qga/plugin-nope', '-b', 'help'], { cwd: tempDir(t) });
  t.equal(r.code, 1);
  t.match(r.stderr, /plugin @qga\/plugin-nope: cannot load: Cannot find module '@qga\/plugin-nope'/);
});
