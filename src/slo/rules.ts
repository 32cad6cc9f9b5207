/**
 * Prometheus rule generation for SLOs, following Sloth v0.16's conventions exactly: the SLI
 * error-ratio recordings (one per alert window plus the optimized period window), the
 * metadata recordings, and the page and ticket multi-window multi-burn-rate alerts.
 */
import { goFloat, goFloatF, promLabelSet } from './format';
import { AlertMetaModel, AlertWindowsModel, GenerationInfo, PromRule, PromRuleGroup, SloModel } from './model';
import { renderWindow } from './template';
import { MwmbAlert, MwmbAlertGroup, alertGroupWindows, mwmbAlerts } from './windows';
import { formatPromDuration } from '../common/duration';

/** Recording rule names and labels shared with Sloth (and dashboards built on them). */
export const SloMetrics = {
  sliErrorPrefix: 'slo:sli_error:ratio_rate',
  objectiveRatio: 'slo:objective:ratio',
  errorBudgetRatio: 'slo:error_budget:ratio',
  timePeriodDays: 'slo:time_period:days',
  currentBurnRate: 'slo:current_burn_rate:ratio',
  periodBurnRate: 'slo:period_burn_rate:ratio',
  periodErrorBudgetRemaining: 'slo:period_error_budget_remaining:ratio',
  info: 'sloth_slo_info',
  labels: {
    id: 'sloth_id',
    slo: 'sloth_slo',
    service: 'sloth_service',
    window: 'sloth_window',
    severity: 'sloth_severity',
    version: 'sloth_version',
    mode: 'sloth_mode',
    spec: 'sloth_spec',
    objective: 'sloth_objective',
  },
  groupPrefix: {
    sli: 'sloth-slo-sli-recordings-',
    meta: 'sloth-slo-meta-recordings-',
    alerts: 'sloth-slo-alerts-',
  },
} as const;

/** The SLI error-ratio recording name for a window (`slo:sli_error:ratio_rate5m`). */
export function sliErrorMetric(windowMs: number): string {
  return SloMetrics.sliErrorPrefix + formatPromDuration(windowMs);
}

/** The labels identifying an SLO's series. */
export function sloIdLabels(slo: SloModel): Record<string, string> {
  return { [SloMetrics.labels.id]: slo.id, [SloMetrics.labels.slo]: slo.name, [SloMetrics.labels.service]: slo.service };
}

function merge(...maps: Array<Readonly<Record<string, string>> | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of maps) Object.assign(out, m ?? {});
  return sortKeys(out);
}

function sortKeys(m: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(m)
      .sort()
      .map((k) => [k, m[k]]),
  );
}

function sliRecording(slo: SloModel, windowMs: number, alerts: MwmbAlertGroup): PromRule {
  const window = formatPromDuration(windowMs);
  let expr: string;
  if (windowMs === slo.periodMs && windowMs !== alerts.pageQuick.shortWindowMs) {
    // The period window is derived from the short-window recording instead of querying a
    // whole period of raw data: the mean of the 5m ratios over the period.
    const metric = sliErrorMetric(alerts.pageQuick.shortWindowMs);
    const filter = promLabelSet(sloIdLabels(slo));
    expr =
      `sum_over_time(${metric}${filter}[${window}])\n` +
      `/ ignoring (${SloMetrics.labels.window})\n` +
      `count_over_time(${metric}${filter}[${window}])\n`;
  } else if (slo.sli.events) {
    expr = renderWindow(`(${slo.sli.events.errorQuery})\n/\n(${slo.sli.events.totalQuery})\n`, window);
  } else if (slo.sli.raw) {
    expr = renderWindow(`(${slo.sli.raw.errorRatioQuery})`, window);
  } else {
    throw new Error(`SLO ${slo.id} has no SLI`);
  }
  return {
    record: sliErrorMetric(windowMs),
    expr,
    labels: merge(sloIdLabels(slo), { [SloMetrics.labels.window]: window }, slo.labels),
  };
}

/** The SLI error-ratio recording rules of an SLO: each alert window, then the period. */
export function sliRecordingRules(slo: SloModel, alerts: MwmbAlertGroup): PromRule[] {
  return [...alertGroupWindows(alerts), slo.periodMs].map((w) => sliRecording(slo, w, alerts));
}

function burnRateExpr(slo: SloModel, sliMetric: string): string {
  const filter = promLabelSet(sloIdLabels(slo));
  const l = SloMetrics.labels;
  return `${sliMetric}${filter}\n/ on(${l.id}, ${l.slo}, ${l.service}) group_left\n${SloMetrics.errorBudgetRatio}${filter}\n`;
}

/** The metadata recording rules of an SLO: objective, budget, period, burn rates, info. */
export function metadataRecordingRules(slo: SloModel, alerts: MwmbAlertGroup, info: GenerationInfo): PromRule[] {
  const labels = merge(sloIdLabels(slo), slo.labels);
  const ratio = slo.objective / 100;
  const filter = promLabelSet(sloIdLabels(slo));
  const l = SloMetrics.labels;
  return [
    { record: SloMetrics.objectiveRatio, expr: `vector(${goFloat(ratio)})`, labels },
    { record: SloMetrics.errorBudgetRatio, expr: `vector(1-${goFloat(ratio)})`, labels },
    { record: SloMetrics.timePeriodDays, expr: `vector(${goFloat(slo.periodMs / 86400000)})`, labels },
    { record: SloMetrics.currentBurnRate, expr: burnRateExpr(slo, sliErrorMetric(alerts.pageQuick.shortWindowMs)), labels },
    { record: SloMetrics.periodBurnRate, expr: burnRateExpr(slo, sliErrorMetric(slo.periodMs)), labels },
    { record: SloMetrics.periodErrorBudgetRemaining, expr: `1 - ${SloMetrics.periodBurnRate}${filter}`, labels },
    {
      record: SloMetrics.info,
      expr: 'vector(1)',
      labels: merge(labels, { [l.version]: info.version, [l.mode]: info.mode, [l.spec]: info.spec, [l.objective]: goFloatF(slo.objective) }),
    },
  ];
}

function mwmbExpr(slo: SloModel, quick: MwmbAlert, slow: MwmbAlert): string {
  const filter = promLabelSet(sloIdLabels(slo));
  const budget = goFloat(quick.errorBudget / 100);
  const w = SloMetrics.labels.window;
  const cond = (windowMs: number, factor: number) => `max(${sliErrorMetric(windowMs)}${filter} > (${goFloat(factor)} * ${budget})) without (${w})`;
  return (
    '(\n' +
    `    ${cond(quick.shortWindowMs, quick.burnRateFactor)}\n    and\n    ${cond(quick.longWindowMs, quick.burnRateFactor)}\n` +
    ')\nor\n(\n' +
    `    ${cond(slow.shortWindowMs, slow.burnRateFactor)}\n    and\n    ${cond(slow.longWindowMs, slow.burnRateFactor)}\n` +
    ')\n'
  );
}

function alertRule(slo: SloModel, meta: AlertMetaModel, quick: MwmbAlert, slow: MwmbAlert): PromRule {
  const sev = quick.severity;
  const l = SloMetrics.labels;
  return {
    alert: meta.name,
    expr: mwmbExpr(slo, quick, slow),
    labels: merge({ [l.severity]: sev }, meta.labels),
    annotations: merge(
      {
        title: `(${sev}) {{$labels.${l.service}}} {{$labels.${l.slo}}} SLO error budget burn rate is too fast.`,
        summary: `{{$labels.${l.service}}} {{$labels.${l.slo}}} SLO error budget burn rate is over expected.`,
      },
      meta.annotations,
    ),
  };
}

/** The page and ticket alert rules of an SLO (those not disabled). */
export function alertRules(slo: SloModel, alerts: MwmbAlertGroup): PromRule[] {
  const rules: PromRule[] = [];
  if (!slo.pageAlert.disable) rules.push(alertRule(slo, slo.pageAlert, alerts.pageQuick, alerts.pageSlow));
  if (!slo.ticketAlert.disable) rules.push(alertRule(slo, slo.ticketAlert, alerts.ticketQuick, alerts.ticketSlow));
  return rules;
}

/** What to leave out of the generated rules. */
export interface GenerateOptions {
  /** Leave out the alert rules. @default false */
  readonly disableAlerts?: boolean;
  /** Leave out the SLI and metadata recording rules. @default false */
  readonly disableRecordings?: boolean;
}

/** The rule groups of one SLO: SLI recordings, metadata recordings, alerts (empty groups left out). */
export function sloRuleGroups(slo: SloModel, windows: AlertWindowsModel, info: GenerationInfo, options: GenerateOptions = {}): PromRuleGroup[] {
  const alerts = mwmbAlerts(slo.objective, windows);
  const groups: PromRuleGroup[] = [];
  if (!options.disableRecordings) {
    groups.push({ name: SloMetrics.groupPrefix.sli + slo.id, rules: sliRecordingRules(slo, alerts) });
    groups.push({ name: SloMetrics.groupPrefix.meta + slo.id, rules: metadataRecordingRules(slo, alerts, info) });
  }
  if (!options.disableAlerts) {
    const rules = alertRules(slo, alerts);
    if (rules.length) groups.push({ name: SloMetrics.groupPrefix.alerts + slo.id, rules });
  }
  return groups;
}
