import { inject, injectable, optional } from 'inversify';
import { QgaError, type PowerPort, type ShutdownMode, type SuspendMode } from '@qga/core';
import { win32 } from '../win32/win32-api.js';
import { win32ErrorMessage } from '../win32/win32-error.js';
import { acquirePrivilege } from '../win32/privilege.js';
import { shutdownCall, type ShutdownCall } from './shutdown-plan.js';
import { WINDOWS_TOKENS } from '../tokens.js';

/** The calls that really power off or suspend; tests replace them (Wine stubs them, CI must never run them). */
export interface PowerCalls {
  /** Start a shutdown or reboot (InitiateSystemShutdownExW); false when Windows refused. */
  initiateShutdown(call: ShutdownCall): boolean;
  /** Sleep or hibernate (SetSuspendState); false when Windows refused. */
  setSuspendState(hibernate: boolean): boolean;
}

const realCalls: PowerCalls = {
  initiateShutdown: (c) => win32().InitiateSystemShutdownExW(null, c.message, c.timeout, c.force ? 1 : 0, c.reboot ? 1 : 0, c.reason) !== 0,
  setSuspendState: (hibernate) => win32().SetSuspendState(hibernate ? 1 : 0, 1, 0) !== 0,
};

/** SYSTEM_POWER_CAPABILITIES: SystemS3 @5, SystemS4 @6 (qemu-ga looks at nothing else). */
export function suspendSupported(caps: Buffer, mode: 'disk' | 'ram'): boolean {
  return mode === 'disk' ? caps[6] !== 0 : caps[5] !== 0;
}

/** Shutdown and suspend with SeShutdownPrivilege. */
@injectable()
export class WindowsPower implements PowerPort {
  private readonly calls: PowerCalls;

  constructor(@inject(WINDOWS_TOKENS.PowerCalls) @optional() calls?: PowerCalls) {
    this.calls = calls ?? realCalls;
  }

  async shutdown(mode: ShutdownMode): Promise<void> {
    acquirePrivilege('SeShutdownPrivilege');
    if (!this.calls.initiateShutdown(shutdownCall(mode))) {
      throw new QgaError(`InitiateSystemShutdownEx failed: ${win32ErrorMessage(win32().GetLastError())}`);
    }
  }

  async suspend(mode: SuspendMode): Promise<void> {
    if (mode === 'hybrid') throw new QgaError('guest-suspend-hybrid is not available on Windows');
    const caps = Buffer.alloc(76);
    if (!win32().GetPwrCapabilities(caps) || !suspendSupported(caps, mode)) {
      throw new QgaError(mode === 'disk' ? 'suspend-to-disk not supported by OS' : 'suspend-to-ram not supported by OS');
    }
    acquirePrivilege('SeShutdownPrivilege');
    // qemu-ga calls SetSuspendState on a separate thread so the reply is not held up; a macrotask does that here.
    setTimeout(() => this.calls.setSuspendState(mode === 'disk'), 10);
  }
}
