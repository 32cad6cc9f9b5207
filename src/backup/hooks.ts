import { ApiObject, ApiObjectMetadataDefinition, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { Problem, Problems, spelledGoDuration } from '../common';
import { durationProblems } from './durations';

/** What Velero does when a hook command fails. */
export class HookOnError {
  /** Fail the backup or restore of the pod (Velero's default). */
  public static fail(): HookOnError {
    return new HookOnError('Fail');
  }

  /** Log the failure and go on. */
  public static continue(): HookOnError {
    return new HookOnError('Continue');
  }

  /** A value as written (`Fail` or `Continue`). */
  public static of(raw: string): HookOnError {
    return new HookOnError(raw);
  }

  private constructor(public readonly value: string) {}
}

/** A command Velero runs in a container of a pod before or after backing the pod up. */
export interface ExecHook {
  /**
   * The command as an argument list (`['/bin/sh', '-c', 'pg_ctl ...']`): Velero does not
   * run it through a shell, and a whole command line in one string fails with exit 126.
   */
  readonly command: readonly string[];
  /** Container to run it in. @default the pod's first container */
  readonly container?: string;
  /** What to do when it fails. @default HookOnError.fail() */
  readonly onError?: HookOnError;
  /** How long to wait for it; always written with a unit. @default Velero's 30s */
  readonly timeout?: Duration;
}

/** An init container Velero adds to a restored pod before its containers start. */
export interface RestoreInitHook {
  /** Image of the init container. */
  readonly image: string;
  /** The command as an argument list. */
  readonly command: readonly string[];
  /** Name of the init container. @default "restore-hook" */
  readonly name?: string;
}

/** A command Velero runs in a restored pod once its container is running. */
export interface RestoreExecHook {
  /** The command as an argument list. */
  readonly command: readonly string[];
  /** Container to run it in. @default the pod's first container */
  readonly container?: string;
  /** What to do when it fails. @default HookOnError.continue() (Velero's default for restore hooks) */
  readonly onError?: HookOnError;
  /** How long the command may run (`exec-timeout`). @default Velero's 30s */
  readonly execTimeout?: Duration;
  /** How long to wait for the container to be ready (`wait-timeout`). @default no limit */
  readonly waitTimeout?: Duration;
  /** Wait for the container to be ready, not only running, before the command. @default false */
  readonly waitForReady?: boolean;
}

/** Every hook of one pod template. */
export interface BackupHookSet {
  /** Runs before the pod is backed up (quiesce, flush). @default none */
  readonly preBackup?: ExecHook;
  /** Runs after the pod is backed up (resume). @default none */
  readonly postBackup?: ExecHook;
  /** Init container added on restore. @default none */
  readonly restoreInit?: RestoreInitHook;
  /** Command run in the restored pod. @default none */
  readonly restoreExec?: RestoreExecHook;
}

/**
 * Problems with a hook's (or a restore init container's) command, an argument list run
 * without a shell: empty, not a list of strings, or a program name with spaces in it (a
 * whole command line in one string, or `["/bin/sh -c", "sync"]`), which no program is
 * called, so the hook fails with exit 126 or 127. Reported at `field.command`.
 */
export function hookCommandProblems(field: string, command: readonly string[] | undefined, options: { readonly required?: boolean } = {}): Problem[] {
  const at = `${field}.command`;
  if (command === undefined || command === null || (Array.isArray(command) && command.length === 0)) {
    return options.required === false
      ? []
      : [{ field: at, problem: 'the command is empty', fix: "give the program and its arguments as a list, for example ['/bin/sh', '-c', 'sync']" }];
  }
  if (!Array.isArray(command))
    return [
      {
        field: at,
        problem: `the command is ${typeof command === 'string' ? `the string ${JSON.stringify(command)}` : 'not a list'}, not a list of arguments`,
        fix:
          typeof command === 'string'
            ? `give it as a list: ['/bin/sh', '-c', ${JSON.stringify(command)}]`
            : "give the program and its arguments as a list, for example ['/bin/sh', '-c', 'sync']",
      },
    ];
  const notStrings = command.map((c, i) => (typeof c === 'string' ? -1 : i)).filter((i) => i >= 0);
  if (notStrings.length > 0)
    return notStrings.map((i) => ({ field: `${at}[${i}]`, problem: `argument ${i} is not a string`, fix: 'give every argument as a string' }));
  const program = command[0];
  if (program.trim() === '') return [{ field: `${at}[0]`, problem: 'the program name is empty', fix: 'start the list with the program to run' }];
  if (!/\s/.test(program)) return [];
  const words = program.trim().split(/\s+/);
  if (command.length === 1) {
    return [
      {
        field: at,
        problem: `"${program}" is a whole command line in one string; Velero runs it as a single program name and the hook fails with exit 126`,
        fix: `split it into a list (${JSON.stringify(words)}) or run it through a shell: ['/bin/sh', '-c', ${JSON.stringify(program)}]`,
      },
    ];
  }
  return [
    {
      field: `${at}[0]`,
      problem: `the program name "${program}" contains white space; the first element is run as one program name (no shell splits it), and no program is called that, so the hook fails`,
      fix: `give each word its own element: ${JSON.stringify([...words, ...command.slice(1)])}`,
    },
  ];
}

/** Problems with a hook timeout: whole seconds, at least 1s, at most Go's longest duration. */
export function wholeSecondsProblems(field: string, d: Duration | undefined): Problem[] {
  return durationProblems(field, d);
}

/** Problems with a hook's `onError`. */
export function onErrorProblems(field: string, e: HookOnError | undefined): Problem[] {
  return e && !['Fail', 'Continue'].includes(e.value)
    ? [{ field, problem: `"${e.value}" is not Fail or Continue`, fix: 'use HookOnError.fail() or HookOnError.continue()' }]
    : [];
}

/** Problems with one exec hook, fields below `field`. */
export function execHookProblems(field: string, h: ExecHook): Problem[] {
  return [
    ...hookCommandProblems(field, h.command),
    ...onErrorProblems(`${field}.onError`, h.onError),
    ...wholeSecondsProblems(`${field}.timeout`, h.timeout),
  ];
}

/** Problems with a set of hooks, fields relative to the set. */
export function backupHookProblems(hooks: BackupHookSet): Problem[] {
  const out: Problem[] = [];
  if (hooks.preBackup) out.push(...execHookProblems('preBackup', hooks.preBackup));
  if (hooks.postBackup) out.push(...execHookProblems('postBackup', hooks.postBackup));
  if (hooks.restoreInit) {
    out.push(...hookCommandProblems('restoreInit', hooks.restoreInit.command));
    if (!hooks.restoreInit.image) out.push({ field: 'restoreInit.image', problem: 'the image is empty', fix: 'name the init container image' });
  }
  if (hooks.restoreExec) {
    out.push(...hookCommandProblems('restoreExec', hooks.restoreExec.command));
    out.push(...onErrorProblems('restoreExec.onError', hooks.restoreExec.onError));
    out.push(...wholeSecondsProblems('restoreExec.execTimeout', hooks.restoreExec.execTimeout));
    out.push(...wholeSecondsProblems('restoreExec.waitTimeout', hooks.restoreExec.waitTimeout));
  }
  if (!hooks.preBackup && !hooks.postBackup && !hooks.restoreInit && !hooks.restoreExec) {
    out.push({
      field: 'hooks',
      problem: 'no hook is given',
      fix: 'set at least one of preBackup, postBackup, restoreInit or restoreExec (or, on BackupHooks, a file-system backup volume list)',
    });
  }
  return out;
}

function execAnnotations(prefix: string, h: ExecHook, out: Record<string, string>): void {
  if (h.container) out[`${prefix}/container`] = h.container;
  out[`${prefix}/command`] = JSON.stringify(h.command);
  if (h.onError) out[`${prefix}/on-error`] = h.onError.value;
  if (h.timeout) out[`${prefix}/timeout`] = spelledGoDuration(h.timeout);
}

/**
 * Velero's pod annotations for a set of hooks. Commands are JSON arrays; durations always
 * carry a unit (a bare number is silently replaced by the 30s default); restore exec hooks
 * use `exec-timeout` and `wait-timeout`.
 */
export function backupHookAnnotations(hooks: BackupHookSet): Record<string, string> {
  const out: Record<string, string> = {};
  if (hooks.preBackup) execAnnotations('pre.hook.backup.velero.io', hooks.preBackup, out);
  if (hooks.postBackup) execAnnotations('post.hook.backup.velero.io', hooks.postBackup, out);
  if (hooks.restoreInit) {
    out['init.hook.restore.velero.io/container-image'] = hooks.restoreInit.image;
    out['init.hook.restore.velero.io/container-name'] = hooks.restoreInit.name ?? 'restore-hook';
    out['init.hook.restore.velero.io/command'] = JSON.stringify(hooks.restoreInit.command);
  }
  if (hooks.restoreExec) {
    const r = hooks.restoreExec;
    const p = 'post.hook.restore.velero.io';
    if (r.container) out[`${p}/container`] = r.container;
    out[`${p}/command`] = JSON.stringify(r.command);
    if (r.onError) out[`${p}/on-error`] = r.onError.value;
    if (r.execTimeout) out[`${p}/exec-timeout`] = spelledGoDuration(r.execTimeout);
    if (r.waitTimeout) out[`${p}/wait-timeout`] = spelledGoDuration(r.waitTimeout);
    if (r.waitForReady !== undefined) out[`${p}/wait-for-ready`] = String(r.waitForReady);
  }
  return out;
}

/** The Backup/Schedule spec form of an exec hook (`hooks.resources[].pre[].exec`). */
export function execHookSpec(h: ExecHook): { exec: { command: string[]; container?: string; onError?: string; timeout?: string } } {
  return {
    exec: {
      ...(h.container ? { container: h.container } : {}),
      command: [...h.command],
      ...(h.onError ? { onError: h.onError.value } : {}),
      ...(h.timeout ? { timeout: spelledGoDuration(h.timeout) } : {}),
    },
  };
}

/** Anything with a pod template's metadata: cdk8s-plus Deployments, StatefulSets, DaemonSets, Jobs. */
export interface IPodTemplateOwner {
  readonly podMetadata: ApiObjectMetadataDefinition;
  /**
   * The pod template's containers (cdk8s-plus workloads have them): a hook's `container` is
   * checked against them at synth.
   * @default not checked
   */
  readonly containers?: ReadonlyArray<{ readonly name: string }>;
  /**
   * The pod template's init containers: a restore init hook's container name must differ from them.
   * @default not checked
   */
  readonly initContainers?: ReadonlyArray<{ readonly name: string }>;
  /**
   * The pod template's volumes: the file-system backup volume lists are checked against them.
   * @default not checked
   */
  readonly volumes?: ReadonlyArray<{ readonly name: string }>;
}

/**
 * Problems with the containers a set of hooks names, against the workload's containers as
 * they are at synth: an exec hook's `container` must be one of them, and the init container
 * a restore init hook adds must not take a name already used.
 */
export function hookContainerProblems(hooks: BackupHookSet, containers: readonly string[], initContainers: readonly string[] = []): Problem[] {
  if (containers.length === 0) return [];
  const list = containers.map((c) => `"${c}"`).join(', ');
  const out: Problem[] = [];
  for (const [field, hook] of [
    ['preBackup', hooks.preBackup],
    ['postBackup', hooks.postBackup],
    ['restoreExec', hooks.restoreExec],
  ] as const) {
    if (hook?.container !== undefined && !containers.includes(hook.container))
      out.push({
        field: `${field}.container`,
        problem: `container "${hook.container}" is not in the workload, whose pod template has the container${containers.length === 1 ? '' : 's'} ${list}; Velero would fail the hook`,
        fix: `use one of ${list}, or leave container out for the first ("${containers[0]}")`,
      });
  }
  if (hooks.restoreInit) {
    const name = hooks.restoreInit.name ?? 'restore-hook';
    if (containers.includes(name) || initContainers.includes(name))
      out.push({
        field: 'restoreInit.name',
        problem: `the restore init container "${name}" takes the name of a container the workload already has, so the restored pod would be invalid`,
        fix: 'give the restore init container a name of its own',
      });
  }
  return out;
}

/** Props of {@link BackupHooks}. */
export interface BackupHooksProps extends BackupHookSet {
  /** The workload whose pod template gets the hook annotations (a cdk8s-plus workload). */
  readonly workload: IPodTemplateOwner;
  /**
   * Pod volumes the node agent backs up although the backup's volume method takes no
   * file-system backup by default (`backup.velero.io/backup-volumes`, the opt-in form).
   * @default none
   */
  readonly fileSystemBackupVolumes?: readonly string[];
  /**
   * Pod volumes left out of file-system backup when the backup takes it by default
   * (`backup.velero.io/backup-volumes-excludes`, the opt-out form).
   * @default none
   */
  readonly excludedFromFileSystemBackup?: readonly string[];
}

const VOLUME_LISTS = [
  ['fileSystemBackupVolumes', 'backup.velero.io/backup-volumes'],
  ['excludedFromFileSystemBackup', 'backup.velero.io/backup-volumes-excludes'],
] as const;

/** Problems with the pod-volume lists of a {@link BackupHooksProps}, and, when the volumes are known, against them. */
export function podVolumeListProblems(
  props: Pick<BackupHooksProps, 'fileSystemBackupVolumes' | 'excludedFromFileSystemBackup'>,
  volumes?: readonly string[],
): Problem[] {
  const out: Problem[] = [];
  for (const [field] of VOLUME_LISTS) {
    const list = props[field];
    if (list === undefined) continue;
    if (list.length === 0) out.push({ field, problem: 'the list is empty', fix: 'name at least one volume of the pod, or leave the prop out' });
    list.forEach((v, i) => {
      if (typeof v !== 'string' || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(v) || v.length > 63)
        out.push({ field: `${field}[${i}]`, problem: `"${v}" is not a volume name`, fix: 'name a volume of the pod template (a DNS label)' });
      else if (volumes && volumes.length > 0 && !volumes.includes(v))
        out.push({
          field: `${field}[${i}]`,
          problem: `volume "${v}" is not in the workload, whose pod template has the volume${volumes.length === 1 ? '' : 's'} ${volumes.map((x) => `"${x}"`).join(', ')}`,
          fix: `use one of ${volumes.map((x) => `"${x}"`).join(', ')}`,
        });
    });
  }
  for (const v of props.fileSystemBackupVolumes ?? [])
    if ((props.excludedFromFileSystemBackup ?? []).includes(v))
      out.push({
        field: 'excludedFromFileSystemBackup',
        problem: `volume "${v}" is both opted in and out of file-system backup`,
        fix: 'list it in one of the two',
      });
  return out;
}

/**
 * Velero backup and restore hooks on a workload's pod template, as the annotations Velero
 * reads from each pod it backs up or restores.
 */
export class BackupHooks extends Construct {
  /** The annotations added to the pod template. */
  public readonly annotations: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: BackupHooksProps) {
    super(scope, id);
    const problems = new Problems();
    if (!props.workload || !props.workload.podMetadata) {
      problems.add('workload', 'no workload with a pod template is given', 'pass a cdk8s-plus Deployment, StatefulSet, DaemonSet or Job');
    }
    const volumeLists = props.fileSystemBackupVolumes !== undefined || props.excludedFromFileSystemBackup !== undefined;
    // Pod-volume lists alone are a reason for the construct too.
    problems.addAll('', volumeLists ? backupHookProblems(props).filter((p) => p.field !== 'hooks') : backupHookProblems(props));
    problems.addAll('', podVolumeListProblems(props));
    problems.throwIfAny(this.node.path);
    const volumeAnnotations: Record<string, string> = {};
    for (const [field, key] of VOLUME_LISTS) if (props[field]) volumeAnnotations[key] = props[field]!.join(',');
    this.annotations = { ...backupHookAnnotations(props), ...volumeAnnotations };
    for (const [k, v] of Object.entries(this.annotations)) props.workload.podMetadata.addAnnotation(k, v);
    // Containers are usually added after the hooks are declared: checked at synth.
    const workload = props.workload;
    this.node.addValidation({
      validate: () => {
        const names = (list: IPodTemplateOwner['containers']) => (Array.isArray(list) ? list.map((c) => c.name) : []);
        const found = new Problems();
        found.addAll('', hookContainerProblems(props, names(workload.containers), names(workload.initContainers)));
        if (Array.isArray(workload.volumes))
          found.addAll(
            '',
            podVolumeListProblems(
              props,
              workload.volumes.map((v) => v.name),
            ).filter((p) => p.problem.includes('is not in the workload')),
          );
        return found.messages();
      },
    });
  }

  /** Every object this construct made: none. It annotates the workload's pod template and makes no object of its own: `apiObjects` is empty. */
  public get apiObjects(): ApiObject[] {
    return [];
  }
}
