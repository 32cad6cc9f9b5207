/**
 * Recovery point objectives computed from backup schedules: plain data in, plain data out.
 * The synth-time plan and the runtime's DR readiness check both call {@link computeRpo}.
 * This module never imports cdk8s.
 */
import { formatSeconds } from '../common/duration';
import { worstCaseGapSeconds } from './cron';

export { formatSeconds };

/** A namespace name meaning "every namespace" in Velero's included namespaces. */
export const ALL_NAMESPACES = '*';

/** One backup schedule, as the RPO computation needs it. */
export interface RpoScheduleInput {
  /** The Schedule's name (also the `schedule` label of Velero's metrics). */
  readonly name: string;
  /** The cron expression of `spec.schedule`, with an optional `CRON_TZ=` prefix. */
  readonly cron: string;
  /** How long its backups are kept (`spec.template.ttl`), in seconds. */
  readonly retentionSeconds?: number;
  /** Included namespaces; empty or absent means every namespace. */
  readonly includedNamespaces?: readonly string[];
  /** Excluded namespaces. */
  readonly excludedNamespaces?: readonly string[];
  /**
   * True when the schedule selects objects by label: it then covers only some objects of a
   * namespace and counts for its own figures, not for a namespace's RPO.
   */
  readonly labelSelected?: boolean;
}

/** RPO targets, in seconds. */
export interface RpoTargets {
  /** The target for every covered namespace without its own. */
  readonly defaultSeconds?: number;
  /** Targets per namespace. */
  readonly namespaces?: Readonly<Record<string, number>>;
}

/** Computed figures of one schedule. */
export interface ScheduleRpo {
  readonly name: string;
  readonly cron: string;
  /** Longest time between two successive runs of this schedule, in seconds. */
  readonly worstCaseGapSeconds: number;
  /** Retention in seconds, when known. */
  readonly retentionSeconds?: number;
  /** False when backups expire before the next one is taken. */
  readonly retentionCoversGap: boolean;
  readonly labelSelected: boolean;
}

/** Computed figures of one namespace (or of `*`, every namespace not listed by name). */
export interface NamespaceRpo {
  readonly namespace: string;
  /** Schedules that back the whole namespace up. */
  readonly schedules: readonly string[];
  /** Worst-case gap between two backups of the namespace, in seconds; null when none covers it. */
  readonly worstCaseGapSeconds: number | null;
  /** The RPO target, in seconds, when one applies. */
  readonly targetSeconds?: number;
  /** Whether the target is met; undefined without a target. */
  readonly met?: boolean;
}

/** What is wrong with a set of schedules against its targets. */
export interface RpoViolation {
  readonly kind: 'rpo-unmet' | 'not-covered' | 'retention-shorter-than-gap';
  /** The namespace (rpo-unmet, not-covered) or schedule (retention) concerned. */
  readonly subject: string;
  readonly message: string;
}

/** The computed RPO figures and every violation. */
export interface RpoReport {
  readonly schedules: readonly ScheduleRpo[];
  readonly namespaces: readonly NamespaceRpo[];
  readonly violations: readonly RpoViolation[];
}

function includes(s: RpoScheduleInput, ns: string): boolean {
  const inc = s.includedNamespaces ?? [];
  const all = inc.length === 0 || inc.includes(ALL_NAMESPACES);
  if (ns === ALL_NAMESPACES) return all;
  return (all || inc.includes(ns)) && !(s.excludedNamespaces ?? []).includes(ns);
}

/**
 * Computes, for each schedule and each namespace the schedules or targets name, the
 * worst-case gap between successive backups, and checks it against the targets and each
 * schedule's retention. Throws only for an invalid cron expression (validate first).
 */
export function computeRpo(schedules: readonly RpoScheduleInput[], targets: RpoTargets = {}): RpoReport {
  const violations: RpoViolation[] = [];
  const scheduleRpos: ScheduleRpo[] = schedules.map((s) => {
    const gap = worstCaseGapSeconds([s.cron]);
    const covers = s.retentionSeconds === undefined || s.retentionSeconds >= gap;
    if (!covers) {
      violations.push({
        kind: 'retention-shorter-than-gap',
        subject: s.name,
        message: `schedule "${s.name}" keeps backups ${formatSeconds(s.retentionSeconds!)} but runs up to ${formatSeconds(gap)} apart, so at times no backup of it exists`,
      });
    }
    return {
      name: s.name,
      cron: s.cron,
      worstCaseGapSeconds: gap,
      retentionSeconds: s.retentionSeconds,
      retentionCoversGap: covers,
      labelSelected: s.labelSelected ?? false,
    };
  });

  const whole = schedules.filter((s) => !s.labelSelected);
  const named = new Set<string>();
  for (const s of whole) for (const ns of [...(s.includedNamespaces ?? []), ...(s.excludedNamespaces ?? [])]) named.add(ns);
  for (const ns of Object.keys(targets.namespaces ?? {})) named.add(ns);
  named.delete(ALL_NAMESPACES);
  const subjects = [...[...named].sort(), ALL_NAMESPACES];

  const namespaces: NamespaceRpo[] = [];
  for (const ns of subjects) {
    const covering = whole.filter((s) => includes(s, ns));
    // The default target applies to what the schedules cover; a namespace named only by an
    // exclusion is left out on purpose and needs an explicit target to be checked.
    const target = targets.namespaces?.[ns] ?? (covering.length > 0 ? targets.defaultSeconds : undefined);
    if (covering.length === 0 && target === undefined) continue;
    const gap = covering.length > 0 ? worstCaseGapSeconds(covering.map((s) => s.cron)) : null;
    const met = target === undefined ? undefined : gap !== null && gap <= target;
    const label = ns === ALL_NAMESPACES ? 'every other namespace' : `namespace "${ns}"`;
    if (target !== undefined && gap === null) {
      violations.push({
        kind: 'not-covered',
        subject: ns,
        message: `${label} has an RPO of ${formatSeconds(target)} but no schedule backs it up as a whole`,
      });
    } else if (met === false) {
      violations.push({
        kind: 'rpo-unmet',
        subject: ns,
        message: `${label} can go ${formatSeconds(gap!)} between backups (${covering.map((s) => s.name).join(', ')}), more than its RPO of ${formatSeconds(target!)}`,
      });
    }
    namespaces.push({ namespace: ns, schedules: covering.map((s) => s.name), worstCaseGapSeconds: gap, targetSeconds: target, met });
  }
  return { schedules: scheduleRpos, namespaces, violations };
}
