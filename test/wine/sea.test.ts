// The Windows single executable (`npm run build:sea`: dist-bin/win-x64/qga.exe
// + koffi.node beside it) under Wine: no node.exe involved, tcp-listen on
// 127.0.0.1, driven from Linux.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { HELLO_PLUGIN, REPO_ROOT } from '../support/agents.js';
import { RawClient, sleep } from '../support/raw-client.js';
import { request } from '../support/session.js';
import { startProgramUnderWine, wineBed, winPath } from '../support/wine.js';

const QGA_EXE = path.join(REPO_ROOT, 'dist-bin/win-x64/qga.exe');
const KOFFI = path.join(REPO_ROOT, 'dist-bin/win-x64/koffi.node');

async function waitFor(read: () => string, re: RegExp, what: string, timeoutMs = 120_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const m = re.exec(read());
    if (m) return m;
    await sleep(100);
  }
  throw new Error(`${what}: not seen in ${timeoutMs} ms: ${read().slice(0, 3000)}`);
}

const bed = wineBed();
if ('skip' in bed) {
  t.test('qga.exe under Wine', { skip: `skip: ${bed.skip}` }, async () => {});
} else if (!fs.existsSync(QGA_EXE) || !fs.existsSync(KOFFI)) {
  const missing = `${QGA_EXE} and koffi.node beside it are not built (npm run build:sea)`;
  // CI builds it whenever the Wine bed is there (.ci/run sets QGA_SEA_REQUIRED).
  if (process.env['QGA_SEA_REQUIRED'] === '1') t.fail(missing);
  else t.test('qga.exe under Wine', { skip: `skip: ${missing}` }, async () => {});
} else {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qga-wine-sea-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const read = (file: string) => (): string => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');

  t.test('qga.exe --version', async (t) => {
    const log = path.join(dir, 'version.log');
    const child = startProgramUnderWine(bed, QGA_EXE, ['--version'], log, 180);
    const code = await new Promise((r) => child.once('exit', r));
    t.equal(code, 0);
    t.match(read(log)(), /^qga \d+\.\d+\.\d+ \(QEMU Guest Agent 10\.2\.50 protocol\)\r?\n/);
  });

  t.test('qga.exe --backend windows answers guest-ping and Win32-backed commands over TCP', async (t) => {
    const log = path.join(dir, 'agent.log');
    const plugins = fs.existsSync(HELLO_PLUGIN) ? ['--plugin', winPath(HELLO_PLUGIN), '--plugin', '@qga/plugin-files'] : [];
    const agent = startProgramUnderWine(
      bed,
      QGA_EXE,
      ['-m', 'tcp-listen', '-p', '127.0.0.1:0', '--backend', 'windows', '-t', winPath(dir), '-v', ...plugins],
      log,
      600,
    );
    t.teardown(async () => {
      agent.kill('SIGTERM');
      if (agent.exitCode === null) await new Promise((r) => agent.once('exit', r));
    });
    const port = Number((await waitFor(read(log), /tcp-listen: listening on 127\.0\.0\.1:(\d+)/, 'qga.exe listening'))[1]);
    const client = await RawClient.connect({ host: '127.0.0.1', port });
    t.teardown(() => client.close());
    t.equal(await request(client, { execute: 'guest-ping' }), '{"return": {}}');
    t.match(await request(client, { execute: 'guest-info' }), /^\{"return": \{"version": "10\.2\.50", "supported_commands": \[/);
    // GetComputerNameExW through koffi (koffi.node found beside qga.exe): Wine reports the Linux host name.
    t.equal(await request(client, { execute: 'guest-get-host-name' }), `{"return": {"host-name": ${JSON.stringify(os.hostname())}}}`);
    t.match(await request(client, { execute: 'guest-get-osinfo' }), /"id": "mswindows"/);
    if (plugins.length > 0) {
      t.equal(
        await request(client, { execute: '__com.example_hello' }),
        `{"return": {"greeting": ${JSON.stringify(`Hello, world, from ${os.hostname()}!`)}}}`,
        '--plugin FILE (a Z:\\ path) works from qga.exe',
      );
      t.match(await request(client, { execute: 'guest-info' }), /"__org\.qga_file-read"/, '@qga/plugin-files by name');
    } else t.pass(`skip: ${HELLO_PLUGIN} is not built (npx tsc -b examples)`, { skip: 'examples not built' });
    t.notMatch(read(log)(), /koffi|ExperimentalWarning/, 'nothing printed about loading koffi or plugins');
  });
}
