/**
 * Durations, parsed and printed in the two grammars the emitted objects use:
 *
 * - **Go** (`time.ParseDuration`, `time.Duration.String`): Velero, Chaos Mesh and every
 *   Kubernetes controller written in Go. Signed, decimal fractions, units `h m s ms us µs ns`,
 *   no days; nanosecond precision, at most about 292 years.
 * - **Prometheus** (`model.ParseDuration`, `model.Duration.String`): rule files, alert
 *   windows, scrape intervals. Whole numbers with units `y w d h m s ms`, each at most once
 *   and largest first; a bare `0`; millisecond precision.
 *
 * Every span the library writes or reads goes through this module. It never loads cdk8s
 * (the runtime uses it): a cdk8s `Duration` is accepted by its shape.
 */
import type { Duration } from 'cdk8s';
import type { Problem } from './errors';

/** A span given as a cdk8s `Duration` (or anything with its `toMilliseconds()`), or as milliseconds. */
export type Span = Pick<Duration, 'toMilliseconds'> | number;

/** The result of parsing a duration: its length, or why the text is not a duration. */
export type DurationParse =
  | {
      readonly ok: true;
      /** The exact length in nanoseconds (signed for Go durations). */
      readonly nanoseconds: bigint;
      /** The length in milliseconds (a float below a millisecond). */
      readonly milliseconds: number;
    }
  | {
      readonly ok: false;
      /** Why the text is not a duration, in words for a message. */
      readonly problem: string;
    };

const NS_PER_MS = 1_000_000n;
const INT64_LIMIT = 1n << 63n;

function spanMs(span: Span): number {
  return typeof span === 'number' ? span : span.toMilliseconds();
}

function msToNs(ms: number): bigint {
  const whole = Math.trunc(ms);
  return BigInt(whole) * NS_PER_MS + BigInt(Math.round((ms - whole) * 1e6));
}

function parsed(ns: bigint): DurationParse {
  // Whole milliseconds and the rest apart, so that spans beyond 2^53 ns stay exact to the millisecond.
  return { ok: true, nanoseconds: ns, milliseconds: Number(ns / NS_PER_MS) + Number(ns % NS_PER_MS) / 1e6 };
}

function failed(problem: string): DurationParse {
  return { ok: false, problem };
}

/** Prints `n` of each unit, largest first, skipping units whose amount is zero. */
function greedy(total: bigint, units: ReadonlyArray<readonly [string, bigint, boolean?]>): string {
  let rest = total;
  let out = '';
  for (const [name, size, onlyWhenExact] of units) {
    if (onlyWhenExact && rest % size !== 0n) continue;
    const n = rest / size;
    if (n > 0n) {
      out += `${n}${name}`;
      rest -= n * size;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Go
// ---------------------------------------------------------------------------------------

const GO_UNITS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 micro sign
  μs: 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const GO_UNIT_NAMES = 'h, m, s, ms, us or ns';
const GO_SHAPE = `Go durations are numbers with units ${GO_UNIT_NAMES} (such as "1h30m" or "-100ns")`;
const GO_TOO_LONG = "it is longer than Go's longest duration (about 292 years)";

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/**
 * Parses a Go duration exactly as Go's `time.ParseDuration` does: an optional sign, then
 * numbers with an optional fraction and a unit (`300ms`, `-1.5h`, `2h45m`, `.5s`), or a bare
 * `0`; every unit may repeat and come in any order. Never throws.
 */
export function parseGoDuration(text: string): DurationParse {
  if (typeof text !== 'string' || text === '') return failed('it is empty');
  let s = text;
  let negative = false;
  if (s[0] === '-' || s[0] === '+') {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return parsed(0n);
  if (s === '') return failed(GO_SHAPE);
  let total = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || isDigit(s[0]))) return failed(GO_SHAPE);
    let i = 0;
    let whole = 0n;
    while (isDigit(s[i])) {
      whole = whole * 10n + BigInt(s.charCodeAt(i) - 48);
      if (whole > INT64_LIMIT) return failed(GO_TOO_LONG);
      i++;
    }
    const hasWhole = i > 0;
    let fraction = 0n;
    let scale = 1;
    let hasFraction = false;
    if (s[i] === '.') {
      i++;
      const start = i;
      let overflow = false;
      while (isDigit(s[i])) {
        if (!overflow) {
          const next = fraction * 10n + BigInt(s.charCodeAt(i) - 48);
          // Past 2^63 the fraction stops gaining precision, as in Go.
          if (next > INT64_LIMIT || fraction > (INT64_LIMIT - 1n) / 10n) overflow = true;
          else {
            fraction = next;
            scale *= 10;
          }
        }
        i++;
      }
      hasFraction = i > start;
    }
    if (!hasWhole && !hasFraction) return failed(GO_SHAPE);
    let j = i;
    while (j < s.length && s[j] !== '.' && !isDigit(s[j])) j++;
    const unitName = s.slice(i, j);
    s = s.slice(j);
    if (unitName === '') return failed(`a number has no unit (use ${GO_UNIT_NAMES})`);
    const unit = GO_UNITS[unitName];
    if (unit === undefined) return failed(`"${unitName}" is not a unit (use ${GO_UNIT_NAMES})`);
    if (whole > INT64_LIMIT / unit) return failed(GO_TOO_LONG);
    let value = whole * unit;
    if (fraction > 0n) {
      // Go computes this part in float64 (exact to the nanosecond for fractions of an hour).
      value += BigInt(Math.trunc(Number(fraction) * (Number(unit) / scale)));
      if (value > INT64_LIMIT) return failed(GO_TOO_LONG);
    }
    total += value;
    if (total > INT64_LIMIT) return failed(GO_TOO_LONG);
  }
  if (!negative && total > INT64_LIMIT - 1n) return failed(GO_TOO_LONG);
  return parsed(negative ? -total : total);
}

/** The length of a Go duration in milliseconds, or undefined when Go would reject the text. */
export function goDurationMs(text: string): number | undefined {
  const r = parseGoDuration(text);
  return r.ok ? r.milliseconds : undefined;
}

/** Go's `Duration.Hours()` for a span in milliseconds (what Sloth's burn-rate factors are computed with). */
export function goHours(ms: number): number {
  const hour = Math.trunc(ms / 3600000);
  const rest = ms % 3600000;
  return hour + (rest * 1e6) / 3.6e12;
}

function fractionDigits(v: bigint, digits: number): { text: string; whole: bigint } {
  const scale = 10n ** BigInt(digits);
  const frac = (v % scale).toString().padStart(digits, '0').replace(/0+$/, '');
  return { text: frac === '' ? '' : `.${frac}`, whole: v / scale };
}

/**
 * A span as Go's `Duration.String()` prints it: hours as the largest unit and every smaller
 * one written (`720h0m0s`, `1h30m0s`, `5m0s`, `1.5s`), smaller units below a second
 * (`500ms`, `1.1µs`), `0s` for zero. Velero and Kubernetes controllers print durations so.
 * A number is milliseconds, a bigint nanoseconds.
 */
export function formatGoDuration(span: Span | bigint): string {
  const ns = typeof span === 'bigint' ? span : msToNs(spanMs(span));
  if (ns === 0n) return '0s';
  const negative = ns < 0n;
  const u = negative ? -ns : ns;
  let out: string;
  if (u < 1_000_000_000n) {
    const [digits, unit] = u < 1_000n ? [0, 'ns'] : u < 1_000_000n ? [3, 'µs'] : [6, 'ms'];
    const f = fractionDigits(u, digits);
    out = `${f.whole}${f.text}${unit}`;
  } else {
    const f = fractionDigits(u, 9);
    const totalSeconds = f.whole;
    const seconds = `${totalSeconds % 60n}${f.text}s`;
    const minutes = totalSeconds / 60n;
    if (minutes === 0n) out = seconds;
    else {
      const hours = minutes / 60n;
      out = hours > 0n ? `${hours}h${minutes % 60n}m${seconds}` : `${minutes % 60n}m${seconds}`;
    }
  }
  return negative ? `-${out}` : out;
}

const GO_COMPACT_UNITS: ReadonlyArray<readonly [string, bigint]> = [
  ['h', GO_UNITS.h],
  ['m', GO_UNITS.m],
  ['s', GO_UNITS.s],
  ['ms', GO_UNITS.ms],
  ['us', GO_UNITS.us],
  ['ns', GO_UNITS.ns],
];

/**
 * A span as a compact Go duration: largest units first, zero parts left out (`5m`, `1h30m`,
 * `1m30s`, `168h`, `0s`). Go's `time.ParseDuration` reads it back to the nanosecond.
 */
export function compactGoDuration(span: Span): string {
  const ns = msToNs(spanMs(span));
  if (ns === 0n) return '0s';
  return ns < 0n ? `-${greedy(-ns, GO_COMPACT_UNITS)}` : greedy(ns, GO_COMPACT_UNITS);
}

/** A span with the unit it was written in, as `spelledGoDuration` reads a cdk8s `Duration`. */
export type SpelledSpan = Pick<Duration, 'toMilliseconds' | 'unitLabel'>;

/**
 * A span of `amount` in `unit`, spelled in that unit: a default the plain-data modules write
 * without loading cdk8s (`spanIn(1, 'minutes')` is written `1m`, as `Duration.minutes(1)`).
 */
export function spanIn(amount: number, unit: 'millis' | 'seconds' | 'minutes' | 'hours'): SpelledSpan {
  const ms = amount * SPELLED_UNITS[unit][1];
  return { toMilliseconds: () => ms, unitLabel: () => unit };
}

const SPELLED_UNITS: Readonly<Record<string, readonly [string, number]>> = {
  millis: ['ms', 1],
  seconds: ['s', 1000],
  minutes: ['m', 60000],
  hours: ['h', 3600000],
};

/**
 * A span as a Go duration in the unit it was written with: `Duration.seconds(400)` is
 * `400s`, `Duration.minutes(10)` is `10m`, so a manifest migrated from YAML keeps its
 * spelling. Go has no day unit: days (and amounts that are not whole in their unit) are
 * written by `fallback`, by default {@link compactGoDuration} (`168h`, `1m30s`).
 */
export function spelledGoDuration(d: SpelledSpan, fallback: (ms: number) => string = compactGoDuration): string {
  const ms = d.toMilliseconds();
  const unit = SPELLED_UNITS[d.unitLabel()];
  if (!unit) return fallback(ms);
  const amount = ms / unit[1];
  return Number.isInteger(amount) ? `${amount}${unit[0]}` : fallback(ms);
}

/** The span in the largest of `units` that divides it, or undefined when none does. */
function inLargestDividingUnit(ms: number, units: ReadonlyArray<readonly [string, number]>): string | undefined {
  for (const [name, size] of units) if (ms >= size && ms % size === 0) return `${ms / size}${name}`;
  return undefined;
}

const GO_SINGLE_UNITS: ReadonlyArray<readonly [string, number]> = [
  ['h', 3600000],
  ['m', 60000],
  ['s', 1000],
];

function largestSingleUnit(ms: number): string {
  if (ms === 0) return '0s';
  return inLargestDividingUnit(ms, GO_SINGLE_UNITS) ?? `${ms}ms`;
}

/**
 * A span as one Go duration unit, the form Chaos Mesh's single-unit fields require
 * (`latency`, `jitter`, `timeOffset`): the unit it was written with (`Duration.millis(100)`
 * is `100ms`), else the largest unit that divides it (`Duration.days(1)` is `24h`).
 */
export function singleUnitGoDuration(d: SpelledSpan): string {
  return spelledGoDuration(d, largestSingleUnit);
}

/**
 * A Go duration string kept exactly as written (`-10m100ns`, `1h30m`, `400s`), for the
 * fields where Go's full syntax matters: below a millisecond, negative, or mixed units.
 * Parse it with {@link GoDuration.parse}, which rejects what Go's `time.ParseDuration` would.
 */
export class GoDuration {
  /** Parses `raw` as Go's `time.ParseDuration` does; throws on a string Go rejects. */
  public static parse(raw: string): GoDuration {
    const r = parseGoDuration(raw);
    if (!r.ok) throw new Error(`"${raw}" is not a Go duration: ${r.problem}. Fix: ${GO_DURATION_FIX}.`);
    return new GoDuration(raw, r.nanoseconds);
  }

  /** A cdk8s Duration, in the unit it was written with (see `spelledGoDuration`). */
  public static of(d: Duration, negative = false): GoDuration {
    const ns = msToNs(d.toMilliseconds());
    return new GoDuration(`${negative ? '-' : ''}${spelledGoDuration(d)}`, negative ? -ns : ns);
  }

  private constructor(
    /** The duration as written in the manifest. */
    public readonly value: string,
    private readonly exact: bigint,
  ) {}

  /** The signed length in nanoseconds (a float: exact up to about 104 days). */
  public get nanoseconds(): number {
    return Number(this.exact);
  }

  public toString(): string {
    return this.value;
  }
}

const GO_DURATION_FIX = 'write a duration such as "-10m100ns", "1h30m" or "400s"';

/** Why `raw` is not a Go duration, or undefined when Go accepts it. */
export function goDurationProblem(raw: string): string | undefined {
  const r = parseGoDuration(raw);
  return r.ok ? undefined : r.problem;
}

// ---------------------------------------------------------------------------------------
// Prometheus
// ---------------------------------------------------------------------------------------

const PROM_UNITS: ReadonlyArray<readonly [string, bigint]> = [
  ['y', 365n * 24n * 3600n * 1000n],
  ['w', 7n * 24n * 3600n * 1000n],
  ['d', 24n * 3600n * 1000n],
  ['h', 3600n * 1000n],
  ['m', 60n * 1000n],
  ['s', 1000n],
  ['ms', 1n],
];
const PROM_UNIT_NAMES = 'y, w, d, h, m, s or ms';
const PROM_SHAPE = `Prometheus durations are whole numbers with units ${PROM_UNIT_NAMES}, largest first (such as "1h30m" or "30d")`;
const PROM_TOO_LONG = 'it is longer than the longest Prometheus duration (about 292 years)';

/**
 * Parses a Prometheus duration exactly as Prometheus' `model.ParseDuration` does: a bare
 * `0`, or whole numbers each with a unit, every unit at most once and largest first
 * (`1h30m`, `30d`, `4w`, `1y`). No sign, no fractions. Never throws.
 */
export function parsePromDuration(text: string): DurationParse {
  if (typeof text !== 'string' || text === '') return failed('it is empty');
  if (text === '0') return parsed(0n);
  let s = text;
  let total = 0n;
  let lastUnit = -1;
  while (s !== '') {
    if (!isDigit(s[0])) return failed(PROM_SHAPE);
    let i = 0;
    while (isDigit(s[i])) i++;
    const amount = BigInt(s.slice(0, i));
    let j = i;
    while (j < s.length && !isDigit(s[j])) j++;
    const unitName = s.slice(i, j);
    s = s.slice(j);
    if (unitName === '') return failed(PROM_SHAPE);
    const index = PROM_UNITS.findIndex(([n]) => n === unitName);
    if (index < 0) return failed(`"${unitName}" is not a Prometheus unit (use ${PROM_UNIT_NAMES})`);
    if (index <= lastUnit) return failed(`${PROM_SHAPE}; "${unitName}" is out of order or repeated`);
    lastUnit = index;
    const ms = PROM_UNITS[index][1];
    if (amount > INT64_LIMIT / (ms * NS_PER_MS)) return failed(PROM_TOO_LONG);
    total += amount * ms * NS_PER_MS;
    if (total > INT64_LIMIT - 1n) return failed(PROM_TOO_LONG);
  }
  return parsed(total);
}

/** The length of a Prometheus duration in milliseconds, or undefined when Prometheus would reject the text. */
export function promDurationMs(text: string): number | undefined {
  const r = parsePromDuration(text);
  return r.ok ? r.milliseconds : undefined;
}

/** Options of {@link formatPromDuration}. */
export interface PromDurationFormat {
  /**
   * The largest unit written: `y` prints years and weeks where they divide the span exactly
   * (as Prometheus does: `4w`, `90d`); `d` never writes years or weeks (`7d`, `1d1h30m`),
   * the way messages and alert texts speak of spans.
   * @default 'y'
   */
  readonly largestUnit?: 'y' | 'd';
}

/**
 * A span as Prometheus' `model.Duration.String()` prints it: largest units first, years and
 * weeks only when they divide the span exactly (`5m`, `1h30m`, `8d`, `4w`, `1y`), `0s` for
 * zero, milliseconds as the smallest unit.
 */
export function formatPromDuration(span: Span, options: PromDurationFormat = {}): string {
  const ms = BigInt(Math.trunc(spanMs(span)));
  if (ms === 0n) return '0s';
  const units = PROM_UNITS.filter(([n]) => options.largestUnit !== 'd' || (n !== 'y' && n !== 'w')).map(
    ([n, size]) => [n, size, n === 'y' || n === 'w'] as const,
  );
  return ms < 0n ? `-${greedy(-ms, units)}` : greedy(ms, units);
}

/** A number of seconds, rounded, in Prometheus syntax with days as the largest unit (`45s`, `1h`, `1d1h30m`, `7d`). */
export function formatSeconds(seconds: number): string {
  return formatPromDuration(Math.round(seconds) * 1000, { largestUnit: 'd' });
}

// ---------------------------------------------------------------------------------------
// Grafana
// ---------------------------------------------------------------------------------------

const GRAFANA_UNITS: ReadonlyArray<readonly [string, number]> = [
  ['d', 86400000],
  ['h', 3600000],
  ['m', 60000],
  ['s', 1000],
];

/**
 * A span in Grafana's single-unit form (`7d`, `90m`, `30s`): Grafana's relative times and
 * refresh intervals take one number and one unit, not Prometheus' `1w` or `4w2d`. A span
 * that is not whole seconds is rounded up to them.
 */
export function formatGrafanaSpan(span: Span): string {
  const ms = spanMs(span);
  return inLargestDividingUnit(ms, GRAFANA_UNITS) ?? `${Math.ceil(ms / 1000)}s`;
}

// ---------------------------------------------------------------------------------------
// For people
// ---------------------------------------------------------------------------------------

/**
 * A span for people, in reports: the largest whole unit when one divides it (`30d`, `1h`,
 * `90s`), else rounded to a sensible precision (`45s`, `12m`, `3.5h`, `2.5d`).
 */
export function humanDuration(ms: number): string {
  const exact = inLargestDividingUnit(ms, GRAFANA_UNITS);
  if (exact) return exact;
  const s = ms / 1000;
  if (s < 90) return `${Math.round(s)}s`;
  if (s < 90 * 60) return `${Math.round(s / 60)}m`;
  if (s < 48 * 3600) return `${(s / 3600).toFixed(1).replace(/\.0$/, '')}h`;
  return `${(s / 86400).toFixed(1).replace(/\.0$/, '')}d`;
}

// ---------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------

/** Options of the duration checks. */
export interface DurationCheckOptions {
  /**
   * Also require a length above zero.
   * @default false
   */
  readonly positive?: boolean;
  /**
   * How to fix a bad value.
   * @default an example of the grammar
   */
  readonly fix?: string;
}

function durationProblems(
  grammar: 'Go' | 'Prometheus',
  r: DurationParse,
  field: string,
  text: string,
  fix: string,
  options: DurationCheckOptions,
): Problem[] {
  if (!r.ok) return [{ field, problem: `"${text}" is not a ${grammar} duration: ${r.problem}`, fix: options.fix ?? fix }];
  if (options.positive && r.nanoseconds <= 0n) return [{ field, problem: `"${text}" is not a positive duration`, fix: options.fix ?? fix }];
  return [];
}

/** Problems with a Go duration written as text (a field of a migrated manifest, a flag). */
export function goDurationProblems(field: string, text: string, options: DurationCheckOptions = {}): Problem[] {
  return durationProblems('Go', parseGoDuration(text), field, text, GO_DURATION_FIX, options);
}

/** Problems with a Prometheus duration written as text (a rule's `for`, an alert window). */
export function promDurationProblems(field: string, text: string, options: DurationCheckOptions = {}): Problem[] {
  return durationProblems('Prometheus', parsePromDuration(text), field, text, 'write a duration such as "5m", "1h30m" or "30d"', options);
}
