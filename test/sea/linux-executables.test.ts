// The Linux single executables (`npm run build:sea`: dist-bin/linux-x64/qga,
// qga-client, koffi.node), run as a guest without Node would run them: an
// environment whose PATH reaches no `node`, real unix sockets, real processes.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { HELLO_PLUGIN, REPO_ROOT } from '../support/agents.js';
import { RawClient } from '../support/raw-client.js';
import { request } from '../support/session.js';

const DIR = path.join(REPO_ROOT, 'dist-bin/linux-x64');
const QGA = path.join(DIR, 'qga');
const CLIENT = path.join(DIR, 'qga-client');
const KOFFI = path.join(DIR, 'koffi.node');
const BUNDLE = path.join(REPO_ROOT, 'packages/agent/dist/qga.mjs');
const BEYOND_2_53 = '9007199254740993'; // 2^53 + 1: not a JS number, so only lseek64 through koffi gets it exact

/** A scratch directory beside the executables (same file system: hard links work), removed at the end. */
function scratch(t: Test): string {
  const dir = fs.mkdtempSync(path.join(REPO_ROOT, 'dist-bin/.test-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** An environment with no `node` on PATH (an empty directory) and no config file. */
function noNodeEnv(dir: string): NodeJS.ProcessEnv {
  const bin = path.join(dir, 'empty-bin');
  fs.mkdirSync(bin, { recursive: true });
  return { PATH: bin, QGA_CONF: '/nonexistent/qga-test.conf', HOME: dir };
}

/** The executable at `to` (a hard link, else a copy): what a package manager installs. */
function install(from: string, to: string, mode = 0o755): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  try {
    fs.linkSync(from, to);
  } catch {
    fs.copyFileSync(from, to);
    fs.chmodSync(to, mode);
  }
}

interface Served {
  readonly client: RawClient;
  readonly socket: string;
  readonly log: () => string;
  call(req: object | string): Promise<string>;
}

async function serve(t: Test, exe: string, dir: string, ...extra: string[]): Promise<Served> {
  const socket = path.join(dir, 'qga.sock');
  const state = fs.mkdtempSync(path.join(dir, 'state-'));
  let log = '';
  const child: ChildProcess = spawn(exe, ['-m', 'unix-listen', '-p', socket, '-t', state, ...extra], {
    env: noNodeEnv(dir),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (log += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (log += d));
  const exited = new Promise((r) => child.once('exit', r));
  t.teardown(async () => {
    child.kill('SIGTERM');
    await exited;
  });
  const client = await RawClient.connect(socket, { retries: 300, delayMs: 100 });
  t.teardown(() => client.close());
  return { client, socket, log: () => log, call: (req) => request(client, req) };
}

if (!fs.existsSync(QGA) || !fs.existsSync(CLIENT) || !fs.existsSync(KOFFI)) {
  const missing = `${DIR} has no qga, qga-client and koffi.node (npm run build:sea)`;
  // CI builds them (.ci/run sets QGA_SEA_REQUIRED): there a missing executable is a failure.
  if (process.env['QGA_SEA_REQUIRED'] === '1') t.fail(missing);
  else t.test('the linux-x64 single executables', { skip: `skip: ${missing}` }, async () => {});
} else {
  t.test('no node is reachable in the environment the executables run in', async (t) => {
    const dir = scratch(t);
    const env = noNodeEnv(dir);
    t.equal(spawnSync('node', ['-e', '0'], { env }).error?.message.includes('ENOENT'), true, 'spawning `node` fails: ENOENT');
  });

  t.test('qga --version and --help', async (t) => {
    const dir = scratch(t);
    const env = noNodeEnv(dir);
    const version = execFileSync(QGA, ['--version'], { env, encoding: 'utf8' });
    t.match(version, /^qga \d+\.\d+\.\d+ \(QEMU Guest Agent \d+\.\d+\.\d+ protocol\)\n/);
    if (fs.existsSync(BUNDLE))
      t.equal(
        version,
        execFileSync(process.execPath, [BUNDLE, '--version'], {
          env: { ...process.env, ...env, PATH: process.env['PATH'] },
          encoding: 'utf8',
        }),
        'same as the bundle',
      );
    const help = execFileSync(QGA, ['--help'], { env, encoding: 'utf8' });
    t.match(help, /^Usage: qga \[-m <method> -p <path>\]/);
    t.match(help, /--backend/);
    t.match(execFileSync(CLIENT, ['--version'], { env, encoding: 'utf8' }), /^qga-client \d+\.\d+\.\d+\n$/);
  });

  t.test('the agent answers guest-ping, guest-info and native-backed commands over unix-listen', async (t) => {
    const dir = scratch(t);
    const s = await serve(t, QGA, dir);
    t.equal(await s.call({ execute: 'guest-ping' }), '{"return": {}}');
    t.match(await s.call({ execute: 'guest-info' }), /^\{"return": \{"version": "10\.2\.50", "supported_commands": \[/);
    const ifaces = JSON.parse(await s.call({ execute: 'guest-network-get-interfaces' })) as {
      return: Array<{ name: string; 'ip-addresses'?: Array<{ 'ip-address': string }> }>;
    };
    t.ok(
      ifaces.return.find((i) => i.name === 'lo')?.['ip-addresses']?.some((a) => a['ip-address'] === '127.0.0.1'),
      'lo with 127.0.0.1',
    );
    // tmpfs allows offsets up to 2^63-1; ext4 would refuse 2^53+1 with EINVAL.
    if (!fs.existsSync('/dev/shm')) {
      t.pass('skip: no /dev/shm (tmpfs) for the seek past 2^53', { skip: 'no /dev/shm' });
      return;
    }
    const shm = fs.mkdtempSync('/dev/shm/qga-sea-');
    t.teardown(() => fs.rmSync(shm, { recursive: true, force: true }));
    const handle = /^\{"return": (\d+)\}$/.exec(
      await s.call({ execute: 'guest-file-open', arguments: { path: path.join(shm, 'f'), mode: 'w+' } }),
    )?.[1];
    t.ok(handle, 'file opened');
    t.equal(
      await s.call(`{"execute":"guest-file-seek","arguments":{"handle":${handle},"offset":${BEYOND_2_53},"whence":"set"}}`),
      `{"return": {"eof": false, "position": ${BEYOND_2_53}}}`,
      'seek past 2^53, exact (lseek64 through koffi)',
    );
  });

  t.test('koffi.node is found in ../lib/qga/ (the /usr/sbin/qga + /usr/lib/qga layout), through a symlink too', async (t) => {
    const dir = scratch(t);
    install(QGA, path.join(dir, 'usr/sbin/qga'));
    install(KOFFI, path.join(dir, 'usr/lib/qga/koffi.node'), 0o644);
    fs.mkdirSync(path.join(dir, 'usr/bin'));
    fs.symlinkSync('../sbin/qga', path.join(dir, 'usr/bin/qga'));
    const s = await serve(t, path.join(dir, 'usr/bin/qga'), dir);
    const shm = fs.existsSync('/dev/shm') ? fs.mkdtempSync('/dev/shm/qga-sea-') : undefined;
    if (!shm) return void t.pass('skip: no /dev/shm (tmpfs) for the seek past 2^53', { skip: 'no /dev/shm' });
    t.teardown(() => fs.rmSync(shm, { recursive: true, force: true }));
    const handle = /^\{"return": (\d+)\}$/.exec(
      await s.call({ execute: 'guest-file-open', arguments: { path: path.join(shm, 'f'), mode: 'w+' } }),
    )?.[1];
    t.equal(
      await s.call(`{"execute":"guest-file-seek","arguments":{"handle":${handle},"offset":${BEYOND_2_53},"whence":"set"}}`),
      `{"return": {"eof": false, "position": ${BEYOND_2_53}}}`,
      'native seek works from the installed layout',
    );
  });

  /** fstrim with no usable koffi.node: a per-path error naming why (and nothing trimmed). */
  async function fstrimErrors(t: Test, dir: string): Promise<string[]> {
    const s = await serve(t, path.join(dir, 'usr/sbin/qga'), dir);
    t.equal(await s.call({ execute: 'guest-ping' }), '{"return": {}}', 'the agent still starts and answers');
    const trim = JSON.parse(await s.call({ execute: 'guest-fstrim' })) as { return: { paths: Array<{ error?: string }> } };
    return trim.return.paths.map((p) => p.error ?? '(no error)');
  }

  t.test('without koffi.node, native commands fail with the places looked at', async (t) => {
    const dir = scratch(t);
    install(QGA, path.join(dir, 'usr/sbin/qga'));
    const errors = await fstrimErrors(t, dir);
    t.ok(errors.length > 0);
    const expected = `failed to trim: native calls are unavailable (koffi could not be loaded: koffi.node not usable (${dir}/usr/sbin/koffi.node: missing; ${dir}/usr/lib/qga/koffi.node: missing))`;
    t.same([...new Set(errors)], [expected]);
  });

  t.test('a koffi.node that is not the one built with, or writable by others, is refused', async (t) => {
    const dir = scratch(t);
    install(QGA, path.join(dir, 'usr/sbin/qga'));
    const bytes = fs.readFileSync(KOFFI);
    bytes[bytes.length - 1] ^= 1;
    fs.mkdirSync(path.join(dir, 'usr/lib/qga'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'usr/lib/qga/koffi.node'), bytes, { mode: 0o644 });
    fs.copyFileSync(KOFFI, path.join(dir, 'usr/sbin/koffi.node'));
    fs.chmodSync(path.join(dir, 'usr/sbin/koffi.node'), 0o666);
    const [error] = await fstrimErrors(t, dir);
    t.match(error, `${dir}/usr/sbin/koffi.node: writable by group or others (mode 666)`);
    t.match(
      error,
      new RegExp(`${dir}/usr/lib/qga/koffi\\.node: SHA-256 [0-9a-f]{16}… is not the [0-9a-f]{16}… this executable was built with`),
    );
  });

  t.test('the qga-client executable talks to the qga executable', async (t) => {
    const dir = scratch(t);
    const s = await serve(t, QGA, dir);
    const env = noNodeEnv(dir);
    const ping = spawnSync(CLIENT, ['-a', `unix:${s.socket}`, 'ping'], { env, encoding: 'utf8', timeout: 60_000 });
    t.equal(ping.status, 0, ping.stderr);
    t.match(ping.stdout, /^the agent at unix:.* answered in [\d.]+ ms\n$/);
    const info = spawnSync(CLIENT, ['-a', `unix:${s.socket}`, '--json', 'call', 'guest-info'], { env, encoding: 'utf8', timeout: 60_000 });
    t.equal(info.status, 0, info.stderr);
    t.equal((JSON.parse(info.stdout) as { version: string }).version, '10.2.50');
    const hostname = spawnSync(CLIENT, ['-a', `unix:${s.socket}`, '--json', 'call', 'guest-get-host-name'], {
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    t.same(JSON.parse(hostname.stdout), { 'host-name': execFileSync('hostname', { encoding: 'utf8' }).trim() });
  });

  t.test('--plugin FILE and the first-party plugins by name work from the executable', async (t) => {
    if (!fs.existsSync(HELLO_PLUGIN))
      return void t.pass(`skip: ${HELLO_PLUGIN} is not built (npx tsc -b examples)`, { skip: 'examples not built' });
    const dir = scratch(t);
    const s = await serve(
      t,
      QGA,
      dir,
      '--backend',
      'mock',
      '--plugin',
      HELLO_PLUGIN,
      '--plugin',
      '@qga/plugin-files',
      '--plugin',
      '@qga/plugin-exec',
    );
    t.equal(
      await s.call({ execute: '__com.example_hello', arguments: { name: 'sea' } }),
      '{"return": {"greeting": "Hello, sea, from mock-guest!"}}',
    );
    const names = (
      JSON.parse(await s.call({ execute: 'guest-info' })) as { return: { supported_commands: Array<{ name: string }> } }
    ).return.supported_commands.map((c) => c.name);
    for (const name of ['__com.example_hello', '__org.qga_exec-start', '__org.qga_file-read']) t.ok(names.includes(name), `${name} listed`);
    t.notMatch(s.log(), /ExperimentalWarning|Error/, 'nothing printed about loading plugins');
  });

  t.test('an unusable --plugin: exit 1 with the reason, as the unbundled program', async (t) => {
    const dir = scratch(t);
    const r = spawnSync(QGA, ['-m', 'unix-listen', '-p', path.join(dir, 's.sock'), '-t', dir, '--plugin', '/nonexistent/x.mjs'], {
      env: noNodeEnv(dir),
      encoding: 'utf8',
      timeout: 120_000,
    });
    t.equal(r.status, 1);
    t.equal(r.stderr, "qga: plugin /nonexistent/x.mjs: cannot load: Cannot find module '/nonexistent/x.mjs'\n");
  });

  t.test('-d daemonizes the executable (it re-runs itself, not node)', async (t) => {
    const dir = scratch(t);
    const pidfile = path.join(dir, 'qga.pid');
    const socket = path.join(dir, 'd.sock');
    const r = spawnSync(QGA, ['-d', '-f', pidfile, '-m', 'unix-listen', '-p', socket, '-t', dir], {
      env: noNodeEnv(dir),
      encoding: 'utf8',
      timeout: 120_000,
    });
    t.equal(r.status, 0, r.stderr);
    const pid = Number(fs.readFileSync(pidfile, 'utf8'));
    t.teardown(() => {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        /* gone */
      }
    });
    t.equal(fs.readlinkSync(`/proc/${pid}/exe`), QGA, 'the daemon is the executable itself');
    const client = await RawClient.connect(socket);
    t.equal(await request(client, { execute: 'guest-ping' }), '{"return": {}}');
    await client.close();
  });
}
