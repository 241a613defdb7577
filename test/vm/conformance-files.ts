/** The case files of test/conformance/ that run against the guest's standing agents (no options of their own). */
export const STANDING_AGENT_FILES = ['protocol-errors.test.js', 'framing.test.js', 'shared-agent.test.js', 'nul-bytes.test.js'];

/**
 * Case files whose cases start agents of their own and depend on the guest's
 * userland: run in both guests (users are made with useradd in the Debian guest
 * and written into /etc/passwd in the busybox one, which has no adduser applet).
 */
export const GUEST_USERLAND_FILES = ['exec-inheritance.test.js', 'ssh-keys.test.js'];

/** Case files that do not run in a guest, and why (named as skips by conformance-vm-debian.test.ts). */
export const NOT_IN_VM: Record<string, string> = {
  'file-offsets.test.js':
    "its cases are about this host's file systems (positions past 2^53 on the ext4 agent dir, sparse files on a tmpfs the test finds in /proc/self/mountinfo); in a guest the agent dir is 9p and that tmpfs is not the guest's",
};
