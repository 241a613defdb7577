import { endianness } from 'node:os';
import { callAsync, libcFunction, loadKoffi, sysError } from './libc.js';

/** The fields of a passwd entry the agent needs. */
export interface NativePasswd {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
}

/**
 * getpwnam_r(3), on libuv's pool (NSS may ask LDAP or sssd): the lookup
 * qemu-ga makes, so every NSS source counts. undefined when there is no such
 * user; throws a system error (`syscall` getpwnam_r) when the lookup failed.
 */
export async function lookupPasswd(name: string): Promise<NativePasswd | undefined> {
  const { koffi } = loadKoffi();
  const getpwnamR = libcFunction('int getpwnam_r(const char *name, void *pwd, void *buf, size_t buflen, void *result)');
  const le = endianness() === 'LE';
  for (let size = 4096; ; size *= 4) {
    const pwd = Buffer.alloc(48); // struct passwd (LP64)
    const buf = Buffer.alloc(size);
    const result = Buffer.alloc(8);
    // getpwnam_r returns the error number itself (errno is not used).
    const { result: rc } = await callAsync(getpwnamR, name, pwd, buf, size, result);
    if (rc === 34 /* ERANGE */ && size < 1 << 22) continue;
    if (rc !== 0) throw sysError(rc, 'getpwnam_r');
    if (result.readBigUInt64LE(0) === 0n) return undefined;
    const ptr = (at: number): bigint => (le ? pwd.readBigUInt64LE(at) : pwd.readBigUInt64BE(at));
    const str = (at: number): string => (ptr(at) === 0n ? '' : (koffi.decode(ptr(at), 'char', -1) as string));
    return {
      name: str(0),
      uid: le ? pwd.readUInt32LE(16) : pwd.readUInt32BE(16),
      gid: le ? pwd.readUInt32LE(20) : pwd.readUInt32BE(20),
      home: str(32),
    };
  }
}
