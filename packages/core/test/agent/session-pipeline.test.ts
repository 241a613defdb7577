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
import type { TransportSession } from '../../src/ports/transport-port.js';
import { Base64Bytes } from '../../src/protocol/base64-bytes.js';

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
  t.ok(
    out.every((v, i) => v === i),
    'results in input order',
  );
});

t.test('sequentially: a failing step errors the stream', async (t) => {
  await t.rejects(lastValueFrom(from([1, 2, 3]).pipe(sequentially((v) => (v === 2 ? Promise.reject(new Error('bad')) : v)))), /bad/);
  await t.rejects(
    lastValueFrom(
      from([1, 2]).pipe(
        sequentially((v) => {
          if (v === 2) throw new Error('sync bad');
          return v;
        }),
      ),
    ),
    /sync bad/,
  );
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
  t.ok(
    lines.slice(1, n + 1).every((l, i) => l === `{"return": ${i}}`),
    'replies in request order',
  );
  t.ok(rec.writes() < n / 10, `replies of a burst share writes (${rec.writes()} writes for ${n + 1} replies)`);
  t.ok(rec.closed(), 'the session is closed once the host half-closed and every reply was written');
});

/** A session whose host reads nothing until release() is called; records the bytes it got. */
function stalledSession(input$: Subject<Uint8Array>) {
  let released = false;
  let waiters: Array<() => void> = [];
  let bytes = 0;
  let text = '';
  const calls: string[] = [];
  const session: TransportSession = {
    id: 2,
    input$,
    write: (chunk) => {
      bytes += chunk.length;
      text += Buffer.from(chunk.buffer, chunk.byteOffset, Math.min(chunk.length, 64)).toString('latin1').split('\n')[0]!.slice(0, 40) + '|';
      if (released) return undefined;
      return new Promise<void>((r) => waiters.push(r));
    },
    close: () => calls.push('close'),
    pause: () => calls.push('pause'),
    resume: () => calls.push('resume'),
  };
  return {
    session,
    calls,
    bytes: () => bytes,
    text: () => text,
    release: () => {
      released = true;
      const w = waiters;
      waiters = [];
      for (const r of w) r();
    },
  };
}

const settle = (ms = 20): Promise<void> => new Promise((r) => setTimeout(r, ms));

t.test('flow control: no new request starts while 4 MiB of replies wait for a host that does not read', async (t) => {
  let runs = 0;
  const big: Command = { spec: { name: 'guest-big' }, run: () => (runs++, { data: new Base64Bytes(Buffer.alloc(4 * 1024 * 1024, runs)) }) };
  const input$ = new Subject<Uint8Array>();
  const host = stalledSession(input$);
  serveSession(host.session, dispatcherWith([big]), silentLogger);
  input$.next(Buffer.from('{"execute":"guest-big"}'.repeat(200)));
  await settle(50);
  t.ok(runs <= 2, `at most the reply in hand and one more were produced (${runs} of 200)`);
  t.ok(host.bytes() <= 2 * 1024 * 1024, `nothing more than a slice or two handed to the transport (${host.bytes()} bytes)`);
  host.release();
  while (runs < 200) await settle(5);
  await settle(50);
  t.equal(runs, 200, 'every request ran once the host read');
  const expected = 200 * (Math.ceil((4 * 1024 * 1024) / 3) * 4 + '{"return": {"data": ""}}\n'.length);
  t.equal(host.bytes(), expected, 'every reply arrived whole');
});

t.test('flow control: the transport is paused while requests pile up behind a slow one, resumed as they drain', async (t) => {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  const slow: Command = { spec: { name: 'guest-slow' }, run: () => gate.then(() => ({})) };
  const echo: Command = { spec: { name: 'guest-sync', args: { id: 'int' } }, run: (a: { id: bigint }) => a.id };
  const input$ = new Subject<Uint8Array>();
  const host = stalledSession(input$);
  host.release();
  serveSession(host.session, dispatcherWith([slow, echo]), silentLogger);
  input$.next(Buffer.from('{"execute":"guest-slow"}'));
  const pad = 'x'.repeat(64 * 1024);
  const one = Buffer.from(`{"execute":"guest-sync","arguments":{"id":1},"id":"${pad}"}`);
  for (let i = 0; i < 300 && !host.calls.includes('pause'); i++) input$.next(one);
  t.same(host.calls, ['pause'], 'paused once 8 MiB of requests wait');
  release();
  await settle(100);
  t.same(host.calls, ['pause', 'resume'], 'resumed once the queue drained');
});

t.test('big replies: a slice is read by the transport only when it says so, and never changed before; slices are reused', async (t) => {
  let runs = 0;
  const datas: Buffer[] = [];
  const big: Command = {
    spec: { name: 'guest-big' },
    run: () => {
      const data = Buffer.alloc(3 * 1024 * 1024 + 5);
      for (let i = 0; i < data.length; i += 997) data[i] = (i + runs * 7) & 0xff;
      datas.push(data);
      runs++;
      return { data: new Base64Bytes(data) };
    },
  };
  const input$ = new Subject<Uint8Array>();
  const got: Buffer[] = [];
  const stores = new Set<ArrayBufferLike>();
  const inFlight = { now: 0, max: 0 };
  const session: TransportSession = {
    id: 3,
    input$,
    // Like a socket under backpressure: the bytes are taken later, when the promise resolves.
    write: (bytes) => {
      stores.add(bytes.buffer);
      inFlight.max = Math.max(inFlight.max, ++inFlight.now);
      const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
      return new Promise<void>((resolve) =>
        setTimeout(() => {
          got.push(Buffer.from(view));
          inFlight.now--;
          resolve();
        }, 1),
      );
    },
    close: () => undefined,
  };
  serveSession(session, dispatcherWith([big]), silentLogger);
  input$.next(Buffer.from('{"execute":"guest-big"}'.repeat(6)));
  const expected = (): string => datas.map((d) => `{"return": {"data": "${d.toString('base64')}"}}\n`).join('');
  for (let i = 0; i < 500 && runs < 6; i++) await settle(10);
  while (Buffer.concat(got).length < expected().length) await settle(10);
  t.ok(Buffer.concat(got).toString('latin1') === expected(), 'every reply exact, though each slice was taken late');
  t.equal(inFlight.max, 1, 'one write in flight at a time');
  t.ok(stores.size < 12, `the slices' buffers are reused (${stores.size} buffers for ${got.length} writes)`);
});
