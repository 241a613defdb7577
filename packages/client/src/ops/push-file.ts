import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { QgaProtocolError } from '../errors/qga-protocol-error.js';
import type { CommandRunner } from './command-runner.js';
import { resolveVerified, type VerifiedTransferOptions } from './transfer-progress.js';

export interface PushOptions extends VerifiedTransferOptions {
  /** Mode for the guest file (default: keep the replaced file's, else 0644). */
  readonly mode?: number;
  readonly uid?: number;
  readonly gid?: number;
}

/** What pushFile copied: size and SHA-256 of the file, and where a resumed push started. */
export interface PushResult {
  readonly size: number;
  readonly sha256: string;
  readonly resumedFrom: number;
}

/**
 * Uploads a local file through @qga/plugin-files: the guest writes a temp file
 * next to `remote`, the transfer id (from the paths, size and mtime) lets a
 * later run resume it, and the commit checks the SHA-256 of the whole file
 * before it atomically replaces `remote`.
 */
export async function pushFile(runner: CommandRunner, local: string, remote: string, options: PushOptions = {}): Promise<PushResult> {
  const { chunkSize, depth } = resolveVerified(options);
  const file = await fs.open(local, 'r');
  try {
    const st = await file.stat();
    if (!st.isFile()) throw new QgaProtocolError(`${local} is not a regular file`);
    const size = st.size;
    const transfer = createHash('sha256')
      .update(`${resolvePath(local)}\0${remote}\0${size}\0${st.mtimeMs}`)
      .digest('hex')
      .slice(0, 32);
    const opened = await runner.execute<{ handle: number; offset: number }>('__org.qga_file-upload-open', {
      path: remote,
      transfer,
      resume: options.resume ?? true,
    });
    const handle = Number(opened.handle);
    let offset = Number(opened.offset);
    if (offset > size) {
      await runner.execute('__org.qga_file-upload-abort', { handle });
      return await pushFile(runner, local, remote, { ...options, resume: false });
    }
    const resumedFrom = offset;
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(chunkSize);
    const hashUpTo = async (end: number): Promise<void> => {
      for (let at = 0; at < end;) {
        const { bytesRead } = await file.read(buffer, 0, Math.min(chunkSize, end - at), at);
        if (bytesRead === 0) throw new QgaProtocolError(`${local} shrank during the transfer`);
        hash.update(buffer.subarray(0, bytesRead));
        at += bytesRead;
      }
    };
    await hashUpTo(offset);
    const inflight: Array<Promise<unknown>> = [];
    while (offset < size) {
      const chunk = Buffer.allocUnsafe(Math.min(chunkSize, size - offset));
      let got = 0;
      while (got < chunk.length) {
        const { bytesRead } = await file.read(chunk, got, chunk.length - got, offset + got);
        if (bytesRead === 0) throw new QgaProtocolError(`${local} shrank during the transfer`);
        got += bytesRead;
      }
      hash.update(chunk);
      const at = offset;
      const p = runner
        .execute<{ count: number }>('__org.qga_file-upload-write', { handle, offset: at, data: chunk.toString('base64') })
        .then((r) => {
          if (Number(r.count) !== chunk.length) throw new QgaProtocolError(`file-upload-write: short write at ${at}`);
          options.onProgress?.({ done: at + chunk.length, total: size, resumedFrom });
        });
      p.catch(() => {});
      inflight.push(p);
      offset += chunk.length;
      if (inflight.length >= depth) await inflight.shift();
    }
    while (inflight.length > 0) await inflight.shift();
    const digest = hash.digest('hex');
    const committed = await runner.execute<{ size: number; sha256: string }>('__org.qga_file-upload-commit', {
      handle,
      sha256: digest,
      ...(options.mode !== undefined ? { mode: options.mode } : {}),
      ...(options.uid !== undefined ? { uid: options.uid } : {}),
      ...(options.gid !== undefined ? { gid: options.gid } : {}),
    });
    if (size === 0) options.onProgress?.({ done: 0, total: 0, resumedFrom });
    return { size: Number(committed.size), sha256: committed.sha256, resumedFrom };
  } finally {
    await file.close();
  }
}
