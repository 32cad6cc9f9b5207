/**
 * `slo gate`: may we deploy? Reads each selected SLO's remaining error budget and burn rate
 * from Prometheus and passes when every one has at least the minimum budget left. Made for
 * a CI step before a deploy: exit 0 go, 1 stop (the report names the SLO, its remaining
 * budget and its burn rate), 2 cannot tell (Prometheus unreachable, no data).
 */
import { AlertWindowsModel } from '../../slo/model';
import { Check, exitCodeOf, Measurement, Report, REPORT_SCHEMA, Section, Table, verdictOf } from '../report/model';
import { PrometheusApi, PrometheusError } from '../prometheus';
import { burnText, humanDuration, pct, readSloStatus, SloStatus, timeToExhaustionMs } from './status';
import { loadSloTargetsFromDirectory, loadSloTargetsFromFile, selectSloTargets, SloTarget } from './targets';

/** What to do when an SLO has no data in Prometheus. */
export type MissingDataPolicy = 'undecided' | 'pass' | 'fail';

/** Where the SLOs come from and which to read; shared by `slo gate` and `slo report`. */
export interface SloSourceOptions {
  /** `--slo FILE`: a Sloth/OpenSLO spec, rules file, PrometheusRule or rules ConfigMap. @default - none (then sloFrom or targets) */
  readonly sloFile?: string;
  /** `--slo-from DIR`: a synthesized output directory such as `dist/`. @default - none */
  readonly sloFrom?: string;
  /** SLOs already loaded (for `--demo` and tests); used when neither file nor directory is given. @default - none */
  readonly targets?: readonly SloTarget[];
  /** `--service S` (repeatable): only these services' SLOs. @default - all */
  readonly services?: readonly string[];
  /** `--slo-name NAME` (repeatable): only these SLOs (name or sloth_id). @default - all */
  readonly sloNames?: readonly string[];
  /** `--default-slo-period`, for spec files without a period, in ms. @default 30 days */
  readonly defaultPeriodMs?: number;
  /** `--slo-period-windows-path`, loaded: custom alert windows. @default - the built-in 30d/28d windows */
  readonly alertWindows?: readonly AlertWindowsModel[];
}

/** Options of {@link runSloGate} (the parsed flags of `slo gate`). */
export interface SloGateOptions extends SloSourceOptions {
  /** `--min-budget 20%`: the share of the period's error budget each SLO must have left, as a ratio. @default 0.2 */
  readonly minBudget?: number;
  /** `--on-missing-data pass|fail`: an SLO without data passes or fails instead of leaving the gate undecided. @default 'undecided' */
  readonly onMissingData?: MissingDataPolicy;
}

/** What the operations need from outside: Prometheus and a clock. */
export interface SloDeps {
  readonly prometheus: PrometheusApi;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** The run is against the simulation (the report says so). @default false */
  readonly simulated?: boolean;
}

/** A command's result: the report, and the exit code it implies. */
export interface CommandResult {
  readonly report: Report;
  readonly exitCode: number;
}

/** A usage mistake in the options (exit code 2, one line). */
export class SloUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SloUsageError';
  }
}

/** Loads and selects the SLOs named by the options. Throws SpecLoadError / SloSelectionError / SloUsageError. */
export function resolveSloTargets(o: SloSourceOptions): SloTarget[] {
  const load = { defaultPeriodMs: o.defaultPeriodMs, alertWindows: o.alertWindows };
  let all: SloTarget[];
  if (o.sloFile !== undefined && o.sloFrom !== undefined) throw new SloUsageError('give either --slo FILE or --slo-from DIR, not both');
  if (o.sloFile !== undefined) all = loadSloTargetsFromFile(o.sloFile, { ...load, flag: '--slo' });
  else if (o.sloFrom !== undefined) all = loadSloTargetsFromDirectory(o.sloFrom, { ...load, flag: '--slo-from' });
  else if (o.targets) all = [...o.targets];
  else throw new SloUsageError('no SLOs given: use --slo FILE (a Sloth/OpenSLO spec or generated rules) or --slo-from DIR (e.g. dist/)');
  return selectSloTargets(all, { services: o.services, slos: o.sloNames });
}

/** Parses `--min-budget`: `20%`, `20` (percent) or `0.2` (ratio). Throws SloUsageError. */
export function parseBudgetRatio(flag: string, text: string): number {
  const t = text.trim();
  const m = /^(-?\d+(?:\.\d+)?)(%)?$/.exec(t);
  if (!m) throw new SloUsageError(`${flag} "${text}" is not a percentage (e.g. 20% or 0.2)`);
  const n = Number(m[1]);
  const ratio = m[2] || n > 1 ? n / 100 : n;
  if (ratio < 0 || ratio > 1) throw new SloUsageError(`${flag} "${text}" must be between 0% and 100%`);
  return ratio;
}

/** Parses `--on-missing-data`. Throws SloUsageError. */
export function parseMissingDataPolicy(text: string): MissingDataPolicy {
  if (text === 'pass' || text === 'fail' || text === 'undecided') return text;
  throw new SloUsageError(`--on-missing-data "${text}" must be pass or fail (default: the gate cannot decide, exit 2)`);
}

function measurements(s: SloStatus, minBudget?: number): Measurement[] {
  const out: Measurement[] = [];
  if (s.budgetRemaining !== undefined)
    out.push({ name: 'error budget remaining', value: s.budgetRemaining, unit: 'ratio', ...(minBudget !== undefined ? { target: minBudget } : {}) });
  if (s.currentBurnRate !== undefined) out.push({ name: 'current burn rate', value: s.currentBurnRate, unit: 'x', target: 1 });
  for (const b of s.burnRates) out.push({ name: `burn rate ${b.window}`, value: b.burnRate, unit: 'x' });
  return out;
}

function missingReason(s: SloStatus): string | undefined {
  if (s.budgetRemaining === undefined) {
    return s.burnRates.length
      ? `Prometheus has SLI recordings for ${s.target.id} but no slo:period_error_budget_remaining:ratio: the metadata recording rules are not loaded`
      : `Prometheus has no series for ${s.target.id}: its rules are not loaded, its SLI metrics are not scraped, or its error counter has no series yet (initialise error counters at 0)`;
  }
  if (Number.isNaN(s.budgetRemaining))
    return `slo:period_error_budget_remaining:ratio of ${s.target.id} is NaN: the SLI had no traffic over the period window`;
  return undefined;
}

/** The gate decision for one SLO. */
export function gateCheck(s: SloStatus, minBudget: number, onMissing: MissingDataPolicy): Check {
  const t = s.target;
  const id = `slo.gate/${t.id}`;
  const title = `${t.service} ${t.name} (${t.objective}%): at least ${pct(minBudget)} of the error budget left`;
  const burn = s.currentBurnRate;
  const burnLine =
    burn !== undefined
      ? `current burn rate ${burnText(burn)} (1x spends the budget exactly over ${humanDuration(t.periodMs)})`
      : 'current burn rate: no data';
  const missing = missingReason(s);
  if (missing !== undefined) {
    const status = onMissing === 'pass' ? 'passed' : onMissing === 'fail' ? 'failed' : 'undecided';
    return {
      id,
      title,
      status,
      evidence: [
        missing,
        onMissing === 'undecided'
          ? 'no data: the gate cannot decide (pass --on-missing-data pass|fail to decide anyway)'
          : `no data: ${status} by --on-missing-data ${onMissing}`,
      ],
      fix: `check that Prometheus loads the SLO rules of ${t.id} (${t.source}) and scrapes the service's metrics`,
      measurements: measurements(s, minBudget),
    };
  }
  const rem = s.budgetRemaining!;
  const evidence = [`error budget remaining ${pct(rem)} of the ${humanDuration(t.periodMs)} budget (minimum ${pct(minBudget)})`, burnLine];
  const windows = s.burnRates.filter((b) => b.windowMs !== t.periodMs).map((b) => `${b.window} ${burnText(b.burnRate)}`);
  if (windows.length) evidence.push(`burn rates: ${windows.join(', ')}`);
  if (s.missingWindows.length) evidence.push(`no data for window${s.missingWindows.length === 1 ? '' : 's'} ${s.missingWindows.join(', ')}`);
  const firing = s.alerts
    .filter((a) => a.state === 'firing')
    .map((a) => `${a.labels.alertname ?? '?'}${a.labels.sloth_severity ? ` (${a.labels.sloth_severity})` : ''}`);
  if (firing.length) evidence.push(`firing: ${firing.join(', ')}`);
  if (rem >= minBudget) {
    const tte = burn !== undefined ? timeToExhaustionMs(rem - minBudget, burn, t.periodMs) : undefined;
    if (tte !== undefined && burn! > 1) evidence.push(`at this burn rate the budget falls under the minimum in ${humanDuration(tte)}`);
    return { id, title, status: 'passed', evidence, measurements: measurements(s, minBudget) };
  }
  const tte = burn !== undefined ? timeToExhaustionMs(rem, burn, t.periodMs) : undefined;
  if (rem <= 0) evidence.push('the error budget is used up');
  else if (tte !== undefined) evidence.push(`at this burn rate the rest is used up in ${humanDuration(tte)}`);
  return {
    id,
    title,
    status: 'failed',
    evidence: [`${t.id} has ${pct(rem)} of its error budget left, under the ${pct(minBudget)} minimum; ${burnLine}`, ...evidence.slice(1)],
    fix: `hold deploys of ${t.service} that are not fixes for ${t.name}, until the budget recovers above ${pct(minBudget)}`,
    measurements: measurements(s, minBudget),
  };
}

/** The summary table of SLO statuses. */
export function statusTable(statuses: readonly SloStatus[]): Table {
  return {
    title: 'SLOs',
    columns: ['SLO', 'objective', 'period', 'budget remaining', 'current burn rate', 'alerts firing'],
    rows: statuses.map((s) => [
      s.target.id,
      `${s.target.objective}%`,
      humanDuration(s.target.periodMs),
      s.budgetRemaining === undefined ? 'no data' : pct(s.budgetRemaining),
      s.currentBurnRate === undefined ? 'no data' : burnText(s.currentBurnRate),
      s.alerts
        .filter((a) => a.state === 'firing')
        .map((a) => a.labels.alertname ?? '?')
        .join(', ') || '-',
    ]),
  };
}

/** The check standing for a Prometheus that could not answer. */
export function prometheusUndecided(e: PrometheusError, url: string): Check {
  return {
    id: 'prometheus',
    title: `Prometheus at ${url} answers`,
    status: 'undecided',
    evidence: [e.message],
    fix:
      e.kind === 'bad_query'
        ? 'the rules or queries do not match this Prometheus; check the SLO file'
        : 'check --prometheus-url and that Prometheus is running',
  };
}

/** A report of an SLO command (verdict from its checks). */
export function sloCommandReport(
  command: string,
  title: string,
  url: string,
  at: Date,
  simulated: boolean,
  sections: Section[],
  recommendations?: string[],
): Report {
  const checks = sections.flatMap((s) => s.checks);
  return {
    schema: REPORT_SCHEMA,
    command,
    title,
    generatedAt: at.toISOString(),
    target: { prometheus: url },
    simulated,
    sections,
    verdict: verdictOf(checks),
    ...(recommendations && recommendations.length ? { recommendations } : {}),
  };
}

/** The gate's decision from statuses read at one instant: pure. */
export function evaluateSloGate(
  statuses: readonly SloStatus[],
  options: { minBudget?: number; onMissingData?: MissingDataPolicy } = {},
): { checks: Check[]; recommendations: string[] } {
  const minBudget = options.minBudget ?? 0.2;
  const onMissing = options.onMissingData ?? 'undecided';
  const checks = statuses.map((s) => gateCheck(s, minBudget, onMissing));
  const recommendations: string[] = [];
  for (const s of statuses) {
    const rem = s.budgetRemaining;
    if (rem === undefined || Number.isNaN(rem)) continue;
    const burn = s.currentBurnRate;
    if (rem < minBudget) {
      const pageFiring = s.alerts.some((a) => a.state === 'firing' && a.labels.sloth_severity === 'page');
      recommendations.push(
        `${s.target.service}: freeze deploys; ${s.target.name} has ${pct(rem)} of its budget left` +
          (burn !== undefined && burn > 1
            ? ` and still burns ${burnText(burn)}${pageFiring ? ' with its page alert firing' : ''}: find and fix the cause first`
            : burn !== undefined && burn <= 1
              ? `, burning at ${burnText(burn)}: it recovers as old errors leave the ${humanDuration(s.target.periodMs)} window`
              : ''),
      );
    } else if (burn !== undefined && burn > 1) {
      const tte = timeToExhaustionMs(rem - minBudget, burn, s.target.periodMs);
      if (tte !== undefined && tte < s.target.periodMs / 10) {
        recommendations.push(
          `${s.target.service}: ${s.target.name} passes now but burns ${burnText(burn)}; it reaches the ${pct(minBudget)} minimum in about ${humanDuration(tte)}`,
        );
      }
    }
  }
  return { checks, recommendations };
}

/**
 * `cdk8s-resilience slo gate`: exit 0 when every selected SLO has at least `--min-budget` of
 * its error budget left, 1 when one has not, 2 when the gate cannot decide.
 *
 * Flags (the integrator maps them to {@link SloGateOptions}):
 * - `--slo FILE` Sloth/OpenSLO spec, rules file, PrometheusRule or rules ConfigMap, or
 *   `--slo-from DIR` a synthesized directory such as `dist/` (one of them is required);
 * - `--service S`, `--slo-name NAME` (both repeatable) select SLOs;
 * - `--min-budget 20%` (percent or ratio; default 20%);
 * - `--on-missing-data pass|fail` (default: no data leaves the gate undecided, exit 2);
 * - `--prometheus-url URL` (default http://localhost:9090), given to the client in `deps`;
 * - `--default-slo-period`, `--slo-period-windows-path` as for `slo generate`;
 * - the shared `--format text|markdown|json|junit` and `--output FILE` render the report.
 *
 * Usage mistakes (bad file, no SLO selected) throw `SpecLoadError`, `SloSelectionError`
 * or `SloUsageError`: the CLI prints their message as one line and exits 2.
 */
export async function runSloGate(options: SloGateOptions, deps: SloDeps): Promise<CommandResult> {
  const targets = resolveSloTargets(options);
  const minBudget = options.minBudget ?? 0.2;
  const at = (deps.now ?? (() => new Date()))();
  const title = `SLO gate: ${targets.length} SLO${targets.length === 1 ? '' : 's'}, at least ${pct(minBudget)} of the error budget left`;
  let statuses: SloStatus[];
  try {
    statuses = await readSloStatus(deps.prometheus, targets, at);
  } catch (e) {
    if (!(e instanceof PrometheusError)) throw e;
    const report = sloCommandReport('slo gate', title, deps.prometheus.url, at, deps.simulated ?? false, [
      { title: 'Prometheus', checks: [prometheusUndecided(e, deps.prometheus.url)] },
    ]);
    return { report, exitCode: exitCodeOf(report.verdict) };
  }
  const { checks, recommendations } = evaluateSloGate(statuses, { minBudget, onMissingData: options.onMissingData });
  const report = sloCommandReport(
    'slo gate',
    title,
    deps.prometheus.url,
    at,
    deps.simulated ?? false,
    [{ title: 'Error budgets', checks, tables: [statusTable(statuses)] }],
    recommendations,
  );
  return { report, exitCode: exitCodeOf(report.verdict) };
}
