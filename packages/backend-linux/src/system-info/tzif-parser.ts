import { parsePosixTz, posixTzAt, type PosixTzRule } from './posix-tz.js';

/** The parts of a TZif file (RFC 8536) needed to answer "which zone now". */
export interface TzifZone {
  /** Transition times, seconds since the epoch, ascending. */
  readonly transitions: readonly number[];
  /** Index into `types` for each transition. */
  readonly transitionTypes: readonly number[];
  readonly types: ReadonlyArray<{ readonly offset: number; readonly isDst: boolean; readonly abbr: string }>;
  /** The v2+ footer rule for times after the last transition. */
  readonly footer?: PosixTzRule;
}

/** Parse TZif bytes (v1, or the 64-bit block of v2+); undefined when not a TZif file. */
export function parseTzif(buf: Uint8Array): TzifZone | undefined {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const header = (at: number): { version: number; counts: number[] } | undefined => {
    if (at + 44 > buf.length) return undefined;
    if (buf[at] !== 0x54 || buf[at + 1] !== 0x5a || buf[at + 2] !== 0x69 || buf[at + 3] !== 0x66) return undefined;
    const counts: number[] = [];
    for (let i = 0; i < 6; i++) counts.push(view.getUint32(at + 20 + i * 4));
    return { version: buf[at + 4]!, counts };
  };
  const h1 = header(0);
  if (h1 === undefined) return undefined;
  const blockLen = (counts: number[], timeSize: number): number => {
    const [isut, isstd, leap, time, type, char] = counts as [number, number, number, number, number, number];
    return time * timeSize + time + type * 6 + char + leap * (timeSize + 4) + isstd + isut;
  };
  let at = 44;
  let counts = h1.counts;
  let timeSize = 4;
  if (h1.version >= 0x32) {
    const h2 = header(44 + blockLen(h1.counts, 4));
    if (h2 === undefined) return undefined;
    at = 44 + blockLen(h1.counts, 4) + 44;
    counts = h2.counts;
    timeSize = 8;
  }
  const [, , , timecnt, typecnt, charcnt] = counts as [number, number, number, number, number, number];
  if (typecnt === 0 || at + blockLen(counts, timeSize) > buf.length) return undefined;
  const transitions: number[] = [];
  for (let i = 0; i < timecnt; i++) {
    transitions.push(timeSize === 8 ? Number(view.getBigInt64(at + i * 8)) : view.getInt32(at + i * 4));
  }
  at += timecnt * timeSize;
  const transitionTypes = Array.from(buf.subarray(at, at + timecnt));
  at += timecnt;
  const typeStart = at;
  const charStart = typeStart + typecnt * 6;
  const chars = buf.subarray(charStart, charStart + charcnt);
  const types = [];
  for (let i = 0; i < typecnt; i++) {
    const p = typeStart + i * 6;
    const idx = buf[p + 5]!;
    const endNul = chars.indexOf(0, idx);
    const abbr = new TextDecoder('latin1').decode(chars.subarray(idx, endNul < 0 ? chars.length : endNul));
    types.push({ offset: view.getInt32(p), isDst: buf[p + 4] !== 0, abbr });
  }
  if (transitionTypes.some((t) => t >= typecnt)) return undefined;
  let footer: PosixTzRule | undefined;
  if (timeSize === 8) {
    const end = at + blockLen(counts, 8) - timecnt * 9;
    const rest = new TextDecoder('latin1').decode(buf.subarray(end));
    const m = /^\n([^\n]*)\n/.exec(rest);
    if (m !== null && m[1] !== '') footer = parsePosixTz(m[1]!);
  }
  return { transitions, transitionTypes, types, ...(footer !== undefined ? { footer } : {}) };
}

/** Abbreviation and offset (seconds east of UTC) in effect at `t` (seconds since the epoch). */
export function tzifZoneAt(zone: TzifZone, t: number): { abbr: string; offset: number } {
  const n = zone.transitions.length;
  if (n === 0 || t < zone.transitions[0]!) {
    if (n === 0 && zone.footer !== undefined) return fromRule(zone.footer, t);
    const first = zone.types[0]!;
    return { abbr: first.abbr, offset: first.offset };
  }
  if (t >= zone.transitions[n - 1]! && zone.footer !== undefined) return fromRule(zone.footer, t);
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (zone.transitions[mid]! <= t) lo = mid;
    else hi = mid - 1;
  }
  const type = zone.types[zone.transitionTypes[lo]!]!;
  return { abbr: type.abbr, offset: type.offset };
}

function fromRule(rule: PosixTzRule, t: number): { abbr: string; offset: number } {
  const { abbr, offset } = posixTzAt(rule, t);
  return { abbr, offset };
}
