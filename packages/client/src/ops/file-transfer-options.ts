/** Tuning for guest-file-* transfers. */
export interface FileTransferOptions {
  /** Bytes per guest-file-read/-write request (default 1 MiB; the agent caps reads at 48 MiB). */
  readonly chunkSize?: number;
  /** Requests kept in flight at once (default 2), which hides the round-trip time. */
  readonly pipelineDepth?: number;
  /** fopen mode for guest-file-open: default "r" for reads, "w" for writes. */
  readonly mode?: string;
}

/** Largest chunk: 48 MiB is the agent's read cap and keeps base64 under its 64 MiB token limit. */
export const MAX_CHUNK_SIZE = 48 * 1024 * 1024;
/** Bytes per guest-file-read or -write request when the caller does not choose. */
export const DEFAULT_CHUNK_SIZE = 1024 * 1024;
/** Requests a plain file transfer keeps in flight when the caller does not choose. */
export const DEFAULT_PIPELINE_DEPTH = 2;

export function resolveTransfer(options: FileTransferOptions): { chunkSize: number; depth: number } {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const depth = options.pipelineDepth ?? DEFAULT_PIPELINE_DEPTH;
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
    throw new RangeError(`chunkSize must be an integer in 1..${MAX_CHUNK_SIZE}`);
  }
  if (!Number.isInteger(depth) || depth < 1 || depth > 64) throw new RangeError('pipelineDepth must be an integer in 1..64');
  return { chunkSize, depth };
}
