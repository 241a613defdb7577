/**
 * What a guest-exec child inherits from the agent, side by side with qemu-ga:
 * stdin, stdout and stderr only (a descriptor the agent itself inherited is
 * not passed on), and the environment the agent was started with (nothing the
 * agent set for itself, such as libuv's UV_THREADPOOL_SIZE).
 */
import t from 'tap';
import { forEachTarget, withAgent } from '../support/per-target.js';
import { call, request } from '../support/session.js';
import { sleep } from '../support/raw-client.js';

const SCRIPT = 'ls /proc/$$/fd; echo "pool=${UV_THREADPOOL_SIZE-unset}"';

forEachTarget(t, async (t, target) => {
  await withAgent(t, target, { inheritFd: 251 }, async (agent) => {
    const c = await agent.connect();
    const {
      return: { pid },
    } = await call(c, { execute: 'guest-exec', arguments: { path: '/bin/sh', arg: ['-c', SCRIPT], 'capture-output': true } });
    let status: { exited: boolean; exitcode?: number; 'out-data'?: string } = { exited: false };
    for (let i = 0; i < 200 && !status.exited; i++) {
      await sleep(25);
      status = JSON.parse(await request(c, { execute: 'guest-exec-status', arguments: { pid } })).return;
    }
    t.equal(status.exitcode, 0, 'the script ran');
    t.equal(
      Buffer.from(status['out-data'] ?? '', 'base64').toString(),
      '0\n1\n2\npool=unset\n',
      'descriptors 0-2 only; no UV_THREADPOOL_SIZE',
    );
  });
});
