import 'reflect-metadata';
import t from 'tap';
import { Subject, from, lastValueFrom, toArray } from 'rxjs';
import { sequentially } from '../../src/agent/sequentially.js';
import { serveSession } from '../../src/agent/session-pipeline.js';
import { Dispatcher } from '../../src/dispatch/dispatcher.js';
import { CommandRegistry } from '../../src/dispatch/command-registry.js';
import { FreezeState } from '../../src/services/freeze-state.js';
import { DEFAULT_AGENT_CONFIG } from '../../src/agent/agent-config.js';
import { silentLogger } from '../../src/agent/stream-logger.js';
import type { Command } from '../../src/dispatch/command.js';
import type { TransportSession } from '../../src/ports/transport.port.js';

t.test('sequentially: order kept across sync and async steps, no deep recursion', async (t) => {
  const n = 200_000;
  const values = Array.from({ length: n }, (_, i) => i);
  // One slow step first: everything after it queues up, then drains in one loop.
  const out = await lastValueFrom(
    from(values).pipe(
      sequentially((v) => (v === 0 ? new Promise<number>((r) => setTimeout(() => r(0), 20)) : v)),
      toArray(),
    ),
  );
  t.equal(out.length, n);
  t.ok(out.every((v, i) => v === i), 'results in input order');
});

t.test('sequentially: a failing step errors the stream', async (t) => {
  await t.rejects(lastValueFrom(from([1, 2, 3]).pipe(sequentially((v) => (v === 2 ? Promise.reject(new Error('bad')) : v)))), /bad/);
  await t.rejects(lastValueFrom(from([1, 2]).pipe(sequentially((v) => { if (v === 2) throw new Error('sync bad'); return v; }))), /sync bad/);
});

function dispatcherWith(commands: Command[]): Dispatcher {
  return new Dispatcher(new CommandRegistry(commands, DEFAULT_AGENT_CONFIG, new FreezeState(), new Set()));
}

/** A session whose writes exert backpressure now and then, recording every byte. */
function recordingSession(input$: Subject<Uint8Array>) {
  const written: Buffer[] = [];
  let writes = 0;
  let closed = false;
  const session: TransportSession = {
    id: 1,
    input$,
    write: (bytes) => {
      written.push(Buffer.from(bytes));
      if (++writes % 3 === 0) return new Promise<void>((r) => setTimeout(r, 1));
      return undefined;
    },
    close: () => {
      closed = true;
    },
  };
  return { session, text: () => Buffer.concat(written).toString('latin1'), writes: () => writes, closed: () => closed };
}

t.test('a burst of 100,000 pipelined requests behind a slow command is answered in order', async (t) => {
  const slow: Command = { spec: { name: 'guest-slow' }, run: () => new Promise((r) => setTimeout(() => r({ slow: true }), 30)) };
  const echo: Command = { spec: { name: 'guest-sync', args: { id: 'int' } }, run: (a: { id: bigint }) => a.id };
  const input$ = new Subject<Uint8Array>();
  const rec = recordingSession(input$);
  serveSession(rec.session, dispatcherWith([slow, echo]), silentLogger);
  const n = 100_000;
  let burst = '{"execute":"guest-slow"}';
  for (let i = 0; i < n; i++) burst += `{"execute":"guest-sync","arguments":{"id":${i}}}`;
  const bytes = Buffer.from(burst);
  for (let i = 0; i < bytes.length; i += 65536) input$.next(bytes.subarray(i, i + 65536));
  input$.complete();
  await new Promise<void>((resolve) => {
    const check = (): void => (rec.closed() ? resolve() : void setTimeout(check, 10));
    check();
  });
  const lines = rec.text().split('\n');
  t.equal(lines.length, n + 2, 'every request answered (plus the trailing empty piece)');
  t.equal(lines[0], '{"return": {"slow": true}}');
  t.ok(lines.slice(1, n + 1).every((l, i) => l === `{"return": ${i}}`), 'replies in request order');
  t.ok(rec.writes() < n / 10, `replies of a burst share writes (${rec.writes()} writes for ${n + 1} replies)`);
  t.ok(rec.closed(), 'the session is closed once the host half-closed and every reply was written');
});
