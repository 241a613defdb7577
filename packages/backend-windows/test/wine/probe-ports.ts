// Runs under Wine's node.exe, not under tap: calls every port of the windows
// backend and writes what each returned (or threw) as JSON to argv[2].
// test/wine/ports.test.ts (at the repository root) runs it and checks the results.
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { isQgaError } from '@qga/core';
import { isKoffiLoaded, type PowerCalls, type ShutdownCall } from '../../src/index.js';
import { WindowsCpu } from '../../src/cpu/windows-cpu.js';
import { WindowsDevices } from '../../src/devices/windows-devices.js';
import { WindowsExec } from '../../src/exec/windows-exec.js';
import { WindowsFsFreeze } from '../../src/fsfreeze/windows-fs-freeze.js';
import { WindowsFsTrim } from '../../src/fsfreeze/windows-fs-trim.js';
import { WindowsNetwork } from '../../src/network/windows-network.js';
import { WindowsPower } from '../../src/power/windows-power.js';
import { WindowsSshKeys } from '../../src/ssh/windows-ssh-keys.js';
import { WindowsStorage } from '../../src/storage/windows-storage.js';
import { WindowsSystemInfo } from '../../src/system-info/windows-system-info.js';
import { WindowsTime } from '../../src/time/windows-time.js';
import { WindowsUsers } from '../../src/users/windows-users.js';
import { lastValueFrom, toArray } from 'rxjs';

const out = process.argv[2] as string;
const results: Record<string, unknown> = {};
async function probe(name: string, fn: () => unknown): Promise<void> {
  try {
    results[name] = { ok: await fn() };
  } catch (e) {
    results[name] = { error: e instanceof Error ? e.message : String(e), qga: isQgaError(e) };
  }
}

results['koffiLoadedBefore'] = isKoffiLoaded();
const info = new WindowsSystemInfo();
await probe('hostName', () => info.hostName());
await probe('osInfo', () => info.osInfo());
await probe('timezone', () => info.timezone());
// Wine has no "\System\Processor Queue Length" counter: the PDH failure path.
await probe('load', () => info.load());
await probe('time', () => String(new WindowsTime().now()));
// Wine refuses to set the clock (1314, privilege not held): this proves the path and the error mapping.
await probe('setTime', () => new WindowsTime().setTime((BigInt(Date.now()) + 2000n) * 1_000_000n));
await probe('timeAfterSet', () => String(new WindowsTime().now()));
await probe('vcpus', () => new WindowsCpu().vcpus());
await probe('interfaces', () => new WindowsNetwork().interfaces());
await probe('routes', () => new WindowsNetwork().routes());
await probe('users', () => new WindowsUsers().loggedIn());
await probe('fsinfo', () => new WindowsStorage().filesystems());
await probe('disks', () => new WindowsStorage().disks());
await probe('devices', () => new WindowsDevices().devices());
await probe('freeze', () => new WindowsFsFreeze().freeze());
await probe('trim', () => new WindowsFsTrim().trim(0n));

// The calls that would really power off or suspend are recorded, never made.
const calls: unknown[] = [];
const recorder: PowerCalls = {
  initiateShutdown: (c: ShutdownCall) => (calls.push({ shutdown: c }), true),
  setSuspendState: (hibernate: boolean) => (calls.push({ suspend: hibernate }), true),
};
await probe('shutdownReboot', () => new WindowsPower(recorder).shutdown('reboot'));
await probe('shutdownHalt', () => new WindowsPower(recorder).shutdown('halt'));
await probe('suspendDisk', () => new WindowsPower(recorder).suspend('disk'));
await probe('suspendRam', () => new WindowsPower(recorder).suspend('ram'));
await new Promise((r) => setTimeout(r, 100));
results['powerCalls'] = calls;

// NetUserSetInfo is a stub that aborts the process under Wine: record the call, answer "user not found".
const passwordCalls: unknown[] = [];
const users = new WindowsUsers((user, level, password) => (passwordCalls.push({ user, level, password }), 2221));
await probe('passwordCrypted', () => users.setPassword('root', 'x', true));
await probe('passwordUnknownUser', () => users.setPassword('nosuchuser', 'sécret', false));
results['passwordCalls'] = passwordCalls;

const ssh = new WindowsSshKeys();
await probe('sshKeysFileRoot', () => ssh.keysFile('root'));
await probe('sshUnknownUser', () => ssh.keysFile('nosuchuser'));
await probe('sshWriteRead', async () => {
  const file = await ssh.keysFile('root');
  await ssh.write('root', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIQGA probe\n');
  const text = await ssh.read('root');
  const { rmSync } = await import('node:fs');
  rmSync(file);
  return { file, text, afterRemove: await ssh.read('root') };
});

async function runExec(path: string, args: string[], input?: string): Promise<unknown> {
  const p = await new WindowsExec().spawn({ path, args, capture: 'separated', ...(input !== undefined && { input: Buffer.from(input) }) });
  const [o, e, status] = await Promise.all([
    p.stdout ? lastValueFrom(p.stdout.pipe(toArray())) : [],
    p.stderr ? lastValueFrom(p.stderr.pipe(toArray())) : [],
    p.exit,
  ]);
  return { pid: p.pid, out: Buffer.concat(o).toString('utf8'), err: Buffer.concat(e).toString('utf8'), status };
}
await probe('execCmd', () => runExec('cmd.exe', ['/c', 'echo out& echo err 1>&2& exit 3']));
await probe('execStdin', () => runExec(process.execPath, ['-e', 'process.stdin.pipe(process.stdout)'], 'piped input'));
await probe('execMerged', () => new WindowsExec().spawn({ path: 'cmd.exe', args: [], capture: 'merged' }));
await probe('execMissing', () => new WindowsExec().spawn({ path: 'no-such-program-42.exe', args: [], capture: 'none' }));
results['koffiLoadedAfter'] = isKoffiLoaded();

writeFileSync(
  out,
  JSON.stringify(results, (_, v) => (typeof v === 'bigint' ? String(v) : v), 2),
);
// Exit now: the probe must not wait for the libuv pool or stray handles of the children.
process.exit(0);
