/**
 * The 44 commands in qemu-ga's schema order (docs/commands.md#command-list). Built-ins register
 * in this order, and guest-info lists them reversed, as qemu-ga does.
 */
export const SCHEMA_COMMAND_ORDER = [
  'guest-sync-delimited', 'guest-sync', 'guest-ping', 'guest-get-time', 'guest-set-time', 'guest-info',
  'guest-shutdown', 'guest-file-open', 'guest-file-close', 'guest-file-read', 'guest-file-write',
  'guest-file-seek', 'guest-file-flush', 'guest-fsfreeze-status', 'guest-fsfreeze-freeze',
  'guest-fsfreeze-freeze-list', 'guest-fsfreeze-thaw', 'guest-fstrim', 'guest-suspend-disk',
  'guest-suspend-ram', 'guest-suspend-hybrid', 'guest-network-get-interfaces', 'guest-get-vcpus',
  'guest-set-vcpus', 'guest-get-disks', 'guest-get-fsinfo', 'guest-set-user-password',
  'guest-get-memory-blocks', 'guest-set-memory-blocks', 'guest-get-memory-block-info',
  'guest-exec-status', 'guest-exec', 'guest-get-host-name', 'guest-get-users', 'guest-get-timezone',
  'guest-get-osinfo', 'guest-get-devices', 'guest-ssh-get-authorized-keys',
  'guest-ssh-add-authorized-keys', 'guest-ssh-remove-authorized-keys', 'guest-get-diskstats',
  'guest-get-cpustats', 'guest-get-load', 'guest-network-get-route',
] as const;

/** Commands that stay enabled while filesystems are frozen (docs/commands.md#command-filtering). */
export const FREEZE_SAFE_COMMANDS = [
  'guest-ping', 'guest-info', 'guest-sync', 'guest-sync-delimited', 'guest-fsfreeze-status', 'guest-fsfreeze-thaw',
] as const;
