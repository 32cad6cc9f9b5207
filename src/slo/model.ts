/**
 * The SLO domain model, as plain data: what an SLO is, independent of where it came from
 * (typed props, a Sloth file, an OpenSLO file) and of what is generated from it.
 */

/** An SLI measured as error events over total events; queries contain `{{.window}}`. */
export interface EventsSliModel {
  /** PromQL counting the failed events over `{{.window}}` (for example a `rate(...[{{.window}}])` of 5xx requests). */
  readonly errorQuery: string;
  /** PromQL counting all events over `{{.window}}`; the SLI error ratio is `errorQuery / totalQuery`. */
  readonly totalQuery: string;
}

/** An SLI given directly as an error ratio query containing `{{.window}}`. */
export interface RawSliModel {
  /** PromQL giving the error ratio (0 to 1) over `{{.window}}` directly. */
  readonly errorRatioQuery: string;
}

/** Exactly one of `events` or `raw`. */
export interface SliModel {
  /** The SLI as error and total event queries. @default - none: `raw` is set instead */
  readonly events?: EventsSliModel;
  /** The SLI as one error ratio query. @default - none: `events` is set instead */
  readonly raw?: RawSliModel;
}

/** The metadata of one generated alert (page or ticket). */
export interface AlertMetaModel {
  /** True when this alert is not generated; `name`, `labels` and `annotations` are then empty. */
  readonly disable: boolean;
  /** The `alert` name of the rule (Sloth's `alerting.name`, shared by the page and the ticket alert). */
  readonly name: string;
  /** Labels of the alert rule (the SLO's alerting labels, then this alert's own), merged over the generated `sloth_severity` label. */
  readonly labels: Readonly<Record<string, string>>;
  /** Annotations of the alert rule (the SLO's alerting annotations, then this alert's own); they override the generated `title` and `summary`. */
  readonly annotations: Readonly<Record<string, string>>;
}

/** One SLO, ready for rule generation. */
export interface SloModel {
  /** `<service>-<name>`: the `sloth_id` label. */
  readonly id: string;
  /** The SLO's name within its service: the `sloth_slo` label. */
  readonly name: string;
  /** The service the SLO belongs to: the `sloth_service` label. */
  readonly service: string;
  /** Free-text description of the SLO (`""` when none); not written to the generated rules. */
  readonly description: string;
  /** Objective in percent, in (0, 100]. */
  readonly objective: number;
  /** SLO period in milliseconds (30d by default). */
  readonly periodMs: number;
  /** Labels added to every generated rule (spec labels, SLO labels, extra labels merged). */
  readonly labels: Readonly<Record<string, string>>;
  /** How the SLI is measured. */
  readonly sli: SliModel;
  /** The page alert (`sloth_severity="page"`, built from the page quick and page slow windows). */
  readonly pageAlert: AlertMetaModel;
  /** The ticket alert (`sloth_severity="ticket"`, built from the ticket quick and ticket slow windows). */
  readonly ticketAlert: AlertMetaModel;
}

/** A multi-window alert's window pair and the share of the error budget it guards. */
export interface AlertWindowModel {
  /** Share of the period's error budget, in percent, consumed when the alert fires. */
  readonly errorBudgetPercent: number;
  /** The short window, in milliseconds: the burn rate must exceed the factor over it as well, so the alert resolves soon after the burn stops. */
  readonly shortWindowMs: number;
  /** The long window, in milliseconds: the burn-rate factor is `errorBudgetPercent` of the period divided by this window. */
  readonly longWindowMs: number;
}

/** The four multi-window multi-burn-rate windows for one SLO period (Sloth's `AlertWindows`). */
export interface AlertWindowsModel {
  /** The SLO period these windows apply to, in milliseconds (30 days for the built-in windows). */
  readonly sloPeriodMs: number;
  /** Fast page condition (built-in 30d: 2% of the budget, 5m and 1h windows). */
  readonly pageQuick: AlertWindowModel;
  /** Slow page condition (built-in 30d: 5% of the budget, 30m and 6h windows). */
  readonly pageSlow: AlertWindowModel;
  /** Fast ticket condition (built-in 30d: 10% of the budget, 2h and 1d windows). */
  readonly ticketQuick: AlertWindowModel;
  /** Slow ticket condition (built-in 30d: 10% of the budget, 6h and 3d windows). */
  readonly ticketSlow: AlertWindowModel;
}

/** One Prometheus rule, recording or alerting. */
export interface PromRule {
  /** The metric name a recording rule writes. @default - none: an alerting rule (`alert` set) */
  readonly record?: string;
  /** The name of an alerting rule. @default - none: a recording rule (`record` set) */
  readonly alert?: string;
  /** The PromQL expression evaluated. */
  readonly expr: string;
  /** How long an alert's condition must hold before it fires, as a Prometheus duration (`5m`). @default - fires at the first evaluation where the condition holds */
  readonly for?: string;
  /** Labels added to the recorded series or to the alert. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Annotations of an alert (for example `title`, `summary`); not used by recording rules. @default - none */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A named group of Prometheus rules. */
export interface PromRuleGroup {
  /** The group name (Sloth's: `sloth-slo-sli-recordings-<id>`, `sloth-slo-meta-recordings-<id>`, `sloth-slo-alerts-<id>`). */
  readonly name: string;
  /** How often the group is evaluated, as a Prometheus duration (`30s`). @default - Prometheus' global `evaluation_interval` */
  readonly interval?: string;
  /** The rules, evaluated in order. */
  readonly rules: readonly PromRule[];
}

/** Who generated the rules: the `sloth_slo_info` labels. */
export interface GenerationInfo {
  /** Written as `sloth_version`. */
  readonly version: string;
  /** Written as `sloth_mode` (Sloth: `cli-gen-prom`, `cli-gen-k8s`, `ctrl-gen-k8s`). */
  readonly mode: string;
  /** The spec type the SLO came from, written as `sloth_spec`. */
  readonly spec: string;
}
