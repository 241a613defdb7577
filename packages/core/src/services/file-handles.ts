import { inject, injectable } from 'inversify';
import { QgaError } from '../protocol/qga-error.js';
import { INTERNAL_TOKENS } from '../tokens.js';
import type { StateStore } from './state-store.js';
import type { StdioFile } from './stdio-file.js';

/**
 * Open guest files by handle. Handles come from the persistent counter and
 * are global to the agent, not tied to a connection (docs/commands.md#file-handles).
 */
@injectable()
export class FileHandles {
  private readonly files = new Map<bigint, StdioFile>();

  constructor(@inject(INTERNAL_TOKENS.StateStore) private readonly store: StateStore) {}

  get size(): number {
    return this.files.size;
  }

  /** Register an open file; closes it again when no handle can be allocated. */
  async add(file: StdioFile): Promise<bigint> {
    let handle: bigint;
    try {
      handle = await this.store.nextHandle();
    } catch (e) {
      await file.close().catch(() => undefined);
      throw e;
    }
    this.files.set(handle, file);
    return handle;
  }

  get(handle: bigint): StdioFile {
    const file = this.files.get(handle);
    if (file === undefined) throw new QgaError(`handle '${handle}' has not been found`);
    return file;
  }

  /**
   * Close and forget a handle. qemu-ga keeps a handle whose fclose() failed,
   * although its FILE is gone; we drop it so it cannot be used again.
   */
  async close(handle: bigint): Promise<void> {
    const file = this.get(handle);
    this.files.delete(handle);
    await file.close();
  }

  /** Close everything (agent shutdown); errors are ignored. */
  async closeAll(): Promise<void> {
    const files = [...this.files.values()];
    this.files.clear();
    await Promise.all(files.map((f) => f.close().catch(() => undefined)));
  }
}
