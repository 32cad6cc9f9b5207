/**
 * The backup template fields shared by Velero Schedules, Backups and (for the filters)
 * Restores, beyond the namespace, resource and label filters of {@link BackupScheduleOptions}:
 * resource policies, ordered resources, the uploader, volume fields, the scoped resource
 * filters, and the resource filters of a hook.
 */
import { dnsSubdomainProblem, fieldPath, nameProblems, namespaceProblems, Problem } from '../common';
import type { VolumeBackupMethod } from './schedule';

/** A reference to a ConfigMap of Velero resource policies (volume policies, fine-grained filters). */
export class ResourcePolicyRef {
  /** The ConfigMap `name`, in Velero's namespace. */
  public static configMap(name: string): ResourcePolicyRef {
    return new ResourcePolicyRef('configmap', name);
  }

  private constructor(
    /** The `kind` field (`configmap`). */
    public readonly kind: string,
    /** The ConfigMap's name. */
    public readonly name: string,
  ) {}
}

/** Options of the uploader (kopia) for file-system and data-mover backups. */
export interface BackupUploaderConfig {
  /** Files uploaded in parallel. @default Velero's default (the number of CPUs) */
  readonly parallelFilesUpload?: number;
}

/** Template fields beyond the basic filters; every one optional. */
export interface BackupTemplateExtras {
  /** ConfigMap of resource policies (which volumes to skip or how to back them up). @default none */
  readonly resourcePolicy?: ResourcePolicyRef;
  /**
   * Objects backed up first, in this order, by resource (`pods`, `persistentvolumes`, ...):
   * `namespace/name` for namespaced objects, `name` for cluster-scoped ones.
   * @default Velero's own order
   */
  readonly orderedResources?: Readonly<Record<string, readonly string[]>>;
  /** Uploader options. @default none */
  readonly uploaderConfig?: BackupUploaderConfig;
  /** File-system backup of every pod volume, overriding the volume method's choice. @default the volume method's */
  readonly defaultVolumesToFsBackup?: boolean;
  /** Move CSI snapshot data into the backup storage location, overriding the volume method. @default the volume method's */
  readonly snapshotMoveData?: boolean;
  /** Take volume snapshots, overriding the volume method. @default the volume method's */
  readonly snapshotVolumes?: boolean;
  /** The data mover used with snapshotMoveData (`velero` or a plugin's name). @default Velero's built-in data mover */
  readonly datamover?: string;
  /** Cluster-scoped resources to back up (not together with includedResources, excludedResources, includeClusterResources). @default none */
  readonly includedClusterScopedResources?: readonly string[];
  /** Cluster-scoped resources to leave out. @default none */
  readonly excludedClusterScopedResources?: readonly string[];
  /** Namespace-scoped resources to back up. @default every one */
  readonly includedNamespaceScopedResources?: readonly string[];
  /** Namespace-scoped resources to leave out. @default none */
  readonly excludedNamespaceScopedResources?: readonly string[];
  /** Label key grouping PVCs into one CSI volume group snapshot. @default no group snapshots */
  readonly volumeGroupSnapshotLabelKey?: string;
}

/** Resource filters of a backup or restore hook, besides its namespaces and label selector. */
export interface HookResourceFilters {
  /** Namespaces whose pods it skips. @default none */
  readonly excludedNamespaces?: readonly string[];
  /** Resources it applies to (`pods`, the default when empty). @default every resource */
  readonly includedResources?: readonly string[];
  /** Resources it skips. @default none */
  readonly excludedResources?: readonly string[];
}

const OLD_FILTERS = ['includedResources', 'excludedResources', 'includeClusterResources'] as const;
const SCOPED_FILTERS = [
  'includedClusterScopedResources',
  'excludedClusterScopedResources',
  'includedNamespaceScopedResources',
  'excludedNamespaceScopedResources',
] as const;

function listProblems(field: string, list: readonly string[] | undefined): Problem[] {
  return (list ?? []).flatMap((r, i) =>
    typeof r !== 'string' || r.trim() === '' || /\s/.test(r)
      ? [
          {
            field: `${field}[${i}]`,
            problem: `"${r}" is not a resource name`,
            fix: 'write resources as `resource` or `resource.group`, such as "deployments" or "storageclasses.storage.k8s.io"',
          },
        ]
      : [],
  );
}

/** Problems with the extra template fields, checked together with the classic filters of the same template. */
export function backupTemplateExtrasProblems(
  field: string,
  s: BackupTemplateExtras & {
    readonly includedResources?: readonly string[];
    readonly excludedResources?: readonly string[];
    readonly includeClusterResources?: boolean;
  },
  method?: VolumeBackupMethod,
): Problem[] {
  const at = (name: string) => fieldPath(field, name);
  const out: Problem[] = [];
  if (s.resourcePolicy)
    out.push(
      ...nameProblems(at('resourcePolicy'), s.resourcePolicy.name, {
        what: 'ConfigMap name',
        fix: "name the resource-policy ConfigMap in Velero's namespace",
      }),
    );
  for (const [resource, items] of Object.entries(s.orderedResources ?? {})) {
    if (items.length === 0)
      out.push({
        field: at(`orderedResources.${resource}`),
        problem: 'the list is empty',
        fix: 'list `namespace/name` (or `name` for cluster-scoped objects), or drop the resource',
      });
    items.forEach((item, i) => {
      const parts = item.split('/');
      const bad = parts.length > 2 || parts.some((x) => dnsSubdomainProblem(x) !== undefined);
      if (bad)
        out.push({
          field: at(`orderedResources.${resource}[${i}]`),
          problem: `"${item}" is not \`namespace/name\` or \`name\``,
          fix: 'write each object as namespace/name, such as "team-a/web-0"',
        });
    });
  }
  const pfu = s.uploaderConfig?.parallelFilesUpload;
  if (pfu !== undefined && !(Number.isInteger(pfu) && pfu > 0))
    out.push({
      field: at('uploaderConfig.parallelFilesUpload'),
      problem: `${pfu} is not a positive whole number`,
      fix: 'give the number of files uploaded at once, such as 4',
    });
  for (const f of SCOPED_FILTERS) out.push(...listProblems(at(f), s[f]));
  const usedOld = OLD_FILTERS.filter((f) => s[f] !== undefined);
  const usedScoped = SCOPED_FILTERS.filter((f) => s[f] !== undefined);
  if (usedOld.length > 0 && usedScoped.length > 0) {
    out.push({
      field: at(usedScoped[0]),
      problem: `the scoped filters (${usedScoped.join(', ')}) cannot be combined with ${usedOld.join(', ')}; Velero rejects such a backup`,
      fix: 'use either the scoped filters or includedResources/excludedResources/includeClusterResources',
    });
  }
  // The volume fields as Velero reads them: the volume method's, overridden by the props.
  const from = (name: 'snapshotVolumes' | 'snapshotMoveData' | 'datamover') =>
    s[name] === undefined && method && method.fields[name] !== undefined
      ? ` (set by VolumeBackupMethod.${method.name === 'custom' ? 'of({...})' : `${method.name}()`})`
      : '';
  const effective = {
    snapshotVolumes: s.snapshotVolumes ?? method?.fields.snapshotVolumes,
    snapshotMoveData: s.snapshotMoveData ?? method?.fields.snapshotMoveData,
    datamover: s.datamover ?? method?.fields.datamover,
  };
  if (effective.snapshotMoveData === true && effective.snapshotVolumes === false) {
    out.push({
      field: at(s.snapshotMoveData !== undefined ? 'snapshotMoveData' : 'volumes'),
      problem: `snapshotMoveData${from('snapshotMoveData')} moves snapshot data, but snapshotVolumes is false${from('snapshotVolumes')}, so no snapshot is taken and nothing is moved`,
      fix: 'use volumes: VolumeBackupMethod.snapshotsWithDataMovement(), or set snapshotVolumes: true, or drop snapshotMoveData',
    });
  }
  if (effective.datamover !== undefined && effective.snapshotMoveData !== true) {
    out.push({
      field: at(s.datamover !== undefined ? 'datamover' : 'volumes'),
      problem: `datamover "${effective.datamover}"${from('datamover')} is set, but snapshotMoveData is not true${from('snapshotMoveData')}, so Velero never uses it`,
      fix: 'set snapshotMoveData: true (or use VolumeBackupMethod.snapshotsWithDataMovement()), or drop datamover',
    });
  }
  if (s.volumeGroupSnapshotLabelKey !== undefined && s.volumeGroupSnapshotLabelKey.trim() === '')
    out.push({ field: at('volumeGroupSnapshotLabelKey'), problem: 'the label key is empty', fix: 'give the PVC label key that groups volumes' });
  return out;
}

/** The extra template fields as the CRD writes them (only those set). */
export function backupTemplateExtrasSpec(s: BackupTemplateExtras): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (s.snapshotVolumes !== undefined) out.snapshotVolumes = s.snapshotVolumes;
  if (s.defaultVolumesToFsBackup !== undefined) out.defaultVolumesToFsBackup = s.defaultVolumesToFsBackup;
  if (s.snapshotMoveData !== undefined) out.snapshotMoveData = s.snapshotMoveData;
  if (s.datamover !== undefined) out.datamover = s.datamover;
  for (const f of SCOPED_FILTERS) if (s[f]) out[f] = [...s[f]!];
  if (s.resourcePolicy) out.resourcePolicy = { kind: s.resourcePolicy.kind, name: s.resourcePolicy.name };
  if (s.orderedResources) out.orderedResources = Object.fromEntries(Object.entries(s.orderedResources).map(([k, v]) => [k, v.join(',')]));
  if (s.uploaderConfig) out.uploaderConfig = { ...s.uploaderConfig };
  if (s.volumeGroupSnapshotLabelKey !== undefined) out.volumeGroupSnapshotLabelKey = s.volumeGroupSnapshotLabelKey;
  return out;
}

/** Problems with the name of a backup or restore hook. */
export function hookNameProblems(field: string, name: string | undefined): Problem[] {
  return dnsSubdomainProblem(name ?? '')
    ? [{ field, problem: `"${name}" is not a valid hook name`, fix: 'name the hook with lower-case letters, digits and "-"' }]
    : [];
}

/** Problems with a hook's resource filters. */
export function hookFilterProblems(field: string, h: HookResourceFilters & { readonly includedNamespaces?: readonly string[] }): Problem[] {
  const out: Problem[] = [];
  (h.excludedNamespaces ?? []).forEach((ns, i) => {
    out.push(...namespaceProblems(`${field}.excludedNamespaces[${i}]`, ns));
    if ((h.includedNamespaces ?? []).includes(ns))
      out.push({ field: `${field}.excludedNamespaces[${i}]`, problem: `"${ns}" is both included and excluded`, fix: 'list it in one of the two' });
  });
  out.push(...listProblems(`${field}.includedResources`, h.includedResources), ...listProblems(`${field}.excludedResources`, h.excludedResources));
  return out;
}

/** A hook's resource filters as the CRD writes them. */
export function hookFilterSpec(h: HookResourceFilters): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (h.excludedNamespaces) out.excludedNamespaces = [...h.excludedNamespaces];
  if (h.includedResources) out.includedResources = [...h.includedResources];
  if (h.excludedResources) out.excludedResources = [...h.excludedResources];
  return out;
}
