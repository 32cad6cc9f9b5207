import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import * as YAML from 'yaml';
import { nameProblems, Problems, spelledGoDuration, SynthFile } from '../common';
import { MinioStorage } from './minio';
import { prometheusSelection } from '../common/conventions';
import { toJson_ScheduleSpecTemplate } from '../../imports/velero.io';
import { AlertRule, veleroAlertRules, watchedSchedules } from './monitoring';
import { VeleroBackupPlan } from './plan';
import { durationProblems } from './durations';
import { formatGoDuration } from '../common/duration';

/** Props of {@link VeleroHelmValues}. */
export interface VeleroHelmValuesProps {
  /** The plan: its storage location and volume settings, and its schedules when the chart creates them. */
  readonly plan: VeleroBackupPlan;
  /**
   * Write the plan's schedules into the chart's `schedules:`. The chart and the Schedule
   * objects must not both create them (every backup would be taken twice), so this follows
   * the plan's `delivery`; `true` with a plan that emits Schedule objects, or `false` with a
   * plan delivered through the chart, is a synth error.
   * @default true for a plan with `ScheduleDelivery.helmChart()`; a plan with Schedule objects needs an explicit `false`
   */
  readonly includeSchedules?: boolean;
  /** The object store Velero writes to (storage location, credentials Secret). */
  readonly storage: MinioStorage;
  /** Path of the file under the synth output directory. @default "platform-backup-config/values.yaml" */
  readonly path?: string;
  /** Name the chart gives its objects (`fullnameOverride`); Schedules are named `<fullname>-<schedule>`. @default "velero" */
  readonly fullname?: string;
  /** Velero image tag. @default "v1.18.1" */
  readonly veleroVersion?: string;
  /** Velero's AWS plugin image (required for MinIO). @default "velero/velero-plugin-for-aws:v1.14.0" */
  readonly awsPluginImage?: string;
  /** Retention of backups made without a schedule (`defaultBackupTTL`). @default Duration.days(30) */
  readonly defaultRetention?: Duration;
  /** Create the ServiceMonitor and PrometheusRule through the chart. @default true */
  readonly monitoring?: boolean;
  /**
   * Labels on the chart's ServiceMonitor and PrometheusRule that Prometheus' selectors match
   * (kube-prometheus-stack: `release: <helm release>`); `{}` adds none.
   * @default { release: "monitoring" }
   */
  readonly prometheusSelectorLabels?: Readonly<Record<string, string>>;
  /**
   * The former name of `prometheusSelectorLabels`.
   * @deprecated Use `prometheusSelectorLabels`.
   * @default { release: "monitoring" }
   */
  readonly monitoringLabels?: Readonly<Record<string, string>>;
}

/**
 * Values for the vmware-tanzu Velero Helm chart, consistent with a plan and its storage:
 * the same schedules (templates and cron), storage location, credentials Secret, the AWS
 * plugin, the node agent for file-system backup, and the alert rules for the chart's
 * Schedule names. Written beside the manifests by `app.synth()` (see `SynthFile`).
 */
export class VeleroHelmValues extends Construct {
  /** The values, as plain data. */
  public readonly values: Record<string, unknown>;
  /** The file written. */
  public readonly file: SynthFile;

  constructor(scope: Construct, id: string, props: VeleroHelmValuesProps) {
    super(scope, id);
    const problems = new Problems();
    if (!props.plan) problems.add('plan', 'no plan is given', 'pass the VeleroBackupPlan whose schedules the chart should create');
    if (!props.storage) problems.add('storage', 'no storage is given', 'pass the MinioStorage Velero writes to');
    const fullname = props.fullname ?? 'velero';
    problems.addAll('', nameProblems('fullname', fullname, { rule: 'dns-label', fix: 'use a name such as "velero"' }));
    problems.addAll('', prometheusSelection(props.prometheusSelectorLabels, 'monitoringLabels', props.monitoringLabels).problems);
    if (props.plan && props.storage && props.plan.namespace !== props.storage.namespace) {
      problems.add(
        'plan',
        `the plan's namespace "${props.plan.namespace}" differs from the storage's "${props.storage.namespace}"`,
        'install Velero, its schedules and its storage locations in one namespace',
      );
    }
    problems.addAll(
      '',
      durationProblems('defaultRetention', props.defaultRetention, { minSeconds: 3600, tooShortFix: 'keep manual backups at least a day' }),
    );
    const helm = props.plan?.delivery.kind === 'helm-chart';
    if (props.plan && props.includeSchedules !== false && !helm) {
      problems.add(
        'includeSchedules',
        `the plan ${props.plan.node.path} already emits its schedules as Schedule objects; the chart would create them again and every backup would be taken twice`,
        'choose one: deliver the plan through the chart (delivery: ScheduleDelivery.helmChart()), or leave the schedules out of the values (includeSchedules: false)',
      );
    }
    if (props.plan && props.includeSchedules === false && helm) {
      problems.add(
        'includeSchedules',
        `the plan ${props.plan.node.path} is delivered through the chart, but its schedules are left out, so no backup would ever run`,
        'drop includeSchedules: false, or deliver the plan as Schedule objects',
      );
    }
    problems.throwIfAny(this.node.path);
    if (helm) props.plan._deliveredBy(this);
    const includeSchedules = helm;
    this.values = veleroHelmValues({ ...props, fullname, includeSchedules });
    this.file = new SynthFile(
      this,
      'file',
      props.path ?? 'platform-backup-config/values.yaml',
      () =>
        '# Helm values for the vmware-tanzu/velero chart, generated by cdk8s-resilience.\n' +
        '# helm install velero vmware-tanzu/velero --namespace velero --create-namespace -f values.yaml\n' +
        (includeSchedules ? '# Schedules run in UTC. ' : '# The schedules are applied as Velero Schedule objects, not created by the chart. ') +
        'The credentials Secret is not created by the chart: it must exist.\n' +
        YAML.stringify(this.values, { lineWidth: 0 }),
    );
  }

  /** Every object this construct made: none. It writes a file, not objects: `apiObjects` is empty. */
  public get apiObjects(): ApiObject[] {
    return [];
  }
}

/** The chart's values for a plan and its storage, as plain data. */
export function veleroHelmValues(
  props: VeleroHelmValuesProps & { readonly fullname: string; readonly includeSchedules: boolean },
): Record<string, unknown> {
  const { plan, storage, fullname } = props;
  const schedules: Record<string, unknown> = {};
  for (const s of props.includeSchedules ? plan.scheduleOptions : []) {
    schedules[s.name] = {
      disabled: false,
      schedule: s.schedule.expression,
      ...(s.paused !== undefined ? { paused: s.paused } : {}),
      ...(s.skipImmediately !== undefined ? { skipImmediately: s.skipImmediately } : {}),
      useOwnerReferencesInBackup: s.useOwnerReferencesInBackup ?? false,
      template: JSON.parse(JSON.stringify(toJson_ScheduleSpecTemplate(plan.scheduleTemplate(s.name)))),
    };
  }
  // The chart names each Schedule <fullname>-<key>: the freshness alerts follow those names
  // (Schedule objects keep the plan's names).
  const watched = watchedSchedules(plan.rpoReport).map((w) => ({ ...w, name: props.includeSchedules ? `${fullname}-${w.name}` : w.name }));
  const rules: AlertRule[] = veleroAlertRules(watched);
  const fsBackup = plan.scheduleOptions.some((s) => plan.scheduleTemplate(s.name).defaultVolumesToFsBackup === true);
  const monitoring = props.monitoring ?? true;
  const creds = storage.credentials;
  const selectorLabels = prometheusSelection(props.prometheusSelectorLabels, 'monitoringLabels', props.monitoringLabels).labels;
  return {
    fullnameOverride: fullname,
    image: { repository: 'velero/velero', tag: props.veleroVersion ?? 'v1.18.1' },
    initContainers: [
      {
        name: 'velero-plugin-for-aws',
        image: props.awsPluginImage ?? 'velero/velero-plugin-for-aws:v1.14.0',
        imagePullPolicy: 'IfNotPresent',
        volumeMounts: [{ mountPath: '/target', name: 'plugins' }],
      },
    ],
    configuration: {
      backupStorageLocation: [
        {
          name: storage.backupStorageLocationName,
          provider: 'aws',
          bucket: storage.bucket,
          default: true,
          credential: { name: creds.secretName, key: creds.veleroKey },
          config: { region: storage.region, s3ForcePathStyle: 'true', s3Url: storage.s3Url },
        },
      ],
      volumeSnapshotLocation: [
        {
          name: storage.backupStorageLocationName,
          provider: 'aws',
          credential: { name: creds.secretName, key: creds.veleroKey },
          config: { region: storage.region },
        },
      ],
      uploaderType: 'kopia',
      defaultBackupTTL: spelledGoDuration(props.defaultRetention ?? Duration.days(30), formatGoDuration),
      defaultVolumesToFsBackup: fsBackup,
    },
    credentials: { useSecret: true, existingSecret: creds.secretName },
    deployNodeAgent: fsBackup,
    snapshotsEnabled: storage.volumeSnapshotLocation !== undefined,
    schedules,
    metrics: {
      enabled: true,
      serviceMonitor: { enabled: monitoring, additionalLabels: { ...selectorLabels } },
      prometheusRule: {
        enabled: monitoring,
        additionalLabels: { ...selectorLabels },
        spec: rules.map((r) => ({ alert: r.alert, expr: r.expr, for: r.for, labels: { ...r.labels }, annotations: { ...r.annotations } })),
      },
    },
  };
}
