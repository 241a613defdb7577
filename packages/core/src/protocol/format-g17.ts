/**
 * A double as C's printf("%.17g") prints it, which is how qemu-ga writes
 * numbers that are not integers of the int64/uint64 kind (docs/protocol.md#output-encoding):
 * 0.1 → "0.10000000000000001", 2 → "2", 1e21 → "1e+21", 1e-5 → "1.0000000000000001e-05".
 */
export function formatG17(x: number): string {
  // Polled figures (load averages) repeat between calls; the exact formatting below costs microseconds.
  if (Object.is(x, -0)) return '-0'; // a Map would find it under 0
  let text = recent.get(x);
  if (text === undefined) {
    text = formatG17Exact(x);
    if (recent.size >= MAX_RECENT) recent.clear();
    recent.set(x, text);
  }
  return text;
}

const recent = new Map<number, string>();
const MAX_RECENT = 1024;

function formatG17Exact(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [digits, exp] = significantDigits17(Math.abs(x));
  const sign = x < 0 ? '-' : '';
  // %g: scientific when the exponent is below -4 or at least the precision.
  if (exp < -4 || exp >= 17) {
    const mant = stripZeros(digits[0] + '.' + digits.slice(1));
    const e = Math.abs(exp);
    return `${sign}${mant}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  if (exp < 0) return sign + stripZeros('0.' + '0'.repeat(-exp - 1) + digits);
  return sign + stripZeros(digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1));
}

/** Trailing zeros after the point go, and so does a bare point (%g without '#'). */
function stripZeros(s: string): string {
  if (!s.includes('.')) return s;
  s = s.replace(/0+$/, '');
  return s.endsWith('.') ? s.slice(0, -1) : s;
}

/**
 * The 17 significant digits of x > 0, rounded like glibc (exactly, ties to even),
 * and the decimal exponent of the first one.
 */
function significantDigits17(x: number): [string, number] {
  const [m, e] = x.toExponential(16).split('e') as [string, string];
  let digits = m.replace('.', '');
  const exp = Number(e);
  // JavaScript rounds exact ties away from zero, glibc to even. A tie needs the
  // exact value to end in a 5 right after the 17th digit: check those few cases exactly.
  const longer = x.toExponential(17).split('e')[0]!;
  if (longer.endsWith('5') && (digits.charCodeAt(16) & 1) === 1 && isExactTie(x, digits, exp)) {
    // Round down instead; the last digit is odd, so subtracting one never borrows.
    digits = (BigInt(digits) - 1n).toString();
  }
  return [digits, exp];
}

/** Whether x lies exactly halfway below `digits` (17 digits, exponent `exp`): JS rounded a tie up. */
function isExactTie(x: number, digits: string, exp: number): boolean {
  // x == (digits - 0.5) * 10^(exp - 16) exactly, compared as integers via BigInt.
  const [num, den] = exactRational(x);
  // (2*digits - 1) * 10^(exp-16) / 2 == num/den
  let lhsNum = (2n * BigInt(digits) - 1n) * den;
  let rhsNum = 2n * num;
  const p = exp - 16;
  if (p >= 0) lhsNum *= 10n ** BigInt(p);
  else rhsNum *= 10n ** BigInt(-p);
  return lhsNum === rhsNum;
}

/** x as num/den with den a power of two. */
function exactRational(x: number): [bigint, bigint] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & 0xfffffffffffffn;
  let e: number;
  if (biased === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = biased - 1075;
  }
  return e >= 0 ? [mant << BigInt(e), 1n] : [mant, 1n << BigInt(-e)];
}
