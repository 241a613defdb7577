/**
 * Pull and push of a big file (default 256 MiB) over a unix socket, four ways:
 * - QEMU's qemu-ga-client's way: guest-file-read with count 1024, one round trip
 *   at a time (its `cat`); for push the same 1 KiB pieces of guest-file-write
 *   (qemu-ga-client has no push), against qemu-ga 7.2 and our agent;
 * - qga-client's plain path: guest-file-read/-write 1 MiB, 2 in flight, both agents;
 * - @qga/plugin-files (our agent): qga-client's defaults (4 MiB chunks, 4 in flight), SHA-256 verified;
 * - the plugin with other chunk sizes (information: how the default was chosen).
 * Every transfer is checked afterwards (SHA-256 of the result); timing covers the
 * transfer only. Prints one JSON array of figures on stdout (run-bench.ts turns
 * them into report rows); progress on stderr.
 *
 * With --vm the same figures (--vm-mib, --vm-kib-mib) are taken over a real
 * virtio-serial port: a TCG guest per agent, reached through QEMU's chardev socket.
 * There the plain path keeps one request in flight: qemu-ga 7.2 drops replies to
 * pipelined requests on virtio-serial (docs/deviations.md).
 *
 * Usage: node bench/dist/run/transfer-bench.mjs --repo ROOT [--mib 256] [--kib-mib 256] [--rounds N]
 *          [--vm] [--vm-mib 256] [--vm-kib-mib 1]
 */
import { createHash, randomFillSync } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { QgaClient, pullFile, pushFile, VERIFIED_CHUNK_DEFAULT, VERIFIED_DEPTH_DEFAULT, type CommandRunner } from '@qga/client';
import { findOurs, qemuGa, startAgent, type AgentCommand, type RunningAgent } from './lib/agents.js';
import { median } from './lib/stats.js';
import { bootGuest, type GuestVm } from './lib/vm-guest.js';

export interface TransferFigure {
  readonly key: string;
  readonly label: string;
  /** MiB/s per round, by agent name ('qemu-ga', 'ours'). */
  readonly rates: Record<string, number[]>;
}

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1]! : dflt;
};
const repo = resolve(opt('repo', process.cwd()));
const MIB = Number(opt('mib', '256'));
const KIB_MIB = Number(opt('kib-mib', String(MIB)));
const rounds = Number(opt('rounds', '1'));
const VM = argv.includes('--vm');
const VM_MIB = Number(opt('vm-mib', '256'));
const VM_KIB_MIB = Number(opt('vm-kib-mib', '1'));
const M = 1024 * 1024;
const log = (s: string): void => void process.stderr.write(`${s}\n`);

function randomFile(path: string, mib: number): string {
  const hash = createHash('sha256');
  const fd = openSync(path, 'w');
  const piece = Buffer.alloc(4 * M);
  for (let i = 0; i < mib / 4; i++) {
    randomFillSync(piece);
    writeSync(fd, piece);
    hash.update(piece);
  }
  closeSync(fd);
  return hash.digest('hex');
}

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

/** qemu-ga-client's `cat`: one guest-file-read of `count` at a time until eof. */
async function pullOneAtATime(c: CommandRunner, remote: string, local: string, count: number): Promise<void> {
  const handle = await c.execute<number>('guest-file-open', { path: remote, mode: 'r' });
  const fd = openSync(local, 'w');
  try {
    for (;;) {
      const r = await c.execute<{ count: number; 'buf-b64': string; eof: boolean }>('guest-file-read', { handle, count });
      if (r.count > 0) writeSync(fd, Buffer.from(r['buf-b64'], 'base64'));
      if (r.eof || r.count === 0) break;
    }
  } finally {
    closeSync(fd);
    await c.execute('guest-file-close', { handle });
  }
}

/** The same pieces the other way: one guest-file-write of `count` bytes at a time. */
async function pushOneAtATime(c: CommandRunner, local: string, remote: string, count: number): Promise<void> {
  const data = readFileSync(local);
  const handle = await c.execute<number>('guest-file-open', { path: remote, mode: 'w' });
  try {
    for (let off = 0; off < data.length; off += count) {
      await c.execute('guest-file-write', { handle, 'buf-b64': data.subarray(off, Math.min(off + count, data.length)).toString('base64') });
    }
  } finally {
    await c.execute('guest-file-close', { handle });
  }
}

async function main(): Promise<void> {
  const base = mkdtempSync(join(tmpdir(), 'qga-xfer-'));
  const figures = new Map<string, TransferFigure>();
  const record = (key: string, label: string, who: string, mib: number, ms: number): void => {
    let f = figures.get(key);
    if (!f) figures.set(key, (f = { key, label, rates: {} }));
    (f.rates[who] ??= []).push(mib / (ms / 1000));
    log(`  ${label} / ${who}: ${(mib / (ms / 1000)).toFixed(1)} MiB/s`);
  };
  const running: RunningAgent[] = [];
  try {
    // --no-socket: only the VM figures.
    socket: {
      if (argv.includes('--no-socket')) break socket;
      const data = join(base, 'data');
      mkdirSync(data);
      const source = join(data, 'source.bin');
      const digest = randomFile(source, MIB);
      const small = join(data, 'small.bin');
      const smallDigest = KIB_MIB === MIB ? digest : randomFile(small, KIB_MIB);
      const smallSource = KIB_MIB === MIB ? source : small;

      const agents: AgentCommand[] = [];
      const q = qemuGa();
      if (q) agents.push(q);
      const ours = findOurs(repo, 'linux').agent;
      if (!ours) throw new Error('our agent is not built (npm run build)');
      agents.push({
        ...ours,
        postArgs: [...ours.postArgs, '--plugin=@qga/plugin-files'],
        description: `${ours.description} --plugin=@qga/plugin-files`,
      });
      for (const a of agents) running.push(await startAgent(a, join(base, a.name), data));

      const check = (path: string, want: string, what: string): void => {
        const got = sha256(path);
        if (got !== want) throw new Error(`${what}: SHA-256 ${got}, expected ${want}`);
        rmSync(path);
      };
      const timed = async (fn: () => Promise<unknown>): Promise<number> => {
        const t0 = performance.now();
        await fn();
        return performance.now() - t0;
      };

      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? running : [...running].reverse();
        for (const r of order) {
          const who = r.target.name;
          const client = await QgaClient.connect(`unix:${r.target.socketPath}`, { timeoutMs: 120_000 });
          const out = join(base, `out-${who}.bin`);
          const guest = join(data, `pushed-${who}.bin`);
          try {
            log(`round ${round + 1}/${rounds}: ${who}`);
            const kib = `${KIB_MIB} MiB`;
            record(
              'kib_pull',
              `pull ${kib}, qemu-ga-client's way (guest-file-read count 1024, one at a time)`,
              who,
              KIB_MIB,
              await timed(() => pullOneAtATime(client, smallSource, out, 1024)),
            );
            check(out, smallDigest, `${who} 1 KiB pull`);
            record(
              'kib_push',
              `push ${kib}, the same 1 KiB pieces (guest-file-write, one at a time)`,
              who,
              KIB_MIB,
              await timed(() => pushOneAtATime(client, smallSource, guest, 1024)),
            );
            check(guest, smallDigest, `${who} 1 KiB push`);
            record(
              'plain_pull',
              `pull ${MIB} MiB, plain protocol path (guest-file-read 1 MiB, 2 in flight)`,
              who,
              MIB,
              await timed(async () => {
                const fd = openSync(out, 'w');
                for await (const chunk of client.readFileChunks(source)) writeSync(fd, chunk);
                closeSync(fd);
              }),
            );
            check(out, digest, `${who} plain pull`);
            record(
              'plain_push',
              `push ${MIB} MiB, plain protocol path (guest-file-write 1 MiB, 2 in flight)`,
              who,
              MIB,
              await timed(() => client.writeFile(guest, readFileSync(source))),
            );
            check(guest, digest, `${who} plain push`);
            if (who !== 'qemu-ga') {
              const dflt = VERIFIED_CHUNK_DEFAULT / M;
              for (const chunk of [dflt, ...[1, 2, 4, 8, 16, 32].filter((c) => c !== dflt)]) {
                const label =
                  chunk === dflt
                    ? `${MIB} MiB with @qga/plugin-files (${dflt} MiB chunks, ${VERIFIED_DEPTH_DEFAULT} in flight, SHA-256 verified)`
                    : `${MIB} MiB with @qga/plugin-files, ${chunk} MiB chunks (information)`;
                const key = chunk === dflt ? '' : `_${chunk}m`;
                record(
                  `plugin_pull${key}`,
                  `pull ${label}`,
                  who,
                  MIB,
                  await timed(() => pullFile(client, source, out, { chunkSize: chunk * M, resume: false })),
                );
                check(out, digest, `${who} plugin pull`);
                record(
                  `plugin_push${key}`,
                  `push ${label}`,
                  who,
                  MIB,
                  await timed(() => pushFile(client, source, guest, { chunkSize: chunk * M, resume: false })),
                );
                check(guest, digest, `${who} plugin push`);
              }
            }
          } finally {
            await client.close();
          }
        }
      }
    }
  } finally {
    await Promise.all(running.map((r) => r.stop()));
    rmSync(base, { recursive: true, force: true });
    if (VM) await vmFigures(record);
  }
  printFigures(figures);
}

function printFigures(figures: Map<string, TransferFigure>): void {
  const order = ['kib_pull', 'kib_push', 'plain_pull', 'plain_push', 'plugin_pull', 'plugin_push'];
  const list = [...figures.values()].sort((a, b) => (order.indexOf(a.key) + 1 || 99) - (order.indexOf(b.key) + 1 || 99));
  process.stdout.write(`${JSON.stringify(list)}\n`);
  for (const f of list)
    log(
      `${f.label}: ${Object.entries(f.rates)
        .map(([w, v]) => `${w} ${median(v).toFixed(1)}`)
        .join(', ')} MiB/s`,
    );
}

/**
 * Over virtio-serial: the guest makes its own random file (so nothing large
 * crosses before the timing), each pulled file is checked against the guest's
 * `sha256sum`, each pushed one by the guest's `sha256sum` too.
 */
async function vmFigures(record: (key: string, label: string, who: string, mib: number, ms: number) => void): Promise<void> {
  const base = mkdtempSync(join(tmpdir(), 'qga-xfervm-'));
  const local = join(base, 'local.bin');
  const out = join(base, 'out.bin');
  const digest = randomFile(local, VM_MIB);
  const kibLocal = join(base, 'kib.bin');
  const kibDigest = randomKib(kibLocal, VM_KIB_MIB);
  const timed = async (fn: () => Promise<unknown>): Promise<number> => {
    const t0 = performance.now();
    await fn();
    return performance.now() - t0;
  };
  try {
    for (const who of ['qemu-ga', 'ours'] as const) {
      if (who === 'qemu-ga' && !qemuGa()) continue;
      log(`VM: ${who}`);
      let vm: GuestVm | undefined;
      try {
        vm = await bootGuest(repo, who, who === 'ours' ? ['--plugin=@qga/plugin-files'] : []);
        const client = await QgaClient.connect(`unix:${vm.socketPath}`, { timeoutMs: 300_000, readyTimeoutMs: 180_000 });
        const guestSha = async (path: string): Promise<string> => {
          const r = await client.exec('/bin/sh', ['-c', `sha256sum ${path}`]);
          return r.stdout.toString().split(' ')[0] ?? '';
        };
        const expect = (got: string, want: string, what: string): void => {
          if (got !== want) throw new Error(`${what}: SHA-256 ${got}, expected ${want}`);
        };
        try {
          const vmLabel = (what: string): string => `${what}, over virtio-serial (TCG VM)`;
          // One failing figure (an agent that cannot keep up) is reported and the others still run.
          const step = async (
            key: string,
            label: string,
            mib: number,
            run: () => Promise<unknown>,
            verify: () => Promise<void>,
          ): Promise<void> => {
            try {
              const ms = await timed(run);
              await verify(); // a figure counts only for bytes that arrived intact
              record(key, vmLabel(label), who, mib, ms);
            } catch (e) {
              log(`  FAILED ${vmLabel(label)} / ${who}: ${(e as Error).message}`);
            }
          };
          await step(
            'vm_kib_push',
            `push ${VM_KIB_MIB} MiB in 1 KiB pieces, one at a time`,
            VM_KIB_MIB,
            () => pushOneAtATime(client, kibLocal, '/tmp/kib.bin', 1024),
            async () => expect(await guestSha('/tmp/kib.bin'), kibDigest, `${who} VM 1 KiB push`),
          );
          await step(
            'vm_kib_pull',
            `pull ${VM_KIB_MIB} MiB, qemu-ga-client's way (count 1024, one at a time)`,
            VM_KIB_MIB,
            () => pullOneAtATime(client, '/tmp/kib.bin', out, 1024),
            async () => expect(sha256(out), kibDigest, `${who} VM 1 KiB pull`),
          );
          await step(
            'vm_plain_push',
            `push ${VM_MIB} MiB, plain path (1 MiB, one at a time)`,
            VM_MIB,
            () => client.writeFile('/tmp/big.bin', readFileSync(local), { pipelineDepth: 1 }),
            async () => expect(await guestSha('/tmp/big.bin'), digest, `${who} VM plain push`),
          );
          await step(
            'vm_plain_pull',
            `pull ${VM_MIB} MiB, plain path (1 MiB, one at a time)`,
            VM_MIB,
            async () => {
              const fd = openSync(out, 'w');
              try {
                for await (const chunk of client.readFileChunks('/tmp/big.bin', { pipelineDepth: 1 })) writeSync(fd, chunk);
              } finally {
                closeSync(fd);
              }
            },
            async () => expect(sha256(out), digest, `${who} VM plain pull`),
          );
          // The guest's /tmp is a tmpfs of half its RAM: one big file at a time.
          await client.exec('/bin/rm', ['-f', '/tmp/big.bin']).catch(() => {});
          if (who === 'ours') {
            const label = `${VM_MIB} MiB with @qga/plugin-files (${VERIFIED_CHUNK_DEFAULT / M} MiB × ${VERIFIED_DEPTH_DEFAULT}, SHA-256 verified)`;
            await step(
              'vm_plugin_push',
              `push ${label}`,
              VM_MIB,
              () => pushFile(client, local, '/tmp/plugin.bin', { resume: false }),
              async () => expect(await guestSha('/tmp/plugin.bin'), digest, `${who} VM plugin push`),
            );
            await step(
              'vm_plugin_pull',
              `pull ${label}`,
              VM_MIB,
              () => pullFile(client, '/tmp/plugin.bin', out, { resume: false }),
              async () => expect(sha256(out), digest, `${who} VM plugin pull`),
            );
          }
          // Power the guest off (as the VM test does), so QEMU is gone before it is stopped.
          await client.shutdown(undefined, { wait: 'accepted' }).catch(() => {});
          await Promise.race([client.closed, new Promise((r) => setTimeout(r, 60_000))]);
        } finally {
          await client.close();
        }
      } finally {
        // Keep the event loop referenced while the VM helper waits on unref'd timers.
        const keepAlive = setInterval(() => {}, 1000);
        await vm?.stop();
        clearInterval(keepAlive);
      }
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

/** A file of `mib` MiB of random bytes (any size, not only multiples of 4 MiB); returns its SHA-256. */
function randomKib(path: string, mib: number): string {
  const data = randomFillSync(Buffer.alloc(Math.round(mib * M)));
  writeFileSync(path, data);
  return createHash('sha256').update(data).digest('hex');
}

main().catch((e: unknown) => {
  process.stderr.write(`transfer bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
