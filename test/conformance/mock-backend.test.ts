/**
 * Cases that would be dangerous against a real machine: commands that never
 * answer on success (shutdown, suspend) and a real freeze/thaw round trip.
 * They run on our agent with `--backend mock` only. For qemu-ga they are
 * skipped on purpose: it can only act on this machine, and this machine must
 * not be shut down, suspended or frozen by a test. Last, a vendor command
 * loaded with `--plugin` (ours only: qemu-ga has no plugins).
 */
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { HELLO_PLUGIN, REPO_ROOT } from '../support/agents.js';
import type { RawClient } from '../support/raw-client.js';
import { forEachTarget, withAgent } from '../support/per-target.js';
import { request, call, syncDelimited } from '../support/session.js';
import { errorLine, returnLine } from '../support/wire.js';
import { FREEZE_SAFE } from '../support/schema.js';

const MOCK_ONLY = 'needs our agent with --backend mock: qemu-ga would act on this machine (shutdown/suspend/freeze)';
const ping = (id: string) => `{"execute":"guest-ping","id":"${id}"}`;
const pingReply = (id: string) => `{"return": {}, "id": "${id}"}`;
const notAllowed = (name: string, id?: string) =>
  errorLine(`Command ${name} has been disabled: the command is not allowed`, 'CommandNotFound', id === undefined ? undefined : `"${id}"`);

forEachTarget(t, async (t, target) => {
  const skip = target.name === 'qemu-ga' ? MOCK_ONLY : false;

  await t.test('success-response:false commands send nothing on success (docs/protocol.md#request-checks step 9)', { skip }, async (t) => {
    await withAgent(t, target, { backend: 'mock' }, async (agent) => {
      const c = await agent.connect();
      await syncDelimited(c);
      for (const args of ['', ',"arguments":{"mode":"halt"}', ',"arguments":{"mode":"powerdown"}', ',"arguments":{"mode":"reboot"}']) {
        await c.send(`{"execute":"guest-shutdown"${args},"id":"sd"}${ping('next')}`);
        t.equal(await c.readLine(), pingReply('next'), `guest-shutdown${args}: no reply, even with an id; the next request is answered`);
      }
      for (const name of ['guest-suspend-disk', 'guest-suspend-ram', 'guest-suspend-hybrid']) {
        await c.send(`{"execute":"${name}","id":"s"}${ping('after-' + name)}`);
        const first = await c.readLine();
        if (first === pingReply('after-' + name)) {
          t.pass(`${name}: succeeded silently`);
        } else {
          t.match(first, /^\{"id": "s", "error": \{"class": "GenericError", "desc": ".+"\}\}$/, `${name}: if it fails, the error is sent`);
          t.equal(await c.readLine(), pingReply('after-' + name), 'then the ping');
        }
      }
      t.equal(
        await request(c, '{"execute":"guest-shutdown","arguments":{"mode":"bogus"},"id":1}'),
        errorLine('mode is invalid (valid values are: halt|powerdown|reboot', 'GenericError', '1'),
        'errors are still sent (docs/commands.md#guest-shutdown text, closing parenthesis missing as upstream)',
      );
      t.equal(
        await request(c, '{"execute":"guest-shutdown","arguments":{"mode":1}}'),
        errorLine("Invalid parameter type for 'mode', expected: string"),
        'validation errors too',
      );
      const info = await call(c, '{"execute":"guest-info"}');
      const silent = info.return.supported_commands
        .filter((x: any) => !x['success-response'])
        .map((x: any) => x.name)
        .sort();
      t.same(
        silent,
        ['guest-shutdown', 'guest-suspend-disk', 'guest-suspend-hybrid', 'guest-suspend-ram'],
        'guest-info marks exactly these success-response:false',
      );
    });
  });

  await t.test('freeze → frozen gate → thaw (docs/commands.md#filesystem-freeze)', { skip }, async (t) => {
    await withAgent(t, target, { backend: 'mock', args: ['-b', 'guest-ping'] }, async (agent) => {
      const c = await agent.connect();
      await syncDelimited(c);
      const marker = path.join(agent.dir, 'qga.state.isfrozen');
      const frozen = await call(c, '{"execute":"guest-fsfreeze-freeze"}');
      t.ok(
        Number.isInteger(frozen.return) && frozen.return >= 1,
        `freeze returns the number of filesystems frozen (${JSON.stringify(frozen)})`,
      );
      t.equal(await request(c, '{"execute":"guest-fsfreeze-status"}'), '{"return": "frozen"}', 'status frozen');
      t.ok(fs.existsSync(marker), 'qga.state.isfrozen exists while frozen');
      t.equal(
        await request(c, '{"execute":"guest-file-open","arguments":{"path":"x"},"id":"a"}'),
        notAllowed('guest-file-open', 'a'),
        'file commands are disabled',
      );
      t.equal(await request(c, '{"execute":"guest-fsfreeze-freeze"}'), notAllowed('guest-fsfreeze-freeze'), 'a second freeze is disabled');
      t.equal(
        await request(c, '{"execute":"guest-ping"}'),
        notAllowed('guest-ping'),
        'blocked guest-ping stays disabled while frozen (our deviation, docs/upstream-bugs.md#blocked-commands-return-while-frozen)',
      );
      t.equal(await request(c, '{"execute":"guest-sync","arguments":{"id":9}}'), '{"return": 9}', 'freeze-safe commands work');
      const info = await call(c, '{"execute":"guest-info"}');
      t.same(
        info.return.supported_commands
          .filter((x: any) => x.enabled)
          .map((x: any) => x.name)
          .sort(),
        FREEZE_SAFE.filter((n) => n !== 'guest-ping').sort(),
        'guest-info: only freeze-safe (and not blocked) commands enabled',
      );
      const thawed = await call(c, '{"execute":"guest-fsfreeze-thaw"}');
      t.equal(thawed.return, frozen.return, 'thaw returns the number thawed');
      t.equal(await request(c, '{"execute":"guest-fsfreeze-status"}'), '{"return": "thawed"}', 'status thawed');
      t.notOk(fs.existsSync(marker), 'marker removed');
      t.match(
        await request(c, '{"execute":"guest-file-open","arguments":{"path":"x","mode":"w"}}'),
        /^\{"return": \d+\}$/,
        'file commands are back',
      );
      t.equal(await request(c, '{"execute":"guest-fsfreeze-thaw"}'), '{"return": 0}', 'thaw when nothing is frozen returns 0');
      t.equal(
        await request(c, '{"execute":"guest-fsfreeze-freeze-list","arguments":{"mountpoints":[]}}'),
        '{"return": 0}',
        'freeze-list with an empty list freezes nothing',
      );
      t.equal(await request(c, '{"execute":"guest-fsfreeze-status"}'), '{"return": "thawed"}', '…and leaves the agent thawed');
    });
  });

  // A vendor command loaded with `--plugin` goes through the same machinery as the built-ins.
  // qemu-ga has no plugins (its commands are compiled in): ours only, on the mock backend (freeze).
  const pluginSkip =
    target.name === 'qemu-ga'
      ? 'qemu-ga has no plugin mechanism (vendor commands are compiled in): --plugin is ours only'
      : !fs.existsSync(HELLO_PLUGIN)
        ? `the example plugin is not built (${path.relative(REPO_ROOT, HELLO_PLUGIN)} missing): run \`npx tsc -b examples\``
        : false;
  const NAME = '__com.example_hello';
  const hello = (args?: string, id?: string): string =>
    `{"execute":"${NAME}"${args === undefined ? '' : `,"arguments":${args}`}${id === undefined ? '' : `,"id":"${id}"`}}`;
  const greeting = (name: string, id?: string): string =>
    returnLine(`{"greeting": "Hello, ${name}, from mock-guest!"}`, id === undefined ? undefined : `"${id}"`);
  const withPlugin = (args: readonly string[] = []) => ({ backend: 'mock' as const, args: ['--plugin', HELLO_PLUGIN, ...args] });
  const entryOf = async (c: RawClient) =>
    (await call(c, '{"execute":"guest-info"}')).return.supported_commands.find((x: any) => x.name === NAME);

  await t.test(`plugin command ${NAME}: listed, answers, arguments validated like a built-in's`, { skip: pluginSkip }, async (t) => {
    await withAgent(t, target, withPlugin(), async (agent) => {
      const c = await agent.connect();
      await syncDelimited(c);
      t.same(await entryOf(c), { enabled: true, name: NAME, 'success-response': true }, 'guest-info: enabled, success-response true');
      t.equal(await request(c, hello()), greeting('world'), 'answers (a backend port injected into it)');
      t.equal(await request(c, hello('{"name":"host"}', 'h')), greeting('host', 'h'), 'with an argument and an id');
      t.equal(await request(c, hello('{}')), greeting('world'), 'empty arguments: the optional one is absent');
      t.equal(
        await request(c, hello('{"name":5}')),
        errorLine("Invalid parameter type for 'name', expected: string"),
        'wrong type: the QAPI message',
      );
      t.equal(await request(c, hello('{"nme":"x"}')), errorLine("Parameter 'nme' is unexpected"), 'unexpected member: the QAPI message');
      t.equal(
        await request(c, hello('[]')),
        errorLine("QMP input member 'arguments' must be an object"),
        'arguments not an object: the envelope check',
      );
      t.equal(await request(c, hello('{"name":""}')), errorLine("Parameter 'name' must not be empty"), "the command's own error");
      // (no "missing" case: the example's only argument is optional)
    });
  });

  await t.test(`plugin command ${NAME}: -b disables it`, { skip: pluginSkip }, async (t) => {
    await withAgent(t, target, withPlugin(['-b', NAME]), async (agent) => {
      const c = await agent.connect();
      await syncDelimited(c);
      t.equal(await request(c, hello(undefined, 'b')), notAllowed(NAME, 'b'), 'CommandNotFound, the disabled text');
      t.same(await entryOf(c), { enabled: false, name: NAME, 'success-response': true }, 'guest-info: enabled false');
      t.equal(await request(c, ping('p')), pingReply('p'), 'built-ins untouched');
    });
  });

  await t.test(
    `plugin command ${NAME}: -a guest-info,${NAME} leaves it the only other enabled command`,
    { skip: pluginSkip },
    async (t) => {
      await withAgent(t, target, withPlugin(['-a', `guest-info,${NAME}`]), async (agent) => {
        const c = await agent.connect();
        t.equal(await request(c, hello()), greeting('world'), 'allowed: answers');
        t.equal(await request(c, ping('p')), notAllowed('guest-ping', 'p'), 'guest-ping is not in the list');
        const info = await call(c, '{"execute":"guest-info"}');
        t.same(
          info.return.supported_commands
            .filter((x: any) => x.enabled)
            .map((x: any) => x.name)
            .sort(),
          [NAME, 'guest-info'],
          'guest-info: just these two enabled',
        );
      });
    },
  );

  await t.test(`plugin command ${NAME}: disabled while frozen, back after the thaw`, { skip: pluginSkip }, async (t) => {
    await withAgent(t, target, withPlugin(), async (agent) => {
      const c = await agent.connect();
      await syncDelimited(c);
      const frozen = await call(c, '{"execute":"guest-fsfreeze-freeze"}');
      t.ok(Number.isInteger(frozen.return) && frozen.return >= 1, `frozen (${JSON.stringify(frozen)})`);
      t.equal(await request(c, hello(undefined, 'f')), notAllowed(NAME, 'f'), 'not freeze-safe: disabled like guest-file-open');
      t.same(await entryOf(c), { enabled: false, name: NAME, 'success-response': true }, 'guest-info: enabled false while frozen');
      t.equal((await call(c, '{"execute":"guest-fsfreeze-thaw"}')).return, frozen.return, 'thawed');
      t.equal(await request(c, hello()), greeting('world'), 'enabled again');
    });
  });
});
