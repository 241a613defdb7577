import type { Writable } from 'node:stream';
import type { TransferProgress } from '../ops/transfer-progress.js';

const MIB = 1024 * 1024;

function size(bytes: number): string {
  return bytes >= MIB ? `${(bytes / MIB).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** One progress line: bar, bytes, throughput and ETA (throughput counts this run's bytes only). */
export function formatProgress(p: TransferProgress, elapsedS: number, width = 24): string {
  const fraction = p.total === 0 ? 1 : p.done / p.total;
  const filled = Math.round(fraction * width);
  const rate = elapsedS > 0 ? (p.done - p.resumedFrom) / elapsedS : 0;
  const eta = rate > 0 ? (p.total - p.done) / rate : Infinity;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${size(p.done)}/${size(p.total)} ${size(rate)}/s ETA ${duration(eta)}`;
}

/**
 * Draws progress on a terminal (redrawn in place, at most 10 times a
 * second); does nothing when the stream is not a TTY, so pipes and logs stay clean.
 */
export class ProgressBar {
  private readonly started = Date.now();
  private lastDraw = 0;
  private last: TransferProgress | undefined;
  readonly enabled: boolean;

  constructor(
    private readonly stream: Writable,
    private readonly label: string,
  ) {
    this.enabled = (stream as Writable & { isTTY?: boolean }).isTTY === true;
  }

  update = (p: TransferProgress): void => {
    this.last = p;
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.lastDraw < 100 && p.done < p.total) return;
    this.lastDraw = now;
    this.stream.write(`\r\x1b[K${this.label} ${formatProgress(p, (now - this.started) / 1000)}`);
  };

  /** Ends the line; `note` (e.g. "verified") is appended. */
  finish(note: string): void {
    if (!this.enabled) return;
    if (this.last) this.stream.write(`\r\x1b[K${this.label} ${formatProgress(this.last, (Date.now() - this.started) / 1000)} ${note}\n`);
  }

  /** Clears the line (before an error message). */
  abandon(): void {
    if (this.enabled && this.last) this.stream.write('\n');
  }
}
