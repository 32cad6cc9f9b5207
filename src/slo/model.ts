/**
 * The SLO domain model, as plain data: what an SLO is, independent of where it came from
 * (typed props, a Sloth file, an OpenSLO file) and of what is generated from it.
 */

/** An SLI measured as error events over total events; queries contain `{{.window}}`. */
export interface EventsSliModel {
  readonly errorQuery: string;
  readonly totalQuery: string;
}

/** An SLI given directly as an error ratio query containing `{{.window}}`. */
export interface RawSliModel {
  readonly errorRatioQuery: string;
}

/** Exactly one of `events` or `raw`. */
export interface SliModel {
  readonly events?: EventsSliModel;
  readonly raw?: RawSliModel;
}

/** The metadata of one generated alert (page or ticket). */
export interface AlertMetaModel {
  readonly disable: boolean;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** One SLO, ready for rule generation. */
export interface SloModel {
  /** `<service>-<name>`: the `sloth_id` label. */
  readonly id: string;
  readonly name: string;
  readonly service: string;
  readonly description: string;
  /** Objective in percent, in (0, 100]. */
  readonly objective: number;
  /** SLO period in milliseconds (30d by default). */
  readonly periodMs: number;
  /** Labels added to every generated rule (spec labels, SLO labels, extra labels merged). */
  readonly labels: Readonly<Record<string, string>>;
  readonly sli: SliModel;
  readonly pageAlert: AlertMetaModel;
  readonly ticketAlert: AlertMetaModel;
}

/** A multi-window alert's window pair and the share of the error budget it guards. */
export interface AlertWindowModel {
  /** Share of the period's error budget, in percent, consumed when the alert fires. */
  readonly errorBudgetPercent: number;
  readonly shortWindowMs: number;
  readonly longWindowMs: number;
}

/** The four multi-window multi-burn-rate windows for one SLO period (Sloth's `AlertWindows`). */
export interface AlertWindowsModel {
  readonly sloPeriodMs: number;
  readonly pageQuick: AlertWindowModel;
  readonly pageSlow: AlertWindowModel;
  readonly ticketQuick: AlertWindowModel;
  readonly ticketSlow: AlertWindowModel;
}

/** One Prometheus rule, recording or alerting. */
export interface PromRule {
  readonly record?: string;
  readonly alert?: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A named group of Prometheus rules. */
export interface PromRuleGroup {
  readonly name: string;
  readonly interval?: string;
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
