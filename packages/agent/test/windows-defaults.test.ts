import t from 'tap';
import { resolveSettings } from '../src/config/resolve-settings.js';
import { comPortPath } from '../src/compose/select-transport.js';
import { parseCommandLine } from '../src/cli/parse-command-line.js';
import { serviceCommandLine, withoutServiceOptions } from '@qga/backend-windows/internal';

t.test('on win32: the Windows port, COM1, %ProgramData%\\qemu-ga and the windows backend by default', async (t) => {
  const win = resolveSettings({}, 'win32');
  t.notOk('error' in win);
  if ('error' in win) return;
  t.equal(win.path, '\\\\.\\Global\\org.qemu.guest_agent.0');
  t.equal(win.backend, 'windows');
  t.match(win.statedir, /\\qemu-ga$/);
  t.match(win.pidfile, /\\qemu-ga\\qemu-ga\.pid$/);
  const isa = resolveSettings({ method: 'isa-serial' }, 'win32');
  t.equal('error' in isa ? '' : isa.path, 'COM1');
  t.equal(comPortPath('COM1'), '\\\\.\\COM1');
  t.equal(comPortPath('\\\\.\\pipe\\x'), '\\\\.\\pipe\\x', 'other paths as given');
});

t.test('on linux the POSIX defaults stay', async (t) => {
  const lin = resolveSettings({}, 'linux');
  t.notOk('error' in lin);
  if ('error' in lin) return;
  t.equal(lin.path, '/dev/virtio-ports/org.qemu.guest_agent.0');
  t.equal(lin.statedir, '/var/run');
  t.equal(lin.backend, 'linux');
});

t.test('-s exists on Windows only (elsewhere an unknown option, as qemu-ga)', async (t) => {
  t.match(parseCommandLine(['-m', 'isa-serial', '-s', 'install'], {}, 'win32'), {
    action: 'service',
    service: 'install',
    settings: { method: 'isa-serial' },
  });
  t.match(parseCommandLine(['-s', 'install'], {}, 'linux'), { error: /invalid option -- 's'/ });
  t.same(withoutServiceOptions(['-m', 'x', '-s', 'install', '-d', '--service=uninstall', '-sinstall', '-v']), ['-m', 'x', '-v']);
  t.equal(serviceCommandLine('C:\\n\\node.exe', 'C:\\q.mjs', ['-p', 'a b', 'c"d']), '"C:\\n\\node.exe" "C:\\q.mjs" -d -p "a b" "c\\"d"');
  t.equal(
    serviceCommandLine('C:\\qga\\qga.exe', undefined, ['-p', 'x']),
    '"C:\\qga\\qga.exe" -d -p x',
    'the single executable runs itself: no script',
  );
});
