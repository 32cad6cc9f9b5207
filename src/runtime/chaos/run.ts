/**
 * `chaos run`: one experiment, measured. The steps:
 *
 * 1. read the experiment from the file and apply the run-time guardrails (nothing is
 *    created when one is broken); check that Prometheus answers and that no experiment of
 *    that name exists;
 * 2. measure the steady state for `steadyStateMs`, then check the abort condition once (an
 *    SLO already paging means no experiment);
 * 3. create the experiment and follow it by watch: `Selected`, `AllInjected`, the records
 *    per pod, until `AllRecovered` after the duration (or its deletion);
 * 4. while the fault is injected, poll the abort condition (a selected SLO's page alert
 *    firing, or the error rate above `abortErrorRate`); on abort, pause the experiment at
 *    once (Chaos Mesh's pause annotation) and delete it unless `keep`;
 * 5. delete what it created unless `keep`; measure the after phase for `recoveryMs`;
 * 6. read the three phases as range series from Prometheus, and give the verdict;
 * 7. keep the report as JSON in a ConfigMap beside the experiment (`chaos report NAME`).
 *
 * An interrupt (the `interrupt` promise settles, e.g. on SIGINT) deletes the experiment at
 * once, waits until the target's Deployments are Ready again, and ends the run undecided.
 */
import { CHAOS_MESH_PAUSE_ANNOTATION } from '../../chaos/types';
import { LIBRARY_LABELS, objectLabels } from '../../common/conventions';
import { CONFIGMAPS, DEPLOYMENTS, PODS } from '../cluster/resources';
import { Cluster, ClusterError, KubeObject, ResourceType, WatchHandle } from '../cluster/types';
import { waitFor } from '../cluster/wait';
import { PrometheusApi } from '../prometheus';
import { exitCodeOf, Report, REPORT_SCHEMA, Section, Table } from '../report/model';
import { pct } from '../slo/status';
import { SloTarget } from '../slo/targets';
import {
  EXPERIMENT_TYPES,
  ExperimentError,
  experimentAction,
  experimentDurationMs,
  pickExperiment,
  RUNTIME_MAX_DURATION_MS,
  runtimeGuardrailProblems,
  RuntimeGuardrailOptions,
} from './experiment';
import { ChaosMeasurements, ChaosMetricOptions, chaosMetricQueries, ChaosTimeline, collectChaosMeasurements } from './metrics';
import { AbortDecision, ChaosExperimentInfo, chaosReport, chaosVerdict, pollAbort, TargetFacts } from './verdict';

/** Chaos Mesh's pause annotation. */
export const PAUSE_ANNOTATION = CHAOS_MESH_PAUSE_ANNOTATION;
/** The label of the ConfigMaps that keep past runs. */
export const RUN_LABEL = LIBRARY_LABELS.chaosRun;
/** The ConfigMap key holding a run's report. */
export const RUN_REPORT_KEY = 'report.json';

/** The ConfigMap name of a run. */
export function runConfigMapName(experiment: string): string {
  return `chaos-run-${experiment}`.slice(0, 253);
}

/** Options of {@link runChaosExperiment} (the parsed flags of `chaos run`). */
export interface ChaosRunOptions {
  /** `-f FILE`. */
  readonly file: string;
  /** `--name N`: which experiment of the file. @default - the only one, or the first */
  readonly name?: string;
  /** `--steady-state`: ms measured before the fault. */
  readonly steadyStateMs: number;
  /** `--recovery`: ms measured after the fault; the target must be back within it. */
  readonly recoveryMs: number;
  /** `--keep`: leave the experiment (paused when aborted) and do not delete it. @default false */
  readonly keep?: boolean;
  /** The SLOs of the verdict and of the abort condition. @default [] (the chapter's fixed thresholds) */
  readonly targets?: readonly SloTarget[];
  /** `--max-budget-burn`, as a ratio. @default 0.05 */
  readonly maxBudgetBurn?: number;
  /** `--abort-error-rate`, as a ratio. @default - only page alerts abort */
  readonly abortErrorRate?: number;
  /** The run-time guardrails' opt-ins. @default - none */
  readonly guardrails?: RuntimeGuardrailOptions;
  /** How the target's metrics are selected and named. @default - derived from the experiment's selector */
  readonly metrics?: ChaosMetricOptions;
  /** How often the abort condition is polled, in ms. @default 1000 */
  readonly pollMs?: number;
  /** Wait after the after phase for the last scrape and rule evaluation, in ms. @default 2000 */
  readonly settleMs?: number;
  /** How long past its duration an experiment may take to report AllRecovered, in ms. @default 60000 */
  readonly recoverTimeoutMs?: number;
  /** Range query step in seconds. @default - about 240 points over the run */
  readonly stepSeconds?: number;
}

/** Series recorded from a real Prometheus, for the demo without one. */
export interface RecordedRun {
  readonly description: string;
  readonly recordedWith: string;
  readonly experiment: ChaosExperimentInfo;
  readonly measurements: ChaosMeasurements;
}

/** What a run needs from outside. */
export interface ChaosRunDeps {
  readonly cluster: Cluster;
  /** The Prometheus to measure with. @default - none: `recorded` must be given */
  readonly prometheus?: PrometheusApi;
  /** Picks recorded series for an experiment when there is no Prometheus (the demo). @default - none */
  readonly recorded?: (exp: ChaosExperimentInfo) => RecordedRun;
  readonly simulated: boolean;
  /** Progress lines. @default - none */
  readonly log?: (line: string) => void;
  /** Settles when the user interrupts the run (SIGINT). @default - never */
  readonly interrupt?: Promise<void>;
}

/** What a run produced. */
export interface ChaosRunResult {
  readonly report: Report;
  readonly exitCode: number;
  /** Where the report was kept (`namespace/name`). @default - not kept */
  readonly keptIn?: string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const nowS = () => Date.now() / 1000;
const iso = (t: number) => new Date(t * 1000).toISOString();

interface Cond {
  type: string;
  status: string;
}
interface Rec {
  id: string;
  phase: string;
  injectedCount: number;
  recoveredCount: number;
}

function conditions(o: KubeObject | undefined): Record<string, string> {
  const cs = ((o?.status as { conditions?: Cond[] } | undefined)?.conditions ?? []) as Cond[];
  return Object.fromEntries(cs.map((c) => [c.type, c.status]));
}

function records(o: KubeObject | undefined): Rec[] {
  return (((o?.status as { experiment?: { containerRecords?: Rec[] } } | undefined)?.experiment?.containerRecords ?? []) as Rec[]).map((r) => ({
    id: r.id,
    phase: r.phase,
    injectedCount: r.injectedCount,
    recoveredCount: r.recoveredCount,
  }));
}

function desiredPhase(o: KubeObject | undefined): string | undefined {
  return (o?.status as { experiment?: { desiredPhase?: string } } | undefined)?.experiment?.desiredPhase;
}

/** The target's namespaces and label selector, from the experiment's selector. */
export function targetOf(o: KubeObject): { namespaces: string[]; labels: Record<string, string> } {
  const sel =
    (o.spec as { selector?: { namespaces?: string[]; labelSelectors?: Record<string, string>; pods?: Record<string, string[]> } } | undefined)
      ?.selector ?? {};
  return { namespaces: [...new Set([...(sel.namespaces ?? []), ...Object.keys(sel.pods ?? {})])], labels: { ...(sel.labelSelectors ?? {}) } };
}

/** The Deployments whose pods the experiment's selector matches. */
async function targetDeployments(cluster: Cluster, o: KubeObject): Promise<KubeObject[]> {
  const t = targetOf(o);
  const out: KubeObject[] = [];
  for (const ns of t.namespaces) {
    const list = await cluster.list(DEPLOYMENTS, { namespace: ns });
    for (const d of list.items) {
      const tpl = ((d.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined)?.template?.metadata?.labels ??
        {}) as Record<string, string>;
      if (Object.keys(t.labels).length && Object.entries(t.labels).every(([k, v]) => tpl[k] === v)) out.push(d);
    }
  }
  return out;
}

function deploymentReady(d: KubeObject): boolean {
  const want = Number((d.spec as { replicas?: number } | undefined)?.replicas ?? 1);
  return Number((d.status as { readyReplicas?: number } | undefined)?.readyReplicas ?? 0) >= want;
}

function podReady(p: KubeObject): boolean {
  const st = (p.status ?? {}) as { phase?: string; conditions?: Array<{ type: string; status: string }> };
  return st.phase === 'Running' && (st.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/**
 * Waits by watch until the experiment's target is whole again: every pod its selector
 * matches is Ready (or gone), and every Deployment it targets has its replicas Ready.
 * Returns what is still not Ready at the deadline.
 */
export async function waitTargetsReady(cluster: Cluster, o: KubeObject, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  const t = targetOf(o);
  const selector = Object.entries(t.labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const notReady: string[] = [];
  for (const ns of t.namespaces) {
    const pods = await cluster.list(PODS, { namespace: ns, ...(selector ? { labelSelector: selector } : {}) });
    for (const p of pods.items.filter((x) => !podReady(x))) {
      const r = await waitFor(cluster, PODS, p.metadata.name, ns, podReady, { timeoutMs: Math.max(1, deadline - Date.now()) });
      if (r.outcome === 'timeout') notReady.push(`pod ${ns}/${p.metadata.name}`);
    }
  }
  for (const d of await targetDeployments(cluster, o)) {
    const r = await waitFor(cluster, DEPLOYMENTS, d.metadata.name, d.metadata.namespace, deploymentReady, {
      timeoutMs: Math.max(1, deadline - Date.now()),
    });
    if (r.outcome !== 'met') notReady.push(`deployment ${d.metadata.namespace}/${d.metadata.name}`);
  }
  return notReady;
}

/** Follows one object by watch (reopening dropped watches, relisting on 410 Gone) until stopped. */
function follow(cluster: Cluster, type: ResourceType, ns: string, name: string, onChange: (o: KubeObject | undefined) => void): { stop(): void } {
  let stopped = false;
  let handle: WatchHandle | undefined;
  const run = async () => {
    let rv: string | undefined;
    while (!stopped) {
      try {
        if (rv === undefined) {
          const list = await cluster.list(type, { namespace: ns, fieldSelector: `metadata.name=${name}` });
          onChange(list.items.find((x) => x.metadata.name === name));
          rv = list.resourceVersion;
        }
        handle = await cluster.watch(type, { namespace: ns, fieldSelector: `metadata.name=${name}`, resourceVersion: rv }, (e) => {
          if (e.object.metadata.name !== name) return;
          if (e.object.metadata.resourceVersion) rv = e.object.metadata.resourceVersion;
          onChange(e.type === 'DELETED' ? undefined : e.object);
        });
        if (stopped) handle.stop();
        await handle.done;
      } catch (e) {
        if (e instanceof ClusterError && e.status === 410) rv = undefined;
        else await sleep(200);
      }
      if (!stopped) await sleep(20);
    }
  };
  void run();
  return {
    stop: () => {
      stopped = true;
      handle?.stop();
    },
  };
}

/** A condition change seen during the run. */
interface Seen {
  readonly t: number;
  readonly what: string;
}

/** Runs one experiment end to end; see the module comment. Throws ExperimentError/ClusterError/PrometheusError before anything is created. */
export async function runChaosExperiment(o: ChaosRunOptions, deps: ChaosRunDeps): Promise<ChaosRunResult> {
  const { cluster } = deps;
  const log = deps.log ?? (() => undefined);
  const { doc, note } = pickExperiment(o.file, o.name);
  const problems = runtimeGuardrailProblems(doc, o.guardrails);
  if (problems.length)
    throw new ExperimentError(
      problems.length === 1 ? problems[0] : `${problems[0]} (and ${problems.length - 1} more guardrail problem${problems.length > 2 ? 's' : ''})`,
    );
  const obj = doc.object;
  const name = obj.metadata.name;
  const ns = obj.metadata.namespace ?? 'default';
  const type = doc.type;
  if (!deps.prometheus && !deps.recorded) throw new ExperimentError('no Prometheus to measure with');
  if (deps.prometheus) await deps.prometheus.buildInfo();
  if (await cluster.get(type, name, ns))
    throw new ExperimentError(`${obj.kind} ${ns}/${name} already exists; delete it first (cdk8s-resilience chaos delete ${name} -n ${ns})`);
  const durationMs = experimentDurationMs(obj);
  const target = targetOf(obj);
  const queries = chaosMetricQueries({
    ...(target.namespaces.length === 1 ? { selector: { namespace: target.namespaces[0] }, namespace: target.namespaces[0] } : {}),
    ...(target.labels.app ? { podRegex: `${target.labels.app}-.*` } : {}),
    ...(o.metrics ?? {}),
  });
  const targets = o.targets ?? [];
  const abortOpts = { targets, ...(o.abortErrorRate !== undefined ? { abortErrorRate: o.abortErrorRate } : {}) };
  const deployments = await targetDeployments(cluster, obj);
  const facts: TargetFacts =
    deployments.length === 1
      ? {
          replicas: Number((deployments[0].spec as { replicas?: number }).replicas ?? 1),
          readyReplicas: Number((deployments[0].status as { readyReplicas?: number } | undefined)?.readyReplicas ?? 0),
        }
      : {};
  let interrupted = false;
  void deps.interrupt?.then(() => {
    interrupted = true;
  });
  const recorded = deps.prometheus ? undefined : deps.recorded!({ name, kind: obj.kind, action: experimentAction(obj) });

  // 2. steady state
  const steadyStart = nowS();
  if (deps.prometheus) {
    log(`steady state: measuring for ${Math.round(o.steadyStateMs / 1000)}s`);
    const end = Date.now() + o.steadyStateMs;
    while (Date.now() < end && !interrupted) await sleep(Math.min(250, end - Date.now()));
    if (interrupted) return interruptedResult(deps, obj, 'during the steady state, before the experiment was created', []);
    const pre = await pollAbort(deps.prometheus, queries, abortOpts);
    if (pre.abort) return notStarted(deps, obj, pre, steadyStart);
  }

  // 3. create and follow
  const seen: Seen[] = [];
  let last: KubeObject | undefined;
  let lastConds: Record<string, string> = {};
  let gone = false;
  let injectedSeen = false;
  let recoveredAt: number | undefined;
  const watcher = follow(cluster, type, ns, name, (x) => {
    const t = nowS();
    if (!x) {
      if (last) {
        gone = true;
        seen.push({ t, what: 'deleted' });
      }
      return;
    }
    last = x;
    const c = conditions(x);
    for (const [k, v] of Object.entries(c)) if (lastConds[k] !== v) seen.push({ t, what: `${k}=${v}` });
    lastConds = c;
    if (c.AllInjected === 'True') injectedSeen = true;
    if (injectedSeen && c.AllRecovered === 'True' && (desiredPhase(x) === 'Stop' || c.Paused === 'True') && recoveredAt === undefined)
      recoveredAt = t;
  });
  let created = false;
  let injectedAt = nowS();
  let aborted: { at: number; reason: string } | undefined;
  let lastRecords: Rec[] = [];
  try {
    const { metadata, ...rest } = obj;
    await cluster.create(type, { ...rest, metadata: { ...metadata, namespace: ns } });
    created = true;
    injectedAt = nowS();
    log(`${obj.kind} ${ns}/${name} created`);
    const boundMs = durationMs ?? o.guardrails?.maxDurationMs ?? RUNTIME_MAX_DURATION_MS;
    const deadline = Date.now() + boundMs + (o.recoverTimeoutMs ?? 60000);
    const unboundedEnd = durationMs === undefined ? Date.now() + boundMs : undefined;
    let pausedForAbort = false;
    // 4. follow until recovered, polling the abort condition
    while (recoveredAt === undefined && !gone) {
      if (interrupted) {
        watcher.stop();
        lastRecords = records(last);
        return await interruptedResult(deps, obj, `${Math.round(nowS() - injectedAt)}s into the fault`, lastRecords, true);
      }
      if (Date.now() > deadline)
        throw new ExperimentError(
          `${obj.kind} ${ns}/${name} did not report AllRecovered within ${Math.round((deadline - injectedAt * 1000) / 1000)}s; last conditions: ${JSON.stringify(lastConds)}`,
        );
      if (unboundedEnd !== undefined && Date.now() > unboundedEnd && !pausedForAbort) {
        await cluster.patch(type, name, { metadata: { annotations: { [PAUSE_ANNOTATION]: 'true' } } }, ns);
        pausedForAbort = true;
      }
      if (deps.prometheus && !aborted && lastConds.AllInjected === 'True') {
        let d: AbortDecision;
        try {
          d = await pollAbort(deps.prometheus, queries, abortOpts);
        } catch (e) {
          d = { abort: true, reason: `Prometheus stopped answering (${(e as Error).message.split('\n')[0]}), so the SLOs cannot be watched` };
        }
        if (d.abort) {
          aborted = { at: nowS(), reason: d.reason! };
          log(`aborting: ${d.reason}`);
          await cluster.patch(type, name, { metadata: { annotations: { [PAUSE_ANNOTATION]: 'true' } } }, ns);
          pausedForAbort = true;
          if (!o.keep) await cluster.delete(type, name, ns);
        }
      }
      await sleep(deps.prometheus ? (o.pollMs ?? 1000) : 50);
    }
    lastRecords = records(last);
  } finally {
    watcher.stop();
  }
  const faultEndedAt = Math.max(injectedAt, aborted ? Math.min(aborted.at, recoveredAt ?? Infinity) : (recoveredAt ?? nowS()));
  log(`faults recovered ${Math.round(faultEndedAt - injectedAt)}s after the injection`);

  // 5. clean up, then the after phase
  if (created && !o.keep && !gone) await cluster.delete(type, name, ns);
  if (deps.prometheus) {
    log(`after the fault: measuring for ${Math.round(o.recoveryMs / 1000)}s`);
    const end = Date.now() + o.recoveryMs;
    while (Date.now() < end && !interrupted) await sleep(Math.min(250, end - Date.now()));
  }
  const afterEnd = nowS();
  if (deps.prometheus) await sleep(o.settleMs ?? 2000);

  // 6. measure and judge
  const exp: ChaosExperimentInfo = { name, kind: obj.kind, action: experimentAction(obj), ...(aborted ? { aborted } : {}), targetFacts: facts };
  let m: ChaosMeasurements;
  let verdictExp = exp;
  if (deps.prometheus) {
    const timeline: ChaosTimeline = { steadyStart, injectedAt, faultEndedAt, afterEnd };
    m = await collectChaosMeasurements(deps.prometheus, queries, timeline, targets, o.stepSeconds);
  } else {
    m = recorded!.measurements;
    verdictExp = { ...recorded!.experiment, name, targetFacts: facts };
  }
  const v = chaosVerdict(m, verdictExp, { maxBudgetBurn: o.maxBudgetBurn, recoverySeconds: deps.prometheus ? o.recoveryMs / 1000 : undefined });
  const base = chaosReport(m, verdictExp, v, {
    prometheus: deps.prometheus?.url ?? 'none (recorded series)',
    context: cluster.target.context,
    server: cluster.target.server,
    simulated: deps.simulated,
  });
  const expSection: Section = {
    title: 'Experiment',
    checks: [],
    tables: [conditionTable(seen, injectedAt), recordTable(lastRecords)],
    notes: [
      `${obj.kind} ${ns}/${name} from ${doc.source}: ${experimentAction(obj) ?? obj.kind}, mode ${(obj.spec as { mode?: string } | undefined)?.mode ?? 'one'}, duration ${(obj.spec as { duration?: string } | undefined)?.duration ?? 'none'}`,
      ...(note ? [note] : []),
      `injected ${iso(injectedAt)}; faults recovered ${iso(faultEndedAt)} (${Math.round(faultEndedAt - injectedAt)}s)`,
      ...(aborted
        ? [
            `ABORTED at ${iso(aborted.at)}, ${Math.round(aborted.at - injectedAt)}s into the fault: ${aborted.reason}; the experiment was paused${o.keep ? ' and kept (--keep)' : ' and deleted'}`,
          ]
        : []),
      o.keep ? `kept in the cluster (--keep): delete it with cdk8s-resilience chaos delete ${name} -n ${ns}` : 'deleted after the run',
      targets.length
        ? `verdict from ${targets.length} SLO${targets.length === 1 ? '' : 's'} (${targets.map((t) => t.id).join(', ')}), at most ${pct(o.maxBudgetBurn ?? 0.05)} of each budget`
        : "verdict from the chapter's fixed thresholds (no --slo given)",
      ...(recorded
        ? [`metrics: RECORDED series, not measured in this run (no Prometheus: ${recorded.description}; recorded with ${recorded.recordedWith})`]
        : []),
    ],
  };
  // 7. keep the run
  const kept: Section = {
    ...expSection,
    notes: [...expSection.notes!, `this report is kept in ConfigMap ${ns}/${runConfigMapName(name)}: cdk8s-resilience chaos report ${name} -n ${ns}`],
  };
  let report: Report = { ...base, sections: [kept, ...base.sections] };
  const keptIn = await keepRun(cluster, ns, name, report);
  if (!keptIn)
    report = {
      ...base,
      sections: [
        { ...expSection, notes: [...expSection.notes!, 'the report could not be kept in a ConfigMap (no permission to create ConfigMaps?)'] },
        ...base.sections,
      ],
    };
  return { report, exitCode: exitCodeOf(report.verdict), ...(keptIn ? { keptIn } : {}) };
}

function conditionTable(seen: readonly Seen[], injectedAt: number): Table {
  return {
    title: 'Conditions (by watch)',
    columns: ['at', 'since injection', 'change'],
    rows: seen.map((s) => [iso(s.t), `${(s.t - injectedAt).toFixed(1)}s`, s.what]),
  };
}

function recordTable(rs: readonly Rec[]): Table {
  return {
    title: 'Records per pod',
    columns: ['id', 'phase', 'injected', 'recovered'],
    rows: rs.map((r) => [r.id, r.phase, r.injectedCount, r.recoveredCount]),
  };
}

/** Keeps a run's report as JSON in a ConfigMap beside the experiment; returns `namespace/name`, or undefined when it could not. */
export async function keepRun(cluster: Cluster, ns: string, experiment: string, report: Report): Promise<string | undefined> {
  const cmName = runConfigMapName(experiment);
  try {
    if (await cluster.get(CONFIGMAPS, cmName, ns)) await cluster.delete(CONFIGMAPS, cmName, ns);
    await cluster.create(CONFIGMAPS, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: cmName, namespace: ns, labels: objectLabels({ [RUN_LABEL]: experiment }) },
      data: { [RUN_REPORT_KEY]: JSON.stringify(report) },
    });
    return `${ns}/${cmName}`;
  } catch {
    return undefined;
  }
}

function minimalReport(deps: ChaosRunDeps, title: string, sections: Section[], verdict: Report['verdict']): Report {
  return {
    schema: REPORT_SCHEMA,
    command: 'chaos run',
    title,
    generatedAt: new Date().toISOString(),
    target: {
      ...(deps.prometheus ? { prometheus: deps.prometheus.url } : {}),
      context: deps.cluster.target.context,
      server: deps.cluster.target.server,
    },
    simulated: deps.simulated,
    sections,
    verdict,
  };
}

async function notStarted(deps: ChaosRunDeps, obj: KubeObject, d: AbortDecision, steadyStart: number): Promise<ChaosRunResult> {
  const report = minimalReport(
    deps,
    `Chaos experiment ${obj.metadata.name}: NOT STARTED`,
    [
      {
        title: 'Steady state',
        checks: [
          {
            id: 'chaos.steady-state',
            title: 'the target is healthy enough to start an experiment',
            status: 'failed',
            evidence: [`at the end of the steady state (from ${iso(steadyStart)}): ${d.reason}`, 'the experiment was not created'],
            fix: 'fix what burns the error budget first; run chaos when the SLOs are quiet',
          },
        ],
      },
    ],
    'failed',
  );
  return { report, exitCode: 1 };
}

async function interruptedResult(deps: ChaosRunDeps, obj: KubeObject, when: string, recs: Rec[], created = false): Promise<ChaosRunResult> {
  const ns = obj.metadata.namespace ?? 'default';
  const evidence = [`interrupted ${when}`];
  if (created) {
    const t0 = Date.now();
    await deps.cluster.delete(EXPERIMENT_TYPES[obj.kind ?? ''], obj.metadata.name, ns).catch(() => false);
    const notReady = await waitTargetsReady(deps.cluster, obj, 120000);
    evidence.push(
      `the experiment was deleted; ${notReady.length ? `not Ready again after 120s: ${notReady.join(', ')}` : `the target was Ready again after ${((Date.now() - t0) / 1000).toFixed(1)}s`}`,
    );
    if (recs.length) evidence.push(`records at the interrupt: ${recs.map((r) => `${r.id} ${r.phase}`).join(', ')}`);
  } else evidence.push('nothing was created');
  const report = minimalReport(
    deps,
    `Chaos experiment ${obj.metadata.name}: INTERRUPTED`,
    [{ title: 'Run', checks: [{ id: 'chaos.run', title: 'the run completed', status: 'undecided', evidence }] }],
    'undecided',
  );
  return { report, exitCode: 2 };
}
