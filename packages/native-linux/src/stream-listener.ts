import { Socket } from 'node:net';
import { endianness } from 'node:os';
import { lastErrno, libcFunction, sysError } from './libc.js';

const AF_UNIX = 1;
const AF_VSOCK = 40;
const SOCK_STREAM = 1;
const SOCK_CLOEXEC = 0o2000000;

/** A listening socket whose connections arrive as ordinary net.Sockets. */
export interface StreamListener {
  /** Stop accepting and close the listening socket; accepted sockets live on. */
  close(): void;
}

/** Called per accepted connection, or with an error when accept failed. */
export type AcceptHandler = (socket: Socket | undefined, error: NodeJS.ErrnoException | undefined) => void;

interface PipeHandle {
  open(fd: number): number;
  listen(backlog: number): number;
  close(cb?: () => void): void;
  onconnection: ((status: number, client: unknown) => void) | null;
}
type PipeWrap = { Pipe: new (type: number) => PipeHandle; constants: { SERVER: number } };

function pipeWrap(): PipeWrap {
  // libuv's stream handle for unix sockets reads, writes, listens and accepts any
  // stream socket fd (it never looks at the family); net.Server/net.Socket({fd})
  // refuse AF_VSOCK only because they guess the handle type from the family.
  const binding = (process as unknown as { binding(name: string): unknown }).binding('pipe_wrap');
  return binding as PipeWrap;
}

function uvError(status: number, syscall: string): NodeJS.ErrnoException {
  return sysError(-status, syscall);
}

/**
 * socket() + bind() through libc, then listen/accept and all I/O by libuv on
 * the event loop (epoll: no thread per connection, no polling; writes keep
 * net.Socket's backpressure). `address` is a raw sockaddr.
 */
function listenOn(family: number, address: Buffer, backlog: number, onAccept: AcceptHandler): StreamListener {
  const socket = libcFunction('int socket(int domain, int type, int protocol)');
  const bind = libcFunction('int bind(int fd, void *addr, uint32_t len)');
  const close = libcFunction('int close(int fd)');
  const fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0) as number;
  if (fd < 0) throw sysError(lastErrno(), 'socket');
  if ((bind(fd, address, address.length) as number) < 0) {
    const e = sysError(lastErrno(), 'bind');
    close(fd);
    throw e;
  }
  const { Pipe, constants } = pipeWrap();
  const handle = new Pipe(constants.SERVER);
  let status = handle.open(fd);
  if (status !== 0) {
    close(fd);
    throw uvError(status, 'open');
  }
  handle.onconnection = (st, client) => {
    if (st !== 0 || client === undefined) onAccept(undefined, uvError(st, 'accept'));
    else
      onAccept(
        new Socket({ handle: client, readable: true, writable: true, allowHalfOpen: true } as ConstructorParameters<typeof Socket>[0]),
        undefined,
      );
  };
  status = handle.listen(backlog);
  if (status !== 0) {
    handle.close();
    throw uvError(status, 'listen');
  }
  let closed = false;
  return {
    close() {
      if (closed) return;
      closed = true;
      handle.onconnection = null;
      handle.close();
    },
  };
}

/** VMADDR_CID_ANY */
export const VSOCK_CID_ANY = 0xffff_ffff;

/** Listen on AF_VSOCK `cid:port` (bind errors throw with `syscall` 'bind', e.g. EADDRINUSE). */
export function listenVsock(cid: number, port: number, backlog: number, onAccept: AcceptHandler): StreamListener {
  const sa = Buffer.alloc(16); // sockaddr_vm: family, reserved, port, cid, flags, zero[3]
  const le = endianness() === 'LE';
  if (le) {
    sa.writeUInt16LE(AF_VSOCK, 0);
    sa.writeUInt32LE(port, 4);
    sa.writeUInt32LE(cid, 8);
  } else {
    sa.writeUInt16BE(AF_VSOCK, 0);
    sa.writeUInt32BE(port, 4);
    sa.writeUInt32BE(cid, 8);
  }
  return listenOn(AF_VSOCK, sa, backlog, onAccept);
}

/** The same listener on a unix socket path: tests reach the vsock code path without a vsock peer. */
export function listenUnixNative(path: string, backlog: number, onAccept: AcceptHandler): StreamListener {
  const bytes = Buffer.from(path);
  if (bytes.length === 0 || bytes.length > 107) throw sysError(22, 'bind', path);
  const sa = Buffer.alloc(110);
  if (endianness() === 'LE') sa.writeUInt16LE(AF_UNIX, 0);
  else sa.writeUInt16BE(AF_UNIX, 0);
  bytes.copy(sa, 2);
  return listenOn(AF_UNIX, sa, backlog, onAccept);
}

/** getpeername of a vsock socket as `cid:port`, or undefined. */
export function vsockPeer(socket: Socket): string | undefined {
  const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (fd === undefined || fd < 0) return undefined;
  const getpeername = libcFunction('int getpeername(int fd, void *addr, _Inout_ uint32_t *len)');
  const sa = Buffer.alloc(16);
  const len = [16];
  if ((getpeername(fd, sa, len) as number) < 0 || sa.readUInt16LE(0) !== AF_VSOCK) return undefined;
  return `${sa.readUInt32LE(8)}:${sa.readUInt32LE(4)}`;
}
