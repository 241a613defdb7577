/** Limits of the files plugin (createFilesPlugin's argument). */
export interface FilesPluginOptions {
  /** Largest `count` of one read and largest decoded `data` of one write (default 32 MiB: its base64 stays under the 64 MiB JSON token limit). */
  readonly maxChunkBytes?: number;
  /** Uploads open at once (default 16). */
  readonly maxUploads?: number;
  /** An upload nobody touches for this long is closed; its temp file stays for a resume (default 10 min). */
  readonly idleUploadMs?: number;
}

export type ResolvedFilesOptions = Required<FilesPluginOptions>;

export function resolveFilesOptions(options: FilesPluginOptions = {}): ResolvedFilesOptions {
  return {
    maxChunkBytes: options.maxChunkBytes ?? 32 * 1024 * 1024,
    maxUploads: options.maxUploads ?? 16,
    idleUploadMs: options.idleUploadMs ?? 600_000,
  };
}
