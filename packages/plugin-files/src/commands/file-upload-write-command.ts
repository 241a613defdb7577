import { inject, injectable } from 'inversify';
import { decodeBase64, QgaError, type Command, intArg, type RawBase64 } from '@qga/core';
import { FILES_TOKENS } from '../tokens.js';
import type { Uploads } from '../uploads.js';

interface WriteArgs {
  handle: bigint;
  offset: bigint;
  data: string | RawBase64;
}

/** `__org.qga_file-upload-write`: base64 `data` at `offset` of the upload's temp file. */
@injectable()
export class FileUploadWriteCommand implements Command<WriteArgs, { count: number; size: number }> {
  readonly spec = { name: '__org.qga_file-upload-write', args: { handle: 'int', offset: 'int', data: 'base64' } } as const;

  constructor(@inject(FILES_TOKENS.Uploads) private readonly uploads: Uploads) {}

  async run(args: WriteArgs): Promise<{ count: number; size: number }> {
    const upload = this.uploads.get(Number(args.handle));
    const bytes = decodeBase64(args.data);
    const max = this.uploads.options.maxChunkBytes;
    if (bytes.length > max) throw new QgaError(`upload chunk of ${bytes.length} bytes is larger than ${max}`);
    await upload.write(intArg('offset', args.offset, 0, Number.MAX_SAFE_INTEGER, 0), bytes);
    return { count: bytes.length, size: upload.size };
  }
}
