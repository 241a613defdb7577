import t from 'tap';
import { readAgentConfig } from '../src/config/read-agent-config.js';
import { mergeSettings, resolveSettings, splitHostPort } from '../src/config/resolve-settings.js';
import { dumpConfig } from '../src/config/dump-config.js';
import type { AgentSettings, SettingsLayer } from '../src/config/agent-settings.js';

function resolved(...layers: SettingsLayer[]): AgentSettings {
  const result = resolveSettings(mergeSettings(...layers), 'linux');
  if ('error' in result) throw new Error(result.error);
  return result;
}

t.test('every qemu-ga key', async (t) => {
  const { settings, warnings } = readAgentConfig(
    '[general]\ndaemon=true\nmethod=unix-listen\npath=/tmp/s\nlogfile=/l\npidfile=/p\nfsfreeze-hook=/h\nstatedir=/st\nverbose=1\nretry-path=false\nblock-rpcs=guest-ping,guest-info\nallow-rpcs=guest-sync\n',
  );
  t.same(warnings, []);
  t.same(settings, {
    daemon: true,
    method: 'unix-listen',
    path: '/tmp/s',
    logfile: '/l',
    pidfile: '/p',
    fsfreezeHook: '/h',
    statedir: '/st',
    verbose: true,
    retryPath: false,
    blockRpcs: ['guest-ping', 'guest-info'],
    allowRpcs: ['guest-sync'],
  });
});

t.test('rpc lists: ; works as well as , (qemu-ga ignores ;-lists: fixed)', async (t) => {
  t.same(
    readAgentConfig('[general]\nblock-rpcs=guest-ping;guest-get-time\n').settings.blockRpcs,
    ['guest-ping', 'guest-get-time'],
    'order kept',
  );
  t.same(
    readAgentConfig('[general]\nblock-rpcs=guest-ping;guest-get-time;\n').settings.blockRpcs,
    ['guest-ping', 'guest-get-time'],
    'GKeyFile list with trailing ;',
  );
  t.same(readAgentConfig('[general]\nallow-rpcs= a , b\n').settings.allowRpcs, ['a', 'b'], 'blanks trimmed');
  t.same(readAgentConfig('[general]\nblock-rpcs=\n').settings.blockRpcs, []);
});

t.test('unknown keys and groups warn; daemonize is taken as daemon with a warning', async (t) => {
  const { settings, warnings } = readAgentConfig('[general]\nfoo=bar\ndaemonize=true\nblacklist=x\n[other]\nx=1\n');
  t.same(settings, { daemon: true });
  t.same(warnings, [
    'ignoring unknown key "foo" in [general]',
    'key "daemonize" is not a qemu-ga key (qemu-ga ignores it); treating it as "daemon"',
    'ignoring unknown key "blacklist" in [general]',
    'ignoring unknown group [other]',
  ]);
  const both = readAgentConfig('[general]\ndaemonize=true\ndaemon=false\n');
  t.same(both.settings, { daemon: false });
  t.match(both.warnings, [/"daemonize" is ignored: "daemon" is set/]);
});

t.test('bad values are errors', async (t) => {
  t.throws(() => readAgentConfig('[general]\nverbose=yes\n'), /key "verbose" must be true or false, not "yes"/);
  t.throws(() => readAgentConfig('[general]\nstatedir=\\x\n'), /invalid escape/);
  t.throws(() => readAgentConfig('[general]\nmax-clients=0\n'), /key "max-clients" must be a positive integer/);
  t.throws(() => readAgentConfig('[general]\nfreeze-timeout=abc\n'), /key "freeze-timeout" must be a number of seconds/);
});

t.test('our keys', async (t) => {
  t.same(
    readAgentConfig(
      '[general]\nbackend=mock\nfreeze-timeout=60\nmax-clients=3\nexclude-interfaces=veth*;docker0\ntls-cert=/c\ntls-key=/k\ntls-ca=/a\nshared-secret-file=/s\nallow-remote=true\n',
    ).settings,
    {
      backend: 'mock',
      freezeTimeout: 60,
      maxClients: 3,
      excludeInterfaces: ['veth*', 'docker0'],
      tlsCert: '/c',
      tlsKey: '/k',
      tlsCa: '/a',
      sharedSecretFile: '/s',
      allowRemote: true,
    },
  );
});

t.test('plugins: a list taking , and ;, accumulated with --plugin after it; -D prints it only when set', async (t) => {
  const file = readAgentConfig('[general]\nplugins= /a.mjs ; rel/b.mjs,;\n').settings;
  t.same(file, { plugins: ['/a.mjs', 'rel/b.mjs'] });
  const s = resolved(file, { plugins: ['/c.mjs'] });
  t.same(s.plugins, ['/a.mjs', 'rel/b.mjs', '/c.mjs']);
  t.match(dumpConfig(s), /\nplugins=\/a\.mjs;rel\/b\.mjs;\/c\.mjs;\n$/);
  t.same(resolved({}).plugins, []);
  t.notMatch(dumpConfig(resolved({})), /plugins/);
});

t.test('precedence: config then command line; scalars last-wins, lists accumulate', async (t) => {
  const file = { method: 'unix-listen', path: '/a', verbose: false, blockRpcs: ['x'] };
  const cli = { path: '/b', verbose: true, blockRpcs: ['y'] };
  const s = resolved(file, cli);
  t.equal(s.method, 'unix-listen');
  t.equal(s.path, '/b');
  t.equal(s.verbose, true);
  t.same(s.blockRpcs, ['x', 'y']);
});

t.test('defaults', async (t) => {
  const s = resolved({});
  t.match(s, {
    daemon: false,
    method: 'virtio-serial',
    path: '/dev/virtio-ports/org.qemu.guest_agent.0',
    pidfile: '/var/run/qemu-ga.pid',
    pidfileExplicit: false,
    statedir: '/var/run',
    verbose: false,
    retryPath: false,
    backend: 'linux',
  });
  t.equal(resolved({ method: 'isa-serial' }).path, '/dev/ttyS0');
  t.equal(resolved({ pidfile: '/x' }).pidfileExplicit, true);
  const win = resolveSettings({}, 'win32');
  t.match(win, { backend: 'windows' });
});

t.test('combination errors', async (t) => {
  t.same(resolveSettings({ method: 'unix-listen' }, 'linux'), { error: 'must specify a path for this channel' });
  t.same(resolveSettings({ method: 'vsock-listen' }, 'linux'), { error: 'must specify a path for this channel' });
  t.match(resolveSettings({ method: 'bogus' }, 'linux'), { error: /^unsupported channel method\/type: bogus/ });
  t.match(resolveSettings({ method: 'vsock-listen', path: 'x:1' }, 'linux'), { error: /invalid vsock address 'x:1'/ });
  t.match(resolveSettings({ method: 'tcp-listen', path: 'nohost' }, 'linux'), { error: /invalid tcp-listen address/ });
  t.match(resolveSettings({ backend: 'bsd' }, 'linux'), { error: /unknown backend 'bsd'/ });
  t.match(resolveSettings({ method: 'tcp-listen', path: ':1', tlsCert: '/c', tlsKey: '/k' }, 'linux'), { error: /TLS needs all of/ });
  t.match(resolveSettings({ method: 'unix-listen', path: '/s', sharedSecretFile: '/x' }, 'linux'), {
    error: /shared-secret-file is only available with -m tcp-listen/,
  });
});

t.test('host:port', async (t) => {
  t.same(splitHostPort('127.0.0.1:4444'), { host: '127.0.0.1', port: 4444 });
  t.same(splitHostPort('[::1]:80'), { host: '::1', port: 80 });
  t.same(splitHostPort(':80'), { host: '', port: 80 });
  t.same(splitHostPort('3:1234'), { host: '3', port: 1234 });
  t.equal(splitHostPort('h:99999'), undefined);
  t.equal(splitHostPort('::1:80'), undefined);
});

t.test('dump: qemu-ga key set and order, optional keys only when set', async (t) => {
  t.equal(
    dumpConfig(resolved({})),
    '[general]\ndaemon=false\nmethod=virtio-serial\npath=/dev/virtio-ports/org.qemu.guest_agent.0\npidfile=/var/run/qemu-ga.pid\nstatedir=/var/run\nverbose=false\nretry-path=false\nblock-rpcs=\nallow-rpcs=\n',
  );
  t.equal(
    dumpConfig(
      resolved({
        daemon: true,
        method: 'vsock-listen',
        path: '3:1234',
        logfile: '/tmp/log',
        pidfile: '/tmp/pf',
        fsfreezeHook: '/etc/qemu/fsfreeze-hook',
        statedir: '/tmp/st',
        verbose: true,
        retryPath: true,
        blockRpcs: ['b', 'a'],
        allowRpcs: ['c'],
      }),
    ),
    '[general]\ndaemon=true\nmethod=vsock-listen\npath=3:1234\nlogfile=/tmp/log\npidfile=/tmp/pf\nfsfreeze-hook=/etc/qemu/fsfreeze-hook\nstatedir=/tmp/st\nverbose=true\nretry-path=true\nblock-rpcs=b;a;\nallow-rpcs=c;\n',
  );
  t.equal(
    dumpConfig(resolved({ backend: 'mock', freezeTimeout: 5, maxClients: 2, excludeInterfaces: ['veth*'] })),
    '[general]\ndaemon=false\nmethod=virtio-serial\npath=/dev/virtio-ports/org.qemu.guest_agent.0\npidfile=/var/run/qemu-ga.pid\nstatedir=/var/run\nverbose=false\nretry-path=false\nblock-rpcs=\nallow-rpcs=\nbackend=mock\nfreeze-timeout=5\nmax-clients=2\nexclude-interfaces=veth*;\n',
  );
  t.match(dumpConfig(resolved({ logfile: '  a b\n\tc\r' })), /\nlogfile=\\s\\sa b\\n\tc\\r\n/);
});
