import type { Test } from 'tap';
import type { RawClient } from '../support/raw-client.js';
import { execute } from '../support/session.js';

/** The guest-side client (python3: Node's net cannot open AF_VSOCK); the Debian guest sees it at the host's path. */
export const VSOCK_CLIENT = new URL('../../vm/guest/vsock-client.py', import.meta.url).pathname;
export const VSOCK_PORT = 5000;

interface ClientReport {
  first: string[];
  reconnect: string[];
  hangups: number;
  after_hangups: string[];
  stalled_sent_bytes: number;
  while_stalled: string[] | string;
  after_stalled: string[];
}

/**
 * Real AF_VSOCK traffic through our vsock-listen transport inside the guest:
 * the guest-side client connects over CID 1 (vsock_loopback), started with
 * guest-exec through another agent's virtio-serial port (`via`).
 */
export async function checkVsockInGuest(t: Test, via: RawClient, consoleLog: () => string): Promise<void> {
  const { pid } = await execute(via, 'guest-exec', { path: 'python3', arg: [VSOCK_CLIENT, String(VSOCK_PORT)], 'capture-output': true });
  let status: { exited: boolean; exitcode?: number; 'out-data'?: string; 'err-data'?: string } = { exited: false };
  for (let i = 0; i < 600 && !status.exited; i++) {
    status = await execute(via, 'guest-exec-status', { pid });
    if (!status.exited) await new Promise((r) => setTimeout(r, 100));
  }
  const out = Buffer.from(status['out-data'] ?? '', 'base64').toString();
  const err = Buffer.from(status['err-data'] ?? '', 'base64').toString();
  t.equal(status.exitcode, 0, 'the guest-side vsock client ran to the end', { stderr: err });
  const report = JSON.parse(out || '{}') as Partial<ClientReport>;
  const answered = (id: number) => [`{"return": ${id}}`, '{"return": {}}'];
  t.same(report.first, answered(101), 'vsock over CID 1: sync and ping answered');
  t.same(report.reconnect, answered(102), 'a second connection is answered');
  t.equal(report.hangups, 10, 'ten clients hung up with their reply unread (every other one mid-request)');
  t.same(report.after_hangups, answered(105), 'the next client is answered');
  t.ok((report.stalled_sent_bytes ?? 0) > 0, `a client that never reads sent ${report.stalled_sent_bytes} bytes of requests`);
  t.same(report.while_stalled, answered(103), 'another client is answered while that one stalls');
  t.same(report.after_stalled, answered(104), 'and the next client after it is gone');
  t.notMatch(consoleLog(), /qga-vm: agent ours-vsock exited/, 'the vsock agent never exited');
}
