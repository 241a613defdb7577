import t from 'tap';
import type { TransportSession } from '../../src/ports/transport-port.js';
import { MemoryTransport } from '../../src/testing/index.js';

function connected(): { host: ReturnType<MemoryTransport['connect']>; agentSide: TransportSession } {
  const transport = new MemoryTransport();
  const sessions: TransportSession[] = [];
  transport.sessions().subscribe((s) => sessions.push(s));
  const host = transport.connect();
  return { host, agentSide: sessions[0]! };
}

t.test('lines(n) returns the next n lines, not the first n since connect', async (t) => {
  const { host, agentSide } = connected();
  void agentSide.write(Buffer.from('one\ntwo\n'));
  t.same(await host.lines(1), ['one']);
  t.same(await host.lines(1), ['two']);
  const pending = host.lines(2);
  void agentSide.write(Buffer.from('three\nfou'));
  void agentSide.write(Buffer.from('r\n\xff', 'latin1'));
  t.same(await pending, ['three', 'four'], 'waits for lines still to come');
  void agentSide.write(Buffer.from('five\n'));
  t.same(await host.lines(1), ['\xfffive'], 'bytes before a newline belong to the next line');
  t.equal(host.received().toString('latin1'), 'one\ntwo\nthree\nfour\n\xfffive\n', 'received() keeps everything');
  await t.rejects(host.lines(1, 50), /timed out waiting for 1 more lines after 5/);
});
