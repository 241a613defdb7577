import type { Target } from './agents.js';
import { hasQemu } from './expect.js';

/**
 * qemu-ga's commands in schema order with the upstream version that added
 * them (docs/commands.md#command-list). Facts for the test oracle only.
 */
export const SCHEMA_COMMANDS: readonly { readonly name: string; readonly since: string; readonly successResponse: boolean }[] = [
  ['guest-sync-delimited', '1.1'],
  ['guest-sync', '0.15'],
  ['guest-ping', '0.15'],
  ['guest-get-time', '1.5'],
  ['guest-set-time', '1.5'],
  ['guest-info', '0.15'],
  ['guest-shutdown', '0.15', false],
  ['guest-file-open', '0.15'],
  ['guest-file-close', '0.15'],
  ['guest-file-read', '0.15'],
  ['guest-file-write', '0.15'],
  ['guest-file-seek', '0.15'],
  ['guest-file-flush', '0.15'],
  ['guest-fsfreeze-status', '0.15'],
  ['guest-fsfreeze-freeze', '0.15'],
  ['guest-fsfreeze-freeze-list', '2.2'],
  ['guest-fsfreeze-thaw', '0.15'],
  ['guest-fstrim', '1.2'],
  ['guest-suspend-disk', '1.1', false],
  ['guest-suspend-ram', '1.1', false],
  ['guest-suspend-hybrid', '1.1', false],
  ['guest-network-get-interfaces', '1.1'],
  ['guest-get-vcpus', '1.5'],
  ['guest-set-vcpus', '1.5'],
  ['guest-get-disks', '5.2'],
  ['guest-get-fsinfo', '2.2'],
  ['guest-set-user-password', '2.3'],
  ['guest-get-memory-blocks', '2.3'],
  ['guest-set-memory-blocks', '2.3'],
  ['guest-get-memory-block-info', '2.3'],
  ['guest-exec-status', '2.5'],
  ['guest-exec', '2.5'],
  ['guest-get-host-name', '2.10'],
  ['guest-get-users', '2.10'],
  ['guest-get-timezone', '2.10'],
  ['guest-get-osinfo', '2.10'],
  ['guest-get-devices', '5.2'],
  ['guest-ssh-get-authorized-keys', '5.2'],
  ['guest-ssh-add-authorized-keys', '5.2'],
  ['guest-ssh-remove-authorized-keys', '5.2'],
  ['guest-get-diskstats', '7.1'],
  ['guest-get-cpustats', '7.1'],
  ['guest-get-load', '10.0'],
  ['guest-network-get-route', '9.1'],
].map(([name, since, sr]) => ({ name: name as string, since: since as string, successResponse: sr !== false }));

/** Commands that stay enabled while frozen (docs/commands.md#command-filtering). */
export const FREEZE_SAFE = [
  'guest-ping',
  'guest-info',
  'guest-sync',
  'guest-sync-delimited',
  'guest-fsfreeze-status',
  'guest-fsfreeze-thaw',
];

export interface ExpectedCommand {
  readonly name: string;
  readonly enabled: boolean;
  readonly successResponse: boolean;
}

/**
 * What guest-info's supported_commands must be on Linux for `target`, in
 * reverse schema order. Before 9.1, guest-get-devices (Windows-only) was
 * registered on Linux too and shown disabled; since 9.1 it is compiled out.
 */
export function expectedLinuxCommands(target: Target): ExpectedCommand[] {
  const out: ExpectedCommand[] = [];
  for (const c of SCHEMA_COMMANDS) {
    if (!hasQemu(target, c.since)) continue;
    if (c.name === 'guest-get-devices') {
      if (hasQemu(target, '9.1')) continue;
      out.push({ name: c.name, enabled: false, successResponse: true });
      continue;
    }
    out.push({ name: c.name, enabled: true, successResponse: c.successResponse });
  }
  return out.reverse();
}
