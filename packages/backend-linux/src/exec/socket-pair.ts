import { randomBytes } from 'node:crypto';
import { createConnection, createServer, type Socket } from 'node:net';

export interface SocketPair {
  /** Handed to the child (as fd 1 and fd 2); the parent destroys its copy after spawning. */
  readonly childEnd: Socket;
  /** Read by the parent; paused until someone reads it. */
  readonly parentEnd: Socket;
}

const NONCE_BYTES = 16;
const SETUP_TIMEOUT_MS = 5_000;

/**
 * A connected pair of unix stream sockets — Node has no socketpair(2) and no
 * pipe(2). It is what libuv itself gives a child for a `'pipe'` stdio entry,
 * so children see the same kind of descriptor either way.
 *
 * The rendezvous uses the *abstract* namespace on purpose: it touches no
 * filesystem, so it works while filesystems are frozen (thawing runs helpers
 * whose output we capture; a temp file would block on a frozen /tmp). Abstract
 * names have no permissions, so the connecting side first sends a random nonce
 * and any other connection is dropped.
 */
export async function socketPair(): Promise<SocketPair> {
  const nonce = randomBytes(NONCE_BYTES);
  const name = `\0qga-pair-${randomBytes(12).toString('hex')}`;
  const server = createServer();
  const accepted: Socket[] = [];
  let parentEnd: Socket | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(name, () => resolve());
    });
    const ours = new Promise<Socket>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('socket pair setup timed out')), SETUP_TIMEOUT_MS);
      server.on('connection', (sock) => {
        accepted.push(sock);
        sock.on('error', () => {});
        let got = Buffer.alloc(0);
        const onData = (chunk: Buffer): void => {
          got = Buffer.concat([got, chunk]);
          if (got.length < NONCE_BYTES) return;
          sock.off('data', onData);
          sock.pause();
          if (got.length === NONCE_BYTES && got.equals(nonce)) {
            clearTimeout(timer);
            resolve(sock);
          } else {
            sock.destroy(); // not ours
          }
        };
        sock.on('data', onData);
      });
    });
    const childEnd = createConnection({ path: name });
    childEnd.on('error', () => {});
    try {
      await new Promise<void>((resolve, reject) => {
        childEnd.once('connect', resolve);
        childEnd.once('error', reject);
      });
      childEnd.write(nonce);
      parentEnd = await ours;
    } catch (e) {
      childEnd.destroy();
      throw e;
    }
    return { childEnd, parentEnd };
  } finally {
    server.close();
    // Anything else that connected meanwhile is dropped.
    for (const s of accepted) if (s !== parentEnd) s.destroy();
  }
}
