import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import {
  PrometheusRuleProps,
  PrometheusRuleSpecGroupsRulesExpr,
  ServiceMonitorProps,
  toJson_PrometheusRuleProps,
  toJson_ServiceMonitorProps,
} from '../../imports/monitoring.coreos.com';
import { nameProblems, namespaceProblems, Problems, promLabelsProblems } from '../common';
import { apiObjectsOf, coreApiObject, IApiObjectOwner, setMainObject, typedApiObject } from '../common/api-object';
import { objectLabels, prometheusSelection } from '../common/conventions';
import type * as k8s from '../common/k8s-types';
import { VELERO_NAMESPACE } from './plan';
import { RpoReport } from './rpo';
import { durationProblems } from './durations';
import { formatPromDuration, formatSeconds } from '../common/duration';

/** A Prometheus alerting rule as plain data. */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** A schedule to watch: its metric label and the longest normal time between two successes. */
export interface WatchedSchedule {
  /** The `schedule` label of Velero's metrics (the Schedule's name). */
  readonly name: string;
  /** Worst-case gap between two runs, in seconds. */
  readonly worstCaseGapSeconds: number;
  /** RPO the schedule serves, in seconds, if tighter than gap plus grace. @default none */
  readonly rpoSeconds?: number;
}

/** Options of `veleroAlertRules`. */
export interface VeleroAlertOptions {
  /** Window over which failures are counted, in seconds. @default 3600 */
  readonly failureWindowSeconds?: number;
  /** Extra labels on every alert. @default none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * Time a backup may take on top of the schedule's gap before it counts as late: a quarter
 * of the gap, at least 10 minutes, at most an hour (a daily schedule alerts after 25h).
 */
export function freshnessGraceSeconds(gapSeconds: number): number {
  return Math.min(3600, Math.max(600, Math.round(gapSeconds / 4)));
}

function quoteLabel(v: string): string {
  return JSON.stringify(v);
}

/**
 * Alert rules on Velero's `velero_backup_*` metrics: failed and partially failed backups,
 * and, per schedule, no successful backup within that schedule's own interval plus grace
 * (or its RPO, when tighter). Plain data; the construct and the Helm values both use it.
 */
export function veleroAlertRules(schedules: readonly WatchedSchedule[], options: VeleroAlertOptions = {}): AlertRule[] {
  const window = formatPromDuration((options.failureWindowSeconds ?? 3600) * 1000);
  const extra = options.labels ?? {};
  const rules: AlertRule[] = [
    {
      alert: 'VeleroBackupFailed',
      expr: `sum by (schedule) (increase(velero_backup_failure_total[${window}])) > 0`,
      for: '0m',
      labels: { severity: 'critical', ...extra },
      annotations: {
        summary: 'A Velero backup failed.',
        description:
          'A backup of schedule "{{ $labels.schedule }}" failed in the last ' + window + '. Check `velero backup describe` and `velero backup logs`.',
      },
    },
    {
      alert: 'VeleroBackupPartiallyFailed',
      expr: `sum by (schedule) (increase(velero_backup_partial_failure_total[${window}])) > 0`,
      for: '0m',
      labels: { severity: 'warning', ...extra },
      annotations: {
        summary: 'A Velero backup partially failed.',
        description:
          'A backup of schedule "{{ $labels.schedule }}" completed with errors in the last ' + window + '; some items are missing from it.',
      },
    },
  ];
  for (const s of schedules) {
    const late = s.worstCaseGapSeconds + freshnessGraceSeconds(s.worstCaseGapSeconds);
    const threshold = s.rpoSeconds !== undefined ? Math.min(late, Math.max(s.rpoSeconds, s.worstCaseGapSeconds + 600)) : late;
    rules.push({
      alert: 'VeleroBackupTooOld',
      expr: `time() - max(velero_backup_last_successful_timestamp{schedule=${quoteLabel(s.name)}}) > ${threshold}`,
      for: '5m',
      labels: { severity: 'critical', schedule: s.name, ...extra },
      annotations: {
        summary: `No successful backup of schedule "${s.name}" for over ${formatSeconds(threshold)}.`,
        description: `Schedule "${s.name}" runs at most ${formatSeconds(s.worstCaseGapSeconds)} apart${s.rpoSeconds !== undefined ? ` and serves an RPO of ${formatSeconds(s.rpoSeconds)}` : ''}; its last successful backup is older than ${formatSeconds(threshold)}.`,
      },
    });
  }
  return rules;
}

/** The schedules of an RPO report, with the tightest RPO each serves. */
export function watchedSchedules(report: RpoReport): WatchedSchedule[] {
  return report.schedules.map((s) => {
    const targets = report.namespaces
      .filter((n) => n.schedules.includes(s.name) && n.targetSeconds !== undefined && n.schedules.length === 1)
      .map((n) => n.targetSeconds!);
    return { name: s.name, worstCaseGapSeconds: s.worstCaseGapSeconds, ...(targets.length > 0 ? { rpoSeconds: Math.min(...targets) } : {}) };
  });
}

/** How Velero was installed, which decides how its metrics endpoint is found. */
export class VeleroInstallation {
  /**
   * `velero install`: the server pods carry `component=velero, deploy=velero` and no
   * metrics Service exists, so one is created.
   */
  public static cli(): VeleroInstallation {
    return new VeleroInstallation({ component: 'velero', deploy: 'velero' }, true);
  }

  /** The vmware-tanzu Helm chart, which creates the metrics Service itself. */
  public static helm(release = 'velero'): VeleroInstallation {
    return new VeleroInstallation({ 'app.kubernetes.io/name': 'velero', 'app.kubernetes.io/instance': release }, false);
  }

  private constructor(
    /** Labels of the pods (cli) or of the metrics Service (helm). */
    public readonly selector: Readonly<Record<string, string>>,
    /** Whether a metrics Service must be created. */
    public readonly needsService: boolean,
  ) {}
}

/** Props of {@link VeleroMonitoring}. */
export interface VeleroMonitoringProps {
  /** Schedules to check for freshness (e.g. `watchedSchedules(plan.rpoReport)`). @default none: failure alerts only */
  readonly schedules?: readonly WatchedSchedule[];
  /** Velero's namespace. @default "velero" */
  readonly namespace?: string;
  /** How Velero was installed. @default VeleroInstallation.cli() */
  readonly installation?: VeleroInstallation;
  /** Scrape interval. @default Duration.seconds(30) */
  readonly scrapeInterval?: Duration;
  /**
   * Labels on the PrometheusRule and ServiceMonitor that Prometheus' rule and ServiceMonitor
   * selectors match (kube-prometheus-stack: `release: <helm release>`); `{}` adds none.
   * @default { release: "monitoring" }
   */
  readonly prometheusSelectorLabels?: Readonly<Record<string, string>>;
  /**
   * The former name of `prometheusSelectorLabels`.
   * @deprecated Use `prometheusSelectorLabels`.
   * @default { release: "monitoring" }
   */
  readonly selectorLabels?: Readonly<Record<string, string>>;
  /** Extra labels on every alert. @default none */
  readonly alertLabels?: Readonly<Record<string, string>>;
}

/**
 * Monitoring of Velero: a ServiceMonitor scraping its metrics (and the metrics Service a
 * `velero install` lacks) and a PrometheusRule with `veleroAlertRules`.
 */
export class VeleroMonitoring extends Construct implements IApiObjectOwner {
  /** The main object: the PrometheusRule. */
  public readonly apiObject: ApiObject;
  public readonly prometheusRule: ApiObject;
  public readonly serviceMonitor: ApiObject;
  public readonly metricsService?: ApiObject;
  /** The alert rules, as plain data. */
  public readonly rules: readonly AlertRule[];

  constructor(scope: Construct, id: string, props: VeleroMonitoringProps = {}) {
    super(scope, id);
    const problems = new Problems();
    const ns = props.namespace ?? VELERO_NAMESPACE;
    problems.addAll('', namespaceProblems('namespace', ns, { fix: 'use the namespace Velero runs in' }));
    const selection = prometheusSelection(props.prometheusSelectorLabels, 'selectorLabels', props.selectorLabels);
    problems.addAll('', selection.problems);
    problems.addAll('', promLabelsProblems('alertLabels', props.alertLabels));
    (props.schedules ?? []).forEach((s, i) => {
      // The name goes into PromQL and alert texts: a Schedule name, nothing else.
      problems.addAll('', nameProblems(`schedules[${i}].name`, s.name, { what: 'Schedule name', fix: 'give the name of a Velero Schedule' }));
      if (!(Number.isFinite(s.worstCaseGapSeconds) && s.worstCaseGapSeconds > 0))
        problems.add(
          `schedules[${i}].worstCaseGapSeconds`,
          'the gap is not a positive number of seconds',
          "take the figures from computeRpo or a plan's rpoReport",
        );
      if (s.rpoSeconds !== undefined && !(Number.isFinite(s.rpoSeconds) && s.rpoSeconds > 0))
        problems.add(
          `schedules[${i}].rpoSeconds`,
          'the RPO is not a positive number of seconds',
          "take the figures from a plan's rpoReport, or leave it out",
        );
    });
    const interval = props.scrapeInterval ?? Duration.seconds(30);
    problems.addAll('', durationProblems('scrapeInterval', interval, { tooShortFix: 'use Duration.seconds(30)' }));
    problems.throwIfAny(this.node.path);

    const installation = props.installation ?? VeleroInstallation.cli();
    const labels = objectLabels({ 'app.kubernetes.io/name': 'velero', 'app.kubernetes.io/component': 'monitoring' }, selection.labels);
    let serviceSelector: Record<string, string> = { ...installation.selector };
    if (installation.needsService) {
      serviceSelector = { 'app.kubernetes.io/name': 'velero-metrics' };
      this.metricsService = coreApiObject<k8s.Service>(
        this,
        'metrics-service',
        { apiVersion: 'v1', kind: 'Service' },
        {
          metadata: { name: 'velero-metrics', namespace: ns, labels: objectLabels(serviceSelector) },
          spec: {
            type: 'ClusterIP',
            selector: { ...installation.selector },
            ports: [{ name: 'http-monitoring', port: 8085, targetPort: 8085, protocol: 'TCP' }],
          },
        },
      );
    }
    this.serviceMonitor = typedApiObject<ServiceMonitorProps>(
      this,
      'service-monitor',
      { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor' },
      {
        metadata: { name: 'velero', namespace: ns, labels },
        spec: {
          selector: { matchLabels: serviceSelector },
          namespaceSelector: { matchNames: [ns] },
          endpoints: [{ port: 'http-monitoring', path: '/metrics', interval: formatPromDuration(interval) }],
        },
      },
      toJson_ServiceMonitorProps,
    );
    this.rules = veleroAlertRules(props.schedules ?? [], { labels: props.alertLabels });
    this.prometheusRule = setMainObject(
      this,
      typedApiObject<PrometheusRuleProps>(
        this,
        'rules',
        { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule' },
        {
          metadata: { name: 'velero-backup-alerts', namespace: ns, labels },
          spec: {
            groups: [
              {
                name: 'velero-backups',
                rules: this.rules.map((r) => ({
                  alert: r.alert,
                  expr: PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr),
                  for: r.for,
                  labels: { ...r.labels },
                  annotations: { ...r.annotations },
                })),
              },
            ],
          },
        },
        toJson_PrometheusRuleProps,
      ),
    );
    this.apiObject = this.prometheusRule;
  }

  /** Every object this construct made, in creation order. */
  public get apiObjects(): ApiObject[] {
    return apiObjectsOf(this);
  }
}
