/**
 * The Prometheus half of `chaos run`, as command functions the runner calls: the abort
 * condition to poll while the fault is injected, and the verdict once the after phase is
 * over. The runner (cluster side) owns applying, watching and deleting the experiment.
 */
import { exitCodeOf, Report, REPORT_SCHEMA } from '../report/model';
import { PrometheusError } from '../prometheus';
import { CommandResult, prometheusUndecided, resolveSloTargets, SloDeps, SloSourceOptions } from '../slo/gate';
import { SloTarget } from '../slo/targets';
import { ChaosMeasurements, ChaosMetricOptions, chaosMetricQueries, ChaosTimeline, collectChaosMeasurements } from './metrics';
import { AbortDecision, chaosReport, chaosVerdict, ChaosExperimentInfo, ChaosVerdict, ChaosVerdictOptions, pollAbort } from './verdict';

/** Options of {@link runChaosVerdict} and {@link chaosAbortCheck}: the parsed verdict flags of `chaos run`. */
export interface ChaosVerdictCommandOptions extends SloSourceOptions, ChaosVerdictOptions {
  /** How the target's metrics are queried (`--query-*`, `--rate-window`, target selector). @default the chapter's queries over every series */
  readonly metrics?: ChaosMetricOptions;
  /** `--abort-error-rate`: abort when the error rate passes this ratio. @default - only the SLOs' page alerts abort */
  readonly abortErrorRate?: number;
  /** Range query step in seconds. @default about 240 points over the run */
  readonly stepSeconds?: number;
}

/** What {@link runChaosVerdict} returns: the report and exit code, plus the figures behind them. */
export interface ChaosVerdictResult extends CommandResult {
  /** The verdict. @default - none when Prometheus could not be read */
  readonly verdict?: ChaosVerdict;
  /** What was measured. @default - none when Prometheus could not be read */
  readonly measurements?: ChaosMeasurements;
}

/** The SLOs of the options, or none when no `--slo`/`--slo-from`/targets is given (then the fixed thresholds apply). */
export function chaosSloTargets(o: SloSourceOptions): SloTarget[] {
  if (o.sloFile === undefined && o.sloFrom === undefined && o.targets === undefined) return [];
  return resolveSloTargets(o);
}

/**
 * The abort condition, ready to poll: resolves the SLOs and queries once, then each call
 * asks Prometheus (alerts API, current error rate) and says whether to abort now.
 * Prometheus errors propagate as `PrometheusError`; the runner decides what an unreachable
 * Prometheus means for a running fault (the runner deletes the experiment).
 */
export function chaosAbortCheck(o: ChaosVerdictCommandOptions, deps: SloDeps): () => Promise<AbortDecision> {
  const targets = chaosSloTargets(o);
  const queries = chaosMetricQueries({ ...(o.metrics ?? {}), extraQuantiles: latencyQuantiles(targets, o.metrics) });
  return () => pollAbort(deps.prometheus, queries, { targets, abortErrorRate: o.abortErrorRate }, deps.now?.());
}

function latencyQuantiles(targets: readonly SloTarget[], m?: ChaosMetricOptions): number[] {
  return [...(m?.extraQuantiles ?? []), ...targets.filter((t) => t.latencyThresholdSeconds !== undefined).map((t) => t.objective / 100)];
}

/**
 * The verdict of a finished run: reads the steady-state, during and after series from
 * Prometheus, judges them against the SLOs (or the chapter's thresholds) and builds the
 * report. Exit code 0 PASSED, 1 FAILED, 2 undecided (no data, Prometheus unreachable).
 *
 * Flags (the integrator maps them): `--slo FILE` | `--slo-from DIR`, `--service`,
 * `--slo-name`, `--max-budget-burn 5%`, `--recovery 2m` (seconds here),
 * `--abort-error-rate`, `--rate-window 1m`, `--query-error-rate`, `--query-p50`,
 * `--query-p95`, `--query-p99`, `--query-restarts`, `--prometheus-url`.
 */
export async function runChaosVerdict(
  o: ChaosVerdictCommandOptions,
  run: { readonly experiment: ChaosExperimentInfo; readonly timeline: ChaosTimeline },
  deps: SloDeps & { readonly context?: string; readonly server?: string },
): Promise<ChaosVerdictResult> {
  const targets = chaosSloTargets(o);
  const queries = chaosMetricQueries({ ...(o.metrics ?? {}), extraQuantiles: latencyQuantiles(targets, o.metrics) });
  const url = deps.prometheus.url;
  let measurements: ChaosMeasurements;
  try {
    measurements = await collectChaosMeasurements(deps.prometheus, queries, run.timeline, targets, o.stepSeconds);
  } catch (e) {
    if (!(e instanceof PrometheusError)) throw e;
    const report: Report = {
      schema: REPORT_SCHEMA,
      command: 'chaos run',
      title: `Chaos experiment ${run.experiment.name}: UNDECIDED`,
      generatedAt: (deps.now ?? (() => new Date()))().toISOString(),
      target: { prometheus: url, ...(deps.context ? { context: deps.context } : {}), ...(deps.server ? { server: deps.server } : {}) },
      simulated: deps.simulated ?? false,
      sections: [{ title: 'Prometheus', checks: [prometheusUndecided(e, url)] }],
      verdict: 'undecided',
    };
    return { report, exitCode: exitCodeOf(report.verdict) };
  }
  const verdict = chaosVerdict(measurements, run.experiment, o);
  const report = chaosReport(measurements, run.experiment, verdict, {
    prometheus: url,
    context: deps.context,
    server: deps.server,
    simulated: deps.simulated ?? false,
    generatedAt: deps.now?.(),
  });
  return { report, exitCode: exitCodeOf(report.verdict), verdict, measurements };
}
