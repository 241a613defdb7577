/**
 * A hand-written SVG of the soak's time line, one line per agent: on top the
 * round trip of a batch of 100 pipelined requests (median per 250 ms, log
 * scale), below the agent's RSS, through the soak and the idle rest after it
 * (a dashed line marks where each agent finished the soak).
 */
import type { SoakSample } from '../figures/soak.js';

export interface SoakSeries {
  readonly name: string;
  readonly color: string;
  readonly trace: readonly SoakSample[];
  /** Seconds from the start of the soak to its last reply. */
  readonly soakSeconds: number;
}

const W = 960;
const LEFT = 80;
const PLOT_W = 820;
const PANEL_H = 220;
const TOPS = [72, 72 + PANEL_H + 64];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** 1, 2, 5 × 10^k steps giving about `n` ticks over [0, max]. */
function niceStep(max: number, n: number): number {
  const raw = max / n;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? raw;
}

function polyline(points: readonly [number, number][], color: string, width: number): string {
  return `<polyline fill="none" stroke="${color}" stroke-width="${width}" points="${points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}"/>`;
}

export function soakSvg(series: readonly SoakSeries[], title: string, subtitle: string): string {
  const all = series.filter((s) => s.trace.length > 0);
  const tMax = Math.max(1, ...all.map((s) => s.trace[s.trace.length - 1]!.t));
  const x = (t: number): number => LEFT + (t / tMax) * PLOT_W;
  const batches = all.flatMap((s) => s.trace.map((p) => p.batchMs)).filter((v) => Number.isFinite(v) && v > 0);
  const msMin = 10 ** Math.floor(Math.log10(Math.min(...batches, 1)));
  const msMax = 10 ** Math.ceil(Math.log10(Math.max(...batches, msMin * 10)));
  const yMs = (ms: number): number =>
    TOPS[0]! + PANEL_H - ((Math.log10(Math.max(ms, msMin)) - Math.log10(msMin)) / (Math.log10(msMax) - Math.log10(msMin))) * PANEL_H;
  const rssTop = Math.max(10, ...all.flatMap((s) => s.trace.map((p) => p.rssMb)));
  const rssStep = niceStep(rssTop, 5);
  const rssMax = Math.ceil(rssTop / rssStep) * rssStep;
  const yRss = (mb: number): number => TOPS[1]! + PANEL_H - (mb / rssMax) * PANEL_H;

  const H = TOPS[1]! + PANEL_H + 50 + 17 * all.length + 6;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>`,
    `<text x="${W / 2}" y="40" text-anchor="middle" fill="#555">${esc(subtitle)}</text>`,
  ];
  const tStep = niceStep(tMax, 10);
  const panels = [
    { top: TOPS[0]!, name: 'round trip of a batch of 100 pipelined requests (median per 250 ms, log scale)' },
    { top: TOPS[1]!, name: 'agent RSS (MB), through the soak and 20 s of idleness after it' },
  ];
  for (const [i, panel] of panels.entries()) {
    out.push(`<rect x="${LEFT}" y="${panel.top}" width="${PLOT_W}" height="${PANEL_H}" fill="none" stroke="#333"/>`);
    out.push(
      `<text x="${LEFT + PLOT_W / 2}" y="${panel.top - 8}" text-anchor="middle" font-weight="bold" fill="#333">${esc(panel.name)}</text>`,
    );
    for (let t = 0; t <= tMax + 1e-9; t += tStep) {
      const px = x(t).toFixed(1);
      out.push(`<line x1="${px}" y1="${panel.top}" x2="${px}" y2="${panel.top + PANEL_H}" stroke="#e6e6e6"/>`);
      out.push(`<text x="${px}" y="${panel.top + PANEL_H + 16}" text-anchor="middle" fill="#333">${+t.toPrecision(4)} s</text>`);
    }
    if (i === 0) {
      for (let d = msMin; d <= msMax * 1.0001; d *= 10) {
        const py = yMs(d).toFixed(1);
        out.push(`<line x1="${LEFT}" y1="${py}" x2="${LEFT + PLOT_W}" y2="${py}" stroke="#ccc"/>`);
        out.push(`<text x="${LEFT - 6}" y="${(+py + 4).toFixed(1)}" text-anchor="end">${d >= 1 ? `${d} ms` : `${d * 1000} µs`}</text>`);
      }
    } else {
      for (let mb = 0; mb <= rssMax + 1e-9; mb += rssStep) {
        const py = yRss(mb).toFixed(1);
        out.push(`<line x1="${LEFT}" y1="${py}" x2="${LEFT + PLOT_W}" y2="${py}" stroke="#e6e6e6"/>`);
        out.push(`<text x="${LEFT - 6}" y="${(+py + 4).toFixed(1)}" text-anchor="end">${mb} MB</text>`);
      }
    }
    for (const s of all) {
      const px = x(s.soakSeconds).toFixed(1);
      out.push(
        `<line x1="${px}" y1="${panel.top}" x2="${px}" y2="${panel.top + PANEL_H}" stroke="${s.color}" stroke-dasharray="5,4" stroke-width="1"/>`,
      );
      if (i === 0) {
        // Gaps (no batch in a window) split the line rather than bridging it.
        let run: [number, number][] = [];
        for (const p of s.trace) {
          if (Number.isFinite(p.batchMs)) run.push([x(p.t), yMs(p.batchMs)]);
          else if (run.length > 0) {
            out.push(polyline(run, s.color, 1.5));
            run = [];
          }
        }
        if (run.length > 0) out.push(polyline(run, s.color, 1.5));
      } else {
        out.push(
          polyline(
            s.trace.map((p) => [x(p.t), yRss(p.rssMb)] as [number, number]),
            s.color,
            2,
          ),
        );
      }
    }
  }
  out.push(`<text x="${LEFT + PLOT_W / 2}" y="${TOPS[1]! + PANEL_H + 36}" text-anchor="middle">time since the soak started</text>`);
  let ly = TOPS[1]! + PANEL_H + 56;
  for (const s of all) {
    const first = s.trace[0]!;
    const last = s.trace[s.trace.length - 1]!;
    const peak = Math.max(...s.trace.map((p) => p.rssMb));
    out.push(`<line x1="${LEFT}" y1="${ly - 4}" x2="${LEFT + 24}" y2="${ly - 4}" stroke="${s.color}" stroke-width="3"/>`);
    out.push(
      `<text x="${LEFT + 32}" y="${ly}">${esc(s.name)}: soak ${s.soakSeconds.toFixed(1)} s; RSS ${first.rssMb.toFixed(1)} MB at the start, peak ${peak.toFixed(1)}, ${last.rssMb.toFixed(1)} MB after the idle rest</text>`,
    );
    ly += 17;
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
