import { inject, injectable } from 'inversify';
import type { Lifecycle } from '../agent/lifecycle.js';
import { INTERNAL_TOKENS } from '../tokens.js';
import { ExecRecords } from './exec-records.js';
import { FileHandles } from './file-handles.js';
import { FsFreezeController } from './fsfreeze-controller.js';
import type { StateStore } from './state-store.js';

/**
 * Start: load persistent state, then restore the frozen state a previous
 * instance died in. Stop: thaw if still frozen (qemu-ga's cleanup), close
 * open guest files, forget exec records (their processes keep running, as
 * with qemu-ga).
 */
@injectable()
export class CoreServicesLifecycle implements Lifecycle {
  constructor(
    @inject(INTERNAL_TOKENS.StateStore) private readonly store: StateStore,
    @inject(FsFreezeController) private readonly freeze: FsFreezeController,
    @inject(FileHandles) private readonly files: FileHandles,
    @inject(ExecRecords) private readonly exec: ExecRecords,
  ) {}

  async start(): Promise<void> {
    await this.store.load();
    this.freeze.init();
  }

  async stop(): Promise<void> {
    await this.freeze.thawIfFrozen();
    this.freeze.dispose();
    await this.files.closeAll();
    this.exec.dispose();
  }
}
