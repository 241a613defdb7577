/**
 * Command filtering (docs/commands.md#command-filtering; upstream tests /qga/blockedrpcs and /qga/allowedrpcs):
 * the block list, the allow list, the frozen gate, and guest-info's
 * `enabled` flags under each.
 *
 * The frozen state is reached without freezing anything: an agent that
 * finds `<statedir>/qga.state.isfrozen` at startup believes the previous
 * instance died frozen and starts in frozen mode (docs/commands.md#filesystem-freeze). qemu-ga is
 * never asked to freeze or thaw (thaw would issue FITHAW on this machine's
 * mounts), and it is ended with SIGKILL, because it ignores SIGTERM while
 * frozen. Real freeze/thaw round trips run on our agent's mock backend only
 * (mock-backend.test.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { forEachTarget, startAgent, withAgent } from '../support/per-target.js';
import { runAgent, type Target } from '../support/agents.js';
import { request, call, syncDelimited } from '../support/session.js';
import type { RawClient } from '../support/raw-client.js';
import { errorLine } from '../support/wire.js';
import { expectDeviation, hasQemu, sinceQemu } from '../support/expect.js';
import { expectedLinuxCommands, FREEZE_SAFE } from '../support/schema.js';

/** The CommandNotFound desc for a command disabled by -b / -a (docs/protocol.md#request-checks step 6; older texts before 9.1). */
function blockedDesc(target: Target, name: string, how: 'block' | 'allow'): string {
  if (hasQemu(target, '9.1')) return `Command ${name} has been disabled: the command is not allowed`;
  if (how === 'allow' && hasQemu(target, '8.1')) return `Command ${name} has been disabled: the command is not allowed`;
  return `Command ${name} has been disabled`;
}

/** …for a command disabled because the agent is frozen. */
function frozenDesc(target: Target, name: string): string {
  return sinceQemu(target, '9.1', {
    before: `Command ${name} has been disabled: the agent is in frozen state`,
    since: `Command ${name} has been disabled: the command is not allowed`,
  });
}

async function enabledFlags(client: RawClient): Promise<Map<string, boolean>> {
  const info = await call(client, '{"execute":"guest-info"}');
  return new Map(info.return.supported_commands.map((c: any) => [c.name, c.enabled]));
}

forEachTarget(t, async (t, target) => {
  await t.test('/qga/blockedrpcs: -b guest-ping,guest-get-time', async (t) => {
    await withAgent(t, target, { args: ['-b', 'guest-ping,guest-get-time,no-such-command'] }, async (agent) => {
      const c = await agent.connect();
      await syncDelimited(c);
      for (const name of ['guest-ping', 'guest-get-time']) {
        const reply = await request(c, `{"execute":"${name}"}`);
        t.equal(reply, errorLine(blockedDesc(target, name, 'block'), 'CommandNotFound'), `${name} is disabled`);
        t.ok(JSON.parse(reply).error.desc.includes('has been disabled'), 'desc contains "has been disabled" (upstream check)');
      }
      t.equal(
        await request(c, '{"execute":"guest-ping","id":3}'),
        errorLine(blockedDesc(target, 'guest-ping', 'block'), 'CommandNotFound', '3'),
        'the id is echoed on the disabled error',
      );
      t.equal(
        await request(c, '{"execute":"guest-ping","arguments":{"x":1}}'),
        errorLine(blockedDesc(target, 'guest-ping', 'block'), 'CommandNotFound'),
        'disabled is checked before the arguments (request checks: step 6 before 7)',
      );
      t.equal(
        await request(c, '{"execute":"guest-ping","arguments":5}'),
        errorLine("QMP input member 'arguments' must be an object"),
        'envelope checks come first',
      );
      const fsinfo = await call(c, '{"execute":"guest-get-fsinfo"}');
      t.ok(Array.isArray(fsinfo.return), 'guest-get-fsinfo still works');
      const flags = await enabledFlags(c);
      const expected = new Map(
        expectedLinuxCommands(target).map((x) => [x.name, x.enabled && x.name !== 'guest-ping' && x.name !== 'guest-get-time']),
      );
      t.same(Object.fromEntries(flags), Object.fromEntries(expected), 'guest-info: exactly the blocked ones are enabled:false');
    });
  });

  await t.test('/qga/allowedrpcs: -a guest-ping,guest-get-time', async (t) => {
    if (!hasQemu(target, '8.1')) {
      const r = await runAgent(target, ['-a', 'guest-ping,guest-get-time', '-m', 'unix-listen', '-p', '/nonexistent-qga/sock']);
      t.equal(r.code, 1, 'qemu-ga < 8.1 has no -a: exit status 1');
      t.match(r.stderr, /invalid option -- 'a'/, 'getopt rejects -a');
      return;
    }
    await withAgent(t, target, { args: ['-a', 'guest-ping,guest-get-time'] }, async (agent) => {
      const c = await agent.connect();
      // guest-sync-delimited is not in the allow list, so no handshake here.
      t.equal(await request(c, '{"execute":"guest-ping"}'), '{"return": {}}', 'guest-ping works');
      t.match(await request(c, '{"execute":"guest-get-time"}'), /^\{"return": \d+\}$/, 'guest-get-time works');
      for (const name of ['guest-get-fsinfo', 'guest-sync-delimited', 'guest-info']) {
        t.equal(
          await request(c, `{"execute":"${name}"}`),
          errorLine(blockedDesc(target, name, 'allow'), 'CommandNotFound'),
          `${name} is disabled`,
        );
      }
    });
  });

  await t.test(
    'guest-info flags with an allow list (-a guest-info,guest-ping)',
    { skip: !hasQemu(target, '8.1') && `qemu-ga ${target.version} has no -a (since 8.1)` },
    async (t) => {
      await withAgent(t, target, { args: ['-a', 'guest-info,guest-ping'] }, async (agent) => {
        const c = await agent.connect();
        const flags = await enabledFlags(c);
        t.same(
          [...flags]
            .filter(([, on]) => on)
            .map(([n]) => n)
            .sort(),
          ['guest-info', 'guest-ping'],
          'only the allowed commands are enabled',
        );
        t.equal(flags.size, expectedLinuxCommands(target).length, 'every command is still listed');
      });
    },
  );

  await t.test(
    'allow and block lists together: block wins',
    { skip: !hasQemu(target, '9.1') && `qemu-ga ${target.version}: using -a with -b is an error before 9.1` },
    async (t) => {
      await withAgent(t, target, { args: ['-a', 'guest-info,guest-ping,guest-get-time', '-b', 'guest-ping'] }, async (agent) => {
        const c = await agent.connect();
        t.equal(
          await request(c, '{"execute":"guest-ping"}'),
          errorLine(blockedDesc(target, 'guest-ping', 'block'), 'CommandNotFound'),
          'blocked although allowed',
        );
        t.match(await request(c, '{"execute":"guest-get-time"}'), /^\{"return": \d+\}$/, 'allowed and not blocked');
        const flags = await enabledFlags(c);
        t.same(
          [...flags]
            .filter(([, on]) => on)
            .map(([n]) => n)
            .sort(),
          ['guest-get-time', 'guest-info'],
          'guest-info agrees',
        );
      });
    },
  );

  await t.test('-b help lists every command in registration order and exits 0', async (t) => {
    for (const arg of ['help', '?']) {
      const r = await runAgent(target, ['-b', arg]);
      t.equal(r.code, 0, `-b ${arg}: exit 0`);
      const registered = expectedLinuxCommands(target)
        .map((x) => x.name)
        .reverse();
      t.same(r.stdout.trim().split('\n'), registered, `-b ${arg}: one name per line, schema order`);
    }
  });

  await t.test('frozen at startup (qga.state.isfrozen exists), with -b guest-ping,guest-get-time', async (t) => {
    // Ours: the mock backend, so nothing real is ever frozen or thawed even if a check fails.
    const agent = await startAgent(target, {
      backend: 'mock',
      args: ['-b', 'guest-ping,guest-get-time'],
      prepare: (dir) => fs.writeFileSync(path.join(dir, 'qga.state.isfrozen'), ''),
    });
    t.teardown(() => agent.kill());
    const c = await agent.connect();
    await syncDelimited(c);
    t.equal(await request(c, '{"execute":"guest-fsfreeze-status"}'), '{"return": "frozen"}', 'status: frozen');
    t.notOk(fs.existsSync(path.join(agent.dir, 'qga.state')), 'qga.state is not created while frozen');
    for (const name of ['guest-file-open', 'guest-exec', 'guest-fsfreeze-freeze', 'guest-fsfreeze-freeze-list', 'guest-get-osinfo']) {
      t.equal(
        await request(c, `{"execute":"${name}","id":"f"}`),
        errorLine(frozenDesc(target, name), 'CommandNotFound', '"f"'),
        `${name} is disabled while frozen`,
      );
    }
    t.equal(
      await request(c, '{"execute":"guest-get-time"}'),
      errorLine(blockedDesc(target, 'guest-get-time', 'block'), 'CommandNotFound'),
      'blocked and not freeze-safe: the block reason is given',
    );
    const pingEnabledWhileFrozen = expectDeviation(target, {
      qemuGa: hasQemu(target, '9.1'),
      ours: false,
      why: 'we honour the block list while frozen; since 9.1 qemu-ga re-enables a blocked freeze-safe command while frozen (docs/upstream-bugs.md#blocked-commands-return-while-frozen). qemu-ga 7.2 kept it disabled too',
    });
    t.equal(
      await request(c, '{"execute":"guest-ping"}'),
      pingEnabledWhileFrozen ? '{"return": {}}' : errorLine(blockedDesc(target, 'guest-ping', 'block'), 'CommandNotFound'),
      'guest-ping: freeze-safe but blocked',
    );
    const flags = await enabledFlags(c);
    const expectedOn = FREEZE_SAFE.filter((n) => n !== 'guest-ping' || pingEnabledWhileFrozen).sort();
    t.same(
      [...flags]
        .filter(([, on]) => on)
        .map(([n]) => n)
        .sort(),
      expectedOn,
      'guest-info: only the freeze-safe commands are enabled',
    );
    if (target.name === 'qemu-ga') t.equal(flags.size, expectedLinuxCommands(target).length, 'all commands still listed');
    else t.ok(flags.size > FREEZE_SAFE.length + 10, `all commands still listed (${flags.size} on the mock backend)`);
    if (target.name === 'qemu-ga') {
      await agent.signal('SIGTERM');
      t.equal(await agent.waitExit(700), undefined, 'qemu-ga ignores SIGTERM while frozen (docs/commands.md#filesystem-freeze)');
      t.equal(await request(c, '{"execute":"guest-fsfreeze-status"}'), '{"return": "frozen"}', 'and keeps serving');
    } else {
      // Thaw on the mock backend, then everything is back and SIGTERM works.
      const thaw = await call(c, '{"execute":"guest-fsfreeze-thaw"}');
      t.type(thaw.return, 'number', `thaw returns a count (${JSON.stringify(thaw)})`);
      t.equal(await request(c, '{"execute":"guest-fsfreeze-status"}'), '{"return": "thawed"}', 'thawed');
      t.notOk(fs.existsSync(path.join(agent.dir, 'qga.state.isfrozen')), 'the marker is removed');
      const after = await enabledFlags(c);
      t.same(
        [...after]
          .filter(([, on]) => !on)
          .map(([n]) => n)
          .sort(),
        ['guest-get-time', 'guest-ping'],
        'only the blocked commands stay disabled',
      );
      const status = await agent.stop();
      t.same({ code: status.code, graceful: status.graceful }, { code: 0, graceful: true }, 'SIGTERM → exit 0 after thaw');
    }
  });
});
