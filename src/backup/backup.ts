import { ApiObject } from 'cdk8s';
import { objectLabels } from '../common/conventions';
import { Construct } from 'constructs';
import { Backup, BackupProps, BackupSpec, toJson_BackupProps } from '../../imports/velero.io';
import { nameProblems, namespaceProblems, Problems } from '../common';
import { apiObjectsOf, IApiObjectOwner, setMainObject, typedApiObject } from '../common/api-object';
import { backupScheduleTemplate, BackupTemplateOptions, backupTemplateProblems, VELERO_NAMESPACE, VELERO_NAMESPACE_FIX } from './plan';
import { VolumeBackupMethod } from './schedule';

/**
 * Props of {@link VeleroBackup}: the template fields of a Schedule, plus where the Backup
 * lives. Unlike a plan's schedules, a Backup is written with only the fields given, besides
 * its volume method: with no `includedNamespaces` Velero backs up every namespace, with no
 * `storageLocation` it uses the location marked default, and with no `retention` its
 * server's default TTL (30 days unless `--default-backup-ttl` says otherwise).
 * `volumes` defaults to `VolumeBackupMethod.fileSystem()`; `VolumeBackupMethod.veleroDefaults()`
 * writes no volume field.
 */
export interface VeleroBackupProps extends BackupTemplateOptions {
  /** Name of the Backup. @default the construct id */
  readonly name?: string;
  /** Namespace Velero runs in; the Backup is created there. @default "velero" */
  readonly namespace?: string;
  /**
   * Escape hatch: more spec fields, typed by Velero's CRD, merged over the generated ones.
   * @default none
   */
  readonly spec?: BackupSpec;
}

/**
 * An on-demand Velero `Backup`, taken once when applied: the same typed template as a
 * {@link VeleroBackupPlan} Schedule (namespaces, resources, selectors, volumes, hooks,
 * retention, resource policy, ordered resources, uploader, timeouts). Backups are not
 * usually kept in Git; this is for a one-off before a risky change, a migration, or a test.
 */
export class VeleroBackup extends Construct implements IApiObjectOwner {
  /** The Backup's name. */
  public readonly name: string;
  /** The namespace (Velero's). */
  public readonly namespace: string;
  /** The Backup object (the escape hatch). */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: VeleroBackupProps = {}) {
    super(scope, id);
    const problems = new Problems();
    this.name = props.name ?? id;
    this.namespace = props.namespace ?? VELERO_NAMESPACE;
    problems.addAll('', nameProblems('name', this.name, { fix: 'name the Backup with lower-case letters, digits, "-" and "."' }));
    problems.addAll('', namespaceProblems('namespace', this.namespace, { fix: VELERO_NAMESPACE_FIX }));
    if (props.storageLocation !== undefined)
      problems.addAll(
        '',
        nameProblems('storageLocation', props.storageLocation, { fix: 'use the name of a BackupStorageLocation, usually "default"' }),
      );
    problems.addAll('', backupTemplateProblems('', props, VolumeBackupMethod.fileSystem()));
    problems.throwIfAny(this.node.path);

    // A Schedule labels the Backups it creates through its template's metadata; a Backup
    // carries its labels on itself.
    const { metadata: _labelsOfCreatedBackups, ...spec } = backupScheduleTemplate(props, {
      storageLocation: 'default',
      volumes: VolumeBackupMethod.fileSystem(),
      onlyGiven: true,
    }) as BackupSpec;
    const labels = props.labels ?? {};
    const annotations = props.annotations ?? {};
    this.apiObject = setMainObject(
      this,
      typedApiObject<BackupProps>(
        this,
        'backup',
        Backup.GVK,
        {
          metadata: {
            name: this.name,
            namespace: this.namespace,
            labels: objectLabels({}, labels),
            ...(Object.keys(annotations).length > 0 ? { annotations: { ...annotations } } : {}),
          },
          spec: { ...spec, ...(props.spec ?? {}) },
        },
        toJson_BackupProps,
      ),
    );
  }

  /** Every object this construct made, in creation order. */
  public get apiObjects(): ApiObject[] {
    return apiObjectsOf(this);
  }
}
