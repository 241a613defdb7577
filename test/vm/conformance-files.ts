/** The case files of test/conformance/ that run against the guest's standing agents (no options of their own). */
export const STANDING_AGENT_FILES = ['protocol-errors.test.js', 'framing.test.js', 'shared-agent.test.js', 'file-offsets.test.js', 'nul-bytes.test.js'];

/**
 * Case files whose cases start agents of their own and depend on the guest's
 * userland: run in both guests (users are made with useradd in the Debian guest
 * and written into /etc/passwd in the busybox one, which has no adduser applet).
 */
export const GUEST_USERLAND_FILES = ['exec-inheritance.test.js', 'ssh-keys.test.js'];
