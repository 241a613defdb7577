import t from 'tap';
import { parseCommandLine, type CommandLine } from '../src/cli/parse-command-line.js';

function ok(argv: string[], env: Record<string, string> = {}): CommandLine {
  const result = parseCommandLine(argv, env);
  if ('error' in result) throw new Error(`unexpected error: ${result.error}`);
  return result;
}

t.test('every qemu-ga option lands in the settings layer', async (t) => {
  const cli = ok([
    '-m',
    'unix-listen',
    '-p',
    '/tmp/s',
    '-l',
    '/tmp/log',
    '-f',
    '/tmp/pid',
    '-F/h',
    '-t',
    '/tmp/st',
    '-v',
    '-d',
    '-r',
    '-b',
    'guest-ping,guest-info',
    '-a',
    'guest-sync',
  ]);
  t.equal(cli.action, 'run');
  t.same(cli.settings, {
    method: 'unix-listen',
    path: '/tmp/s',
    logfile: '/tmp/log',
    pidfile: '/tmp/pid',
    fsfreezeHook: '/h',
    statedir: '/tmp/st',
    verbose: true,
    daemon: true,
    retryPath: true,
    blockRpcs: ['guest-ping', 'guest-info'],
    allowRpcs: ['guest-sync'],
  });
});

t.test('long forms', async (t) => {
  const cli = ok([
    '--method=isa-serial',
    '--path',
    '/dev/ttyS1',
    '--logfile=/l',
    '--pidfile=/p',
    '--fsfreeze-hook',
    '--statedir=/s',
    '--verbose',
    '--daemonize',
    '--retry-path',
    '--block-rpcs=a',
    '--allow-rpcs=b',
    '--dump-conf',
  ]);
  t.equal(cli.action, 'dump-config');
  t.same(cli.settings, {
    method: 'isa-serial',
    path: '/dev/ttyS1',
    logfile: '/l',
    pidfile: '/p',
    fsfreezeHook: '/etc/qemu/fsfreeze-hook',
    statedir: '/s',
    verbose: true,
    daemon: true,
    retryPath: true,
    blockRpcs: ['a'],
    allowRpcs: ['b'],
  });
});

t.test('-F without an attached argument uses the default hook; a separate word is an operand', async (t) => {
  const cli = ok(['-F', '/x/hook']);
  t.equal(cli.settings.fsfreezeHook, '/etc/qemu/fsfreeze-hook');
  t.same(cli.operands, ['/x/hook']);
});

t.test('lists accumulate over repeated options and take , and ;', async (t) => {
  t.same(ok(['-b', 'a,b', '-b', 'c', '-b', 'd;e']).settings.blockRpcs, ['a', 'b', 'c', 'd', 'e']);
});

t.test('-b help, -a help and ? list commands, and win over -D', async (t) => {
  t.equal(ok(['-b', 'help']).action, 'list-commands');
  t.equal(ok(['-a', 'help']).action, 'list-commands');
  t.equal(ok(['-b?']).action, 'list-commands');
  t.equal(ok(['-D', '-b', 'help']).action, 'list-commands');
  t.equal(ok(['-b', 'help,x']).action, 'run', 'only the exact word is special');
});

t.test('-h and -V act when seen: later errors are not reached, earlier ones are', async (t) => {
  t.equal(ok(['-h', '--bogus']).action, 'help');
  t.equal(ok(['-V', '-h']).action, 'version');
  t.equal(ok(['-h', '-V']).action, 'help');
  const bad = parseCommandLine(['--bogus', '-h'], {});
  t.ok('error' in bad);
});

t.test('unknown options and missing arguments: getopt message plus the hint', async (t) => {
  t.same(parseCommandLine(['-X'], {}), { error: "qga: invalid option -- 'X'\nUnknown option, try 'qga --help' for more information." });
  t.same(parseCommandLine(['-m'], {}), {
    error: "qga: option requires an argument -- 'm'\nUnknown option, try 'qga --help' for more information.",
  });
  t.same(
    parseCommandLine(['-s', 'install'], {}),
    { error: "qga: invalid option -- 's'\nUnknown option, try 'qga --help' for more information." },
    '-s is Windows-only',
  );
});

t.test('config file location: -c (required), else $QGA_CONF, else the default', async (t) => {
  t.same(ok(['-c', '/a.conf'], { QGA_CONF: '/b.conf' }).config, { path: '/a.conf', required: true });
  t.same(ok([], { QGA_CONF: '/b.conf' }).config, { path: '/b.conf', required: false });
  t.same(ok([]).config, { path: '/etc/qemu/qemu-ga.conf', required: false });
  t.same(ok(['--config=/c.conf']).config, { path: '/c.conf', required: true });
});

t.test('our options', async (t) => {
  const cli = ok([
    '--backend',
    'mock',
    '-m',
    'tcp-listen',
    '-p',
    '127.0.0.1:4444',
    '--tls-cert=/c',
    '--tls-key=/k',
    '--tls-ca=/ca',
    '--shared-secret-file',
    '/s',
    '--allow-remote',
    '--freeze-timeout',
    '30',
    '--max-clients',
    '4',
    '--exclude-interfaces',
    'veth*,docker0',
    '--exclude-interfaces=lo',
  ]);
  t.same(cli.settings, {
    backend: 'mock',
    method: 'tcp-listen',
    path: '127.0.0.1:4444',
    tlsCert: '/c',
    tlsKey: '/k',
    tlsCa: '/ca',
    sharedSecretFile: '/s',
    allowRemote: true,
    freezeTimeout: 30,
    maxClients: 4,
    excludeInterfaces: ['veth*', 'docker0', 'lo'],
  });
  t.same(
    ok(['--plugin', '/a,b.mjs', '--plugin=rel/c.mjs', '--pl', 'd.mjs']).settings.plugins,
    ['/a,b.mjs', 'rel/c.mjs', 'd.mjs'],
    '--plugin: one path each, repeatable, abbreviable',
  );
  t.match(parseCommandLine(['--plugin='], {}), { error: "qga: invalid --plugin '': expected the path of an ES module" });
  t.equal(ok(['--freeze-timeout=0']).settings.freezeTimeout, 0);
  t.equal(ok(['--freeze-timeout=1.5']).settings.freezeTimeout, 1.5);
});

t.test('bad numbers are rejected', async (t) => {
  t.match(parseCommandLine(['--freeze-timeout', 'soon'], {}), { error: /invalid --freeze-timeout 'soon'/ });
  t.match(parseCommandLine(['--freeze-timeout', '-1'], {}), { error: /invalid --freeze-timeout/ });
  t.match(parseCommandLine(['--max-clients', '0'], {}), { error: /invalid --max-clients '0'/ });
  t.match(parseCommandLine(['--max-clients', '2x'], {}), { error: /invalid --max-clients/ });
});
