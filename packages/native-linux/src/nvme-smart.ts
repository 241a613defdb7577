import { open } from 'node:fs/promises';
import { endianness } from 'node:os';
import { callAsync, libcFunction, loadKoffi, sysError } from './libc.js';

// _IOWR('N', 0x41, struct nvme_admin_cmd), a 72-byte struct nvme_passthru_cmd
const NVME_IOCTL_ADMIN_CMD = 0xc0484e41;
const GET_LOG_PAGE = 0x02;
const LOG_SMART = 0x02;
const NSID_ALL = 0xffff_ffff;
const PAGE = 512;

/**
 * The NVMe SMART / health log page (512 bytes) of `device`, read as qemu-ga
 * reads it: Get Log Page (SMART, all namespaces) through the admin-command
 * ioctl on the device node opened O_RDONLY, on libuv's pool. Throws a system
 * error (`syscall` open or ioctl) on failure.
 */
export async function nvmeSmartLog(device: string): Promise<Buffer> {
  const { koffi } = loadKoffi();
  const ioctl = libcFunction('int ioctl(int fd, unsigned long request, void *arg)');
  const le = endianness() === 'LE';
  const fh = await open(device, 'r');
  // The kernel writes the page to the address in the command: memory koffi owns, not a movable Buffer.
  const page = koffi.alloc('uint8_t', PAGE);
  try {
    const cmd = Buffer.alloc(72);
    const u32 = (v: number, at: number): number => (le ? cmd.writeUInt32LE(v, at) : cmd.writeUInt32BE(v, at));
    cmd.writeUInt8(GET_LOG_PAGE, 0);
    u32(NSID_ALL, 4);
    if (le) cmd.writeBigUInt64LE(page as bigint, 24);
    else cmd.writeBigUInt64BE(page as bigint, 24);
    u32(PAGE, 36);
    u32(LOG_SMART | (((PAGE >> 2) - 1) << 16), 40);
    const { result, errno } = await callAsync(ioctl, fh.fd, NVME_IOCTL_ADMIN_CMD, cmd);
    if (result < 0) throw sysError(errno, 'ioctl', device);
    if (result > 0) throw Object.assign(new Error(`NVMe status 0x${result.toString(16)}`), { code: 'EIO', syscall: 'ioctl', path: device });
    return Buffer.from(new Uint8Array(koffi.view(page, PAGE)));
  } finally {
    koffi.free(page);
    await fh.close();
  }
}
