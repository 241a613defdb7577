/**
 * The Linux backend's service identifiers: optional tunables, each bound only
 * when the embedder passes that option (unbound means the real system).
 */
export const LINUX_TOKENS = {
  /** `LinuxInventoryOptions`: where the inventory ports read /proc, /sys, /run. */
  InventoryConfig: Symbol.for('qga.linux.InventoryConfig'),
  /** `Partial<FsFreezeOptions>` for LinuxFsFreeze and LinuxFsTrim. */
  FsFreezeOptions: Symbol.for('qga.linux.FsFreezeOptions'),
  /** `Partial<PowerOptions>` for LinuxPower. */
  PowerOptions: Symbol.for('qga.linux.PowerOptions'),
  /** `Partial<TimeOptions>` for LinuxTime. */
  TimeOptions: Symbol.for('qga.linux.TimeOptions'),
  /** `Partial<PasswordOptions>` for LinuxPassword. */
  PasswordOptions: Symbol.for('qga.linux.PasswordOptions'),
  /** `Partial<SshKeysOptions>` for LinuxSshKeys. */
  SshKeysOptions: Symbol.for('qga.linux.SshKeysOptions'),
} as const;
