#!/usr/bin/env node
// `npm start`: set up on a fresh clone (npm ci, build) and run the agent on a
// unix socket in the working tree. Extra arguments go to `qga`
// (e.g. `npm start -- --backend mock`). QGA_START_SKIP_BUILD=1 skips the
// setup (for tests, which build first).
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' } });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

if (process.env.QGA_START_SKIP_BUILD !== '1') {
  if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) run('npm', ['ci', '--no-audit', '--no-fund']);
  run('npm', ['run', 'build', '--silent']);
}

const runDir = join(root, 'run');
mkdirSync(join(runDir, 'state'), { recursive: true });
const sock = join(runDir, 'qga.sock');
const extra = process.argv.slice(2);
const args = ['-m', 'unix-listen', '-p', sock, '-t', join(runDir, 'state'), '-v', ...extra];
if (!extra.includes('--backend')) args.push('--backend', process.platform === 'linux' ? 'linux' : 'mock');

// The hints come once the agent says it listens (its transport's -v log line), never
// before: an agent that fails at once prints only its error, and we exit with its status.
const banner = (where) => {
  console.log(`qga: listening on ${where}`);
  console.log(`talk to it from another terminal, in this directory:`);
  console.log(`  npx qga-client ping`);
  console.log(`  npx qga-client info`);
  const unix = /^unix-listen:(.*)$/.exec(where);
  if (unix) console.log(`  printf '\\xff{"execute":"guest-sync-delimited","arguments":{"id":1}}' | socat - UNIX-CONNECT:${unix[1]}`);
};
const agent = spawn(process.execPath, [join(root, 'packages', 'agent', 'dist', 'qga.mjs'), ...args], {
  stdio: ['inherit', 'inherit', 'pipe'],
});
let pending = '';
let announced = false;
agent.stderr.setEncoding('utf8').on('data', (chunk) => {
  process.stderr.write(chunk);
  if (announced) return;
  pending += chunk;
  // The listening transport's own line ("unix-listen:PATH: listening"), logged once the socket
  // is in place; core's "listening on …" can come before that.
  const m = /: info: (\S+): listening\n/.exec(pending);
  if (m) {
    announced = true;
    pending = '';
    banner(m[1]);
  } else pending = pending.slice(pending.lastIndexOf('\n') + 1);
});
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => agent.kill(s));
// 'close', not 'exit': the agent's last stderr lines are passed on first.
agent.on('close', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
