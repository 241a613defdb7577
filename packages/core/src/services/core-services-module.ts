import { ContainerModule } from 'inversify';
import type { AgentConfig } from '../agent/agent-config.js';
import type { Logger } from '../ports/logger-port.js';
import { INTERNAL_TOKENS, TOKENS } from '../tokens.js';
import { CoreServicesLifecycle } from './core-lifecycle.js';
import { ExecRecords } from './exec-records.js';
import { FileHandles } from './file-handles.js';
import { FileStateStore } from './file-state-store.js';
import { FreezeState } from './freeze-state.js';
import { FsFreezeController } from './fsfreeze-controller.js';
import { MemoryStateStore } from './memory-state-store.js';
import type { StateStore } from './state-store.js';

/**
 * The services the built-in commands share, all singletons per container.
 * Needs TOKENS.AgentConfig; uses TOKENS.Logger when bound. The StateStore is
 * file-backed when `AgentConfig.stateDir` is set, in memory otherwise.
 * INTERNAL_TOKENS.FreezeState is bound here unless the container already has it.
 * A INTERNAL_TOKENS.Lifecycle loads the state at start and thaws/cleans up at stop.
 */
export const coreServicesModule = new ContainerModule((options) => {
  if (!options.isBound(INTERNAL_TOKENS.FreezeState)) {
    options
      .bind<FreezeState>(INTERNAL_TOKENS.FreezeState)
      .toDynamicValue(() => new FreezeState())
      .inSingletonScope();
  }
  options
    .bind<StateStore>(INTERNAL_TOKENS.StateStore)
    .toDynamicValue((ctx) => {
      const config = ctx.get<AgentConfig>(TOKENS.AgentConfig);
      const logger = ctx.get<Logger>(TOKENS.Logger, { optional: true });
      return config.stateDir !== undefined && config.stateDir !== '' ? new FileStateStore(config.stateDir, logger) : new MemoryStateStore();
    })
    .inSingletonScope();
  options.bind(FileHandles).toSelf().inSingletonScope();
  options.bind(ExecRecords).toSelf().inSingletonScope();
  options.bind(FsFreezeController).toSelf().inSingletonScope();
  options.bind(CoreServicesLifecycle).toSelf().inSingletonScope();
  options.bind(INTERNAL_TOKENS.Lifecycle).toService(CoreServicesLifecycle);
});
