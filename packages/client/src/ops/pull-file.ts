import { createHash } from 'node:crypto';
import { constants as fsConstants, promises as fs } from 'node:fs';
import { QgaProtocolError } from '../errors/qga-protocol-error.js';
import type { CommandRunner } from './command-runner.js';
import { resolveVerified, type VerifiedTransferOptions } from './transfer-progress.js';

interface ReadReply {
  offset: number;
  count: number;
  data: string;
  eof: boolean;
  size: number;
}

/** What pullFile copied: size and SHA-256 of the file, and where a resumed pull started. */
export interface PullResult {
  readonly size: number;
  readonly sha256: string;
  readonly resumedFrom: number;
}

/** Where an unfinished pull keeps its bytes (resumed from on the next run). */
export const partPathOf = (local: string): string => `${local}.qga-part`;

/**
 * Downloads a guest file through @qga/plugin-files: pipelined reads by
 * offset into `local`.qga-part (continuing one left by an interrupted run),
 * then the guest's SHA-256 of the whole file must equal ours, and the part
 * file is renamed to `local`.
 */
export async function pullFile(
  runner: CommandRunner,
  remote: string,
  local: string,
  options: VerifiedTransferOptions = {},
): Promise<PullResult> {
  const { chunkSize, depth } = resolveVerified(options);
  const stat = await runner.execute<{ type: string; size: number }>('__org.qga_file-stat', { path: remote });
  if (stat.type !== 'file') throw new QgaProtocolError(`${remote} is not a regular file in the guest (${stat.type})`);
  const size = Number(stat.size);
  const part = partPathOf(local);
  const hash = createHash('sha256');
  let offset = 0;
  if (options.resume ?? true) {
    const have = await fs.lstat(part).catch(() => undefined);
    if (have?.isFile() && have.size <= size) offset = have.size;
  }
  const file = await openPart(part);
  const resumedFrom = offset;
  try {
    if (offset > 0) {
      // The earlier bytes count in the digest too: read them back once.
      for await (const piece of file.createReadStream({ start: 0, end: offset - 1, autoClose: false })) hash.update(piece as Buffer);
    }
    await file.truncate(offset);
    let next = offset;
    const inflight: Array<Promise<ReadReply>> = [];
    const issue = (): void => {
      while (inflight.length < depth && next < size) {
        const p = runner.execute<ReadReply>('__org.qga_file-read', { path: remote, offset: next, count: Math.min(chunkSize, size - next) });
        p.catch(() => {});
        inflight.push(p);
        next += chunkSize;
      }
    };
    issue();
    while (inflight.length > 0) {
      const r = await (inflight.shift() as Promise<ReadReply>);
      const data = Buffer.from(r.data, 'base64');
      if (Number(r.offset) !== offset || data.length !== Number(r.count))
        throw new QgaProtocolError(`file-read: expected bytes at ${offset}, got ${r.count} at ${r.offset}`);
      if (data.length === 0 && offset < size) throw new QgaProtocolError(`${remote} shrank to ${r.size} bytes during the transfer`);
      await file.write(data, 0, data.length, offset);
      hash.update(data);
      offset += data.length;
      options.onProgress?.({ done: offset, total: size, resumedFrom });
      issue();
    }
    await file.sync();
  } finally {
    await file.close();
  }
  const digest = hash.digest('hex');
  const theirs = await runner.execute<{ sha256: string; size: number }>('__org.qga_file-checksum', { path: remote });
  if (theirs.sha256 !== digest || Number(theirs.size) !== offset) {
    await fs.unlink(part).catch(() => {});
    throw new QgaProtocolError(
      `verification failed for ${remote}: the guest has SHA-256 ${theirs.sha256} (${theirs.size} bytes), we received ${digest} (${offset} bytes); the partial file was removed`,
    );
  }
  await fs.rename(part, local);
  return { size: offset, sha256: digest, resumedFrom };
}

/**
 * Opens (or creates) the part file without following a symlink at its path:
 * the download directory may be shared, and a planted `x.qga-part -> target`
 * must not make the pull truncate or overwrite the target. Anything but a
 * regular file there is refused too (a FIFO would hang the pull).
 */
async function openPart(part: string): Promise<fs.FileHandle> {
  const { O_RDWR, O_CREAT, O_NOFOLLOW, O_NONBLOCK } = fsConstants;
  const file = await fs.open(part, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK, 0o666).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ELOOP') throw new QgaProtocolError(`${part} is a symbolic link: refusing to write through it (remove it to pull)`);
    throw e;
  });
  const st = await file.stat();
  if (!st.isFile()) {
    await file.close();
    throw new QgaProtocolError(`${part} is not a regular file: refusing to write into it (remove it to pull)`);
  }
  return file;
}
