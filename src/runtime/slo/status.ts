/**
 * Reading the state of SLOs from Prometheus: the recordings Sloth-style rules produce
 * (`slo:period_error_budget_remaining:ratio`, `slo:current_burn_rate:ratio`,
 * `slo:sli_error:ratio_rate<window>`) and the SLOs' active alerts. Shared by `slo gate`,
 * `slo report` and the chaos verdict.
 */
import { SloMetrics } from '../../slo/rules';
import { PromAlert, PrometheusApi, promString } from '../prometheus';
import { SloTarget } from './targets';
import { formatPromDuration, humanDuration, promDurationMs } from '../../common/duration';

/** The burn rate over one window. */
export interface WindowBurn {
  /** The window, in milliseconds. */
  readonly windowMs: number;
  /** The window as Prometheus writes it (`5m`, `30d`). */
  readonly window: string;
  /** The SLI error ratio over the window (NaN when there was no traffic). */
  readonly errorRatio: number;
  /** errorRatio / (1 - objective): 1 burns the budget exactly over the period. */
  readonly burnRate: number;
}

/** What Prometheus says about one SLO at one instant. */
export interface SloStatus {
  readonly target: SloTarget;
  /** `slo:period_error_budget_remaining:ratio` (1 = untouched, 0 = used up, below 0 = overspent). @default - no data */
  readonly budgetRemaining?: number;
  /** `slo:current_burn_rate:ratio` (the shortest window). @default - no data */
  readonly currentBurnRate?: number;
  /** Burn rates per window, shortest first (only windows with data). */
  readonly burnRates: readonly WindowBurn[];
  /** Windows the target declares but Prometheus has no series for. */
  readonly missingWindows: readonly string[];
  /** The SLO's active alerts (pending or firing). */
  readonly alerts: readonly PromAlert[];
}

/** An RE2 pattern matching exactly one of the strings. */
export function exactAlternation(values: readonly string[]): string {
  return values.map((v) => v.replace(/[\\.^$|?*+()[\]{}]/g, '\\$&')).join('|');
}

/** The `{sloth_id=~"a|b"}` selector of targets. */
export function idSelector(targets: readonly SloTarget[]): string {
  return `{${SloMetrics.labels.id}=~${promString(exactAlternation(targets.map((t) => t.id)))}}`;
}

/** Whether an alert belongs to an SLO: its `sloth_id` label, or its alert name and service. */
export function alertBelongsTo(a: PromAlert, t: SloTarget): boolean {
  const L = SloMetrics.labels;
  if (a.labels[L.id] !== undefined) return a.labels[L.id] === t.id;
  const name = a.labels.alertname;
  return (
    name !== undefined && (name === t.pageAlert || name === t.ticketAlert) && (a.labels[L.service] === undefined || a.labels[L.service] === t.service)
  );
}

/** Whether an alert is an SLO's page alert (by `sloth_severity`, else by name). */
export function isPageAlert(a: PromAlert, t: SloTarget): boolean {
  const sev = a.labels[SloMetrics.labels.severity];
  if (sev !== undefined) return sev === 'page' && alertBelongsTo(a, t);
  return alertBelongsTo(a, t) && a.labels.alertname === t.pageAlert;
}

/** Of several series of one SLO (e.g. HA Prometheus pairs), the worst: least remaining, fastest burn. */
function worst(values: number[], pick: 'min' | 'max'): number | undefined {
  const finite = values.filter((v) => !Number.isNaN(v));
  if (finite.length === 0) return values.length ? NaN : undefined;
  return pick === 'min' ? Math.min(...finite) : Math.max(...finite);
}

/**
 * Reads the status of every target at `at` (default: now): three queries and one alerts
 * call, whatever the number of SLOs. Errors from Prometheus propagate.
 */
export async function readSloStatus(api: PrometheusApi, targets: readonly SloTarget[], at?: Date): Promise<SloStatus[]> {
  if (targets.length === 0) return [];
  const sel = idSelector(targets);
  const L = SloMetrics.labels;
  const [remaining, current, sli, alerts] = await Promise.all([
    api.query(`${SloMetrics.periodErrorBudgetRemaining}${sel}`, at),
    api.query(`${SloMetrics.currentBurnRate}${sel}`, at),
    api.query(`{__name__=~${promString(`${exactAlternation([SloMetrics.sliErrorPrefix])}.+`)},${sel.slice(1)}`, at),
    api.alerts(),
  ]);
  return targets.map((t) => {
    const mine = <T extends { labels: Readonly<Record<string, string>> }>(xs: readonly T[]) => xs.filter((x) => x.labels[L.id] === t.id);
    const budget = 1 - t.objective / 100;
    const byWindow = new Map<number, number[]>();
    for (const s of mine(sli)) {
      const w = s.labels[L.window] ?? (s.labels.__name__ ?? '').slice(SloMetrics.sliErrorPrefix.length);
      const ms = promDurationMs(w);
      if (ms === undefined) continue;
      byWindow.set(ms, [...(byWindow.get(ms) ?? []), s.v]);
    }
    const burnRates: WindowBurn[] = [...byWindow.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([ms, vs]) => {
        const ratio = worst(vs, 'max') ?? NaN;
        return { windowMs: ms, window: formatPromDuration(ms), errorRatio: ratio, burnRate: budget > 0 ? ratio / budget : NaN };
      });
    const missingWindows = (t.windowsMs ?? []).filter((w) => !byWindow.has(w)).map((ms) => formatPromDuration(ms));
    return {
      target: t,
      budgetRemaining: worst(
        mine(remaining).map((s) => s.v),
        'min',
      ),
      currentBurnRate: worst(
        mine(current).map((s) => s.v),
        'max',
      ),
      burnRates,
      missingWindows,
      alerts: alerts.filter((a) => alertBelongsTo(a, t)),
    };
  });
}

/** How long the remaining budget lasts at a burn rate, in ms (undefined when not burning or already spent). */
export function timeToExhaustionMs(remaining: number, burnRate: number, periodMs: number): number | undefined {
  if (!(remaining > 0) || !(burnRate > 0) || !Number.isFinite(burnRate)) return undefined;
  return (remaining * periodMs) / burnRate;
}

/** A duration for people (see the duration module): `30d`, `1h`, `90s`, else rounded (`3.5h`). */
export { humanDuration };

/** A ratio as a percentage with sensible digits: `20%`, `99.95%`, `-1.3%`. */
export function pct(ratio: number, digits = 2): string {
  if (Number.isNaN(ratio)) return 'NaN';
  const p = ratio * 100;
  return `${Number(p.toFixed(digits))}%`;
}

/** A burn rate: `0.5x`, `14.4x`. */
export function burnText(b: number): string {
  if (Number.isNaN(b)) return 'NaN (no traffic)';
  return `${Number(b.toFixed(b < 10 ? 2 : 1))}x`;
}
