/**
 * Service identifiers. Symbol.for keeps them identical across copies of the
 * package (a plugin built against another copy of core still binds the same
 * token).
 */
export const TOKENS = {
  /** Multi-bound: every command, built-in or plugin. */
  Command: Symbol.for('qga.core.Command'),
  AgentConfig: Symbol.for('qga.core.AgentConfig'),
  Logger: Symbol.for('qga.core.Logger'),

  FilesPort: Symbol.for('qga.core.FilesPort'),
  ExecPort: Symbol.for('qga.core.ExecPort'),
  FsFreezePort: Symbol.for('qga.core.FsFreezePort'),
  FsTrimPort: Symbol.for('qga.core.FsTrimPort'),
  PowerPort: Symbol.for('qga.core.PowerPort'),
  TimePort: Symbol.for('qga.core.TimePort'),
  UsersPort: Symbol.for('qga.core.UsersPort'),
  SshKeysPort: Symbol.for('qga.core.SshKeysPort'),
  NetworkPort: Symbol.for('qga.core.NetworkPort'),
  StoragePort: Symbol.for('qga.core.StoragePort'),
  CpuPort: Symbol.for('qga.core.CpuPort'),
  MemoryPort: Symbol.for('qga.core.MemoryPort'),
  SystemInfoPort: Symbol.for('qga.core.SystemInfoPort'),
  DevicesPort: Symbol.for('qga.core.DevicesPort'),
} as const;

/** Agent services shared by the dispatcher and commands (bound by createAgent). */
export const INTERNAL_TOKENS = {
  FreezeState: Symbol.for('qga.core.FreezeState'),
  StateStore: Symbol.for('qga.core.StateStore'),
  CommandRegistry: Symbol.for('qga.core.CommandRegistry'),
  /** A function returning the CommandRegistry, for commands that must see it (guest-info). */
  CommandCatalog: Symbol.for('qga.core.CommandCatalog'),
  Dispatcher: Symbol.for('qga.core.Dispatcher'),
  /** ReadonlySet<string> of command names the backend cannot serve. */
  UnsupportedCommands: Symbol.for('qga.core.UnsupportedCommands'),
  /** Multi-bound: commands added by plugins (their TOKENS.Command bindings, rerouted by the plugin guard). */
  PluginCommand: Symbol.for('qga.core.PluginCommand'),
  /** Multi-bound Lifecycle services. */
  Lifecycle: Symbol.for('qga.core.Lifecycle'),
} as const;
