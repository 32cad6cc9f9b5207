import { ApiObject, ApiObjectMetadataDefinition, Duration } from 'cdk8s';
import { LIBRARY_LABELS } from '../common/conventions';
import { Construct } from 'constructs';
import { labelKeyProblems, labelValueProblems, nameProblems, namespaceProblems, Problems } from '../common';
import { AppIndex, AppMemo, ConstructRegistry, sortInTreeOrder } from '../common/registry';
import { worstCaseGapSeconds } from './cron';
import { BackupScheduleOptions, VeleroBackupPlan } from './plan';
import { RpoReport } from './rpo';
import { BackupSchedule, VolumeBackupMethod } from './schedule';
import { apiObjectsOf, IApiObjectOwner } from '../common/api-object';
import { durationProblems } from './durations';

/** The label a team puts on its resources to choose a backup tier. */
export const BACKUP_TIER_LABEL = LIBRARY_LABELS.backupTier;

/** Options of {@link BackupTier.of}. */
export interface BackupTierOptions {
  /** Tier name: the label value teams write. */
  readonly name: string;
  /** How often the tier is backed up. */
  readonly schedule: BackupSchedule;
  /** How long its backups are kept. */
  readonly retention: Duration;
}

/** A backup tier: a label value mapped to a frequency and a retention. */
export class BackupTier {
  /** Hourly, kept 3 days: RPO 1h. */
  public static gold(): BackupTier {
    return new BackupTier({ name: 'gold', schedule: BackupSchedule.hourly({ minute: 15 }), retention: Duration.days(3) });
  }

  /** Every 6 hours, kept 7 days: RPO 6h. */
  public static silver(): BackupTier {
    return new BackupTier({ name: 'silver', schedule: BackupSchedule.everyHours(6, { minute: 30 }), retention: Duration.days(7) });
  }

  /** Daily at 03:00 UTC, kept 14 days: RPO 24h. */
  public static bronze(): BackupTier {
    return new BackupTier({ name: 'bronze', schedule: BackupSchedule.daily({ hour: 3 }), retention: Duration.days(14) });
  }

  /** A tier of your own. */
  public static of(options: BackupTierOptions): BackupTier {
    return new BackupTier(options);
  }

  public readonly name: string;
  public readonly schedule: BackupSchedule;
  public readonly retention: Duration;

  private constructor(o: BackupTierOptions) {
    this.name = o.name;
    this.schedule = o.schedule;
    this.retention = o.retention;
  }
}

/** Every SelfServiceBackup of an app, for the one-label-key check. */
const SELF_SERVICE = new ConstructRegistry<SelfServiceBackup>('SelfServiceBackup');

/** Label key to the self-service backups using it, in tree order. */
const LABEL_KEYS = new AppIndex(SELF_SERVICE, (all) => {
  const index = new Map<string, SelfServiceBackup[]>();
  for (const c of all) index.set(c.labelKey, [...(index.get(c.labelKey) ?? []), c]);
  for (const [key, list] of index) if (list.length > 1) index.set(key, sortInTreeOrder(list));
  return index;
});

/** Props of {@link SelfServiceBackup}. */
export interface SelfServiceBackupProps {
  /** The tiers teams can choose. @default gold, silver and bronze */
  readonly tiers?: readonly BackupTier[];
  /** The label key of the contract. @default "backup.resilience.cdk8s.io/tier" */
  readonly labelKey?: string;
  /**
   * Whole namespaces enrolled in a tier (namespace name to tier name). Velero selects objects,
   * not namespaces, by label, so whole-namespace opt-in is declared here.
   * @default none
   */
  readonly namespaces?: Readonly<Record<string, string>>;
  /** Velero's namespace. @default "velero" */
  readonly namespace?: string;
  /** Prefix of the Schedule names. @default "self-service" */
  readonly schedulePrefix?: string;
  /** Backup storage location. @default "default" */
  readonly storageLocation?: string;
  /** How volumes are saved. @default VolumeBackupMethod.fileSystem() */
  readonly volumes?: VolumeBackupMethod;
}

/** Something with Kubernetes metadata, and optionally a pod template (cdk8s-plus resources). */
export interface ILabelable {
  readonly metadata: ApiObjectMetadataDefinition;
  readonly podMetadata?: ApiObjectMetadataDefinition;
}

/**
 * Self-service backups by label. The contract:
 *
 * - A team labels the resources it wants backed up (Deployment and its pod template,
 *   Services, ConfigMaps, Secrets, PVCs) with `backup.resilience.cdk8s.io/tier=<tier>`.
 * - A whole namespace is enrolled through the `namespaces` prop.
 * - Each tier becomes a Velero Schedule selecting that label in every namespace (and one
 *   for the enrolled namespaces), with the tier's frequency and retention.
 * - `velero.io/exclude-from-backup=true` on a resource keeps it out (Velero's own label).
 */
export class SelfServiceBackup extends Construct implements IApiObjectOwner {
  /** The label key of the contract. */
  public readonly labelKey: string;
  /** The tiers, in order. */
  public readonly tiers: readonly BackupTier[];
  /** The plan holding the Schedules. */
  public readonly plan: VeleroBackupPlan;
  private readonly appProblems: AppMemo<string[]>;

  constructor(scope: Construct, id: string, props: SelfServiceBackupProps = {}) {
    super(scope, id);
    const problems = new Problems();
    this.labelKey = props.labelKey ?? BACKUP_TIER_LABEL;
    SELF_SERVICE.register(this);
    this.tiers = props.tiers ?? [BackupTier.gold(), BackupTier.silver(), BackupTier.bronze()];
    const prefix = props.schedulePrefix ?? 'self-service';
    // What the inner plan would report at its own path, reported here at the prop it came from.
    if (props.namespace !== undefined)
      problems.addAll('', namespaceProblems('namespace', props.namespace, { fix: 'use the namespace Velero is installed in, usually "velero"' }));
    if (props.storageLocation !== undefined)
      problems.addAll(
        '',
        nameProblems('storageLocation', props.storageLocation, { fix: 'use the name of a BackupStorageLocation, usually "default"' }),
      );
    const longestTier = Math.max(0, ...(Array.isArray(props.tiers) ? props.tiers : []).map((t) => String(t?.name ?? '').length));
    const sample = `${prefix}-${'x'.repeat(Math.max(1, longestTier))}-namespaces`;
    if (nameProblems('schedulePrefix', sample).length > 0)
      problems.add(
        'schedulePrefix',
        `"${prefix}" does not make valid Schedule names ("${prefix}-<tier>" and "${prefix}-<tier>-namespaces" must be DNS-1123 subdomains of at most 253 characters)`,
        'use a short prefix of lower-case letters, digits and "-", such as "self-service"',
      );
    problems.addAll('', labelKeyProblems('labelKey', this.labelKey, { fix: 'use a label key such as "backup.example.com/tier"' }));
    if (/(^|\.)velero\.io\//.test(this.labelKey))
      problems.add(
        'labelKey',
        `"${this.labelKey}" is in Velero's own label space, which Velero sets and reads itself`,
        'use a key under your own domain',
      );
    if (this.tiers.length === 0)
      problems.add('tiers', 'the list is empty', 'give at least one tier, or leave the prop out for gold, silver and bronze');
    const names = new Map<string, number>();
    this.tiers.forEach((t, i) => {
      const fix = 'use a lower-case name usable both as a label value and in a Schedule name';
      const asLabel = labelValueProblems(`tiers[${i}].name`, t.name, { fix });
      problems.addAll('', asLabel.length > 0 ? asLabel : nameProblems(`tiers[${i}].name`, t.name, { rule: 'dns-label', fix }));
      const other = names.get(t.name);
      if (other !== undefined)
        problems.add(
          `tiers[${i}].name`,
          `tier "${t.name}" is also tiers[${other}]; one label value would mean two schedules`,
          'give each tier its own name',
        );
      names.set(t.name, i);
      if (!t.schedule)
        problems.add(
          `tiers[${i}].schedule`,
          'no schedule is given',
          'use BackupSchedule.daily({ hour: 2 }), BackupSchedule.hourly() or BackupSchedule.cron(...)',
        );
      else problems.addAll('', t.schedule.problems(`tiers[${i}].schedule`));
      if (t.retention === undefined)
        problems.add(`tiers[${i}].retention`, 'no retention is given', 'give how long the backups are kept, such as Duration.days(7)');
      problems.addAll(
        '',
        durationProblems(`tiers[${i}].retention`, t.retention, { tooShortFix: 'keep backups at least as long as the time between two runs' }),
      );
    });
    for (const [ns, tier] of Object.entries(props.namespaces ?? {})) {
      problems.addAll('', namespaceProblems(`namespaces.${ns}`, ns));
      if (!names.has(tier))
        problems.add(`namespaces.${ns}`, `tier "${tier}" is not one of ${[...names.keys()].join(', ')}`, 'enroll the namespace in a defined tier');
    }
    problems.throwIfAny(this.node.path);

    const schedules: BackupScheduleOptions[] = [];
    for (const t of this.tiers) {
      schedules.push({
        name: `${prefix}-${t.name}`,
        schedule: t.schedule,
        retention: t.retention,
        includedNamespaces: ['*'],
        labelSelector: { matchLabels: { [this.labelKey]: t.name } },
        labels: { [this.labelKey]: t.name },
      });
      const enrolled = Object.entries(props.namespaces ?? {})
        .filter(([, tier]) => tier === t.name)
        .map(([ns]) => ns)
        .sort();
      if (enrolled.length > 0) {
        schedules.push({
          name: `${prefix}-${t.name}-namespaces`,
          schedule: t.schedule,
          retention: t.retention,
          includedNamespaces: enrolled,
          labels: { [this.labelKey]: t.name },
        });
      }
    }
    this.plan = new VeleroBackupPlan(this, 'plan', {
      namespace: props.namespace,
      schedules,
      storageLocation: props.storageLocation,
      volumes: props.volumes,
      namespaceRpo: Object.fromEntries(Object.entries(props.namespaces ?? {}).map(([ns, tier]) => [ns, this.tierRpo(tier)])),
    });
    this.node.defaultChild = this.plan;
    this.appProblems = new AppMemo(this, () => this.crossConstructProblems());
    this.node.addValidation({ validate: () => this.appProblems.get() }); // node.validate() returns a new array
  }

  /** The Schedules. */
  public get schedules(): readonly ApiObject[] {
    return this.plan.schedules;
  }

  /** The RPO figures: per tier schedule, and per enrolled namespace. */
  public get rpoReport(): RpoReport {
    return this.plan.rpoReport;
  }

  /** The labels that opt a resource into `tier`. */
  public labelsFor(tier: string): Record<string, string> {
    if (!this.tiers.some((t) => t.name === tier)) {
      throw new Error(`[${this.node.path}] tier: "${tier}" is not one of ${this.tiers.map((t) => t.name).join(', ')}. Fix: use a defined tier.`);
    }
    return { [this.labelKey]: tier };
  }

  /** Opts a cdk8s-plus resource (and its pod template) into `tier`. */
  public optIn(resource: ILabelable, tier: string): void {
    for (const [k, v] of Object.entries(this.labelsFor(tier))) {
      resource.metadata.addLabel(k, v);
      resource.podMetadata?.addLabel(k, v);
    }
  }

  private tierRpo(tier: string): Duration {
    const t = this.tiers.find((x) => x.name === tier)!;
    // The worst-case gap of the tier's own schedule is its promise.
    return Duration.seconds(worstCaseGapSeconds([t.schedule.expression]));
  }

  private crossConstructProblems(): string[] {
    const problems = new Problems();
    const others = (LABEL_KEYS.get(this).get(this.labelKey) ?? []).filter((c) => c !== this);
    for (const o of others) {
      problems.add(
        'labelKey',
        `"${this.labelKey}" is also the label key of ${o.node.path}; one label would select two sets of schedules`,
        'use one SelfServiceBackup per label key',
      );
    }
    return problems.messages();
  }

  /** The main object: the plan's first Schedule. */
  public get apiObject(): ApiObject {
    return this.plan.apiObject;
  }

  /** Every object this construct made, in creation order. */
  public get apiObjects(): ApiObject[] {
    return apiObjectsOf(this);
  }
}
