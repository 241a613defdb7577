import t, { type Test } from 'tap';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareGuestKernel } from './vm-kernel.js';
import { binaryWithLibraries, buildInitramfs, type GuestFiles } from './vm-initramfs.js';
import { bootVm, pickAccelerator } from './vm-machine.js';
import { exchange, request } from '../support/session.js';
import { connectAndSync } from './vm-sync.js';
import { missingVmTools } from './vm-tools.js';

// A real QEMU VM whose guest runs the agent on a real virtio-serial port; the
// host side talks through QEMU's chardev socket, as libvirt does.
const repo = new URL('../../..', import.meta.url).pathname;
const cacheDir = join(repo, '.cache', 'vm');
const bundle = join(repo, 'packages', 'agent', 'dist', 'qga.mjs');
const PORT = '/dev/virtio-ports/org.qemu.guest_agent.0';

interface Target {
  name: string;
  files: () => GuestFiles;
  command: string;
}

// qemu-ga runs first: its replies to the raw cases are the reference ours must match byte for byte.
const targets: Target[] = [
  {
    name: 'qemu-ga 7.2',
    files: () => binaryWithLibraries('/usr/sbin/qemu-ga'),
    command: `/usr/sbin/qemu-ga -m virtio-serial -p ${PORT} -t /run/qga`,
  },
  {
    name: 'ours',
    files: () => ({ ...binaryWithLibraries(process.execPath), '/qga/qga.mjs': bundle }),
    command: `${process.execPath} /qga/qga.mjs -m virtio-serial -p ${PORT} --backend linux -t /run/qga`,
  },
];

const missing = missingVmTools();

t.test('real VM over a real virtio-serial port', { skip: missing.length ? `missing ${missing.join(', ')}` : false }, async (t) => {
  const kernel = prepareGuestKernel(cacheDir);
  t.comment(`accelerator: ${pickAccelerator()}`);

  for (const target of targets) {
    const skip = target.name !== 'ours' && !existsSync('/usr/sbin/qemu-ga') ? 'qemu-ga not installed' : false;
    await t.test(target.name, { skip }, async (t) => {
      if (target.name === 'ours' && !existsSync(bundle)) {
        t.fail(`agent bundle missing: ${bundle} (run npm run build)`);
        return;
      }
      const dir = mkdtempSync(join(tmpdir(), 'qga-vm-'));
      const initrd = join(dir, 'initrd.cpio');
      writeFileSync(initrd, buildInitramfs({ agentCommand: target.command, files: target.files(), modules: kernel.modules }));
      const vm = bootVm({ dir, kernel: kernel.vmlinux, initrd });
      t.teardown(async () => {
        await vm.destroy();
        rmSync(dir, { recursive: true, force: true });
      });
      try {
        await runGuestChecks(t, vm.qgaSocket);
        await compareRawCases(t, target.name, vm.qgaSocket);
        // guest-shutdown has success-response false: the proof is the VM powering off.
        const host = await connectAndSync(vm.qgaSocket, 20000);
        await host.send('{"execute":"guest-shutdown"}');
        t.equal(await vm.waitExit(60000), 0, 'guest-shutdown powered the VM off');
        await host.close();
      } catch (e) {
        t.comment(vm.console().slice(-3000));
        throw e;
      }
    });
  }
});

async function runGuestChecks(t: Test, socket: string): Promise<void> {
  const host = await connectAndSync(socket, 90000);
  t.pass('guest-sync-delimited answered through virtio-serial');

  const info = JSON.parse(await request(host, '{"execute":"guest-info"}')) as {
    return: { version: string; supported_commands: { name: string; enabled: boolean }[] };
  };
  t.type(info.return.version, 'string');
  t.ok(
    info.return.supported_commands.some((c) => c.name === 'guest-exec' && c.enabled),
    'guest-info lists guest-exec enabled',
  );

  const exec = JSON.parse(
    await request(host, '{"execute":"guest-exec","arguments":{"path":"/bin/echo","arg":["hello from the guest"],"capture-output":true}}'),
  ) as { return: { pid: number } };
  t.ok(exec.return.pid > 0, 'guest-exec started a process in the guest');
  let status: { exited: boolean; exitcode?: number; 'out-data'?: string } = { exited: false };
  for (let i = 0; i < 100 && !status.exited; i++) {
    status = (
      JSON.parse(await request(host, `{"execute":"guest-exec-status","arguments":{"pid":${exec.return.pid}}}`)) as {
        return: typeof status;
      }
    ).return;
    if (!status.exited) await new Promise((r) => setTimeout(r, 100));
  }
  t.equal(status.exitcode, 0);
  t.equal(Buffer.from(status['out-data'] ?? '', 'base64').toString(), 'hello from the guest\n');

  const payload = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 251));
  const handle = (
    JSON.parse(await request(host, '{"execute":"guest-file-open","arguments":{"path":"/tmp/vm-test","mode":"w+"}}')) as {
      return: number;
    }
  ).return;
  t.match(
    await request(host, `{"execute":"guest-file-write","arguments":{"handle":${handle},"buf-b64":"${payload.toString('base64')}"}}`),
    /"count": 3000/,
  );
  await request(host, `{"execute":"guest-file-seek","arguments":{"handle":${handle},"offset":0,"whence":"set"}}`);
  const read = JSON.parse(await request(host, `{"execute":"guest-file-read","arguments":{"handle":${handle},"count":65536}}`)) as {
    return: { count: number; 'buf-b64': string };
  };
  t.equal(read.return.count, 3000);
  t.ok(Buffer.from(read.return['buf-b64'], 'base64').equals(payload), 'file round trip inside the guest');
  t.equal(await request(host, `{"execute":"guest-file-close","arguments":{"handle":${handle}}}`), '{"return": {}}');

  // The host side disconnects mid-request and comes back: the agent must still answer after a sync.
  await host.send('{"execute":"guest-ping"');
  await host.close();
  const again = await connectAndSync(socket, 30000);
  t.equal(await request(again, '{"execute":"guest-ping"}'), '{"return": {}}', 'answers after a host reconnect');
  await again.close();
}

/**
 * Raw-byte cases whose replies must be identical from both agents: protocol
 * errors, envelope and argument errors, id echo. Each is followed by a 0xFF +
 * guest-sync-delimited barrier, so a case may produce any number of lines.
 */
const RAW_CASES: readonly string[] = [
  '{"execute":"guest-ping","id":"abc"}',
  '{"execute":"guest-sync","arguments":{"id":9223372036854775807}}',
  '{"execute":"guest-sync","arguments":{"id":-42},"id":[1,{"a":null}]}',
  '{"execute":"guest-ping","arguments":{"foo":42}}',
  '{"execute":"guest-nonexistent"}',
  '[]',
  '"just a string"',
  '{"execute":1}',
  '{"execute":"guest-ping","arguments":null}',
  '{"exec-oob":"guest-ping"}',
  '{"id":1}',
  '{"execute":"guest-file-open","arguments":{"path":5}}',
  '{"execute":"guest-file-read","arguments":{"handle":1,"count":"x"}}',
  '{"execute":"guest-file-seek","arguments":{"handle":1,"offset":0,"whence":true}}',
  '{"execute":"guest-set-vcpus","arguments":{"vcpus":[{"logical-id":0}]}}',
  '{"execute":"guest-shutdown","arguments":{"mode":"off"}}',
  '{"execute":"guest-ping",}',
  '{"execute":"guest-ping"}}',
  '{"a":1,"a":2}',
  '01 ',
  'tru ',
  "{'execute':'guest-ping'}",
  '{"execute":"guest-ping","id":1.5}',
  '{"execute":"guest-ping","id":"\\u00e9\\ud83d\\ude00"}',
];

const reference = new Map<string, string[]>();

async function compareRawCases(t: Test, target: string, socket: string): Promise<void> {
  const host = await connectAndSync(socket, 30000);
  for (const input of RAW_CASES) {
    const { replies: lines } = await exchange(host, input, 20000);
    if (target !== 'ours') reference.set(input, lines);
    else if (reference.has(input)) t.same(lines, reference.get(input), `same reply bytes as qemu-ga: ${input}`);
    else t.ok(lines.length > 0, `answered: ${input}`);
  }
  await host.close();
}
