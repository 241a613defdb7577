import t from 'tap';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { QgaClient } from '../src/client/qga-client.js';
import { haveQemuGa, startQemuGa } from './helpers/qemu-ga.js';

// Throughput against the real qemu-ga, printed as TAP comments. The bounds are
// loose on purpose (the machine is shared); the figures are what matters. A
// bare socket loop gives the floor, so the library's own overhead is visible.

function cpuMs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

/** Sequential pings over a bare socket, no library: what the agent alone allows. */
async function barePingsPerSecond(path: string, count: number): Promise<number> {
  const socket = net.createConnection(path);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  // Flush and skip the error the 0xFF causes: one sync round first.
  let buffered = '';
  const nextLine = () =>
    new Promise<string>((resolve) => {
      const check = () => {
        const nl = buffered.indexOf('\n');
        if (nl < 0) return false;
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        resolve(line);
        return true;
      };
      if (check()) return;
      const onData = (d: Buffer) => {
        buffered += d.toString('latin1');
        if (check()) socket.off('data', onData);
      };
      socket.on('data', onData);
    });
  socket.write('{"execute":"guest-sync","arguments":{"id":1}}');
  await nextLine();
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    socket.write('{"execute":"guest-ping"}');
    await nextLine();
  }
  const rate = count / ((performance.now() - start) / 1000);
  socket.destroy();
  await new Promise((r) => setTimeout(r, 50)); // let qemu-ga notice and accept the next client
  return rate;
}

if (!haveQemuGa()) {
  t.plan(0, 'qemu-ga is not installed');
} else {
  t.test('client throughput against qemu-ga', async (t) => {
    const agent = await startQemuGa();
    t.teardown(() => agent.stop());

    const bare = await barePingsPerSecond(agent.socketPath, 3000);
    t.comment(`bare socket, sequential pings: ${bare.toFixed(0)}/s`);

    const client = await QgaClient.connect(agent.address, { timeoutMs: 60_000 });
    t.teardown(() => client.close());
    for (let i = 0; i < 500; i++) await client.ping(); // warm-up

    let cpu = process.cpuUsage();
    let start = performance.now();
    const seqCount = 5000;
    for (let i = 0; i < seqCount; i++) await client.ping();
    const seq = seqCount / ((performance.now() - start) / 1000);
    t.comment(`QgaClient sequential pings: ${seq.toFixed(0)}/s (${((cpuMs(cpu) * 1000) / seqCount).toFixed(1)} µs client CPU per ping)`);

    const pipeCount = 50_000;
    cpu = process.cpuUsage();
    start = performance.now();
    await Promise.all(Array.from({ length: pipeCount }, () => client.ping()));
    const piped = pipeCount / ((performance.now() - start) / 1000);
    t.comment(
      `QgaClient pipelined pings (${pipeCount} in flight): ${piped.toFixed(0)}/s (${((cpuMs(cpu) * 1000) / pipeCount).toFixed(1)} µs client CPU per ping)`,
    );

    const mib = 32;
    const data = randomBytes(mib * 1024 * 1024);
    const path = join(agent.dir, 'bench.bin');
    cpu = process.cpuUsage();
    start = performance.now();
    await client.writeFile(path, data);
    const write = mib / ((performance.now() - start) / 1000);
    t.comment(`writeFile ${mib} MiB (1 MiB chunks): ${write.toFixed(1)} MiB/s (${(cpuMs(cpu) / mib).toFixed(1)} ms client CPU per MiB)`);

    cpu = process.cpuUsage();
    start = performance.now();
    const back = await client.readFile(path);
    const read = mib / ((performance.now() - start) / 1000);
    t.comment(
      `readFile ${mib} MiB (1 MiB chunks, 2 in flight): ${read.toFixed(1)} MiB/s (${(cpuMs(cpu) / mib).toFixed(1)} ms client CPU per MiB)`,
    );
    t.ok(back.equals(data), 'data intact');

    const exStart = performance.now();
    const execCount = 50;
    for (let i = 0; i < execCount; i++) await client.exec('/bin/true');
    t.comment(`exec /bin/true round trips: ${(execCount / ((performance.now() - exStart) / 1000)).toFixed(0)}/s`);

    // Figures only: speed is measured by `npm run bench`, never asserted in tests.
    t.comment(
      `sequential ${seq.toFixed(0)}/s (bare socket ${bare.toFixed(0)}/s), pipelined ${piped.toFixed(0)}/s, read ${read.toFixed(1)} MiB/s, write ${write.toFixed(1)} MiB/s`,
    );
  });
}
