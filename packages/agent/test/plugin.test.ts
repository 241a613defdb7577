import t, { type Test } from 'tap';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { RawQgaClient } from './helpers/qga-socket.js';
import { agentArgs, BUNDLE, ensureBundle, MAIN_JS, run, start, tempDir, type Running } from './helpers/run-qga.js';

/** The example vendor command, compiled by `npx tsc -b examples`. */
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const HELLO = fileURLToPath(new URL('../../../../examples/dist/custom-agent/hello-plugin.js', import.meta.url));
const NAME = '__com.example_hello';
const hello = (extra = ''): string => `{"execute":"${NAME}"${extra}}`;
const DISABLED = `{"error": {"class": "CommandNotFound", "desc": "Command ${NAME} has been disabled: the command is not allowed"}}`;
const GREETING = '{"return": {"greeting": "Hello, world, from mock-guest!"}}';

/** A plugin in plain JS (decorators applied by hand) injecting a backend port. */
const PROBE = `import 'reflect-metadata';
import { Container, ContainerModule, inject, injectable } from 'inversify';
import { QgaError, TOKENS } from '@qga/core';
class Probe {
  spec = { name: '__org.test_probe', args: { '*deny': 'bool' } };
  constructor(system) { this.system = system; }
  async run(args) {
    if (args.deny) throw new QgaError('probe says no', 'CommandNotFound');
    return { host: await this.system.hostName(), container: typeof Container };
  }
}
inject(TOKENS.SystemInfoPort)(Probe, undefined, 0);
injectable()(Probe);
export const plugins = [new ContainerModule(({ bind }) => { bind(TOKENS.Command).to(Probe); })];
`;

if (!existsSync(HELLO)) throw new Error(`${HELLO} is missing: run \`npx tsc -b examples\` first`);
ensureBundle();

const PROGRAMS = [
  ['the compiled program', MAIN_JS],
  ['the bundle', BUNDLE],
] as const;

interface Served {
  readonly agent: Running;
  readonly client: RawQgaClient;
  request(line: string): Promise<string | undefined>;
  /** guest-info's entry for a command, as parsed JSON. */
  entry(name: string): Promise<unknown>;
  enabled(): Promise<string[]>;
}

async function serve(t: Test, program: string, dir: string, ...extra: string[]): Promise<Served> {
  const agent = start(agentArgs(dir, ...extra), { program, cwd: dir }); // relative plugin paths are from dir
  t.teardown(async () => {
    agent.child.kill('SIGTERM');
    await agent.exited;
  });
  const client = await RawQgaClient.connect(join(dir, 'sock'));
  t.teardown(() => client.close());
  const request = async (line: string): Promise<string | undefined> => {
    client.send(line);
    return client.readLine();
  };
  const commands = async (): Promise<Array<{ name: string; enabled: boolean }>> =>
    JSON.parse((await request('{"execute":"guest-info"}')) ?? '{}').return.supported_commands;
  return {
    agent,
    client,
    request,
    entry: async (name) => (await commands()).find((c) => c.name === name),
    enabled: async () => (await commands()).filter((c) => c.enabled).map((c) => c.name).sort(),
  };
}

for (const [label, program] of PROGRAMS) {
  t.test(`${label}: --plugin adds a vendor command`, async (t) => {
    const dir = tempDir(t);
    const s = await serve(t, program, dir, '--plugin', HELLO);
    t.same(await s.entry(NAME), { enabled: true, name: NAME, 'success-response': true }, 'listed in guest-info');
    t.equal(await s.request(hello()), GREETING, 'answers, with a backend port injected');
    t.equal(await s.request(hello(',"arguments":{"name":"host"},"id":7')), '{"return": {"greeting": "Hello, host, from mock-guest!"}, "id": 7}');
    t.equal(await s.request(hello(',"arguments":{"name":5}')), `{"error": {"class": "GenericError", "desc": "Invalid parameter type for 'name', expected: string"}}`, 'arguments validated');
    t.equal(await s.request(hello(',"arguments":{"nme":"x"}')), `{"error": {"class": "GenericError", "desc": "Parameter 'nme' is unexpected"}}`);
    t.equal(await s.request(hello(',"arguments":{"name":""}')), `{"error": {"class": "GenericError", "desc": "Parameter 'name' must not be empty"}}`, "the plugin's own QgaError");
  });

  t.test(`${label}: -b blocks a plugin command, -a allows it`, async (t) => {
    const blocked = await serve(t, program, tempDir(t), '--plugin', HELLO, '-b', NAME);
    t.equal(await blocked.request(hello()), DISABLED);
    t.same(await blocked.entry(NAME), { enabled: false, name: NAME, 'success-response': true });
    t.equal(await blocked.request('{"execute":"guest-ping"}'), '{"return": {}}', 'built-ins unaffected');

    const allowed = await serve(t, program, tempDir(t), '--plugin', HELLO, '-a', `guest-info,${NAME}`);
    t.equal(await allowed.request(hello()), GREETING);
    t.same(await allowed.enabled(), [NAME, 'guest-info'], 'only the allowed commands are enabled');
    t.match(await allowed.request('{"execute":"guest-ping"}'), /has been disabled: the command is not allowed/);
  });

  t.test(`${label}: the frozen gate disables a plugin command until the thaw`, async (t) => {
    const dir = tempDir(t);
    const s = await serve(t, program, dir, '--plugin', HELLO);
    t.match(await s.request('{"execute":"guest-fsfreeze-freeze"}'), /^\{"return": [1-9]\d*\}$/);
    t.ok(existsSync(join(dir, 'qga.state.isfrozen')), 'frozen (marker written)');
    t.equal(await s.request(hello()), DISABLED, 'not freeze-safe: disabled while frozen');
    t.same(await s.entry(NAME), { enabled: false, name: NAME, 'success-response': true });
    t.match(await s.request('{"execute":"guest-fsfreeze-thaw"}'), /^\{"return": [1-9]\d*\}$/);
    t.equal(await s.request(hello()), GREETING, 'back after the thaw');
  });

  t.test(`${label}: -b help lists plugin commands after the built-ins`, async (t) => {
    const plain = await run(['--backend', 'mock', '-b', 'help'], { program });
    const r = await run(['--backend', 'mock', '--plugin', HELLO, '-b', 'help'], { program });
    t.equal(r.code, 0, r.stderr);
    t.equal(r.stdout, `${plain.stdout}${NAME}\n`);
  });

  t.test(`${label}: a plugin without node_modules gets qga's inversify and @qga/core`, async (t) => {
    // Dropped in a directory with no node_modules anywhere above it (as next to an installed
    // bundle): its imports resolve to the very copies qga runs on, so `instanceof` agrees and
    // the error class it throws reaches the wire.
    const dir = tempDir(t);
    const plugin = join(dir, 'probe.mjs');
    writeFileSync(plugin, PROBE);
    const s = await serve(t, program, dir, `--plugin=${plugin}`);
    t.equal(await s.request('{"execute":"__org.test_probe"}'), '{"return": {"host": "mock-guest", "container": "function"}}');
    t.equal(
      await s.request('{"execute":"__org.test_probe","arguments":{"deny":true}}'),
      '{"error": {"class": "CommandNotFound", "desc": "probe says no"}}',
      "qga's own QgaError class: the error class survives",
    );
  });

  t.test(`${label}: a plugin bundled with its own inversify and @qga/core still loads`, async (t) => {
    const dir = tempDir(t);
    const plugin = join(dir, 'probe-bundled.mjs');
    // Resolved from the repository's node_modules and inlined: nothing left for qga to lend.
    buildSync({ stdin: { contents: PROBE, resolveDir: REPO_ROOT, sourcefile: 'probe.mjs' }, bundle: true, format: 'esm', platform: 'node', outfile: plugin, logLevel: 'error' });
    t.notMatch(readFileSync(plugin, 'utf8'), /from ['"](inversify|@qga\/core)['"]/, 'really bundled');
    const s = await serve(t, program, dir, `--plugin=${plugin}`);
    t.equal(await s.request('{"execute":"__org.test_probe"}'), '{"return": {"host": "mock-guest", "container": "function"}}', 'module recognised by shape, metadata shared');
    t.equal(
      await s.request('{"execute":"__org.test_probe","arguments":{"deny":true}}'),
      '{"error": {"class": "CommandNotFound", "desc": "probe says no"}}',
      'its QgaError is a foreign class, recognised by its shape: the error class survives',
    );
  });

  t.test(`${label}: unusable plugins exit 1 with the reason, before the socket exists`, async (t) => {
    const dir = tempDir(t);
    mkdirSync(join(dir, 'state'));
    writeFileSync(join(dir, 'none.mjs'), 'export const helloPlugin = 1;\nexport default { load: "not a function" };\n');
    writeFileSync(join(dir, 'broken.mjs'), 'export default {\n');
    writeFileSync(join(dir, 'bad-list.mjs'), "import { ContainerModule } from 'inversify';\nexport const plugins = [new ContainerModule(() => {}), 'x'];\n");
    writeFileSync(join(dir, 'async.mjs'), "import { ContainerModule } from 'inversify';\nexport default new ContainerModule(async () => {});\n");
    writeFileSync(join(dir, 'throws.mjs'), "import { ContainerModule } from 'inversify';\nexport const plugin = new ContainerModule(() => { throw new Error('no licence'); });\n");
    const cases: Array<[string, string]> = [
      ['/nonexistent/x.mjs', "qga: plugin /nonexistent/x.mjs: cannot load: Cannot find module '/nonexistent/x.mjs'"],
      [join(dir, 'none.mjs'), `qga: plugin ${join(dir, 'none.mjs')}: exports no ContainerModule (default, plugin or plugins)`],
      [join(dir, 'broken.mjs'), `qga: plugin ${join(dir, 'broken.mjs')}: cannot load: SyntaxError: Unexpected end of input`],
      [join(dir, 'bad-list.mjs'), `qga: plugin ${join(dir, 'bad-list.mjs')}: export plugins[1] is not a ContainerModule`],
      [join(dir, 'async.mjs'), `qga: plugin ${join(dir, 'async.mjs')}: its ContainerModule loads asynchronously, which qga does not support`],
      [join(dir, 'throws.mjs'), `qga: plugin ${join(dir, 'throws.mjs')}: no licence`],
    ];
    // In parallel (each start of the unbundled program costs most of a second); a socket each.
    await Promise.all(
      cases.map(async ([path, message], i) => {
        const sock = join(dir, `sock${i}`);
        const served = await run(['--backend', 'mock', '-m', 'unix-listen', '-p', sock, '-t', join(dir, 'state'), '--plugin', path], { program });
        t.same([served.code, served.stderr], [1, `${message}\n`], `${path}: exit 1 and the reason`);
        t.notOk(existsSync(sock), `${path}: no socket left behind`);
      }),
    );
    for (const [path, message] of cases.slice(0, 2)) {
      const listed = await run(['--backend', 'mock', '--plugin', path, '-b', 'help'], { program });
      t.same([listed.code, listed.stdout, listed.stderr], [1, '', `${message}\n`], `${path}: -b help too`);
    }
    const twice = await run(['--backend', 'mock', '--plugin', HELLO, `--plugin=${HELLO}`, '-b', 'help'], { program });
    t.same([twice.code, twice.stderr], [1, `qga: command ${NAME} is registered twice\n`], 'the same command twice');
    const empty = await run(['--plugin=', '-b', 'help'], { program });
    t.same([empty.code, empty.stderr], [1, "qga: invalid --plugin '': expected the path of an ES module\n"]);
  });
}

t.test('plugins= in the config file: relative to the working directory, then --plugin; -D shows them', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'extra.mjs'), "import { ContainerModule } from 'inversify';\nimport { TOKENS } from '@qga/core';\nexport default new ContainerModule(({ bind }) => { bind(TOKENS.Command).toConstantValue({ spec: { name: '__org.test_extra' }, run: () => 42 }); });\n");
  const rel = relative(dir, HELLO);
  const conf = join(dir, 'qga.conf');
  writeFileSync(conf, `[general]\nbackend=mock\nplugins=${rel};\n`);
  const listed = await run(['-c', conf, '--plugin', 'extra.mjs', '-b', 'help'], { cwd: dir });
  t.equal(listed.code, 0, listed.stderr);
  t.same(listed.stdout.trimEnd().split('\n').slice(-2), [NAME, '__org.test_extra'], 'config file first, then the command line');
  const dumped = await run(['-c', conf, '--plugin', 'extra.mjs', '-D'], { cwd: dir });
  t.equal(dumped.code, 0, dumped.stderr);
  t.equal(dumped.stdout.split('\n').at(-2), `plugins=${rel};extra.mjs;`, 'the last line, accumulated');
  t.notMatch((await run(['-D'])).stdout, /plugins=/, 'no plugins= line when none is set');
  writeFileSync(conf, `[general]\nbackend=mock\nplugins=${rel},extra.mjs\n`);
  const s = await serve(t, MAIN_JS, dir, '-c', conf);
  t.equal(await s.request('{"execute":"__org.test_extra"}'), '{"return": 42}');
});
