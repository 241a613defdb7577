import type { GuestCpuStats, Int } from '@qga/core';

/** jiffies × 1000 / CLK_TCK with C's truncating integer division; a number when it fits exactly. */
function toMs(jiffies: bigint, clkTck: bigint): Int {
  const ms = (jiffies * 1000n) / clkTck;
  return ms <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(ms) : ms;
}

/**
 * guest-get-cpustats from /proc/stat: every `cpuN` line (the aggregate `cpu`
 * line and non-cpu lines skipped), values converted to ms. Field counts
 * (including the name) decide what is present, as upstream's sscanf: ≥6
 * iowait; ≥7 irq and softirq; ≥9 steal; ≥10 guest; ≥11 guestnice. A cpuN line
 * with fewer than 5 fields ends parsing (the lines after it are dropped).
 */
export function parseProcStat(text: string, clkTck: number): GuestCpuStats[] {
  const tck = BigInt(clkTck > 0 ? clkTck : 100);
  const out: GuestCpuStats[] = [];
  for (const line of text.split('\n')) {
    // Only cpuN lines matter; do not split the others (`intr` has thousands of fields).
    if (!line.trimStart().startsWith('cpu')) continue;
    const tokens = line.trim().split(/\s+/);
    const name = tokens[0] ?? '';
    if (name === '' || !name.startsWith('cpu') || name.length === 3) continue;
    // sscanf("%lu") stops at the first token that is not a number.
    const values: bigint[] = [];
    for (const t of tokens.slice(1, 11)) {
      if (!/^\d+$/.test(t)) break;
      values.push(BigInt(t));
    }
    const fields = 1 + values.length;
    if (fields < 5) break;
    const v = (i: number): Int => toMs(values[i] ?? 0n, tck);
    const cpu = /^cpu(\d+)/.exec(name);
    const stat: GuestCpuStats = {
      type: 'linux',
      cpu: cpu === null ? 0 : Number(cpu[1]),
      user: v(0),
      nice: v(1),
      system: v(2),
      idle: v(3),
    };
    if (fields >= 6) stat.iowait = v(4);
    if (fields >= 7) {
      stat.irq = v(5);
      stat.softirq = v(6);
    }
    if (fields >= 9) stat.steal = v(7);
    if (fields >= 10) stat.guest = v(8);
    if (fields >= 11) stat.guestnice = v(9);
    out.push(stat);
  }
  return out;
}
