#!/usr/bin/env node
// `npm run bench [-- options]`: compile bench/ with esbuild, make sure qemu-ga is
// installed, run the side-by-side benchmark (or, with --profile, the profiling run).
// Needs `npm run build` first (the bench imports the built @qga/core and runs the
// built agent). Options are passed on; see bench/run-bench.ts and BENCHMARKS.md.
//
// Why esbuild and not tsc here: `npm run bench` must work from a fresh clone after
// `npm run build` whatever the root tsconfig references; bundling bench/*.ts takes
// ~100 ms and leaves the @qga/* packages external, so the bench measures exactly the
// built packages. bench/tsconfig.json still lets `tsc -b bench` type-check it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url)).replace(/\/$/, '');
const args = process.argv.slice(2);
const QEMU_GA = '/usr/sbin/qemu-ga';

if (args.includes('--help') || args.includes('-h')) {
  console.log(`usage: npm run bench [-- options]
  --rounds N       rounds per figure (default 5; --quick: 1)
  --quick          one round, fewer pings: a smoke run
  --only LIST      some of: ping,pipelined,write,read1m,read16m,exec,inventory,soak,cold,framer,transfer,
                   vm-transfer (only when named: real VMs over virtio-serial; --vm-mib N, --vm-kib-mib N)
  --backend NAME   our agent's backend (default linux)
  --update-doc     rewrite the figures block of BENCHMARKS.md
  --candidate DIR  also run our agent as built in checkout DIR, side by side
  --sea LIST       single executables to add to the cold-start figure (comma-separated;
                   default dist-bin/linux-x64/qga when npm run build:sea made it)
  --pings N --burst N --file-mib N --exec-runs N --cold-runs N --inventory-calls N   workload sizes
  --soak N         mixed commands in the soak (default 200000; 1000000 with --only soak)
  --transfer-mib N --kib-mib N --transfer-rounds N   pull/push sizes (default 256 MiB;
                   --kib-mib: the 1 KiB-at-a-time figures) and rounds (default 1)
  --out DIR        results directory (default bench/results)
  --profile        profile our agent (node --cpu-prof) on each figure instead
                   (with --only, --backend, --bundle; output in bench/results/profiles/)
  --no-install     do not apt-get install qemu-guest-agent when qemu-ga is missing`);
  process.exit(0);
}

if (!existsSync(`${root}/node_modules/@qga/core/dist/src/index.js`)) {
  console.error('bench: @qga/core is not built; run `npm run build` first');
  process.exit(1);
}

if (!existsSync(QEMU_GA) && !args.includes('--no-install')) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot) {
    console.error("bench: qemu-ga is missing; installing Debian's qemu-guest-agent (apt-get)");
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
    spawnSync('apt-get', ['install', '-y', 'qemu-guest-agent'], { stdio: 'inherit', env });
  }
  if (!existsSync(QEMU_GA)) console.error('bench: qemu-ga is not installed (apt-get install -y qemu-guest-agent); measuring ours only');
}

const esbuild = await import('esbuild');
const outdir = `${root}/bench/dist/run`;
await esbuild.build({
  entryPoints: ['run-bench', 'echo-server', 'framer-bench', 'transfer-bench', 'profile'].map((n) => `${root}/bench/${n}.ts`),
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});

const entry = args.includes('--profile') ? 'profile.mjs' : 'run-bench.mjs';
const child = spawn(
  process.execPath,
  [`${outdir}/${entry}`, '--repo', root, ...args.filter((a) => a !== '--profile' && a !== '--no-install')],
  {
    stdio: 'inherit',
  },
);
// The terminal's Ctrl-C reaches the child too; it stops its own children.
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => child.kill(s));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
