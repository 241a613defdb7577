import t from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, fixture, tempDir, agentArgs } from './helpers/run-qga.js';

const QEMU_GA = '/usr/sbin/qemu-ga';
const haveQemuGa = existsSync(QEMU_GA);

/** `qemu-ga -D` for the same config and options (Debian's 7.2: it has no allow-rpcs key, added in 8.1). */
function qemuGaDump(args: string[], conf?: string): string {
  return execFileSync(QEMU_GA, ['-D', ...args], {
    env: { ...process.env, QGA_CONF: conf ?? '/nonexistent/qga-test.conf' },
    encoding: 'utf8',
  });
}
const withoutAllowRpcs = (text: string): string => text.replace(/^allow-rpcs=.*\n/m, '');
/** Everything but the rpc list lines, where we differ on purpose: GLib's list form, in the order given. */
const withoutRpcLists = (text: string): string => text.replace(/^(allow|block)-rpcs=.*\n/gm, '');

t.test('-V prints our name and version with the protocol version, exit 0', async (t) => {
  const r = await run(['-V']);
  t.equal(r.code, 0);
  t.match(r.stdout, /^qga \d+\.\d+\.\d+ \(QEMU Guest Agent 10\.2\.50 protocol\)\n$/);
  t.equal((await run(['--version'])).stdout, r.stdout);
});

t.test('-h describes every option, exit 0', async (t) => {
  const r = await run(['-h']);
  t.equal(r.code, 0);
  for (const option of [
    '-m, --method',
    '-p, --path',
    '-l, --logfile',
    '-f, --pidfile',
    '-F, --fsfreeze-hook[=PATH]',
    '-t, --statedir',
    '-v, --verbose',
    '-V, --version',
    '-d, --daemonize',
    '-b, --block-rpcs',
    '-a, --allow-rpcs',
    '-c, --config',
    '-D, --dump-conf',
    '-r, --retry-path',
    '-h, --help',
    '--backend',
    '--tls-cert',
    '--tls-key',
    '--tls-ca',
    '--shared-secret-file',
    '--allow-remote',
    '--freeze-timeout',
    '--max-clients',
    '--exclude-interfaces',
    '--plugin=PATH',
  ]) {
    t.ok(r.stdout.includes(option), option);
  }
  t.match(r.stdout, /\/dev\/virtio-ports\/org\.qemu\.guest_agent\.0/);
  t.match(r.stdout, /\/var\/run\/qemu-ga\.pid/);
  t.equal((await run(['--help'])).stdout, r.stdout);
});

t.test('an unknown option: getopt message and hint on stderr, exit 1', async (t) => {
  const r = await run(['-X']);
  t.equal(r.code, 1);
  t.equal(r.stdout, '');
  t.equal(r.stderr, "qga: invalid option -- 'X'\nUnknown option, try 'qga --help' for more information.\n");
  const long = await run(['--bogus']);
  t.equal(long.code, 1);
  t.match(long.stderr, /unrecognized option '--bogus'/);
  const missing = await run(['-m']);
  t.equal(missing.code, 1);
  t.match(missing.stderr, /option requires an argument -- 'm'/);
});

t.test('-b help lists the commands of the chosen backend, one per line, in registration order', async (t) => {
  const r = await run(['--backend', 'mock', '-b', 'help']);
  t.equal(r.code, 0);
  const names = r.stdout.trimEnd().split('\n');
  t.same(names.slice(0, 4), ['guest-sync-delimited', 'guest-sync', 'guest-ping', 'guest-get-time'], 'schema order, as qemu-ga');
  t.ok(names.includes('guest-exec') && names.includes('guest-fsfreeze-thaw'));
  t.equal(new Set(names).size, names.length);
  t.equal((await run(['--backend', 'mock', '-a', 'help'])).stdout, r.stdout);
  t.equal((await run(['--backend', 'mock', '-b?'])).stdout, r.stdout);
  if (haveQemuGa) {
    // Same ordering rule as qemu-ga: its list (7.2) is a subsequence of ours.
    const theirs = execFileSync(QEMU_GA, ['-b', 'help'], { encoding: 'utf8' }).trimEnd().split('\n');
    const common = theirs.filter((n) => names.includes(n));
    t.same(
      names.filter((n) => common.includes(n)),
      common,
      'common commands in the same order as qemu-ga -b help',
    );
  }
});

t.test('the windows backend refuses to run on Linux', async (t) => {
  const r = await run(['--backend', 'windows', '-b', 'help']);
  t.equal(r.code, 1);
  t.match(r.stderr, /the windows backend only runs on Windows/);
  const dir = tempDir(t);
  const serve = await run(['--backend', 'windows', '-m', 'unix-listen', '-p', join(dir, 'sock'), '-t', dir]);
  t.equal(serve.code, 1);
  t.match(serve.stderr, /the windows backend only runs on Windows/);
});

t.test('-D with the default config', async (t) => {
  const r = await run(['-D']);
  t.equal(r.code, 0);
  t.equal(
    r.stdout,
    '[general]\ndaemon=false\nmethod=virtio-serial\npath=/dev/virtio-ports/org.qemu.guest_agent.0\npidfile=/var/run/qemu-ga.pid\nstatedir=/var/run\nverbose=false\nretry-path=false\nblock-rpcs=\nallow-rpcs=\n',
  );
  if (haveQemuGa) t.equal(withoutAllowRpcs(r.stdout), qemuGaDump([]), 'same bytes as qemu-ga -D (7.2 has no allow-rpcs)');
});

t.test('-D with every option on the command line matches qemu-ga -D byte for byte', async (t) => {
  const args = [
    '-F',
    '-d',
    '-r',
    '-v',
    '-l',
    '/tmp/log',
    '-m',
    'vsock-listen',
    '-p',
    '3:1234',
    '-f',
    '/tmp/pf',
    '-t',
    '/tmp/st',
    '-b',
    'a,b',
    '-b',
    'c',
  ];
  const r = await run(['-D', ...args]);
  t.equal(r.code, 0);
  t.match(r.stdout, /\nblock-rpcs=a;b;c;\nallow-rpcs=\n$/);
  if (haveQemuGa) {
    // qemu-ga 7.2 prints the list reversed and comma-joined; the other lines are byte for byte the same.
    t.match(qemuGaDump(args), /\nblock-rpcs=b,a,c\n$/);
    t.equal(withoutRpcLists(r.stdout), withoutRpcLists(qemuGaDump(args)));
    t.equal(
      withoutAllowRpcs((await run(['-D', '-F/x/hook', '--method=isa-serial'])).stdout),
      qemuGaDump(['-F/x/hook', '--method=isa-serial']),
    );
  }
});

t.test('-D with a config file using comma lists and escapes matches qemu-ga -D', async (t) => {
  const conf = fixture('comma-lists.conf');
  const r = await run(['-D'], { env: { QGA_CONF: conf } });
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stderr, '');
  t.match(r.stdout, /\nlogfile=\\s\/tmp\/log file\twith tab\n/);
  t.match(r.stdout, /\nblock-rpcs=guest-ping;guest-get-time;guest-info;\n/);
  if (haveQemuGa) t.equal(withoutRpcLists(r.stdout), withoutRpcLists(qemuGaDump([], conf)));
  t.equal((await run(['-D', '-c', conf])).stdout, r.stdout, '-c reads the same file');
});

t.test('-D with ;-lists: the lists are where we differ from qemu-ga on purpose', async (t) => {
  const conf = fixture('semicolon-lists.conf');
  const r = await run(['-D', '-b', 'guest-info'], { env: { QGA_CONF: conf } });
  t.equal(r.code, 0, r.stderr);
  // Ours: two names (plus the command line's, accumulated), as GLib writes a list. qemu-ga keeps one bogus name and blocks nothing.
  t.match(r.stdout, /\nblock-rpcs=guest-ping;guest-get-time;guest-info;\n/);
  if (!haveQemuGa) return;
  const theirs = qemuGaDump(['-b', 'guest-info'], conf);
  t.match(theirs, /\nblock-rpcs=guest-ping;guest-get-time,guest-info\n/);
  t.equal(withoutRpcLists(r.stdout), withoutRpcLists(theirs), 'everything else identical');
});

t.test('the ;-list really blocks both commands on a running agent', async (t) => {
  const dir = tempDir(t);
  const conf = join(dir, 'qga.conf');
  writeFileSync(conf, '[general]\nblock-rpcs=guest-ping;guest-get-time\n');
  const { RawQgaClient } = await import('./helpers/qga-socket.js');
  const { start } = await import('./helpers/run-qga.js');
  const agent = start(agentArgs(dir, '-c', conf));
  const client = await RawQgaClient.connect(join(dir, 'sock'));
  t.match(await client.request({ execute: 'guest-ping' }), /"class": "CommandNotFound".*has been disabled/);
  t.match(await client.request({ execute: 'guest-get-time' }), /has been disabled/);
  t.match(await client.request({ execute: 'guest-info' }), /^\{"return": \{/);
  client.close();
  agent.child.kill('SIGTERM');
  t.equal((await agent.exited).code, 0);
});

t.test('config warnings: unknown keys and groups, daemonize', async (t) => {
  const conf = fixture('unknown-keys.conf');
  const r = await run(['-D'], { env: { QGA_CONF: conf } });
  t.equal(r.code, 0);
  t.equal(
    r.stderr,
    `qga: ${conf}: warning: ignoring unknown key "foo" in [general]\n` +
      `qga: ${conf}: warning: key "daemonize" is not a qemu-ga key (qemu-ga ignores it); treating it as "daemon"\n` +
      `qga: ${conf}: warning: ignoring unknown group [extra]\n`,
  );
  t.match(r.stdout, /^\[general\]\ndaemon=false\nmethod=unix-listen\npath=\/tmp\/s\n/);
});

t.test('bad values: exit 1 with a clear message', async (t) => {
  const bool = await run(['-D', '-c', fixture('bad-bool.conf')]);
  t.equal(bool.code, 1);
  t.equal(bool.stdout, '');
  t.equal(
    bool.stderr,
    `qga: error loading configuration from path: ${fixture('bad-bool.conf')}, key "verbose" must be true or false, not "yes"\n`,
  );
  const method = await run(['-D', '-c', fixture('bad-method.conf')]);
  t.equal(method.code, 1);
  t.match(
    method.stderr,
    /^qga: unsupported channel method\/type: telepathy \(expected one of virtio-serial, isa-serial, unix-listen, vsock-listen, tcp-listen\)\n$/,
  );
  const cliMethod = await run(['-D', '-m', 'carrier-pigeon']);
  t.equal(cliMethod.code, 1);
  t.match(cliMethod.stderr, /unsupported channel method\/type: carrier-pigeon/);
  const noPath = await run(['-D', '-m', 'unix-listen']);
  t.equal(noPath.code, 1);
  t.equal(noPath.stderr, 'qga: must specify a path for this channel\n');
  const backend = await run(['-D', '--backend', 'beos']);
  t.equal(backend.code, 1);
  t.match(backend.stderr, /unknown backend 'beos'/);
});

t.test('-c with a missing file is fatal; a missing $QGA_CONF is not', async (t) => {
  const missing = await run(['-D', '-c', '/nonexistent/qga.conf']);
  t.equal(missing.code, 1);
  t.equal(missing.stderr, 'qga: error loading configuration from path: /nonexistent/qga.conf, No such file or directory\n');
  const env = await run(['-D'], { env: { QGA_CONF: '/nonexistent/qga.conf' } });
  t.equal(env.code, 0);
  t.equal(env.stderr, '');
  const dir = tempDir(t);
  const isDir = await run(['-D', '-c', dir]);
  t.equal(isDir.code, 1);
  t.match(isDir.stderr, /error loading configuration from path: .*, Is a directory/);
});

t.test('command line after config: scalars win, lists accumulate', async (t) => {
  const dir = tempDir(t);
  const conf = join(dir, 'c.conf');
  writeFileSync(conf, '[general]\nmethod=unix-listen\npath=/from/config\nverbose=true\nallow-rpcs=guest-ping,guest-sync\n');
  const r = await run(['-D', '-c', conf, '-p', '/from/cli', '-a', 'guest-info']);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /\npath=\/from\/cli\n/);
  t.match(r.stdout, /\nverbose=true\n/);
  t.match(r.stdout, /\nallow-rpcs=guest-ping;guest-sync;guest-info;\n/);
});
