/**
 * Exact 64-bit file positions, side by side with qemu-ga: positions past
 * 2^53 (where a JavaScript number loses precision) and past INT64_MAX, on an
 * ext4 file (which refuses positions past 16 TiB) and on a sparse tmpfs file
 * (which takes any int64 position). Both agents must give the same replies,
 * and no write may land anywhere but where the position says.
 */
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { forEachTarget, withAgent } from '../support/per-target.js';
import { call, request } from '../support/session.js';
import { errorLine } from '../support/wire.js';

const EINVAL = errorLine('failed to seek file: Invalid argument');
const P53 = 2n ** 53n;

/** A tmpfs directory (sparse files up to 2^63 - 1), or undefined. */
function tmpfsDir(): string | undefined {
  for (const dir of ['/dev/shm', '/run']) {
    try {
      const type = fs
        .readFileSync('/proc/self/mountinfo', 'utf8')
        .split('\n')
        .find((l) => l.split(' ')[4] === dir)
        ?.split(' - ')[1]
        ?.split(' ')[0];
      if (type === 'tmpfs' && fs.statSync(dir).isDirectory()) return dir;
    } catch {
      /* next */
    }
  }
  return undefined;
}

const shm = tmpfsDir();

forEachTarget(t, async (t, target) => {
  await withAgent(t, target, {}, async (agent) => {
    const c = await agent.connect();
    const seek = (handle: number, offset: bigint, whence: string): Promise<string> =>
      request(c, `{"execute":"guest-file-seek","arguments":{"handle":${handle},"offset":${offset},"whence":"${whence}"}}`);
    const open = async (file: string, mode: string): Promise<number> =>
      (await call(c, { execute: 'guest-file-open', arguments: { path: file, mode } })).return;

    await t.test('ext4: a position past 2^53 is refused with EINVAL, and the next write lands where the position really is', async (t) => {
      const file = path.join(agent.dir, 'ten.bin');
      fs.writeFileSync(file, '0123456789');
      const h = await open(file, 'r+');
      t.equal(await seek(h, 9007199254741000n, 'set'), EINVAL, 'seek to 9007199254741000');
      t.equal(
        await request(c, { execute: 'guest-file-write', arguments: { handle: h, 'buf-b64': Buffer.from('AB').toString('base64') } }),
        '{"return": {"count": 2, "eof": false}}',
      );
      t.equal(await seek(h, 0n, 'cur'), '{"return": {"eof": false, "position": 2}}', 'the position moved by the write only');
      await request(c, { execute: 'guest-file-close', arguments: { handle: h } });
      t.equal(fs.readFileSync(file, 'latin1'), 'AB23456789', 'the write went to offset 0, where the position was');
      t.equal(fs.statSync(file).size, 10, 'nothing written far away');
    });

    await t.test(
      'two SEEK_CUR of 2^62: the second would pass INT64_MAX and is EINVAL',
      { skip: shm ? false : 'no tmpfs mounted' },
      async (t) => {
        const file = path.join(shm!, `qga-offsets-${target.name}-${process.pid}.bin`);
        t.teardown(() => fs.rmSync(file, { force: true }));
        fs.writeFileSync(file, '0123456789');
        const h = await open(file, 'r+');
        t.equal(await seek(h, 2n ** 62n, 'cur'), `{"return": {"eof": false, "position": ${2n ** 62n}}}`);
        t.equal(await seek(h, 2n ** 62n, 'cur'), EINVAL);
        t.equal(
          await seek(h, 0n, 'cur'),
          `{"return": {"eof": false, "position": ${2n ** 62n}}}`,
          'the failed seek left the position alone',
        );
        t.equal(await seek(h, -1n, 'set'), EINVAL, 'negative');
        t.equal(await seek(h, -11n, 'end'), EINVAL, 'before the start');
        await request(c, { execute: 'guest-file-close', arguments: { handle: h } });
      },
    );

    await t.test('tmpfs: write and read back at 2^53 + 1000 and at 2^62 exactly', { skip: shm ? false : 'no tmpfs mounted' }, async (t) => {
      const file = path.join(shm!, `qga-offsets-rw-${target.name}-${process.pid}.bin`);
      t.teardown(() => fs.rmSync(file, { force: true }));
      fs.writeFileSync(file, '0123456789');
      const h = await open(file, 'r+');
      for (const [pos, text] of [
        [P53 + 1000n, 'XY'],
        [2n ** 62n, 'far'],
      ] as const) {
        t.equal(await seek(h, pos, 'set'), `{"return": {"eof": false, "position": ${pos}}}`, `seek to ${pos}`);
        const data = Buffer.from(text).toString('base64');
        t.equal(
          await request(c, { execute: 'guest-file-write', arguments: { handle: h, 'buf-b64': data } }),
          `{"return": {"count": ${text.length}, "eof": false}}`,
        );
        t.equal(
          await seek(h, 0n, 'cur'),
          `{"return": {"eof": false, "position": ${pos + BigInt(text.length)}}}`,
          'position after the write',
        );
        t.equal(await seek(h, pos, 'set'), `{"return": {"eof": false, "position": ${pos}}}`);
        t.equal(
          await request(c, { execute: 'guest-file-read', arguments: { handle: h, count: 16 } }),
          `{"return": {"count": ${text.length}, "buf-b64": "${data}", "eof": true}}`,
          'read back',
        );
      }
      await request(c, { execute: 'guest-file-close', arguments: { handle: h } });
      const fd = fs.openSync(file, 'r');
      t.teardown(() => fs.closeSync(fd));
      t.equal(BigInt(fs.fstatSync(fd, { bigint: true }).size), 2n ** 62n + 3n, 'file size from the last write');
      const head = Buffer.alloc(10);
      fs.readSync(fd, head, 0, 10, 0);
      t.equal(head.toString('latin1'), '0123456789', 'the first bytes are untouched');
    });
  });
});
