/**
 * scripts/build-deb.sh from the single executables (dist-bin/linux-x64): the
 * package's fields, its files with their modes and owners, what the files
 * say once unpacked, md5sums, reproducibility, and lintian with the
 * package's own overrides (every remaining tag explained there). Installing
 * it in a guest without Node is test/vm/deb-install-vm.test.ts.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

const repo = new URL('../../..', import.meta.url).pathname;
const seaDir = join(repo, 'dist-bin', 'linux-x64');
const version = (JSON.parse(readFileSync(join(repo, 'packages', 'agent', 'package.json'), 'utf8')) as { version: string }).version;
const debName = `qga_${version}-1_amd64.deb`;

/** Every path in the package: mode, and the link target for symlinks. */
const EXPECTED_FILES: Record<string, string> = {
  './usr/sbin/qga': '-rwxr-xr-x',
  './usr/bin/qga-client': '-rwxr-xr-x',
  './usr/lib/qga/koffi.node': '-rw-r--r--',
  './usr/lib/systemd/system/qga.service': '-rw-r--r--',
  './usr/lib/systemd/system/qga-vsock.service': '-rw-r--r--',
  './usr/lib/udev/rules.d/60-qga.rules': '-rw-r--r--',
  './usr/share/man/man8/qga.8.gz': '-rw-r--r--',
  './usr/share/man/man1/qga-client.1.gz': '-rw-r--r--',
  './usr/share/doc/qga/copyright': '-rw-r--r--',
  './usr/share/doc/qga/changelog.Debian.gz': '-rw-r--r--',
  './usr/share/doc/qga/examples/qemu-ga.conf': '-rw-r--r--',
  './usr/share/lintian/overrides/qga': '-rw-r--r--',
};

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  return { status: r.status, out: r.stdout ?? '', err: r.stderr ?? '' };
}
const onPath = (tool: string) => run('sh', ['-c', `command -v ${tool}`]).status === 0;

const missingTools = ['dpkg-deb', 'dpkg-shlibdeps', 'lintian', 'md5sum'].filter((c) => !onPath(c));
const missingFiles = ['qga', 'qga-client', 'koffi.node'].filter((f) => !existsSync(join(seaDir, f)));
const skip = missingTools.length
  ? `skip: missing ${missingTools.join(', ')} (apt-get install dpkg-dev lintian)`
  : missingFiles.length
    ? `skip: ${missingFiles.map((f) => `dist-bin/linux-x64/${f}`).join(', ')} not built (npm run build:sea)`
    : false;

// CI builds the executables (.ci/run sets QGA_SEA_REQUIRED): there, missing ones are a failure.
if (missingFiles.length && !missingTools.length && process.env['QGA_SEA_REQUIRED'] === '1') t.fail(`${skip}: CI must build them`);

t.test('the Debian package', { skip }, async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'qga-debtest-'));
  t.teardown(() => rmSync(work, { recursive: true, force: true }));
  const build = (out: string) => run('sh', [join(repo, 'scripts', 'build-deb.sh')], { env: { ...process.env, OUT_DIR: out } });

  const first = build(join(work, 'a'));
  t.equal(first.status, 0, `build-deb.sh succeeds: ${first.out.trim()}`, { stderr: first.err });
  const deb = join(work, 'a', debName);
  if (!existsSync(deb)) return t.fail(`${debName} was not written`);
  const again = build(join(work, 'b'));
  t.equal(again.status, 0, 'a second build succeeds');
  t.ok(readFileSync(deb).equals(readFileSync(join(work, 'b', debName))), 'two builds of the same commit are byte-identical');

  await t.test('control fields (dpkg-deb -f)', async (t) => {
    const field = (name: string) => run('dpkg-deb', ['-f', deb, name]).out.trim();
    t.equal(field('Package'), 'qga', 'Package: qga');
    t.equal(field('Version'), `${version}-1`, 'version from packages/agent/package.json, Debian revision 1');
    t.equal(field('Architecture'), 'amd64', 'Architecture: amd64');
    t.equal(field('Conflicts'), 'qemu-guest-agent', 'Conflicts: qemu-guest-agent');
    t.equal(field('Replaces'), 'qemu-guest-agent', 'Replaces: qemu-guest-agent (dpkg may remove it)');
    t.equal(field('Provides'), 'qemu-guest-agent', 'Provides: qemu-guest-agent');
    t.match(field('Depends'), /^libc6 \(>= [\d.]+\)/, `Depends from dpkg-shlibdeps: ${field('Depends')}`);
    t.notMatch(field('Depends'), /nodejs/, 'no dependency on Node.js');
    t.equal(field('Section'), 'admin', 'Section: admin');
    t.match(field('Maintainer'), /^.+ <[^@\s]+@[^@\s]+>$/, 'Maintainer: name <address>');
    const sizeKiB = Number(field('Installed-Size'));
    t.ok(sizeKiB > 1024, `Installed-Size ${sizeKiB} KiB`);
    const info = run('dpkg-deb', ['-I', deb]).out;
    for (const script of ['postinst', 'prerm', 'postrm', 'md5sums'])
      t.match(info, new RegExp(`\\s${script}\\s`), `control archive has ${script}`);
  });

  await t.test('files, modes and owners (dpkg-deb -c)', async (t) => {
    const entries = run('dpkg-deb', ['-c', deb])
      .out.trim()
      .split('\n')
      .map((line) => {
        const [mode, owner, , , , path] = line.split(/\s+/);
        return { mode: mode!, owner: owner!, path: path! };
      });
    t.same(
      entries
        .filter((e) => !e.mode.startsWith('d'))
        .map((e) => e.path)
        .sort(),
      Object.keys(EXPECTED_FILES).sort(),
      'exactly the expected files (no conffiles: nothing under /etc)',
    );
    for (const e of entries) {
      if (e.mode.startsWith('d')) t.equal(e.mode, 'drwxr-xr-x', `${e.path} is drwxr-xr-x`);
      else t.equal(e.mode, EXPECTED_FILES[e.path], `${e.path} is ${EXPECTED_FILES[e.path]}`);
      t.equal(e.owner, 'root/root', `${e.path} belongs to root`);
    }
  });

  await t.test('unpacked contents', async (t) => {
    const root = join(work, 'root');
    const control = join(work, 'control');
    t.equal(run('dpkg-deb', ['-x', deb, root]).status, 0, 'dpkg-deb -x');
    t.equal(run('dpkg-deb', ['-e', deb, control]).status, 0, 'dpkg-deb -e');

    const md5 = run('md5sum', ['--check', '--strict', join(control, 'md5sums')], { cwd: root });
    t.equal(md5.status, 0, 'md5sum --check passes for every file md5sums lists');
    const listed = readFileSync(join(control, 'md5sums'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => `./${l.split(/\s+/)[1]}`)
      .sort();
    t.same(listed, Object.keys(EXPECTED_FILES).sort(), 'md5sums lists every file');

    const unit = readFileSync(join(root, 'usr/lib/systemd/system/qga.service'), 'utf8');
    t.match(
      unit,
      /^ExecStart=\/usr\/sbin\/qga --method virtio-serial --path \/dev\/virtio-ports\/org\.qemu\.guest_agent\.0$/m,
      'qga.service runs /usr/sbin/qga on the port',
    );
    const vsock = readFileSync(join(root, 'usr/lib/systemd/system/qga-vsock.service'), 'utf8');
    t.match(vsock, /^ExecStart=\/usr\/sbin\/qga --method vsock-listen /m, 'qga-vsock.service runs /usr/sbin/qga');
    t.notMatch(unit + vsock, /\/usr\/local/, 'no /usr/local path in the units');
    t.match(
      readFileSync(join(root, 'usr/lib/udev/rules.d/60-qga.rules'), 'utf8'),
      /ENV\{SYSTEMD_WANTS\}="qga\.service"/,
      'the udev rule starts qga.service',
    );

    const changelog = gunzipSync(readFileSync(join(root, 'usr/share/doc/qga/changelog.Debian.gz'))).toString('utf8');
    t.match(changelog.split('\n')[0], `qga (${version}-1) unstable; urgency=medium`, 'changelog names this version');
    t.match(changelog, /^ -- .+ <.+> {2}\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/m, 'changelog trailer line');

    const exe = run(join(root, 'usr/sbin/qga'), ['-V']);
    t.equal(exe.status, 0, 'the unpacked /usr/sbin/qga runs');
    t.ok(exe.out.startsWith(`qga ${version} (`), `qga -V: ${exe.out.trim()}`);
    t.equal(run(join(root, 'usr/bin/qga-client'), ['--help']).status, 0, 'the unpacked /usr/bin/qga-client runs');

    for (const script of ['postinst', 'prerm', 'postrm'])
      t.equal(run('sh', ['-n', join(control, script)]).status, 0, `${script} parses (sh -n)`);

    if (onPath('man')) {
      for (const page of ['usr/share/man/man8/qga.8.gz', 'usr/share/man/man1/qga-client.1.gz']) {
        const man = run('man', ['--warnings', '-E', 'UTF-8', '-l', '-Tutf8', '-Z', join(root, page)], {
          env: { ...process.env, MANWIDTH: '80' },
        });
        t.equal(man.status, 0, `${page} renders`);
        t.equal(man.err, '', `${page}: groff prints no warnings`);
      }
    } else {
      t.test('man pages render', { skip: 'skip: man is not installed' }, async () => {});
    }
  });

  await t.test('lintian', async (t) => {
    const overrides = readFileSync(join(repo, 'packaging', 'deb', 'lintian-overrides'), 'utf8').split('\n');
    overrides.forEach((line, i) => {
      if (line.trim() === '' || line.startsWith('#')) return;
      t.match(overrides[i - 1] ?? '', /^#\s*\S/, `override "${line}" has its reason on the line above`);
    });
    // --pedantic --display-info: every tag lintian knows, down to P:; an override no longer used is itself a tag.
    const lint = run('lintian', ['--pedantic', '--display-info', '--fail-on', 'error,warning,info,pedantic', deb]);
    const tags = lint.out.split('\n').filter((l) => /^[EWIPX]: /.test(l));
    t.same(tags, [], 'lintian reports no tag beyond the overridden ones');
    t.equal(lint.status, 0, 'lintian exits 0', { stderr: lint.err });
  });
});
