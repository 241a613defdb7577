/**
 * Throughput of the protocol engine alone (no I/O) on the largest messages the
 * protocol allows:
 * - decode: a guest-file-write request whose buf-b64 is a 64 MiB base64 string
 *   (just under the 64 MiB message limit), fed in 64 KiB chunks as a socket would;
 *   then again with its arguments validated and the base64 decoded, as the agent does;
 * - lex: the same bytes without the closing braces (lexer + streamer, no parse);
 * - encode: encodeReply of a guest-file-read reply carrying 48 MiB of data
 *   (64 MiB of base64), the largest read qemu-ga allows.
 *
 * Part of `npm run bench` (run in a child process); alone:
 *   node bench/dist/run/framer-bench.mjs [--json] [--rounds N]   (after npm run bench has compiled it)
 */
import { pathToFileURL } from 'node:url';
import { decodeBase64, type JsonObject, type RawBase64 } from '@qga/core';
import { JsonStreamDecoder, encodeReply, newJsonObject, validateArgs } from '@qga/core/internal';

const MiB = 1024 * 1024;
const CHUNK = 64 * 1024;

export interface FramerFigure {
  readonly key: 'decode' | 'decode-b64' | 'lex' | 'encode';
  readonly label: string;
  /** MB/s (10^6 bytes per second) of each round. */
  readonly rates: number[];
  readonly bytes: number;
}

function mbPerSec(bytes: number, ms: number): number {
  return bytes / 1e6 / (ms / 1000);
}

function measure(key: FramerFigure['key'], label: string, bytes: number, rounds: number, run: () => void): FramerFigure {
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    run();
    rates.push(mbPerSec(bytes, performance.now() - t0));
  }
  return { key, label, rates, bytes };
}

export function runFramerBench(rounds = 5): FramerFigure[] {
  const figures: FramerFigure[] = [];

  // --- decode -----------------------------------------------------------------
  const head = '{"execute":"guest-file-write","arguments":{"handle":1,"buf-b64":"';
  const tail = '"}}';
  // As much base64 as fits under the message limit (total token bytes + 1 <= 64 MiB).
  const b64Len = Math.floor((64 * MiB - head.length - tail.length - 64) / 4) * 4;
  const payload = Buffer.alloc((b64Len / 4) * 3, 'qga framer bench ').toString('base64');
  const request = Buffer.from(head + payload + tail, 'latin1');
  const chunks: Buffer[] = [];
  for (let o = 0; o < request.length; o += CHUNK) {
    // Each chunk in its own memory, as sockets deliver them.
    chunks.push(Buffer.from(request.subarray(o, Math.min(o + CHUNK, request.length))));
  }

  figures.push(
    measure('decode', 'decode 64 MiB guest-file-write in 64 KiB chunks', request.length, rounds, () => {
      const decoder = new JsonStreamDecoder();
      let events = 0;
      for (const c of chunks) events += decoder.push(c).length;
      if (events !== 1) throw new Error(`expected 1 event, got ${events}`);
    }),
  );

  // The whole of what the agent does with the request before writing the file.
  const writeSpec = { handle: 'int', 'buf-b64': 'base64' } as const;
  figures.push(
    measure('decode-b64', 'decode 64 MiB guest-file-write in 64 KiB chunks, then its base64 (48 MiB)', request.length, rounds, () => {
      const decoder = new JsonStreamDecoder();
      let data: Buffer | undefined;
      for (const c of chunks) {
        for (const e of decoder.push(c)) {
          if (e.kind !== 'request') throw new Error(e.desc);
          const args = validateArgs(writeSpec, (e.value as JsonObject)['arguments'] as JsonObject) as { 'buf-b64': string | RawBase64 };
          data = decodeBase64(args['buf-b64']);
        }
      }
      if (data?.length !== (b64Len / 4) * 3) throw new Error(`decoded ${data?.length} bytes`);
    }),
  );

  // Lexing + streaming alone: the same stream with the request never completed (no closing braces).
  const open = chunks.slice();
  open[open.length - 1] = open[open.length - 1]!.subarray(0, open[open.length - 1]!.length - 2);
  figures.push(
    measure('lex', 'lex 64 MiB string token (no parse)', request.length - 2, rounds, () => {
      const decoder = new JsonStreamDecoder();
      for (const c of open) decoder.push(c);
    }),
  );

  // --- encode -----------------------------------------------------------------
  const readData = Buffer.alloc(48 * MiB, 'guest file contents ').toString('base64');
  const reply = newJsonObject();
  const ret = newJsonObject();
  ret['count'] = BigInt(48 * MiB);
  ret['buf-b64'] = readData;
  ret['eof'] = false;
  reply['return'] = ret;
  figures.push(
    measure('encode', 'encode 48 MiB guest-file-read reply (encodeReply)', readData.length, rounds, () => {
      // A reply this large comes as slices, each built as it is taken (as the writer takes them).
      const encoded = encodeReply(reply, false);
      let size = 0;
      if (Buffer.isBuffer(encoded)) size = encoded.length;
      else for (const slice of encoded.slices()) size += slice.length;
      if (size < readData.length) throw new Error('short reply');
    }),
  );
  return figures;
}

function main(argv: readonly string[]): void {
  const at = argv.indexOf('--rounds');
  const rounds = at >= 0 ? Number(argv[at + 1]) : 5;
  const figures = runFramerBench(rounds);
  if (argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify(figures)}\n`);
    return;
  }
  for (const f of figures) {
    const sorted = [...f.rates].sort((a, b) => b - a);
    console.log(
      `${f.label}: best ${sorted[0]!.toFixed(0)} MB/s, median ${sorted[sorted.length >> 1]!.toFixed(0)} MB/s (${(f.bytes / MiB).toFixed(1)} MiB)`,
    );
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
