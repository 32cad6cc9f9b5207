/**
 * `slo report`: per SLO, the SLI now and over the period, the objective, the error budget
 * left, the burn rate over each window and the alerts firing; plus the budget's history
 * over the period for the HTML page's burn-down chart.
 */
import { Check, exitCodeOf, Measurement, Section, Table } from '../report/model';
import { PrometheusError, Sample } from '../prometheus';
import { CommandResult, prometheusUndecided, resolveSloTargets, SloDeps, sloCommandReport, SloSourceOptions, statusTable } from './gate';
import { burnText, humanDuration, idSelector, isPageAlert, pct, readSloStatus, SloStatus } from './status';
import { SloTarget } from './targets';
import { SloMetrics } from '../../slo/rules';

/** Options of {@link runSloReport} (the parsed flags of `slo report`). */
export interface SloReportOptions extends SloSourceOptions {
  /** Points in each SLO's burn-down series (the range query's step is the period divided by this). @default 120 */
  readonly chartPoints?: number;
  /** A minimum budget line drawn on the chart (`--min-budget`), as a ratio. @default 0.2 */
  readonly minBudget?: number;
}

/** The remaining-budget history of one SLO over its period. */
export interface BurnDownSeries {
  readonly target: SloTarget;
  readonly start: number;
  readonly end: number;
  /** Unix seconds and remaining ratio; NaN where there was no data. */
  readonly samples: readonly Sample[];
}

/** What {@link runSloReport} returns: the report, its exit code, and the chart data for HTML. */
export interface SloReportResult extends CommandResult {
  readonly burnDown: readonly BurnDownSeries[];
  /** The minimum budget line of the chart. */
  readonly minBudget: number;
}

function windowTable(s: SloStatus): Table {
  return {
    title: `${s.target.id}: burn rate per window`,
    columns: ['window', 'error ratio', 'SLI', 'burn rate'],
    rows: s.burnRates.map((b) => [
      b.window,
      Number.isNaN(b.errorRatio) ? 'NaN' : Number(b.errorRatio.toPrecision(4)),
      Number.isNaN(b.errorRatio) ? 'NaN' : pct(1 - b.errorRatio, 3),
      burnText(b.burnRate),
    ]),
  };
}

/** The checks of one SLO's report section: objective met over the period, no page alert firing. Pure. */
export function sloReportChecks(s: SloStatus): Check[] {
  const t = s.target;
  const period = s.burnRates.find((b) => b.windowMs === t.periodMs);
  const shortest = s.burnRates[0];
  const ms: Measurement[] = [{ name: 'objective', value: t.objective / 100, unit: 'ratio' }];
  if (period && !Number.isNaN(period.errorRatio))
    ms.push({ name: `SLI over ${period.window}`, value: 1 - period.errorRatio, unit: 'ratio', target: t.objective / 100 });
  if (shortest && shortest !== period && !Number.isNaN(shortest.errorRatio))
    ms.push({ name: `SLI over ${shortest.window}`, value: 1 - shortest.errorRatio, unit: 'ratio' });
  if (s.budgetRemaining !== undefined) ms.push({ name: 'error budget remaining', value: s.budgetRemaining, unit: 'ratio', target: 0 });
  for (const b of s.burnRates) ms.push({ name: `burn rate ${b.window}`, value: b.burnRate, unit: 'x' });
  const rem = s.budgetRemaining;
  const objective: Check =
    rem === undefined || Number.isNaN(rem)
      ? {
          id: `slo.report/${t.id}/objective`,
          title: `${t.name}: objective ${t.objective}% met over ${humanDuration(t.periodMs)}`,
          status: 'undecided',
          evidence: [
            rem === undefined
              ? `Prometheus has no slo:period_error_budget_remaining:ratio for ${t.id}`
              : 'the budget is NaN: no traffic over the period window',
          ],
          fix: `check that Prometheus loads the rules of ${t.id} (${t.source}) and scrapes the service`,
          measurements: ms,
        }
      : {
          id: `slo.report/${t.id}/objective`,
          title: `${t.name}: objective ${t.objective}% met over ${humanDuration(t.periodMs)}`,
          status: rem >= 0 ? 'passed' : 'failed',
          evidence: [
            ...(period && !Number.isNaN(period.errorRatio)
              ? [`SLI over ${period.window}: ${pct(1 - period.errorRatio, 3)} (objective ${t.objective}%)`]
              : []),
            `error budget remaining ${pct(rem)}${s.currentBurnRate !== undefined ? `, current burn rate ${burnText(s.currentBurnRate)}` : ''}`,
            ...(s.missingWindows.length ? [`no data for window${s.missingWindows.length === 1 ? '' : 's'} ${s.missingWindows.join(', ')}`] : []),
          ],
          ...(rem < 0 ? { fix: `the ${t.name} objective is missed over the period: prioritise reliability work on ${t.service}` } : {}),
          measurements: ms,
        };
  const pages = s.alerts.filter((a) => a.state === 'firing' && isPageAlert(a, t));
  const others = s.alerts.filter((a) => !pages.includes(a));
  const alerts: Check = {
    id: `slo.report/${t.id}/alerts`,
    title: `${t.name}: no page alert firing`,
    status: pages.length ? 'failed' : 'passed',
    evidence: [
      ...pages.map((a) => `firing page alert ${a.labels.alertname ?? '?'} since ${a.activeAt ?? 'unknown'}`),
      ...others.map((a) => `${a.state} ${a.labels.sloth_severity ?? ''} alert ${a.labels.alertname ?? '?'}`.replace(/\s+/g, ' ')),
      ...(s.alerts.length === 0 ? [`no active alerts for ${t.id}${t.pageAlert ? '' : ' (it has no page alert)'}`] : []),
    ],
    ...(pages.length ? { fix: `the budget of ${t.name} burns fast right now: follow the alert's runbook` } : {}),
  };
  return [objective, alerts];
}

/**
 * `cdk8s-resilience slo report`: the state of each selected SLO, as a report (render it as
 * text, Markdown, JSON or JUnit with the shared renderers) and as chart data for
 * {@link renderSloReportHtml} (`--format html`).
 *
 * Flags: `--slo FILE` | `--slo-from DIR`, `--service S`, `--slo-name NAME`,
 * `--prometheus-url URL`, `--default-slo-period`, `--slo-period-windows-path`, `--min-budget`
 * (the line on the chart), and the shared `--format`/`--output`.
 * Exit code: 0 every objective met and no page alert firing, 1 otherwise, 2 undecided.
 */
export async function runSloReport(options: SloReportOptions, deps: SloDeps): Promise<SloReportResult> {
  const targets = resolveSloTargets(options);
  const at = (deps.now ?? (() => new Date()))();
  const minBudget = options.minBudget ?? 0.2;
  const title = `SLO report: ${targets.length} SLO${targets.length === 1 ? '' : 's'}`;
  const url = deps.prometheus.url;
  let statuses: SloStatus[];
  let burnDown: BurnDownSeries[];
  try {
    statuses = await readSloStatus(deps.prometheus, targets, at);
    burnDown = await readBurnDown(deps, targets, at, options.chartPoints ?? 120);
  } catch (e) {
    if (!(e instanceof PrometheusError)) throw e;
    const report = sloCommandReport('slo report', title, url, at, deps.simulated ?? false, [
      { title: 'Prometheus', checks: [prometheusUndecided(e, url)] },
    ]);
    return { report, exitCode: exitCodeOf(report.verdict), burnDown: [], minBudget };
  }
  const sections: Section[] = [
    { title: 'Summary', checks: [], tables: [statusTable(statuses)] },
    ...statuses.map((s) => ({
      title: `${s.target.service} / ${s.target.name}`,
      checks: sloReportChecks(s),
      tables: s.burnRates.length ? [windowTable(s)] : [],
      notes: [`declared at ${s.target.source}`],
    })),
  ];
  const report = sloCommandReport('slo report', title, url, at, deps.simulated ?? false, sections);
  return { report, exitCode: exitCodeOf(report.verdict), burnDown, minBudget };
}

async function readBurnDown(deps: SloDeps, targets: readonly SloTarget[], at: Date, points: number): Promise<BurnDownSeries[]> {
  const out: BurnDownSeries[] = [];
  // One range query per period length (usually one for all SLOs).
  const byPeriod = new Map<number, SloTarget[]>();
  for (const t of targets) byPeriod.set(t.periodMs, [...(byPeriod.get(t.periodMs) ?? []), t]);
  for (const [periodMs, ts] of byPeriod) {
    const end = at.getTime() / 1000;
    const start = end - periodMs / 1000;
    const step = Math.max(1, Math.round(periodMs / 1000 / Math.max(2, points)));
    const series = await deps.prometheus.queryRange(`${SloMetrics.periodErrorBudgetRemaining}${idSelector(ts)}`, new Date(start * 1000), at, step);
    for (const t of ts) {
      const mine = series.filter((s) => s.labels[SloMetrics.labels.id] === t.id);
      // Worst value per timestamp across duplicate series.
      const byT = new Map<number, number>();
      for (const s of mine) for (const p of s.samples) byT.set(p.t, Math.min(byT.get(p.t) ?? Infinity, p.v));
      out.push({ target: t, start, end, samples: [...byT.entries()].sort((a, b) => a[0] - b[0]).map(([tt, v]) => ({ t: tt, v })) });
    }
  }
  return targets.map((t) => out.find((b) => b.target === t)!);
}
