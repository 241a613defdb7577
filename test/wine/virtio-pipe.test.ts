// -m virtio-serial on Windows: CreateFileW + overlapped ReadFile/WriteFile,
// exercised under Wine on a named pipe (the stand-in for the virtio port,
// same code path). The agent and the "host" are both node.exe under Wine.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { REPO_ROOT } from '../support/agents.js';
import { runUnderWine, startUnderWine, wineBed, winPath } from '../support/wine.js';

const BUNDLE = path.join(REPO_ROOT, 'packages/agent/dist/qga.mjs');
const HOST = path.join(REPO_ROOT, 'test/dist/wine/pipe-host.js');

const bed = wineBed();
if ('skip' in bed) {
  t.test('virtio-serial on a Windows named pipe', { skip: bed.skip }, async () => {});
} else {
  t.test('virtio-serial on a Windows named pipe: requests, replies, and a reopen after the host left', async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qga-wine-pipe-'));
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    const pipe = `\\\\.\\pipe\\qga-test-${process.pid}`;
    const log = path.join(dir, 'agent.log');
    // -r: the pipe does not exist yet (ERROR_FILE_NOT_FOUND, as a VM without the port), so the agent retries.
    const agent = startUnderWine(
      bed,
      [winPath(BUNDLE), '-m', 'virtio-serial', '-p', pipe, '-r', '--backend', 'windows', '-t', winPath(dir), '-v'],
      log,
      300,
    );
    t.teardown(() => agent.kill('SIGTERM'));
    // Start the host only once the agent has found the port missing, so the retry path is taken.
    const deadline = Date.now() + 60_000;
    while (!/cannot open/.test(fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const out = path.join(dir, 'host.json');
    const host = await runUnderWine(bed, [winPath(HOST), pipe, winPath(out)], path.join(dir, 'host.log'), 150);
    t.equal(host.code, 0, `the host script ran (${host.log.slice(0, 500)})`);
    const result = JSON.parse(fs.readFileSync(out, 'utf8'));
    const agentLog = fs.readFileSync(log, 'utf8');
    if (result.error) t.comment(`agent log: ${agentLog.slice(-3000)}`);
    t.notOk(result.error, 'the host got every reply in time');
    t.equal(result.conversations.length, 2, 'the agent connected twice');
    const [first, second] = result.conversations;
    // The 0xFF first costs one error reply (as in qemu-ga), then the delimited sync reply follows.
    const replies = first.received.split('\n');
    t.match(replies[0], /^\{"error": \{"class": "GenericError"/, 'the 0xFF byte: an error reply');
    t.equal(replies[1], '\xff{"return": 4242}', 'guest-sync-delimited: 0xFF, then the id');
    t.equal(replies[2], `{"return": {"host-name": "${os.hostname()}"}}`, 'a Win32 command over the port');
    t.equal(replies[3], `{"error": {"class": "GenericError", "desc": "handle '1' has not been found"}}`);
    t.equal(second.received, '{"return": {}}\n', 'after the host end closed, the agent reopened the port and answers again');
    t.match(
      agentLog,
      /virtio-serial:\\\\\.\\pipe\\qga-test-\d+: cannot open: error opening path .*; retrying/,
      'the missing port was retried, with the Win32 reason',
    );
  });
}
