/**
 * The data every runtime command produces before anything is rendered. A command builds one
 * `Report`, then a renderer turns it into text, Markdown, JSON or JUnit XML. The JSON form is
 * this object as it is (`schema` names its version), so machine consumers read the same data
 * the other formats show.
 */

/** The version of the JSON report schema; bump it on any incompatible change. */
export const REPORT_SCHEMA = 'cdk8s-resilience.report/v1';

/** The outcome of one check. `undecided`: the command could not tell (no data, unreachable). */
export type CheckStatus = 'passed' | 'failed' | 'undecided' | 'skipped';

/** A measured value, with its unit so renderers can format it. */
export interface Measurement {
  readonly name: string;
  readonly value: number;
  /** 'seconds' | 'ratio' | 'percent' | 'count' | 'bytes' | other free text. */
  readonly unit: string;
  /** The target the value is compared with, in the same unit. @default - none */
  readonly target?: number;
}

/** One check: what was checked, its outcome, and the evidence for it. */
export interface Check {
  /** A stable identifier, e.g. `backup.freshness/daily-backup` (used as the JUnit test case name). */
  readonly id: string;
  /** A one-line, human title. */
  readonly title: string;
  readonly status: CheckStatus;
  /** Why: facts that led to the status, one per line. */
  readonly evidence: readonly string[];
  /** What to do about a failure. @default - none */
  readonly fix?: string;
  /** Figures the check measured. @default - none */
  readonly measurements?: readonly Measurement[];
  /** How long the check (or the step it checks) took, in seconds. @default - none */
  readonly durationSeconds?: number;
}

/** A table of facts (inventory, backup list, metric series summary). */
export interface Table {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<ReadonlyArray<string | number>>;
}

/** A titled group of checks and tables, e.g. one step of a drill. */
export interface Section {
  readonly title: string;
  readonly checks: readonly Check[];
  readonly tables?: readonly Table[];
  /** Free notes shown under the section (e.g. derived recommendations). @default - none */
  readonly notes?: readonly string[];
  /** Duration of the step this section describes, in seconds. @default - none */
  readonly durationSeconds?: number;
}

/** The whole result of one command run. */
export interface Report {
  readonly schema: typeof REPORT_SCHEMA;
  /** The command that produced it, e.g. `backup report`. */
  readonly command: string;
  readonly title: string;
  /** ISO 8601 time the report was made. */
  readonly generatedAt: string;
  /** Where it ran: cluster context / server, Prometheus URL. */
  readonly target: { readonly context?: string; readonly server?: string; readonly prometheus?: string };
  /** True when the run was against the simulated cluster: every renderer says so prominently. */
  readonly simulated: boolean;
  readonly sections: readonly Section[];
  /** Overall outcome: failed if any check failed, else undecided if any is undecided, else passed. */
  readonly verdict: CheckStatus;
  /** Recommendations derived from what was measured. @default - none */
  readonly recommendations?: readonly string[];
}

/** The overall verdict of a set of checks (skipped checks do not count). */
export function verdictOf(checks: readonly Check[]): CheckStatus {
  if (checks.some((c) => c.status === 'failed')) return 'failed';
  if (checks.some((c) => c.status === 'undecided')) return 'undecided';
  if (checks.some((c) => c.status === 'passed')) return 'passed';
  return 'skipped';
}

/** Exit code for a verdict: 0 passed (or nothing to check), 1 failed, 2 undecided. */
export function exitCodeOf(verdict: CheckStatus): number {
  return verdict === 'failed' ? 1 : verdict === 'undecided' ? 2 : 0;
}
