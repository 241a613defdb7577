import { ContainerModule, inject, injectable } from 'inversify';
import { QgaError, TOKENS, type Command, type SystemInfoPort } from '@qga/core';

interface HelloArgs {
  name?: string;
}

/**
 * A vendor command. Vendor names follow QAPI's downstream rule
 * `__<reverse.domain>_<name>`. It injects a backend port like any built-in.
 */
@injectable()
export class HelloCommand implements Command<HelloArgs, { greeting: string }> {
  readonly spec = { name: '__com.example_hello', args: { '*name': 'str' } } as const;

  constructor(@inject(TOKENS.SystemInfoPort) private readonly system: SystemInfoPort) {}

  async run(args: HelloArgs): Promise<{ greeting: string }> {
    if (args.name === '') throw new QgaError("Parameter 'name' must not be empty");
    const host = await this.system.hostName();
    return { greeting: `Hello, ${args.name ?? 'world'}, from ${host}!` };
  }
}

/** The plugin: a ContainerModule binding more commands to the token built-ins use. */
export const helloPlugin = new ContainerModule(({ bind }) => {
  bind<Command>(TOKENS.Command).to(HelloCommand);
});

/** What `qga --plugin …/hello-plugin.js` loads: a plugin module's default export. */
export default helloPlugin;
