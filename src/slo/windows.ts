import { AlertWindowModel, AlertWindowsModel } from './model';
import { formatPromDuration, goHours, promDurationMs, promDurationProblems } from '../common/duration';
import { prefixProblems, Problem } from '../common/errors';

const MIN = 60 * 1000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

function windowSet(periodDays: number): AlertWindowsModel {
  // The SRE workbook's recommended parameters: 2% of the budget in 1h, 5% in 6h (page),
  // 10% in 1d and 10% in 3d (ticket), each with a short window of 1/12 of the long one.
  return {
    sloPeriodMs: periodDays * DAY,
    pageQuick: { errorBudgetPercent: 2, shortWindowMs: 5 * MIN, longWindowMs: HOUR },
    pageSlow: { errorBudgetPercent: 5, shortWindowMs: 30 * MIN, longWindowMs: 6 * HOUR },
    ticketQuick: { errorBudgetPercent: 10, shortWindowMs: 2 * HOUR, longWindowMs: DAY },
    ticketSlow: { errorBudgetPercent: 10, shortWindowMs: 6 * HOUR, longWindowMs: 3 * DAY },
  };
}

/** The built-in windows: 30d and 28d periods, as Sloth ships them. */
export const DEFAULT_ALERT_WINDOWS: readonly AlertWindowsModel[] = [windowSet(30), windowSet(28)];

/** A catalog of alert windows by SLO period. */
export class AlertWindowsCatalog {
  /** The built-in 30d and 28d windows. */
  public static defaults(): AlertWindowsCatalog {
    return new AlertWindowsCatalog(DEFAULT_ALERT_WINDOWS);
  }

  private readonly byPeriod = new Map<number, AlertWindowsModel>();

  constructor(windows: readonly AlertWindowsModel[]) {
    for (const w of windows) {
      const prev = this.byPeriod.get(w.sloPeriodMs);
      if (prev && JSON.stringify(prev) !== JSON.stringify(w)) {
        throw new Error(`alert windows for the ${formatPromDuration(w.sloPeriodMs)} SLO period are defined twice, differently`);
      }
      this.byPeriod.set(w.sloPeriodMs, w);
    }
  }

  /** The windows for a period, or undefined. */
  public get(periodMs: number): AlertWindowsModel | undefined {
    return this.byPeriod.get(periodMs);
  }

  /** The periods this catalog has windows for, as Prometheus durations. */
  public periods(): string[] {
    return [...this.byPeriod.keys()].sort((a, b) => a - b).map((ms) => formatPromDuration(ms));
  }
}

/** Burn rate factor: how many times faster than sustainable the budget share is consumed in the long window. */
export function burnRateFactor(periodMs: number, w: AlertWindowModel): number {
  const hoursRequiredConsumption = (w.errorBudgetPercent * goHours(periodMs)) / 100;
  return hoursRequiredConsumption / goHours(w.longWindowMs);
}

/** One of the four alerts of a multi-window multi-burn-rate alert group. */
export interface MwmbAlert {
  readonly shortWindowMs: number;
  readonly longWindowMs: number;
  readonly burnRateFactor: number;
  /** Error budget in percent (100 - objective). */
  readonly errorBudget: number;
  readonly severity: 'page' | 'ticket';
}

/** The four alerts of an SLO. */
export interface MwmbAlertGroup {
  readonly pageQuick: MwmbAlert;
  readonly pageSlow: MwmbAlert;
  readonly ticketQuick: MwmbAlert;
  readonly ticketSlow: MwmbAlert;
}

/** The multi-window multi-burn-rate alerts for an objective (percent) and windows. */
export function mwmbAlerts(objective: number, windows: AlertWindowsModel): MwmbAlertGroup {
  const errorBudget = 100 - objective;
  const one = (w: AlertWindowModel, severity: 'page' | 'ticket'): MwmbAlert => ({
    shortWindowMs: w.shortWindowMs,
    longWindowMs: w.longWindowMs,
    burnRateFactor: burnRateFactor(windows.sloPeriodMs, w),
    errorBudget,
    severity,
  });
  return {
    pageQuick: one(windows.pageQuick, 'page'),
    pageSlow: one(windows.pageSlow, 'page'),
    ticketQuick: one(windows.ticketQuick, 'ticket'),
    ticketSlow: one(windows.ticketSlow, 'ticket'),
  };
}

/** The distinct windows of an alert group, shortest first. */
export function alertGroupWindows(g: MwmbAlertGroup): number[] {
  const all = [g.pageQuick, g.pageSlow, g.ticketQuick, g.ticketSlow].flatMap((a) => [a.shortWindowMs, a.longWindowMs]);
  return [...new Set(all)].sort((a, b) => a - b);
}

const WINDOW_NAMES = [
  ['page.quick', 'pageQuick'],
  ['page.slow', 'pageSlow'],
  ['ticket.quick', 'ticketQuick'],
  ['ticket.slow', 'ticketSlow'],
] as const;

/**
 * Problems with a windows set (empty when valid), fields as in a Sloth `AlertWindows` spec
 * (`sloPeriod`, `page.quick.shortWindow`, ...). Sloth checks only that every value is set;
 * `strict` also rejects a short window not shorter than its long window and a long window
 * longer than the period.
 */
export function alertWindowsProblems(w: AlertWindowsModel, strict = false): Problem[] {
  const problems: Problem[] = [];
  if (!(w.sloPeriodMs > 0))
    problems.push({ field: 'sloPeriod', problem: 'the SLO period is missing', fix: 'give the period the windows are for, such as 30d' });
  for (const [name, key] of WINDOW_NAMES) {
    const win = w[key];
    for (const [field, v, what] of [
      ['longWindow', win.longWindowMs, 'duration'],
      ['shortWindow', win.shortWindowMs, 'duration'],
      ['errorBudgetPercent', win.errorBudgetPercent, 'share of the budget'],
    ] as const) {
      if (typeof v === 'number' && !Number.isFinite(v))
        problems.push({
          field: `${name}.${field}`,
          problem:
            what === 'duration'
              ? 'the window is not a finite, whole number of milliseconds'
              : `the ${what} is ${v}, which would be written into the rules as such`,
          fix: field === 'errorBudgetPercent' ? 'give a finite percent of the budget, such as 2' : 'give a finite duration, such as 1h',
        });
    }
    if (!Number.isFinite(win.longWindowMs) || !Number.isFinite(win.shortWindowMs) || !Number.isFinite(win.errorBudgetPercent)) continue;
    if (!(win.longWindowMs > 0))
      problems.push({ field: `${name}.longWindow`, problem: 'the long window is missing', fix: 'give a Prometheus duration, such as 1h' });
    if (!(win.shortWindowMs > 0))
      problems.push({ field: `${name}.shortWindow`, problem: 'the short window is missing', fix: 'give a Prometheus duration, such as 5m' });
    if (!(win.errorBudgetPercent > 0))
      problems.push({
        field: `${name}.errorBudgetPercent`,
        problem: 'the share of the error budget is missing',
        fix: 'give the percent of the budget the alert guards, such as 2',
      });
    if (!strict) continue;
    if (win.shortWindowMs >= win.longWindowMs && win.longWindowMs > 0)
      problems.push({
        field: `${name}.shortWindow`,
        problem: 'the short window is not shorter than its long window',
        fix: 'use a short window of about 1/12 of the long one',
      });
    if (win.longWindowMs > w.sloPeriodMs && w.sloPeriodMs > 0)
      problems.push({
        field: `${name}.longWindow`,
        problem: 'the long window is longer than the SLO period',
        fix: 'use a long window within the period',
      });
  }
  return problems;
}

/** The raw shape of a Sloth `sloth.slok.dev/v1` `AlertWindows` document, as a file holds it. */
export interface SlothAlertWindowsDocument {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly spec?: {
    readonly sloPeriod?: string;
    readonly page?: { readonly quick?: RawWindow; readonly slow?: RawWindow };
    readonly ticket?: { readonly quick?: RawWindow; readonly slow?: RawWindow };
  };
}

/**
 * The former name of {@link SlothAlertWindowsDocument}.
 * @deprecated Use `SlothAlertWindowsDocument`.
 */
export type AlertWindowsSpec = SlothAlertWindowsDocument;

interface RawWindow {
  readonly errorBudgetPercent?: number;
  readonly shortWindow?: string;
  readonly longWindow?: string;
}

/**
 * Maps a Sloth `AlertWindows` document to the model, or returns every problem found (fields
 * as in the document: `spec.page.quick.shortWindow`, ...).
 */
export function readAlertWindowsSpec(doc: SlothAlertWindowsDocument): { model?: AlertWindowsModel; problems: Problem[] } {
  if (doc.apiVersion !== 'sloth.slok.dev/v1' || doc.kind !== 'AlertWindows') {
    return {
      problems: [
        {
          field: 'kind',
          problem: `not a Sloth AlertWindows document (want apiVersion sloth.slok.dev/v1, kind AlertWindows; got ${doc.apiVersion ?? '<none>'}, ${doc.kind ?? '<none>'})`,
          fix: 'write a sloth.slok.dev/v1 AlertWindows document',
        },
      ],
    };
  }
  const problems: Problem[] = [];
  const dur = (field: string, s: string | undefined): number => {
    if (s === undefined) return 0;
    const found = promDurationProblems(field, String(s), { fix: 'give a Prometheus duration, such as 5m, 1h or 30d' });
    problems.push(...found);
    return found.length > 0 ? 0 : promDurationMs(String(s))!;
  };
  const win = (field: string, w: RawWindow | undefined): AlertWindowModel => ({
    errorBudgetPercent: Number(w?.errorBudgetPercent ?? 0),
    shortWindowMs: dur(`${field}.shortWindow`, w?.shortWindow),
    longWindowMs: dur(`${field}.longWindow`, w?.longWindow),
  });
  const s = doc.spec ?? {};
  const model: AlertWindowsModel = {
    sloPeriodMs: dur('spec.sloPeriod', s.sloPeriod),
    pageQuick: win('spec.page.quick', s.page?.quick),
    pageSlow: win('spec.page.slow', s.page?.slow),
    ticketQuick: win('spec.ticket.quick', s.ticket?.quick),
    ticketSlow: win('spec.ticket.slow', s.ticket?.slow),
  };
  // A value that did not parse is reported once, not again as missing.
  const reported = new Set(problems.map((p) => p.field));
  problems.push(...prefixProblems('spec', alertWindowsProblems(model)).filter((p) => !reported.has(p.field)));
  return problems.length > 0 ? { problems } : { model, problems };
}

/** Maps a Sloth `AlertWindows` document to the model; throws with every problem found. */
export function alertWindowsFromSpec(doc: SlothAlertWindowsDocument): AlertWindowsModel {
  const r = readAlertWindowsSpec(doc);
  if (!r.model) throw new Error(`invalid AlertWindows: ${r.problems.map((p) => `${p.field}: ${p.problem}`).join('; ')}`);
  return r.model;
}
