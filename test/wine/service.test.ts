// qga as a Windows service under Wine's Service Control Manager:
// -s install, net start (the agent answers over TCP), net stop (graceful), -s uninstall.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { REPO_ROOT } from '../support/agents.js';
import { RawClient } from '../support/raw-client.js';
import { call } from '../support/session.js';
import { runProgramUnderWine, runUnderWine, runWineTool, wineBed, winPath, type WineBed } from '../support/wine.js';

const BUNDLE = path.join(REPO_ROOT, 'packages/agent/dist/qga.mjs');
/** The single executable (npm run build:sea); its service runs qga.exe itself, no script. */
const QGA_EXE = path.join(REPO_ROOT, 'dist-bin/win-x64/qga.exe');

/** How each program is run: the bundle by node.exe, or qga.exe alone; and the ImagePath -s install must write. */
interface Program {
  readonly label: string;
  run(bed: WineBed, args: readonly string[], logFile: string): Promise<{ code: number | null; log: string }>;
  readonly imagePath: RegExp;
}
const PROGRAMS: Program[] = [
  {
    label: 'qga',
    run: (bed, args, log) => runUnderWine(bed, [winPath(BUNDLE), ...args], log),
    imagePath: /node\.exe" ".*qga\.mjs" -d -m tcp-listen/,
  },
  {
    label: 'qga.exe (single executable)',
    run: (bed, args, log) => runProgramUnderWine(bed, QGA_EXE, args, log),
    imagePath: /qga\.exe" -d -m tcp-listen/,
  },
];

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const bed = wineBed();
if ('skip' in bed) {
  t.test('qga as a Windows service', { skip: bed.skip }, async () => {});
} else {
  // One after the other (one service name in one Wine prefix).
  for (const program of PROGRAMS) {
    const exeMissing = program.label.startsWith('qga.exe') && !fs.existsSync(QGA_EXE);
    t.test(
      `${program.label} as a Windows service: install, start, answer, stop, uninstall`,
      { skip: exeMissing ? `skip: ${QGA_EXE} is not built (npm run build:sea)` : false },
      async (t) => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qga-wine-service-'));
        const file = (name: string): string => path.join(dir, name);
        t.teardown(async () => {
          await runWineTool(bed, ['net', 'stop', 'qemu-ga'], file('teardown-stop.log'));
          await runWineTool(bed, ['sc', 'delete', 'qemu-ga'], file('teardown-delete.log'));
          fs.rmSync(dir, { recursive: true, force: true });
        });
        const port = await freePort();
        const agentLog = file('agent.log');
        const install = await program.run(
          bed,
          [
            '-m',
            'tcp-listen',
            '-p',
            `127.0.0.1:${port}`,
            '--backend',
            'windows',
            '-t',
            winPath(dir),
            '-l',
            winPath(agentLog),
            '-v',
            '-s',
            'install',
          ],
          file('install.log'),
        );
        t.equal(install.code, 0, `-s install exits 0 (${install.log})`);
        t.match(install.log, /Service was installed successfully/);
        const reg = await runWineTool(
          bed,
          ['reg', 'query', 'HKLM\\System\\CurrentControlSet\\Services\\qemu-ga', '/v', 'ImagePath'],
          file('reg.log'),
        );
        t.match(reg.log, program.imagePath, 'the service runs this program with -d');
        t.match(reg.log, new RegExp(` -d -m tcp-listen -p 127\\.0\\.0\\.1:${port} --backend windows`), '… and the given options');

        const start = await runWineTool(bed, ['net', 'start', 'qemu-ga'], file('start.log'));
        // Wine's services.exe starts every auto-start service when it (re)starts, which the wine
        // process behind `net start` may trigger: then StartService finds ours running already.
        // Either way the checks below must find it running and answering.
        t.ok(start.code === 0 || /already running/i.test(start.log), `net start (${start.log})`);
        const client = await RawClient.connect({ host: '127.0.0.1', port }, { retries: 100, delayMs: 100 });
        t.same(await call(client, { execute: 'guest-get-host-name' }), { return: { 'host-name': os.hostname() } }, 'the service answers');
        await client.close();
        const query = await runWineTool(bed, ['sc', 'query', 'qemu-ga'], file('query.log'));
        t.match(query.log, /STATE\s+:\s+4\s+RUNNING/);

        const stop = await runWineTool(bed, ['net', 'stop', 'qemu-ga'], file('stop.log'));
        t.equal(stop.code, 0, `net stop (${stop.log})`);
        t.match(fs.readFileSync(agentLog, 'utf8'), /service stop requested, stopping/, 'SERVICE_CONTROL_STOP made a graceful stop');
        const stopped = await runWineTool(bed, ['sc', 'query', 'qemu-ga'], file('stopped.log'));
        t.match(stopped.log, /STATE\s+:\s+1\s+STOPPED/);

        const uninstall = await program.run(bed, ['-s', 'uninstall'], file('uninstall.log'));
        t.equal(uninstall.code, 0, `-s uninstall (${uninstall.log})`);
        const gone = await runWineTool(bed, ['sc', 'query', 'qemu-ga'], file('gone.log'));
        t.not(gone.code, 0, 'the service is gone');
      },
    );
  }

  t.test('-d outside the SCM says how to start the service', async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qga-wine-d-'));
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    const run = await runUnderWine(
      bed,
      [winPath(BUNDLE), '-d', '-m', 'tcp-listen', '-p', '127.0.0.1:0', '--backend', 'windows', '-t', winPath(dir)],
      path.join(dir, 'run.log'),
    );
    t.equal(run.code, 1);
    t.match(run.log, /start it with the Service Control Manager/);
  });
}
