import type { Duration } from 'cdk8s';
import { LIBRARY_LABELS, objectLabels } from '../common/conventions';
import { spelledGoDuration } from '../common/duration';
import { nameProblems } from '../common/checks';
import { Problem, problemsAbout } from '../common/errors';
import { httpUrlProblems } from '../common/net';
import { spanProblems } from './units';
import { ExperimentDefinition } from './guardrails';
import { CHAOS_LABELS } from './types';

/** When a Litmus probe runs, relative to the fault. */
export class LitmusProbeMode {
  /** Before the fault (start of test). */
  public static startOfTest(): LitmusProbeMode {
    return new LitmusProbeMode('SOT');
  }
  /** After the fault (end of test). */
  public static endOfTest(): LitmusProbeMode {
    return new LitmusProbeMode('EOT');
  }
  /** Before and after. */
  public static edge(): LitmusProbeMode {
    return new LitmusProbeMode('Edge');
  }
  /** Throughout the experiment. */
  public static continuous(): LitmusProbeMode {
    return new LitmusProbeMode('Continuous');
  }
  /** Only while the fault is active. */
  public static onChaos(): LitmusProbeMode {
    return new LitmusProbeMode('OnChaos');
  }

  private constructor(
    /** The `mode` field. */
    public readonly value: string,
  ) {}
}

/** Timing of a Litmus probe. */
export interface LitmusProbeTiming {
  /**
   * When the probe runs.
   * @default LitmusProbeMode.continuous() for HTTP probes, LitmusProbeMode.edge() for the pods-present probe
   */
  readonly mode?: LitmusProbeMode;
  /**
   * Timeout of one attempt.
   * @default 5s
   */
  readonly timeout?: Duration;
  /**
   * Time between attempts.
   * @default 2s
   */
  readonly interval?: Duration;
  /**
   * Attempts before the probe fails.
   * @default 1
   */
  readonly retry?: number;
}

/** What the target namespace and selector are, for probes derived from the target. */
export interface LitmusProbeContext {
  /** The application namespace. */
  readonly namespace: string;
  /** The label selector string of the target pods. */
  readonly labelSelector: string;
}

/**
 * A steady-state check that Litmus runs with the fault. Litmus 3 requires at least one
 * per fault; without one, the experiment gets {@link LitmusProbe.podsPresent}.
 */
export class LitmusProbe {
  /** An HTTP GET that must answer `expectStatus`. */
  public static http(options: LitmusProbeTiming & { readonly name: string; readonly url: string; readonly expectStatus?: number }): LitmusProbe {
    const problems: Problem[] = [
      ...httpUrlProblems('url', options.url, {
        what: 'probe URL',
        fix: 'give the full URL the probe requests, such as http://demo-app.team-alpha.svc:8080/health',
      }),
      ...timingProblems(options),
    ];
    const code = options.expectStatus;
    if (code !== undefined && !(Number.isInteger(code) && code >= 100 && code <= 599))
      problems.push({ field: 'expectStatus', problem: `${code} is not an HTTP status code`, fix: 'give a code such as 200' });
    return new LitmusProbe(options.name, problems, () => ({
      name: options.name,
      type: 'httpProbe',
      'httpProbe/inputs': { url: options.url, method: { get: { criteria: '==', responseCode: String(options.expectStatus ?? 200) } } },
      mode: (options.mode ?? LitmusProbeMode.continuous()).value,
      runProperties: runProperties(options),
    }));
  }

  /** The target's pods must exist (checked before and after the fault). */
  public static podsPresent(options: LitmusProbeTiming & { readonly name?: string } = {}): LitmusProbe {
    const name = options.name ?? 'target-pods-present';
    return new LitmusProbe(name, timingProblems(options), (ctx) => ({
      name,
      type: 'k8sProbe',
      'k8sProbe/inputs': {
        group: '',
        version: 'v1',
        resource: 'pods',
        namespace: ctx.namespace,
        labelSelector: ctx.labelSelector,
        operation: 'present',
      },
      mode: (options.mode ?? LitmusProbeMode.edge()).value,
      runProperties: runProperties(options),
    }));
  }

  /** Any probe, written as in the ChaosEngine (the escape hatch for cmd, prom and slo probes). */
  public static of(raw: Record<string, unknown> & { readonly name: string }): LitmusProbe {
    return new LitmusProbe(raw.name, [], () => ({ ...raw }));
  }

  private constructor(
    /** The probe's name. */
    public readonly name: string,
    /** Problems with the probe's options (fields relative to the probe), reported by the experiment that uses it. */
    public readonly problems: readonly Problem[],
    private readonly render: (ctx: LitmusProbeContext) => Record<string, unknown>,
  ) {}

  /** The probe as it appears in the ChaosEngine. */
  public toSpec(ctx: LitmusProbeContext): Record<string, unknown> {
    return this.render(ctx);
  }
}

function timingProblems(t: LitmusProbeTiming): Problem[] {
  const out: Problem[] = [];
  for (const [n, d] of [
    ['timeout', t.timeout],
    ['interval', t.interval],
  ] as const) {
    const unreadable = spanProblems({ [n]: d });
    out.push(...unreadable);
    if (d !== undefined && unreadable.length === 0 && !(d.toMilliseconds() > 0))
      out.push({ field: n, problem: `the ${n} is ${d.toMilliseconds()}ms`, fix: `give a positive ${n}, such as Duration.seconds(2)` });
  }
  if (t.retry !== undefined && !(Number.isInteger(t.retry) && t.retry >= 0))
    out.push({ field: 'retry', problem: `${t.retry} is not a whole number of retries`, fix: 'give 0 or more retries' });
  return out;
}

function runProperties(t: LitmusProbeTiming): Record<string, unknown> {
  const go = (d: Duration | undefined, dflt: string) => (d ? spelledGoDuration(d) : dflt);
  return { probeTimeout: go(t.timeout, '5s'), interval: go(t.interval, '2s'), retry: t.retry ?? 1 };
}

/** Options of the Litmus rendering. */
export interface LitmusOptions {
  /**
   * Steady-state probes (Litmus 3 requires at least one).
   * @default [LitmusProbe.podsPresent()]
   */
  readonly probes?: LitmusProbe[];
  /**
   * Whether Litmus deletes its experiment jobs afterwards.
   * @default 'delete'
   */
  readonly jobCleanUpPolicy?: 'delete' | 'retain';
  /**
   * Name of the generated service account (and its Role and RoleBinding).
   * @default `<experiment name>-sa`
   */
  readonly serviceAccountName?: string;
  /**
   * Extra tunables, added to (or overriding) the fault's own. The ones the experiment's
   * props own cannot be set here: `TOTAL_CHAOS_DURATION` (set `duration`),
   * `PODS_AFFECTED_PERC` (set `mode`) and `APP_NAMESPACE`/`APP_LABEL`/`APP_KIND` (set
   * `target`). Other durations (`RAMP_TIME`, `CHAOS_INTERVAL`, any `..._DURATION`) are whole
   * seconds and stay within `maxDuration`.
   * @default none
   */
  readonly env?: Record<string, string>;
}

/** The Litmus objects of one experiment, as plain manifests. */
export interface LitmusRendering {
  /** The application namespace (where the engine and its service account live). */
  readonly namespace: string;
  /** ChaosEngine. */
  readonly engine: Record<string, unknown>;
  /** ServiceAccount, Role and RoleBinding for the experiment. */
  readonly rbac: Array<Record<string, unknown>>;
  /** The tunables, in order. */
  readonly env: Array<{ name: string; value: string }>;
}

/** The permissions Litmus's generic pod faults need in the application namespace. */
export const LITMUS_ROLE_RULES: ReadonlyArray<Record<string, string[]>> = [
  { apiGroups: [''], resources: ['pods'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'deletecollection'] },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'get', 'list', 'patch', 'update'] },
  { apiGroups: [''], resources: ['configmaps', 'secrets', 'services'], verbs: ['get', 'list'] },
  { apiGroups: [''], resources: ['pods/log'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['pods/exec'], verbs: ['get', 'list', 'create'] },
  { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'replicasets', 'daemonsets'], verbs: ['get', 'list'] },
  { apiGroups: ['batch'], resources: ['jobs'], verbs: ['create', 'get', 'list', 'delete', 'deletecollection'] },
  {
    apiGroups: ['litmuschaos.io'],
    resources: ['chaosengines', 'chaosexperiments', 'chaosresults'],
    verbs: ['create', 'get', 'list', 'patch', 'update', 'delete'],
  },
];

/**
 * Renders an experiment as a Litmus ChaosEngine with its service account and RBAC, or
 * returns why it cannot be; with `standby` the engine is stopped. Pure: plain data in, plain data out.
 */
export function renderLitmus(
  def: ExperimentDefinition,
  options: LitmusOptions & { readonly standby?: boolean; readonly maxDurationMs?: number } = {},
): { rendering?: LitmusRendering; problems: Problem[] } {
  const problems: Problem[] = [];
  const add = (field: string, problem: string, fix: string) =>
    problems.push({ field, problem: `experiment "${def.name}" cannot run on Litmus: ${problem}`, fix });
  const fault = def.action.litmus;
  if (!fault) {
    add(
      'platform',
      `the ${def.action.name} fault has no Litmus equivalent (${def.action.litmusGap})`,
      'render this experiment with ChaosPlatform.chaosMesh()',
    );
  }
  const target = def.target;
  const namespaces = target?.namespacesTargeted ?? [];
  if (target && namespaces.length !== 1) {
    add('target', `Litmus targets one application namespace, but the target reaches ${namespaces.length}`, 'target pods of a single namespace');
  }
  const p = target?.props;
  if (
    target &&
    (Object.keys(p?.labels ?? {}).length === 0 ||
      (p?.expressions?.length ?? 0) > 0 ||
      p?.pods ||
      p?.annotations ||
      p?.fields ||
      p?.nodes ||
      p?.nodeSelectors ||
      p?.podPhases)
  ) {
    add('target', 'Litmus selects pods by labels only', 'target the pods by labels (ChaosTarget.labels or a workload without match expressions)');
  }
  const pct = def.mode.affectedPercent;
  if (def.mode.mode === 'fixed') {
    add('mode', 'Litmus sets the share of pods as a percentage, not a count', 'use ChaosMode.one() or a percentage mode');
  }
  if (options.serviceAccountName !== undefined) {
    problems.push(
      ...problemsAbout(
        `experiment "${def.name}"`,
        nameProblems('litmus.serviceAccountName', options.serviceAccountName, {
          what: 'service account name',
          fix: 'name the service account with lower-case letters, digits, "-" and "."',
        }),
      ),
    );
  }
  const about = (ps: Problem[]) => problems.push(...problemsAbout(`experiment "${def.name}"`, ps));
  about(litmusEnvProblems(options.env, options.maxDurationMs ?? 30 * 60 * 1000));
  const probeNames = new Set<string>();
  (options.probes ?? []).forEach((pr, i) => {
    const at = `litmus.probes[${i}]`;
    if (!pr.name || /\s/.test(pr.name))
      about([
        {
          field: `${at}.name`,
          problem: `probe name "${pr.name ?? ''}" is empty or holds whitespace`,
          fix: 'name each probe, such as "checkout-health"',
        },
      ]);
    else if (probeNames.has(pr.name))
      about([{ field: `${at}.name`, problem: `probe name "${pr.name}" is used twice`, fix: 'give each probe its own name' }]);
    probeNames.add(pr.name);
    about(pr.problems.map((q) => ({ ...q, field: `${at}.${q.field}` })));
  });
  if (!fault || !target || problems.length > 0) return { problems };

  const namespace = namespaces[0];
  const labelSelector = target.labelSelectorString();
  const sa = options.serviceAccountName ?? `${def.name}-sa`;
  const envMap: Record<string, string> = {
    TOTAL_CHAOS_DURATION: String(def.duration ? Math.max(1, Math.round(def.duration.toMilliseconds() / 1000)) : 30),
    ...(pct !== undefined ? { PODS_AFFECTED_PERC: String(pct) } : {}),
    ...fault.env,
    ...(options.env ?? {}),
  };
  const env = Object.entries(envMap).map(([name, value]) => ({ name, value }));
  const probes = (options.probes && options.probes.length > 0 ? options.probes : [LitmusProbe.podsPresent()]).map((pr) =>
    pr.toSpec({ namespace, labelSelector }),
  );
  const appkind =
    target.workloadKind && ['deployment', 'statefulset', 'daemonset'].includes(target.workloadKind) ? target.workloadKind : 'deployment';
  const labels = objectLabels({ ...CHAOS_LABELS, [LIBRARY_LABELS.chaosExperiment]: def.name });
  const engine = {
    apiVersion: 'litmuschaos.io/v1alpha1',
    kind: 'ChaosEngine',
    metadata: { name: def.name, namespace, labels },
    spec: {
      // On standby behind Chaos Mesh, the engine is applied stopped: one tool runs the fault.
      engineState: options.standby ? 'stop' : 'active',
      appinfo: { appns: namespace, applabel: labelSelector, appkind },
      chaosServiceAccount: sa,
      jobCleanUpPolicy: options.jobCleanUpPolicy ?? 'delete',
      experiments: [{ name: fault.name, spec: { components: { env }, probe: probes } }],
    },
  };
  const rbac = [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa, namespace, labels } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: sa, namespace, labels },
      rules: LITMUS_ROLE_RULES.map((r) => ({ ...r })),
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: sa, namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: sa },
      subjects: [{ kind: 'ServiceAccount', name: sa, namespace }],
    },
  ];
  return { rendering: { namespace, engine, rbac, env }, problems };
}

/** Tunables the experiment's props own, with the prop that sets each. */
export const LITMUS_OWNED_ENV: Readonly<Record<string, string>> = {
  TOTAL_CHAOS_DURATION: 'duration',
  PODS_AFFECTED_PERC: 'mode',
  APP_NAMESPACE: 'target',
  APP_LABEL: 'target',
  APP_KIND: 'target',
};

/**
 * Problems with extra Litmus tunables: names must be environment-variable names; the
 * tunables the props own are refused (they would bypass the guardrails); durations
 * (`RAMP_TIME`, `CHAOS_INTERVAL`, `..._DURATION`) must be whole seconds within `maxDurationMs`.
 */
export function litmusEnvProblems(env: Readonly<Record<string, string>> | undefined, maxDurationMs: number): Problem[] {
  const out: Problem[] = [];
  for (const [name, value] of Object.entries(env ?? {})) {
    const field = `litmus.env.${name}`;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      out.push({ field, problem: `"${name}" is not an environment variable name`, fix: 'use letters, digits and "_", not starting with a digit' });
      continue;
    }
    if (typeof value !== 'string') {
      out.push({ field, problem: `the value of ${name} is not a string`, fix: 'give the value as a string' });
      continue;
    }
    const owner = LITMUS_OWNED_ENV[name.toUpperCase()];
    if (owner) {
      out.push({
        field,
        problem: `${name} is set from the experiment's ${owner}, and setting it here would bypass the ${owner === 'duration' ? 'maximum duration' : owner === 'mode' ? 'blast-radius rule' : 'protected-namespace rule'}`,
        fix: `drop ${name} from litmus.env and set the experiment's ${owner}`,
      });
      continue;
    }
    if (/(^|_)(DURATION|RAMP_TIME|CHAOS_INTERVAL)$/i.test(name)) {
      if (!/^[0-9]+$/.test(value.trim())) {
        out.push({
          field,
          problem: `${name} is "${value}", but Litmus reads it as whole seconds`,
          fix: `give ${name} as a whole number of seconds, such as "60"`,
        });
      } else if (Number(value) * 1000 > maxDurationMs) {
        out.push({
          field,
          problem: `${name} is ${value}s, longer than the maximum duration of ${maxDurationMs / 1000}s`,
          fix: 'shorten it, or raise maxDuration if a longer experiment is intended',
        });
      }
    }
  }
  return out;
}
