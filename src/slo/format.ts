/**
 * Number, duration and label-set formatting exactly as Sloth prints them (Go's `fmt` and
 * the Prometheus model), so that generated expressions are identical to Sloth's.
 */

/** Shortest round-trip digits and decimal exponent of a finite non-zero number. */
function digitsOf(v: number): { sign: string; digits: string; exp: number } {
  const [mant, e] = Math.abs(v).toExponential().split('e');
  return { sign: v < 0 ? '-' : '', digits: mant.replace('.', ''), exp: Number(e) };
}

function plainDecimal(sign: string, digits: string, exp: number): string {
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits}${'0'.repeat(exp + 1 - digits.length)}`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/**
 * Go's `%v` / `%g` for a float64 (what Sloth's templates and `fmt.Sprintf("%g")` print):
 * the shortest round-trip digits, in exponent form when the exponent is below -4 or at
 * least 6 (`1e+06`, `1.5e-05`), plain decimal otherwise.
 */
export function goFloat(v: number): string {
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf';
  const { sign, digits, exp } = digitsOf(v);
  if (exp < -4 || exp >= 6) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp);
    return `${sign}${mant}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  return plainDecimal(sign, digits, exp);
}

/** Go's `strconv.FormatFloat(v, 'f', -1, 64)`: shortest digits, never an exponent. */
export function goFloatF(v: number): string {
  if (v === 0) return '0';
  const { sign, digits, exp } = digitsOf(v);
  return plainDecimal(sign, digits, exp);
}

const MS = { y: 365 * 24 * 3600 * 1000, w: 7 * 24 * 3600 * 1000, d: 24 * 3600 * 1000, h: 3600 * 1000, m: 60 * 1000, s: 1000, ms: 1 };

/**
 * A span as the Prometheus model prints it (`5m`, `1h`, `30d`, `4w`, `1y`): years and
 * weeks only when they divide the span exactly.
 */
export function promModelDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  const unit = (name: keyof typeof MS, exact: boolean) => {
    const size = MS[name];
    if (exact && rest % size !== 0) return;
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${name}`;
      rest -= n * size;
    }
  };
  unit('y', true);
  unit('w', true);
  unit('d', false);
  unit('h', false);
  unit('m', false);
  unit('s', false);
  unit('ms', false);
  return out;
}

const DURATION_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** Parses a Prometheus duration (`30d`, `4w`, `1h30m`, `0`) into milliseconds; undefined when invalid. */
export function parsePromModelDuration(s: string): number | undefined {
  if (s === '0') return 0;
  if (s === '') return undefined;
  const m = DURATION_RE.exec(s);
  if (!m) return undefined;
  const sizes = [MS.y, MS.w, MS.d, MS.h, MS.m, MS.s, MS.ms];
  return sizes.reduce((acc, size, i) => acc + (m[i + 1] ? Number(m[i + 1]) * size : 0), 0);
}

/** Go's `time.Duration.Hours()` for a span in milliseconds. */
export function durationHours(ms: number): number {
  const hour = Math.trunc(ms / 3600000);
  const rest = ms % 3600000;
  return hour + (rest * 1e6) / 3.6e12;
}

/** Go's `strconv.Quote` for the characters label values use. */
function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** A label set as the Prometheus model prints it: `{a="1", b="2"}`, names sorted. */
export function promLabelSet(labels: Record<string, string>): string {
  const names = Object.keys(labels).sort();
  return `{${names.map((n) => `${n}=${goQuote(labels[n])}`).join(', ')}}`;
}
