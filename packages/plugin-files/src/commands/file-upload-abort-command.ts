import { inject, injectable } from 'inversify';
import type { Command } from '@qga/core';
import { FILES_TOKENS } from '../tokens.js';
import type { Uploads } from '../uploads.js';

/** `__org.qga_file-upload-abort`: gives an upload up and removes its temp file. */
@injectable()
export class FileUploadAbortCommand implements Command<{ handle: bigint }, Record<string, never>> {
  readonly spec = { name: '__org.qga_file-upload-abort', args: { handle: 'int' } } as const;

  constructor(@inject(FILES_TOKENS.Uploads) private readonly uploads: Uploads) {}

  async run(args: { handle: bigint }): Promise<Record<string, never>> {
    this.uploads.get(Number(args.handle));
    await this.uploads.drop(Number(args.handle), true);
    return {};
  }
}
