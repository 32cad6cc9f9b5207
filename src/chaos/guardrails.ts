/**
 * The guardrails every experiment is checked against, on plain data (no cdk8s is loaded).
 */
import type { Duration } from 'cdk8s';
import { nameProblems } from '../common/checks';
import type { Problem } from '../common/errors';
import { compactGoDuration, spelledGoDuration } from '../common/duration';
import type { RemoteCluster } from './machines';
import { ChaosAction, dropUndefined } from './actions';
import { ChaosMode } from './mode';
import { ChaosTarget, ChaosWorkload, resolveTarget } from './selector';

/** Namespaces no experiment may target: the control plane and the tools that observe and repair it. */
export const DEFAULT_PROTECTED_NAMESPACES: readonly string[] = ['kube-system', 'chaos-mesh', 'velero', 'monitoring'];

/** The default upper bound of an experiment's duration, in milliseconds (30 minutes). */
export const DEFAULT_MAX_DURATION_MS = 30 * 60 * 1000;

/** An experiment as plain data: what, to which pods, how many, for how long. */
export interface ExperimentDefinition {
  /** The object's name (used in messages). */
  readonly name: string;
  /** The fault. */
  readonly action: ChaosAction;
  /** The pods. */
  readonly target?: ChaosTarget;
  /** How many of the pods. */
  readonly mode: ChaosMode;
  /** How long. */
  readonly duration?: Duration;
  /**
   * Name of the RemoteCluster the experiment runs in.
   * @default this cluster
   */
  readonly remoteCluster?: string;
}

/** What an experiment's props say, as the guardrails read it. */
export interface ExperimentInput {
  readonly action: ChaosAction;
  readonly target?: ChaosTarget | ChaosWorkload;
  readonly mode?: ChaosMode;
  readonly duration?: Duration;
  readonly remoteCluster?: RemoteCluster | string;
}

/** An experiment's definition from its props: a workload target resolved, one pod by default. */
export function experimentDefinition(name: string, input: ExperimentInput): ExperimentDefinition {
  return {
    name,
    action: input.action,
    target: resolveTarget(input.target),
    mode: input.mode ?? ChaosMode.one(),
    duration: input.duration,
    remoteCluster: remoteClusterName(input.remoteCluster),
  };
}

/** The limits every experiment is checked against. */
export interface GuardrailPolicy {
  /** The longest allowed duration. */
  readonly maxDuration: Duration;
  /** True to allow `all`, 100% and whole-namespace partitions. */
  readonly allowFullBlastRadius: boolean;
  /**
   * True to allow a continuous fault without a duration (it lasts until its object is
   * deleted). Instantaneous faults never need one.
   * @default false
   */
  readonly allowUnboundedDuration?: boolean;
  /** Namespaces that can never be targeted. */
  readonly protectedNamespaces: readonly string[];
}

/** The rules, by id, as they appear in messages. */
export const GUARDRAIL_RULES = {
  durationRequired: 'bounded-duration',
  durationMax: 'max-duration',
  blastRadius: 'small-blast-radius',
  partition: 'namespace-partition',
  protectedNamespace: 'protected-namespace',
  selectsSomething: 'selects-something',
} as const;

/** Every guardrail problem of one experiment, plus its action's and target's own problems. */
export function experimentProblems(def: ExperimentDefinition, policy: GuardrailPolicy): Problem[] {
  const out: Problem[] = [];
  const rule = (field: string, id: string, problem: string, fix: string) =>
    out.push({ field, problem: `experiment "${def.name}" breaks rule ${id}: ${problem}`, fix });
  const plain = (field: string, problem: string, fix: string) => out.push({ field, problem: `experiment "${def.name}": ${problem}`, fix });

  for (const p of [...def.action.problems, ...def.mode.problems('mode')]) plain(p.field, p.problem, p.fix);

  // duration
  if (def.duration === undefined) {
    if (!def.action.instantaneous && !policy.allowUnboundedDuration) {
      rule(
        'duration',
        GUARDRAIL_RULES.durationRequired,
        `no duration is set, so the ${def.action.name} fault would last until someone deletes it`,
        'set duration, such as Duration.minutes(5), or opt in with allowUnboundedDuration: true if it should last until deleted',
      );
    }
  } else if (def.duration.toMilliseconds() <= 0) {
    rule('duration', GUARDRAIL_RULES.durationRequired, 'the duration is zero', 'set a positive duration, such as Duration.minutes(5)');
  } else if (def.duration.toMilliseconds() > policy.maxDuration.toMilliseconds()) {
    rule(
      'duration',
      GUARDRAIL_RULES.durationMax,
      `${compactGoDuration(def.duration)} is longer than the maximum of ${compactGoDuration(policy.maxDuration)}`,
      'shorten the experiment, or raise maxDuration if a longer one is intended',
    );
  }

  // selection (a physical-machine fault may name chaosd addresses instead; a cloud fault names its instance)
  const addresses = (def.action.fields.address as string[] | undefined) ?? [];
  if (!def.action.selectsPods) {
    if (def.target)
      plain(
        'target',
        `${def.action.kind} acts on the cloud resource its action names and selects no pods, so the target would be ignored`,
        'drop target (the action names the instance)',
      );
    if (def.mode.mode !== 'one' || def.mode.value !== undefined)
      plain('mode', `${def.action.kind} acts on one named resource and takes no mode`, 'drop mode');
  } else if (!def.target && addresses.length > 0) {
    // selected by address
  } else if (!def.target) {
    rule(
      'target',
      GUARDRAIL_RULES.selectsSomething,
      'no target is set, so it selects no pods',
      'set target, such as ChaosTarget.labels("team-alpha", { app: "demo-app" }) or ChaosTarget.workload(deployment)',
    );
  } else {
    for (const p of def.target.problems('target')) rule(p.field, GUARDRAIL_RULES.selectsSomething, p.problem, p.fix);
  }

  // blast radius
  if (def.action.selectsPods && def.mode.coversAllPods && !policy.allowFullBlastRadius) {
    rule(
      'mode',
      GUARDRAIL_RULES.blastRadius,
      `mode "${def.mode.mode}"${def.mode.value !== undefined ? ` ${def.mode.value}%` : ''} hits every selected pod`,
      'start small with ChaosMode.one() or a percentage below 100, or opt in with allowFullBlastRadius: true',
    );
  }
  const partition = def.action.partition;
  if (partition && !policy.allowFullBlastRadius) {
    const everything = !partition.peers && !partition.rawPeers && partition.externalTargets.length === 0;
    const what = everything
      ? 'cuts the pods off from everything (it names neither peers nor external targets)'
      : def.target?.coversWholeNamespaces
        ? 'partitions a whole namespace'
        : partition.peers?.coversWholeNamespaces
          ? 'partitions the pods from a whole namespace'
          : undefined;
    if (what)
      rule(
        'action',
        GUARDRAIL_RULES.partition,
        `the partition ${what}`,
        'partition selected pods from selected peers (labels) or external targets, or opt in with allowFullBlastRadius: true',
      );
  }

  // protected namespaces: the selected pods, and the peers their traffic goes to or comes from
  const reached: Array<readonly [string, string]> = [
    ...(def.target?.namespacesTargeted ?? []).map((ns) => ['target', ns] as const),
    ...def.action.peerNamespaces.map((ns) => ['action.peers', ns] as const),
  ];
  const seen = new Set<string>();
  for (const [field, ns] of reached) {
    if (seen.has(`${field}|${ns}`) || !policy.protectedNamespaces.includes(ns)) continue;
    seen.add(`${field}|${ns}`);
    rule(
      field,
      GUARDRAIL_RULES.protectedNamespace,
      field === 'target'
        ? `namespace "${ns}" is protected and can never be targeted`
        : `the peers are in namespace "${ns}", which is protected: the fault would hit its traffic too`,
      field === 'target' ? `target an application namespace instead of "${ns}"` : `choose peers in an application namespace instead of "${ns}"`,
    );
  }
  return out;
}

/**
 * The Chaos Mesh spec of an experiment: the action's fields, the selector, the mode and
 * (unless `withDuration` is false, as inside a workflow where the deadline bounds it) the duration.
 */
export function experimentSpec(def: ExperimentDefinition, withDuration = true): Record<string, unknown> {
  return dropUndefined({
    ...def.action.fields,
    ...(def.action.selectsPods ? { selector: def.target?.toSpec() ?? {}, ...def.mode.toSpec() } : {}),
    duration: withDuration && def.duration ? spelledGoDuration(def.duration) : undefined,
    remoteCluster: def.remoteCluster,
  }) as Record<string, unknown>;
}

/** The name of a remote cluster given as a construct or a name. */
export function remoteClusterName(r: RemoteCluster | string | undefined): string | undefined {
  return r === undefined || typeof r === 'string' ? r : r.name;
}

/** Problems with a remote-cluster reference. */
export function remoteClusterProblems(r: RemoteCluster | string | undefined): Problem[] {
  const name = remoteClusterName(r);
  if (name === undefined) return [];
  return nameProblems('remoteCluster', name, { what: 'remote cluster name', fix: 'give the name of a RemoteCluster object' });
}
