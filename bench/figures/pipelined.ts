/**
 * Pipelined guest-ping: `count` requests written in one burst, timed until the
 * last reply line. Returns requests per second and the agent's CPU time (ms).
 */
import { cpuClock } from '../lib/processes.js';
import { encodeRequest, type RawClient } from '../lib/raw-client.js';

const PING = encodeRequest('guest-ping');
const PING_REPLY_BYTES = 15;
const bursts = new Map<number, Buffer>();

function burstOf(count: number): Buffer {
  let b = bursts.get(count);
  if (!b) {
    b = Buffer.alloc(PING.length * count);
    for (let i = 0; i < count; i++) PING.copy(b, i * PING.length);
    bursts.set(count, b);
  }
  return b;
}

export async function pipelinedPings(
  client: RawClient,
  count: number,
  pid: number | null,
  warmup = 2000,
): Promise<{ rps: number; cpuMs: number }> {
  await client.burst(burstOf(warmup), warmup, warmup * PING_REPLY_BYTES);
  const cpu = cpuClock(pid);
  const ms = await client.burst(burstOf(count), count, count * PING_REPLY_BYTES);
  return { rps: count / (ms / 1000), cpuMs: cpu.stop() };
}
