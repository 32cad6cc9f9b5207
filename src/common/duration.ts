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
