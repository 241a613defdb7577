import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLE, ensureBundle, MAIN_JS, tempDir } from './helpers/run-qga.js';

const PACKAGING = fileURLToPath(new URL('../../../../packaging/', import.meta.url));
const INSTALL = join(PACKAGING, 'install.sh');
/** Symlinks in an image point at absolute paths inside the image: do not follow them. */
const isLink = (path: string): boolean => {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
};
ensureBundle();

t.test('install.sh with DESTDIR fills a VM image tree and enables qga.service offline', async (t) => {
  const root = tempDir(t, 'qga-image-');
  const r = spawnSync('sh', [INSTALL], { env: { ...process.env, DESTDIR: root }, encoding: 'utf8' });
  t.equal(r.status, 0, r.stderr);
  const lib = join(root, 'usr/local/lib/qga/qga.mjs');
  t.equal(readFileSync(lib, 'utf8'), readFileSync(BUNDLE, 'utf8'), 'the bundle, unchanged');
  t.ok(statSync(lib).mode & 0o111, 'executable');
  t.equal(readlinkSync(join(root, 'usr/local/bin/qga')), '/usr/local/lib/qga/qga.mjs', 'bin link is absolute inside the image');
  const unit = readFileSync(join(root, 'etc/systemd/system/qga.service'), 'utf8');
  t.match(unit, /^BindsTo=dev-virtio\\x2dports-org\.qemu\.guest_agent\.0\.device$/m);
  t.match(unit, /^After=dev-virtio\\x2dports-org\.qemu\.guest_agent\.0\.device$/m);
  t.match(unit, /^ExecStart=\/usr\/local\/bin\/qga --method virtio-serial --path \/dev\/virtio-ports\/org\.qemu\.guest_agent\.0$/m);
  t.match(unit, /^Restart=always$/m);
  const vsock = readFileSync(join(root, 'etc/systemd/system/qga-vsock.service'), 'utf8');
  t.notMatch(vsock, /BindsTo=/, 'the vsock unit does not depend on the virtio port');
  t.match(vsock, /^ExecStart=\/usr\/local\/bin\/qga --method vsock-listen --path -1:\$\{QGA_VSOCK_PORT\} --statedir \/run\/qga-vsock$/m);
  t.equal(
    readFileSync(join(root, 'etc/udev/rules.d/60-qga.rules'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .join('\n'),
    'SUBSYSTEM=="virtio-ports", ATTR{name}=="org.qemu.guest_agent.0", TAG+="systemd", ENV{SYSTEMD_WANTS}="qga.service"',
  );
  t.ok(existsSync(join(root, 'usr/local/share/qga/qemu-ga.conf.example')));
  t.ok(isLink(join(root, 'etc/systemd/system/dev-virtio\\x2dports-org.qemu.guest_agent.0.device.wants/qga.service')), 'enabled');
  t.notOk(isLink(join(root, 'etc/systemd/system/multi-user.target.wants/qga-vsock.service')), 'vsock unit not enabled unless asked');
  // The installed copy runs.
  t.match(execFileSync(process.execPath, [lib, '-V'], { encoding: 'utf8' }), /^qga \S+ \(QEMU Guest Agent/);
  if (existsSync('/usr/bin/systemd-analyze')) {
    const verify = spawnSync(
      'systemd-analyze',
      ['verify', `--root=${root}`, '/etc/systemd/system/qga.service', '/etc/systemd/system/qga-vsock.service'],
      { encoding: 'utf8' },
    );
    // An image tree without systemd's own units makes verify complain about sysinit.target; nothing else may.
    t.notMatch(
      verify.stderr,
      /Unknown|Invalid|not executable|Failed to parse|bad-setting/i,
      'systemd-analyze verify finds nothing wrong in the units',
    );
  }
});

t.test('install.sh: ENABLE_VSOCK, PREFIX, and the example config parses', async (t) => {
  const root = tempDir(t, 'qga-image-');
  const r = spawnSync('sh', [INSTALL], { env: { ...process.env, DESTDIR: root, PREFIX: '/opt/qga', ENABLE_VSOCK: '1' }, encoding: 'utf8' });
  t.equal(r.status, 0, r.stderr);
  t.ok(existsSync(join(root, 'opt/qga/lib/qga/qga.mjs')));
  t.match(readFileSync(join(root, 'etc/systemd/system/qga.service'), 'utf8'), /^ExecStart=\/opt\/qga\/bin\/qga /m);
  t.ok(isLink(join(root, 'etc/systemd/system/multi-user.target.wants/qga-vsock.service')));
  const example = join(root, 'opt/qga/share/qga/qemu-ga.conf.example');
  const dump = spawnSync(process.execPath, [MAIN_JS, '-D', '-c', example], { encoding: 'utf8' });
  t.equal(dump.status, 0);
  t.equal(dump.stderr, '', 'no warnings: every key in the example is known');
});

t.test('install.sh refuses without a bundle', async (t) => {
  const r = spawnSync('sh', [INSTALL], { env: { ...process.env, DESTDIR: tempDir(t), BUNDLE: '/nonexistent/qga.mjs' }, encoding: 'utf8' });
  t.equal(r.status, 1);
  t.match(r.stderr, /not found; build it first/);
});
