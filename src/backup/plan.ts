import { ApiObject, Duration } from 'cdk8s';
import { objectLabels } from '../common/conventions';
import { Construct, IConstruct } from 'constructs';
import { Schedule, ScheduleProps, ScheduleSpecTemplate, toJson_ScheduleProps } from '../../imports/velero.io';
import {
  annotationsProblems,
  fieldPath,
  labelSelectorProblems,
  labelsProblems,
  nameProblems,
  namespaceListProblems,
  namespaceProblems,
  Problem,
  Problems,
  spelledGoDuration,
} from '../common';
import { apiObjectsOf, IApiObjectOwner, setMainObject, typedApiObject } from '../common/api-object';
import { AppIndex, AppMemo, appChanged, ConstructRegistry, sortInTreeOrder } from '../common/registry';
import { ExecHook, execHookProblems, execHookSpec } from './hooks';
import { ALL_NAMESPACES, computeRpo, RpoReport, RpoScheduleInput } from './rpo';
import { BackupSchedule, VolumeBackupMethod } from './schedule';
import {
  BackupTemplateExtras,
  backupTemplateExtrasProblems,
  backupTemplateExtrasSpec,
  hookFilterProblems,
  hookFilterSpec,
  hookNameProblems,
  HookResourceFilters,
} from './template';
import { formatGoDuration } from '../common/duration';
import { durationProblems } from './durations';
import { mapOfListsProblems, PropShape, shapeProblems } from './shape';

/** Default namespace of Velero and its objects. */
export const VELERO_NAMESPACE = 'velero';

/** How to fix a bad namespace of a Velero object. */
export const VELERO_NAMESPACE_FIX = 'use Velero\'s namespace, usually "velero"';

/** A label selector requirement. */
export interface LabelRequirement {
  readonly key: string;
  /** `In`, `NotIn`, `Exists` or `DoesNotExist`. */
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values?: readonly string[];
}

/** A Kubernetes label selector. */
export interface LabelSelector {
  /** @default none */
  readonly matchLabels?: Readonly<Record<string, string>>;
  /** @default none */
  readonly matchExpressions?: readonly LabelRequirement[];
}

/** Hooks Velero runs on matching pods during the scheduled backups (the spec form of hooks). */
export interface ScheduleHook extends HookResourceFilters {
  /** Name of the hook. */
  readonly name: string;
  /** Namespaces whose pods it applies to. @default every namespace of the backup */
  readonly includedNamespaces?: readonly string[];
  /** Pods it applies to. @default every pod */
  readonly labelSelector?: LabelSelector;
  /** Run before the pod is backed up. @default none */
  readonly pre?: readonly ExecHook[];
  /** Run after the pod is backed up. @default none */
  readonly post?: readonly ExecHook[];
}

/** One Velero Schedule of a {@link VeleroBackupPlan}. */
export interface BackupScheduleOptions extends BackupTemplateExtras {
  /** Name of the Schedule (and the `schedule` label of Velero's metrics); set explicitly. */
  readonly name: string;
  /** When it runs; cron expressions are evaluated in UTC unless a `CRON_TZ=` zone is given. */
  readonly schedule: BackupSchedule;
  /** How long its backups are kept (`ttl`); must be at least the time between two runs. @default Duration.days(30) */
  readonly retention?: Duration;
  /** Namespaces to back up. @default every namespace (`*`) */
  readonly includedNamespaces?: readonly string[];
  /** Namespaces to leave out. @default none */
  readonly excludedNamespaces?: readonly string[];
  /** Resources to back up (`deployments`, `persistentvolumeclaims`, ...). @default every resource */
  readonly includedResources?: readonly string[];
  /** Resources to leave out. @default none */
  readonly excludedResources?: readonly string[];
  /** Whether cluster-scoped resources are included. @default Velero decides (those related to included namespaces) */
  readonly includeClusterResources?: boolean;
  /** Only objects with these labels. @default every object */
  readonly labelSelector?: LabelSelector;
  /** Objects matching any of these selectors (not together with labelSelector). @default none */
  readonly orLabelSelectors?: readonly LabelSelector[];
  /** How volumes are saved. @default the plan's volumes */
  readonly volumes?: VolumeBackupMethod;
  /** Backup storage location. @default the plan's storageLocation */
  readonly storageLocation?: string;
  /** Volume snapshot locations. @default Velero's default */
  readonly volumeSnapshotLocations?: readonly string[];
  /** Create the schedule paused. @default false */
  readonly paused?: boolean;
  /** Skip the backup Velero would otherwise take right after the schedule is created or unpaused. @default false */
  readonly skipImmediately?: boolean;
  /** Make each Backup owned by its Schedule (deleted with it). @default false */
  readonly useOwnerReferencesInBackup?: boolean;
  /** Labels of the Schedule and of the Backups it creates. @default the plan's labels */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Annotations of the Schedule object (of a {@link VeleroBackup}: of the Backup). Velero's
   * Schedule template has no annotations, so the Backups a Schedule creates do not get them.
   * @default the plan's annotations
   */
  readonly annotations?: Readonly<Record<string, string>>;
  /** Time to wait for CSI snapshots. @default Velero's 10m */
  readonly csiSnapshotTimeout?: Duration;
  /** Time to wait for asynchronous item operations. @default Velero's 4h */
  readonly itemOperationTimeout?: Duration;
  /** Hooks in the Backup spec (pod annotations take precedence over these). @default none */
  readonly hooks?: readonly ScheduleHook[];
  /**
   * Escape hatch: more template fields, typed by Velero's CRD, merged over the generated
   * ones (for fields not typed above).
   * @default none
   */
  readonly template?: ScheduleSpecTemplate;
}

/** What a backup contains and how it is taken: the template fields a Schedule shares with an on-demand Backup. */
export type BackupTemplateOptions = Omit<
  BackupScheduleOptions,
  'name' | 'schedule' | 'paused' | 'skipImmediately' | 'useOwnerReferencesInBackup' | 'template'
>;

/**
 * How a plan's schedules reach the cluster: as Velero `Schedule` objects in the manifests,
 * or as the `schedules:` of the Velero Helm chart's values ({@link VeleroHelmValues}). One
 * of the two: with both, Velero would take every backup twice.
 */
export class ScheduleDelivery {
  /** `Schedule` objects in the synthesized manifests, applied with the rest (the default). */
  public static scheduleObjects(): ScheduleDelivery {
    return new ScheduleDelivery('schedule-objects');
  }

  /** The Velero Helm chart creates the schedules from the `schedules:` of a {@link VeleroHelmValues}; the plan emits no objects. */
  public static helmChart(): ScheduleDelivery {
    return new ScheduleDelivery('helm-chart');
  }

  private constructor(
    /** Which way. */
    public readonly kind: 'schedule-objects' | 'helm-chart',
  ) {}
}

/** Props of {@link VeleroBackupPlan}. */
export interface VeleroBackupPlanProps {
  /** Namespace Velero runs in; the Schedules are created there. @default "velero" */
  readonly namespace?: string;
  /** The schedules. @default one daily backup of every namespace at 02:00 UTC kept 7 days, named "daily-backup" */
  readonly schedules?: readonly BackupScheduleOptions[];
  /**
   * Recovery point objective of every namespace the schedules back up as a whole: the synth
   * fails when the worst-case gap between two backups of a namespace is longer.
   * @default no target
   */
  readonly rpo?: Duration;
  /** RPO per namespace, overriding `rpo`. @default none */
  readonly namespaceRpo?: Readonly<Record<string, Duration>>;
  /** Backup storage location of every schedule. @default "default" */
  readonly storageLocation?: string;
  /** How volumes are saved, for every schedule. @default VolumeBackupMethod.fileSystem() */
  readonly volumes?: VolumeBackupMethod;
  /** Labels of every Schedule and Backup. @default none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Annotations of every Schedule object (a schedule's own win on a clash). @default none */
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * How the schedules reach the cluster: Schedule objects, or the Velero Helm chart through
   * exactly one {@link VeleroHelmValues} (a synth error otherwise).
   * @default ScheduleDelivery.scheduleObjects()
   */
  readonly delivery?: ScheduleDelivery;
}

/** The label selector as the CRD writes it. */
export function selectorSpec(s: LabelSelector): {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
} {
  return {
    ...(s.matchLabels ? { matchLabels: { ...s.matchLabels } } : {}),
    ...(s.matchExpressions
      ? { matchExpressions: s.matchExpressions.map((e) => ({ key: e.key, operator: e.operator, ...(e.values ? { values: [...e.values] } : {}) })) }
      : {}),
  };
}

const NAMESPACE_LIST_FIX = 'use an existing namespace name, or "*" for every namespace';

/** Problems with one schedule's options, fields relative to it. */
export function backupScheduleProblems(field: string, s: BackupScheduleOptions, planVolumes?: VolumeBackupMethod): Problem[] {
  if (s === null || typeof s !== 'object' || Array.isArray(s))
    return [
      {
        field,
        problem: `the schedule is ${s === null ? 'null' : `a ${Array.isArray(s) ? 'list' : typeof s}`}, not an object`,
        fix: 'give { name, schedule, ... }',
      },
    ];
  const out: Problem[] = [];
  if (s.name === undefined) out.push({ field: fieldPath(field, 'name'), problem: 'no name is given', fix: SCHEDULE_NAME_FIX });
  else out.push(...nameProblems(fieldPath(field, 'name'), s.name, { fix: SCHEDULE_NAME_FIX }));
  if (!s.schedule) {
    out.push({
      field: fieldPath(field, 'schedule'),
      problem: 'no schedule is given',
      fix: 'use BackupSchedule.daily({ hour: 2 }), BackupSchedule.hourly() or BackupSchedule.cron("0 */6 * * *")',
    });
  } else {
    out.push(...s.schedule.problems(fieldPath(field, 'schedule')));
  }
  out.push(...backupTemplateProblems(field, s, planVolumes));
  return out;
}

const SCHEDULE_NAME_FIX = 'name the Schedule explicitly with lower-case letters, digits and "-"';

/** The labels Velero itself writes on the Backups and Restores it creates or syncs, and reads back. */
const VELERO_OWN_LABELS = [
  'velero.io/schedule-name',
  'velero.io/storage-location',
  'velero.io/backup-name',
  'velero.io/backup-uid',
  'velero.io/restore-name',
  'velero.io/restore-uid',
  'velero.io/source-cluster-k8s-gitversion',
  'velero.io/source-cluster-k8s-major-version',
  'velero.io/source-cluster-k8s-minor-version',
];

/** Problems with the labels of a Velero object: valid labels, none that Velero writes itself. */
export function veleroObjectLabelsProblems(field: string, labels: Readonly<Record<string, string>> | undefined): Problem[] {
  const out = labelsProblems(field, labels);
  for (const key of Object.keys(labels ?? {}))
    if (VELERO_OWN_LABELS.includes(key))
      out.push({
        field: fieldPath(field, key),
        problem: `"${key}" is a label Velero sets itself on Backups and Restores; a value given here is overwritten or misleads Velero`,
        fix: 'use a label key under your own domain',
      });
  return out;
}

const TEMPLATE_SHAPES: Readonly<Record<string, PropShape>> = {
  includedNamespaces: 'strings',
  excludedNamespaces: 'strings',
  includedResources: 'strings',
  excludedResources: 'strings',
  includedClusterScopedResources: 'strings',
  excludedClusterScopedResources: 'strings',
  includedNamespaceScopedResources: 'strings',
  excludedNamespaceScopedResources: 'strings',
  volumeSnapshotLocations: 'strings',
  orLabelSelectors: 'objects',
  hooks: 'objects',
  labelSelector: 'map',
  labels: 'map',
  annotations: 'map',
  uploaderConfig: 'map',
};

/** The shapes of a hook's props (a Schedule's or Backup's, or a Restore's). */
export const HOOK_SHAPES: Readonly<Record<string, PropShape>> = {
  includedNamespaces: 'strings',
  excludedNamespaces: 'strings',
  includedResources: 'strings',
  excludedResources: 'strings',
  labelSelector: 'map',
  pre: 'objects',
  post: 'objects',
  postHooks: 'objects',
};

/** Problems with the template fields of a Schedule or a Backup, fields relative to `field`. */
export function backupTemplateProblems(field: string, s: BackupTemplateOptions, defaultVolumes?: VolumeBackupMethod): Problem[] {
  const at = (name: string) => fieldPath(field, name);
  // Props read from JSON or JavaScript: a wrong shape is reported before anything reads it.
  const shapes = [...shapeProblems(at, s, TEMPLATE_SHAPES), ...mapOfListsProblems(at('orderedResources'), s.orderedResources)];
  if (s.hooks && Array.isArray(s.hooks))
    s.hooks.forEach((h, i) => {
      if (h && typeof h === 'object') shapes.push(...shapeProblems((n) => at(`hooks[${i}].${n}`), h, HOOK_SHAPES));
    });
  if (shapes.length > 0) return shapes;
  const out: Problem[] = [];
  out.push(...durationProblems(at('retention'), s.retention, { tooShortFix: 'keep backups at least as long as the time between two runs' }));
  out.push(...namespaceListProblems(at('includedNamespaces'), s.includedNamespaces, { allowAll: true, fix: NAMESPACE_LIST_FIX }));
  out.push(...namespaceListProblems(at('excludedNamespaces'), s.excludedNamespaces, { allowAll: true, fix: NAMESPACE_LIST_FIX }));
  for (const ns of s.includedNamespaces ?? []) {
    if ((s.excludedNamespaces ?? []).includes(ns))
      out.push({ field: at('excludedNamespaces'), problem: `"${ns}" is both included and excluded`, fix: 'list it in one of the two' });
  }
  if (s.labelSelector) out.push(...labelSelectorProblems(at('labelSelector'), s.labelSelector));
  (s.orLabelSelectors ?? []).forEach((sel, i) => out.push(...labelSelectorProblems(at(`orLabelSelectors[${i}]`), sel)));
  if (s.labelSelector && s.orLabelSelectors && s.orLabelSelectors.length > 0) {
    out.push({
      field: at('orLabelSelectors'),
      problem: 'labelSelector and orLabelSelectors are both set; Velero rejects such a backup',
      fix: 'use one of them',
    });
  }
  out.push(...veleroObjectLabelsProblems(at('labels'), s.labels));
  out.push(...annotationsProblems(at('annotations'), s.annotations));
  (s.hooks ?? []).forEach((h, i) => {
    const hf = at(`hooks[${i}]`);
    out.push(...hookNameProblems(`${hf}.name`, h.name));
    if (h.labelSelector) out.push(...labelSelectorProblems(`${hf}.labelSelector`, h.labelSelector));
    out.push(...namespaceListProblems(`${hf}.includedNamespaces`, h.includedNamespaces, { allowAll: true, fix: NAMESPACE_LIST_FIX }));
    out.push(...hookFilterProblems(hf, h));
    if ((h.pre ?? []).length === 0 && (h.post ?? []).length === 0)
      out.push({ field: hf, problem: 'the hook has no pre or post command', fix: 'add a pre or post ExecHook' });
    (h.pre ?? []).forEach((e, j) => out.push(...execHookProblems(`${hf}.pre[${j}]`, e)));
    (h.post ?? []).forEach((e, j) => out.push(...execHookProblems(`${hf}.post[${j}]`, e)));
  });
  out.push(...durationProblems(at('csiSnapshotTimeout'), s.csiSnapshotTimeout));
  out.push(...durationProblems(at('itemOperationTimeout'), s.itemOperationTimeout));
  out.push(...backupTemplateExtrasProblems(field, s, s.volumes ?? defaultVolumes));
  return out;
}

/** The Schedule's `spec.template` for one schedule, as plain data. */
export function backupScheduleTemplate(
  s: BackupTemplateOptions & { readonly template?: ScheduleSpecTemplate },
  defaults: {
    storageLocation: string;
    volumes: VolumeBackupMethod;
    labels?: Readonly<Record<string, string>>;
    /** Write `includedNamespaces`, `storageLocation` and `ttl` only when given (Velero's own defaults apply). */
    onlyGiven?: boolean;
  },
): ScheduleSpecTemplate {
  const onlyGiven = defaults.onlyGiven === true;
  const labels = { ...(defaults.labels ?? {}), ...(s.labels ?? {}) };
  const volumes = (s.volumes ?? defaults.volumes).fields;
  const hooks =
    s.hooks && s.hooks.length > 0
      ? {
          resources: s.hooks.map((h) => ({
            name: h.name,
            ...(h.includedNamespaces ? { includedNamespaces: [...h.includedNamespaces] } : {}),
            ...(h.labelSelector ? { labelSelector: selectorSpec(h.labelSelector) } : {}),
            ...hookFilterSpec(h),
            ...(h.pre ? { pre: h.pre.map(execHookSpec) } : {}),
            ...(h.post ? { post: h.post.map(execHookSpec) } : {}),
          })),
        }
      : undefined;
  const generated = {
    ...(s.includedNamespaces || !onlyGiven ? { includedNamespaces: [...(s.includedNamespaces ?? [ALL_NAMESPACES])] } : {}),
    ...(s.excludedNamespaces ? { excludedNamespaces: [...s.excludedNamespaces] } : {}),
    ...(s.includedResources ? { includedResources: [...s.includedResources] } : {}),
    ...(s.excludedResources ? { excludedResources: [...s.excludedResources] } : {}),
    ...(s.includeClusterResources !== undefined ? { includeClusterResources: s.includeClusterResources } : {}),
    ...(s.labelSelector ? { labelSelector: selectorSpec(s.labelSelector) } : {}),
    ...(s.orLabelSelectors ? { orLabelSelectors: s.orLabelSelectors.map(selectorSpec) } : {}),
    ...volumes,
    ...backupTemplateExtrasSpec(s),
    ...(s.storageLocation || !onlyGiven ? { storageLocation: s.storageLocation ?? defaults.storageLocation } : {}),
    ...(s.volumeSnapshotLocations ? { volumeSnapshotLocations: [...s.volumeSnapshotLocations] } : {}),
    ...(s.retention || !onlyGiven ? { ttl: spelledGoDuration(s.retention ?? DEFAULT_RETENTION, formatGoDuration) } : {}),
    ...(s.csiSnapshotTimeout ? { csiSnapshotTimeout: spelledGoDuration(s.csiSnapshotTimeout, formatGoDuration) } : {}),
    ...(s.itemOperationTimeout ? { itemOperationTimeout: spelledGoDuration(s.itemOperationTimeout, formatGoDuration) } : {}),
    ...(hooks ? { hooks } : {}),
    ...(Object.keys(labels).length > 0 ? { metadata: { labels } } : {}),
  };
  return { ...(generated as ScheduleSpecTemplate), ...(s.template ?? {}) };
}

/** Retention when none is given: Velero's own default, 30 days. */
export const DEFAULT_RETENTION = Duration.days(30);

/** The schedule a plan has when none is given: every namespace daily at 02:00 UTC, kept 7 days. */
export const DEFAULT_SCHEDULE: BackupScheduleOptions = {
  name: 'daily-backup',
  schedule: BackupSchedule.daily({ hour: 2 }),
  retention: Duration.days(7),
};

/** Problems with an RPO target: whole seconds, at least a minute (no cron schedule runs more often). */
function rpoProblems(field: string, d: Duration | undefined): Problem[] {
  const found = durationProblems(field, d, { minSeconds: 0 });
  if (found.length > 0 || d === undefined || d.toMilliseconds() >= 60_000) return found;
  return [
    {
      field,
      problem: `the RPO (${formatGoDuration(d)}) is shorter than a minute, which no cron schedule can meet`,
      fix: 'give an RPO of at least Duration.minutes(1)',
    },
  ];
}

/** Schedules of one plan that share a name. */
function duplicateScheduleProblems(schedules: readonly BackupScheduleOptions[]): Problem[] {
  const seen = new Set<string>();
  const out: Problem[] = [];
  schedules.forEach((s, i) => {
    if (!s || typeof s !== 'object') return;
    if (s.name !== undefined && seen.has(s.name))
      out.push({
        field: `schedules[${i}].name`,
        problem: `"${s.name}" is used by another schedule of the plan`,
        fix: 'give each schedule its own name',
      });
    seen.add(s.name);
  });
  return out;
}

/** The RPO computation's input for one schedule. */
export function rpoInput(s: BackupScheduleOptions): RpoScheduleInput {
  return {
    name: s.name,
    cron: s.schedule.expression,
    retentionSeconds: (s.retention ?? DEFAULT_RETENTION).toSeconds(),
    includedNamespaces: s.includedNamespaces,
    excludedNamespaces: s.excludedNamespaces,
    labelSelected: s.labelSelector !== undefined || (s.orLabelSelectors ?? []).length > 0,
  };
}

/** Every plan of an app, for the check that two plans do not create one Schedule. */
const PLANS = new ConstructRegistry<VeleroBackupPlan>('VeleroBackupPlan');

/** Velero namespace, then Schedule name, to the plans creating it (in tree order). */
const SCHEDULE_NAMES = new AppIndex(PLANS, (plans) => {
  const index = new Map<string, Map<string, VeleroBackupPlan[]>>();
  for (const plan of plans) {
    let names = index.get(plan.namespace);
    if (!names) {
      names = new Map();
      index.set(plan.namespace, names);
    }
    for (const s of plan.scheduleOptions) {
      const list = names.get(s.name);
      if (!list) names.set(s.name, [plan]);
      else if (!list.includes(plan)) list.push(plan);
    }
  }
  for (const names of index.values()) for (const [name, list] of names) if (list.length > 1) names.set(name, sortInTreeOrder(list));
  return index;
});

/**
 * Velero backup Schedules declared once, typed, with their recovery point objective
 * checked at synth time.
 *
 * Cron expressions run in UTC. For each namespace the schedules back up as a whole, the
 * plan computes the worst-case gap between two successive backups (across every schedule
 * covering it) and fails the synth when it exceeds the RPO, or when a schedule's retention
 * is shorter than its own interval. The figures are in {@link VeleroBackupPlan.rpoReport}.
 */
export class VeleroBackupPlan extends Construct implements IApiObjectOwner {
  /** The Schedules, in order. */
  public readonly schedules: ApiObject[] = [];
  /** The schedules' options, in order. */
  public readonly scheduleOptions: BackupScheduleOptions[] = [];
  /** Namespace of the Schedules. */
  public readonly namespace: string;
  private readonly props: VeleroBackupPlanProps;
  private readonly storageLocation: string;
  private readonly volumes: VolumeBackupMethod;
  private readonly appProblems: AppMemo<string[]>;
  private readonly helmValues: IConstruct[] = [];

  constructor(scope: Construct, id: string, props: VeleroBackupPlanProps = {}) {
    super(scope, id);
    this.props = props;
    this.namespace = props.namespace ?? VELERO_NAMESPACE;
    PLANS.register(this);
    this.storageLocation = props.storageLocation ?? 'default';
    this.volumes = props.volumes ?? VolumeBackupMethod.fileSystem();
    const problems = new Problems();
    problems.addAll('', namespaceProblems('namespace', this.namespace, { fix: 'use the namespace Velero is installed in, usually "velero"' }));
    problems.addAll('', nameProblems('storageLocation', this.storageLocation, { fix: 'use the name of a BackupStorageLocation, usually "default"' }));
    problems.addAll('', veleroObjectLabelsProblems('labels', props.labels));
    problems.addAll('', annotationsProblems('annotations', props.annotations));
    const schedules = props.schedules ?? [DEFAULT_SCHEDULE];
    if (schedules.length === 0)
      problems.add('schedules', 'the list is empty', 'give at least one schedule, or leave the prop out for the daily default');
    if (!Array.isArray(schedules)) problems.add('schedules', 'the schedules are not a list', 'give a list of schedules');
    else {
      schedules.forEach((s, i) => problems.addAll(`schedules[${i}]`, backupScheduleProblems('', s, this.volumes)));
      problems.addAll('', duplicateScheduleProblems(schedules));
    }
    problems.addAll('', rpoProblems('rpo', props.rpo));
    for (const [ns, d] of Object.entries(props.namespaceRpo ?? {})) {
      problems.addAll('', namespaceProblems(`namespaceRpo.${ns}`, ns));
      problems.addAll('', rpoProblems(`namespaceRpo.${ns}`, d));
    }
    if (problems.empty) {
      const report = this.computeReport(schedules);
      for (const v of report.violations) problems.add(this.violationField(v.kind, v.subject, schedules), v.message, this.violationFix(v.kind));
    }
    problems.throwIfAny(this.node.path);
    for (const s of schedules) this.emit(s);
    // cdk8s validates the whole app once per chart: the result is kept until the app (or the
    // list of schedules) changes.
    this.appProblems = new AppMemo(this, () => this.validateAll());
    this.node.addValidation({ validate: () => this.appProblems.get(this.scheduleOptions.length) }); // node.validate() returns a new array
    this.node.addValidation({ validate: () => this.deliveryProblems() });
  }

  /** Adds a schedule; it is checked at once and the RPO again at synth. Returns its Schedule object (none when delivered through the Helm chart). */
  public addSchedule(options: BackupScheduleOptions): ApiObject | undefined {
    const problems = new Problems();
    problems.addAll(`schedules[${this.scheduleOptions.length}]`, backupScheduleProblems('', options, this.volumes));
    problems.addAll('', duplicateScheduleProblems([...this.scheduleOptions, options]));
    problems.throwIfAny(this.node.path);
    const obj = this.emit(options);
    appChanged(this);
    return obj;
  }

  /** The Schedule object named `name` (a plan delivered through the Helm chart has none). */
  public schedule(name: string): ApiObject {
    if (this.delivery.kind === 'helm-chart')
      throw new Error(
        `[${this.node.path}] no Schedule objects: the schedules are delivered through the Helm chart; read scheduleTemplate("${name}") instead`,
      );
    const i = this.scheduleOptions.findIndex((s) => s.name === name);
    if (i < 0) throw new Error(`[${this.node.path}] no schedule named "${name}"; the plan has ${this.scheduleOptions.map((s) => s.name).join(', ')}`);
    return this.schedules[i];
  }

  /** The computed RPO figures of the plan's schedules (plain data, as the runtime reads them). */
  public get rpoReport(): RpoReport {
    return this.computeReport(this.scheduleOptions);
  }

  private computeReport(schedules: readonly BackupScheduleOptions[]): RpoReport {
    const namespaces: Record<string, number> = {};
    for (const [ns, d] of Object.entries(this.props.namespaceRpo ?? {})) namespaces[ns] = d.toSeconds();
    return computeRpo(schedules.map(rpoInput), { defaultSeconds: this.props.rpo?.toSeconds(), namespaces });
  }

  private violationField(kind: string, subject: string, schedules: readonly BackupScheduleOptions[]): string {
    if (kind === 'retention-shorter-than-gap') return `schedules[${schedules.findIndex((s) => s.name === subject)}].retention`;
    return this.props.namespaceRpo?.[subject] !== undefined ? `namespaceRpo.${subject}` : 'rpo';
  }

  private violationFix(kind: string): string {
    if (kind === 'retention-shorter-than-gap') return 'keep backups at least as long as the time between two runs (and usually several runs longer)';
    if (kind === 'not-covered') return 'add a schedule that includes the namespace, or drop its RPO';
    return 'run a schedule covering it more often (e.g. BackupSchedule.hourly()), or relax the RPO';
  }

  private validateAll(): string[] {
    const problems = new Problems();
    // The other plans creating one of this plan's Schedules, in tree order.
    const names = SCHEDULE_NAMES.get(this).get(this.namespace);
    const clashing = new Set<VeleroBackupPlan>();
    for (const s of this.scheduleOptions) for (const o of names?.get(s.name) ?? []) if (o !== this) clashing.add(o);
    const others = clashing.size > 1 ? sortInTreeOrder([...clashing]) : [...clashing];
    for (const o of others) {
      for (const name of o.scheduleOptions.map((s) => s.name)) {
        const i = this.scheduleOptions.findIndex((s) => s.name === name);
        if (i >= 0)
          problems.add(
            `schedules[${i}].name`,
            `Schedule "${this.namespace}/${name}" is also created by ${o.node.path}; one would overwrite the other`,
            'give the schedules distinct names',
          );
      }
    }
    for (const v of this.rpoReport.violations)
      problems.add(this.violationField(v.kind, v.subject, this.scheduleOptions), v.message, this.violationFix(v.kind));
    return problems.messages();
  }

  /** How the schedules reach the cluster. */
  public get delivery(): ScheduleDelivery {
    return this.props.delivery ?? ScheduleDelivery.scheduleObjects();
  }

  /** The Schedule's `spec.template` of the named schedule, as plain data (what the Schedule object or the Helm chart gets). */
  public scheduleTemplate(name: string): ScheduleSpecTemplate {
    const s = this.scheduleOptions.find((o) => o.name === name);
    if (!s) throw new Error(`[${this.node.path}] no schedule named "${name}"; the plan has ${this.scheduleOptions.map((o) => o.name).join(', ')}`);
    return backupScheduleTemplate(s, { storageLocation: this.storageLocation, volumes: this.volumes, labels: this.props.labels });
  }

  /**
   * Records that `values` writes this plan's schedules into the Helm chart's values (called
   * by {@link VeleroHelmValues}); a plan delivered through the chart needs exactly one.
   * @internal
   */
  public _deliveredBy(values: IConstruct): void {
    this.helmValues.push(values);
  }

  private deliveryProblems(): string[] {
    const problems = new Problems();
    if (this.delivery.kind === 'helm-chart' && this.helmValues.length === 0) {
      problems.add(
        'delivery',
        'the schedules are delivered through the Helm chart, but no VeleroHelmValues writes them, so no backup would ever run',
        'pass the plan to a VeleroHelmValues, or use ScheduleDelivery.scheduleObjects()',
      );
    }
    if (this.helmValues.length > 1) {
      problems.add(
        'delivery',
        `the schedules are written by ${this.helmValues.length} VeleroHelmValues (${this.helmValues.map((v) => v.node.path).join(', ')}); each release would create them, and every backup would be taken twice`,
        'write them with one VeleroHelmValues',
      );
    }
    return problems.messages();
  }

  private emit(s: BackupScheduleOptions): ApiObject | undefined {
    this.scheduleOptions.push(s);
    if (this.delivery.kind === 'helm-chart') return undefined;
    const labels = { ...(this.props.labels ?? {}), ...(s.labels ?? {}) };
    const annotations = { ...(this.props.annotations ?? {}), ...(s.annotations ?? {}) };
    const obj = typedApiObject<ScheduleProps>(
      this,
      `schedule-${s.name}`,
      Schedule.GVK,
      {
        metadata: {
          name: s.name,
          namespace: this.namespace,
          labels: objectLabels({}, labels),
          ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
        },
        spec: {
          schedule: s.schedule.expression,
          ...(s.paused !== undefined ? { paused: s.paused } : {}),
          ...(s.skipImmediately !== undefined ? { skipImmediately: s.skipImmediately } : {}),
          ...(s.useOwnerReferencesInBackup !== undefined ? { useOwnerReferencesInBackup: s.useOwnerReferencesInBackup } : {}),
          template: this.scheduleTemplate(s.name),
        },
      },
      toJson_ScheduleProps,
    );
    if (this.schedules.length === 0) setMainObject(this, obj);
    this.schedules.push(obj);
    return obj;
  }

  /** The main object: the first Schedule (`schedule(name)` finds the others). A plan delivered through the Helm chart has none, and throws. */
  public get apiObject(): ApiObject {
    if (this.schedules.length === 0) {
      throw new Error(
        `[${this.node.path}] apiObject: the schedules are delivered through the Helm chart (ScheduleDelivery.helmChart()), so the plan has no Schedule objects. Fix: change them through each schedule's template option, or deliver them with ScheduleDelivery.scheduleObjects().`,
      );
    }
    return this.schedules[0];
  }

  /** Every object this construct made, in creation order. */
  public get apiObjects(): ApiObject[] {
    return apiObjectsOf(this);
  }
}
