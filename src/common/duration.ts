import { Duration } from 'cdk8s';

const UNITS: Array<[string, number]> = [
  ['w', 7 * 24 * 3600 * 1000],
  ['d', 24 * 3600 * 1000],
  ['h', 3600 * 1000],
  ['m', 60 * 1000],
  ['s', 1000],
  ['ms', 1],
];

/**
 * A span as a Prometheus duration (`5m`, `1h30m`, `30d`, `4w`), largest units first,
 * the way Prometheus prints durations.
 */
export function promDuration(d: Duration | number): string {
  let ms = typeof d === 'number' ? d : d.toMilliseconds();
  if (ms === 0) return '0s';
  let out = '';
  for (const [unit, size] of UNITS) {
    const n = Math.floor(ms / size);
    if (n > 0) {
      out += `${n}${unit}`;
      ms -= n * size;
    }
  }
  return out;
}

/** Parses a Prometheus duration (`5m`, `1h30m`, `30d`, `4w`, `1y`) into milliseconds; undefined if invalid. */
export function parsePromDuration(s: string): number | undefined {
  const units: Record<string, number> = { y: 365 * 24 * 3600 * 1000, w: 7 * 24 * 3600 * 1000, d: 24 * 3600 * 1000, h: 3600 * 1000, m: 60 * 1000, s: 1000, ms: 1 };
  if (!/^((\d+)(ms|[ywdhms]))+$/.test(s)) return undefined;
  let total = 0;
  for (const m of s.matchAll(/(\d+)(ms|[ywdhms])/g)) total += Number(m[1]) * units[m[2]];
  return total;
}

/**
 * A span as a Go `time.Duration` string with hours as the largest unit (`720h0m0s`,
 * `5m0s`, `30s`), the form Velero and Kubernetes controllers print and parse.
 */
export function goDuration(d: Duration | number): string {
  const ms = typeof d === 'number' ? d : d.toMilliseconds();
  if (ms === 0) return '0s';
  const h = Math.floor(ms / 3600000);
  const m = Math.floor((ms % 3600000) / 60000);
  const s = (ms % 60000) / 1000;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

/** A compact Go duration (`5m`, `1h30m`, `90s`), accepted by Go's `time.ParseDuration`. */
export function shortGoDuration(d: Duration | number): string {
  let ms = typeof d === 'number' ? d : d.toMilliseconds();
  if (ms === 0) return '0s';
  let out = '';
  for (const [unit, size] of [['h', 3600000], ['m', 60000], ['s', 1000], ['ms', 1]] as Array<[string, number]>) {
    const n = Math.floor(ms / size);
    if (n > 0) {
      out += `${n}${unit}`;
      ms -= n * size;
    }
  }
  return out;
}

const SPELLED_UNITS: Record<string, [string, number]> = { millis: ['ms', 1], seconds: ['s', 1000], minutes: ['m', 60000], hours: ['h', 3600000] };

/**
 * A span as a Go duration in the unit it was written with: `Duration.seconds(400)` is
 * `400s`, `Duration.minutes(10)` is `10m`, so a manifest migrated from YAML keeps its
 * spelling. Go has no day unit: days (and amounts that are not whole in their unit) are
 * written by `fallback`, which defaults to the compact form (`168h`, `1m30s`).
 */
export function spelledGoDuration(d: Duration, fallback: (ms: number) => string = shortGoDuration): string {
  const ms = d.toMilliseconds();
  const unit = SPELLED_UNITS[d.unitLabel()];
  if (!unit) return fallback(ms);
  const amount = ms / unit[1];
  return Number.isInteger(amount) ? `${amount}${unit[0]}` : fallback(ms);
}

const GO_UNITS_NS: Record<string, number> = { h: 3.6e12, m: 6e10, s: 1e9, ms: 1e6, us: 1e3, 'µs': 1e3, 'μs': 1e3, ns: 1 };
const GO_DURATION = /^[-+]?((\d+(\.\d*)?|\.\d+)(h|m|s|ms|us|µs|μs|ns))+$|^[-+]?0$/;

/**
 * A Go duration string kept exactly as written (`-10m100ns`, `1h30m`, `400s`), for the
 * fields where Go's full syntax matters: below a millisecond, negative, or mixed units.
 * Parse it with {@link GoDuration.parse}, which rejects what Go's `time.ParseDuration` would.
 */
export class GoDuration {
  /** Parses `raw` as Go's `time.ParseDuration` does; throws on a string Go rejects. */
  public static parse(raw: string): GoDuration {
    const problem = goDurationProblem(raw);
    if (problem) throw new Error(`"${raw}" is not a Go duration: ${problem}. Fix: write a duration such as "-10m100ns", "1h30m" or "400s".`);
    return new GoDuration(raw);
  }

  /** A cdk8s Duration, in the unit it was written with (see `spelledGoDuration`). */
  public static of(d: Duration, negative = false): GoDuration {
    return new GoDuration(`${negative ? '-' : ''}${spelledGoDuration(d)}`);
  }

  private constructor(
    /** The duration as written in the manifest. */
    public readonly value: string,
  ) {}

  /** The signed length in nanoseconds (a float: exact up to about 104 days). */
  public get nanoseconds(): number {
    const sign = this.value.startsWith('-') ? -1 : 1;
    let total = 0;
    for (const m of this.value.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ms|us|µs|μs|ns|h|m|s)/g)) total += Number(m[1]) * GO_UNITS_NS[m[2]];
    return sign * total;
  }

  public toString(): string {
    return this.value;
  }
}

/** Why `raw` is not a Go duration, or undefined when Go accepts it. */
export function goDurationProblem(raw: string): string | undefined {
  if (typeof raw !== 'string' || raw === '') return 'it is empty';
  if (!GO_DURATION.test(raw)) return 'Go durations are numbers with units h, m, s, ms, us or ns (such as "1h30m" or "-100ns")';
  return undefined;
}
