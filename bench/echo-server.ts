/**
 * A trivial server that answers each request line with one fixed reply: the
 * ceiling the benchmark client can measure. Runs in its own process (so it
 * does not share the client's event loop, as an agent would not).
 *
 *   node echo-server.mjs SOCKET ping          → {"return": {}}
 *   node echo-server.mjs SOCKET read:BYTES    → a guest-file-read reply carrying BYTES bytes
 *   node echo-server.mjs SOCKET write:BYTES   → a guest-file-write reply for BYTES bytes
 * Prints "ready" once listening; exits on SIGTERM.
 */
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';

const [socketPath, kind = 'ping'] = process.argv.slice(2);
if (!socketPath) {
  process.stderr.write('usage: echo-server SOCKET [ping|read:BYTES|write:BYTES]\n');
  process.exit(2);
}

function replyFor(k: string): Buffer {
  const [what, n] = k.split(':');
  const bytes = Number(n ?? 0);
  if (what === 'read') {
    const b64 = Buffer.alloc(bytes, 'echo').toString('base64');
    return Buffer.from(`{"return": {"count": ${bytes}, "buf-b64": "${b64}", "eof": false}}\n`, 'latin1');
  }
  if (what === 'write') return Buffer.from(`{"return": {"count": ${bytes}, "eof": false}}\n`, 'latin1');
  return Buffer.from('{"return": {}}\n', 'latin1');
}

const reply = replyFor(kind);
// For bursts of small requests: many replies in one write.
const BATCH = 4096;
const batch = reply.length <= 64 ? Buffer.concat(Array.from({ length: BATCH }, () => reply)) : null;

rmSync(socketPath, { force: true });
const server = createServer((socket) => {
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    let lines = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, nl + 1)) lines++;
    if (batch !== null) {
      while (lines > 0) {
        const k = Math.min(lines, BATCH);
        socket.write(batch.subarray(0, k * reply.length));
        lines -= k;
      }
    } else {
      for (; lines > 0; lines--) socket.write(reply);
    }
  });
});
server.listen(socketPath, () => process.stdout.write('ready\n'));
process.once('SIGTERM', () => {
  server.close();
  rmSync(socketPath, { force: true });
  process.exit(0);
});
