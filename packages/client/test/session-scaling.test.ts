import t from 'tap';
import { Duplex } from 'node:stream';
import { QgaSession } from '../src/session/qga-session.js';

/**
 * An in-memory agent that answers instantly, so only the session's own cost is
 * measured: a per-reply scan of the pending queue (quadratic in the number of
 * requests in flight) shows up here as seconds instead of milliseconds.
 */
function instantAgent(): Duplex {
  let pending = '';
  const duplex: Duplex = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, done) {
      pending += chunk.toString('latin1');
      const re = /\{"execute":"([^"]+)"(?:,"arguments":\{"id":(\d+)\})?,"id":(\d+)\}/g;
      let out = '';
      let consumed = 0;
      for (let m = re.exec(pending); m !== null; m = re.exec(pending)) {
        const [, command, arg, id] = m;
        if (command === 'guest-sync-delimited')
          out += `{"error": {"class": "GenericError", "desc": "JSON parse error, stray '\\uFFFD'"}}\n\xff{"return": ${arg}, "id": ${id}}\n`;
        else out += `{"return": {}, "id": ${id}}\n`;
        consumed = re.lastIndex;
      }
      pending = pending.slice(consumed);
      if (out) duplex.push(Buffer.from(out, 'latin1'));
      done();
    },
  });
  return duplex;
}

t.test('100,000 pipelined requests: linear, not quadratic', async (t) => {
  const session = new QgaSession(instantAgent(), { maxReplyBytes: 1 << 20, syncAttemptMs: 1000 });
  await session.sync(1000);
  const count = 100_000;
  const start = performance.now();
  const results = await Promise.all(Array.from({ length: count }, () => session.execute('guest-ping', undefined, { timeoutMs: 60_000 })));
  const ms = performance.now() - start;
  t.equal(results.length, count);
  t.comment(`${count} pipelined requests through the session in ${ms.toFixed(0)} ms (${((ms * 1000) / count).toFixed(1)} µs each)`);
  await session.close();
});

t.test('sequential requests through the session', async (t) => {
  const session = new QgaSession(instantAgent(), { maxReplyBytes: 1 << 20, syncAttemptMs: 1000 });
  await session.sync(1000);
  const count = 20_000;
  const start = performance.now();
  let answered = 0;
  for (let i = 0; i < count; i++) {
    await session.execute('guest-ping', undefined, { timeoutMs: 60_000 });
    answered++;
  }
  const ms = performance.now() - start;
  t.equal(answered, count, 'every sequential request answered');
  t.comment(`${count} sequential requests in ${ms.toFixed(0)} ms (${((ms * 1000) / count).toFixed(1)} µs each, no I/O)`);
  await session.close();
});
