import type { GuestFileRead, WireInt } from '../types/guest-types.js';
import { QgaProtocolError } from '../errors/qga-protocol-error.js';
import { closeGuestFile } from './close-guest-file.js';
import type { CommandRunner } from './command-runner.js';
import { resolveTransfer, type FileTransferOptions } from './file-transfer-options.js';

/**
 * Streams a guest file: guest-file-open, pipelined guest-file-read, guest-file-close.
 * Reads past the end simply return 0 bytes, so keeping several in flight is safe.
 */
export async function* readGuestFile(runner: CommandRunner, path: string, options: FileTransferOptions = {}): AsyncGenerator<Buffer> {
  const { chunkSize, depth } = resolveTransfer(options);
  const handle = await runner.execute<WireInt>('guest-file-open', { path, mode: options.mode ?? 'r' });
  const inflight: Array<Promise<GuestFileRead>> = [];
  let failed = false;
  try {
    let eof = false;
    for (;;) {
      while (!eof && inflight.length < depth) {
        const p = runner.execute<GuestFileRead>('guest-file-read', { handle, count: chunkSize });
        p.catch(() => {}); // awaited below; this keeps an early failure from being "unhandled"
        inflight.push(p);
      }
      const next = inflight.shift();
      if (next === undefined) break;
      const r = await next;
      const data = Buffer.from(r['buf-b64'], 'base64');
      if (data.length !== r.count) throw new QgaProtocolError(`guest-file-read: count ${r.count} but ${data.length} bytes of data`);
      if (r.eof || r.count === 0) eof = true;
      if (data.length > 0) yield data;
    }
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    await closeGuestFile(runner, handle, inflight, failed);
  }
}

/** Reads a whole guest file into memory. */
export async function readGuestFileToBuffer(runner: CommandRunner, path: string, options: FileTransferOptions = {}): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of readGuestFile(runner, path, options)) parts.push(chunk);
  return Buffer.concat(parts);
}
