/**
 * POSIX TZ strings (`CET-1CEST,M3.5.0,M10.5.0/3`, `<+0330>-3:30`, `JST-9`),
 * as found in $TZ and in the footer of TZif v2+ files. Offsets here are
 * seconds EAST of UTC (POSIX writes them west, hence the sign flip).
 */
export interface PosixTzRule {
  readonly std: { readonly abbr: string; readonly offset: number };
  readonly dst?: {
    readonly abbr: string;
    readonly offset: number;
    readonly start: TransitionDate;
    readonly end: TransitionDate;
  };
}

/** A rule date plus the local time of day (seconds, may be negative or > 24 h). */
export type TransitionDate =
  | { readonly kind: 'julian1'; readonly day: number; readonly time: number } // Jn: 1..365, Feb 29 never counted
  | { readonly kind: 'julian0'; readonly day: number; readonly time: number } // n: 0..365, Feb 29 counted
  | { readonly kind: 'month'; readonly month: number; readonly week: number; readonly weekday: number; readonly time: number };

class Cursor {
  pos = 0;
  constructor(readonly s: string) {}
  peek(): string | undefined {
    return this.s[this.pos];
  }
  done(): boolean {
    return this.pos >= this.s.length;
  }
}

function parseAbbr(c: Cursor): string | undefined {
  if (c.peek() === '<') {
    const end = c.s.indexOf('>', c.pos);
    if (end < 0) return undefined;
    const abbr = c.s.slice(c.pos + 1, end);
    if (abbr.length < 3 || !/^[A-Za-z0-9+-]+$/.test(abbr)) return undefined;
    c.pos = end + 1;
    return abbr;
  }
  const m = /^[A-Za-z]{3,}/.exec(c.s.slice(c.pos));
  if (m === null) return undefined;
  c.pos += m[0].length;
  return m[0];
}

/** [+-]hh[:mm[:ss]] → seconds (sign as written). `maxHours` 24 for offsets, 167 for rule times. */
function parseHms(c: Cursor, maxHours: number): number | undefined {
  const m = /^([+-]?)(\d{1,3})(?::(\d{1,2})(?::(\d{1,2}))?)?/.exec(c.s.slice(c.pos));
  if (m === null) return undefined;
  const h = Number(m[2]);
  const min = m[3] === undefined ? 0 : Number(m[3]);
  const sec = m[4] === undefined ? 0 : Number(m[4]);
  if (h > maxHours || min > 59 || sec > 59) return undefined;
  c.pos += m[0].length;
  const v = h * 3600 + min * 60 + sec;
  return m[1] === '-' ? -v : v;
}

function parseDate(c: Cursor): TransitionDate | undefined {
  const rest = c.s.slice(c.pos);
  let date: TransitionDate | undefined;
  let m: RegExpExecArray | null;
  if ((m = /^M(\d{1,2})\.(\d)\.(\d)/.exec(rest)) !== null) {
    const month = Number(m[1]);
    const week = Number(m[2]);
    const weekday = Number(m[3]);
    if (month < 1 || month > 12 || week < 1 || week > 5 || weekday > 6) return undefined;
    date = { kind: 'month', month, week, weekday, time: 7200 };
  } else if ((m = /^J(\d{1,3})/.exec(rest)) !== null) {
    const day = Number(m[1]);
    if (day < 1 || day > 365) return undefined;
    date = { kind: 'julian1', day, time: 7200 };
  } else if ((m = /^(\d{1,3})/.exec(rest)) !== null) {
    const day = Number(m[1]);
    if (day > 365) return undefined;
    date = { kind: 'julian0', day, time: 7200 };
  } else {
    return undefined;
  }
  c.pos += m[0].length;
  if (c.peek() === '/') {
    c.pos++;
    const t = parseHms(c, 167);
    if (t === undefined) return undefined;
    date = { ...date, time: t };
  }
  return date;
}

/**
 * Parse a POSIX TZ string; undefined when invalid. As in GLib (and so
 * qemu-ga), a DST name without a `,start,end` rule is invalid.
 */
export function parsePosixTz(s: string): PosixTzRule | undefined {
  const c = new Cursor(s);
  const stdAbbr = parseAbbr(c);
  if (stdAbbr === undefined) return undefined;
  const stdWest = parseHms(c, 24);
  if (stdWest === undefined) return undefined;
  const std = { abbr: stdAbbr, offset: -stdWest };
  if (c.done()) return { std };
  const dstAbbr = parseAbbr(c);
  if (dstAbbr === undefined) return undefined;
  let dstOffset = std.offset + 3600;
  if (c.peek() !== ',') {
    const w = parseHms(c, 24);
    if (w === undefined) return undefined;
    dstOffset = -w;
  }
  if (c.peek() !== ',') return undefined;
  c.pos++;
  const start = parseDate(c);
  if (start === undefined || c.peek() !== ',') return undefined;
  c.pos++;
  const end = parseDate(c);
  if (end === undefined || !c.done()) return undefined;
  return { std, dst: { abbr: dstAbbr, offset: dstOffset, start, end } };
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const DAY = 86400;

/** Seconds since the epoch of 00:00 (local wall clock taken as UTC) of the rule's day in `year`. */
function ruleDayStart(d: TransitionDate, year: number): number {
  const jan1 = Date.UTC(year, 0, 1) / 1000;
  switch (d.kind) {
    case 'julian1': {
      // Feb 29 is never counted: day 60 is always March 1.
      const day = d.day - 1 + (isLeap(year) && d.day >= 60 ? 1 : 0);
      return jan1 + day * DAY;
    }
    case 'julian0':
      return jan1 + d.day * DAY;
    case 'month': {
      const first = Date.UTC(year, d.month - 1, 1) / 1000;
      const firstWeekday = new Date(first * 1000).getUTCDay();
      let mday = 1 + ((d.weekday - firstWeekday + 7) % 7) + (d.week - 1) * 7;
      const daysInMonth = new Date(Date.UTC(year, d.month, 0)).getUTCDate();
      while (mday > daysInMonth) mday -= 7; // week 5 = last such weekday
      return first + (mday - 1) * DAY;
    }
  }
}

/** Abbreviation and offset (seconds east) in effect at `t` (seconds since the epoch). */
export function posixTzAt(rule: PosixTzRule, t: number): { abbr: string; offset: number; isDst: boolean } {
  const dst = rule.dst;
  if (dst === undefined) return { abbr: rule.std.abbr, offset: rule.std.offset, isDst: false };
  const year = new Date((t + rule.std.offset) * 1000).getUTCFullYear();
  const inDst = (y: number): boolean => {
    // Start is given in standard local time, end in daylight local time.
    const start = ruleDayStart(dst.start, y) + dst.start.time - rule.std.offset;
    const end = ruleDayStart(dst.end, y) + dst.end.time - dst.offset;
    return start <= end ? t >= start && t < end : !(t >= end && t < start);
  };
  const on = inDst(year);
  return on ? { abbr: dst.abbr, offset: dst.offset, isDst: true } : { abbr: rule.std.abbr, offset: rule.std.offset, isDst: false };
}
