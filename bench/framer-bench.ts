/**
 * Throughput of the protocol engine on the largest messages the protocol allows:
 * - decode: a guest-file-write request whose buf-b64 is a 64 MiB base64 string
 *   (just under the 64 MiB message limit), fed in 64 KiB chunks as a socket would;
 * - encode: encodeReply of a guest-file-read reply carrying 48 MiB of data
 *   (64 MiB of base64), the largest read qemu-ga allows.
 *
 * Run: npx esbuild bench/framer-bench.ts --bundle --platform=node --format=esm \
 *        --outfile=/tmp/fb.mjs && node /tmp/fb.mjs
 */
import { JsonStreamDecoder } from '../packages/core/src/protocol/json-stream-decoder.js';
import { encodeReply } from '../packages/core/src/protocol/json-encoder.js';
import { newJsonObject } from '../packages/core/src/protocol/json-value.js';

const MiB = 1024 * 1024;
const CHUNK = 64 * 1024;
const ROUNDS = 5;

function mbPerSec(bytes: number, ns: bigint): number {
  return bytes / 1e6 / (Number(ns) / 1e9);
}

function best(label: string, bytes: number, run: () => void): void {
  const rates: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    run();
    rates.push(mbPerSec(bytes, process.hrtime.bigint() - t0));
  }
  rates.sort((a, b) => b - a);
  const median = rates[Math.floor(rates.length / 2)]!;
  console.log(`${label}: best ${rates[0]!.toFixed(0)} MB/s, median ${median.toFixed(0)} MB/s (${(bytes / MiB).toFixed(1)} MiB)`);
}

// --- decode -------------------------------------------------------------------
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

best('decode  64 MiB guest-file-write in 64 KiB chunks', request.length, () => {
  const decoder = new JsonStreamDecoder();
  let events = 0;
  for (const c of chunks) events += decoder.push(c).length;
  if (events !== 1) throw new Error(`expected 1 event, got ${events}`);
});

// Lexing + streaming alone: the same stream with the request never completed (no closing braces).
const open = chunks.slice();
open[open.length - 1] = open[open.length - 1]!.subarray(0, open[open.length - 1]!.length - 2);
best('lex     64 MiB string token (no parse)          ', request.length - 2, () => {
  const decoder = new JsonStreamDecoder();
  for (const c of open) decoder.push(c);
});

// --- encode -------------------------------------------------------------------
const readData = Buffer.alloc(48 * MiB, 'guest file contents ').toString('base64');
const reply = newJsonObject();
const ret = newJsonObject();
ret['count'] = BigInt(48 * MiB);
ret['buf-b64'] = readData;
ret['eof'] = false;
reply['return'] = ret;
let outLen = 0;
best('encode  48 MiB guest-file-read reply (encodeReply)', readData.length, () => {
  outLen = encodeReply(reply, false).length;
});
console.log(`reply size ${outLen} bytes`);
