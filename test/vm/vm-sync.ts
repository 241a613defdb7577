import { RawClient } from '../support/raw-client.js';
import { freshSyncId } from '../support/session.js';

/**
 * Connects to QEMU's chardev socket and syncs while the guest boots. QEMU
 * holds what we send until the guest opens its port, so every earlier
 * attempt gets its reply late: keep reading delimited replies until the
 * newest attempt's id comes back, sending a new attempt whenever
 * nothing arrives for a while.
 */
export async function connectAndSync(path: string, deadlineMs: number): Promise<RawClient> {
  const client = await RawClient.connect(path, { retries: 100, delayMs: 100 });
  const end = Date.now() + deadlineMs;
  let latest = 0;
  while (Date.now() < end) {
    latest = freshSyncId();
    await client.send(Buffer.concat([Buffer.from([0xff]), Buffer.from(`{"execute":"guest-sync-delimited","arguments":{"id":${latest}}}`)]));
    try {
      for (;;) {
        await client.readUntilDelimiter(3000);
        if ((await client.readLine(3000)) === `{"return": ${latest}}`) return client;
      }
    } catch {
      // nothing for 3 s: the guest is still booting; try again with a new id
    }
  }
  throw new Error('guest agent did not answer the sync handshake in time');
}
