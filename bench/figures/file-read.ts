/**
 * guest-file-read of a whole `totalMiB` MiB file with a given count: open,
 * read until a reply says eof, close; timed from the first read to the
 * close reply. Replies are skimmed, not parsed: `"count": N` is read from the
 * first bytes of each reply, `"eof": true` from its last bytes.
 */
import { readFileSync } from 'node:fs';
import { encodeRequest, ProtocolError, type RawClient } from '../lib/raw-client.js';
import { cpuClock, sampleRss } from '../lib/processes.js';
import type { Target } from '../lib/target.js';
import { MiB, type TransferResult } from './file-write.js';

const COUNT_RE = /"count": (\d+)/;

export async function fileRead(
  target: Target,
  client: RawClient,
  sourcePath: string,
  count: number,
  totalMiB: number,
): Promise<TransferResult> {
  const handle = target.echo ? 0 : ((await client.call(encodeRequest('guest-file-open', { path: sourcePath, mode: 'r' }))) as number);
  const read = encodeRequest('guest-file-read', { handle, count });
  const close = encodeRequest('guest-file-close', { handle });
  const rss = target.pid === null ? null : sampleRss(target.pid);
  const cpu = cpuClock(target.pid);
  let total = 0;
  const t0 = performance.now();
  for (;;) {
    const r = await client.requestSkim(read, 30000);
    const m = COUNT_RE.exec(r.head);
    if (!m) throw new ProtocolError(`unexpected guest-file-read reply: ${r.head.slice(0, 120)}`);
    total += Number(m[1]);
    // The echo server never says eof: stop at the size.
    if (target.echo ? total >= totalMiB * MiB : r.tail.endsWith('"eof": true}}')) break;
    if (total > totalMiB * MiB) throw new ProtocolError('guest-file-read returned more than the file');
  }
  if (!target.echo) await client.call(close);
  const ms = performance.now() - t0;
  const cpuMs = cpu.stop();
  const peakRssKb = rss ? rss.stop() : Number.NaN;
  if (total !== totalMiB * MiB) throw new ProtocolError(`guest-file-read returned ${total} bytes in all, expected ${totalMiB * MiB}`);
  return { mibPerSec: totalMiB / (ms / 1000), peakRssKb, cpuMs };
}

/** Untimed check that the agent's guest-file-read returns the file's bytes (first `count` bytes). */
export async function checkFileRead(target: Target, client: RawClient, sourcePath: string, count: number): Promise<void> {
  const handle = (await client.call(encodeRequest('guest-file-open', { path: sourcePath, mode: 'r' }))) as number;
  const r = (await client.call(encodeRequest('guest-file-read', { handle, count }))) as { count: number; 'buf-b64': string };
  await client.call(encodeRequest('guest-file-close', { handle }));
  const expected = readFileSync(sourcePath).subarray(0, count);
  if (r.count !== count || !Buffer.from(r['buf-b64'], 'base64').equals(expected)) {
    throw new ProtocolError(`${target.name}: guest-file-read returned different bytes`);
  }
}
