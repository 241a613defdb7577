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
    enabled: async () =>
      (await commands())
        .filter((c) => c.enabled)
        .map((c) => c.name)
        .sort(),
  };
}

for (const [label, program] of PROGRAMS) {
  t.test(`${label}: --plugin adds a vendor command`, async (t) => {
    const dir = tempDir(t);
    const s = await serve(t, program, dir, '--plugin', HELLO);
    t.same(await s.entry(NAME), { enabled: true, name: NAME, 'success-response': true }, 'listed in guest-info');
    t.equal(await s.request(hello()), GREETING, 'answers, with a backend port injected');
    t.equal(
      await s.request(hello(',"arguments":{"name":"host"},"id":7')),
      '{"return": {"greeting": "Hello, host, from mock-guest!"}, "id": 7}',
    );
    t.equal(
      await s.request(hello(',"arguments":{"name":5}')),
      `{"error": {"class": "GenericError", "desc": "Invalid parameter type for 'name', expected: string"}}`,
      'arguments validated',
    );
    t.equal(
      await s.request(hello(',"arguments":{"nme":"x"}')),
      `{"error": {"class": "GenericError", "desc": "Parameter 'nme' is unexpected"}}`,
    );
    t.equal(
      await s.request(hello(',"arguments":{"name":""}')),
      `{"error": {"class": "GenericError", "desc": "Parameter 'name' must not be empty"}}`,
      "the plugin's own QgaError",
    );
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
    buildSync({
      stdin: { contents: PROBE, resolveDir: REPO_ROOT, sourcefile: 'probe.mjs' },
      bundle: true,
      format: 'esm',
      platform: 'node',
      outfile: plugin,
      logLevel: 'error',
    });
    t.notMatch(readFileSync(plugin, 'utf8'), /from ['"](inversify|@qga\/core)['"]/, 'really bundled');
    const s = await serve(t, program, dir, `--plugin=${plugin}`);
    t.equal(
      await s.request('{"execute":"__org.test_probe"}'),
      '{"return": {"host": "mock-guest", "container": "function"}}',
      'module recognised by shape, metadata shared',
    );
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
    writeFileSync(
      join(dir, 'bad-list.mjs'),
      "import { ContainerModule } from 'inversify';\nexport const plugins = [new ContainerModule(() => {}), 'x'];\n",
    );
    writeFileSync(
      join(dir, 'async.mjs'),
      "import { ContainerModule } from 'inversify';\nexport default new ContainerModule(async () => {});\n",
    );
    writeFileSync(
      join(dir, 'throws.mjs'),
      "import { ContainerModule } from 'inversify';\nexport const plugin = new ContainerModule(() => { throw new Error('no licence'); });\n",
    );
    const cases: Array<[string, string]> = [
      ['/nonexistent/x.mjs', "qga: plugin /nonexistent/x.mjs: cannot load: Cannot find module '/nonexistent/x.mjs'"],
      [join(dir, 'none.mjs'), `qga: plugin ${join(dir, 'none.mjs')}: exports no ContainerModule (default, plugin or plugins)`],
      [join(dir, 'broken.mjs'), `qga: plugin ${join(dir, 'broken.mjs')}: cannot load: SyntaxError: Unexpected end of input`],
      [join(dir, 'bad-list.mjs'), `qga: plugin ${join(dir, 'bad-list.mjs')}: export plugins[1] is not a ContainerModule`],
      [
        join(dir, 'async.mjs'),
        `qga: plugin ${join(dir, 'async.mjs')}: its ContainerModule loads asynchronously, which qga does not support`,
      ],
      [join(dir, 'throws.mjs'), `qga: plugin ${join(dir, 'throws.mjs')}: no licence`],
    ];
    // In parallel (each start of the unbundled program costs most of a second); a socket each.
    await Promise.all(
      cases.map(async ([path, message], i) => {
        const sock = join(dir, `sock${i}`);
        const served = await run(['--backend', 'mock', '-m', 'unix-listen', '-p', sock, '-t', join(dir, 'state'), '--plugin', path], {
          program,
        });
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
  writeFileSync(
    join(dir, 'extra.mjs'),
    "import { ContainerModule } from 'inversify';\nimport { TOKENS } from '@qga/core';\nexport default new ContainerModule(({ bind }) => { bind(TOKENS.Command).toConstantValue({ spec: { name: '__org.test_extra' }, run: () => 42 }); });\n",
  );
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

/** A plugin file whose one command returns what `result` evaluates to. */
const resultPlugin = (name: string, result: string): string =>
  `import { ContainerModule } from 'inversify';\nimport { TOKENS } from '@qga/core';\n` +
  `export default new ContainerModule(({ bind }) => { bind(TOKENS.Command).toConstantValue({ spec: { name: '${name}' }, run: () => (${result}) }); });\n`;

t.test('a plugin result that cannot be encoded is an error reply to that request; the agent and its other clients go on', async (t) => {
  const dir = tempDir(t);
  const cases: Array<[string, string]> = [
    ['__org.test_cycle', '(() => { const o = { a: 1 }; o.self = o; return o; })()'],
    ['__org.test_symbol', '({ s: Symbol("x") })'],
    ['__org.test_function', '({ f: () => 1 })'],
    ['__org.test_deep', '(() => { let v = 1; for (let i = 0; i < 5000; i++) v = [v]; return v; })()'],
    ['__org.test_thrower', '({ get boom() { throw Object.create(null); } })'],
  ];
  const args: string[] = [];
  cases.forEach(([name, result], i) => {
    writeFileSync(join(dir, `p${i}.mjs`), resultPlugin(name, result));
    args.push('--plugin', `p${i}.mjs`);
  });
  const s = await serve(t, BUNDLE, dir, ...args);
  const other = await RawQgaClient.connect(join(dir, 'sock'));
  t.teardown(() => other.close());
  for (const [name] of cases) {
    const line = await s.request(`{"execute":"${name}","id":"${name}"}`);
    const quoted = name.replace('.', '\\.');
    t.match(
      line,
      new RegExp(
        `^\\{"id": "${quoted}", "error": \\{"class": "GenericError", "desc": "the result of ${quoted} cannot be encoded as JSON: [^"]+"\\}\\}$`,
      ),
      `${name}: a GenericError with its id`,
    );
    other.send('{"execute":"guest-ping"}');
    t.equal(await other.readLine(), '{"return": {}}', `${name}: another client is still served`);
  }
  t.equal(await s.request('{"execute":"guest-ping"}'), '{"return": {}}', 'the same connection goes on');
  t.equal(s.agent.child.exitCode, null, 'the agent is still running');
});

t.test(
  'a plugin cannot change the policy or the core: rebinding config, the dispatcher, a port or a built-in name refuses to start',
  async (t) => {
    const dir = tempDir(t);
    const header = "import { ContainerModule } from 'inversify';\nimport { TOKENS } from '@qga/core';\n";
    const cases: Array<[string, string, string]> = [
      [
        'rebind-config.mjs',
        "export default new ContainerModule(({ rebind }) => { rebind(TOKENS.AgentConfig).toConstantValue({ version: 'x', blockRpcs: [], allowRpcs: [], freezeTimeoutMs: 0, execRecordTtlMs: 0 }); });",
        'may not rebind qga.core.AgentConfig',
      ],
      [
        'unbind-config.mjs',
        'export default new ContainerModule(({ unbind }) => { unbind(TOKENS.AgentConfig); });',
        'may not unbind qga.core.AgentConfig',
      ],
      [
        'bind-config.mjs',
        'export default new ContainerModule(({ bind }) => { bind(TOKENS.AgentConfig).toConstantValue({}); });',
        'may not bind qga.core.AgentConfig',
      ],
      [
        'rebind-dispatcher.mjs',
        "export default new ContainerModule(({ rebind }) => { rebind(Symbol.for('qga.core.Dispatcher')).toConstantValue({}); });",
        'may not rebind qga.core.Dispatcher',
      ],
      [
        'hook-config.mjs',
        'export default new ContainerModule(({ onActivation }) => { onActivation(TOKENS.AgentConfig, (c) => c); });',
        'may not hook the activation of qga.core.AgentConfig',
      ],
      [
        'rebind-port.mjs',
        'export default new ContainerModule(({ rebind }) => { rebind(TOKENS.FilesPort).toConstantValue({}); });',
        'may not rebind qga.core.FilesPort',
      ],
      [
        'drop-commands.mjs',
        'export default new ContainerModule(({ unbind }) => { unbind(TOKENS.Command); });',
        'may not unbind qga.core.Command',
      ],
      [
        'builtin-name.mjs',
        "export default new ContainerModule(({ bind }) => { bind(TOKENS.Command).toConstantValue({ spec: { name: 'guest-ping' }, run: () => 1 }); });",
        'plugin command guest-ping reuses the name of a built-in command',
      ],
      [
        'absent-builtin.mjs',
        "export default new ContainerModule(({ bind }) => { bind(TOKENS.Command).toConstantValue({ spec: { name: 'guest-get-devices' }, run: () => [] }); });",
        'plugin command guest-get-devices reuses the name of a built-in command',
      ],
    ];
    await Promise.all(
      cases.map(async ([file, body, message], i) => {
        writeFileSync(join(dir, file), header + body + '\n');
        const sock = join(dir, `sock${i}`);
        const r = await run(
          ['--backend', 'mock', '-m', 'unix-listen', '-p', sock, '-t', join(dir, 'state'), '-b', 'guest-ping', '--plugin', join(dir, file)],
          { program: BUNDLE },
        );
        t.equal(r.code, 1, `${file}: refuses to start`);
        t.match(r.stderr, message, `${file}: says why`);
        t.notOk(existsSync(sock), `${file}: no socket`);
      }),
    );
  },
);

t.test('a plugin that only adds commands and services of its own loads; a name outside __RFQDN_name is warned about', async (t) => {
  const dir = tempDir(t);
  writeFileSync(
    join(dir, 'own.mjs'),
    "import { ContainerModule } from 'inversify';\nimport { TOKENS } from '@qga/core';\nconst MINE = Symbol('mine');\n" +
      'export default new ContainerModule(({ bind, rebind, isBound }) => { bind(MINE).toConstantValue(1); rebind(MINE).toConstantValue(2); ' +
      "bind(TOKENS.Command).toConstantValue({ spec: { name: 'vendor-thing' }, run: () => ({ bound: isBound(TOKENS.Command) }) }); });\n",
  );
  const s = await serve(t, BUNDLE, dir, '-v', '-b', 'guest-ping', '--plugin', 'own.mjs');
  t.equal(await s.request('{"execute":"vendor-thing"}'), '{"return": {"bound": true}}', 'served');
  t.equal(
    await s.request('{"execute":"guest-ping"}'),
    '{"error": {"class": "CommandNotFound", "desc": "Command guest-ping has been disabled: the command is not allowed"}}',
    '-b still applies',
  );
  t.match(s.agent.output().stderr, /plugin command vendor-thing is not named __RFQDN_name/, 'warned');
});
