/**
 * guest-file-write of `totalMiB` MiB in 1 MiB pieces (each sent as base64 in
 * one request, the next one sent when the reply arrived), from the first write
 * to the reply of guest-file-close. Returns MiB/s and the agent's peak VmRSS
 * sampled during the transfer. The file is checked (size, first MiB) after the
 * timed part and removed.
 */
import { closeSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { encodeRequest, ProtocolError, type RawClient } from '../lib/raw-client.js';
import { cpuClock, sampleRss } from '../lib/processes.js';
import type { Target } from '../lib/target.js';

export const MiB = 1024 * 1024;

export interface TransferResult {
  readonly mibPerSec: number;
  /** Peak VmRSS during the transfer, kB (NaN if not sampled). */
  readonly peakRssKb: number;
  /** CPU time the agent used for the transfer, ms (NaN if no pid). */
  readonly cpuMs: number;
}

export function writeRequest(handle: number, data: Buffer): Buffer {
  return encodeRequest('guest-file-write', { handle, 'buf-b64': data.toString('base64') });
}

export async function fileWrite(target: Target, client: RawClient, piece: Buffer, totalMiB: number): Promise<TransferResult> {
  const pieces = (totalMiB * MiB) / piece.length;
  const path = join(target.workDir, 'bench-write.bin');
  try {
    // The echo server has no files: handle 0, no open/close, fixed replies.
    const handle = target.echo ? 0 : ((await client.call(encodeRequest('guest-file-open', { path, mode: 'w' }))) as number);
    const request = writeRequest(handle, piece);
    const close = encodeRequest('guest-file-close', { handle });
    const rtt = new Float64Array(pieces);
    const rss = target.pid === null ? null : sampleRss(target.pid);
    const cpu = cpuClock(target.pid);
    const t0 = performance.now();
    await client.roundTrips(request, pieces, rtt, 0, 60000);
    if (!target.echo) await client.call(close);
    const ms = performance.now() - t0;
    const cpuMs = cpu.stop();
    const peakRssKb = rss ? rss.stop() : Number.NaN;
    if (!target.echo) checkWritten(path, piece, totalMiB);
    return { mibPerSec: totalMiB / (ms / 1000), peakRssKb, cpuMs };
  } finally {
    rmSync(path, { force: true });
  }
}

function checkWritten(path: string, piece: Buffer, totalMiB: number): void {
  const size = statSync(path).size;
  if (size !== totalMiB * MiB) throw new ProtocolError(`guest-file-write left ${size} bytes, expected ${totalMiB * MiB}`);
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(piece.length);
    readSync(fd, head, 0, head.length, size - piece.length);
    if (!head.equals(piece)) throw new ProtocolError('guest-file-write wrote different bytes');
  } finally {
    closeSync(fd);
  }
}
