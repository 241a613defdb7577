/**
 * guest-ping round trip: `count` sequential requests on one connection, each
 * sent when the previous reply arrived. Returns every round trip in ms and
 * the agent's CPU time.
 */
import { cpuClock } from '../lib/processes.js';
import { encodeRequest, type RawClient } from '../lib/raw-client.js';

const PING = encodeRequest('guest-ping');
/** `{"return": {}}\n` */
const PING_REPLY_BYTES = 15;

export interface PingResult {
  /** Every round trip, ms. */
  readonly rtt: Float64Array;
  /** CPU time the agent used for them, ms (NaN without a pid). */
  readonly cpuMs: number;
}

export async function pingRoundTrips(client: RawClient, count: number, pid: number | null, warmup = 1000): Promise<PingResult> {
  await client.roundTrips(PING, warmup, new Float64Array(warmup), PING_REPLY_BYTES);
  const rtt = new Float64Array(count);
  const cpu = cpuClock(pid);
  await client.roundTrips(PING, count, rtt, PING_REPLY_BYTES);
  return { rtt, cpuMs: cpu.stop() };
}
