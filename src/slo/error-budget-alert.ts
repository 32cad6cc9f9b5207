/**
 * The opt-in alert for an exhausted error budget: the same rule as Sloth's
 * `error_budget_exhausted_alert/v1` SLO plugin, generated beside the SLO's own rules
 * (./rules), and read from the plugin declarations of spec files and flags.
 */
import { formatPromDuration, promDurationMs } from '../common/duration';
import { Problem } from '../common/errors';
import { goFloat, promLabelSet } from './format';
import { PromRule, SloModel } from './model';
import { SloMetrics, sloIdLabels } from './rules';

/** Config of the opt-in alert for an exhausted error budget (Sloth's `error_budget_exhausted_alert/v1` plugin). */
export interface ErrorBudgetExhaustedAlertConfig {
  /** Fire when the remaining budget ratio is at or below this. @default 0 */
  readonly threshold?: number;
  /** How long the condition must hold, in ms. @default 5 minutes */
  readonly forMs?: number;
  /** The alert name. @default "ErrorBudgetExhausted" */
  readonly alertName?: string;
  /** Labels on the alert. @default {} */
  readonly alertLabels?: Record<string, string>;
  /** Annotations on the alert. @default {} */
  readonly annotations?: Record<string, string>;
  /** Extra label matchers on the remaining-budget series. @default {} */
  readonly selectorLabels?: Record<string, string>;
}

/** The Sloth plugin id of the error-budget-exhausted alert. */
export const ERROR_BUDGET_EXHAUSTED_PLUGIN_ID = 'sloth.dev/contrib/error_budget_exhausted_alert/v1';

/**
 * The alert that fires once the period's error budget is used up: the same rule as
 * Sloth's `error_budget_exhausted_alert/v1` plugin.
 */
export function errorBudgetExhaustedAlert(slo: SloModel, config: ErrorBudgetExhaustedAlertConfig = {}): PromRule {
  const selector = { ...sloIdLabels(slo), ...slo.labels, ...(config.selectorLabels ?? {}) };
  const labels = config.alertLabels ?? {};
  return {
    alert: config.alertName || 'ErrorBudgetExhausted',
    expr: `${SloMetrics.periodErrorBudgetRemaining}${promLabelSet(selector)} <= ${goFloat(config.threshold ?? 0)}`,
    for: formatPromDuration(config.forMs || 5 * 60 * 1000),
    ...(Object.keys(labels).length ? { labels: { ...labels } } : {}),
    ...(config.annotations && Object.keys(config.annotations).length ? { annotations: { ...config.annotations } } : {}),
  };
}

/**
 * Reads a Sloth SLO plugin declaration (`{id, config, priority}`). Only the
 * error-budget-exhausted alert is supported; anything else is a problem.
 */
export function sloPluginFromDeclaration(decl: unknown): { config?: ErrorBudgetExhaustedAlertConfig; problem?: Omit<Problem, 'field'> } {
  const d = decl !== null && typeof decl === 'object' ? (decl as Record<string, unknown>) : {};
  if (d.id !== ERROR_BUDGET_EXHAUSTED_PLUGIN_ID) {
    return {
      problem: {
        problem: `SLO plugin "${String(d.id ?? '')}" is not supported (only ${ERROR_BUDGET_EXHAUSTED_PLUGIN_ID})`,
        fix: 'remove it, or generate those rules with Sloth',
      },
    };
  }
  let c: unknown = d.config ?? {};
  if (typeof c === 'string') {
    try {
      c = JSON.parse(c) as unknown;
    } catch {
      return { problem: { problem: 'the plugin config is not valid JSON', fix: 'give config as an object, e.g. {"threshold": 0}' } };
    }
  }
  const o = c !== null && typeof c === 'object' ? (c as Record<string, unknown>) : {};
  const strs = (v: unknown) =>
    v && typeof v === 'object' ? Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, String(x)])) : undefined;
  let forMs: number | undefined;
  if (o.for !== undefined) {
    forMs = promDurationMs(String(o.for));
    if (forMs === undefined) return { problem: { problem: `config.for "${String(o.for)}" is not a Prometheus duration`, fix: 'use e.g. 5m' } };
  }
  if (o.threshold !== undefined && typeof o.threshold !== 'number')
    return { problem: { problem: 'config.threshold is not a number', fix: 'use a remaining-budget ratio, e.g. 0 or 0.05' } };
  return {
    config: {
      threshold: o.threshold as number | undefined,
      forMs,
      alertName: o.alert_name === undefined ? undefined : String(o.alert_name),
      alertLabels: strs(o.alert_labels),
      annotations: strs(o.annotations),
      selectorLabels: strs(o.selector_labels),
    },
  };
}
