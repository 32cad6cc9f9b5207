/**
 * Chaos Mesh experiments as the runtime reads them: from a YAML file of Chaos Mesh objects
 * (a synthesized `dist/chaos-mesh-pod-failure.yaml`, or one written by hand), with the
 * guardrails of the constructs applied again at run time to plain objects: no protected
 * namespace, a bounded duration, a blast radius below all pods unless opted in.
 *
 * Plain data only; never imports cdk8s (the synth-time guardrails live in src/chaos and use
 * cdk8s values; the rules and defaults here are the same, and a test keeps them equal).
 */
import { InputFileError, parseYamlDocuments, readInputFile, YamlDocumentData } from '../../common/input-files';
import { CHAOS_HTTP, CHAOS_IO, CHAOS_NETWORK, CHAOS_POD, CHAOS_SCHEDULES, CHAOS_STRESS, CHAOS_TIME, CHAOS_WORKFLOWS } from '../cluster/resources';
import { KubeObject, ResourceType } from '../cluster/types';
import { DEFAULT_MAX_DURATION_MS, DEFAULT_PROTECTED_NAMESPACES, GUARDRAIL_RULES } from '../../chaos/guardrails';
import { goDurationMs } from '../../common/duration';

/** The experiment kinds `chaos run` can run, by kind. */
export const EXPERIMENT_TYPES: Readonly<Record<string, ResourceType>> = {
  PodChaos: CHAOS_POD,
  NetworkChaos: CHAOS_NETWORK,
  StressChaos: CHAOS_STRESS,
  IOChaos: CHAOS_IO,
  HTTPChaos: CHAOS_HTTP,
  TimeChaos: CHAOS_TIME,
};

/** Every Chaos Mesh kind `chaos list` shows (experiments, Schedules, Workflows). */
export const LISTED_TYPES: readonly ResourceType[] = [...Object.values(EXPERIMENT_TYPES), CHAOS_SCHEDULES, CHAOS_WORKFLOWS];

/** The namespaces no experiment may target: the constructs' own list (the guardrails are plain data the runtime shares). */
export const RUNTIME_PROTECTED_NAMESPACES: readonly string[] = DEFAULT_PROTECTED_NAMESPACES;

/** The longest duration allowed without an opt-in: the constructs' own default, 30 minutes. */
export const RUNTIME_MAX_DURATION_MS = DEFAULT_MAX_DURATION_MS;

/** A bad experiment file or object: one line, exit code 2. */
export class ExperimentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExperimentError';
  }
}

/** An experiment read from a file. */
export interface ExperimentDoc {
  readonly object: KubeObject;
  readonly type: ResourceType;
  /** `file:line` of its document. */
  readonly source: string;
}

/** Every Chaos Mesh object of a YAML file, with where each starts. Throws ExperimentError. */
export function readChaosFile(file: string): { experiments: ExperimentDoc[]; others: Array<{ kind: string; name: string; source: string }> } {
  let docs: YamlDocumentData[];
  try {
    docs = parseYamlDocuments(readInputFile(file, { flag: '-f', expected: 'a YAML file of Chaos Mesh objects' }), { file, field: '-f' });
  } catch (e) {
    if (!(e instanceof InputFileError)) throw e;
    const p = e.problem;
    if (p.line === undefined) throw new ExperimentError(`cannot read -f ${file}: ${p.problem}; ${p.fix}`);
    throw new ExperimentError(`${file}:${p.line}: ${p.problem.replace(/^YAML syntax error: /, 'not valid YAML: ')}; ${p.fix}`);
  }
  const experiments: ExperimentDoc[] = [];
  const others: Array<{ kind: string; name: string; source: string }> = [];
  for (const { data: raw, line: firstLine } of docs) {
    const data = raw as Record<string, unknown> | null;
    if (data === null || data === undefined) continue;
    const where = `${file}:${firstLine}`;
    if (typeof data !== 'object' || Array.isArray(data))
      throw new ExperimentError(`${where}: a document must be a Kubernetes object (apiVersion, kind, metadata)`);
    const kind = String(data.kind ?? '');
    const apiVersion = String(data.apiVersion ?? '');
    const meta = (data.metadata ?? {}) as { name?: string };
    if (!apiVersion.startsWith('chaos-mesh.org/')) {
      others.push({ kind: kind || '(no kind)', name: meta.name ?? '', source: where });
      continue;
    }
    if (!meta.name) throw new ExperimentError(`${where}: ${kind} has no metadata.name; give it a name`);
    const type = EXPERIMENT_TYPES[kind];
    if (!type) {
      others.push({ kind, name: meta.name, source: where });
      continue;
    }
    experiments.push({ object: data as unknown as KubeObject, type, source: where });
  }
  return { experiments, others };
}

/** Picks the experiment to run: `--name`, else the only one, else the first (the caller notes it). Throws ExperimentError. */
export function pickExperiment(file: string, name: string | undefined): { doc: ExperimentDoc; note?: string } {
  const { experiments, others } = readChaosFile(file);
  if (name !== undefined) {
    const doc = experiments.find((d) => d.object.metadata.name === name);
    if (doc) return { doc };
    const other = others.find((o) => o.name === name);
    if (other)
      throw new ExperimentError(
        `${other.source}: ${other.kind} ${name} is not an experiment chaos run can run (it runs ${Object.keys(EXPERIMENT_TYPES).join(', ')}); apply Schedules and Workflows with kubectl`,
      );
    throw new ExperimentError(
      `${file} has no experiment named ${name}; it has ${experiments.map((d) => d.object.metadata.name).join(', ') || 'none'}`,
    );
  }
  if (experiments.length === 0) throw new ExperimentError(`${file} holds no Chaos Mesh experiment (${Object.keys(EXPERIMENT_TYPES).join(', ')})`);
  if (experiments.length === 1) return { doc: experiments[0] };
  return {
    doc: experiments[0],
    note: `${file} holds ${experiments.length} experiments (${experiments.map((d) => d.object.metadata.name).join(', ')}); running the first, ${experiments[0].object.metadata.name} (choose another with --name)`,
  };
}

/** The opt-ins of the run-time guardrails (the same as the constructs' policy props). */
export interface RuntimeGuardrailOptions {
  /** Namespaces never to target. @default RUNTIME_PROTECTED_NAMESPACES */
  readonly protectedNamespaces?: readonly string[];
  /** Longest allowed duration in ms. @default RUNTIME_MAX_DURATION_MS */
  readonly maxDurationMs?: number;
  /** `--allow-full-blast-radius`: allow mode all / 100% and whole-namespace partitions. @default false */
  readonly allowFullBlastRadius?: boolean;
  /** `--allow-unbounded`: allow an experiment without duration (the run still deletes it at the end). @default false */
  readonly allowUnbounded?: boolean;
}

/** The rule ids: the synth-time guardrails' own. */
export const RUNTIME_RULES = GUARDRAIL_RULES;

/** Every guardrail problem of an experiment object, each one line naming the rule, the field and the fix. */
export function runtimeGuardrailProblems(doc: ExperimentDoc, o: RuntimeGuardrailOptions = {}): string[] {
  const spec = (doc.object.spec ?? {}) as {
    duration?: string;
    mode?: string;
    value?: string;
    selector?: { namespaces?: string[]; pods?: Record<string, string[]>; labelSelectors?: Record<string, string> };
    target?: { selector?: { namespaces?: string[] }; mode?: string };
    action?: string;
    direction?: string;
  };
  const name = doc.object.metadata.name;
  const out: string[] = [];
  const rule = (field: string, id: string, problem: string, fix: string) =>
    out.push(`${doc.source}: ${doc.object.kind} ${name} breaks rule ${id} (spec.${field}): ${problem}; ${fix}`);
  const maxMs = o.maxDurationMs ?? RUNTIME_MAX_DURATION_MS;
  if (spec.duration === undefined || spec.duration === '') {
    if (!o.allowUnbounded)
      rule(
        'duration',
        RUNTIME_RULES.durationRequired,
        'no duration is set, so the fault would last until someone deletes it',
        'set spec.duration (e.g. 30s), or pass --allow-unbounded (the run deletes it at the end)',
      );
  } else {
    const ms = goDurationMs(spec.duration);
    if (ms === undefined)
      rule('duration', RUNTIME_RULES.durationRequired, `"${spec.duration}" is not a duration`, 'use a Go duration such as 30s, 5m or 1h');
    else if (ms <= 0) rule('duration', RUNTIME_RULES.durationRequired, 'the duration is zero', 'set a positive duration such as 30s');
    else if (ms > maxMs)
      rule(
        'duration',
        RUNTIME_RULES.durationMax,
        `${spec.duration} is longer than the maximum of ${Math.round(maxMs / 60000)}m`,
        'shorten it, or raise the bound with --max-duration',
      );
  }
  const sel = spec.selector ?? {};
  const namespaces = [...(sel.namespaces ?? []), ...Object.keys(sel.pods ?? {}), ...(spec.target?.selector?.namespaces ?? [])];
  if (!sel.namespaces?.length && !sel.pods && !Object.keys(sel.labelSelectors ?? {}).length) {
    rule(
      'selector',
      RUNTIME_RULES.selectsSomething,
      'the selector names no namespace, label or pod, so it would select pods across the whole cluster',
      'set spec.selector.namespaces and labelSelectors',
    );
  }
  const protectedNs = o.protectedNamespaces ?? RUNTIME_PROTECTED_NAMESPACES;
  for (const ns of new Set(namespaces)) {
    if (protectedNs.includes(ns))
      rule(
        'selector.namespaces',
        RUNTIME_RULES.protectedNamespace,
        `namespace "${ns}" is protected and can never be targeted`,
        'target an application namespace instead',
      );
  }
  const full = spec.mode === 'all' || ((spec.mode === 'fixed-percent' || spec.mode === 'random-max-percent') && Number(spec.value) >= 100);
  if (full && !o.allowFullBlastRadius) {
    rule(
      'mode',
      RUNTIME_RULES.blastRadius,
      `mode "${spec.mode}"${spec.value ? ` ${spec.value}` : ''} hits every selected pod`,
      'start small with mode one or a percentage below 100, or opt in with --allow-full-blast-radius',
    );
  }
  if (doc.object.kind === 'NetworkChaos' && spec.action === 'partition' && !spec.target && !o.allowFullBlastRadius) {
    rule(
      'target',
      RUNTIME_RULES.blastRadius,
      'the partition cuts the pods off from everything',
      'partition from selected peers (spec.target), or opt in with --allow-full-blast-radius',
    );
  }
  return out;
}

/** The experiment's duration in ms, or undefined when it has none. */
export function experimentDurationMs(o: KubeObject): number | undefined {
  const d = (o.spec as { duration?: string } | undefined)?.duration;
  return d ? goDurationMs(d) : undefined;
}

/** Its action (`pod-kill`, `delay`, ...), or for StressChaos/IOChaos/TimeChaos the kind's own fault. */
export function experimentAction(o: KubeObject): string | undefined {
  const a = (o.spec as { action?: string } | undefined)?.action;
  if (a) return a;
  if (o.kind === 'StressChaos') return 'stress';
  if (o.kind === 'TimeChaos') return 'time-skew';
  return undefined;
}
