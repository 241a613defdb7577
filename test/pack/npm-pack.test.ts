/**
 * The packages as a user gets them: `npm pack` of every workspace package, served
 * by a registry for the `@qga` scope (everything else comes from the npm
 * registry), installed into an empty project outside the repository by the
 * commands of each README's Install section, compiled with `tsc --init`'s
 * defaults plus exactly what the READMEs say to add, and run: the README
 * examples (extracted from the READMEs), every `exports` entry, the `qga` and
 * `qga-client` bins from the project and from `npm install -g`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import ts from 'typescript';
import { LineReader } from '../support/line-reader.js';
import { exampleFiles, installSection, replaceOnce } from './readme-blocks.js';
import { run, start, type CommandResult } from './run-command.js';
import { readTarball, ScopedRegistry, type Tarball } from './scoped-registry.js';

/** Repository root: test/dist/pack → ../../.. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PACKAGES = fs.readdirSync(path.join(ROOT, 'packages')).sort();
const rootPkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
/** The compiler the repository builds with, instead of whatever is latest today. */
const PINS: Record<string, string> = {
  typescript: `typescript@${rootPkg.devDependencies['typescript']}`,
  '@types/node': `@types/node@${rootPkg.devDependencies['@types/node']}`,
};
const NPM_FLAGS = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];
const readme = (pkg: string) => fs.readFileSync(path.join(ROOT, 'packages', pkg, 'README.md'), 'utf8');

function ok(t: Test, r: CommandResult, what: string): boolean {
  return t.equal(r.code, 0, what, { stdout: r.stdout.slice(-4000), stderr: r.stderr.slice(-4000) });
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'qga-pack-'));
t.teardown(() => {
  if (!process.env.QGA_KEEP_PACK) fs.rmSync(work, { recursive: true, force: true });
});
const project = path.join(work, 'project');
const globalPrefix = path.join(work, 'global');
const began = Date.now();

let tarballs: Tarball[] = [];
let registry: ScopedRegistry | undefined;
t.teardown(() => registry?.close());

t.test('npm pack: every package ships its build, README and package.json, nothing else', async (t) => {
  if (!fs.existsSync(path.join(ROOT, 'packages/agent/dist/qga.mjs'))) {
    t.fail('packages/agent/dist/qga.mjs is missing: run `npm run build` first');
    return;
  }
  const dest = path.join(work, 'tarballs');
  fs.mkdirSync(dest);
  const r = await run('npm', ['pack', '--workspaces', '--json', '--pack-destination', dest, '--loglevel=error'], { cwd: ROOT });
  if (!ok(t, r, 'npm pack --workspaces')) return;
  const packed = JSON.parse(r.stdout) as { name: string; filename: string; files: { path: string }[] }[];
  t.same(packed.map((p) => p.name).sort(), PACKAGES.map((p) => `@qga/${p}`).sort(), 'one tarball per package');
  tarballs = packed.map((p) => readTarball(path.join(dest, p.filename)));
  const versions = new Map(tarballs.map((tb) => [tb.manifest.name, tb.manifest.version]));
  // lerna's fixed mode: `lerna version X` moves every package and every ^range between them to X.
  const lerna = JSON.parse(fs.readFileSync(path.join(ROOT, 'lerna.json'), 'utf8')) as { version: string };
  t.same([...new Set(versions.values())], [lerna.version], "every package at lerna.json's version");
  for (const p of packed) {
    const m = tarballs.find((tb) => tb.manifest.name === p.name)!.manifest as Record<string, any>;
    const files = p.files.map((f) => f.path);
    const stray = files.filter(
      (f) => !/^(dist\/src\/.+\.(js|d\.ts)|README[^/]*\.md|LICEN[CS]E[^/]*|package\.json|bin\/[^/]+\.mjs|dist\/qga\.mjs)$/.test(f),
    );
    t.same(stray, [], `${p.name}: no tests, maps, tsbuildinfo or sources in the tarball`);
    t.ok(files.includes('README.md'), `${p.name}: README.md shipped`);
    t.match(m.version, /^\d+\.\d+\.\d+(-[\w.]+)?$/, `${p.name}: a semver version`);
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies'] as const) {
      for (const [dep, range] of Object.entries<string>(m[field] ?? {})) {
        t.not(range, '*', `${p.name}: ${field} ${dep} has a real range`);
        if (dep.startsWith('@qga/')) t.equal(range, `^${versions.get(dep)}`, `${p.name}: ${dep} ^ the version packed with it`);
      }
    }
    for (const [sub, target] of Object.entries<Record<string, string>>(m.exports)) {
      t.same(Object.keys(target), ['types', 'default'], `${p.name} exports "${sub}": types condition first`);
      for (const file of Object.values(target))
        t.ok(files.includes(file.replace(/^\.\//, '')), `${p.name} exports "${sub}" → ${file} is in the tarball`);
    }
    for (const [name, file] of Object.entries<string>(m.bin ?? {}))
      t.ok(files.includes(file.replace(/^\.\//, '')), `${p.name}: bin ${name} → ${file} shipped`);
  }
  registry = await ScopedRegistry.start(tarballs);
});

t.test('an empty project outside the repository installs what each README says', async (t) => {
  if (!registry) return t.fail('no tarballs');
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, '.npmrc'), `@qga:registry=${registry.url}\n`);
  ok(t, await run('npm', ['init', '-y'], { cwd: project }), 'npm init -y');
  // Each README's lines, each distinct command once; the plain installs of all READMEs in one
  // `npm install` (the same tree as one after the other, in a fraction of the time).
  const commands = new Map<string, string[]>();
  for (const pkg of PACKAGES) {
    const { npm } = installSection(readme(pkg));
    t.ok(
      npm.some((a) => a[0] === 'install' && a.some((x) => x.startsWith(`@qga/${pkg}`))),
      `${pkg} README: its Install section installs @qga/${pkg}`,
    );
    const peers = Object.keys((tarballs.find((tb) => tb.manifest.name === `@qga/${pkg}`)?.manifest['peerDependencies'] ?? {}) as object);
    for (const peer of peers) t.ok(npm.flat().includes(peer), `${pkg} README installs its peer dependency ${peer}`);
    for (const args of npm) commands.set(args.join(' '), args);
  }
  const plain = [...commands.values()].filter((a) => a[0] === 'install' && a.every((x) => !x.startsWith('-')));
  const rest = [...commands.values()].filter((a) => !plain.includes(a));
  const merged = [...new Set(plain.flatMap((a) => a.slice(1)))];
  const order = [...rest.filter((a) => a[0] !== 'install'), ['install', ...merged], ...rest.filter((a) => a[0] === 'install')];
  for (const args of order) {
    // A global install goes to a prefix of the test's own (the user's PATH would hold its bin/).
    const global = args.includes('-g') ? ['--prefix', globalPrefix, `--@qga:registry=${registry.url}`] : [];
    const full = args[0] === 'install' ? [...args.map((a) => PINS[a] ?? a), ...global, ...NPM_FLAGS] : args;
    if (!ok(t, await run('npm', full, { cwd: project }), `npm ${args.join(' ')}`)) return;
  }
  const installed = JSON.parse(fs.readFileSync(path.join(project, 'package.json'), 'utf8')) as {
    type?: string;
    dependencies: Record<string, string>;
  };
  t.equal(installed.type, 'module', 'the project is an ES module project');
  t.same(
    Object.keys(installed.dependencies)
      .filter((d) => d.startsWith('@qga/'))
      .sort(),
    PACKAGES.map((p) => `@qga/${p}`).sort(),
    'every package installed',
  );
  for (const peer of ['inversify', 'reflect-metadata', 'rxjs']) {
    const copies = copiesOf(path.join(project, 'node_modules'), peer).map((d) => path.relative(project, d));
    t.same(copies, [`node_modules/${peer}`], `one copy of ${peer}, the project's`);
  }
});

/** The exit of a process, or undefined when it takes longer than `ms` (a bound: "hung", not "slow"). */
async function exitWithin(exited: Promise<CommandResult>, ms: number): Promise<CommandResult | undefined> {
  const ac = new AbortController();
  const timeout = sleep(ms, undefined, { signal: ac.signal }).catch(() => undefined);
  try {
    return await Promise.race([exited, timeout]);
  } finally {
    ac.abort();
  }
}

/** Every installed copy of package `name` under a node_modules tree. */
function copiesOf(nodeModules: string, name: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const p = path.join(dir, e.name);
      if (e.name === name && fs.existsSync(path.join(p, 'package.json'))) found.push(p);
      if (e.name.startsWith('@')) walk(p);
      else if (fs.existsSync(path.join(p, 'node_modules'))) walk(path.join(p, 'node_modules'));
    }
  };
  walk(nodeModules);
  return found;
}

/** `tsc --init`'s defaults plus `extra`, as the project's tsconfig file `name` for `files`. */
function writeTsconfig(name: string, extra: Record<string, unknown>, files: string[]): void {
  const base = ts.parseConfigFileTextToJson('tsconfig.json', fs.readFileSync(path.join(project, 'tsconfig.json'), 'utf8'));
  const compilerOptions = { ...(base.config as { compilerOptions: object }).compilerOptions, ...extra };
  fs.writeFileSync(path.join(project, name), JSON.stringify({ compilerOptions, files }, null, 2));
}

function readmeExample(pkg: string, names: string[]): Map<string, string> {
  const blocks = exampleFiles(readme(pkg));
  for (const n of names) if (!blocks.has(n)) throw new Error(`${pkg} README has no <!-- example: ${n} --> block`);
  return blocks;
}

/** The README examples the test compiles and runs: package → files of its `<!-- example: … -->` blocks. */
const EXAMPLES: Record<string, string[]> = { core: ['agent.ts', 'my-commands.ts'], 'backend-mock': ['mock-guest.ts'] };

t.test('tsc --init defaults plus the README lines compile the examples; defaults alone give TS1206', async (t) => {
  if (!fs.existsSync(path.join(project, 'node_modules'))) return t.fail('not installed');
  ok(t, await run('npx', ['tsc', '--init'], { cwd: project }), 'npx tsc --init');
  const tsc = (config: string) => run(path.join(project, 'node_modules/.bin/tsc'), ['-p', config], { cwd: project });
  for (const [pkg, names] of Object.entries(EXAMPLES)) {
    fs.mkdirSync(path.join(project, pkg));
    for (const [name, code] of readmeExample(pkg, names)) fs.writeFileSync(path.join(project, pkg, name), code);
  }
  const coreFiles = EXAMPLES['core']!.map((f) => `core/${f}`);
  writeTsconfig('tsconfig.bare.json', {}, coreFiles);
  const bare = await tsc('tsconfig.bare.json');
  t.not(bare.code, 0, 'with tsc --init defaults only, the decorator example does not compile');
  t.match(bare.stdout, /TS1206/, '… with TS1206 (the error the README addition prevents)');

  // Every export entry of every package, for types and at run time.
  fs.mkdirSync(path.join(project, 'exports'));
  const specifiers = tarballs.flatMap((tb) => Object.keys(tb.manifest['exports'] as object).map((sub) => tb.manifest.name + sub.slice(1)));
  const lines = specifiers.map((s, i) => `import * as m${i} from '${s}';`);
  lines.push(`console.log(JSON.stringify({ ${specifiers.map((s, i) => `'${s}': Object.keys(m${i}).length`).join(', ')} }));`);
  fs.writeFileSync(path.join(project, 'exports/all.ts'), lines.join('\n') + '\n');

  // One compilation per distinct README setting: the examples of the READMEs that say it, and the exports.
  const settings = new Map<string, string[]>();
  for (const pkg of PACKAGES) {
    const key = JSON.stringify(installSection(readme(pkg)).compilerOptions);
    settings.set(key, [...(settings.get(key) ?? []), pkg]);
  }
  let i = 0;
  for (const [key, pkgs] of settings) {
    const examples = pkgs.flatMap((pkg) => (EXAMPLES[pkg] ?? []).map((f) => `${pkg}/${f}`));
    const config = `tsconfig.${i++}.json`;
    writeTsconfig(config, JSON.parse(key) as Record<string, unknown>, ['exports/all.ts', ...examples]);
    const what = `tsc --init + ${key} (README of ${pkgs.join(', ')}) compiles ${['the exports', ...examples].join(', ')}`;
    if (!ok(t, await tsc(config), what)) return;
  }
  const r = await run(process.execPath, ['exports/all.js'], { cwd: project, timeoutMs: 60_000 });
  if (ok(t, r, 'every export entry loads in Node')) {
    const counts = JSON.parse(r.stdout) as Record<string, number>;
    t.same(Object.keys(counts).sort(), [...specifiers].sort(), 'all entries imported');
    for (const [s, n] of Object.entries(counts)) t.ok(n > 0, `${s} exports something (${n} names)`);
  }
});

t.test('core README example: the agent answers on a unix socket with the vendor command', async (t) => {
  if (!fs.existsSync(path.join(project, 'core/agent.js'))) return t.fail('not compiled');
  const sock = path.join(work, 'my-agent.sock');
  const state = path.join(work, 'state', 'my-agent');
  // The README shows a guest's real paths; the test uses its own, and waits where the README says "later".
  let code = fs.readFileSync(path.join(project, 'core/agent.js'), 'utf8');
  code = replaceOnce(code, "'/run/my-agent.sock'", JSON.stringify(sock));
  code = replaceOnce(code, "'/var/lib/my-agent'", JSON.stringify(state));
  code = replaceOnce(code, '// ... later', "await new Promise((r) => process.once('SIGTERM', r));");
  fs.writeFileSync(path.join(project, 'core/agent.js'), code);

  const agent = start(process.execPath, ['core/agent.js'], { cwd: project });
  t.teardown(() => agent.child.kill('SIGKILL'));
  const deadline = Date.now() + 30_000;
  while (!fs.existsSync(sock) && agent.child.exitCode === null && Date.now() < deadline) await sleep(50);
  if (!t.ok(fs.existsSync(sock), 'the socket appears', agent.out)) return;
  t.ok(fs.statSync(state).isDirectory(), 'createAgent created the state directory');
  const host = await LineReader.connect(sock);
  t.teardown(() => host.close());
  const ask = async (json: string) => {
    await host.send(json + '\n');
    return (await host.line(15_000)).toString();
  };
  t.equal(await ask('{"execute":"guest-ping"}'), '{"return": {}}', 'guest-ping');
  t.equal(
    await ask('{"execute":"__com.example_hello","arguments":{"name":"pack"}}'),
    `{"return": {"greeting": "Hello, pack, from ${os.hostname()}!"}}`,
    'the vendor command of my-commands.ts answers through the linux backend',
  );
  // getifaddrs through @qga/native-linux: koffi's prebuilt binary loads from the installed packages.
  const ifaces = JSON.parse(await ask('{"execute":"guest-network-get-interfaces"}')) as {
    return?: { name: string; 'ip-addresses'?: { 'ip-address': string }[] }[];
  };
  t.ok(
    ifaces.return?.some((i) => i.name === 'lo' && i['ip-addresses']?.some((a) => a['ip-address'] === '127.0.0.1')),
    'guest-network-get-interfaces lists lo with 127.0.0.1 (native layer loaded)',
    ifaces,
  );
  t.match(
    await ask('{"execute":"guest-exec","arguments":{"path":"/bin/true"}}'),
    /^\{"error": \{"class": "\w+", "desc": "[^"]*disabled[^"]*"\}\}$/,
    'guest-exec is blocked as configured',
  );
  host.close();
  agent.child.kill('SIGTERM');
  const end = await exitWithin(agent.exited, 30_000);
  t.equal(end?.code, 0, 'agent.stop() then a clean exit', agent.out);
  t.notOk(fs.existsSync(sock), 'stop removed the socket');
});

t.test('backend-mock README example: deterministic answers', async (t) => {
  if (!fs.existsSync(path.join(project, 'backend-mock/mock-guest.js'))) return t.fail('not compiled');
  const r = await run(process.execPath, ['backend-mock/mock-guest.js'], { cwd: project, timeoutMs: 60_000 });
  if (!ok(t, r, 'runs to its end')) return;
  t.match(r.stdout, `[ '{"return": 1700000000000000000}' ]`, 'guest-get-time reads the pinned clock');
  t.match(r.stdout, /kind: 'shutdown'/, 'guest-shutdown is recorded in power.history');
});

t.test('qga and qga-client from the project (npx)', async (t) => {
  if (!fs.existsSync(path.join(project, 'node_modules/.bin/qga'))) return t.fail('not installed');
  const agentVersion = tarballs.find((tb) => tb.manifest.name === '@qga/agent')!.manifest.version;
  const clientVersion = tarballs.find((tb) => tb.manifest.name === '@qga/client')!.manifest.version;
  const v = await run('npx', ['qga', '--version'], { cwd: project, timeoutMs: 60_000 });
  ok(t, v, 'npx qga --version');
  t.match(
    v.stdout,
    new RegExp(`^qga ${agentVersion.replaceAll('.', '\\.')} \\(QEMU Guest Agent \\d+\\.\\d+\\.\\d+ protocol\\)`),
    'prints the package version',
  );
  const cv = await run('npx', ['qga-client', '--version'], { cwd: project, timeoutMs: 60_000 });
  ok(t, cv, 'npx qga-client --version');
  t.match(cv.stdout, clientVersion, 'prints the package version');
  // npx would leave the agent behind when killed; the bin it runs is node_modules/.bin/qga.
  await agentAndClient(t, [path.join(project, 'node_modules/.bin/qga')], ['npx', 'qga-client'], project, 'mock');
});

/**
 * Starts `qga` on a unix socket and asks it through `qga-client`: with the mock backend its fixed
 * host name; with the linux one the interfaces, read by getifaddrs through koffi (the native layer
 * the bundle loads from the installed packages).
 */
async function agentAndClient(t: Test, qga: string[], client: string[], cwd: string, backend: 'mock' | 'linux'): Promise<void> {
  const sock = path.join(work, `qga-${backend}-${path.basename(qga[0] ?? 'x')}.sock`);
  const stateDir = path.join(work, `state-${backend}-${path.basename(qga[0] ?? 'x')}`);
  const agent = start(qga[0]!, [...qga.slice(1), '--backend', backend, '-m', 'unix-listen', '-p', sock, '-t', stateDir], { cwd });
  t.teardown(() => agent.child.kill('SIGKILL'));
  const c = (...args: string[]) =>
    run(client[0]!, [...client.slice(1), '--address', `unix:${sock}`, '--wait', '30', ...args], { cwd, timeoutMs: 60_000 });
  if (backend === 'mock') {
    const r = await c('call', 'guest-get-host-name');
    if (ok(t, r, 'qga-client call guest-get-host-name'))
      t.same(JSON.parse(r.stdout), { 'host-name': 'mock-guest' }, 'the mock guest answers');
  } else {
    const r = await c('call', 'guest-network-get-interfaces');
    if (ok(t, r, 'qga-client call guest-network-get-interfaces')) {
      const ifaces = JSON.parse(r.stdout) as { name: string; 'ip-addresses'?: { 'ip-address': string }[] }[];
      t.ok(
        ifaces.some((i) => i.name === 'lo' && i['ip-addresses']?.some((a) => a['ip-address'] === '127.0.0.1')),
        'lo with 127.0.0.1 (native layer loaded)',
        { ifaces },
      );
    }
  }
  agent.child.kill('SIGTERM');
  const end = await exitWithin(agent.exited, 30_000);
  t.equal(end?.code, 0, 'qga exits 0 on SIGTERM', agent.out);
}

t.test('npm install -g (agent README): qga and qga-client on the PATH, first-party plugins by name', async (t) => {
  const prefix = globalPrefix;
  if (!t.ok(fs.existsSync(path.join(prefix, 'bin/qga')), 'the agent README installed qga globally')) return;
  const bin = (n: string) => path.join(prefix, 'bin', n);
  const v = await run(bin('qga'), ['-V'], { cwd: work, timeoutMs: 60_000 });
  ok(t, v, 'qga -V');
  t.match(v.stdout, /^qga \d+\.\d+\.\d+/, 'qga -V prints its version');
  await agentAndClient(t, [bin('qga')], [bin('qga-client')], work, 'linux');
  const sock = path.join(work, 'global-plugins.sock');
  const agent = start(
    bin('qga'),
    [
      '--backend',
      'mock',
      '-m',
      'unix-listen',
      '-p',
      sock,
      '-t',
      path.join(work, 'state-plugins'),
      '--plugin=@qga/plugin-exec',
      '--plugin=@qga/plugin-files',
    ],
    { cwd: work },
  );
  t.teardown(() => agent.child.kill('SIGKILL'));
  const info = await run(bin('qga-client'), ['--address', `unix:${sock}`, '--wait', '30', 'call', 'guest-info'], {
    cwd: work,
    timeoutMs: 60_000,
  });
  if (ok(t, info, 'qga-client call guest-info')) {
    const names = (JSON.parse(info.stdout) as { supported_commands: { name: string }[] }).supported_commands.map((c) => c.name);
    t.ok(
      names.some((n) => n.startsWith('__org.qga_exec-')),
      'plugin-exec commands listed',
    );
    t.ok(
      names.some((n) => n.startsWith('__org.qga_file-')),
      'plugin-files commands listed',
    );
  }
  // node-pty, installed with the agent and built by --allow-scripts, loads from the bundle: a PTY session.
  const host = await LineReader.connect(sock);
  t.teardown(() => host.close());
  await host.send('{"execute":"__org.qga_exec-start","arguments":{"path":"/bin/sh","arg":["-c","tty"],"pty":true}}\n');
  const started = JSON.parse((await host.line(30_000)).toString()) as { return?: { id: number } };
  if (t.ok(started.return, 'a PTY session starts', started)) {
    let out = '';
    let offset = 0;
    for (let i = 0; i < 50; i++) {
      await host.send(`{"execute":"__org.qga_exec-read","arguments":{"id":${started.return!.id},"out-offset":${offset},"wait-ms":1000}}\n`);
      const r = JSON.parse((await host.line(30_000)).toString()) as { return: { 'out-data': string; exited: boolean; 'out-eof': boolean } };
      const chunk = Buffer.from(r.return['out-data'], 'base64');
      offset += chunk.length;
      out += chunk.toString('latin1');
      if (r.return.exited && r.return['out-eof']) break;
    }
    t.match(out, /^\/dev\/pts\/\d+\r?\n$/, 'the program runs on a pseudo-terminal (tty prints /dev/pts/N)');
  }
  host.close();
  agent.child.kill('SIGTERM');
  t.equal((await exitWithin(agent.exited, 30_000))?.code, 0, 'qga with plugins exits 0 on SIGTERM', agent.out);
});

t.test('run time', async (t) => {
  t.comment(`pack, install, compile and run: ${((Date.now() - began) / 1000).toFixed(1)} s`);
  t.pass('done');
});
