import { Base64Bytes, intArg } from '@qga/core';
import { ioBuffers } from '@qga/core/internal';
import { inject, injectable } from 'inversify';
import type { Command } from '@qga/core';
import { FILES_TOKENS } from '../tokens.js';
import type { ResolvedFilesOptions } from '../files-options.js';
import { openRegularForRead } from '../open-regular.js';

interface ReadArgs {
  path: string;
  offset?: bigint;
  count?: bigint;
}

/** `__org.qga_file-read` reply: a base64 chunk read at `offset`, the file's size, and whether the end was reached. */
export interface FileReadReply {
  offset: number;
  count: number;
  /** The bytes, sent as a base64 JSON string. */
  data: Base64Bytes;
  eof: boolean;
  size: number;
}

/**
 * `__org.qga_file-read`: `count` bytes at `offset` of a regular file. No
 * handle to keep: any request, on any connection, can continue a download.
 */
@injectable()
export class FileReadCommand implements Command<ReadArgs, FileReadReply> {
  readonly spec = { name: '__org.qga_file-read', args: { path: 'str', '*offset': 'int', '*count': 'int' } } as const;

  constructor(@inject(FILES_TOKENS.Options) private readonly options: ResolvedFilesOptions) {}

  async run(args: ReadArgs): Promise<FileReadReply> {
    const offset = intArg('offset', args.offset, 0, Number.MAX_SAFE_INTEGER, 0);
    const count = intArg('count', args.count, 0, this.options.maxChunkBytes, Math.min(4 * 1024 * 1024, this.options.maxChunkBytes));
    const { handle, size } = await openRegularForRead(args.path);
    const want = Math.max(0, Math.min(count, size - offset));
    // A pooled buffer, handed back once the reply's text is made (as guest-file-read does).
    const buffer = ioBuffers.take(want);
    let got = 0;
    try {
      while (got < want) {
        const { bytesRead } = await handle.read(buffer, got, want - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
    } catch (e) {
      ioBuffers.give(buffer);
      throw e;
    } finally {
      await handle.close();
    }
    const data = new Base64Bytes(buffer.subarray(0, got), () => ioBuffers.give(buffer));
    return { offset, count: got, data, eof: offset + got >= size, size };
  }
}
