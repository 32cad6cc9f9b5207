/**
 * Named SLO recordings and threshold alerts, in the style of a hand-written
 * `slo-definitions` rules file (`slo:<prefix>:availability:ratio`, `...:error_budget_ratio`,
 * `...:burn_rate:<window>`, `slo:<prefix>:latency:p99`), derived from a typed SLO instead of
 * pasted strings: every threshold comes from the objective, the period and the options.
 */
import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { Problems } from '../common/errors';
import { nameProblems, namespaceProblems, promLabelsProblems } from '../common/checks';
import { goFloat } from './format';
import { PromRule, PromRuleGroup, SliModel } from './model';
import { promqlSyntaxProblem } from './promql';
import {
  finiteDurationProblems,
  finiteProblems,
  millisOrNaN,
  matcherProblems,
  metricNameProblems,
  nearText,
  promqlTypeIssues,
} from '../common/promql';
import { MIN_OBJECTIVE, objectiveFloorProblem } from './validate';
import { LabelMatch, promqlSelector, Sli } from './sli';
import { objectLabels, prometheusSelection, SLO_RULES_LABELS } from '../common/conventions';
import { SloOutput } from './output';
import { sloOutputObject } from './slo-spec';
import { renderWindow } from './template';
import { formatPromDuration } from '../common/duration';
import { apiObjectsOf, IApiObjectOwner, setMainObject } from '../common/api-object';

/** Plain-data input of `sloThresholdRules`. */
export interface SloThresholdRulesModel {
  /** Recording name prefix: `slo:<prefix>:...`. */
  readonly prefix: string;
  /** The availability SLI (error ratio). */
  readonly availabilitySli: SliModel;
  /** Availability objective, percent. */
  readonly objective: number;
  /** Budget period in ms (the `burn_rate:<period>` window). */
  readonly periodMs: number;
  /** Short window for the availability ratio, ms. */
  readonly shortWindowMs: number;
  /** Histogram base name for the latency quantile. */
  readonly histogram: string;
  /** PromQL selector body for the histogram (`{job="x"}` or ""). */
  readonly histogramSelector: string;
  /** Latency quantile, in (0, 1). */
  readonly quantile: number;
  /** Latency threshold, seconds. */
  readonly latencyThresholdSeconds: number;
  /** Alert when more than this share of the whole budget is burnt per day (0.1 = 10%). */
  readonly budgetBurnPerDay: number;
  /** Alert when less than this share of the budget is left (0.2 = 20%). */
  readonly budgetRemainingBelow: number;
  /** How long a condition must hold before an alert fires, ms. */
  readonly forMs: number;
  /** Labels on every rule. */
  readonly labels: Readonly<Record<string, string>>;
}

/** A threshold for humans: 12 significant digits, so 0.1 × 28 prints as 2.8. */
function tidy(x: number): number {
  return Number(x.toPrecision(12));
}

function errorRatio(sli: SliModel, window: string): string {
  if (sli.events) return `(${renderWindow(sli.events.errorQuery, window)})\n/\n(${renderWindow(sli.events.totalQuery, window)})`;
  if (sli.raw) return `(${renderWindow(sli.raw.errorRatioQuery, window)})`;
  throw new Error('no SLI');
}

/** The recording names of a definitions set. */
export function sloThresholdRuleNames(prefix: string, periodMs: number, quantile: number) {
  const q = `p${goFloat(quantile * 100).replace('.', '_')}`;
  return {
    availabilityRatio: `slo:${prefix}:availability:ratio`,
    errorBudgetRatio: `slo:${prefix}:availability:error_budget_ratio`,
    burnRate1d: `slo:${prefix}:availability:burn_rate:1d`,
    burnRatePeriod: `slo:${prefix}:availability:burn_rate:${formatPromDuration(periodMs)}`,
    latencyQuantile: `slo:${prefix}:latency:${q}`,
  };
}

/**
 * The recordings and the four threshold alerts:
 * - `SLOErrorBudgetBurnRateHigh` (warning): more than `budgetBurnPerDay` of the period's
 *   budget burnt in the last day, i.e. 1d burn rate > budgetBurnPerDay × period in days;
 * - `SLOErrorBudgetLow` (critical): budget consumed over the period > 1 − budgetRemainingBelow;
 * - `SLOAvailabilityViolation` (critical): availability under the objective;
 * - `SLOLatencyViolation` (warning): the latency quantile over the threshold.
 */
export function sloThresholdRules(m: SloThresholdRulesModel): PromRuleGroup[] {
  const n = sloThresholdRuleNames(m.prefix, m.periodMs, m.quantile);
  const budget = tidy((100 - m.objective) / 100);
  const short = formatPromDuration(m.shortWindowMs);
  const period = formatPromDuration(m.periodMs);
  const periodDays = m.periodMs / 86400000;
  const labels = { ...m.labels };
  const forDur = formatPromDuration(m.forMs);
  const recordings: PromRule[] = [
    { record: n.availabilityRatio, expr: `1 - (\n${errorRatio(m.availabilitySli, short)}\n)`, labels },
    { record: n.burnRate1d, expr: `(\n${errorRatio(m.availabilitySli, '1d')}\n) / ${goFloat(budget)}`, labels },
    { record: n.burnRatePeriod, expr: `(\n${errorRatio(m.availabilitySli, period)}\n) / ${goFloat(budget)}`, labels },
    { record: n.errorBudgetRatio, expr: n.burnRatePeriod, labels },
    {
      record: n.latencyQuantile,
      expr: `histogram_quantile(${goFloat(m.quantile)}, sum by (le) (rate(${m.histogram}_bucket${m.histogramSelector}[${short}])))`,
      labels,
    },
  ];
  const pct = (x: number) => `${goFloat(Math.round(x * 10000) / 100)}%`;
  const alerts: PromRule[] = [
    {
      alert: 'SLOErrorBudgetBurnRateHigh',
      expr: `${n.burnRate1d} > ${goFloat(tidy(m.budgetBurnPerDay * periodDays))}`,
      for: forDur,
      labels: { ...labels, severity: 'warning' },
      annotations: {
        summary: `More than ${pct(m.budgetBurnPerDay)} of the ${period} error budget burnt in the last day`,
        description: `1d burn rate is {{ $value | printf "%.2f" }} (threshold ${goFloat(tidy(m.budgetBurnPerDay * periodDays))}). Review recent deployments.`,
      },
    },
    {
      alert: 'SLOErrorBudgetLow',
      expr: `${n.errorBudgetRatio} > ${goFloat(tidy(1 - m.budgetRemainingBelow))}`,
      for: forDur,
      labels: { ...labels, severity: 'critical' },
      annotations: {
        summary: `Less than ${pct(m.budgetRemainingBelow)} of the ${period} error budget left`,
        description: 'Error budget consumed: {{ $value | humanizePercentage }}. Freeze risky deployments.',
      },
    },
    {
      alert: 'SLOAvailabilityViolation',
      expr: `${n.availabilityRatio} < ${goFloat(tidy(m.objective / 100))}`,
      for: forDur,
      labels: { ...labels, severity: 'critical' },
      annotations: {
        summary: `Availability below the ${goFloat(m.objective)}% objective`,
        description: 'Availability over the last ' + short + ' is {{ $value | humanizePercentage }}. Page the on-call.',
      },
    },
    {
      alert: 'SLOLatencyViolation',
      expr: `${n.latencyQuantile} > ${goFloat(m.latencyThresholdSeconds)}`,
      for: forDur,
      labels: { ...labels, severity: 'warning' },
      annotations: {
        summary: `p${goFloat(m.quantile * 100)} latency above ${goFloat(m.latencyThresholdSeconds * 1000)}ms`,
        description: 'p' + goFloat(m.quantile * 100) + ' latency is {{ $value | humanizeDuration }}. Investigate.',
      },
    },
  ];
  return [
    { name: `slo-${m.prefix}-recordings`, rules: recordings },
    { name: `slo-${m.prefix}-alerts`, rules: alerts },
  ];
}

/** Props of {@link SloThresholdRules}. */
export interface SloThresholdRulesProps {
  /** Recording name prefix (`slo:<prefix>:...`): letters, digits and `_`. @default "api" */
  readonly prefix?: string;
  /** The availability SLI. @default Sli.availability() on http_requests_total, 5xx as errors */
  readonly availability?: Sli;
  /** Availability objective, percent, in (0, 100). @default 99.9 */
  readonly objective?: number;
  /** The error budget period. @default Duration.days(28) (recorded as `burn_rate:4w`) */
  readonly period?: Duration;
  /** Window of the availability ratio and latency quantile. @default Duration.minutes(5) */
  readonly shortWindow?: Duration;
  /** Latency histogram base name. @default "http_request_duration_seconds" */
  readonly histogram?: string;
  /** Matchers selecting the histogram's series. @default {} */
  readonly histogramSelector?: Readonly<Record<string, LabelMatch>>;
  /** Latency quantile. @default 0.99 */
  readonly quantile?: number;
  /** Latency threshold. @default Duration.millis(500) */
  readonly latencyThreshold?: Duration;
  /** Alert when more than this percent of the period's budget burns in a day. @default 10 */
  readonly budgetBurnPercentPerDay?: number;
  /** Alert when less than this percent of the budget is left. @default 20 */
  readonly budgetRemainingPercentBelow?: number;
  /** How long a condition holds before alerting. @default Duration.minutes(5) */
  readonly alertFor?: Duration;
  /** Labels on every rule. @default {} */
  readonly labels?: Record<string, string>;
  /** `metadata.name`. @default "slo-definitions" */
  readonly name?: string;
  /** Namespace. @default "monitoring" */
  readonly namespace?: string;
  /** Where the rules go. @default SloOutput.rulesConfigMap() */
  readonly output?: SloOutput;
  /** Labels Prometheus' rule selector matches (kube-prometheus-stack: `release: <helm release>`); `{}` adds none. @default { release: "monitoring" } */
  readonly prometheusSelectorLabels?: Record<string, string>;
  /**
   * The former name of `prometheusSelectorLabels`.
   * @deprecated Use `prometheusSelectorLabels`.
   * @default { release: "monitoring" }
   */
  readonly ruleSelectorLabels?: Record<string, string>;
}

/**
 * Named SLO recordings and threshold alerts (availability, budget consumed, burn rates,
 * latency quantile) as a rules file in a ConfigMap (default) or a PrometheusRule.
 */
export class SloThresholdRules extends Construct implements IApiObjectOwner {
  /** The generated object, for `addJsonPatch`. */
  public readonly apiObject: ApiObject;
  /** The model the rules are generated from. */
  public readonly model: SloThresholdRulesModel;
  /** The recording names. */
  public readonly names: ReturnType<typeof sloThresholdRuleNames>;

  constructor(scope: Construct, id: string, props: SloThresholdRulesProps = {}) {
    super(scope, id);
    const problems = new Problems();
    const prefix = props.prefix ?? 'api';
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(prefix))
      problems.add('prefix', `"${prefix}" cannot be part of a recording name`, 'use letters, digits and _');
    const objective = props.objective ?? 99.9;
    /** Records a problem unless `v` is finite and in the interval; true when it is. */
    const inRange = (field: string, v: number, lo: number, hi: number, hiIncluded: boolean, fix: string, example: string) => {
      const nonFinite = finiteProblems(field, v, example);
      if (nonFinite.length) problems.addAll('', nonFinite);
      else if (!(v > lo && (hiIncluded ? v <= hi : v < hi))) problems.add(field, `${v} is outside (${lo}, ${hi}${hiIncluded ? ']' : ')'}`, fix);
      else return true;
      return false;
    };
    if (inRange('objective', objective, 0, 100, false, 'give a percentage such as 99.9', '99.9') && objective < MIN_OBJECTIVE) {
      const p = objectiveFloorProblem('objective', objective);
      problems.add(p.field, p.problem, p.fix);
    }
    const quantile = props.quantile ?? 0.99;
    inRange('quantile', quantile, 0, 1, false, 'give a quantile such as 0.99', '0.99');
    const burn = props.budgetBurnPercentPerDay ?? 10;
    inRange('budgetBurnPercentPerDay', burn, 0, 100, true, 'give a percent such as 10', '10');
    const low = props.budgetRemainingPercentBelow ?? 20;
    inRange('budgetRemainingPercentBelow', low, 0, 100, false, 'give a percent such as 20', '20');
    for (const [field, d, example] of [
      ['period', props.period, 'Duration.days(28)'],
      ['shortWindow', props.shortWindow, 'Duration.minutes(5)'],
      ['latencyThreshold', props.latencyThreshold, 'Duration.millis(500)'],
      ['alertFor', props.alertFor, 'Duration.minutes(5)'],
    ] as const) {
      const ms = millisOrNaN(d);
      problems.addAll('', finiteDurationProblems(field, ms, example));
      if (ms !== undefined && Number.isFinite(ms) && !(ms > 0) && (field === 'period' || field === 'shortWindow'))
        problems.add(field, `the duration is ${ms} ms, but it must be longer than zero`, `give a duration such as ${example}`);
    }
    problems.addAll('', metricNameProblems('histogram', props.histogram ?? 'http_request_duration_seconds', 'http_request_duration_seconds'));
    problems.addAll('', matcherProblems('histogramSelector', props.histogramSelector));
    problems.addAll('availability', [...(props.availability?.problems ?? [])]);
    const name = props.name ?? 'slo-definitions';
    const namespace = props.namespace ?? 'monitoring';
    problems.addAll('', nameProblems('name', name, { fix: 'use a DNS-1123 name' }));
    problems.addAll('', namespaceProblems('namespace', namespace, { what: '', fix: 'use a valid namespace' }));
    const selection = prometheusSelection(props.prometheusSelectorLabels, 'ruleSelectorLabels', props.ruleSelectorLabels, {
      fix: 'use a valid Kubernetes label',
    });
    problems.addAll('', selection.problems);
    problems.addAll('', promLabelsProblems('labels', props.labels));
    const sli = props.availability ?? Sli.availability();
    this.model = {
      prefix,
      availabilitySli: sli.model,
      objective,
      periodMs: millisOrNaN(props.period ?? Duration.days(28))!,
      shortWindowMs: millisOrNaN(props.shortWindow ?? Duration.minutes(5))!,
      histogram: props.histogram ?? 'http_request_duration_seconds',
      histogramSelector: promqlSelector(props.histogramSelector),
      quantile,
      latencyThresholdSeconds: millisOrNaN(props.latencyThreshold ?? Duration.millis(500))! / 1000,
      budgetBurnPerDay: burn / 100,
      budgetRemainingBelow: low / 100,
      forMs: millisOrNaN(props.alertFor ?? Duration.minutes(5))!,
      labels: props.labels ?? {},
    };
    this.names = sloThresholdRuleNames(prefix, this.model.periodMs, quantile);
    if (problems.empty) {
      for (const g of sloThresholdRules(this.model)) {
        for (const r of g.rules) {
          const where = r.record ? `availability (recording ${r.record})` : `alert ${r.alert}`;
          const p = promqlSyntaxProblem(r.expr);
          if (p) problems.add(where, `the generated query does not parse: ${p}`, 'check the SLI queries and selectors');
          else
            for (const issue of promqlTypeIssues(r.expr))
              problems.add(where, `the generated query is not valid PromQL: ${issue.problem} (near "${nearText(r.expr, issue.at)}")`, issue.fix);
        }
      }
    }
    const output = props.output ?? SloOutput.rulesConfigMap();
    problems.addAll('', output.problems({ slothExpressible: false }));
    problems.throwIfAny(this.node.path);

    const labels = objectLabels(SLO_RULES_LABELS, selection.labels);
    this.apiObject = setMainObject(this, sloOutputObject(this, output, { metadata: { name, namespace, labels }, ruleGroups: () => this.ruleGroups }));
  }

  /** The rule groups. */
  public get ruleGroups(): PromRuleGroup[] {
    return sloThresholdRules(this.model);
  }

  /** Every object this construct made, in creation order. */
  public get apiObjects(): ApiObject[] {
    return apiObjectsOf(this);
  }
}

/**
 * The former name of {@link SloThresholdRules}.
 * @deprecated Use `SloThresholdRules`: `SloDefinition` is one SLO of a `SloSpec`, this construct is not a list of them.
 */
export const SloDefinitions = SloThresholdRules;
/** @deprecated Use `SloThresholdRules`. */
export type SloDefinitions = SloThresholdRules;
/** @deprecated Use `SloThresholdRulesProps`. */
export type SloDefinitionsProps = SloThresholdRulesProps;
/** @deprecated Use `SloThresholdRulesModel`. */
export type SloDefinitionsModel = SloThresholdRulesModel;
/** @deprecated Use `sloThresholdRuleNames`. */
export const sloDefinitionNames = sloThresholdRuleNames;
