import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Where the single executable finds koffi's prebuilt binary (koffi.node).
 *
 * Shipped BESIDE the executable rather than embedded and extracted at start:
 * an extracted copy needs a directory that is private, exec-mountable (many
 * hardened guests mount /tmp and /run noexec) and cleaned up, and each start
 * would pay for writing 1 MB; a file installed by the package manager next to
 * the program is as trusted as the program itself and is what a distribution
 * expects. Looked up from the executable's real path (process.execPath is
 * resolved by the OS, so a symlink such as /usr/bin/qga → /usr/sbin/qga works):
 *   <dir of qga>/koffi.node          (dist-bin/<platform>/, or beside qga.exe)
 *   <dir of qga>/../lib/qga/koffi.node  (/usr/sbin/qga → /usr/lib/qga/koffi.node)
 *
 * The file is read through one descriptor, checked against the SHA-256
 * recorded at build time (a stale or foreign koffi.node is refused with a
 * message, not loaded), and on Linux loaded through that same descriptor
 * (/proc/self/fd/N), so a file swapped in after the check is never loaded. On POSIX a file writable by group or
 * others, or owned by someone other than root or the executable's owner, is
 * refused too: the program may run as root.
 */
export function koffiNativeCandidates(execPath: string = process.execPath): string[] {
  const dir = dirname(execPath);
  return [join(dir, 'koffi.node'), join(dir, '..', 'lib', 'qga', 'koffi.node')];
}

/** Why the open candidate cannot be used, or undefined when it is the expected binary. */
export function checkKoffiNative(fd: number, expectedSha256: string, execOwner?: number): string | undefined {
  const st = fstatSync(fd);
  if (!st.isFile()) return 'not a regular file';
  if (process.platform !== 'win32') {
    if ((st.mode & 0o022) !== 0) return `writable by group or others (mode ${(st.mode & 0o777).toString(8)})`;
    if (st.uid !== 0 && execOwner !== undefined && st.uid !== execOwner)
      return `owned by uid ${st.uid}, not root or the executable's owner`;
  }
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(1 << 16);
  for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0;) hash.update(buf.subarray(0, n));
  const actual = hash.digest('hex');
  return actual === expectedSha256
    ? undefined
    : `SHA-256 ${actual.slice(0, 16)}… is not the ${expectedSha256.slice(0, 16)}… this executable was built with`;
}

/** Find, check and load koffi.node; throws one line naming every place looked at. */
export function loadKoffiNative(expectedSha256: string, execPath: string = process.execPath): unknown {
  let execOwner: number | undefined;
  try {
    execOwner = statSync(execPath).uid;
  } catch {
    execOwner = undefined;
  }
  const problems: string[] = [];
  for (const file of koffiNativeCandidates(execPath)) {
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      problems.push(`${file}: ${code === 'ENOENT' ? 'missing' : `cannot open (${code ?? String(e)})`}`);
      continue;
    }
    try {
      const problem = checkKoffiNative(fd, expectedSha256, execOwner);
      if (problem !== undefined) {
        problems.push(`${file}: ${problem}`);
        continue;
      }
      const module = { exports: {} as unknown };
      process.dlopen(module, process.platform === 'linux' ? `/proc/self/fd/${fd}` : file);
      return module.exports;
    } finally {
      closeSync(fd);
    }
  }
  throw new Error(`koffi.node not usable (${problems.join('; ')})`);
}
