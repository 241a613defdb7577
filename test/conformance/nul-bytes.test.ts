/**
 * U+0000 in a string: qemu-ga keeps strings in modified UTF-8, where U+0000
 * is the bytes C0 80. A path holding it names a file with those bytes — never
 * a shorter path cut at the NUL, never an internal error text — and a
 * guest-exec argument holding it reaches the program as those bytes.
 */
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { forEachTarget, withAgent } from '../support/per-target.js';
import { call, request } from '../support/session.js';
import { sleep } from '../support/raw-client.js';
import { errorLine } from '../support/wire.js';

forEachTarget(t, async (t, target) => {
  await withAgent(t, target, {}, async (agent) => {
    const c = await agent.connect();
    const plain = path.join(agent.dir, 'x');
    fs.writeFileSync(plain, 'cut here?');
    const missing = `${plain}\u0000y`;
    t.equal(
      await request(c, { execute: 'guest-file-open', arguments: { path: missing } }),
      errorLine(`failed to open file '${missing}' (mode: 'r'): No such file or directory`),
      'no such file: the path is not cut at the NUL',
    );
    fs.writeFileSync(Buffer.concat([Buffer.from(plain), Buffer.of(0xc0, 0x80), Buffer.from('y')]), 'found');
    const opened = JSON.parse(await request(c, { execute: 'guest-file-open', arguments: { path: missing } }));
    t.type(opened.return, 'number', 'the file whose name holds C0 80 opens');
    const read = JSON.parse(await request(c, { execute: 'guest-file-read', arguments: { handle: opened.return } }));
    t.equal(Buffer.from(read.return['buf-b64'], 'base64').toString(), 'found', 'and it is that file');
    await request(c, { execute: 'guest-file-close', arguments: { handle: opened.return } });

    const {
      return: { pid },
    } = await call(c, {
      execute: 'guest-exec',
      arguments: { path: 'printf', arg: ['%s|%s', 'a\u0000b', 'back\\slash\n'], 'capture-output': true },
    });
    let status: { exited: boolean; 'out-data'?: string; exitcode?: number } = { exited: false };
    for (let i = 0; i < 200 && !status.exited; i++) {
      await sleep(25);
      status = JSON.parse(await request(c, { execute: 'guest-exec-status', arguments: { pid } })).return;
    }
    t.equal(status.exitcode, 0, 'printf ran');
    t.same(
      Buffer.from(status['out-data'] ?? '', 'base64'),
      Buffer.from('a\xc0\x80b|back\\slash\n', 'latin1'),
      'the argument arrived as a C0 80 b, other bytes untouched',
    );
  });
});
