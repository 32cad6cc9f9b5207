/**
 * The ChaosExperiment construct, and the chaos defaults and guardrail settings of a scope.
 * The model it renders (actions, targets, modes, guardrails) is plain data in the modules
 * it imports.
 */
import { ApiObject, Chart, Duration } from 'cdk8s';
import { LABEL_DOMAIN, MANAGED_BY_LABEL, objectLabels } from '../common/conventions';
import { Construct } from 'constructs';
import { Problem, Problems, problemsAbout } from '../common/errors';
import { ChaosPlatform } from './platform';
import { labelsProblems, nameProblems, namespaceProblems } from '../common/checks';
import { ChaosAction } from './actions';
import { embeddedKey } from './kinds';
import {
  DEFAULT_MAX_DURATION_MS,
  DEFAULT_PROTECTED_NAMESPACES,
  ExperimentDefinition,
  experimentDefinition,
  experimentProblems,
  experimentSpec,
  GuardrailPolicy,
  remoteClusterProblems,
} from './guardrails';
import { LitmusOptions, renderLitmus } from './litmus';
import { ChaosMode } from './mode';
import { ChaosSchedule, scheduleProblems } from './schedule';
import type { RemoteCluster } from './machines';
import { ChaosTarget, ChaosWorkload } from './selector';
import { spanProblems } from './units';
import { CHAOS_LABELS, CHAOS_MESH_API_VERSION, CHAOS_MESH_PAUSE_ANNOTATION, ScheduleSpec } from './types';
import { apiObjectsOf, IApiObjectOwner, setMainObject } from '../common/api-object';
import { ChaosObjectIdentity, IChaosObjectOwner, registerChaosObjects } from './identity';

/** Defaults for every experiment and workflow under a scope (a chart, usually). */
export interface ChaosDefaults {
  /**
   * The chaos tool.
   * @default ChaosPlatform.chaosMesh()
   */
  readonly platform?: ChaosPlatform;
  /**
   * The longest allowed experiment.
   * @default Duration.minutes(30)
   */
  readonly maxDuration?: Duration;
  /**
   * Namespaces protected in addition to kube-system, chaos-mesh, velero and monitoring.
   * @default none
   */
  readonly protectedNamespaces?: string[];
  /**
   * Namespace of the chaos objects.
   * @default the chart's namespace, else 'chaos-testing'
   */
  readonly namespace?: string;
}

/** The default upper bound of an experiment's duration: 30 minutes. */
export const DEFAULT_MAX_DURATION = Duration.minutes(DEFAULT_MAX_DURATION_MS / 60000);

const DEFAULTS_KEY = 'cdk8s-resilience/chaos-defaults';

/**
 * Sets chaos defaults for everything added under `scope` afterwards. Call it on a new
 * chart, before adding experiments (constructs context cannot change once children exist).
 */
export function setChaosDefaults(scope: Construct, defaults: ChaosDefaults): void {
  scope.node.setContext(DEFAULTS_KEY, defaults);
}

/** The chaos defaults in effect at `scope`. */
export function chaosDefaults(scope: Construct): ChaosDefaults {
  return (scope.node.tryGetContext(DEFAULTS_KEY) as ChaosDefaults | undefined) ?? {};
}

/** The guardrail settings every experiment and workflow accepts. */
export interface GuardrailProps {
  /**
   * The longest allowed experiment.
   * @default the scope's default (setChaosDefaults), else Duration.minutes(30)
   */
  readonly maxDuration?: Duration;
  /**
   * Allow `all`, 100% and whole-namespace partitions.
   * @default false
   */
  readonly allowFullBlastRadius?: boolean;
  /**
   * Allow a continuous fault (network, stress, I/O, ...) without a duration: it lasts
   * until its object is deleted. Not for scheduled experiments, whose runs would never end.
   * Instantaneous faults (pod-kill, container-kill) need no duration and no opt-in.
   * @default false (a continuous fault without a duration fails rule bounded-duration)
   */
  readonly allowUnboundedDuration?: boolean;
  /**
   * Namespaces protected in addition to the defaults (kube-system, chaos-mesh, velero,
   * monitoring) and the scope's list.
   * @default none
   */
  readonly protectedNamespaces?: string[];
}

/** Resolves the guardrail policy of a construct from its props and its scope's defaults. */
export function resolvePolicy(scope: Construct, props: GuardrailProps): GuardrailPolicy {
  const d = chaosDefaults(scope);
  return {
    maxDuration: props.maxDuration ?? d.maxDuration ?? DEFAULT_MAX_DURATION,
    allowFullBlastRadius: props.allowFullBlastRadius ?? false,
    allowUnboundedDuration: props.allowUnboundedDuration ?? false,
    protectedNamespaces: [...new Set([...DEFAULT_PROTECTED_NAMESPACES, ...(d.protectedNamespaces ?? []), ...(props.protectedNamespaces ?? [])])],
  };
}

/** Props of {@link ChaosExperiment}. */
export interface ChaosExperimentProps extends GuardrailProps {
  /** The fault, such as `ChaosAction.podKill()` or `ChaosAction.networkDelay({...})`. */
  readonly action: ChaosAction;
  /**
   * The pods: a {@link ChaosTarget} or a cdk8s-plus workload (its namespace and pod selector are used).
   * @default none: a synth error (an experiment must select something)
   */
  readonly target?: ChaosTarget | ChaosWorkload;
  /**
   * How many of the selected pods.
   * @default ChaosMode.one()
   */
  readonly mode?: ChaosMode;
  /**
   * How long the fault lasts, at most `maxDuration`. Instantaneous faults (pod-kill,
   * container-kill) act once and may omit it; a continuous fault needs it unless
   * `allowUnboundedDuration` is set.
   * @default none: fine for instantaneous faults, a synth error (rule bounded-duration) for continuous ones
   */
  readonly duration?: Duration;
  /**
   * Runs the experiment on a schedule, through a Chaos Mesh `Schedule`.
   * @default runs once, when applied
   */
  readonly schedule?: ChaosSchedule;
  /**
   * Object name (also the Litmus ChaosEngine's).
   * @default the construct id
   */
  readonly name?: string;
  /**
   * Namespace of the Chaos Mesh object.
   * @default the scope's default, else the chart's namespace, else 'chaos-testing'
   */
  readonly namespace?: string;
  /**
   * Which tool runs it.
   * @default the scope's default (setChaosDefaults), else ChaosPlatform.chaosMesh()
   */
  readonly platform?: ChaosPlatform;
  /**
   * Litmus rendering options (probes, tunables, service account).
   * @default LitmusProbe.podsPresent() as the probe, a generated service account
   */
  readonly litmus?: LitmusOptions;
  /**
   * Extra labels on every object.
   * @default none
   */
  readonly labels?: Record<string, string>;
  /**
   * Runs the experiment in another cluster: a {@link RemoteCluster} or its name.
   * @default this cluster
   */
  readonly remoteCluster?: RemoteCluster | string;
  /**
   * Allow a PhysicalMachineChaos (its object and the PhysicalMachine objects it selects) in
   * the protected chaos-mesh namespace, where Chaos Mesh's own examples keep them. Pods in
   * chaos-mesh stay protected: other kinds are refused with this opt-in.
   * @default false
   */
  readonly allowChaosMeshNamespace?: boolean;
}

/** Problems with what an experiment's or a workflow's props put into its objects' metadata. */
export function chaosObjectMetadataProblems(name: string, namespace: string, labels: Readonly<Record<string, string>> | undefined): Problem[] {
  return [
    ...nameProblems('name', name, { rule: 'dns-label', what: 'object name', fix: 'give a lower-case DNS-1123 name with props.name' }),
    ...namespaceProblems('namespace', namespace, { fix: 'give a valid namespace' }),
    ...labelsProblems('labels', labels),
    ...ownLabelProblems('labels', labels),
  ];
}

/** Problems with user labels that would replace the library's own (managed-by, part-of, and its label domain). */
export function ownLabelProblems(field: string, labels: Readonly<Record<string, string>> | undefined): Problem[] {
  return Object.keys(labels ?? {})
    .filter((k) => k === MANAGED_BY_LABEL || k in CHAOS_LABELS || k.split('/')[0].endsWith(LABEL_DOMAIN))
    .map((k) => ({
      field: `${field}.${k}`,
      problem: `label "${k}" is set by the library (the runtime finds its objects by it), and a value here would replace it`,
      fix: `drop "${k}" from labels, or use a label key of your own`,
    }));
}

/** The guardrail policy of an experiment, with the chaos-mesh opt-in of physical-machine faults applied. */
export function experimentPolicy(
  scope: Construct,
  props: GuardrailProps & { readonly allowChaosMeshNamespace?: boolean },
  action: ChaosAction,
): { policy: GuardrailPolicy; problems: Problem[] } {
  const base = resolvePolicy(scope, props);
  if (!props.allowChaosMeshNamespace) return { policy: base, problems: [] };
  if (action.kind !== 'PhysicalMachineChaos') {
    return {
      policy: base,
      problems: [
        {
          field: 'allowChaosMeshNamespace',
          problem: `the opt-in is only for PhysicalMachineChaos, not ${action.kind}: pods in ${CHAOS_MESH_NS} stay protected`,
          fix: 'drop allowChaosMeshNamespace',
        },
      ],
    };
  }
  return { policy: { ...base, protectedNamespaces: base.protectedNamespaces.filter((n) => n !== CHAOS_MESH_NS) }, problems: [] };
}

const CHAOS_MESH_NS = 'chaos-mesh';

/** The default namespace of chaos objects under `scope`. */
export function chaosNamespace(scope: Construct, explicit?: string): string {
  return explicit ?? chaosDefaults(scope).namespace ?? Chart.of(scope).namespace ?? 'chaos-testing';
}

/**
 * One chaos experiment: a Chaos Mesh object (or a `Schedule` of it), and where asked a
 * Litmus ChaosEngine with its RBAC. Guardrails (bounded duration, small blast radius,
 * protected namespaces, a real selection) are checked at synth; every problem is reported at once.
 */
export class ChaosExperiment extends Construct implements IApiObjectOwner, IChaosObjectOwner {
  /** The object name. */
  public readonly name: string;
  /** The namespace of the Chaos Mesh object. */
  public readonly namespace: string;
  /** The experiment as plain data. */
  public readonly definition: ExperimentDefinition;
  /** The Chaos Mesh chaos object, when not scheduled. */
  public readonly chaosObject?: ApiObject;
  /** The Chaos Mesh Schedule, when scheduled. */
  public readonly scheduleObject?: ApiObject;
  /** The Litmus ChaosEngine, when rendered for Litmus. */
  public readonly litmusEngine?: ApiObject;
  /** The Litmus ServiceAccount, Role and RoleBinding. */
  public readonly litmusRbac: ApiObject[] = [];
  /** The objects it emits, by kind, namespace and name (two constructs of an app may not emit one object). */
  public readonly objectIdentities: readonly ChaosObjectIdentity[];

  constructor(scope: Construct, id: string, props: ChaosExperimentProps) {
    super(scope, id);
    const problems = new Problems();
    this.name = props.name ?? id;
    this.namespace = chaosNamespace(this, props.namespace);
    problems.addAll('', chaosObjectMetadataProblems(this.name, this.namespace, props.labels));
    const unreadable = spanProblems({ duration: props.duration, maxDuration: props.maxDuration ?? chaosDefaults(this).maxDuration });
    if (unreadable.length > 0) {
      problems.addAll('', problemsAbout(`experiment "${this.name}"`, unreadable));
      problems.throwIfAny(this.node.path);
    }

    const { policy, problems: optInProblems } = experimentPolicy(this, props, props.action);
    problems.addAll('', problemsAbout(`experiment "${this.name}"`, [...optInProblems, ...remoteClusterProblems(props.remoteCluster)]));
    this.definition = experimentDefinition(this.name, props);
    problems.addAll('', experimentProblems(this.definition, policy));
    if (policy.protectedNamespaces.includes(this.namespace)) {
      problems.add(
        'namespace',
        `experiment "${this.name}" breaks rule protected-namespace: its objects would live in protected namespace "${this.namespace}"`,
        'put chaos objects in a namespace of their own, such as chaos-testing',
      );
    }
    if (props.schedule) {
      problems.addAll('', problemsAbout(`experiment "${this.name}"`, scheduleProblems(props.schedule, props.duration, false)));
      if (props.duration === undefined && !props.action.instantaneous && policy.allowUnboundedDuration) {
        problems.add(
          'duration',
          `experiment "${this.name}" breaks rule bounded-duration: a scheduled ${props.action.name} fault without a duration would never end, and with concurrencyPolicy Forbid every later run would be skipped`,
          'give a scheduled continuous fault a duration, such as Duration.minutes(5)',
        );
      }
    }
    const platform = props.platform ?? chaosDefaults(this).platform ?? ChaosPlatform.chaosMesh();
    if (platform.active === 'both') {
      problems.add(
        'platform',
        `experiment "${this.name}": ChaosPlatform.both() renders an active Chaos Mesh object and an active Litmus ChaosEngine, so applying them runs the ${props.action.name} fault twice`,
        'choose the tool that runs it: ChaosPlatform.chaosMeshWithLitmusStandby() or ChaosPlatform.litmusWithChaosMeshStandby() (the other is rendered inactive), or one tool alone',
      );
    }
    const litmus = platform.litmus
      ? renderLitmus(this.definition, {
          ...props.litmus,
          standby: platform.active === 'chaos-mesh',
          maxDurationMs: policy.maxDuration.toMilliseconds(),
        })
      : undefined;
    if (litmus) problems.addAll('', litmus.problems);
    if (platform.litmus && props.schedule) {
      problems.add(
        'schedule',
        `experiment "${this.name}": a Chaos Mesh Schedule cannot start a Litmus ChaosEngine, which would run once as soon as it is applied`,
        'schedule it with ChaosPlatform.chaosMesh(), or schedule the Litmus engine with a Litmus CronWorkflow',
      );
    }
    problems.throwIfAny(this.node.path);

    const labels = objectLabels(CHAOS_LABELS, props.labels);
    // On standby behind Litmus, the Chaos Mesh object is applied paused.
    const annotations = platform.active === 'litmus' ? { [CHAOS_MESH_PAUSE_ANNOTATION]: 'true' } : undefined;
    if (platform.chaosMesh) {
      const kind = props.action.kind;
      if (props.schedule) {
        const spec: ScheduleSpec = {
          ...props.schedule.toSpec(),
          type: kind,
          [embeddedKey(kind)]: experimentSpec(this.definition),
        };
        this.scheduleObject = new ApiObject(this, 'schedule', {
          apiVersion: CHAOS_MESH_API_VERSION,
          kind: 'Schedule',
          metadata: { name: this.name, namespace: this.namespace, labels, annotations },
          spec,
        });
      } else {
        this.chaosObject = new ApiObject(this, 'chaos', {
          apiVersion: CHAOS_MESH_API_VERSION,
          kind,
          metadata: { name: this.name, namespace: this.namespace, labels, annotations },
          spec: experimentSpec(this.definition),
        });
      }
    }
    if (litmus?.rendering) {
      const r = litmus.rendering;
      const withLabels = (o: Record<string, unknown>) => {
        const meta = o.metadata as { labels: Record<string, string> };
        return { ...o, metadata: { ...meta, labels: { ...meta.labels, ...(props.labels ?? {}) } } } as unknown as Record<string, unknown> & {
          apiVersion: string;
          kind: string;
          metadata: { name: string };
        };
      };
      this.litmusEngine = new ApiObject(this, 'litmus-engine', withLabels(r.engine));
      for (const o of r.rbac) {
        const obj = withLabels(o);
        this.litmusRbac.push(new ApiObject(this, `litmus-${obj.kind.toLowerCase()}`, obj));
      }
    }
    const ids: ChaosObjectIdentity[] = [];
    if (this.chaosObject) ids.push({ kind: props.action.kind, namespace: this.namespace, name: this.name, field: 'name', startsChaos: true });
    if (this.scheduleObject) ids.push({ kind: 'Schedule', namespace: this.namespace, name: this.name, field: 'name', startsChaos: true });
    if (litmus?.rendering) {
      const ns = litmus.rendering.namespace;
      ids.push({ kind: 'ChaosEngine', namespace: ns, name: this.name, field: 'name' });
      for (const o of litmus.rendering.rbac) {
        const meta = o.metadata as { name: string };
        ids.push({ kind: String(o.kind), namespace: ns, name: meta.name, field: 'litmus.serviceAccountName' });
      }
    }
    this.objectIdentities = ids;
    registerChaosObjects(this);
    setMainObject(this, this.apiObject);
  }

  /** The main object: the Chaos Mesh object (or its Schedule), else the Litmus ChaosEngine. */
  public get apiObject(): ApiObject {
    return (this.chaosObject ?? this.scheduleObject ?? this.litmusEngine)!;
  }

  /** Every object this experiment made, in creation order. */
  public get apiObjects(): ApiObject[] {
    return apiObjectsOf(this);
  }
}
