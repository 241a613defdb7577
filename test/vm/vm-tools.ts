import { execFileSync } from 'node:child_process';

/** The host programs a VM test needs (QEMU, and apt/dpkg/xz to fetch and unpack the guest kernel) that are missing here. */
export function missingVmTools(): string[] {
  return ['qemu-system-x86_64', 'apt-get', 'dpkg-deb', 'xz'].filter((c) => {
    try {
      execFileSync('sh', ['-c', `command -v ${c}`]);
      return false;
    } catch {
      return true;
    }
  });
}
