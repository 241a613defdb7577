import type { ContainerModule } from 'inversify';

/**
 * An OS backend: a ContainerModule that binds the port tokens (TOKENS.*Port)
 * it implements. A built-in command is offered only when every port it
 * needs is bound and its name is not listed in `unsupportedCommands`
 * (commands a platform cannot support are absent, as in qemu-ga 9.1+).
 */
export interface Backend {
  readonly name: string;
  readonly module: ContainerModule;
  readonly unsupportedCommands?: readonly string[];
}
