import { inject, injectable } from 'inversify';
import { QgaError } from '@qga/core';
import { FILES_TOKENS } from './tokens.js';
import type { ResolvedFilesOptions } from './files-options.js';
import { tempPathFor } from './temp-path.js';
import { Upload } from './upload.js';

/** The uploads in progress, by handle. One handle per temp file at a time. */
@injectable()
export class Uploads {
  private readonly uploads = new Map<number, Upload>();
  private nextId = 1;

  constructor(@inject(FILES_TOKENS.Options) readonly options: ResolvedFilesOptions) {}

  async open(path: string, transfer: string, resume: boolean): Promise<Upload> {
    const tempPath = tempPathFor(path, transfer);
    // A host that lost its connection resumes on a new one: the old handle goes.
    for (const upload of this.uploads.values()) if (upload.tempPath === tempPath) await this.drop(upload.id, false);
    if (this.uploads.size >= this.options.maxUploads) throw new QgaError(`too many uploads in progress (${this.options.maxUploads})`);
    const upload = await Upload.open(this.nextId++, path, tempPath, resume);
    this.uploads.set(upload.id, upload);
    this.touch(upload);
    return upload;
  }

  get(id: number): Upload {
    const upload = this.uploads.get(id);
    if (upload === undefined) throw new QgaError(`no upload ${id} (never opened, finished, or idle too long: open it again to resume)`);
    this.touch(upload);
    return upload;
  }

  /** Forgets an upload; `remove` deletes its temp file, otherwise it stays for a resume. */
  async drop(id: number, remove: boolean): Promise<void> {
    const upload = this.uploads.get(id);
    if (upload === undefined) return;
    this.uploads.delete(id);
    await (remove ? upload.abort() : upload.suspend());
  }

  forget(id: number): void {
    this.uploads.delete(id);
  }

  private touch(upload: Upload): void {
    upload.touch(this.options.idleUploadMs, () => void this.drop(upload.id, false));
  }
}
