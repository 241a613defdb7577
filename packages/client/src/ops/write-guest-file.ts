import type { GuestFileWrite, WireInt } from '../types/guest-types.js';
import { QgaProtocolError } from '../errors/qga-protocol-error.js';
import { closeGuestFile } from './close-guest-file.js';
import type { CommandRunner } from './command-runner.js';
import { resolveTransfer, type FileTransferOptions } from './file-transfer-options.js';

/** Data accepted by writeGuestFile: bytes, text (UTF-8) or a stream of bytes. */
export type FileData = Uint8Array | string | AsyncIterable<Uint8Array | string>;

/**
 * Writes a guest file: guest-file-open (mode "w" by default), pipelined
 * guest-file-write of fixed-size chunks, guest-file-close (which flushes).
 * Returns the number of bytes written.
 */
export async function writeGuestFile(
  runner: CommandRunner,
  path: string,
  data: FileData,
  options: FileTransferOptions = {},
): Promise<number> {
  const { chunkSize, depth } = resolveTransfer(options);
  const handle = await runner.execute<WireInt>('guest-file-open', { path, mode: options.mode ?? 'w' });
  const inflight: Array<Promise<void>> = [];
  let total = 0;
  let failed = false;
  try {
    for await (const chunk of chunks(data, chunkSize)) {
      const p = runner
        .execute<GuestFileWrite>('guest-file-write', {
          handle,
          'buf-b64': Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).toString('base64'),
        })
        .then((r) => {
          if (r.count !== chunk.length) throw new QgaProtocolError(`guest-file-write: short write (${r.count} of ${chunk.length} bytes)`);
        });
      p.catch(() => {});
      inflight.push(p);
      total += chunk.length;
      if (inflight.length >= depth) await inflight.shift();
    }
    while (inflight.length > 0) await inflight.shift();
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    await closeGuestFile(runner, handle, inflight, failed);
  }
  return total;
}

/** Cuts any input into chunks of exactly `size` bytes (the last may be shorter). */
async function* chunks(data: FileData, size: number): AsyncGenerator<Uint8Array> {
  if (typeof data === 'string' || data instanceof Uint8Array) {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let off = 0; off < bytes.length; off += size) yield bytes.subarray(off, Math.min(off + size, bytes.length));
    return;
  }
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const piece of data) {
    const buf = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    pending.push(buf);
    pendingBytes += buf.length;
    if (pendingBytes < size) continue;
    let all = Buffer.concat(pending, pendingBytes);
    let off = 0;
    for (; off + size <= all.length; off += size) yield all.subarray(off, off + size);
    all = all.subarray(off);
    pending = all.length > 0 ? [all] : [];
    pendingBytes = all.length;
  }
  if (pendingBytes > 0) yield Buffer.concat(pending, pendingBytes);
}
