import { ApiObject, Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { PrometheusServiceLevelSpec, toJson_PrometheusServiceLevelSpec } from '../../imports/sloth.slok.dev';
import { Problem, Problems } from '../common/errors';
import { MANAGED_BY, objectLabels, PrometheusSelection, prometheusSelection, SLO_RULES_LABELS } from '../common/conventions';
import { AppIndex, AppMemo, appChanged, ConstructRegistry, sortInTreeOrder } from '../common/registry';
import { LIBRARY_VERSION } from '../common/version';
import { nameProblems, namespaceProblems } from '../common/checks';
import { AlertWindowsModel, GenerationInfo, PromRuleGroup, SloModel } from './model';
import { MAX_SLO_OBJECT_BYTES, SloOutput, SloOutputSource } from './output';
import { rulesFileYaml } from './render';
import { sloRuleGroups } from './rules';
import { SlothServiceSpec } from './sloth-spec';
import { Sli } from './sli';
import { sloProblems } from './validate';
import { finiteDurationProblems, millisOrNaN, goTemplatesProblems, reservedLabelProblems, SLOTH_JOIN_LABELS } from '../common/promql';
import { AlertWindowsCatalog, alertWindowsProblems, DEFAULT_ALERT_WINDOWS } from './windows';
import { apiObjectsOf, IApiObjectOwner, setMainObject } from '../common/api-object';

/** Every SloSpec of an app, for the app-wide sloth_id check. */
const SLO_SPECS = new ConstructRegistry<SloSpec>('SloSpec');

/**
 * sloth_id to the specs generating it (a spec once per SLO with that id), in tree order
 * where several generate it.
 */
const SLOTH_IDS = new AppIndex(SLO_SPECS, (specs) => {
  const index = new Map<string, SloSpec[]>();
  for (const spec of specs) {
    for (const slo of spec.definitions) {
      const id = `${spec.service}-${slo.name}`;
      const list = index.get(id);
      if (list) list.push(spec);
      else index.set(id, [spec]);
    }
  }
  for (const [id, list] of index) if (list.length > 1) index.set(id, sortInTreeOrder(list));
  return index;
});

/**
 * Problems with what one SLO definition writes into the rules besides its queries: labels
 * that override the ones Sloth's rules join on, and annotation or label templates that
 * Prometheus' template parser refuses. Fields relative to the definition.
 */
function sloDefinitionProblems(def: SloDefinition): Problem[] {
  const a = def.alerting ?? {};
  const alertReserved = [...SLOTH_JOIN_LABELS, 'sloth_severity'];
  const out: Problem[] = [...reservedLabelProblems('labels', def.labels), ...reservedLabelProblems('alerting.labels', a.labels, alertReserved)];
  out.push(...goTemplatesProblems('alerting.labels', a.labels), ...goTemplatesProblems('alerting.annotations', a.annotations));
  for (const which of ['pageAlert', 'ticketAlert'] as const) {
    const o = a[which];
    if (!o || o.disable) continue;
    out.push(...reservedLabelProblems(`alerting.${which}.labels`, o.labels, alertReserved));
    out.push(...goTemplatesProblems(`alerting.${which}.labels`, o.labels), ...goTemplatesProblems(`alerting.${which}.annotations`, o.annotations));
  }
  return out;
}

/** Overrides for the page or the ticket alert. */
export interface SloAlertOverride {
  /** Do not generate this alert. @default false */
  readonly disable?: boolean;
  /** Labels for this alert only, on top of `SloAlerting.labels`. @default {} */
  readonly labels?: Record<string, string>;
  /** Annotations for this alert only, on top of `SloAlerting.annotations`. @default {} */
  readonly annotations?: Record<string, string>;
}

/** The multi-window multi-burn-rate alerts of an SLO. */
export interface SloAlerting {
  /** The alert name, shared by the page and the ticket alert (told apart by `sloth_severity`). Required unless both alerts are disabled. @default - none */
  readonly name?: string;
  /** Labels on both alerts. @default {} */
  readonly labels?: Record<string, string>;
  /** Annotations on both alerts (a default `title` and `summary` are added). @default {} */
  readonly annotations?: Record<string, string>;
  /** The page alert (fast burn: 2% of the budget in 1h, or 5% in 6h, for 30d). @default enabled */
  readonly pageAlert?: SloAlertOverride;
  /** The ticket alert (slow burn: 10% of the budget in 1d, or 10% in 3d, for 30d). @default enabled */
  readonly ticketAlert?: SloAlertOverride;
}

/** One SLO of a service. */
export interface SloDefinition {
  /** The SLO's name, unique within the service (letters, digits, `.`, `_`, `-`). */
  readonly name: string;
  /** The objective, in percent, in (0, 100): e.g. 99.9. */
  readonly objective: number;
  /** How the error ratio is measured. */
  readonly sli: Sli;
  /** A description. @default "" */
  readonly description?: string;
  /** Labels on every rule of this SLO, on top of the service labels. @default {} */
  readonly labels?: Record<string, string>;
  /** Alerting; omit to have no alerts only if you also say so: Sloth requires a name unless both alerts are disabled. @default - alerts enabled, name required */
  readonly alerting?: SloAlerting;
}

/** One custom window pair of `AlertWindows.custom` (a share of the error budget over a short and a long window). */
export interface CustomAlertWindow {
  /** Share of the period's error budget, in percent, that the alert guards. */
  readonly errorBudgetPercent: number;
  /** The short window, which stops the alert once the problem is gone. */
  readonly shortWindow: Duration;
  /** The long window over which the budget share is consumed. */
  readonly longWindow: Duration;
}

/**
 * The former name of {@link CustomAlertWindow}.
 * @deprecated Use `CustomAlertWindow` (not to be confused with the `SlothAlertWindowsDocument` of a file).
 */
export type AlertWindowSpec = CustomAlertWindow;

/** Alert windows for one SLO period. */
export class AlertWindows {
  /** The built-in windows for a 30-day period (Google SRE workbook values). */
  public static thirtyDays(): AlertWindows {
    return new AlertWindows(DEFAULT_ALERT_WINDOWS[0]);
  }

  /** The built-in windows for a 28-day period. */
  public static twentyEightDays(): AlertWindows {
    return new AlertWindows(DEFAULT_ALERT_WINDOWS[1]);
  }

  /** Custom windows for any period. */
  public static custom(o: {
    readonly period: Duration;
    readonly pageQuick: CustomAlertWindow;
    readonly pageSlow: CustomAlertWindow;
    readonly ticketQuick: CustomAlertWindow;
    readonly ticketSlow: CustomAlertWindow;
  }): AlertWindows {
    const w = (s: CustomAlertWindow) => ({
      errorBudgetPercent: s.errorBudgetPercent,
      shortWindowMs: millisOrNaN(s.shortWindow)!,
      longWindowMs: millisOrNaN(s.longWindow)!,
    });
    return new AlertWindows({
      sloPeriodMs: millisOrNaN(o.period)!,
      pageQuick: w(o.pageQuick),
      pageSlow: w(o.pageSlow),
      ticketQuick: w(o.ticketQuick),
      ticketSlow: w(o.ticketSlow),
    });
  }

  /** Windows from their model (escape hatch; see `alertWindowsFromSpec` for Sloth files). */
  public static of(model: AlertWindowsModel): AlertWindows {
    return new AlertWindows(model);
  }

  private constructor(
    /** The windows as plain data. */
    public readonly model: AlertWindowsModel,
  ) {}
}

/**
 * The generated object of an SLO output, its body produced when the manifest is resolved
 * (not through a generated serializer, which models a rule's `expr` as IntOrString and would
 * drop it).
 */
export function sloOutputObject(scope: Construct, output: SloOutput, source: SloOutputSource): ApiObject {
  const type = output.objectType;
  if (!type || !output.bodyField) throw new Error(`[${scope.node.path}] output: a plain rules file is not a Kubernetes object`);
  return new ApiObject(scope, 'Resource', {
    ...type,
    metadata: { ...source.metadata },
    [output.bodyField]: Lazy.any({ produce: () => output.body(source) }),
  });
}

/** Props of {@link SloSpec}. */
export interface SloSpecProps {
  /** The service the SLOs belong to (letters, digits, `.`, `_`, `-`). */
  readonly service: string;
  /** The SLOs. More can be added with `addSlo()`. @default [] */
  readonly slos?: SloDefinition[];
  /** Labels on every rule of every SLO. @default {} */
  readonly labels?: Record<string, string>;
  /** The SLO period. @default Duration.days(30) */
  readonly period?: Duration;
  /** Alert windows for periods other than 30d and 28d (or to replace those). @default - the built-in 30d and 28d windows */
  readonly alertWindows?: AlertWindows[];
  /** Where the rules go. @default SloOutput.prometheusRule() */
  readonly output?: SloOutput;
  /** Leave out the alert rules. @default false */
  readonly disableAlerts?: boolean;
  /** Leave out the recording rules. @default false */
  readonly disableRecordings?: boolean;
  /** Labels added to every rule, after all others (Sloth's `--extra-labels`). @default {} */
  readonly extraLabels?: Record<string, string>;
  /** `metadata.name` of the generated object. @default "<service>-slos", lower-cased */
  readonly name?: string;
  /** Namespace of the generated objects. @default "monitoring" */
  readonly namespace?: string;
  /**
   * Labels on the PrometheusRule (or ConfigMap) that Prometheus' rule selector matches:
   * kube-prometheus-stack selects rules labelled `release: <helm release>`. `{}` adds none.
   * @default { release: "monitoring" }
   */
  readonly prometheusSelectorLabels?: Record<string, string>;
  /**
   * The former name of `prometheusSelectorLabels`.
   * @deprecated Use `prometheusSelectorLabels`.
   * @default { release: "monitoring" }
   */
  readonly ruleSelectorLabels?: Record<string, string>;
  /** The scrape interval of the SLI metrics: alert windows shorter than 4× it are rejected. @default Duration.seconds(30) */
  readonly scrapeInterval?: Duration;
  /**
   * What the `sloth_slo_info` rule records as generator and mode.
   * @default { version: <library version>, mode: "cdk8s-resilience", spec: "prometheus/v1" }
   */
  readonly generationInfo?: Partial<GenerationInfo>;
}

/**
 * SLOs as code: generates, for a service's SLOs, the same Prometheus recording and
 * multi-window multi-burn-rate alert rules as Sloth v0.16, as a `PrometheusRule` (default),
 * a Sloth `PrometheusServiceLevel`, or a rules file in a ConfigMap.
 *
 * Every input problem is reported at synth time, all at once, and nothing is emitted.
 */
export class SloSpec extends Construct implements IApiObjectOwner {
  /** The service. */
  public readonly service: string;
  /** The generated object (PrometheusRule, PrometheusServiceLevel or ConfigMap), for `addJsonPatch`. */
  public readonly apiObject: ApiObject;
  /** The metadata.name and namespace of the generated object. */
  public readonly name: string;
  public readonly namespace: string;

  private readonly slos: SloDefinition[] = [];
  private readonly props: SloSpecProps;
  private readonly catalog: AlertWindowsCatalog;
  private readonly periodMs: number;
  private readonly lateProblems: AppMemo<string[]>;
  private readonly modelOf = new WeakMap<SloDefinition, SloModel>();
  private readonly checkedSlos = new WeakMap<SloDefinition, ReadonlyArray<Problem & { readonly own?: boolean }>>();

  /** How Prometheus selects the generated object. */
  private get selection(): PrometheusSelection {
    return prometheusSelection(this.props.prometheusSelectorLabels, 'ruleSelectorLabels', this.props.ruleSelectorLabels, {
      fix: 'use a valid Kubernetes label',
    });
  }

  constructor(scope: Construct, id: string, props: SloSpecProps) {
    super(scope, id);
    this.props = props;
    this.service = props.service;
    this.name = props.name ?? `${props.service}-slos`.toLowerCase().replace(/[^a-z0-9.-]/g, '-');
    this.namespace = props.namespace ?? 'monitoring';
    this.periodMs = millisOrNaN(props.period ?? Duration.days(30))!;
    const windows = [...DEFAULT_ALERT_WINDOWS, ...(props.alertWindows ?? []).map((w) => w.model)];
    const byPeriod = new Map<number, AlertWindowsModel>();
    for (const w of windows) byPeriod.set(w.sloPeriodMs, w);
    this.catalog = new AlertWindowsCatalog([...byPeriod.values()]);
    this.slos.push(...(props.slos ?? []));
    SLO_SPECS.register(this);

    const problems = this.check();
    problems.throwIfAny(this.node.path);

    this.apiObject = setMainObject(this, this.emit());
    // cdk8s validates the whole app once per chart: the result is kept until the app changes.
    this.lateProblems = new AppMemo(this, () => this.validateLate());
    this.node.addValidation({ validate: () => this.lateProblems.get(this.slos.length) }); // node.validate() returns a new array
  }

  /**
   * A spec from a Sloth service spec (`prometheus/v1` or a `PrometheusServiceLevel`'s
   * spec, normalised by `normaliseSlothSpec`), so a team can keep its Sloth files and move
   * to typed code one SLO at a time. Sloth SLI plugins are not supported.
   */
  public static fromSloth(
    scope: Construct,
    id: string,
    spec: SlothServiceSpec,
    props: Omit<SloSpecProps, 'service' | 'slos' | 'labels'> = {},
  ): SloSpec {
    const unsupported = spec.slos.map((s, i) => [s, i] as const).filter(([s]) => s.sli.plugin && !s.sli.events && !s.sli.raw);
    if (unsupported.length) {
      const problems = new Problems();
      for (const [s, i] of unsupported)
        problems.add(
          `slos[${i}].sli.plugin`,
          `SLO "${s.name}" uses the Sloth SLI plugin "${s.sli.plugin?.id}", which runs Go code inside Sloth`,
          'rewrite the SLI as events or raw queries (or with an Sli helper)',
        );
      problems.throwIfAny(`${scope.node.path ? scope.node.path + '/' : ''}${id}`);
    }
    return new SloSpec(scope, id, {
      ...props,
      service: spec.service,
      labels: spec.labels,
      slos: spec.slos.map((s) => ({
        name: s.name,
        objective: s.objective,
        description: s.description,
        labels: s.labels,
        sli: Sli.of({ events: s.sli.events, raw: s.sli.raw }),
        alerting: s.alerting,
      })),
    });
  }

  /** Adds an SLO (checked when the app synthesizes). */
  public addSlo(slo: SloDefinition): void {
    this.slos.push(slo);
    appChanged(this);
  }

  /** The SLOs as models, ready for rule generation. */
  public get models(): SloModel[] {
    return this.slos.map((s) => {
      let m = this.modelOf.get(s);
      if (!m) this.modelOf.set(s, (m = this.model(s)));
      return m;
    });
  }

  /** The model of one definition (kept per definition: the spec's props cannot change). */
  private model(s: SloDefinition): SloModel {
    const p = this.props;
    const a = s.alerting ?? {};
    const meta = (o: SloAlertOverride | undefined) =>
      o?.disable
        ? { disable: true, name: '', labels: {}, annotations: {} }
        : {
            disable: false,
            name: a.name ?? '',
            labels: { ...(a.labels ?? {}), ...(o?.labels ?? {}) },
            annotations: { ...(a.annotations ?? {}), ...(o?.annotations ?? {}) },
          };
    return {
      id: `${p.service}-${s.name}`,
      name: s.name,
      service: p.service,
      description: s.description ?? '',
      objective: s.objective,
      periodMs: this.periodMs,
      labels: { ...(p.labels ?? {}), ...(s.labels ?? {}), ...(p.extraLabels ?? {}) },
      sli: s.sli.model,
      pageAlert: meta(a.pageAlert),
      ticketAlert: meta(a.ticketAlert),
    };
  }

  /** The SLO definitions, as given. */
  public get definitions(): readonly SloDefinition[] {
    return this.slos;
  }

  /** The alert windows used for this spec's period. */
  public get alertWindows(): AlertWindowsModel {
    return this.catalog.get(this.periodMs)!;
  }

  /** The generated rule groups, in Sloth's order: per SLO, SLI recordings, metadata, alerts. */
  public get ruleGroups(): PromRuleGroup[] {
    const info: GenerationInfo = {
      version: this.props.generationInfo?.version ?? LIBRARY_VERSION,
      mode: this.props.generationInfo?.mode ?? MANAGED_BY,
      spec: this.props.generationInfo?.spec ?? 'prometheus/v1',
    };
    return this.models.flatMap((m) =>
      sloRuleGroups(m, this.alertWindows, info, { disableAlerts: this.props.disableAlerts, disableRecordings: this.props.disableRecordings }),
    );
  }

  /** The rules as a Prometheus rules file (YAML). */
  public toRulesFile(): string {
    return rulesFileYaml(this.ruleGroups);
  }

  private check(): Problems {
    const problems = new Problems();
    const p = this.props;
    problems.addAll('', nameProblems('name', this.name, { fix: 'set `name` to a DNS-1123 name, e.g. "auth-service-slos"' }));
    problems.addAll('', namespaceProblems('namespace', this.namespace, { what: '', fix: 'use a valid namespace name, e.g. "monitoring"' }));
    problems.addAll('', this.selection.problems);
    (p.alertWindows ?? []).forEach((w, i) => problems.addAll(`alertWindows[${i}]`, alertWindowsProblems(w.model, true)));
    problems.addAll('', (p.output ?? SloOutput.prometheusRule()).problems({ periodMs: this.periodMs, generationOptions: p, objectName: this.name }));
    problems.addAll('', finiteDurationProblems('period', this.periodMs, 'Duration.days(30)'));
    problems.addAll('', finiteDurationProblems('scrapeInterval', millisOrNaN(p.scrapeInterval), 'Duration.seconds(30)'));
    problems.addAll('', reservedLabelProblems('labels', p.labels));
    problems.addAll('', reservedLabelProblems('extraLabels', p.extraLabels));
    this.checkSlos(problems);
    return problems;
  }

  private checkSlos(problems: Problems): void {
    const found: Problem[] = [];
    const keys = new Set<string>();
    const add = (field: string, problem: string, fix: string) => {
      const key = `${field}\u0000${problem}`;
      if (!keys.has(key)) found.push({ field, problem, fix });
      keys.add(key);
    };
    const seen = new Set<string>();
    const models = this.models;
    models.forEach((m, i) => {
      const def = this.slos[i];
      const prefix = `slos[${i}]`;
      for (const pr of this.sloChecks(def, m)) add(pr.own ? pr.field : `${prefix}.${pr.field}`, pr.problem, pr.fix);
      if (seen.has(m.name))
        add(`${prefix}.name`, `SLO "${m.name}" is defined twice in service "${m.service}"`, 'give each SLO of a service its own name');
      seen.add(m.name);
    });
    for (const f of found) problems.add(f.field, f.problem, f.fix);
  }

  /**
   * The problems of one SLO definition: fields relative to it, or of the spec (`own`). Kept
   * per definition (the spec's props cannot change), so that validating the app again
   * after construction does not parse every query again.
   */
  private sloChecks(def: SloDefinition, m: SloModel): ReadonlyArray<Problem & { readonly own?: boolean }> {
    const kept = this.checkedSlos.get(def);
    if (kept) return kept;
    const out: Array<Problem & { readonly own?: boolean }> = [];
    const strict = { strict: true, scrapeIntervalMs: millisOrNaN(this.props.scrapeInterval ?? Duration.seconds(30))! };
    const windows = this.catalog.get(this.periodMs);
    // A helper's bad option (a name that is not PromQL) is reported at the option, not as the query it broke.
    const sliOwn = def.sli.problems;
    for (const pr of sliOwn) out.push({ ...pr, field: `sli.${pr.field}` });
    out.push(...sloDefinitionProblems(def));
    for (const pr of sloProblems(m, windows, this.catalog.periods(), strict)) {
      if (sliOwn.length && pr.field.startsWith('sli.')) continue;
      if (pr.field === 'service') out.push({ ...pr, own: true });
      else if (pr.field === 'period' && !Number.isFinite(this.periodMs)) continue;
      else if (pr.field === 'period')
        out.push({ ...pr, own: true, fix: 'use Duration.days(30) or Duration.days(28), or give alertWindows for this period' });
      else if (pr.field === 'alertWindows') out.push({ ...pr, field: 'scrapeInterval', own: true });
      else out.push(pr);
    }
    if (def.sli.kind === 'latency' && !/^(\d+(\.\d+)?|\+Inf)$/.test(def.sli.thresholdBucket ?? '')) {
      out.push({
        field: 'sli',
        problem: `latency threshold bucket "${def.sli.thresholdBucket}" is not a bucket boundary`,
        fix: 'give the `le` value of one of the histogram buckets, e.g. "0.5"',
      });
    }
    if (def.sli.kind === 'throughput' && Number.isFinite(def.sli.minPerSecond) && !((def.sli.minPerSecond ?? 0) > 0)) {
      out.push({
        field: 'sli',
        problem: `minPerSecond must be above 0 (got ${def.sli.minPerSecond})`,
        fix: 'give the minimum rate the service must sustain, e.g. 100',
      });
    }
    this.checkedSlos.set(def, out);
    return out;
  }

  private validateLate(): string[] {
    const problems = new Problems();
    this.checkSlos(problems);
    if (this.slos.length === 0) problems.add('slos', 'the spec has no SLOs', 'pass `slos` or call addSlo()');
    // sloth_id must be unique across the whole app: two specs with one service and SLO name
    // produce the same series and break each other's alerts.
    const ids = SLOTH_IDS.get(this);
    for (const m of this.models) {
      const paths = (ids.get(m.id) ?? []).map((c) => c.node.path);
      if (paths.length > 1) {
        problems.add(
          'slos',
          `sloth_id "${m.id}" (service "${m.service}", SLO "${m.name}") is also generated by ${paths.filter((x) => x !== this.node.path).join(', ') || 'this spec twice'}; both would write the same series`,
          'rename one SLO or service',
        );
      }
    }
    // One object per spec: refuse one that the API server (or etcd) would refuse.
    if (problems.empty && this.sizeBound() > MAX_SLO_OBJECT_BYTES)
      problems.addAll('', (this.props.output ?? SloOutput.prometheusRule()).sizeProblems(this.outputSource, this.slos.length));
    return problems.messages();
  }

  private get outputSource(): SloOutputSource {
    return {
      metadata: { name: this.name, namespace: this.namespace, labels: objectLabels(SLO_RULES_LABELS, this.selection.labels) },
      ruleGroups: () => this.ruleGroups,
      slothServiceLevelSpec: () => toJson_PrometheusServiceLevelSpec(this.slothSpec()) ?? {},
    };
  }

  /**
   * More bytes than the generated object can have: each SLO writes at most 17 rules and 3
   * groups, each rule at most its queries, its labels and annotations and 1 KiB of its own.
   * Cheap, so the exact size is computed only for specs that could be too large.
   */
  private sizeBound(): number {
    const text = (m: Readonly<Record<string, string>> | undefined) => Object.entries(m ?? {}).reduce((n, [k, v]) => n + k.length + v.length + 8, 0);
    let bytes = 4096;
    for (const m of this.models) {
      const q = m.sli.events ? m.sli.events.errorQuery.length + m.sli.events.totalQuery.length : (m.sli.raw?.errorRatioQuery.length ?? 0);
      const alerts = text(m.pageAlert.labels) + text(m.pageAlert.annotations) + text(m.ticketAlert.labels) + text(m.ticketAlert.annotations);
      // JSON escapes can double a character (a quote or backslash), and a non-ASCII one takes up to 3 bytes.
      bytes += 3 * (20 * (2 * q + text(m.labels) + m.id.length + 1024) + 2 * alerts);
    }
    return bytes;
  }

  private emit(): ApiObject {
    // The body is produced when the manifest is resolved, so SLOs added later with addSlo() count.
    return sloOutputObject(this, this.props.output ?? SloOutput.prometheusRule(), this.outputSource);
  }

  private slothSpec(): PrometheusServiceLevelSpec {
    const p = this.props;
    return {
      service: p.service,
      labels: p.labels,
      slos: this.slos.map((s) => ({
        name: s.name,
        objective: s.objective,
        description: s.description,
        labels: s.labels,
        sli: {
          events: s.sli.model.events,
          raw: s.sli.model.raw,
        },
        alerting: {
          name: s.alerting?.name,
          labels: s.alerting?.labels,
          annotations: s.alerting?.annotations,
          pageAlert: s.alerting?.pageAlert,
          ticketAlert: s.alerting?.ticketAlert,
        },
      })),
    };
  }

  /** Every object this construct made, in creation order. */
  public get apiObjects(): ApiObject[] {
    return apiObjectsOf(this);
  }
}
