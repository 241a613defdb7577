import { inject, injectable, multiInject, optional } from 'inversify';
import { TOKENS, INTERNAL_TOKENS } from '../tokens.js';
import type { AgentConfig } from '../agent/agent-config.js';
import type { FreezeState } from '../services/freeze-state.js';
import type { Command } from './command.js';
import type { Logger } from '../ports/logger-port.js';
import { silentLogger } from '../agent/stream-logger.js';
import { PluginPolicyError } from '../agent/plugin-guard.js';
import { SCHEMA_COMMAND_ORDER } from '../schema/command-order.js';

const SCHEMA_RANK = new Map<string, number>(SCHEMA_COMMAND_ORDER.map((name, i) => [name, i]));

/** QAPI's downstream-extension form: `__` + reverse domain name + `_` + name, e.g. `__com.example_hello`. */
const DOWNSTREAM_NAME = /^__[A-Za-z][A-Za-z0-9-]*(\.[A-Za-z0-9-]+)+_[A-Za-z][A-Za-z0-9_-]*$/;

export interface CommandEntry {
  readonly command: Command;
  readonly name: string;
  readonly successResponse: boolean;
}

/**
 * Every registered command (built-in and plugin alike, collected from
 * TOKENS.Command) and whether it is enabled right now (docs/commands.md#command-filtering).
 *
 * While frozen only freeze-safe commands are enabled, and the allow list
 * does not apply (as in qemu-ga, so a host can always thaw). Deliberate
 * deviation: the block list still applies while frozen; qemu-ga re-enables
 * blocked freeze-safe commands then (docs/upstream-bugs.md#blocked-commands-return-while-frozen).
 */
@injectable()
export class CommandRegistry {
  private readonly byName = new Map<string, CommandEntry>();
  private readonly ordered: CommandEntry[] = [];
  private readonly allow: ReadonlySet<string>;
  private readonly block: ReadonlySet<string>;

  constructor(
    @multiInject(TOKENS.Command) commands: Command[],
    @inject(TOKENS.AgentConfig) config: AgentConfig,
    @inject(INTERNAL_TOKENS.FreezeState) private readonly freeze: FreezeState,
    @inject(INTERNAL_TOKENS.UnsupportedCommands) unsupported: ReadonlySet<string>,
    @multiInject(INTERNAL_TOKENS.PluginCommand) @optional() pluginCommands: Command[] = [],
    @inject(TOKENS.Logger) @optional() logger: Logger = silentLogger,
  ) {
    for (const command of commands) {
      const name = command.spec.name;
      if (unsupported.has(name)) continue;
      this.add(command, name);
    }
    for (const command of pluginCommands) {
      const name: unknown = command?.spec?.name;
      if (typeof name !== 'string' || name === '') throw new PluginPolicyError('a plugin command has no name (spec.name)');
      if (SCHEMA_RANK.has(name)) throw new PluginPolicyError(`plugin command ${name} reuses the name of a built-in command`);
      if (!DOWNSTREAM_NAME.test(name)) {
        logger.log(
          'warning',
          `plugin command ${name} is not named __RFQDN_name (e.g. __com.example_${name}): a future qemu-ga command may take its name`,
        );
      }
      this.add(command, name);
    }
    // Built-ins in schema order whatever their binding order; plugins after them, as bound.
    const rank = (name: string): number => SCHEMA_RANK.get(name) ?? SCHEMA_COMMAND_ORDER.length;
    this.ordered.sort((a, b) => rank(a.name) - rank(b.name));
    this.allow = new Set(config.allowRpcs);
    this.block = new Set(config.blockRpcs);
  }

  private add(command: Command, name: string): void {
    if (this.byName.has(name)) throw new Error(`command ${name} is registered twice`);
    const entry = { command, name, successResponse: command.spec.successResponse !== false };
    this.byName.set(name, entry);
    this.ordered.push(entry);
  }

  get(name: string): CommandEntry | undefined {
    return this.byName.get(name);
  }

  /** Registration order (schema order for built-ins, then plugins). */
  list(): readonly CommandEntry[] {
    return this.ordered;
  }

  isEnabled(entry: CommandEntry): boolean {
    if (this.block.has(entry.name)) return false;
    if (this.freeze.frozen) return entry.command.spec.allowedWhileFrozen === true;
    return this.allow.size === 0 || this.allow.has(entry.name);
  }
}
