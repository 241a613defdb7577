import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { QgaClientError, type JsonObject, type QgaClient } from '@qga/client';
import { createExecPlugin, type ExecReadReply as ReadReply } from '../src/index.js';
import { servePlugin } from './helpers/serve-plugin.js';

const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64');
const text = (s: string): string => Buffer.from(s, 'base64').toString('utf8');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return false;
  }
}

async function until(check: () => boolean, ms = 10_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

const start = (c: QgaClient, args: JsonObject) => c.execute<{ id: number; pid: number }>('__org.qga_exec-start', args);
const read = (c: QgaClient, args: JsonObject) => c.execute<ReadReply>('__org.qga_exec-read', args);

/** Reads both streams to the end, as a host would; returns all output and the last reply. */
async function drain(c: QgaClient, id: number): Promise<{ out: Buffer; err: Buffer; last: ReadReply; reads: number }> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let outAt = 0;
  let errAt = 0;
  for (let reads = 1; ; reads++) {
    const r = await read(c, { id, 'out-offset': outAt, 'err-offset': errAt, 'wait-ms': 1000 });
    const o = Buffer.from(r['out-data'], 'base64');
    const e = Buffer.from(r['err-data'], 'base64');
    out.push(o);
    err.push(e);
    outAt += o.length;
    errAt += e.length;
    if (r.exited && r['out-eof'] && r['err-eof']) return { out: Buffer.concat(out), err: Buffer.concat(err), last: r, reads };
  }
}

t.test('pipes: output by offset, stdin, exit status', async (t) => {
  const { client } = await servePlugin(t, createExecPlugin());
  const { id } = await start(client, { path: '/bin/sh', arg: ['-c', 'echo first; read x; echo "got $x"; echo oops >&2; exit 3'] });
  const first = await read(client, { id, 'wait-ms': 5000 });
  t.equal(text(first['out-data']), 'first\n', 'a long poll returns as soon as output comes');
  t.equal(first.exited, false);
  const again = await read(client, { id, 'out-offset': 0 });
  t.equal(text(again['out-data']), 'first\n', 'unacknowledged bytes can be read again (a lost reply costs nothing)');
  t.same(await client.execute('__org.qga_exec-write', { id, data: b64('abc\n'), close: true }), { count: 4 });
  const rest = await drain(client, id);
  t.equal(rest.out.toString(), 'first\ngot abc\n');
  t.equal(rest.err.toString(), 'oops\n');
  t.equal(rest.last.exitcode, 3);
  const acknowledged = await read(client, { id, 'out-offset': rest.out.length });
  t.equal(acknowledged['out-data'], '', 'nothing after the end');
  const released = await read(client, { id, 'out-offset': 0 }).catch((e: unknown) => e);
  t.ok(released instanceof QgaClientError && /already read and released/.test(released.desc), 'acknowledged bytes are freed');
  await client.execute('__org.qga_exec-release', { id });
  const gone = await read(client, { id }).catch((e: unknown) => e);
  t.match((gone as QgaClientError).desc, /no exec record/);
});

t.test('a big output is read whole, with bounded buffering while nobody reads', async (t) => {
  const highWater = 1024 * 1024;
  const { client, dir } = await servePlugin(t, createExecPlugin({ highWaterBytes: highWater }));
  const total = 20 * 1024 * 1024;
  const marker = join(dir, 'finished');
  const { id, pid } = await start(client, { path: '/bin/sh', arg: ['-c', `head -c ${total} /dev/zero | tr '\\0' 'x'; touch ${marker}`] });
  await new Promise((r) => setTimeout(r, 700));
  t.ok(alive(pid), 'the program is held (blocked on its write) while nobody reads');
  let finishedEarly = true;
  try {
    readFileSync(marker);
  } catch {
    finishedEarly = false;
  }
  t.notOk(finishedEarly, 'it could not write everything into an unbounded buffer');
  const { out, last, reads } = await drain(client, id);
  t.equal(out.length, total, 'every byte arrived: nothing dropped');
  t.ok(out.every((b) => b === 0x78));
  t.equal(last.exitcode, 0);
  t.ok(reads > 1, `read in several pieces (${reads} reads)`);
});

t.test('signals, timeout and expiry reach the whole process group', async (t) => {
  const { client, dir } = await servePlugin(t, createExecPlugin());
  const childPid = async (id: number): Promise<number> => {
    let outAt = 0;
    let buf = '';
    while (!buf.includes('\n')) {
      const r = await read(client, { id, 'out-offset': outAt, 'wait-ms': 2000 });
      buf += text(r['out-data']);
      outAt += Buffer.from(r['out-data'], 'base64').length;
    }
    return Number(buf.trim());
  };

  const sig = await start(client, { path: '/bin/sh', arg: ['-c', 'sleep 60 & echo $!; wait'] });
  const sigChild = await childPid(sig.id);
  // (Not SIGINT: a non-interactive shell starts background jobs with SIGINT ignored.)
  t.same(await client.execute('__org.qga_exec-signal', { id: sig.id, signal: 'TERM' }), { delivered: true });
  const sigEnd = await drain(client, sig.id);
  t.equal(sigEnd.last.signal, 15, 'the program died of SIGTERM');
  t.ok(await until(() => !alive(sigChild)), 'its background child got the signal too');

  const timed = await start(client, { path: '/bin/sh', arg: ['-c', 'sleep 60 & echo $!; wait'], 'timeout-ms': 300 });
  const timedChild = await childPid(timed.id);
  const timedEnd = await drain(client, timed.id);
  t.equal(timedEnd.last.signal, 9);
  t.equal(timedEnd.last['timed-out'], true);
  t.ok(await until(() => !alive(timedChild)), 'the timeout killed the whole group');

  const idle = await start(client, { path: '/bin/sleep', arg: ['60'], 'expire-ms': 300 });
  t.ok(alive(idle.pid));
  t.ok(await until(() => !alive(idle.pid)), 'nobody polled: the record expired and its program was killed');
  const expired = await read(client, { id: idle.id }).catch((e: unknown) => e);
  t.match((expired as QgaClientError).desc, /no exec record/);
  t.ok(dir);
});

t.test('a background child holding the pipes does not keep the record open', async (t) => {
  const { client } = await servePlugin(t, createExecPlugin({ pipeGraceMs: 300 }));
  const { id } = await start(client, { path: '/bin/sh', arg: ['-c', 'sleep 30 & echo $!'] });
  const started = Date.now();
  const { out, last } = await drain(client, id);
  const sleeper = Number(out.toString().trim());
  t.teardown(() => {
    try {
      process.kill(sleeper, 'SIGKILL');
    } catch {
      // already gone
    }
  });
  t.equal(last.exitcode, 0, 'the program exited and its output is complete');
  t.ok(Date.now() - started < 20_000, 'long before the background child ends');
  t.ok(alive(sleeper), 'the background child itself is left alone');
});

t.test('a PTY: size, resize, raw bytes both ways', async (t) => {
  const { client } = await servePlugin(t, createExecPlugin());
  const { id } = await start(client, {
    path: '/bin/sh',
    arg: ['-c', 'stty size; read x; stty size; printf "\\001\\377"'],
    pty: true,
    rows: 33,
    cols: 101,
  });
  let screen = Buffer.alloc(0);
  let at = 0;
  const more = async (): Promise<ReadReply> => {
    const r = await read(client, { id, 'out-offset': at, 'wait-ms': 1000 });
    const b = Buffer.from(r['out-data'], 'base64');
    screen = Buffer.concat([screen, b]);
    at += b.length;
    return r;
  };
  while (!screen.includes('33 101')) await more();
  t.pass('the program sees the terminal size it was started with');
  await client.execute('__org.qga_exec-resize', { id, rows: 50, cols: 160 });
  await client.execute('__org.qga_exec-write', { id, data: b64('\r') });
  let r = await more();
  while (!(r.exited && r['out-eof'])) r = await more();
  t.ok(screen.includes('50 160'), 'and the new size after a resize');
  t.ok(screen.includes(Buffer.from([1, 0xff])), 'bytes that are not UTF-8 arrive as they are');
  t.equal(r.exitcode, 0);
  const noPty = await start(client, { path: '/bin/cat' }); // waits on its stdin: still running when asked
  const bad = await client.execute('__org.qga_exec-resize', { id: noPty.id, rows: 1, cols: 1 }).catch((e: unknown) => e);
  t.match((bad as QgaClientError).desc, /no terminal to resize/);
  await client.execute('__org.qga_exec-release', { id: noPty.id });
});

t.test('bad requests get clear errors', async (t) => {
  const { client } = await servePlugin(t, createExecPlugin());
  const missing = await start(client, { path: '/nonexistent/prog' }).catch((e: unknown) => e);
  t.ok(missing instanceof QgaClientError, 'an unknown program is an error reply');
  const noPath = await start(client, {}).catch((e: unknown) => e);
  t.match((noPath as QgaClientError).desc, /'path' is missing/);
  const { id } = await start(client, { path: '/bin/cat' });
  const ahead = await read(client, { id, 'out-offset': 5 }).catch((e: unknown) => e);
  t.match((ahead as QgaClientError).desc, /beyond the 0 bytes produced/);
  const sig = await client.execute('__org.qga_exec-signal', { id, signal: 'SIGNOPE' }).catch((e: unknown) => e);
  t.match((sig as QgaClientError).desc, /unknown signal 'SIGNOPE'/);
  const wait = await read(client, { id, 'wait-ms': 999_999 }).catch((e: unknown) => e);
  t.match((wait as QgaClientError).desc, /'wait-ms' expects a value in 0\.\.60000/);
  await client.execute('__org.qga_exec-release', { id });
});
