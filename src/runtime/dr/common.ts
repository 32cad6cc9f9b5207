/**
 * What the disaster-recovery operations share: the protected namespaces, the RTO target
 * flag, names of the drill's objects, and building a report from sections.
 */
import { LIBRARY_LABELS } from '../../common/conventions';
import { promDurationMs } from '../../common/duration';
import { OperationError } from '../backup/operations';
import { NAMESPACES } from '../cluster/resources';
import { Cluster } from '../cluster/types';
import { Report, REPORT_SCHEMA, Section, verdictOf } from '../report/model';
import { Clock } from '../sim/clock';
import { SIMULATED_ANNOTATION } from '../sim/cluster';

/**
 * Namespaces a drill never deletes and a restore test never restores: the cluster's own,
 * Velero's, monitoring's and Chaos Mesh's (the latter three are replaced by their
 * configured names), plus whatever `--protect` adds.
 */
export const DR_PROTECTED_NAMESPACES: readonly string[] = [
  'kube-system',
  'kube-public',
  'kube-node-lease',
  'default',
  'velero',
  'monitoring',
  'chaos-mesh',
];

/** The protected namespaces for a run: the fixed ones, Velero's and Chaos Mesh's actual namespaces, and extra ones. */
export function protectedNamespaces(veleroNamespace: string, chaosNamespace: string, extra: readonly string[] = []): string[] {
  return [...new Set([...DR_PROTECTED_NAMESPACES, veleroNamespace, chaosNamespace, ...extra])];
}

/** The label every object a drill or restore test creates carries, with the run's id. */
export const DR_RUN_LABEL = LIBRARY_LABELS.drRun;

/** A namespace name Kubernetes accepts (RFC 1123 label). */
export function namespaceProblem(name: string): string | undefined {
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name))
    return `"${name}" is not a namespace name (lowercase letters, digits and '-', starting and ending with a letter or digit)`;
  if (name.length > 63) return `"${name}" is longer than 63 characters`;
  return undefined;
}

/**
 * Parses an RTO target: a number of seconds (`300`) or a duration (`5m`, `1h30m`).
 * Zero, negative or unparsable values are a usage error naming the flag.
 */
export function parseRtoTarget(flag: string, value: string): number {
  const v = value.trim();
  let seconds: number | undefined;
  if (/^\d+(\.\d+)?$/.test(v)) seconds = Number(v);
  else {
    const ms = promDurationMs(v);
    seconds = ms === undefined ? undefined : ms / 1000;
  }
  if (seconds === undefined || !Number.isFinite(seconds))
    throw new OperationError(`${flag} "${value}" is not a number of seconds or a duration; use e.g. 600, 300 or 10m`);
  if (seconds <= 0) throw new OperationError(`${flag} "${value}" must be more than zero; use e.g. 600, 300 or 10m`);
  return seconds;
}

/** `yyyyMMddHHmmss` in UTC. */
export function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** A short random suffix of lowercase letters and digits. */
export function randomSuffix(length = 5): string {
  let out = '';
  while (out.length < length) out += Math.random().toString(36).slice(2);
  return out.slice(0, length);
}

/** Seconds, to one decimal place (for evidence lines). */
export function secs(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** Rounds milliseconds to seconds with millisecond precision (for measurements). */
export function toSeconds(ms: number): number {
  return Math.round(ms) / 1000;
}

/** True when the cluster is the simulation (it marks its kube-system namespace). */
export async function clusterIsSimulated(cluster: Cluster): Promise<boolean> {
  try {
    const ns = await cluster.get(NAMESPACES, 'kube-system');
    return ns?.metadata.annotations?.[SIMULATED_ANNOTATION] === 'true';
  } catch {
    return false;
  }
}

/** A report from sections (the verdict follows the checks). */
export function buildReport(
  command: string,
  title: string,
  cluster: Cluster,
  simulated: boolean,
  clock: Clock,
  sections: readonly Section[],
  recommendations?: readonly string[],
): Report {
  return {
    schema: REPORT_SCHEMA,
    command,
    title,
    generatedAt: new Date(clock.now()).toISOString(),
    target: { context: cluster.target.context, server: cluster.target.server },
    simulated,
    sections,
    verdict: verdictOf(sections.flatMap((s) => s.checks)),
    ...(recommendations?.length ? { recommendations } : {}),
  };
}

/** `a, b and c`. */
export function listText(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** `1 object` / `2 objects`. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
