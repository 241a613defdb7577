#!/usr/bin/env node
// Cold start to the first guest-ping reply: spawn the agent on a unix socket,
// connect as soon as the socket accepts, send guest-ping, stop the clock at the
// reply. Prints the median and min of N runs for each program.
// Usage: node packages/agent/bench/cold-start.mjs [runs]   (build first: tsc -b + build.mjs)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const runs = Number(process.argv[2] ?? 10);
const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const main = here('../dist/src/main.js');
const bundle = here('../dist/qga.mjs');
const programs = [
  ['node -e 0 (baseline, no agent)', null],
  ['unbundled, --backend mock', [process.execPath, main, '--backend', 'mock']],
  ['bundle, --backend mock', [process.execPath, bundle, '--backend', 'mock']],
  ['unbundled, linux backend', [process.execPath, main]],
  ['bundle, linux backend', [process.execPath, bundle]],
];
// With a plugin: module hooks (a loader thread) plus the plugin's import.
const hello = here('../../../examples/dist/custom-agent/hello-plugin.js');
if (existsSync(hello))
  programs.push(['bundle, --backend mock, --plugin', [process.execPath, bundle, '--backend', 'mock', '--plugin', hello]]);
if (existsSync('/usr/sbin/qemu-ga')) programs.push(['qemu-ga 7.2 (C, reference)', ['/usr/sbin/qemu-ga']]);

function once(command) {
  const dir = mkdtempSync(join(tmpdir(), 'qga-bench-'));
  const sock = join(dir, 'sock');
  const t0 = process.hrtime.bigint();
  const args = [...command.slice(1), '-m', 'unix-listen', '-p', sock, '-t', dir];
  const child = spawn(command[0], args, { stdio: 'ignore', env: { ...process.env, QGA_CONF: '/nonexistent' } });
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const s = connect(sock);
      s.once('error', () => setTimeout(attempt, 1));
      s.once('connect', () => {
        s.setEncoding('utf8');
        let buf = '';
        s.on('data', (d) => {
          buf += d;
          if (buf.includes('\n')) {
            const ms = Number(process.hrtime.bigint() - t0) / 1e6;
            s.destroy();
            child.kill('SIGKILL'); // only the time to the reply counts (qemu-ga 7.2 can miss a SIGTERM sent right after startup)
            child.once('exit', () => {
              rmSync(dir, { recursive: true, force: true });
              if (!buf.startsWith('{"return": {}}')) reject(new Error(`unexpected reply ${buf}`));
              else resolve(ms);
            });
          }
        });
        s.write('{"execute":"guest-ping"}\n');
      });
    };
    attempt();
    child.once('error', reject);
  });
}

function baseline() {
  const t0 = process.hrtime.bigint();
  spawnSync(process.execPath, ['-e', '0']);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

for (const [name, command] of programs) {
  const times = [];
  for (let i = 0; i < runs; i++) times.push(command ? await once(command) : baseline());
  times.sort((a, b) => a - b);
  console.log(
    `${name.padEnd(36)} median ${times[Math.floor(times.length / 2)].toFixed(0).padStart(5)} ms   min ${times[0].toFixed(0).padStart(5)} ms   (${runs} runs)`,
  );
}
