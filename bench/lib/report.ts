/** The benchmark's report: one row per figure, printed as a console table and as Markdown. */

export type TargetSpec =
  | { kind: 'ratio-max'; value: number }
  | { kind: 'ratio-min'; value: number }
  | { kind: 'abs-max'; value: number; text: string }
  | { kind: 'abs-min'; value: number; text: string }
  | { kind: 'none' };

export interface Row {
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  readonly better: 'lower' | 'higher';
  /** Medians over rounds (NaN: not measured). */
  readonly qemuGa: number;
  readonly ours: number;
  /** Our agent from another checkout (--candidate); NaN when not run. */
  readonly candidate: number;
  /** The echo server: what the client alone reaches. */
  readonly echo: number;
  /** Every round's value, by target. */
  readonly rounds: Record<string, number[]>;
  readonly target: TargetSpec;
  readonly digits: number;
  readonly extra?: string | undefined;
}

export interface Report {
  readonly machine: { cpu: string; cores: number; kernel: string; node: string; qemuGa: string; loadavg: string; date: string };
  readonly rounds: number;
  readonly agents: Record<string, string>;
  readonly rows: Row[];
  readonly failures: string[];
  readonly notes: string[];
  readonly seconds: number;
}

function num(v: number, digits: number): string {
  if (!Number.isFinite(v)) return '—';
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function ratio(row: Row): number {
  return row.ours / row.qemuGa;
}

function targetText(t: TargetSpec): string {
  switch (t.kind) {
    case 'ratio-max':
      return `ratio ≤ ${t.value}`;
    case 'ratio-min':
      return `ratio ≥ ${t.value}`;
    case 'abs-max':
    case 'abs-min':
      return t.text;
    case 'none':
      return '';
  }
}

/** 'yes' / 'NO' / '' (no target) / '?' (not measured). */
export function met(row: Row): string {
  const t = row.target;
  const r = ratio(row);
  switch (t.kind) {
    case 'ratio-max':
      return Number.isFinite(r) ? (r <= t.value ? 'yes' : 'NO') : '?';
    case 'ratio-min':
      return Number.isFinite(r) ? (r >= t.value ? 'yes' : 'NO') : '?';
    case 'abs-max':
      return Number.isFinite(row.ours) ? (row.ours <= t.value ? 'yes' : 'NO') : '?';
    case 'abs-min':
      return Number.isFinite(row.ours) ? (row.ours >= t.value ? 'yes' : 'NO') : '?';
    case 'none':
      return '';
  }
}

function cells(row: Row, withCandidate: boolean): string[] {
  const r = ratio(row);
  const cand = withCandidate
    ? [num(row.candidate, row.digits), Number.isFinite(row.candidate / row.ours) ? (row.candidate / row.ours).toFixed(2) : '—']
    : [];
  return [
    row.label.replace(/`/g, ''),
    `${num(row.qemuGa, row.digits)}`,
    `${num(row.ours, row.digits)}`,
    Number.isFinite(r) ? `${r.toFixed(2)}` : '—',
    targetText(row.target),
    met(row),
    num(row.echo, row.digits),
    row.unit,
    ...cand,
  ];
}

const HEAD_BASE = ['figure', 'qemu-ga 7.2', 'ours', 'ours/qemu-ga', 'target', 'met', 'client floor (echo)', 'unit'];

export function renderReport(report: Report): { console: string; markdown: string } {
  const m = report.machine;
  const withCandidate = report.rows.some((r) => Number.isFinite(r.candidate));
  const HEAD = withCandidate ? [...HEAD_BASE, 'candidate', 'candidate/ours'] : HEAD_BASE;
  const rows = report.rows.map((r) => cells(r, withCandidate));
  const widths = HEAD.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string =>
    r.map((c, i) => (i === 0 || i === 4 || i === 7 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const con: string[] = [];
  con.push(`qga benchmark — ${m.date}`);
  con.push(`machine: ${m.cpu}, ${m.cores} cores, Linux ${m.kernel}, Node ${m.node}, ${m.qemuGa}; load at start ${m.loadavg}`);
  for (const [name, d] of Object.entries(report.agents)) con.push(`${name}: ${d}`);
  con.push(`medians over ${report.rounds} round(s), agents alternating (AB, BA, …)`);
  con.push('');
  con.push(line(HEAD));
  con.push(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) con.push(line(r));
  for (const row of report.rows) if (row.extra) con.push(`  ${row.label.replace(/`/g, '')}: ${row.extra}`);
  for (const n of report.notes) con.push(`note: ${n}`);
  for (const f of report.failures) con.push(`FAILED: ${f}`);
  con.push(`(${report.seconds.toFixed(0)} s)`);

  const md: string[] = [];
  md.push(
    `Measured ${m.date.slice(0, 16).replace('T', ' ')} UTC on ${m.cpu}, ${m.cores} cores, Linux ${m.kernel}, Node ${m.node}, ${m.qemuGa}`,
  );
  md.push(`(load average at start: ${m.loadavg}); medians over ${report.rounds} rounds; run took ${report.seconds.toFixed(0)} s.`);
  md.push('');
  md.push(`| ${HEAD_BASE.slice(0, 7).join(' | ')} |`);
  md.push(
    `|${HEAD_BASE.slice(0, 7)
      .map((_, i) => (i === 0 || i === 4 ? '---' : '---:'))
      .join('|')}|`,
  );
  for (const row of report.rows) {
    const c = cells(row, false);
    const unit = c[7]!;
    const withUnit = (v: string): string => (v === '—' ? v : `${v} ${unit}`);
    md.push(
      `| ${row.label} | ${withUnit(c[1]!)} | ${withUnit(c[2]!)} | ${c[3]} | ${c[4]} | ${c[5] === 'NO' ? '**no**' : c[5]} | ${withUnit(c[6]!)} |`,
    );
  }
  const extras = report.rows.filter((r) => r.extra);
  if (extras.length > 0 || report.notes.length > 0 || report.failures.length > 0) md.push('');
  for (const row of extras) md.push(`* ${row.label}: ${row.extra}`);
  for (const n of report.notes) md.push(`* note: ${n}`);
  for (const f of report.failures) md.push(`* FAILED: ${f}`);
  md.push('');
  md.push('<details><summary>every round</summary>');
  md.push('');
  for (const row of report.rows) {
    const per = Object.entries(row.rounds)
      .filter(([, v]) => v.some((x) => Number.isFinite(x)))
      .map(([who, v]) => `${who}: ${v.map((x) => num(x, row.digits)).join(', ')}`)
      .join('; ');
    if (per) md.push(`* ${row.label.replace(/`/g, '')} (${row.unit}) — ${per}`);
  }
  md.push('');
  md.push('</details>');
  md.push('');
  return { console: con.join('\n'), markdown: md.join('\n') };
}
