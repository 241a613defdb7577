import 'reflect-metadata';
import { Container } from 'inversify';
import t from 'tap';
import { TOKENS } from '@qga/core';
import { isKoffiLoaded, windowsBackend, windowsBackendModule, WINDOWS_UNSUPPORTED_COMMANDS } from '../src/index.js';
import { loadKoffi } from '../src/win32/load-koffi.js';

t.test('refuses to run outside Windows, and says so', async (t) => {
  t.throws(() => windowsBackend({ platform: 'linux' }), /only runs on Windows/);
  t.throws(() => loadKoffi('linux'), /only runs on Windows/, 'koffi is never loaded off Windows');
  t.equal(isKoffiLoaded(), false);
});

t.test('on win32 it is a backend listing what qemu-ga compiles out', async (t) => {
  const backend = windowsBackend({ platform: 'win32' });
  t.equal(backend.name, 'windows');
  t.same(backend.unsupportedCommands, WINDOWS_UNSUPPORTED_COMMANDS);
  t.ok(WINDOWS_UNSUPPORTED_COMMANDS.includes('guest-suspend-hybrid'));
  t.notOk((WINDOWS_UNSUPPORTED_COMMANDS as readonly string[]).includes('guest-exec'));
});

t.test('binds every port but memory blocks, without touching Win32', async (t) => {
  const c = new Container();
  c.load(windowsBackendModule());
  for (const token of [
    'SystemInfoPort',
    'TimePort',
    'CpuPort',
    'UsersPort',
    'SshKeysPort',
    'NetworkPort',
    'StoragePort',
    'DevicesPort',
    'FilesPort',
    'ExecPort',
    'PowerPort',
    'FsFreezePort',
    'FsTrimPort',
  ] as const) {
    t.ok(c.isBound(TOKENS[token]), token);
  }
  t.notOk(c.isBound(TOKENS.MemoryPort));
  t.equal(isKoffiLoaded(), false, 'building the module loads nothing');
});
