import { inject, injectable } from 'inversify';
import type { Command } from '@qga/core';
import { FILES_TOKENS } from '../tokens.js';
import type { Uploads } from '../uploads.js';

interface OpenArgs {
  path: string;
  transfer: string;
  resume?: boolean;
}

/**
 * `__org.qga_file-upload-open`: starts (or, with the same `transfer` id,
 * resumes) an upload to `path`; `offset` says how many bytes are already there.
 */
@injectable()
export class FileUploadOpenCommand implements Command<OpenArgs, { handle: number; offset: number }> {
  readonly spec = { name: '__org.qga_file-upload-open', args: { path: 'str', transfer: 'str', '*resume': 'bool' } } as const;

  constructor(@inject(FILES_TOKENS.Uploads) private readonly uploads: Uploads) {}

  async run(args: OpenArgs): Promise<{ handle: number; offset: number }> {
    const upload = await this.uploads.open(args.path, args.transfer, args.resume ?? true);
    return { handle: upload.id, offset: upload.size };
  }
}
