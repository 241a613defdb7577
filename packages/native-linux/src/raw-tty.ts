import { endianness } from 'node:os';
import { lastErrno, libcFunction, sysError } from './libc.js';

const TCSANOW = 0;
const TCIFLUSH = 0;
const B38400 = 0o000017;
const CLOCAL = 0o004000;

/**
 * Put the tty behind `fd` in the raw mode qemu-ga uses for isa-serial:
 * cfmakeraw (no input translation, no output processing, no echo, VMIN=1,
 * VTIME=0), 38400 baud, CLOCAL (so the blocking reopen ignores the modem
 * lines), then drop pending input.
 */
export function makeRawTty(fd: number): void {
  const tcgetattr = libcFunction('int tcgetattr(int fd, void *termios)');
  const cfmakeraw = libcFunction('void cfmakeraw(void *termios)');
  const cfsetispeed = libcFunction('int cfsetispeed(void *termios, uint32_t speed)');
  const cfsetospeed = libcFunction('int cfsetospeed(void *termios, uint32_t speed)');
  const tcsetattr = libcFunction('int tcsetattr(int fd, int actions, void *termios)');
  const tcflush = libcFunction('int tcflush(int fd, int queue)');
  const t = Buffer.alloc(128); // struct termios is 60 bytes on glibc, smaller on musl
  if ((tcgetattr(fd, t) as number) < 0) throw sysError(lastErrno(), 'tcgetattr');
  cfmakeraw(t);
  const le = endianness() === 'LE'; // c_cflag is the third tcflag_t
  if (le) t.writeUInt32LE(t.readUInt32LE(8) | CLOCAL, 8);
  else t.writeUInt32BE(t.readUInt32BE(8) | CLOCAL, 8);
  cfsetispeed(t, B38400);
  cfsetospeed(t, B38400);
  if ((tcsetattr(fd, TCSANOW, t) as number) < 0) throw sysError(lastErrno(), 'tcsetattr');
  if ((tcflush(fd, TCIFLUSH) as number) < 0) throw sysError(lastErrno(), 'tcflush');
}
