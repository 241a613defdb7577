/**
 * Cases that would be dangerous against a real machine: commands that never
 * answer on success (shutdown, suspend) and a real freeze/thaw round trip.
 * They run on our agent with `--backend mock` only. For qemu-ga they are
 * skipped on purpose: it can only act on this machine, and this machine must
 * not be shut down, suspended or frozen by a test.
 */
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { forEachTarget, withAgent } from '../support/per-target.js';
import { request, call, syncDelimited } from '../support/session.js';
import { errorLine } from '../support/wire.js';
import { FREEZE_SAFE } from '../support/schema.js';

const MOCK_ONLY = 'needs our agent with --backend mock: qemu-ga would act on this machine (shutdown/suspend/freeze)';
const ping = (id: string) => `{"execute":"guest-ping","id":"${id}"}`;
const pingReply = (id: string) => `{"return": {}, "id": "${id}"}`;
const notAllowed = (name: string, id?: string) => errorLine(`Command ${name} has been disabled: the command is not allowed`, 'CommandNotFound', id === undefined ? undefined : `"${id}"`);

forEachTarget(t, async (t, target) => {
  const skip = target.name === 'qemu-ga' ? MOCK_ONLY : false;

  await t.test('success-response:false commands send nothing on success (spec §1.2 step 9)', { skip }, async (t) => {
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
        'errors are still sent (spec §4.6 text, closing parenthesis missing as upstream)',
      );
      t.equal(
        await request(c, '{"execute":"guest-shutdown","arguments":{"mode":1}}'),
        errorLine("Invalid parameter type for 'mode', expected: string"),
        'validation errors too',
      );
      const info = await call(c, '{"execute":"guest-info"}');
      const silent = info.return.supported_commands.filter((x: any) => !x['success-response']).map((x: any) => x.name).sort();
      t.same(silent, ['guest-shutdown', 'guest-suspend-disk', 'guest-suspend-hybrid', 'guest-suspend-ram'], 'guest-info marks exactly these success-response:false');
    });
  });

  await t.test('freeze → frozen gate → thaw (spec §4.1, §4.2)', { skip }, async (t) => {
    await withAgent(t, target, { backend: 'mock', args: ['-b', 'guest-ping'] }, async (agent) => {
      const c = await agent.connect();
      await syncDelimited(c);
      const marker = path.join(agent.dir, 'qga.state.isfrozen');
      const frozen = await call(c, '{"execute":"guest-fsfreeze-freeze"}');
      t.ok(Number.isInteger(frozen.return) && frozen.return >= 1, `freeze returns the number of filesystems frozen (${JSON.stringify(frozen)})`);
      t.equal(await request(c, '{"execute":"guest-fsfreeze-status"}'), '{"return": "frozen"}', 'status frozen');
      t.ok(fs.existsSync(marker), 'qga.state.isfrozen exists while frozen');
      t.equal(await request(c, '{"execute":"guest-file-open","arguments":{"path":"x"},"id":"a"}'), notAllowed('guest-file-open', 'a'), 'file commands are disabled');
      t.equal(await request(c, '{"execute":"guest-fsfreeze-freeze"}'), notAllowed('guest-fsfreeze-freeze'), 'a second freeze is disabled');
      t.equal(await request(c, '{"execute":"guest-ping"}'), notAllowed('guest-ping'), 'blocked guest-ping stays disabled while frozen (our deviation, spec §7.2)');
      t.equal(await request(c, '{"execute":"guest-sync","arguments":{"id":9}}'), '{"return": 9}', 'freeze-safe commands work');
      const info = await call(c, '{"execute":"guest-info"}');
      t.same(
        info.return.supported_commands.filter((x: any) => x.enabled).map((x: any) => x.name).sort(),
        FREEZE_SAFE.filter((n) => n !== 'guest-ping').sort(),
        'guest-info: only freeze-safe (and not blocked) commands enabled',
      );
      const thawed = await call(c, '{"execute":"guest-fsfreeze-thaw"}');
      t.equal(thawed.return, frozen.return, 'thaw returns the number thawed');
      t.equal(await request(c, '{"execute":"guest-fsfreeze-status"}'), '{"return": "thawed"}', 'status thawed');
      t.notOk(fs.existsSync(marker), 'marker removed');
      t.match(await request(c, '{"execute":"guest-file-open","arguments":{"path":"x","mode":"w"}}'), /^\{"return": \d+\}$/, 'file commands are back');
      t.equal(await request(c, '{"execute":"guest-fsfreeze-thaw"}'), '{"return": 0}', 'thaw when nothing is frozen returns 0');
      t.equal(await request(c, '{"execute":"guest-fsfreeze-freeze-list","arguments":{"mountpoints":[]}}'), '{"return": 0}', 'freeze-list with an empty list freezes nothing');
      t.equal(await request(c, '{"execute":"guest-fsfreeze-status"}'), '{"return": "thawed"}', '…and leaves the agent thawed');
    });
  });
});

// Pending until the lead adds the test plugin module; runs against ours only (qemu-ga has no plugins).
const PLUGIN_CHECKS = [
  'it appears in guest-info (enabled:true, success-response:true) and answers',
  '-b __com.example_hello disables it: CommandNotFound "Command __com.example_hello has been disabled: the command is not allowed", enabled:false in guest-info',
  '-a guest-info,__com.example_hello leaves it the only other enabled command',
  'while frozen (mock backend) it is disabled like any non-freeze-safe command',
  'its arguments are validated with the same QAPI messages (missing / unexpected / wrong type)',
];
t.todo('plugin command __com.example_hello (pending: the lead provides the test plugin module)', async (t) => {
  for (const check of PLUGIN_CHECKS) t.fail(`not written yet: ${check}`);
});
