/**
 * What a chaos run measures, through the Prometheus HTTP API: the target's error rate,
 * p50/p95/p99 latency, request rate and pod restarts, as range series over the steady-state,
 * during-fault and after-fault phases; and, when SLOs are given, each SLO's shortest-window
 * error ratio and its page alert over the experiment.
 *
 * The default queries are the reference chapter's, made exact for a verdict: the chapter
 * rates `http_requests_total{status=~"5.."}` and takes `histogram_quantile(0.99, ...)` of
 * `http_request_duration_seconds_bucket` and the rate of
 * `kube_pod_container_status_restarts_total`; here the error rate is a ratio of all
 * requests, the quantiles aggregate the buckets by `le` across pods, and restarts are the
 * counter's increase within each phase. Every query can be replaced.
 */
import { SloMetrics, sliErrorMetric } from '../../slo/rules';
import { matchers, PrometheusApi, promString, RangeSeries, Sample } from '../prometheus';
import { SloTarget } from '../slo/targets';
import { promDurationMs } from '../../common/duration';

/** The PromQL of each measured quantity; every query must return one series (or none). */
export interface ChaosMetricQueries {
  /** Share of requests that failed, 0..1. */
  readonly errorRate: string;
  /** Requests per second. */
  readonly requestRate: string;
  /** Latency quantiles in seconds, keyed by quantile (0.5, 0.95, 0.99, and any a latency SLO needs). */
  readonly latency: Readonly<Record<string, string>>;
  /** Cumulative container restarts of the target's pods (a counter: the phase's increase is taken). */
  readonly restarts: string;
  /**
   * The rate window of the queries, in seconds: a fault's errors stay in the rates this long
   * after it ends, so the verdict looks that far past the fault. @default 0
   */
  readonly rateWindowSeconds?: number;
}

/** Options of {@link chaosMetricQueries}: what the target is and how its metrics are named. */
export interface ChaosMetricOptions {
  /** Label matchers selecting the target's HTTP series, e.g. `{ job: 'demo-app' }`. @default {} (every series) */
  readonly selector?: Readonly<Record<string, string>>;
  /** The target's namespace, for the restart counter. @default - any namespace */
  readonly namespace?: string;
  /** A regex of the target's pod names, for the restart counter (e.g. `demo-app-.*`). @default - any pod */
  readonly podRegex?: string;
  /** The request counter. @default "http_requests_total" */
  readonly requestsMetric?: string;
  /** The latency histogram's base name. @default "http_request_duration_seconds" */
  readonly histogram?: string;
  /** The restart counter (kube-state-metrics). @default "kube_pod_container_status_restarts_total" */
  readonly restartsMetric?: string;
  /** The label holding the status code (the chapter's queries use `status`). @default "status" */
  readonly statusLabel?: string;
  /** Status codes counted as errors. @default "5.." */
  readonly errorStatusRegex?: string;
  /**
   * The rate window. The chapter uses 5m; shorter windows follow a fault closely, and the
   * error rate stays raised for one window after a fault ends, so keep it under `--recovery`.
   * @default "1m"
   */
  readonly rateWindow?: string;
  /** Extra latency quantiles to measure (a latency SLO's objective, e.g. 0.9). @default [] */
  readonly extraQuantiles?: readonly number[];
  /** Replacements for any default query (`--query-error-rate` ...). @default {} */
  readonly overrides?: Partial<Omit<ChaosMetricQueries, 'latency'>> & { readonly latency?: Readonly<Record<string, string>> };
}

/** The standard latency quantiles of a chaos run. */
export const STANDARD_QUANTILES: readonly number[] = [0.5, 0.95, 0.99];

/** A quantile as a key: `0.99`. */
export function quantileKey(q: number): string {
  return String(Number(q.toPrecision(6)));
}

/** The queries of a chaos run, the chapter's by default. */
export function chaosMetricQueries(o: ChaosMetricOptions = {}): ChaosMetricQueries {
  const w = o.rateWindow ?? '1m';
  if (promDurationMs(w) === undefined) throw new Error(`rate window "${w}" is not a Prometheus duration (e.g. 30s, 1m, 5m)`);
  const sel = o.selector ?? {};
  const req = o.requestsMetric ?? 'http_requests_total';
  const h = o.histogram ?? 'http_request_duration_seconds';
  const status = o.statusLabel ?? 'status';
  const body = (extra: string) => {
    const parts = [matchers(sel).slice(1, -1), extra].filter(Boolean);
    return parts.length ? `{${parts.join(',')}}` : '';
  };
  const errors = body(`${status}=~${promString(o.errorStatusRegex ?? '5..')}`);
  const all = body('');
  const restartSel = [
    o.namespace !== undefined ? `namespace=${promString(o.namespace)}` : '',
    o.podRegex !== undefined ? `pod=~${promString(o.podRegex)}` : '',
  ]
    .filter(Boolean)
    .join(',');
  const quantiles = [...new Set([...STANDARD_QUANTILES, ...(o.extraQuantiles ?? [])].map(quantileKey))];
  const latency: Record<string, string> = {};
  for (const q of quantiles) latency[q] = `histogram_quantile(${q}, sum by (le) (rate(${h}_bucket${all}[${w}])))`;
  return {
    errorRate: o.overrides?.errorRate ?? `(sum(rate(${req}${errors}[${w}])) or vector(0)) / sum(rate(${req}${all}[${w}]))`,
    requestRate: o.overrides?.requestRate ?? `sum(rate(${req}${all}[${w}]))`,
    latency: { ...latency, ...(o.overrides?.latency ?? {}) },
    restarts: o.overrides?.restarts ?? `sum(${o.restartsMetric ?? 'kube_pod_container_status_restarts_total'}${restartSel ? `{${restartSel}}` : ''})`,
    rateWindowSeconds: promDurationMs(w)! / 1000,
  };
}

/** The phases of a run. */
export type PhaseName = 'steady-state' | 'during' | 'after';

/** When a run's phases began and ended, in Unix seconds. */
export interface ChaosTimeline {
  /** Start of the steady-state measurement. */
  readonly steadyStart: number;
  /** When the fault was injected (end of the steady state). */
  readonly injectedAt: number;
  /** When the fault ended (recovered, deleted or aborted). */
  readonly faultEndedAt: number;
  /** End of the after-fault measurement (faultEndedAt + the recovery window). */
  readonly afterEnd: number;
}

/** The series of one phase. */
export interface PhaseSeries {
  readonly phase: PhaseName;
  readonly start: number;
  readonly end: number;
  readonly errorRate: readonly Sample[];
  readonly requestRate: readonly Sample[];
  /** Latency series by quantile key (`0.99`). */
  readonly latency: Readonly<Record<string, readonly Sample[]>>;
  /** The restart counter's samples. */
  readonly restarts: readonly Sample[];
}

/** One SLO's series over the experiment (from injection to the end of the after phase). */
export interface SloExperimentSeries {
  readonly target: SloTarget;
  /** The SLI window of `errorRatio`, in ms. */
  readonly windowMs: number;
  /** `slo:sli_error:ratio_rate<shortest window>`. */
  readonly errorRatio: readonly Sample[];
  /** Times (Unix seconds) at which the SLO's page alert was firing (from the `ALERTS` series). */
  readonly pageFiringAt: readonly number[];
}

/** Everything measured in a run. */
export interface ChaosMeasurements {
  readonly timeline: ChaosTimeline;
  readonly stepSeconds: number;
  readonly queries: ChaosMetricQueries;
  readonly phases: readonly PhaseSeries[];
  readonly slos: readonly SloExperimentSeries[];
}

function single(series: readonly RangeSeries[], what: string): Sample[] {
  if (series.length === 0) return [];
  if (series.length > 1) {
    throw new Error(`the ${what} query returned ${series.length} series; it must return one (aggregate it, e.g. with sum(...))`);
  }
  return [...series[0].samples];
}

/** Samples within [start, end]. */
export function within(samples: readonly Sample[], start: number, end: number): Sample[] {
  return samples.filter((s) => s.t >= start && s.t <= end);
}

/** A step that gives about `points` samples over a span, at least 1s. */
export function stepFor(spanSeconds: number, points = 240): number {
  return Math.max(1, Math.round(spanSeconds / points));
}

/**
 * Reads every series of a run from Prometheus, once the after phase is over: one range
 * query per quantity over the whole run, split into phases. SLO series are read when
 * targets are given.
 */
export async function collectChaosMeasurements(
  api: PrometheusApi,
  queries: ChaosMetricQueries,
  timeline: ChaosTimeline,
  targets: readonly SloTarget[] = [],
  stepSeconds?: number,
): Promise<ChaosMeasurements> {
  const { steadyStart, injectedAt, faultEndedAt, afterEnd } = timeline;
  if (!(steadyStart <= injectedAt && injectedAt <= faultEndedAt && faultEndedAt <= afterEnd)) {
    throw new Error(
      `the run's timeline is out of order (steady ${steadyStart}, injected ${injectedAt}, fault ended ${faultEndedAt}, after ${afterEnd})`,
    );
  }
  const step = stepSeconds ?? stepFor(afterEnd - steadyStart);
  const start = new Date(steadyStart * 1000);
  const end = new Date(afterEnd * 1000);
  const range = async (q: string, what: string) => single(await api.queryRange(q, start, end, step), what);
  const latencyKeys = Object.keys(queries.latency);
  const [errorRate, requestRate, restarts, ...lat] = await Promise.all([
    range(queries.errorRate, 'error rate'),
    range(queries.requestRate, 'request rate'),
    range(queries.restarts, 'restarts'),
    ...latencyKeys.map((k) => range(queries.latency[k], `p${Number(k) * 100} latency`)),
  ]);
  const bounds: Array<[PhaseName, number, number]> = [
    ['steady-state', steadyStart, injectedAt],
    ['during', injectedAt, faultEndedAt],
    ['after', faultEndedAt, afterEnd],
  ];
  const phases = bounds.map(([phase, a, b]) => ({
    phase,
    start: a,
    end: b,
    errorRate: within(errorRate, a, b),
    requestRate: within(requestRate, a, b),
    latency: Object.fromEntries(latencyKeys.map((k, i) => [k, within(lat[i], a, b)])),
    restarts: within(restarts, a, b),
  }));
  const slos = await collectSloExperimentSeries(api, targets, injectedAt, afterEnd, step);
  return { timeline, stepSeconds: step, queries, phases, slos };
}

/** Each SLO's shortest-window error ratio and page alert activity over [start, end]. */
export async function collectSloExperimentSeries(
  api: PrometheusApi,
  targets: readonly SloTarget[],
  start: number,
  end: number,
  step: number,
): Promise<SloExperimentSeries[]> {
  const L = SloMetrics.labels;
  const out: SloExperimentSeries[] = [];
  for (const t of targets) {
    const windowMs = t.windowsMs?.[0] ?? 5 * 60 * 1000;
    const ratio = await api.queryRange(
      `${sliErrorMetric(windowMs)}{${L.id}=${promString(t.id)}}`,
      new Date(start * 1000),
      new Date(end * 1000),
      step,
    );
    let firing: number[] = [];
    if (t.pageAlert) {
      const alerts = await api.queryRange(
        `ALERTS{alertname=${promString(t.pageAlert)},alertstate="firing",${L.id}=${promString(t.id)},${L.severity}="page"}`,
        new Date(start * 1000),
        new Date(end * 1000),
        step,
      );
      firing = [...new Set(alerts.flatMap((s) => s.samples.filter((p) => p.v > 0).map((p) => p.t)))].sort((a, b) => a - b);
    }
    // Duplicate series (HA pairs): the worst ratio per timestamp.
    const byT = new Map<number, number>();
    for (const s of ratio) for (const p of s.samples) byT.set(p.t, Math.max(byT.get(p.t) ?? -Infinity, p.v));
    out.push({
      target: t,
      windowMs,
      errorRatio: [...byT.entries()].sort((a, b) => a[0] - b[0]).map(([tt, v]) => ({ t: tt, v })),
      pageFiringAt: firing,
    });
  }
  return out;
}

/** The error rate now (an instant query), for the abort condition; undefined when there is no data. */
export async function currentErrorRate(api: PrometheusApi, queries: ChaosMetricQueries, at?: Date): Promise<number | undefined> {
  const r = await api.query(queries.errorRate, at);
  const finite = r.map((s) => s.v).filter((v) => !Number.isNaN(v));
  return finite.length ? Math.max(...finite) : undefined;
}
