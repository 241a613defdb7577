import { parseToolFailure } from './tool-failure.js';

/** Per-mount trim outcome: bytes trimmed, or the protocol's error text. */
export type TrimOutcome = { readonly trimmed: bigint } | { readonly error: string };

/**
 * Turn one `fstrim -v` run into guest-fstrim's per-path result (spec §3.4):
 * open failure → `failed to open: <strerror>`, ENOTTY/EOPNOTSUPP → `trim not
 * supported`, anything else → `failed to trim: <strerror>`.
 * util-linux prints `/: 54.7 MiB (57367552 bytes) trimmed`, older versions and
 * busybox `/: 57367552 bytes (were) trimmed`.
 */
export function fstrimOutcome(exitCode: number | null, output: string): TrimOutcome {
  if (exitCode === 0) {
    const m = /\((\d+) bytes\)/.exec(output) ?? /(\d+) bytes/.exec(output);
    // -v always prints the count; a silent success trimmed nothing we can name.
    return { trimmed: m === null ? 0n : BigInt(m[1]!) };
  }
  if (/discard operation is not supported/.test(output)) return { error: 'trim not supported' };
  const f = parseToolFailure(output);
  if (f.stage === 'open') return { error: `failed to open: ${f.reason}` };
  if (f.errno === 'ENOTTY' || f.errno === 'EOPNOTSUPP' || f.errno === 'ENOTSUP') return { error: 'trim not supported' };
  return { error: `failed to trim: ${f.reason}` };
}
