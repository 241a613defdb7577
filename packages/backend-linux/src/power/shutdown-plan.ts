import type { ShutdownMode } from '@qga/core';

export const SHUTDOWN_MESSAGE = 'hypervisor initiated shutdown';

/** One way of shutting down, tried in order until one exits 0. */
export interface ShutdownStep {
  readonly argv: readonly [string, ...string[]];
  /** qemu-ga's program: its failure text is what the host sees when every step fails. */
  readonly primary: boolean;
  /** Skip (rather than fail) when the program does not exist. */
  readonly optional: boolean;
}

/**
 * The fallback chain for a mode. First exactly what qemu-ga does (docs/commands.md#guest-shutdown):
 * `<sbin>/poweroff|halt|reboot` when executable, else `<sbin>/shutdown -h
 * -P|-H|-r +0 "hypervisor initiated shutdown"`. Then the orderly alternatives
 * for guests where that is missing or broken: systemd, elogind, a `shutdown`
 * found in PATH. With `force`, `poweroff|halt|reboot -f` (sync + reboot(2),
 * no service shutdown) comes last; sysrq is handled by the caller.
 */
export function shutdownPlan(mode: ShutdownMode, sbinDir: string, sbinProgramExecutable: boolean, force: boolean): ShutdownStep[] {
  const prog = mode === 'powerdown' ? 'poweroff' : mode;
  const flag = mode === 'powerdown' ? '-P' : mode === 'halt' ? '-H' : '-r';
  const steps: ShutdownStep[] = [
    sbinProgramExecutable
      ? { argv: [`${sbinDir}/${prog}`], primary: true, optional: false }
      : { argv: [`${sbinDir}/shutdown`, '-h', flag, '+0', SHUTDOWN_MESSAGE], primary: true, optional: false },
    { argv: ['systemctl', prog], primary: false, optional: true },
  ];
  if (mode !== 'halt') steps.push({ argv: ['loginctl', prog], primary: false, optional: true });
  steps.push({ argv: ['shutdown', '-h', flag, '+0', SHUTDOWN_MESSAGE], primary: false, optional: true });
  if (force) steps.push({ argv: [prog, '-f'], primary: false, optional: true });
  return steps;
}

/** sysrq keys of the last resort: emergency sync, remount read-only, then power off / reboot. None for halt. */
export function sysrqKeys(mode: ShutdownMode): string[] | undefined {
  if (mode === 'halt') return undefined;
  return ['s', 'u', mode === 'reboot' ? 'b' : 'o'];
}
