// Runs under Wine's node.exe, not under tap: plays the host side of the
// virtio-serial port with a named pipe server (the agent opens the pipe with
// the same CreateFileW + overlapped code as the real port). Two connections:
// the second proves the agent reopens after the host end went away.
// argv: <pipe name> <result file>
import fs from 'node:fs';
import net from 'node:net';

const [pipe, out] = process.argv.slice(2) as [string, string];
const conversations: { sent: string; received: string }[] = [];
const scripts = [
  '\xff{"execute":"guest-sync-delimited","arguments":{"id":4242}}\n{"execute":"guest-get-host-name"}\n{"execute":"guest-file-read","arguments":{"handle":1}}\n',
  '{"execute":"guest-ping"}\n',
];
const finish = (error?: string): void => {
  fs.writeFileSync(out, JSON.stringify({ conversations, ...(error !== undefined && { error }) }));
  process.exit(0);
};
setTimeout(() => finish('timed out'), 90_000);
const server = net.createServer((socket) => {
  const index = conversations.length;
  const sent = scripts[index] ?? '';
  // One reply per request, plus one error for a leading 0xFF.
  const expected = sent.split('\n').length - 1 + (sent.startsWith('\xff') ? 1 : 0);
  const record = { sent, received: '' };
  conversations.push(record);
  socket.on('data', (d: Buffer) => {
    record.received += d.toString('latin1');
    if (record.received.split('\n').length - 1 >= expected) {
      socket.destroy();
      if (index + 1 >= scripts.length) finish();
    }
  });
  socket.on('error', () => {});
  socket.write(Buffer.from(sent, 'latin1'));
});
server.listen(pipe);
