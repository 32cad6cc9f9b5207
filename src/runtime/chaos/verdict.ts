/**
 * The verdict of a chaos run, from what was measured: pure functions over recorded series.
 *
 * With SLOs, the run passes when the experiment consumed no more than `--max-budget-burn`
 * (5% by default) of each SLO's period error budget, no page alert of those SLOs fired,
 * latency stayed within each latency SLO, and the target returned to its steady state
 * within the recovery window. Without SLOs, the reference chapter's fixed thresholds apply:
 * error rate under 0.1% (availability above 99.9%), p99 latency under 500 ms, no restarts
 * once the fault is over, and the same recovery check.
 *
 * Also here: the abort condition a runner polls while the fault is injected, and the
 * recommendations, each derived from the figures measured.
 */
import { Check, CheckStatus, Measurement, Report, REPORT_SCHEMA, Section, Table, verdictOf } from '../report/model';
import { PromAlert, PrometheusApi, Sample } from '../prometheus';
import { humanDuration, isPageAlert, pct } from '../slo/status';
import { SloTarget } from '../slo/targets';
import { ChaosMeasurements, ChaosMetricQueries, currentErrorRate, PhaseName, PhaseSeries, quantileKey, SloExperimentSeries } from './metrics';
import { formatPromDuration } from '../../common/duration';

/** The chapter's fixed thresholds, used when no SLO is given. */
export interface FixedThresholds {
  /** Highest share of failed requests during the fault. @default 0.001 (availability 99.9%) */
  readonly maxErrorRate: number;
  /** Highest p99 latency during the fault, in seconds. @default 0.5 */
  readonly maxP99Seconds: number;
}

/** The chapter's thresholds: availability above 99.9%, p99 under 500 ms. */
export const CHAPTER_THRESHOLDS: FixedThresholds = { maxErrorRate: 0.001, maxP99Seconds: 0.5 };

/** How close to the steady state counts as recovered. */
export interface RecoveryTolerance {
  /** Error rate may exceed the steady state's by this much (absolute ratio). @default 0.001 */
  readonly errorRate: number;
  /** p99 latency may be this many times the steady state's... @default 1.25 */
  readonly latencyFactor: number;
  /** ... plus this many seconds. @default 0.005 */
  readonly latencySlackSeconds: number;
}

/** The default recovery tolerance. */
export const DEFAULT_RECOVERY_TOLERANCE: RecoveryTolerance = { errorRate: 0.001, latencyFactor: 1.25, latencySlackSeconds: 0.005 };

/** Options of {@link chaosVerdict} (the verdict flags of `chaos run`). */
export interface ChaosVerdictOptions {
  /** `--max-budget-burn 5%`: the share of each SLO's period error budget the experiment may consume, as a ratio. @default 0.05 */
  readonly maxBudgetBurn?: number;
  /** `--recovery 2m`: how long after the fault the target must be back to its steady state, in seconds. @default - the after phase's length */
  readonly recoverySeconds?: number;
  /** Thresholds when no SLO is given. @default CHAPTER_THRESHOLDS */
  readonly fixedThresholds?: Partial<FixedThresholds>;
  /** What counts as back to steady state. @default DEFAULT_RECOVERY_TOLERANCE */
  readonly recoveryTolerance?: Partial<RecoveryTolerance>;
}

/** Facts about the target a runner may know from the cluster; recommendations use them when given. */
export interface TargetFacts {
  /** Desired replicas. @default - unknown */
  readonly replicas?: number;
  /** Ready replicas before the fault. @default - unknown */
  readonly readyReplicas?: number;
  /** Whether a PodDisruptionBudget selects the target's pods. @default - unknown */
  readonly podDisruptionBudget?: boolean;
}

/** The experiment a verdict is about. */
export interface ChaosExperimentInfo {
  readonly name: string;
  /** The Chaos Mesh kind (`PodChaos`, `NetworkChaos`, ...). @default - unknown */
  readonly kind?: string;
  /** Its action (`pod-kill`, `pod-failure`, `delay`, ...). @default - unknown */
  readonly action?: string;
  /** Set when the runner aborted the experiment: when (Unix seconds) and why. @default - not aborted */
  readonly aborted?: { readonly at: number; readonly reason: string };
  /** What the runner knows about the target from the cluster. @default - nothing known */
  readonly targetFacts?: TargetFacts;
}

/** Mean and maximum of a quantity over a phase (undefined when there was no data). */
export interface Stat {
  readonly mean: number;
  readonly max: number;
  readonly samples: number;
}

/** A phase's figures. */
export interface PhaseSummary {
  readonly phase: PhaseName;
  readonly start: number;
  readonly end: number;
  /** Error rate: mean weighted by request rate, and maximum. @default - no data */
  readonly errorRate?: Stat;
  /** Requests per second. @default - no data */
  readonly requestRate?: Stat;
  /** By quantile key (`0.99`). */
  readonly latency: Readonly<Record<string, Stat>>;
  /** Restarts counted within the phase (the counter's increase). @default - no restart data */
  readonly restarts?: number;
}

/** How much of an SLO's budget the experiment consumed. */
export interface BudgetBurn {
  readonly target: SloTarget;
  /** Share of the period's error budget consumed, 0..1+. @default - no data */
  readonly burned?: number;
  /** Page alert firing times during the experiment (Unix seconds). */
  readonly pageFiringAt: readonly number[];
  /** Whether the SLI window's data reached past the end of the fault by one window (else the figure is a lower bound). */
  readonly complete: boolean;
}

/** When the target was back to its steady state. */
export interface Recovery {
  /** Seconds from the end of the fault to the start of the final steady stretch. @default - not recovered */
  readonly seconds?: number;
  /** The last measured point, for messages. @default - no point measured */
  readonly last?: { readonly t: number; readonly errorRate: number; readonly p99?: number };
  readonly errorRateLimit: number;
  readonly p99Limit?: number;
  readonly samples: number;
}

/** The verdict, its checks, the figures behind them and the recommendations. */
export interface ChaosVerdict {
  readonly status: CheckStatus;
  readonly checks: readonly Check[];
  readonly phases: readonly PhaseSummary[];
  /** The fault's impact: from the injection to one rate window after it (see {@link impactSummary}). */
  readonly impact: PhaseSummary;
  readonly budgets: readonly BudgetBurn[];
  readonly recovery: Recovery;
  readonly recommendations: readonly string[];
  /** The budget share the experiment was allowed per SLO. */
  readonly maxBudgetBurn: number;
}

const finite = (xs: readonly Sample[]) => xs.filter((s) => Number.isFinite(s.v));

function stat(xs: readonly Sample[], weights?: readonly Sample[]): Stat | undefined {
  const f = finite(xs);
  if (f.length === 0) return undefined;
  const max = Math.max(...f.map((s) => s.v));
  let mean = f.reduce((a, s) => a + s.v, 0) / f.length;
  if (weights) {
    const w = new Map(finite(weights).map((s) => [s.t, s.v]));
    let num = 0;
    let den = 0;
    for (const s of f) {
      const wt = w.get(s.t);
      if (wt === undefined) continue;
      num += s.v * wt;
      den += wt;
    }
    if (den > 0) mean = num / den;
  }
  return { mean, max, samples: f.length };
}

/** A counter's increase over samples, counting a drop as a reset (as PromQL's increase does). */
export function counterIncrease(xs: readonly Sample[]): number | undefined {
  const f = finite(xs);
  if (f.length === 0) return undefined;
  let inc = 0;
  for (let i = 1; i < f.length; i++) {
    const d = f[i].v - f[i - 1].v;
    inc += d >= 0 ? d : f[i].v;
  }
  return inc;
}

/** A phase's figures; `restartsBefore` is the counter's last sample before the phase, so that a restart at the boundary counts. */
export function summarisePhase(p: PhaseSeries, restartsBefore?: Sample): PhaseSummary {
  const latency: Record<string, Stat> = {};
  for (const [k, xs] of Object.entries(p.latency)) {
    const s = stat(xs);
    if (s) latency[k] = s;
  }
  const restarts = counterIncrease(restartsBefore ? [restartsBefore, ...p.restarts.filter((s) => s.t > restartsBefore.t)] : p.restarts);
  return {
    phase: p.phase,
    start: p.start,
    end: p.end,
    ...(stat(p.errorRate, p.requestRate) ? { errorRate: stat(p.errorRate, p.requestRate) } : {}),
    ...(stat(p.requestRate) ? { requestRate: stat(p.requestRate) } : {}),
    latency,
    ...(restarts !== undefined ? { restarts } : {}),
  };
}

/** ∫ v dt over [a, b] by trapezoids between finite neighbours, and the time actually covered. */
export function integrate(xs: readonly Sample[], a: number, b: number): { area: number; covered: number } {
  const f = finite(xs).filter((s) => s.t >= a && s.t <= b);
  let area = 0;
  let covered = 0;
  for (let i = 1; i < f.length; i++) {
    const dt = f[i].t - f[i - 1].t;
    area += ((f[i].v + f[i - 1].v) / 2) * dt;
    covered += dt;
  }
  return { area, covered };
}

/**
 * The share of an SLO's period budget consumed from the injection to one SLI window after
 * the fault ended (errors late in the fault stay in the window that long): the integral of
 * the error ratio over that span, over the budget's allowance `(1 - objective) × period`.
 */
export function budgetBurned(s: SloExperimentSeries, injectedAt: number, faultEndedAt: number): BudgetBurn {
  const t = s.target;
  const until = faultEndedAt + s.windowMs / 1000;
  const data = finite(s.errorRatio);
  const lastT = data.length ? data[data.length - 1].t : -Infinity;
  const { area, covered } = integrate(s.errorRatio, injectedAt, until);
  const allowance = (1 - t.objective / 100) * (t.periodMs / 1000);
  const pageFiringAt = s.pageFiringAt.filter((x) => x >= injectedAt);
  return {
    target: t,
    ...(covered > 0 && allowance > 0 ? { burned: area / allowance } : {}),
    pageFiringAt,
    complete: lastT >= until - 1e-6,
  };
}

/** The recovery figures: baseline from the steady state, then the final steady stretch of the after phase. */
export function recoveryOf(steady: PhaseSummary, after: PhaseSeries, tol: RecoveryTolerance): Recovery {
  const errBase = steady.errorRate?.mean ?? 0;
  const p99Base = steady.latency[quantileKey(0.99)]?.mean;
  const errorRateLimit = errBase + tol.errorRate;
  const p99Limit = p99Base !== undefined ? p99Base * tol.latencyFactor + tol.latencySlackSeconds : undefined;
  const p99At = new Map(finite(after.latency[quantileKey(0.99)] ?? []).map((s) => [s.t, s.v]));
  const points = after.errorRate.map((s) => ({ t: s.t, errorRate: s.v, p99: p99At.get(s.t) }));
  const ok = (p: { errorRate: number; p99?: number }) =>
    Number.isFinite(p.errorRate) && p.errorRate <= errorRateLimit && (p99Limit === undefined || p.p99 === undefined || p.p99 <= p99Limit);
  let first = points.length;
  for (let i = points.length - 1; i >= 0 && ok(points[i]); i--) first = i;
  const last = points.length ? points[points.length - 1] : undefined;
  return {
    ...(points.length && first < points.length ? { seconds: Math.max(0, points[first].t - after.start) } : {}),
    ...(last ? { last } : {}),
    errorRateLimit,
    ...(p99Limit !== undefined ? { p99Limit } : {}),
    samples: points.length,
  };
}

const ms = (s: number) => `${Math.round(s * 1000)} ms`;
const iso = (t: number) => new Date(t * 1000).toISOString();

function latencySloQuantile(t: SloTarget): string {
  return quantileKey(t.objective / 100);
}

/**
 * The fault's impact: the figures from the injection to one rate window after the fault
 * ended (a short fault's errors show in the rates only after it), as a phase named `during`.
 */
export function impactSummary(m: ChaosMeasurements): PhaseSummary {
  const a = m.timeline.injectedAt;
  const b = Math.min(m.timeline.afterEnd, m.timeline.faultEndedAt + (m.queries.rateWindowSeconds ?? 0));
  const pick = (f: (p: PhaseSeries) => readonly Sample[]) => {
    const seen = new Set<number>();
    return m.phases.flatMap(f).filter((s) => s.t >= a && s.t <= b && !seen.has(s.t) && seen.add(s.t) !== undefined);
  };
  const keys = [...new Set(m.phases.flatMap((p) => Object.keys(p.latency)))];
  return summarisePhase({
    phase: 'during',
    start: a,
    end: b,
    errorRate: pick((p) => p.errorRate),
    requestRate: pick((p) => p.requestRate),
    latency: Object.fromEntries(keys.map((k) => [k, pick((p) => p.latency[k] ?? [])])),
    restarts: [],
  });
}

/**
 * Restarts after the fault settled: from two steps (or one rate window, if longer) after
 * the fault ended. A pod that restarts as the fault ends (pod-failure does that) is part of
 * the fault; one that keeps restarting is a crash loop.
 */
export function lateRestarts(m: ChaosMeasurements): { restarts?: number; from: number } {
  const from = m.timeline.faultEndedAt + Math.max(2 * m.stepSeconds, m.queries.rateWindowSeconds ?? 0);
  const all = finite(m.phases.flatMap((p) => p.restarts)).sort((a, b) => a.t - b.t);
  const before = all.filter((s) => s.t < from).pop();
  const later = all.filter((s) => s.t >= from && s.t <= m.timeline.afterEnd);
  if (later.length === 0) return { from };
  return { restarts: counterIncrease(before ? [before, ...later] : later), from };
}

/** Every check of a run. */
function verdictChecks(
  m: ChaosMeasurements,
  exp: ChaosExperimentInfo,
  o: ChaosVerdictOptions,
  phases: PhaseSummary[],
  impact: PhaseSummary,
  budgets: BudgetBurn[],
  recovery: Recovery,
  recoveryWindow: number,
): Check[] {
  const [steady, , after] = phases;
  const during = impact;
  const impactSpan = `from the injection to ${Math.round(impact.end - m.timeline.faultEndedAt)}s after the fault`;
  const tl = m.timeline;
  const checks: Check[] = [];
  const traffic = steady.requestRate;
  checks.push({
    id: 'chaos.traffic',
    title: 'the target had traffic to measure in the steady state',
    status: traffic && traffic.mean > 0 ? 'passed' : 'undecided',
    evidence: [
      traffic
        ? `steady-state request rate ${traffic.mean.toFixed(2)}/s over ${traffic.samples} samples`
        : `the request rate query returned no data: ${m.queries.requestRate}`,
    ],
    ...(traffic && traffic.mean > 0 ? {} : { fix: 'check the target selector and that Prometheus scrapes the target (or override the queries)' }),
    ...(traffic ? { measurements: [{ name: 'request rate', value: traffic.mean, unit: 'per second' }] } : {}),
  });
  if (exp.aborted) {
    checks.push({
      id: 'chaos.abort',
      title: 'the experiment ran to its end without tripping the abort condition',
      status: 'failed',
      evidence: [`aborted at ${iso(exp.aborted.at)}, ${Math.round(exp.aborted.at - tl.injectedAt)}s after injection: ${exp.aborted.reason}`],
      fix: 'make the experiment smaller (fewer pods, shorter, less delay) or make the target more resilient before running it again',
    });
  }
  if (m.slos.length) {
    const max = o.maxBudgetBurn ?? 0.05;
    for (const b of budgets) {
      const t = b.target;
      checks.push({
        id: `chaos.budget/${t.id}`,
        title: `${t.name}: the experiment consumed at most ${pct(max)} of the ${humanDuration(t.periodMs)} error budget`,
        status: b.burned === undefined ? 'undecided' : b.burned <= max ? 'passed' : 'failed',
        evidence:
          b.burned === undefined
            ? [`no ${formatPromDuration(m.slos.find((s) => s.target === t)?.windowMs ?? 0)} SLI error ratio for ${t.id} during the experiment`]
            : [
                `consumed ${pct(b.burned, 3)} of the error budget (allowed ${pct(max)}) from ${iso(tl.injectedAt)} to one SLI window after the fault`,
                ...(b.complete ? [] : ['the measurement ended before one SLI window after the fault: the figure is a lower bound']),
              ],
        ...(b.burned !== undefined && b.burned > max
          ? { fix: `reduce the blast radius or duration, or make ${t.service} absorb the fault (replicas, retries, readiness)` }
          : {}),
        ...(b.burned !== undefined ? { measurements: [{ name: 'error budget consumed', value: b.burned, unit: 'ratio', target: max }] } : {}),
      });
      if (t.pageAlert) {
        checks.push({
          id: `chaos.page-alert/${t.id}`,
          title: `${t.name}: its page alert ${t.pageAlert} did not fire`,
          status: b.pageFiringAt.length ? 'failed' : 'passed',
          evidence: b.pageFiringAt.length
            ? [`${t.pageAlert} (page) was firing from ${iso(b.pageFiringAt[0])} (${b.pageFiringAt.length} samples at a ${m.stepSeconds}s step)`]
            : [`ALERTS shows no firing ${t.pageAlert} page alert from ${iso(tl.injectedAt)} to ${iso(tl.afterEnd)}`],
          ...(b.pageFiringAt.length
            ? { fix: 'the fault burns the budget faster than the page alert tolerates: shrink the experiment or harden the target' }
            : {}),
        });
      }
      if (t.latencyThresholdSeconds !== undefined) {
        const q = latencySloQuantile(t);
        const d = during.latency[q];
        const a = after.latency[q];
        const worst = Math.max(d?.max ?? -Infinity, a?.max ?? -Infinity);
        const lim = t.latencyThresholdSeconds;
        checks.push({
          id: `chaos.latency/${t.id}`,
          title: `${t.name}: p${Number(q) * 100} latency stayed within ${ms(lim)}`,
          status: !Number.isFinite(worst) ? 'undecided' : worst <= lim ? 'passed' : 'failed',
          evidence: Number.isFinite(worst)
            ? [
                `p${Number(q) * 100} latency ${impactSpan}: mean ${d ? ms(d.mean) : 'no data'}, max ${d ? ms(d.max) : 'no data'}; after: max ${a ? ms(a.max) : 'no data'} (SLO: ${t.objective}% under ${ms(lim)})`,
              ]
            : [`no p${Number(q) * 100} latency data during or after the fault`],
          ...(Number.isFinite(worst)
            ? { measurements: [{ name: `p${Number(q) * 100} latency (max)`, value: worst, unit: 'seconds', target: lim }] }
            : {}),
        });
      }
    }
  } else {
    const th = { ...CHAPTER_THRESHOLDS, ...(o.fixedThresholds ?? {}) };
    const e = during.errorRate;
    checks.push({
      id: 'chaos.error-rate',
      title: `error rate stayed under ${pct(th.maxErrorRate)} during the fault (no SLO given: the chapter's threshold)`,
      status: e === undefined ? 'undecided' : e.mean <= th.maxErrorRate ? 'passed' : 'failed',
      evidence: e
        ? [`error rate ${impactSpan}: mean ${pct(e.mean, 3)}, peak ${pct(e.max, 3)} (steady state ${pct(steady.errorRate?.mean ?? NaN, 3)})`]
        : ['no error rate data during the fault'],
      ...(e ? { measurements: [{ name: 'error rate (mean)', value: e.mean, unit: 'ratio', target: th.maxErrorRate }] } : {}),
    });
    const p = during.latency[quantileKey(0.99)];
    checks.push({
      id: 'chaos.latency-p99',
      title: `p99 latency stayed under ${ms(th.maxP99Seconds)} during the fault (the chapter's threshold)`,
      status: p === undefined ? 'undecided' : p.max <= th.maxP99Seconds ? 'passed' : 'failed',
      evidence: p
        ? [
            `p99 latency ${impactSpan}: mean ${ms(p.mean)}, max ${ms(p.max)} (steady state ${steady.latency['0.99'] ? ms(steady.latency['0.99'].mean) : 'no data'})`,
          ]
        : ['no p99 latency data during the fault'],
      ...(p ? { measurements: [{ name: 'p99 latency (max)', value: p.max, unit: 'seconds', target: th.maxP99Seconds }] } : {}),
    });
    const late = lateRestarts(m);
    checks.push({
      id: 'chaos.restarts',
      title: 'no pod restarts after the fault settled (no crash loop)',
      status: late.restarts === undefined ? 'skipped' : late.restarts === 0 ? 'passed' : 'failed',
      evidence:
        late.restarts === undefined
          ? [`no restart data (${m.queries.restarts}); is kube-state-metrics scraped?`]
          : [
              `restarts: ${(phases[1].restarts ?? 0) + (after.restarts ?? 0) - late.restarts} during the fault or as it ended, ${late.restarts} from ${Math.round(late.from - m.timeline.faultEndedAt)}s after it`,
            ],
      ...(late.restarts ? { fix: 'pods kept restarting after the fault: look for a crash loop (logs, probes, resources)' } : {}),
    });
  }
  const rec = recovery;
  const recovered = rec.seconds !== undefined && rec.seconds <= recoveryWindow;
  checks.push({
    id: 'chaos.recovery',
    title: `back to the steady state within ${humanDuration(recoveryWindow * 1000)} of the fault's end`,
    status: rec.samples === 0 ? 'undecided' : recovered ? 'passed' : 'failed',
    evidence:
      rec.samples === 0
        ? ['no error rate data after the fault']
        : [
            rec.seconds !== undefined
              ? `steady again ${Math.round(rec.seconds)}s after the fault ended`
              : 'not back to the steady state by the end of the after phase',
            `steady means error rate ≤ ${pct(rec.errorRateLimit, 3)}${rec.p99Limit !== undefined ? ` and p99 ≤ ${ms(rec.p99Limit)}` : ''}; last: error rate ${pct(rec.last?.errorRate ?? NaN, 3)}${rec.last?.p99 !== undefined ? `, p99 ${ms(rec.last.p99)}` : ''}`,
          ],
    ...(rec.samples > 0 && !recovered
      ? { fix: 'find what keeps the target degraded after the fault (pods not Ready, caches, connection pools) or allow a longer --recovery' }
      : {}),
    ...(rec.seconds !== undefined ? { measurements: [{ name: 'recovery time', value: rec.seconds, unit: 'seconds', target: recoveryWindow }] } : {}),
  });
  return checks;
}

/** Recommendations from the figures: each names the numbers it rests on. */
export function chaosRecommendations(
  exp: ChaosExperimentInfo,
  phases: readonly PhaseSummary[],
  impact: PhaseSummary,
  budgets: readonly BudgetBurn[],
  recovery: Recovery,
  checks: readonly Check[],
  o: ChaosVerdictOptions,
): string[] {
  const [steady, fault, after] = phases;
  const during = impact;
  const out: string[] = [];
  const errBase = steady.errorRate?.mean ?? 0;
  const errDuring = during.errorRate;
  const restarts = (fault.restarts ?? 0) + (after.restarts ?? 0);
  const errorsRaised = errDuring !== undefined && errDuring.max > errBase + (o.recoveryTolerance?.errorRate ?? DEFAULT_RECOVERY_TOLERANCE.errorRate);
  const podFault = /pod-kill|pod-failure|container-kill/.test(exp.action ?? '') || exp.kind === 'PodChaos';
  const failed = (prefix: string) => checks.some((c) => c.id.startsWith(prefix) && c.status === 'failed');
  if (restarts > 0 && !errorsRaised) {
    out.push(
      `Pods restarted ${restarts} time${restarts === 1 ? '' : 's'} and the error rate stayed at ${pct(errDuring?.max ?? errBase, 3)} (steady state ${pct(errBase, 3)}): the target tolerates losing pods.`,
    );
  }
  const hurt = failed('chaos.budget/') || failed('chaos.error-rate') || failed('chaos.page-alert/') || exp.aborted !== undefined;
  if (errorsRaised && podFault && hurt) {
    const f = exp.targetFacts ?? {};
    const causes: string[] = [];
    if (f.readyReplicas !== undefined && f.readyReplicas < 2)
      causes.push(`it had ${f.readyReplicas} ready replica${f.readyReplicas === 1 ? '' : 's'}: run at least 2`);
    if (f.podDisruptionBudget === false) causes.push('no PodDisruptionBudget selects its pods: add one');
    if (causes.length === 0)
      causes.push(
        'check that it runs at least 2 ready replicas, has a PodDisruptionBudget, and that its readiness probe takes failing pods out of the Service quickly',
      );
    const burn = budgets.map((b) => (b.burned !== undefined ? `${b.target.name} ${pct(b.burned, 2)} of its budget` : '')).filter(Boolean);
    out.push(
      `Losing pods raised the error rate to ${pct(errDuring!.max, 2)} (steady state ${pct(errBase, 3)}${burn.length ? `; consumed ${burn.join(', ')}` : ''}): ${causes.join('; ')}.`,
    );
  } else if (errorsRaised && hurt) {
    out.push(
      `The fault raised the error rate to ${pct(errDuring!.max, 2)} (steady state ${pct(errBase, 3)}): clients saw the failures; add retries with backoff or a fallback on the calling side.`,
    );
  }
  const p99s = steady.latency[quantileKey(0.99)];
  const p99d = during.latency[quantileKey(0.99)];
  if (p99s && p99d && p99d.max > p99s.mean * 1.2 + 0.005) {
    const delay = /delay|latency/.test(exp.action ?? '') || exp.kind === 'NetworkChaos';
    out.push(
      `p99 latency rose from ${ms(p99s.mean)} to ${ms(p99d.max)} during the fault (+${ms(p99d.max - p99s.mean)})` +
        (delay ? ': the injected delay reached clients in full; set client timeouts and hedged or retried requests within the latency SLO.' : '.'),
    );
  }
  for (const b of budgets) {
    if (b.pageFiringAt.length)
      out.push(
        `${b.target.pageAlert} (page) fired at ${iso(b.pageFiringAt[0])}: this fault burns ${b.target.name}'s budget faster than the page alert allows; shrink the blast radius or the duration.`,
      );
    const max = o.maxBudgetBurn ?? 0.05;
    if (b.burned !== undefined && b.burned <= max && b.burned > max / 2)
      out.push(
        `${b.target.name}: the experiment used ${pct(b.burned, 2)} of the budget, more than half of the ${pct(max)} allowed; running it often would eat into the budget.`,
      );
  }
  if (recovery.samples > 0 && recovery.seconds === undefined) {
    out.push(
      `The target was not back to its steady state at the end of the after phase (error rate ${pct(recovery.last?.errorRate ?? NaN, 3)}, limit ${pct(recovery.errorRateLimit, 3)}${recovery.last?.p99 !== undefined ? `; p99 ${ms(recovery.last.p99)}` : ''}).`,
    );
  } else if (recovery.seconds !== undefined && (errorsRaised || (p99s && p99d && p99d.max > p99s.mean * 1.2 + 0.005))) {
    out.push(`It recovered ${Math.round(recovery.seconds)}s after the fault ended.`);
  }
  if (exp.aborted) out.push(`Aborted ${Math.round(exp.aborted.at - phases[1].start)}s into the fault: ${exp.aborted.reason}.`);
  if (out.length === 0 && checks.every((c) => c.status === 'passed' || c.status === 'skipped')) {
    const e = errDuring ? pct(errDuring.max, 3) : 'no data';
    out.push(
      `Nothing measurable changed (peak error rate ${e}${p99d ? `, peak p99 ${ms(p99d.max)}` : ''}): a larger blast radius or a longer fault would tell more.`,
    );
  }
  return out;
}

/** The verdict of a run from its measurements. Pure. */
export function chaosVerdict(m: ChaosMeasurements, exp: ChaosExperimentInfo, o: ChaosVerdictOptions = {}): ChaosVerdict {
  const restartsAll = m.phases.flatMap((p) => p.restarts);
  const phases = m.phases.map((p) => {
    const before = finite(restartsAll)
      .filter((s) => s.t < p.start)
      .pop();
    return summarisePhase(p, before);
  });
  const tl = m.timeline;
  const budgets = m.slos.map((s) => budgetBurned(s, tl.injectedAt, tl.faultEndedAt));
  const tol = { ...DEFAULT_RECOVERY_TOLERANCE, ...(o.recoveryTolerance ?? {}) };
  const recovery = recoveryOf(phases[0], m.phases[2], tol);
  const recoveryWindow = o.recoverySeconds ?? tl.afterEnd - tl.faultEndedAt;
  const impact = impactSummary(m);
  const checks = verdictChecks(m, exp, o, phases, impact, budgets, recovery, recoveryWindow);
  const recommendations = chaosRecommendations(exp, phases, impact, budgets, recovery, checks, o);
  return { status: verdictOf(checks), checks, phases, impact, budgets, recovery, recommendations, maxBudgetBurn: o.maxBudgetBurn ?? 0.05 };
}

const fmtStat = (s: Stat | undefined, f: (n: number) => string, which: 'mean' | 'max') => (s ? f(s[which]) : 'no data');

/** The figures per phase, as a table. */
export function phaseTable(phases: readonly PhaseSummary[]): Table {
  const keys = [...new Set(phases.flatMap((p) => Object.keys(p.latency)))].sort((a, b) => Number(a) - Number(b));
  const row = (name: string, f: (p: PhaseSummary) => string) => [name, ...phases.map(f)];
  return {
    title: 'Measurements by phase',
    columns: ['metric', ...phases.map((p) => `${p.phase} (${Math.round(p.end - p.start)}s)`)],
    rows: [
      row('request rate (mean)', (p) => fmtStat(p.requestRate, (n) => `${n.toFixed(2)}/s`, 'mean')),
      row('error rate (mean)', (p) => fmtStat(p.errorRate, (n) => pct(n, 3), 'mean')),
      row('error rate (peak)', (p) => fmtStat(p.errorRate, (n) => pct(n, 3), 'max')),
      ...keys.flatMap((k) => [
        row(`p${Number(k) * 100} latency (mean)`, (p) => fmtStat(p.latency[k], ms, 'mean')),
        row(`p${Number(k) * 100} latency (max)`, (p) => fmtStat(p.latency[k], ms, 'max')),
      ]),
      row('pod restarts', (p) => (p.restarts === undefined ? 'no data' : String(p.restarts))),
    ],
  };
}

/** What a chaos report says about where it ran. */
export interface ChaosReportMeta {
  readonly prometheus: string;
  /** The cluster context. @default - not shown */
  readonly context?: string;
  /** The API server. @default - not shown */
  readonly server?: string;
  readonly simulated: boolean;
  /** @default the end of the after phase */
  readonly generatedAt?: Date;
}

function phaseMeasurements(p: PhaseSummary): Measurement[] {
  const out: Measurement[] = [];
  if (p.requestRate) out.push({ name: 'request rate', value: p.requestRate.mean, unit: 'per second' });
  if (p.errorRate)
    out.push(
      { name: 'error rate (mean)', value: p.errorRate.mean, unit: 'ratio' },
      { name: 'error rate (peak)', value: p.errorRate.max, unit: 'ratio' },
    );
  for (const [k, s] of Object.entries(p.latency)) out.push({ name: `p${Number(k) * 100} latency (max)`, value: s.max, unit: 'seconds' });
  if (p.restarts !== undefined) out.push({ name: 'pod restarts', value: p.restarts, unit: 'count' });
  return out;
}

/**
 * The report of a run: the figures of each phase, the checks of the verdict and the
 * recommendations. Render it with the shared renderers.
 */
export function chaosReport(m: ChaosMeasurements, exp: ChaosExperimentInfo, v: ChaosVerdict, meta: ChaosReportMeta): Report {
  const tl = m.timeline;
  const phaseSection = (p: PhaseSummary, title: string): Section => ({
    title,
    checks: [],
    notes: [
      `${iso(p.start)} to ${iso(p.end)}`,
      ...phaseMeasurements(p).map(
        (x) =>
          `${x.name}: ${x.unit === 'ratio' ? pct(x.value, 3) : x.unit === 'seconds' ? ms(x.value) : Number(x.value.toFixed(3))}${x.unit === 'per second' ? '/s' : ''}`,
      ),
    ],
    durationSeconds: p.end - p.start,
  });
  const budgetTable: Table[] = v.budgets.length
    ? [
        {
          title: 'Error budget',
          columns: ['SLO', 'objective', 'budget consumed', 'allowed', 'page alert fired'],
          rows: v.budgets.map((b) => [
            b.target.id,
            `${b.target.objective}%`,
            b.burned === undefined ? 'no data' : pct(b.burned, 3),
            pct(v.maxBudgetBurn),
            b.pageFiringAt.length ? `yes, ${iso(b.pageFiringAt[0])}` : 'no',
          ]),
        },
      ]
    : [];
  return {
    schema: REPORT_SCHEMA,
    command: 'chaos run',
    title: `Chaos experiment ${exp.name}${exp.kind ? ` (${exp.kind}${exp.action ? ` ${exp.action}` : ''})` : ''}: ${v.status === 'passed' ? 'PASSED' : v.status === 'failed' ? 'FAILED' : v.status.toUpperCase()}`,
    generatedAt: (meta.generatedAt ?? new Date(tl.afterEnd * 1000)).toISOString(),
    target: { prometheus: meta.prometheus, ...(meta.context ? { context: meta.context } : {}), ...(meta.server ? { server: meta.server } : {}) },
    simulated: meta.simulated,
    sections: [
      { title: 'Measurements', checks: [], tables: [phaseTable(v.phases), ...budgetTable] },
      phaseSection(v.phases[0], 'Steady state'),
      phaseSection(v.phases[1], exp.aborted ? 'During the fault (aborted)' : 'During the fault'),
      phaseSection(v.phases[2], 'After the fault'),
      { title: m.slos.length ? 'Verdict (from SLOs)' : "Verdict (the chapter's fixed thresholds; no SLO given)", checks: v.checks },
    ],
    verdict: v.status,
    recommendations: v.recommendations,
  };
}

/** Options of the abort condition (`--abort-error-rate`, and the SLOs whose page alerts abort). */
export interface AbortOptions {
  /** The SLOs whose page alert aborts the run. @default [] */
  readonly targets?: readonly SloTarget[];
  /** `--abort-error-rate`: abort when the error rate goes above this ratio. @default - no error-rate abort */
  readonly abortErrorRate?: number;
}

/** What the abort condition says now. */
export interface AbortDecision {
  readonly abort: boolean;
  /** Why, in one line. @default - not aborting */
  readonly reason?: string;
}

/**
 * The abort condition, from what a runner polled: the active alerts (Prometheus's alerts
 * API) and the current error rate. Abort when a selected SLO's page alert is firing, or the
 * error rate is above `abortErrorRate`. Pure.
 */
export function abortDecision(alerts: readonly PromAlert[], errorRate: number | undefined, o: AbortOptions): AbortDecision {
  for (const t of o.targets ?? []) {
    const page = alerts.find((a) => a.state === 'firing' && isPageAlert(a, t));
    if (page)
      return {
        abort: true,
        reason: `the page alert ${page.labels.alertname ?? t.pageAlert} of SLO ${t.id} is firing${page.activeAt ? ` (active since ${page.activeAt})` : ''}`,
      };
  }
  if (o.abortErrorRate !== undefined && errorRate !== undefined && errorRate > o.abortErrorRate) {
    return { abort: true, reason: `the error rate ${pct(errorRate, 2)} is above --abort-error-rate ${pct(o.abortErrorRate, 2)}` };
  }
  return { abort: false };
}

/**
 * Polls the abort condition once: reads the alerts and, when `abortErrorRate` is set, the
 * current error rate, then applies {@link abortDecision}. A runner calls it every few
 * seconds while the fault is injected; errors from Prometheus propagate (the runner decides
 * whether an unreachable Prometheus aborts the run).
 */
export async function pollAbort(api: PrometheusApi, queries: ChaosMetricQueries, o: AbortOptions, at?: Date): Promise<AbortDecision> {
  const [alerts, errorRate] = await Promise.all([
    api.alerts(),
    o.abortErrorRate !== undefined ? currentErrorRate(api, queries, at) : Promise.resolve(undefined),
  ]);
  return abortDecision(alerts, errorRate, o);
}
