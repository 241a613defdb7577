import { endianness } from 'node:os';
import { lastErrno, libcFunction, sysError } from './libc.js';

const AF_UNIX = 1;
const SOCK_DGRAM = 2;
const SOCK_CLOEXEC = 0o2000000;
const MSG_DONTWAIT = 0x40;
const MSG_NOSIGNAL = 0x4000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A connection to the syslog socket. */
export interface SyslogSocket {
  /** Send one line at the priority given to openSyslog; never blocks (a full socket drops the line). */
  send(message: string): void;
  close(): void;
}

/** `Mmm dd hh:mm:ss` in local time, as syslog(3) stamps lines. */
function stamp(d: Date): string {
  const two = (n: number): string => n.toString().padStart(2, '0');
  return `${MONTHS[d.getMonth()]} ${d.getDate().toString().padStart(2, ' ')} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/**
 * What syslog(3) does, on a socket path we choose (so tests can stand in for
 * /dev/log): an AF_UNIX datagram socket connected to `path`, lines formatted
 * `<PRI>Mmm dd hh:mm:ss tag[pid]: message`. A send that fails with the
 * daemon gone reconnects once, as glibc does. Throws when the socket cannot
 * be connected at all.
 */
export function openSyslog(path: string, tag: string, priority: number): SyslogSocket {
  const socket = libcFunction('int socket(int domain, int type, int protocol)');
  const connect = libcFunction('int connect(int fd, void *addr, uint32_t len)');
  const send = libcFunction('intptr_t send(int fd, void *buf, size_t len, int flags)');
  const close = libcFunction('int close(int fd)');
  const address = Buffer.alloc(110);
  if (endianness() === 'LE') address.writeUInt16LE(AF_UNIX, 0);
  else address.writeUInt16BE(AF_UNIX, 0);
  if (Buffer.byteLength(path) > 107) throw sysError(36, 'connect', path);
  address.write(path, 2);
  const open = (): number => {
    const fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0) as number;
    if (fd < 0) throw sysError(lastErrno(), 'socket');
    if ((connect(fd, address, address.length) as number) < 0) {
      const e = sysError(lastErrno(), 'connect', path);
      close(fd);
      throw e;
    }
    return fd;
  };
  let fd = open();
  return {
    send(message) {
      if (fd < 0) return;
      const line = Buffer.from(`<${priority}>${stamp(new Date())} ${tag}[${process.pid}]: ${message}`);
      if ((send(fd, line, line.length, MSG_DONTWAIT | MSG_NOSIGNAL) as number) >= 0) return;
      const errno = lastErrno();
      if (errno !== 111 /* ECONNREFUSED */ && errno !== 107 /* ENOTCONN */) return; // EAGAIN: dropped, as a full log must not stall the agent
      close(fd);
      try {
        fd = open();
        send(fd, line, line.length, MSG_DONTWAIT | MSG_NOSIGNAL);
      } catch {
        fd = -1;
      }
    },
    close() {
      if (fd >= 0) close(fd);
      fd = -1;
    },
  };
}
