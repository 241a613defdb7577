import { constants as fsc } from 'node:fs';
import { access, appendFile, open, readFile, stat } from 'node:fs/promises';
import type { PowerPort, ShutdownMode, SuspendMode } from '@qga/core';
import { QgaError } from '@qga/core';
import { errorCode, strerror } from '@qga/core/internal';
import { inject, injectable, optional } from 'inversify';
import { describeFailure, runCommand, type CommandResult } from '../exec/run-command.js';
import { powerOptions, type PowerOptions } from './power-options.js';
import { shutdownPlan, sysrqKeys } from './shutdown-plan.js';
import { suspendNames } from './suspend-plan.js';
import { TIMED_OUT, withTimeout } from '../proc/with-timeout.js';
import { LINUX_TOKENS } from '../tokens.js';

/**
 * guest-shutdown and guest-suspend-* on Linux.
 *
 * Every helper runs with a timeout (its process group is killed after
 * `env.timeoutMs`), so a hung shutdown program can no longer hang the agent
 * (docs/upstream-bugs.md#a-hung-shutdown-or-helper-hangs-the-agent). The port returns as soon as one way of starting the action
 * succeeded.
 */
@injectable()
export class LinuxPower implements PowerPort {
  private readonly opts: PowerOptions;

  constructor(@inject(LINUX_TOKENS.PowerOptions) @optional() options?: Partial<PowerOptions>) {
    this.opts = powerOptions(options);
  }

  async shutdown(mode: ShutdownMode): Promise<void> {
    const prog = mode === 'powerdown' ? 'poweroff' : mode;
    const steps = shutdownPlan(mode, this.opts.sbinDir, await isExecutable(`${this.opts.sbinDir}/${prog}`), this.opts.forceFallback);
    let primaryFailure: string | undefined;
    for (const step of steps) {
      const r = await runCommand(step.argv, { env: this.opts.env });
      if (r.exitCode === 0 && !r.timedOut) return;
      if (step.primary) primaryFailure = describeFailure(r, 'shutdown', this.opts.env.timeoutMs);
      // Missing fallbacks are skipped silently; their absence is the normal case.
    }
    const keys = sysrqKeys(mode);
    if (this.opts.forceFallback && this.opts.sysrqTrigger !== undefined && keys !== undefined) {
      if (await this.sysrq(this.opts.sysrqTrigger, keys)) return;
    }
    throw new QgaError(primaryFailure ?? 'child process has failed to shutdown');
  }

  /** Last resort: emergency sync, remount read-only, then power off or reboot. The final write may never return. */
  private async sysrq(trigger: string, keys: readonly string[]): Promise<boolean> {
    try {
      for (const key of keys.slice(0, -1)) {
        await appendFile(trigger, key);
        await delay(this.opts.sysrqSettleMs);
      }
      // The final write may never return (the machine goes down): wait for it only so long.
      await withTimeout(appendFile(trigger, keys[keys.length - 1]!), this.opts.sysrqSettleMs);
      return true;
    } catch {
      return false;
    }
  }

  async suspend(mode: SuspendMode): Promise<void> {
    const names = suspendNames(mode);
    const env = this.opts.env;
    let supported = false;
    let failure: string | undefined;

    // 1. systemd: `systemctl status` exits 1-3 (LSB "not running" codes) when the unit exists.
    const sdProbe = await runCommand(['systemctl', 'status', `systemd-${names.systemd}`], { env });
    if (probeOk(sdProbe) && sdProbe.exitCode !== null && sdProbe.exitCode >= 1 && sdProbe.exitCode <= 3) {
      supported = true;
      const r = await runCommand(['systemctl', names.systemd], { env });
      failure = helperFailure(`systemctl ${names.systemd}`, r, env.timeoutMs);
      if (failure === undefined) return;
    }

    // 2. pm-utils.
    const pmProbe = await runCommand(['pm-is-supported', names.pmFlag], { env });
    if (probeOk(pmProbe) && pmProbe.exitCode === 0) {
      supported = true;
      const r = await runCommand([names.pmProgram], { env });
      failure = helperFailure(names.pmProgram, r, env.timeoutMs);
      if (failure === undefined) return;
    }

    // 3. sysfs (not for hybrid).
    if (names.sysfs !== undefined && (await this.sysfsSupports(names.sysfs))) {
      supported = true;
      failure = await this.sysfsSuspend(names.sysfs);
      if (failure === undefined) return;
    }

    if (!supported) throw new QgaError('the requested suspend mode is not supported by the guest');
    // Upstream forgets a failed strategy's error when a later one is merely unsupported and reports success; we report the last failure.
    throw new QgaError(failure ?? 'the requested suspend mode is not supported by the guest');
  }

  private async sysfsSupports(word: string): Promise<boolean> {
    try {
      const text = await readFile(this.opts.sysPowerState, 'utf8');
      return text.split(/\s+/).includes(word);
    } catch {
      return false;
    }
  }

  /** Write the state word. The write returns only after resume, so wait just long enough to catch an immediate refusal. */
  private async sysfsSuspend(word: string): Promise<string | undefined> {
    const path = this.opts.sysPowerState;
    const attempt = (async () => {
      const fh = await open(path, 'w');
      try {
        await fh.write(word);
      } finally {
        await fh.close();
      }
    })();
    const settled = await withTimeout(
      attempt.then(
        () => undefined,
        (e: unknown) => `suspend: cannot write to '${path}': ${strerror(errorCode(e) ?? 'EIO')}`,
      ),
      this.opts.sysfsSuspendGraceMs,
    );
    attempt.catch(() => {}); // a late failure (after resume) has nobody to report to
    return settled === TIMED_OUT ? undefined : settled;
  }
}

/** A probe counts only if the program ran to completion (not missing, not timed out). */
function probeOk(r: CommandResult): boolean {
  return r.execError === undefined && !r.timedOut;
}

function helperFailure(name: string, r: CommandResult, timeoutMs: number): string | undefined {
  if (r.execError === 'ENOENT') return `the helper program '${name}' was not found`;
  if (r.execError !== undefined) return `failed to create child process, error '${r.output.trim()}'`;
  if (r.timedOut) return `the helper program '${name}' did not finish within ${timeoutMs} ms`;
  if (r.exitCode === 0) return undefined;
  // Killed by a signal: upstream reads WEXITSTATUS of such a status, which is 0 — report the signal instead.
  const status = r.exitCode ?? `signal ${r.signal ?? '?'}`;
  return `the helper program '${name}' returned an unexpected exit status code (${status})`;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    if (!(await stat(path)).isFile()) return false;
    await access(path, fsc.X_OK);
    return true;
  } catch {
    return false;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
