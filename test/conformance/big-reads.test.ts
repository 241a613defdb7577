/**
 * Large guest-file-reads, pipelined on two handles of the same file, side by
 * side with qemu-ga: every reply carries exactly the file's bytes at that
 * handle's offset. Our agent reuses its read buffers and reply slices
 * (docs/hardening.md#transfer-buffers), so this is what would show one reply's
 * bytes leaking into another's: replies still being written while the next
 * read fills a buffer, a slice filled again before its write completed.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { forEachTarget, withAgent } from '../support/per-target.js';
import { call } from '../support/session.js';

const MiB = 1024 * 1024;
/** Counts that are not multiples of 3 or of a slice, and some that are. */
const COUNTS = [MiB + 7, 3 * MiB, 786_432, 49_151, 2 * MiB - 1, 5 * MiB + 2];

forEachTarget(t, async (t, target) => {
  await withAgent(t, target, {}, async (agent) => {
    const file = path.join(agent.dir, 'big.bin');
    const data = crypto.randomBytes(24 * MiB + 5);
    fs.writeFileSync(file, data);
    const c = await agent.connect();
    const open = async (): Promise<number> => (await call(c, { execute: 'guest-file-open', arguments: { path: file, mode: 'r' } })).return;

    await t.test('pipelined reads on two handles: each reply has the bytes at its handle offset', async (t) => {
      const handles = [await open(), await open()];
      const offsets = [0, 0];
      let eofs = 0;
      let round = 0;
      while (eofs < 2) {
        // Four requests in flight, alternating handles; replies come back in order.
        const batch = [0, 1, 0, 1].map((which, i) => ({ which, count: COUNTS[(round + i) % COUNTS.length]! }));
        round++;
        await c.send(
          batch.map((b) => `{"execute":"guest-file-read","arguments":{"handle":${handles[b.which]},"count":${b.count}}}\n`).join(''),
        );
        eofs = 0;
        for (const b of batch) {
          const line = await c.readLine(30_000);
          const r = JSON.parse(line).return as { count: number; 'buf-b64': string; eof: boolean };
          const want = data.subarray(offsets[b.which], offsets[b.which]! + b.count);
          const got = Buffer.from(r['buf-b64'], 'base64');
          if (!got.equals(want) || r.count !== want.length) {
            t.fail(`handle ${b.which}, offset ${offsets[b.which]}, count ${b.count}: ${r.count} bytes, not the file's`);
            return;
          }
          offsets[b.which]! += r.count;
          if (r.eof) eofs++;
        }
      }
      t.same(offsets, [data.length, data.length], 'both handles read the whole file, every reply exact');
      for (const h of handles) await call(c, { execute: 'guest-file-close', arguments: { handle: h } });
    });

    await t.test('a read after a large one, in the same burst, while the first is still being written', async (t) => {
      const h = await open();
      const small = await open();
      await c.send(
        `{"execute":"guest-file-read","arguments":{"handle":${h},"count":${16 * MiB}}}\n` +
          `{"execute":"guest-file-read","arguments":{"handle":${small},"count":100}}\n` +
          `{"execute":"guest-file-read","arguments":{"handle":${h},"count":${8 * MiB + 1}}}\n`,
      );
      const replies = [await c.readLine(30_000), await c.readLine(30_000), await c.readLine(30_000)].map((l) =>
        Buffer.from(JSON.parse(l).return['buf-b64'] as string, 'base64'),
      );
      t.ok(replies[0]!.equals(data.subarray(0, 16 * MiB)), 'first 16 MiB');
      t.ok(replies[1]!.equals(data.subarray(0, 100)), 'the small read of the other handle');
      t.ok(replies[2]!.equals(data.subarray(16 * MiB, 24 * MiB + 1)), 'the next 8 MiB + 1');
      await call(c, { execute: 'guest-file-close', arguments: { handle: h } });
      await call(c, { execute: 'guest-file-close', arguments: { handle: small } });
    });
  });
});
