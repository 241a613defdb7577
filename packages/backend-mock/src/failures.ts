import { toError, type InjectedFailure } from './injected-failure.js';

/** Every port method a test can make fail once with `guest.failNext(method, error)`. */
export type MockPortMethod =
  | 'files.open'
  | 'file.read'
  | 'file.write'
  | 'file.seek'
  | 'file.flush'
  | 'file.close'
  | 'exec.spawn'
  | 'fsfreeze.freeze'
  | 'fsfreeze.thaw'
  | 'fstrim.trim'
  | 'power.shutdown'
  | 'power.suspend'
  | 'time.setTime'
  | 'users.loggedIn'
  | 'users.setPassword'
  | 'sshKeys.keysFile'
  | 'sshKeys.read'
  | 'sshKeys.write'
  | 'network.interfaces'
  | 'network.routes'
  | 'storage.disks'
  | 'storage.filesystems'
  | 'storage.diskStats'
  | 'cpu.vcpus'
  | 'cpu.setOnline'
  | 'cpu.stats'
  | 'memory.blocks'
  | 'memory.setBlock'
  | 'memory.blockInfo'
  | 'systemInfo.osInfo'
  | 'systemInfo.hostName'
  | 'systemInfo.timezone'
  | 'systemInfo.load'
  | 'devices.devices';

/** One-shot failures queued per port method. */
export class FailureQueue {
  private readonly queued = new Map<MockPortMethod, Error[]>();

  add(method: MockPortMethod, failure: InjectedFailure): void {
    const list = this.queued.get(method) ?? [];
    list.push(toError(failure));
    this.queued.set(method, list);
  }

  /** Throws the next failure queued for `method`, if any. */
  check(method: MockPortMethod): void {
    const list = this.queued.get(method);
    const next = list?.shift();
    if (list !== undefined && list.length === 0) this.queued.delete(method);
    if (next !== undefined) throw next;
  }

  /** Methods that still have failures queued (a test can assert none were left unused). */
  pending(): MockPortMethod[] {
    return [...this.queued.keys()];
  }
}
