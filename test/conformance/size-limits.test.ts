/**
 * The 64 MiB limits (docs/protocol.md#limits): one token, and the sum of the tokens of one
 * message. After either, the handshake (0xFF + guest-sync-delimited) must be
 * answered. Slow-ish: each case pushes 64 MiB through the socket.
 */
import t from 'tap';
import { forEachTarget, withAgent } from '../support/per-target.js';
import { exchange } from '../support/session.js';
import { errorLine, EXPECTING_VALUE, NOT_AN_OBJECT, parseErrorLine, strayLine, STRAY_FF } from '../support/wire.js';
import { expectDeviation } from '../support/expect.js';

const MIB64 = 64 * 1024 * 1024;
const TOKEN_LIMIT = errorLine('JSON token size limit exceeded');
const WHY =
  'after a limit error we discard the rest of that message silently; qemu-ga resets its lexer mid-string and lexes the rest as JSON (docs/upstream-bugs.md#error-flood-after-a-limit)';

/** `"` + n × 'a' + tail, as one buffer. */
function bigString(n: number, tail: string): Buffer {
  const b = Buffer.alloc(1 + n + tail.length, 'a');
  b[0] = 0x22;
  b.write(tail, 1 + n, 'latin1');
  return b;
}

forEachTarget(t, async (t, target) => {
  await withAgent(t, target, {}, async (agent) => {
    const c = await agent.connect();

    await t.test('the largest complete token is 64 MiB - 1 (the message-total check adds 1)', async (t) => {
      let got = await exchange(c, bigString(MIB64 - 3, '"'), 120_000);
      t.same(got.replies, [NOT_AN_OBJECT], 'a 67,108,863-byte string parses');
      t.equal(got.flush, STRAY_FF, 'clean state');
      got = await exchange(c, bigString(MIB64 - 2, '"'), 120_000);
      t.same(got.replies, [TOKEN_LIMIT], 'a complete 67,108,864-byte string is rejected by the total check (size + 1 > 64 MiB)');
      t.equal(got.flush, STRAY_FF, 'clean state');
    });

    await t.test('a token of 64 MiB + 1 is rejected, then the handshake is answered', async (t) => {
      let got = await exchange(c, bigString(MIB64 - 1, '"'), 120_000);
      t.same(got.replies, [TOKEN_LIMIT], 'the closing quote makes it 67,108,865 bytes: one error');
      t.equal(got.flush, STRAY_FF, 'nothing left over');

      got = await exchange(c, bigString(MIB64, 'xy"'), 120_000);
      t.equal(got.replies[0], TOKEN_LIMIT, 'the first error is identical');
      t.same(
        got.replies.slice(1),
        expectDeviation(target, { qemuGa: [parseErrorLine("invalid keyword 'xy'")], ours: [], why: WHY }),
        'the rest of the oversized string',
      );
      t.equal(
        got.flush,
        expectDeviation(target, { qemuGa: strayLine('"\uFFFD'), ours: STRAY_FF, why: WHY }),
        "qemu-ga took the string's closing quote as the start of a new string",
      );
    });

    await t.test('the sum of the tokens of one message is limited to 64 MiB too', async (t) => {
      const a = 40_000_000;
      const msg = Buffer.concat([Buffer.from('['), bigString(a, '",'), bigString(MIB64 - a - 4, '"]')]);
      const got = await exchange(c, msg, 120_000);
      t.equal(got.replies[0], TOKEN_LIMIT, 'the first error is identical');
      t.same(
        got.replies.slice(1),
        expectDeviation(target, { qemuGa: [EXPECTING_VALUE], ours: [], why: WHY }),
        'the closing ] after the reset',
      );
      t.equal(got.flush, STRAY_FF, 'clean state');
    });

    await t.test('the token bytes of one message may total 64 MiB - 1 (whitespace not counted)', async (t) => {
      const a = 40_000_000;
      // tokens: [ (1) + "a…" (a+2) + , (1) + "b…" (L+2) + ] (1) = a + L + 7 <= 64 MiB - 1
      const fits = Buffer.concat([Buffer.from('[ '), bigString(a, '" , '), bigString(MIB64 - a - 8, '" ]')]);
      let got = await exchange(c, fits, 120_000);
      t.same(got.replies, [NOT_AN_OBJECT], 'exactly at the limit: parsed');
      const over = Buffer.concat([Buffer.from('['), bigString(a, '",'), bigString(MIB64 - a - 7, '"]')]);
      got = await exchange(c, over, 120_000);
      t.same(got.replies, [TOKEN_LIMIT], 'one byte more: the closing ] trips the limit, nothing is left over');
    });

    await t.test('guest-sync still works', async (t) => {
      const got = await exchange(c, '{"execute":"guest-sync","arguments":{"id":5}}');
      t.same(got.replies, ['{"return": 5}']);
    });
  });
});
