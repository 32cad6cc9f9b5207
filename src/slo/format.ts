/**
 * Number and label-set formatting exactly as Sloth prints them (Go's `fmt` and the
 * Prometheus model), so that generated expressions are identical to Sloth's. Durations are
 * printed by `../common/duration`.
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
