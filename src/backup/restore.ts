import { ApiObject, Duration } from 'cdk8s';
import { objectLabels } from '../common/conventions';
import { Construct } from 'constructs';
import { Restore, RestoreProps, RestoreSpec, toJson_RestoreProps } from '../../imports/velero.io';
import {
  annotationsProblems,
  labelSelectorProblems,
  nameProblems,
  namespaceListProblems,
  namespaceProblems,
  Problem,
  Problems,
  spelledGoDuration,
} from '../common';
import { apiObjectsOf, IApiObjectOwner, setMainObject, typedApiObject } from '../common/api-object';
import { hookCommandProblems, onErrorProblems, RestoreExecHook, wholeSecondsProblems } from './hooks';
import { HOOK_SHAPES, LabelSelector, selectorSpec, VELERO_NAMESPACE, VELERO_NAMESPACE_FIX, veleroObjectLabelsProblems } from './plan';
import { ALL_NAMESPACES } from './rpo';
import { hookFilterProblems, hookFilterSpec, hookNameProblems, HookResourceFilters } from './template';
import { formatGoDuration } from '../common/duration';
import { durationProblems } from './durations';
import { PropShape, shapeProblems } from './shape';

/** Which backup a restore reads. */
export class RestoreSource {
  /** The named Backup. */
  public static backup(name: string): RestoreSource {
    return new RestoreSource('backupName', name);
  }

  /** The latest successful Backup of the named Schedule. */
  public static latestOfSchedule(name: string): RestoreSource {
    return new RestoreSource('scheduleName', name);
  }

  private constructor(
    /** The spec field (`backupName` or `scheduleName`). */
    public readonly field: 'backupName' | 'scheduleName',
    /** The Backup's or Schedule's name. */
    public readonly name: string,
  ) {}
}

/** What a restore does with an object that already exists in the cluster. */
export class ExistingResourcePolicy {
  /** Leave it as it is and report a warning (Velero's default). */
  public static none(): ExistingResourcePolicy {
    return new ExistingResourcePolicy('none');
  }

  /** Update it to the backed-up version (labels and spec), where Velero can. */
  public static update(): ExistingResourcePolicy {
    return new ExistingResourcePolicy('update');
  }

  private constructor(
    /** The `existingResourcePolicy` field. */
    public readonly value: 'none' | 'update',
  ) {}
}

/** An init container Velero adds to restored pods (a restore `init` hook). */
export interface RestoreInitContainer {
  /** Container name. */
  readonly name: string;
  /** Image. */
  readonly image: string;
  /** The command as an argument list. @default the image's entrypoint */
  readonly command?: readonly string[];
  /** Arguments. @default none */
  readonly args?: readonly string[];
  /** Environment variables. @default none */
  readonly env?: Readonly<Record<string, string>>;
  /** Volumes of the restored pod mounted into the container. @default none */
  readonly volumeMounts?: ReadonlyArray<{ readonly name: string; readonly mountPath: string; readonly readOnly?: boolean }>;
  /**
   * Escape hatch: more container fields (resources, securityContext, ...) as in a pod spec,
   * merged over the generated ones.
   * @default none
   */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** One action of a restore hook: an exec in a restored container, or init containers. */
export class RestoreHookAction {
  /** Runs a command in a container of each restored pod once it runs. */
  public static exec(hook: RestoreExecHook): RestoreHookAction {
    return new RestoreHookAction({ exec: hook });
  }

  /** Adds init containers to each restored pod, run before its containers start. */
  public static init(containers: readonly RestoreInitContainer[], options: { readonly timeout?: Duration } = {}): RestoreHookAction {
    return new RestoreHookAction({ init: { containers, timeout: options.timeout } });
  }

  private constructor(
    /** The action, as data. */
    public readonly action: {
      readonly exec?: RestoreExecHook;
      readonly init?: { readonly containers: readonly RestoreInitContainer[]; readonly timeout?: Duration };
    },
  ) {}
}

/** A restore hook: the pods it applies to and what it does. */
export interface RestoreHookRule extends HookResourceFilters {
  /** Name of the hook. */
  readonly name: string;
  /** Namespaces whose restored pods it applies to. @default every restored namespace */
  readonly includedNamespaces?: readonly string[];
  /** Pods it applies to. @default every pod */
  readonly labelSelector?: LabelSelector;
  /** What it does, in order. */
  readonly postHooks: readonly RestoreHookAction[];
}

/** Props of {@link VeleroRestore}. */
export interface VeleroRestoreProps {
  /** The backup to restore: `RestoreSource.backup(name)` or `RestoreSource.latestOfSchedule(name)`. */
  readonly from: RestoreSource;
  /** Name of the Restore. @default the construct id */
  readonly name?: string;
  /** Namespace Velero runs in; the Restore is created there. @default "velero" */
  readonly namespace?: string;
  /** Namespaces to restore. @default every namespace of the backup */
  readonly includedNamespaces?: readonly string[];
  /** Namespaces to leave out. @default none */
  readonly excludedNamespaces?: readonly string[];
  /** Resources to restore. @default every resource */
  readonly includedResources?: readonly string[];
  /** Resources to leave out. @default none (Velero always skips nodes, events and a few others) */
  readonly excludedResources?: readonly string[];
  /** Whether cluster-scoped resources are restored. @default Velero decides (those related to restored namespaces) */
  readonly includeClusterResources?: boolean;
  /** Only objects with these labels. @default every object */
  readonly labelSelector?: LabelSelector;
  /** Objects matching any of these selectors (not together with labelSelector). @default none */
  readonly orLabelSelectors?: readonly LabelSelector[];
  /** Source namespace → namespace to restore into. @default each namespace restores into itself */
  readonly namespaceMapping?: Readonly<Record<string, string>>;
  /** Restore persistent volumes from their snapshots or file-system backups. @default Velero's default (true) */
  readonly restorePVs?: boolean;
  /** Keep the node ports of restored Services. @default false */
  readonly preserveNodePorts?: boolean;
  /** What to do with objects that already exist. @default ExistingResourcePolicy.none() (Velero's default) */
  readonly existingResourcePolicy?: ExistingResourcePolicy;
  /** Hooks run on restored pods. @default none */
  readonly hooks?: readonly RestoreHookRule[];
  /** Time to wait for asynchronous restore item operations. @default Velero's 4h */
  readonly itemOperationTimeout?: Duration;
  /** Resources whose status is restored too. @default none */
  readonly restoreStatus?: { readonly includedResources?: readonly string[]; readonly excludedResources?: readonly string[] };
  /** Name of a ConfigMap of resource modifiers (JSON patches applied before restoring). @default none */
  readonly resourceModifierConfigMap?: string;
  /** Uploader options of file-system and data-mover restores. @default none */
  readonly uploaderConfig?: { readonly writeSparseFiles?: boolean; readonly parallelFilesDownload?: number };
  /** Labels of the Restore. @default none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Annotations of the Restore. @default none */
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * Escape hatch: more spec fields, typed by Velero's CRD, merged over the generated ones
   * (hooks go through `hooks`; the CRD leaves init containers untyped).
   * @default none
   */
  readonly spec?: Omit<RestoreSpec, 'hooks'>;
}

function restoreHookProblems(hf: string, h: RestoreHookRule): Problem[] {
  const out: Problem[] = [];
  out.push(...hookNameProblems(`${hf}.name`, h.name));
  out.push(...namespaceListProblems(`${hf}.includedNamespaces`, h.includedNamespaces, { allowAll: true }));
  if (h.labelSelector) out.push(...labelSelectorProblems(`${hf}.labelSelector`, h.labelSelector));
  out.push(...hookFilterProblems(hf, h));
  if ((h.postHooks ?? []).length === 0)
    out.push({
      field: `${hf}.postHooks`,
      problem: 'the hook does nothing',
      fix: 'add RestoreHookAction.exec({...}) or RestoreHookAction.init([...])',
    });
  (h.postHooks ?? []).forEach((a, j) => {
    const af = `${hf}.postHooks[${j}]`;
    const { exec, init } = a.action;
    if (exec) {
      out.push(...hookCommandProblems(`${af}.exec`, exec.command));
      out.push(...onErrorProblems(`${af}.exec.onError`, exec.onError));
      out.push(...wholeSecondsProblems(`${af}.exec.execTimeout`, exec.execTimeout));
      out.push(...wholeSecondsProblems(`${af}.exec.waitTimeout`, exec.waitTimeout));
    }
    if (init) {
      if (init.containers.length === 0)
        out.push({ field: `${af}.init`, problem: 'no init container is given', fix: 'give at least one container with a name and an image' });
      const seen = new Set<string>();
      init.containers.forEach((c, k) => {
        const cf = `${af}.init.containers[${k}]`;
        out.push(
          ...nameProblems(`${cf}.name`, c.name, {
            rule: 'dns-label',
            what: 'container name',
            fix: 'name the container with lower-case letters, digits and "-"',
          }),
        );
        if (seen.has(c.name))
          out.push({ field: `${cf}.name`, problem: `container name "${c.name}" is used twice`, fix: 'give each init container its own name' });
        seen.add(c.name);
        if (!c.image) out.push({ field: `${cf}.image`, problem: 'the image is empty', fix: 'name the init container image' });
        out.push(...hookCommandProblems(cf, c.command, { required: false }));
      });
      out.push(...wholeSecondsProblems(`${af}.init.timeout`, init.timeout));
    }
  });
  return out;
}

const RESTORE_SHAPES: Readonly<Record<string, PropShape>> = {
  includedNamespaces: 'strings',
  excludedNamespaces: 'strings',
  includedResources: 'strings',
  excludedResources: 'strings',
  orLabelSelectors: 'objects',
  hooks: 'objects',
  labelSelector: 'map',
  namespaceMapping: 'map',
  restoreStatus: 'map',
  uploaderConfig: 'map',
  labels: 'map',
  annotations: 'map',
};

/** Problems with the props of a restore, fields relative to them. */
export function restoreProblems(props: VeleroRestoreProps): Problem[] {
  // Props read from JSON or JavaScript: a wrong shape is reported before anything reads it.
  const shapes = shapeProblems((n) => n, props, RESTORE_SHAPES);
  if (Array.isArray(props.hooks))
    props.hooks.forEach((h, i) => {
      if (h && typeof h === 'object') shapes.push(...shapeProblems((n) => `hooks[${i}].${n}`, h, HOOK_SHAPES));
      if (h && Array.isArray(h.postHooks))
        (h.postHooks as readonly (RestoreHookAction | undefined)[]).forEach((a, j) => {
          const init = a?.action?.init;
          if (a && !(a instanceof RestoreHookAction))
            shapes.push({
              field: `hooks[${i}].postHooks[${j}]`,
              problem: 'the action is not a RestoreHookAction',
              fix: 'use RestoreHookAction.exec({...}) or RestoreHookAction.init([...])',
            });
          else if (init) shapes.push(...shapeProblems((n) => `hooks[${i}].postHooks[${j}].init.${n}`, init, { containers: 'objects' }));
          if (init && init.containers === undefined)
            shapes.push({
              field: `hooks[${i}].postHooks[${j}].init.containers`,
              problem: 'no init container is given',
              fix: 'give at least one container with a name and an image',
            });
        });
    });
  if (shapes.length > 0) return shapes;
  const out: Problem[] = [];
  if (!props.from) {
    out.push({
      field: 'from',
      problem: 'no backup to restore is given',
      fix: 'use RestoreSource.backup("name") or RestoreSource.latestOfSchedule("name")',
    });
  } else {
    out.push(
      ...nameProblems('from', props.from.name, {
        what: `${props.from.field === 'backupName' ? 'Backup' : 'Schedule'} name`,
        fix: 'give the name of an existing Backup or Schedule',
      }),
    );
  }
  out.push(...namespaceListProblems('includedNamespaces', props.includedNamespaces, { allowAll: true }));
  out.push(...namespaceListProblems('excludedNamespaces', props.excludedNamespaces, { allowAll: true }));
  for (const ns of props.includedNamespaces ?? []) {
    if ((props.excludedNamespaces ?? []).includes(ns))
      out.push({ field: 'excludedNamespaces', problem: `"${ns}" is both included and excluded`, fix: 'list it in one of the two' });
  }
  if (props.labelSelector) out.push(...labelSelectorProblems('labelSelector', props.labelSelector));
  (props.orLabelSelectors ?? []).forEach((sel, i) => out.push(...labelSelectorProblems(`orLabelSelectors[${i}]`, sel)));
  if (props.labelSelector && (props.orLabelSelectors ?? []).length > 0)
    out.push({
      field: 'orLabelSelectors',
      problem: 'labelSelector and orLabelSelectors are both set; Velero rejects such a restore',
      fix: 'use one of them',
    });
  const targets = new Map<string, string>();
  for (const [from, to] of Object.entries(props.namespaceMapping ?? {})) {
    for (const [what, ns] of [
      ['source', from],
      ['target', to],
    ] as const) {
      out.push(...namespaceProblems(`namespaceMapping.${from}`, ns, { what: `${what} namespace`, fix: 'map one namespace name to another' }));
    }
    const included = props.includedNamespaces;
    if (included && !included.includes(ALL_NAMESPACES) && !included.includes(from)) {
      out.push({
        field: `namespaceMapping.${from}`,
        problem: `"${from}" is mapped but not among includedNamespaces (${included.join(', ')}), so nothing is restored into "${to}"`,
        fix: `add "${from}" to includedNamespaces, or drop the mapping`,
      });
    }
    if ((props.excludedNamespaces ?? []).includes(from))
      out.push({ field: `namespaceMapping.${from}`, problem: `"${from}" is mapped but excluded`, fix: 'drop the mapping or the exclusion' });
    const other = targets.get(to);
    if (other !== undefined)
      out.push({
        field: `namespaceMapping.${from}`,
        problem: `"${from}" and "${other}" are both restored into "${to}", where their objects may collide`,
        fix: 'map each source namespace to a namespace of its own',
      });
    targets.set(to, from);
  }
  if (props.existingResourcePolicy && !['none', 'update'].includes(props.existingResourcePolicy.value)) {
    out.push({
      field: 'existingResourcePolicy',
      problem: `"${props.existingResourcePolicy.value}" is not none or update`,
      fix: 'use ExistingResourcePolicy.none() or .update()',
    });
  }
  (props.hooks ?? []).forEach((h, i) => out.push(...restoreHookProblems(`hooks[${i}]`, h)));
  out.push(...durationProblems('itemOperationTimeout', props.itemOperationTimeout));
  const pfd = props.uploaderConfig?.parallelFilesDownload;
  if (pfd !== undefined && !(Number.isInteger(pfd) && pfd > 0))
    out.push({
      field: 'uploaderConfig.parallelFilesDownload',
      problem: `${pfd} is not a positive whole number`,
      fix: 'give the number of files downloaded at once, such as 4',
    });
  if (props.resourceModifierConfigMap !== undefined) {
    out.push(
      ...nameProblems('resourceModifierConfigMap', props.resourceModifierConfigMap, {
        what: 'ConfigMap name',
        fix: "name the resource-modifier ConfigMap in Velero's namespace",
      }),
    );
  }
  out.push(...veleroObjectLabelsProblems('labels', props.labels));
  out.push(...annotationsProblems('annotations', props.annotations));
  return out;
}

function execSpec(h: RestoreExecHook): Record<string, unknown> {
  return {
    ...(h.container ? { container: h.container } : {}),
    command: [...h.command],
    ...(h.onError ? { onError: h.onError.value } : {}),
    ...(h.execTimeout ? { execTimeout: spelledGoDuration(h.execTimeout) } : {}),
    ...(h.waitTimeout ? { waitTimeout: spelledGoDuration(h.waitTimeout) } : {}),
    ...(h.waitForReady !== undefined ? { waitForReady: h.waitForReady } : {}),
  };
}

function initContainerSpec(c: RestoreInitContainer): Record<string, unknown> {
  return {
    name: c.name,
    image: c.image,
    ...(c.command ? { command: [...c.command] } : {}),
    ...(c.args ? { args: [...c.args] } : {}),
    ...(c.env ? { env: Object.entries(c.env).map(([name, value]) => ({ name, value })) } : {}),
    ...(c.volumeMounts
      ? {
          volumeMounts: c.volumeMounts.map((m) => ({
            name: m.name,
            mountPath: m.mountPath,
            ...(m.readOnly !== undefined ? { readOnly: m.readOnly } : {}),
          })),
        }
      : {}),
    ...(c.extra ?? {}),
  };
}

/** The Restore spec of the props, as plain data. */
export function restoreSpec(props: VeleroRestoreProps): RestoreSpec {
  const list = (l: readonly string[] | undefined) => (l ? [...l] : undefined);
  const spec = {
    [props.from.field]: props.from.name,
    includedNamespaces: list(props.includedNamespaces),
    excludedNamespaces: list(props.excludedNamespaces),
    includedResources: list(props.includedResources),
    excludedResources: list(props.excludedResources),
    includeClusterResources: props.includeClusterResources,
    labelSelector: props.labelSelector ? selectorSpec(props.labelSelector) : undefined,
    orLabelSelectors: props.orLabelSelectors?.map(selectorSpec),
    namespaceMapping: props.namespaceMapping ? { ...props.namespaceMapping } : undefined,
    restorePVs: props.restorePVs,
    preserveNodePorts: props.preserveNodePorts,
    existingResourcePolicy: props.existingResourcePolicy?.value,
    itemOperationTimeout: props.itemOperationTimeout ? spelledGoDuration(props.itemOperationTimeout, formatGoDuration) : undefined,
    restoreStatus: props.restoreStatus
      ? { includedResources: list(props.restoreStatus.includedResources), excludedResources: list(props.restoreStatus.excludedResources) }
      : undefined,
    resourceModifier: props.resourceModifierConfigMap ? { kind: 'ConfigMap', name: props.resourceModifierConfigMap } : undefined,
    uploaderConfig: props.uploaderConfig ? { ...props.uploaderConfig } : undefined,
    hooks:
      props.hooks && props.hooks.length > 0
        ? {
            resources: props.hooks.map((h) => ({
              name: h.name,
              ...(h.includedNamespaces ? { includedNamespaces: [...h.includedNamespaces] } : {}),
              ...hookFilterSpec(h),
              ...(h.labelSelector ? { labelSelector: selectorSpec(h.labelSelector) } : {}),
              postHooks: h.postHooks.map((a) =>
                a.action.exec
                  ? { exec: execSpec(a.action.exec) }
                  : {
                      init: {
                        initContainers: a.action.init!.containers.map(initContainerSpec),
                        ...(a.action.init!.timeout ? { timeout: spelledGoDuration(a.action.init!.timeout) } : {}),
                      },
                    },
              ),
            })),
          }
        : undefined,
  };
  return JSON.parse(JSON.stringify(spec)) as RestoreSpec;
}

/**
 * A Velero `Restore`, declared: which backup, what to restore and where (namespace
 * mapping, filters, selectors), what to do with existing objects, and restore hooks
 * (`init` containers and `exec` commands). Every problem is reported at synth.
 */
export class VeleroRestore extends Construct implements IApiObjectOwner {
  /** The Restore's name. */
  public readonly name: string;
  /** The namespace (Velero's). */
  public readonly namespace: string;
  /** The Restore object (the escape hatch). */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: VeleroRestoreProps) {
    super(scope, id);
    const p = props ?? ({} as VeleroRestoreProps);
    const problems = new Problems();
    this.name = p.name ?? id;
    this.namespace = p.namespace ?? VELERO_NAMESPACE;
    problems.addAll('', nameProblems('name', this.name, { fix: 'name the Restore with lower-case letters, digits, "-" and "."' }));
    problems.addAll('', namespaceProblems('namespace', this.namespace, { fix: VELERO_NAMESPACE_FIX }));
    problems.addAll('', restoreProblems(p));
    problems.throwIfAny(this.node.path);
    this.apiObject = setMainObject(
      this,
      typedApiObject<RestoreProps>(
        this,
        'restore',
        Restore.GVK,
        {
          metadata: {
            name: this.name,
            namespace: this.namespace,
            labels: objectLabels({}, p.labels),
            ...(p.annotations && Object.keys(p.annotations).length > 0 ? { annotations: { ...p.annotations } } : {}),
          },
          spec: { ...restoreSpec(p), ...(p.spec ?? {}) },
        },
        toJson_RestoreProps,
      ),
    );
  }

  /** Every object this construct made, in creation order. */
  public get apiObjects(): ApiObject[] {
    return apiObjectsOf(this);
  }
}
