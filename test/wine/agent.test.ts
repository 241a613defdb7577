// The whole agent, Windows build: the qga bundle run by Wine's node.exe with
// --backend windows on tcp-listen, driven from Linux over 127.0.0.1. Protocol
// cases are compared byte for byte with the same bundle run by Linux node.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { REPO_ROOT } from '../support/agents.js';
import { RawClient, bytes, sleep } from '../support/raw-client.js';
import { call, exchange, syncDelimited } from '../support/session.js';
import { startUnderWine, wineBed, winPath } from '../support/wine.js';

const BUNDLE = path.join(REPO_ROOT, 'packages/agent/dist/qga.mjs');
const WINDOWS_ABSENT = [
  'guest-suspend-hybrid',
  'guest-set-vcpus',
  'guest-get-memory-blocks',
  'guest-set-memory-blocks',
  'guest-get-memory-block-info',
  'guest-get-diskstats',
  'guest-get-cpustats',
];

/** Poll a log for the port the agent listens on. */
async function listeningPort(read: () => string, what: string, timeoutMs = 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const m = /tcp-listen: listening on 127\.0\.0\.1:(\d+)/.exec(read());
    if (m) return Number(m[1]);
    await sleep(100);
  }
  throw new Error(`${what} did not start listening: ${read().slice(0, 3000)}`);
}

const bed = wineBed();
if ('skip' in bed) {
  t.test('the qga agent under Wine', { skip: bed.skip }, async () => {});
} else if (!fs.existsSync(BUNDLE)) {
  t.test('the qga agent under Wine', { skip: `${BUNDLE} is not built (npm run build)` }, async () => {});
} else {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qga-wine-agent-'));
  const log = path.join(dir, 'agent.log');
  const started = Date.now();
  const agent: ChildProcess = startUnderWine(
    bed,
    [winPath(BUNDLE), '-m', 'tcp-listen', '-p', '127.0.0.1:0', '--backend', 'windows', '-t', winPath(dir), '-v'],
    log,
    600,
  );
  const linux = spawn(
    process.execPath,
    [BUNDLE, '-m', 'tcp-listen', '-p', '127.0.0.1:0', '--backend', 'mock', '-t', fs.mkdtempSync(path.join(dir, 'linux-')), '-v'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '', QGA_CONF: '/nonexistent/qga-test.conf' },
    },
  );
  let linuxLog = '';
  linux.stderr?.setEncoding('utf8').on('data', (d: string) => (linuxLog += d));
  t.teardown(async () => {
    linux.kill('SIGTERM');
    agent.kill('SIGTERM');
    await new Promise((r) => (agent.exitCode !== null ? r(null) : agent.once('exit', r)));
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const port = await listeningPort(() => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : ''), 'qga under Wine');
  t.comment(`qga.mjs under Wine listening after ${Date.now() - started} ms`);
  const client = await RawClient.connect({ host: '127.0.0.1', port });
  const linuxClient = await RawClient.connect({ host: '127.0.0.1', port: await listeningPort(() => linuxLog, 'qga under Linux node') });
  t.teardown(async () => {
    await client.close();
    await linuxClient.close();
  });

  t.test('sync-delimited handshake, ping', async (t) => {
    await syncDelimited(client);
    await client.send('{"execute":"guest-ping"}');
    t.equal(await client.readLine(), '{"return": {}}');
  });

  t.test('protocol cases: byte-identical to the same agent on Linux', async (t) => {
    const inputs = [
      '{"execute":"guest-sync","arguments":{"id":1234567890123}}',
      '{"execute":"guest-no-such-command"}',
      '{"execute":"guest-sync"}',
      '{"execute":"guest-ping","arguments":{"unexpected":1}}',
      '{"execute":5}',
      '[1,2,3]',
      '"just a string"',
      '{"execute":"guest-ping"}}}',
      '{"execute":"guest-ping" garbage',
      '{"execute":"guest-file-read","arguments":{"handle":"x"}}',
      '{"execute":"guest-file-close","arguments":{"handle":123}}',
      '{"execute":"guest-exec-status","arguments":{"pid":999999}}',
      '{"execute":"guest-file-open","arguments":{"path":"x","mode":"bogus"}}',
      '\xff\xff{"execute":"guest-ping"}',
      '{"execute":"guest-ping","id":"abc"}',
      '{"execute":"guest-ping","id":{"nested":[1,2.5,"é"]}}',
    ];
    for (const input of inputs) {
      const windows = await exchange(client, bytes(input));
      const reference = await exchange(linuxClient, bytes(input));
      t.same(windows, reference, JSON.stringify(input));
    }
  });

  t.test('guest-info: the Windows command set', async (t) => {
    const info = (await call(client, { execute: 'guest-info' })).return;
    t.equal(info.version, '10.2.50');
    const names = info.supported_commands.map((c: { name: string }) => c.name);
    for (const absent of WINDOWS_ABSENT) t.notOk(names.includes(absent), `${absent} is compiled out on Windows`);
    for (const present of ['guest-get-devices', 'guest-exec', 'guest-get-osinfo', 'guest-network-get-route', 'guest-fsfreeze-freeze']) {
      t.ok(names.includes(present), `${present} is offered`);
    }
    t.match(await call(client, { execute: 'guest-get-memory-block-info' }), {
      error: { class: 'CommandNotFound', desc: 'The command guest-get-memory-block-info has not been found' },
    });
  });

  t.test('system facts, cross-checked with Linux', async (t) => {
    t.same(await call(client, { execute: 'guest-get-host-name' }), { return: { 'host-name': os.hostname() } });
    const before = Date.now();
    const timeLine = await (async () => (await client.send('{"execute":"guest-get-time"}'), client.readLine()))();
    const ns = BigInt(/^\{"return": (\d+)\}$/.exec(timeLine)?.[1] ?? '0');
    t.ok(Math.abs(Number(ns / 1_000_000n) - before) < 1000, 'guest-get-time within 1 s of Linux (exact integer on the wire)');
    t.match(await call(client, { execute: 'guest-get-timezone' }), { return: { offset: -new Date().getTimezoneOffset() * 60 } });
    t.match(await call(client, { execute: 'guest-get-osinfo' }), {
      return: { id: 'mswindows', name: 'Microsoft Windows', 'kernel-version': '10.0', machine: 'x86_64' },
    });
    t.equal((await call(client, { execute: 'guest-get-vcpus' })).return.length, os.cpus().length);
    t.same(await call(client, { execute: 'guest-get-users' }), { return: [] });
  });

  t.test('network and storage, cross-checked with Linux', async (t) => {
    const ifs = (await call(client, { execute: 'guest-network-get-interfaces' })).return as any[];
    for (const name of fs.readdirSync('/sys/class/net')) {
      const mac = fs.readFileSync(`/sys/class/net/${name}/address`, 'utf8').trim();
      const w = ifs.find((i) => i.name === name);
      t.ok(w, `${name} listed`);
      if (w && mac !== '00:00:00:00:00:00') t.equal(w['hardware-address'], mac, `${name} MAC`);
    }
    const routes = (await call(client, { execute: 'guest-network-get-route' })).return as any[];
    const defaultLine = fs
      .readFileSync('/proc/net/route', 'utf8')
      .split('\n')
      .find((l) => l.split('\t')[1] === '00000000');
    if (defaultLine) {
      const gw = (defaultLine.split('\t')[2] as string)
        .match(/../g)
        ?.reverse()
        .map((h) => parseInt(h, 16))
        .join('.');
      t.match(
        routes.find((r) => r.destination === '0.0.0.0' && r.version === 4),
        { gateway: gw, mask: '0.0.0.0', iface: defaultLine.split('\t')[0] },
      );
    }
    const fsinfo = (await call(client, { execute: 'guest-get-fsinfo' })).return as any[];
    const st = fs.statfsSync('/');
    t.equal(fsinfo.find((f) => f.mountpoint === 'Z:\\')?.['total-bytes'], st.blocks * st.bsize, 'Z:\\ size = statfs(/)');
    const disks = (await call(client, { execute: 'guest-get-disks' })).return as any[];
    for (const d of disks) t.match(d, { name: /^\\\\\.\\PhysicalDrive\d+$/, partition: false });
    t.same(await call(client, { execute: 'guest-get-devices' }), { return: [] }, 'SetupDi: no virtio PCI devices under Wine');
  });

  t.test('exec + exec-status: exit codes, input-data, captured output', async (t) => {
    async function runToEnd(args: object): Promise<any> {
      const pid = (await call(client, { execute: 'guest-exec', arguments: args })).return.pid;
      t.type(pid, 'number');
      for (let i = 0; i < 300; i++) {
        const status = (await call(client, { execute: 'guest-exec-status', arguments: { pid } })).return;
        if (status.exited) return status;
        await sleep(100);
      }
      throw new Error('the process did not exit');
    }
    t.same(await runToEnd({ path: 'cmd.exe', arg: ['/c', 'exit 3'] }), { exited: true, exitcode: 3 });
    const echo = await runToEnd({ path: 'cmd.exe', arg: ['/c', 'echo hello'], 'capture-output': true });
    t.equal(Buffer.from(echo['out-data'], 'base64').toString(), 'hello\r\n');
    const script = 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{process.stdout.write(s.toUpperCase());process.exit(7)})';
    const upper = await runToEnd({
      path: winPath(bed.nodeExe),
      arg: ['-e', script],
      'input-data': Buffer.from('piped through stdin').toString('base64'),
      'capture-output': 'stdout',
    });
    t.match(upper, { exitcode: 7 });
    t.equal(Buffer.from(upper['out-data'], 'base64').toString(), 'PIPED THROUGH STDIN');
    t.match(await call(client, { execute: 'guest-exec', arguments: { path: 'cmd.exe', 'capture-output': 'merged' } }), {
      error: { class: 'GenericError', desc: "Parameter 'capture-output' does not accept value 'merged'" },
    });
  });

  t.test('files: open/write/seek/read/flush/close, checked on the Linux disk', async (t) => {
    const file = path.join(dir, 'written-by-windows.txt');
    const handle = (await call(client, { execute: 'guest-file-open', arguments: { path: winPath(file), mode: 'w+' } })).return;
    t.type(handle, 'number');
    const payload = Buffer.from('hello from the Windows build\n');
    t.same(await call(client, { execute: 'guest-file-write', arguments: { handle, 'buf-b64': payload.toString('base64') } }), {
      return: { count: payload.length, eof: false },
    });
    t.same(await call(client, { execute: 'guest-file-flush', arguments: { handle } }), { return: {} });
    t.equal(fs.readFileSync(file, 'utf8'), payload.toString(), 'the bytes are on disk');
    t.same(await call(client, { execute: 'guest-file-seek', arguments: { handle, offset: 6, whence: 'set' } }), {
      return: { position: 6, eof: false },
    });
    const read = (await call(client, { execute: 'guest-file-read', arguments: { handle, count: 100 } })).return;
    t.equal(Buffer.from(read['buf-b64'], 'base64').toString(), payload.subarray(6).toString());
    t.equal(read.eof, false, 'Windows: eof only when nothing was read');
    t.match(await call(client, { execute: 'guest-file-read', arguments: { handle } }), { return: { count: 0, 'buf-b64': '', eof: true } });
    t.same(await call(client, { execute: 'guest-file-close', arguments: { handle } }), { return: {} });
    t.match(
      await call(client, { execute: 'guest-file-open', arguments: { path: winPath(file), mode: 'ab' } }),
      { error: { desc: 'invalid file open mode' } },
      "'ab' is not in qemu-ga's Windows table",
    );
  });

  t.test('ssh keys: add, get, remove in the Windows OpenSSH layout', async (t) => {
    const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAgentUnderWine test@qga';
    t.same(await call(client, { execute: 'guest-ssh-add-authorized-keys', arguments: { username: 'root', keys: [key], reset: true } }), {
      return: {},
    });
    t.same(await call(client, { execute: 'guest-ssh-get-authorized-keys', arguments: { username: 'root' } }), { return: { keys: [key] } });
    t.same(await call(client, { execute: 'guest-ssh-remove-authorized-keys', arguments: { username: 'root', keys: [key] } }), {
      return: {},
    });
    t.same(await call(client, { execute: 'guest-ssh-get-authorized-keys', arguments: { username: 'root' } }), { return: { keys: [] } });
  });

  t.test('Win32 refusals come back as qemu-ga errors', async (t) => {
    // Wine refuses SetSystemTime (1314): the privilege path and the error text, never a clock change.
    const time = (BigInt(Date.now()) + 2000n) * 1_000_000n;
    t.match(await call(client, `{"execute":"guest-set-time","arguments":{"time":${time}}}`), {
      error: { class: 'GenericError', desc: 'Failed to set time to guest: Privilege not held.' },
    });
    t.match(await call(client, { execute: 'guest-fsfreeze-freeze' }), {
      error: { desc: 'fsfreeze not possible as VSS failed to initialize' },
    });
    t.same(await call(client, { execute: 'guest-fsfreeze-status' }), { return: 'thawed' }, 'nothing was frozen');
    t.match(await call(client, { execute: 'guest-set-user-password', arguments: { username: 'root', password: 'eA==', crypted: true } }), {
      error: { desc: "'crypted' must be off on this host" },
    });
    t.match(await call(client, { execute: 'guest-ssh-get-authorized-keys', arguments: { username: 'nosuchuser' } }), {
      error: { desc: 'User nosuchuser was not found' },
    });
  });
}
