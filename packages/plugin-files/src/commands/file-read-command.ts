import { intArg } from '@qga/core';
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
  data: string;
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
    try {
      const want = Math.max(0, Math.min(count, size - offset));
      const buffer = Buffer.allocUnsafe(want);
      let got = 0;
      while (got < want) {
        const { bytesRead } = await handle.read(buffer, got, want - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return { offset, count: got, data: buffer.toString('base64', 0, got), eof: offset + got >= size, size };
    } finally {
      await handle.close();
    }
  }
}
