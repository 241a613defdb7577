/**
 * Service identifiers. Symbol.for keeps them identical across copies of the
 * package (a plugin built against another copy of core still binds the same
 * token).
 */
export const TOKENS = {
  /** Multi-bound: every command, built-in or plugin. */
  Command: Symbol.for('qga.Command'),
  AgentConfig: Symbol.for('qga.AgentConfig'),
  Logger: Symbol.for('qga.Logger'),

  FilesPort: Symbol.for('qga.port.Files'),
  ExecPort: Symbol.for('qga.port.Exec'),
  FsFreezePort: Symbol.for('qga.port.FsFreeze'),
  FsTrimPort: Symbol.for('qga.port.FsTrim'),
  PowerPort: Symbol.for('qga.port.Power'),
  TimePort: Symbol.for('qga.port.Time'),
  UsersPort: Symbol.for('qga.port.Users'),
  SshKeysPort: Symbol.for('qga.port.SshKeys'),
  NetworkPort: Symbol.for('qga.port.Network'),
  StoragePort: Symbol.for('qga.port.Storage'),
  CpuPort: Symbol.for('qga.port.Cpu'),
  MemoryPort: Symbol.for('qga.port.Memory'),
  SystemInfoPort: Symbol.for('qga.port.SystemInfo'),
  DevicesPort: Symbol.for('qga.port.Devices'),
} as const;

/** Agent services shared by the dispatcher and commands (bound by createAgent). */
export const SERVICES = {
  FreezeState: Symbol.for('qga.FreezeState'),
  StateStore: Symbol.for('qga.StateStore'),
  CommandRegistry: Symbol.for('qga.CommandRegistry'),
  /** A function returning the CommandRegistry, for commands that must see it (guest-info). */
  CommandCatalog: Symbol.for('qga.CommandCatalog'),
  Dispatcher: Symbol.for('qga.Dispatcher'),
  /** ReadonlySet<string> of command names the backend cannot serve. */
  UnsupportedCommands: Symbol.for('qga.UnsupportedCommands'),
  /** Multi-bound: commands added by plugins (their TOKENS.Command bindings, rerouted by the plugin guard). */
  PluginCommand: Symbol.for('qga.PluginCommand'),
  /** Multi-bound Lifecycle services. */
  Lifecycle: Symbol.for('qga.Lifecycle'),
} as const;
