import type { Construct, IConstruct } from 'constructs';
import type { Problem } from '../common/errors';
import { annotationsProblems, labelRequirementsProblems, labelsProblems, nameProblems, namespaceProblems } from '../common/checks';

/** A label-selector requirement (`key`, `operator`, `values`), as in Kubernetes. */
export interface SelectorExpression {
  /** The label key. */
  readonly key: string;
  /** `In`, `NotIn`, `Exists` or `DoesNotExist`. */
  readonly operator: string;
  /**
   * The values, for `In` and `NotIn`.
   * @default none
   */
  readonly values?: string[];
}

/** The parts of a Chaos Mesh pod selector, as plain data. */
export interface ChaosSelectorProps {
  /** Namespaces the pods live in. At least one is required: an experiment never relies on an implicit namespace. */
  readonly namespaces: string[];
  /**
   * Pod labels that must all match.
   * @default none
   */
  readonly labels?: Record<string, string>;
  /**
   * Label-selector requirements that must all hold.
   * @default none
   */
  readonly expressions?: SelectorExpression[];
  /**
   * Pod annotations that must all match.
   * @default none
   */
  readonly annotations?: Record<string, string>;
  /**
   * Pod field selectors (`metadata.name`, `status.phase`, ...).
   * @default none
   */
  readonly fields?: Record<string, string>;
  /**
   * Pod phases to match (`Running`, `Pending`, ...).
   * @default all phases
   */
  readonly podPhases?: string[];
  /**
   * Node labels: only pods on matching nodes.
   * @default any node
   */
  readonly nodeSelectors?: Record<string, string>;
  /**
   * Node names: only pods on these nodes.
   * @default any node
   */
  readonly nodes?: string[];
  /**
   * Explicit pods, by namespace.
   * @default none
   */
  readonly pods?: Record<string, string[]>;
  /**
   * PhysicalMachine objects by namespace (PhysicalMachineChaos only).
   * @default none
   */
  readonly physicalMachines?: Record<string, string[]>;
}

/** The minimal shape of a cdk8s-plus workload that a target can be derived from. */
export interface ChaosWorkload extends Construct {
  /** The workload's metadata (its namespace). */
  readonly metadata: { readonly namespace?: string; readonly name?: string };
  /** Labels its pod selector matches. */
  readonly matchLabels: Record<string, string>;
  /** Label requirements its pod selector holds. */
  readonly matchExpressions: ReadonlyArray<{ readonly key: string; readonly operator: string; readonly values?: string[] }>;
  /** The API resource (`deployments`, `statefulsets`, ...). */
  readonly resourceType: string;
}

/**
 * The namespace of the chart a construct is in (as `Chart.of(c).namespace`, without loading
 * cdk8s: a chart carries cdk8s' chart marker).
 */
function chartNamespace(c: IConstruct): string | undefined {
  for (let s: IConstruct | undefined = c; s; s = s.node.scope) {
    if (Symbol.for('cdk8s.Chart') in s) return (s as { readonly namespace?: string }).namespace;
  }
  return undefined;
}

const POD_PHASES: readonly string[] = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'];

/** Resolves a target given as a ChaosTarget or as a cdk8s-plus workload. */
export function resolveTarget(target: ChaosTarget | ChaosWorkload | undefined): ChaosTarget | undefined {
  if (target === undefined || target instanceof ChaosTarget) return target;
  return ChaosTarget.workload(target);
}

/**
 * The pods an experiment acts on. Build one from labels, expressions, explicit pods,
 * whole namespaces, or a cdk8s-plus workload.
 */
export class ChaosTarget {
  /** Pods with all of `labels` in `namespace`. */
  public static labels(namespace: string, labels: Record<string, string>): ChaosTarget {
    return new ChaosTarget({ namespaces: [namespace], labels });
  }

  /** Pods matching every requirement in `namespace`. */
  public static expressions(namespace: string, expressions: SelectorExpression[]): ChaosTarget {
    return new ChaosTarget({ namespaces: [namespace], expressions });
  }

  /** The named pods in `namespace`. */
  public static pods(namespace: string, names: string[]): ChaosTarget {
    return new ChaosTarget({ namespaces: [namespace], pods: { [namespace]: names } });
  }

  /**
   * Every pod of the given namespaces. This is a whole-namespace target: the experiment's
   * mode still limits how many pods are hit, and a partition of it needs the full-blast-radius opt-in.
   */
  public static namespaces(...namespaces: string[]): ChaosTarget {
    return new ChaosTarget({ namespaces }, undefined, true);
  }

  /**
   * The named PhysicalMachine objects in `namespace`, for a PhysicalMachineChaos
   * (`ChaosAction.physicalMachine(...)`). Select them by labels with `ChaosTarget.labels`.
   */
  public static physicalMachines(namespace: string, names: string[]): ChaosTarget {
    return new ChaosTarget({ namespaces: [namespace], physicalMachines: { [namespace]: names } });
  }

  /** Any combination of selector parts. */
  public static selector(props: ChaosSelectorProps): ChaosTarget {
    return new ChaosTarget(props);
  }

  /**
   * The pods of a cdk8s-plus workload (Deployment, StatefulSet, DaemonSet, ...): its
   * namespace (or its chart's) and its pod selector.
   */
  public static workload(workload: ChaosWorkload): ChaosTarget {
    const namespace = workload.metadata.namespace ?? chartNamespace(workload);
    const kind = workload.resourceType.replace(/s$/, '');
    return new ChaosTarget(
      {
        namespaces: namespace ? [namespace] : [],
        labels: { ...workload.matchLabels },
        expressions: workload.matchExpressions.map((e) => ({ key: e.key, operator: e.operator, values: e.values ? [...e.values] : undefined })),
      },
      kind,
    );
  }

  private constructor(
    /** The selector parts. */
    public readonly props: ChaosSelectorProps,
    /** The workload kind (`deployment`, ...) when derived from a workload. */
    public readonly workloadKind?: string,
    /** True when built with {@link ChaosTarget.namespaces}: every pod of the namespaces on purpose. */
    public readonly wholeNamespace = false,
  ) {}

  /** The namespaces this target reaches (selector namespaces and those of explicit pods). */
  public get namespacesTargeted(): string[] {
    return [...new Set([...this.props.namespaces, ...Object.keys(this.props.pods ?? {}), ...Object.keys(this.props.physicalMachines ?? {})])];
  }

  /** True when nothing narrows the selection below whole namespaces. */
  public get coversWholeNamespaces(): boolean {
    const p = this.props;
    const narrow =
      Object.keys(p.labels ?? {}).length +
      (p.expressions?.length ?? 0) +
      Object.keys(p.annotations ?? {}).length +
      Object.keys(p.fields ?? {}).length +
      Object.keys(p.pods ?? {}).length +
      (p.nodes?.length ?? 0) +
      Object.keys(p.nodeSelectors ?? {}).length +
      (p.podPhases?.length ?? 0) +
      Object.keys(p.physicalMachines ?? {}).length;
    return narrow === 0;
  }

  /** Problems with this target. */
  public problems(field: string): Problem[] {
    const out: Problem[] = [];
    const p = this.props;
    if (this.namespacesTargeted.length === 0) {
      out.push({
        field: `${field}.namespaces`,
        problem: 'the target names no namespace, so it selects nothing predictable',
        fix: 'give the namespace of the pods to target (a workload without a namespace needs a chart namespace)',
      });
    }
    for (const ns of this.namespacesTargeted) out.push(...namespaceProblems(`${field}.namespaces`, ns, { fix: 'use a valid namespace name' }));
    if (this.coversWholeNamespaces && !this.wholeNamespace) {
      out.push({
        field,
        problem: 'the target has no labels, expressions, pods or other criteria, so it selects nothing specific',
        fix: 'select pods by labels, expressions, names or a workload, or target whole namespaces on purpose with ChaosTarget.namespaces()',
      });
    }
    for (const [ns, names] of Object.entries(p.pods ?? {})) {
      if (names.length === 0)
        out.push({ field: `${field}.pods.${ns}`, problem: 'the pod list is empty, so it selects nothing', fix: 'name at least one pod' });
      names.forEach((n, i) => out.push(...nameProblems(`${field}.pods.${ns}[${i}]`, n, { what: 'pod name', fix: 'name existing pods' })));
    }
    for (const [ns, names] of Object.entries(p.physicalMachines ?? {})) {
      if (names.length === 0)
        out.push({
          field: `${field}.physicalMachines.${ns}`,
          problem: 'the machine list is empty, so it selects nothing',
          fix: 'name at least one PhysicalMachine',
        });
      names.forEach((n, i) =>
        out.push(
          ...nameProblems(`${field}.physicalMachines.${ns}[${i}]`, n, { what: 'PhysicalMachine name', fix: 'name existing PhysicalMachine objects' }),
        ),
      );
    }
    (p.podPhases ?? []).forEach((phase, i) => {
      if (!POD_PHASES.includes(phase))
        out.push({ field: `${field}.podPhases[${i}]`, problem: `"${phase}" is not a pod phase`, fix: `use ${POD_PHASES.join(', ')}` });
    });
    (p.nodes ?? []).forEach((n, i) => out.push(...nameProblems(`${field}.nodes[${i}]`, n, { what: 'node name', fix: 'name existing nodes' })));
    out.push(...labelsProblems(`${field}.labels`, p.labels, { fix: 'use a valid Kubernetes label' }));
    out.push(...labelsProblems(`${field}.nodeSelectors`, p.nodeSelectors, { fix: 'use a valid Kubernetes label' }));
    out.push(...annotationsProblems(`${field}.annotations`, p.annotations));
    out.push(...labelRequirementsProblems(`${field}.expressions`, p.expressions));
    return out;
  }

  /** The Chaos Mesh `selector` object. */
  public toSpec(): Record<string, unknown> {
    const p = this.props;
    const nonEmpty = <T>(v: T | undefined, n: number): T | undefined => (n > 0 ? v : undefined);
    const spec: Record<string, unknown> = {
      namespaces: [...p.namespaces],
      labelSelectors: nonEmpty(p.labels, Object.keys(p.labels ?? {}).length),
      expressionSelectors: nonEmpty(
        p.expressions?.map((e) => (e.values ? { key: e.key, operator: e.operator, values: [...e.values] } : { key: e.key, operator: e.operator })),
        p.expressions?.length ?? 0,
      ),
      annotationSelectors: nonEmpty(p.annotations, Object.keys(p.annotations ?? {}).length),
      fieldSelectors: nonEmpty(p.fields, Object.keys(p.fields ?? {}).length),
      podPhaseSelectors: nonEmpty(p.podPhases, p.podPhases?.length ?? 0),
      nodeSelectors: nonEmpty(p.nodeSelectors, Object.keys(p.nodeSelectors ?? {}).length),
      nodes: nonEmpty(p.nodes, p.nodes?.length ?? 0),
      pods: nonEmpty(p.pods, Object.keys(p.pods ?? {}).length),
      physicalMachines: nonEmpty(p.physicalMachines, Object.keys(p.physicalMachines ?? {}).length),
    };
    return Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined));
  }

  /** The label selector as a Kubernetes selector string (`app=demo-app,tier=web`), for Litmus and probes. */
  public labelSelectorString(): string {
    return Object.entries(this.props.labels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
  }
}
