import t from 'tap';
import { windowsBackend, WINDOWS_UNSUPPORTED_COMMANDS } from '../src/index.js';

t.test('refuses to run outside Windows, and says so', async (t) => {
  t.throws(() => windowsBackend({ platform: 'linux' }), /only runs on Windows/);
  t.throws(() => windowsBackend({ platform: 'win32' }), /no ports implemented yet/);
});

t.test('knows which commands qemu-ga compiles out on Windows', async (t) => {
  t.ok(WINDOWS_UNSUPPORTED_COMMANDS.includes('guest-suspend-hybrid'));
  t.notOk((WINDOWS_UNSUPPORTED_COMMANDS as readonly string[]).includes('guest-exec'));
});
