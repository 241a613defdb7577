/**
 * A hand-written SVG of round-trip latency distributions: on the left the CDF
 * on a log time axis, on the right the tail (fraction of round trips slower
 * than t, log-log), one line per series, with p50/p99/p99.9 in the legend.
 */
import { quantileSorted } from './stats.js';

export interface LatencySeries {
  readonly name: string;
  readonly color: string;
  /** Round trips in µs, sorted ascending. */
  readonly sortedUs: Float64Array;
}

const W = 960;
const PANEL_W = 400;
const PANEL_H = 300;
const TOP = 72;
const LEFTS = [70, 540];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function fmtUs(us: number): string {
  if (us >= 1000) return `${+(us / 1000).toPrecision(3)} ms`;
  return `${+us.toPrecision(3)} µs`;
}

function tickLabel(us: number): string {
  if (us >= 1e6) return `${us / 1e6} s`;
  if (us >= 1000) return `${us / 1000} ms`;
  return `${us} µs`;
}

export function latencySvg(series: readonly LatencySeries[], title: string, subtitle: string): string {
  const all = series.filter((s) => s.sortedUs.length > 0);
  const lo = Math.min(...all.map((s) => s.sortedUs[0]!));
  const hi = Math.max(...all.map((s) => s.sortedUs[s.sortedUs.length - 1]!));
  const xMin = 10 ** Math.floor(Math.log10(Math.max(lo, 1)));
  const xMax = 10 ** Math.ceil(Math.log10(Math.max(hi, xMin * 10)));
  const lx = (left: number, us: number): number =>
    left + ((Math.log10(Math.max(us, xMin)) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin))) * PANEL_W;
  const maxN = Math.max(...all.map((s) => s.sortedUs.length));
  const tailFloor = 10 ** Math.floor(Math.log10(1 / maxN));
  const yCdf = (p: number): number => TOP + PANEL_H - p * PANEL_H;
  const yTail = (f: number): number => TOP + (Math.log10(Math.max(f, tailFloor)) / Math.log10(tailFloor)) * PANEL_H;

  const H = TOP + PANEL_H + 58 + 17 * all.length + 6;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">`,
  );
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="${W / 2}" y="20" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>`);
  out.push(`<text x="${W / 2}" y="40" text-anchor="middle" fill="#555">${esc(subtitle)}</text>`);

  const panels = [
    { left: LEFTS[0]!, name: 'CDF: fraction of round trips ≤ t', tail: false },
    { left: LEFTS[1]!, name: 'tail: fraction of round trips > t (log)', tail: true },
  ];
  for (const panel of panels) {
    const { left } = panel;
    out.push(`<rect x="${left}" y="${TOP}" width="${PANEL_W}" height="${PANEL_H}" fill="none" stroke="#333"/>`);
    // x grid: decades, with 2 and 5 minor lines
    for (let d = xMin; d <= xMax; d *= 10) {
      for (const m of [1, 2, 5]) {
        const v = d * m;
        if (v > xMax) break;
        const x = lx(left, v).toFixed(1);
        out.push(`<line x1="${x}" y1="${TOP}" x2="${x}" y2="${TOP + PANEL_H}" stroke="${m === 1 ? '#bbb' : '#e6e6e6'}"/>`);
        if (m === 1 || Math.log10(xMax / xMin) <= 2) {
          out.push(`<text x="${x}" y="${TOP + PANEL_H + 16}" text-anchor="middle" fill="#333">${tickLabel(v)}</text>`);
        }
      }
    }
    out.push(`<text x="${left + PANEL_W / 2}" y="${TOP + PANEL_H + 36}" text-anchor="middle">round trip t (log scale)</text>`);
    out.push(
      `<text x="${left + PANEL_W / 2}" y="${TOP - 8}" text-anchor="middle" font-weight="bold" fill="#333">${esc(panel.name)}</text>`,
    );
    if (!panel.tail) {
      for (let p = 0; p <= 1.0001; p += 0.25) {
        const y = yCdf(p).toFixed(1);
        out.push(`<line x1="${left}" y1="${y}" x2="${left + PANEL_W}" y2="${y}" stroke="#e6e6e6"/>`);
        out.push(`<text x="${left - 6}" y="${(+y + 4).toFixed(1)}" text-anchor="end">${p.toFixed(2)}</text>`);
      }
    } else {
      for (let f = 1; f >= tailFloor * 0.999; f /= 10) {
        const y = yTail(f).toFixed(1);
        out.push(`<line x1="${left}" y1="${y}" x2="${left + PANEL_W}" y2="${y}" stroke="#e6e6e6"/>`);
        out.push(`<text x="${left - 6}" y="${(+y + 4).toFixed(1)}" text-anchor="end">${f >= 0.01 ? f : f.toExponential(0)}</text>`);
      }
    }
    for (const s of all) {
      const n = s.sortedUs.length;
      const pts: string[] = [];
      if (!panel.tail) {
        for (let i = 0; i <= 1000; i++) {
          const p = i / 1000;
          pts.push(`${lx(left, quantileSorted(s.sortedUs, p)).toFixed(1)},${yCdf(p).toFixed(1)}`);
        }
      } else {
        // Exceedance at log-spaced fractions, down to the single slowest sample.
        for (let e = 0; e <= Math.log10(n) * 40; e++) {
          const f = 10 ** (-e / 40);
          const idx = Math.min(n - 1, Math.floor((1 - f) * n));
          pts.push(`${lx(left, s.sortedUs[idx]!).toFixed(1)},${yTail((n - idx) / n).toFixed(1)}`);
        }
      }
      out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts.join(' ')}"/>`);
    }
  }

  // legend
  let ly = TOP + PANEL_H + 58;
  for (const s of all) {
    const q = (p: number): string => fmtUs(quantileSorted(s.sortedUs, p));
    out.push(`<line x1="${LEFTS[0]}" y1="${ly - 4}" x2="${LEFTS[0]! + 24}" y2="${ly - 4}" stroke="${s.color}" stroke-width="3"/>`);
    out.push(
      `<text x="${LEFTS[0]! + 32}" y="${ly}">${esc(s.name)}: p50 ${q(0.5)}, p90 ${q(0.9)}, p99 ${q(0.99)}, p99.9 ${q(0.999)}, max ${fmtUs(s.sortedUs[s.sortedUs.length - 1]!)} (${s.sortedUs.length} round trips)</text>`,
    );
    ly += 17;
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
