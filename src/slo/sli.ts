import type { Problem } from '../common/errors';
import { finiteProblems, matcherProblems, metricNameProblems, labelNameProblems, regexProblems } from '../common/promql';
import { SliModel } from './model';

/** A label matcher for SLI helpers: an exact value, or a regex with `{ regex }`. */
export type LabelMatch = string | { readonly regex: string } | { readonly notRegex: string } | { readonly not: string };

function quote(v: string): string {
  return JSON.stringify(v);
}

/** Renders a PromQL selector body (`{job="x",code=~"5.."}`) from matchers, in the order given; `""` for none. */
export function promqlSelector(matchers: Readonly<Record<string, LabelMatch>> = {}, extra: Readonly<Record<string, LabelMatch>> = {}): string {
  const parts = Object.entries({ ...matchers, ...extra }).map(([k, m]) => {
    if (typeof m === 'string') return `${k}=${quote(m)}`;
    if ('regex' in m) return `${k}=~${quote(m.regex)}`;
    if ('notRegex' in m) return `${k}!~${quote(m.notRegex)}`;
    return `${k}!=${quote(m.not)}`;
  });
  return parts.length ? `{${parts.join(',')}}` : '';
}

/** Options of {@link Sli.availability}. */
export interface AvailabilitySliOptions {
  /** The request counter. @default "http_requests_total" */
  readonly metric?: string;
  /** Matchers selecting the service's requests, e.g. `{ job: 'auth-service' }`. @default {} (all series of the metric) */
  readonly selector?: Readonly<Record<string, LabelMatch>>;
  /** The label holding the status code. @default "code" */
  readonly statusLabel?: string;
  /** Regex of status codes that count as errors. @default "5.." */
  readonly errorStatusRegex?: string;
}

/** Options of {@link Sli.latency}. */
export interface LatencySliOptions {
  /** The histogram's base name (without `_bucket`/`_count`). @default "http_request_duration_seconds" */
  readonly histogram?: string;
  /** Matchers selecting the service's series. @default {} */
  readonly selector?: Readonly<Record<string, LabelMatch>>;
  /**
   * The latency threshold, as the histogram bucket boundary (`le` label) that requests
   * must fall under, written exactly as the bucket's `le` label value (e.g. "0.5", "1").
   * It must be one of the histogram's configured buckets: a value between buckets matches
   * no series and the SLI reads as 100% errors or nothing at all.
   */
  readonly thresholdBucket: string;
}

/** Options of {@link Sli.throughput}. */
export interface ThroughputSliOptions {
  /** The request (or job) counter. @default "http_requests_total" */
  readonly metric?: string;
  /** Matchers selecting the service's series. @default {} */
  readonly selector?: Readonly<Record<string, LabelMatch>>;
  /** The minimum rate, in events per second, the service must sustain. */
  readonly minPerSecond: number;
}

/**
 * A service level indicator: how the error ratio of an SLO is measured. Queries use
 * `{{.window}}` where the range goes; the generator renders one recording per window.
 */
export class Sli {
  /** Error events over total events (Sloth's `events` SLI). */
  public static events(q: { readonly errorQuery: string; readonly totalQuery: string }): Sli {
    return new Sli({ events: { errorQuery: q.errorQuery, totalQuery: q.totalQuery } }, 'events');
  }

  /** An error ratio query (Sloth's `raw` SLI). */
  public static raw(errorRatioQuery: string): Sli {
    return new Sli({ raw: { errorRatioQuery } }, 'raw');
  }

  /**
   * Availability from a request counter labelled by status code: the share of requests
   * whose status matches `errorStatusRegex` (5xx by default).
   */
  public static availability(o: AvailabilitySliOptions = {}): Sli {
    const metric = o.metric ?? 'http_requests_total';
    const status = o.statusLabel ?? 'code';
    const errors = promqlSelector(o.selector, { [status]: { regex: o.errorStatusRegex ?? '5..' } });
    const problems = [
      ...metricNameProblems('metric', metric),
      ...matcherProblems('selector', o.selector),
      ...labelNameProblems('statusLabel', status),
      ...regexProblems('errorStatusRegex', o.errorStatusRegex ?? '5..'),
    ];
    return new Sli(
      {
        events: {
          errorQuery: `sum(rate(${metric}${errors}[{{.window}}]))`,
          totalQuery: `sum(rate(${metric}${promqlSelector(o.selector)}[{{.window}}]))`,
        },
      },
      'availability',
      undefined,
      undefined,
      problems,
    );
  }

  /**
   * Latency from a histogram: the share of requests slower than the threshold bucket,
   * `_count - _bucket{le="<threshold>"}` over `_count`.
   */
  public static latency(o: LatencySliOptions): Sli {
    const h = o.histogram ?? 'http_request_duration_seconds';
    const sel = promqlSelector(o.selector);
    const bucket = promqlSelector(o.selector, { le: o.thresholdBucket });
    const problems = [...metricNameProblems('histogram', h, 'http_request_duration_seconds'), ...matcherProblems('selector', o.selector)];
    return new Sli(
      {
        events: {
          errorQuery: `(sum(rate(${h}_count${sel}[{{.window}}])) - sum(rate(${h}_bucket${bucket}[{{.window}}])))`,
          totalQuery: `sum(rate(${h}_count${sel}[{{.window}}]))`,
        },
      },
      'latency',
      o.thresholdBucket,
      undefined,
      problems,
    );
  }

  /**
   * Throughput: the share of the minimum rate that was not delivered over the window,
   * `1 - min(rate / minPerSecond, 1)`: 0 when the service sustains at least
   * `minPerSecond`, 1 when it processes nothing.
   */
  public static throughput(o: ThroughputSliOptions): Sli {
    const metric = o.metric ?? 'http_requests_total';
    const problems = [
      ...metricNameProblems('metric', metric),
      ...matcherProblems('selector', o.selector),
      ...finiteProblems('minPerSecond', o.minPerSecond, '100'),
    ];
    return new Sli(
      { raw: { errorRatioQuery: `1 - clamp_max(sum(rate(${metric}${promqlSelector(o.selector)}[{{.window}}])) / ${o.minPerSecond}, 1)` } },
      'throughput',
      undefined,
      o.minPerSecond,
      problems,
    );
  }

  /** An SLI from its model (escape hatch). */
  public static of(model: SliModel): Sli {
    return new Sli(model, model.events ? 'events' : 'raw');
  }

  private constructor(
    /** The SLI as plain data. */
    public readonly model: SliModel,
    /** Which factory made it. */
    public readonly kind: 'events' | 'raw' | 'availability' | 'latency' | 'throughput',
    /** For latency SLIs: the threshold bucket. */
    public readonly thresholdBucket?: string,
    /** For throughput SLIs: the minimum rate. */
    public readonly minPerSecond?: number,
    /**
     * What is wrong with the helper's options (a metric or label name that is not valid
     * PromQL, a regex that is not RE2), fields relative to the options; reported by the
     * construct the SLI is given to. Empty for a valid SLI and for `events`, `raw` and `of`
     * (their queries are checked as queries).
     */
    public readonly problems: readonly Problem[] = [],
  ) {}
}

/**
 * The former name of {@link promqlSelector}.
 * @deprecated Use `promqlSelector`: this builds PromQL, not a Kubernetes label selector.
 */
export const selector = promqlSelector;
