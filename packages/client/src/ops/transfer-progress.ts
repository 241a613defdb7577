/** Progress of a push or pull: bytes done (including any resumed part) of the total. */
export interface TransferProgress {
  readonly done: number;
  readonly total: number;
  /** Bytes that were already there from an earlier, interrupted run. */
  readonly resumedFrom: number;
}

/** Tuning shared by pushFile and pullFile. */
export interface VerifiedTransferOptions {
  /** Bytes per request (default 2 MiB; at most 32 MiB, the plugin's limit). */
  readonly chunkSize?: number;
  /** Requests in flight at once (default 4). */
  readonly pipelineDepth?: number;
  /** Continue an interrupted transfer (default true). */
  readonly resume?: boolean;
  /** Called after each chunk with the bytes done so far. */
  readonly onProgress?: (progress: TransferProgress) => void;
}

/** Default chunk of pushFile and pullFile, in bytes. */
export const VERIFIED_CHUNK_DEFAULT = 2 * 1024 * 1024;
/** Largest chunk pushFile and pullFile accept (the files plugin's own limit). */
export const VERIFIED_CHUNK_MAX = 32 * 1024 * 1024;
/** Default number of pushFile and pullFile requests in flight. */
export const VERIFIED_DEPTH_DEFAULT = 4;

export function resolveVerified(options: VerifiedTransferOptions): { chunkSize: number; depth: number } {
  const chunkSize = options.chunkSize ?? VERIFIED_CHUNK_DEFAULT;
  const depth = options.pipelineDepth ?? VERIFIED_DEPTH_DEFAULT;
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > VERIFIED_CHUNK_MAX)
    throw new RangeError(`chunkSize must be an integer in 1..${VERIFIED_CHUNK_MAX}`);
  if (!Number.isInteger(depth) || depth < 1 || depth > 64) throw new RangeError('pipelineDepth must be an integer in 1..64');
  return { chunkSize, depth };
}
