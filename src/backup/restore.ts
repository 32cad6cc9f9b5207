import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { Restore, RestoreProps, RestoreSpec, toJson_RestoreProps } from '../../imports/velero.io';
import { dnsLabelProblem, dnsSubdomainProblem, k8sLabelKeyProblem, k8sLabelValueProblem, Problems, spelledGoDuration } from '../common';
import { typedApiObject } from '../common/api-object';
import { RestoreExecHook } from './hooks';
import { LabelSelector, selectorProblems, selectorSpec, VELERO_NAMESPACE } from './plan';
import { ALL_NAMESPACES } from './rpo';
import { hookFilterProblems, hookFilterSpec, HookResourceFilters } from './template';
import { formatGoDuration } from '../common/duration';

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
    public readonly action: { readonly exec?: RestoreExecHook; readonly init?: { readonly containers: readonly RestoreInitContainer[]; readonly timeout?: Duration } },
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
  /**
   * Escape hatch: more spec fields, typed by Velero's CRD, merged over the generated ones
   * (hooks go through `hooks`; the CRD leaves init containers untyped).
   * @default none
   */
  readonly spec?: Omit<RestoreSpec, 'hooks'>;
}

function namesProblems(field: string, list: readonly string[] | undefined, problems: Problems, allowAll: boolean): void {
  (list ?? []).forEach((ns, i) => {
    if (allowAll && ns === ALL_NAMESPACES) return;
    const p = dnsLabelProblem(ns);
    if (p) problems.add(`${field}[${i}]`, `namespace ${p}`, 'use a namespace name, or "*" for every namespace');
  });
}

function commandProblems(field: string, command: readonly string[] | undefined, problems: Problems, required: boolean): void {
  if (!command || command.length === 0) {
    if (required) problems.add(`${field}.command`, 'the command is empty', "give the program and its arguments as a list, for example ['/bin/sh', '-c', 'sync']");
    return;
  }
  if (command.length === 1 && /\s/.test(command[0].trim())) {
    problems.add(`${field}.command`, `"${command[0]}" is a whole command line in one string; it runs as a single program name and fails`, `split it into a list, or run it through a shell: ['/bin/sh', '-c', ${JSON.stringify(command[0])}]`);
  }
}

function wholeSeconds(field: string, d: Duration | undefined, problems: Problems): void {
  if (d === undefined) return;
  const ms = d.toMilliseconds();
  if (ms < 1000 || ms % 1000 !== 0) problems.add(field, `${ms}ms is not a whole number of seconds of at least 1s`, 'use Duration.seconds(n) or Duration.minutes(n)');
}

/** Problems with the props of a restore, fields relative to them. */
export function restoreProblems(props: VeleroRestoreProps, problems: Problems): void {
  if (!props.from) {
    problems.add('from', 'no backup to restore is given', 'use RestoreSource.backup("name") or RestoreSource.latestOfSchedule("name")');
  } else {
    const p = dnsSubdomainProblem(props.from.name);
    if (p) problems.add('from', `${props.from.field === 'backupName' ? 'Backup' : 'Schedule'} name ${p}`, 'give the name of an existing Backup or Schedule');
  }
  namesProblems('includedNamespaces', props.includedNamespaces, problems, true);
  namesProblems('excludedNamespaces', props.excludedNamespaces, problems, true);
  for (const ns of props.includedNamespaces ?? []) {
    if ((props.excludedNamespaces ?? []).includes(ns)) problems.add('excludedNamespaces', `"${ns}" is both included and excluded`, 'list it in one of the two');
  }
  if (props.labelSelector) selectorProblems('labelSelector', props.labelSelector, problems);
  (props.orLabelSelectors ?? []).forEach((sel, i) => selectorProblems(`orLabelSelectors[${i}]`, sel, problems));
  if (props.labelSelector && (props.orLabelSelectors ?? []).length > 0) problems.add('orLabelSelectors', 'labelSelector and orLabelSelectors are both set; Velero rejects such a restore', 'use one of them');
  const targets = new Map<string, string>();
  for (const [from, to] of Object.entries(props.namespaceMapping ?? {})) {
    for (const [what, ns] of [['source', from], ['target', to]] as const) {
      const p = dnsLabelProblem(ns);
      if (p) problems.add(`namespaceMapping.${from}`, `${what} namespace ${p}`, 'map one namespace name to another');
    }
    const included = props.includedNamespaces;
    if (included && !included.includes(ALL_NAMESPACES) && !included.includes(from)) {
      problems.add(`namespaceMapping.${from}`, `"${from}" is mapped but not among includedNamespaces (${included.join(', ')}), so nothing is restored into "${to}"`, `add "${from}" to includedNamespaces, or drop the mapping`);
    }
    if ((props.excludedNamespaces ?? []).includes(from)) problems.add(`namespaceMapping.${from}`, `"${from}" is mapped but excluded`, 'drop the mapping or the exclusion');
    const other = targets.get(to);
    if (other !== undefined) problems.add(`namespaceMapping.${from}`, `"${from}" and "${other}" are both restored into "${to}", where their objects may collide`, 'map each source namespace to a namespace of its own');
    targets.set(to, from);
  }
  if (props.existingResourcePolicy && !['none', 'update'].includes(props.existingResourcePolicy.value)) {
    problems.add('existingResourcePolicy', `"${props.existingResourcePolicy.value}" is not none or update`, 'use ExistingResourcePolicy.none() or .update()');
  }
  (props.hooks ?? []).forEach((h, i) => {
    const hf = `hooks[${i}]`;
    if (dnsSubdomainProblem(h.name ?? '')) problems.add(`${hf}.name`, `"${h.name}" is not a valid hook name`, 'name the hook with lower-case letters, digits and "-"');
    namesProblems(`${hf}.includedNamespaces`, h.includedNamespaces, problems, true);
    if (h.labelSelector) selectorProblems(`${hf}.labelSelector`, h.labelSelector, problems);
    hookFilterProblems(hf, h, problems);
    if ((h.postHooks ?? []).length === 0) problems.add(`${hf}.postHooks`, 'the hook does nothing', 'add RestoreHookAction.exec({...}) or RestoreHookAction.init([...])');
    (h.postHooks ?? []).forEach((a, j) => {
      const af = `${hf}.postHooks[${j}]`;
      const { exec, init } = a.action;
      if (exec) {
        commandProblems(`${af}.exec`, exec.command, problems, true);
        if (exec.onError && !['Fail', 'Continue'].includes(exec.onError.value)) problems.add(`${af}.exec.onError`, `"${exec.onError.value}" is not Fail or Continue`, 'use HookOnError.fail() or HookOnError.continue()');
        wholeSeconds(`${af}.exec.execTimeout`, exec.execTimeout, problems);
        wholeSeconds(`${af}.exec.waitTimeout`, exec.waitTimeout, problems);
      }
      if (init) {
        if (init.containers.length === 0) problems.add(`${af}.init`, 'no init container is given', 'give at least one container with a name and an image');
        const seen = new Set<string>();
        init.containers.forEach((c, k) => {
          const cf = `${af}.init.containers[${k}]`;
          const np = dnsLabelProblem(c.name ?? '');
          if (np) problems.add(`${cf}.name`, `container name ${np}`, 'name the container with lower-case letters, digits and "-"');
          if (seen.has(c.name)) problems.add(`${cf}.name`, `container name "${c.name}" is used twice`, 'give each init container its own name');
          seen.add(c.name);
          if (!c.image) problems.add(`${cf}.image`, 'the image is empty', 'name the init container image');
          commandProblems(cf, c.command, problems, false);
        });
        wholeSeconds(`${af}.init.timeout`, init.timeout, problems);
      }
    });
  });
  if (props.itemOperationTimeout !== undefined && props.itemOperationTimeout.toMilliseconds() < 1000) problems.add('itemOperationTimeout', 'the timeout is shorter than a second', 'give a Duration of at least 1s');
  const pfd = props.uploaderConfig?.parallelFilesDownload;
  if (pfd !== undefined && !(Number.isInteger(pfd) && pfd > 0)) problems.add('uploaderConfig.parallelFilesDownload', `${pfd} is not a positive whole number`, 'give the number of files downloaded at once, such as 4');
  if (props.resourceModifierConfigMap !== undefined) {
    const p = dnsSubdomainProblem(props.resourceModifierConfigMap);
    if (p) problems.add('resourceModifierConfigMap', `ConfigMap name ${p}`, 'name the resource-modifier ConfigMap in Velero\'s namespace');
  }
  for (const [k, v] of Object.entries(props.labels ?? {})) {
    const p = k8sLabelKeyProblem(k) ?? k8sLabelValueProblem(v);
    if (p) problems.add('labels', p, 'use valid label keys and values');
  }
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
    ...(c.volumeMounts ? { volumeMounts: c.volumeMounts.map((m) => ({ name: m.name, mountPath: m.mountPath, ...(m.readOnly !== undefined ? { readOnly: m.readOnly } : {}) })) } : {}),
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
    restoreStatus: props.restoreStatus ? { includedResources: list(props.restoreStatus.includedResources), excludedResources: list(props.restoreStatus.excludedResources) } : undefined,
    resourceModifier: props.resourceModifierConfigMap ? { kind: 'ConfigMap', name: props.resourceModifierConfigMap } : undefined,
    uploaderConfig: props.uploaderConfig ? { ...props.uploaderConfig } : undefined,
    hooks: props.hooks && props.hooks.length > 0
      ? {
        resources: props.hooks.map((h) => ({
          name: h.name,
          ...(h.includedNamespaces ? { includedNamespaces: [...h.includedNamespaces] } : {}),
          ...hookFilterSpec(h),
          ...(h.labelSelector ? { labelSelector: selectorSpec(h.labelSelector) } : {}),
          postHooks: h.postHooks.map((a) => (a.action.exec
            ? { exec: execSpec(a.action.exec) }
            : { init: { initContainers: a.action.init!.containers.map(initContainerSpec), ...(a.action.init!.timeout ? { timeout: spelledGoDuration(a.action.init!.timeout) } : {}) } })),
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
export class VeleroRestore extends Construct {
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
    const np = dnsSubdomainProblem(this.name);
    if (np) problems.add('name', np, 'name the Restore with lower-case letters, digits, "-" and "."');
    const nsp = dnsLabelProblem(this.namespace);
    if (nsp) problems.add('namespace', `namespace ${nsp}`, 'use Velero\'s namespace, usually "velero"');
    restoreProblems(p, problems);
    problems.throwIfAny(this.node.path);
    this.apiObject = typedApiObject<RestoreProps>(this, 'restore', Restore.GVK, {
      metadata: { name: this.name, namespace: this.namespace, ...(p.labels ? { labels: { ...p.labels } } : {}) },
      spec: { ...restoreSpec(p), ...(p.spec ?? {}) },
    }, toJson_RestoreProps);
  }
}
