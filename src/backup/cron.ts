/**
 * Velero schedule expressions, as plain data: validation and run times.
 *
 * Velero parses `spec.schedule` with robfig/cron's standard parser: five fields (minute,
 * hour, day of month, month, day of week), the descriptors `@yearly`, `@monthly`,
 * `@weekly`, `@daily`, `@hourly`, `@every <duration>`, and an optional `CRON_TZ=<zone>`
 * prefix. Without the prefix the schedule runs in UTC (the Velero server's zone).
 *
 * Run times come from `cron-parser`; this module never imports cdk8s, so the runtime can
 * use it.
 */
import { CronExpressionParser, CronFieldCollection } from 'cron-parser';
import { BoundedCache } from '../common/cache';
import { goDurationMs } from '../common/duration';
import { timeZoneProblem } from '../common/timezone';

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const FIELD_NAMES = ['minute', 'hour', 'day of month', 'month', 'day of week'];

/** A schedule expression taken apart. */
export interface ParsedVeleroCron {
  /** The expression as written. */
  readonly expression: string;
  /** IANA time zone from a `CRON_TZ=`/`TZ=` prefix; `UTC` without one. */
  readonly timeZone: string;
  /** Five-field form the run times are computed from (descriptors expanded). */
  readonly fields?: string;
  /** Fixed interval of an `@every` schedule, in seconds. */
  readonly everySeconds?: number;
}

/** The result of parsing: the schedule, or why Velero would reject it (with a fix, where one is specific). */
export type CronParseResult =
  { readonly ok: true; readonly cron: ParsedVeleroCron } | { readonly ok: false; readonly problem: string; readonly fix?: string };

function fieldProblem(index: number, field: string): string | undefined {
  const names = index === 3 ? MONTH_NAMES : index === 4 ? DAY_NAMES : [];
  for (const token of field.split(/[,\-/]/)) {
    if (token === '') return `the ${FIELD_NAMES[index]} field "${field}" has an empty part`;
    if (/^[0-9]+$/.test(token) || token === '*' || token === '?') continue;
    if (/^[A-Za-z]{3}$/.test(token) && names.includes(token.toUpperCase())) continue;
    return `the ${FIELD_NAMES[index]} field "${field}" uses "${token}", which Velero's cron parser does not understand (no L, W, # or H)`;
  }
  return undefined;
}

/** Parse results per expression (a pure function of it, read by every schedule and plan). */
const parseCache = new BoundedCache<string, CronParseResult>(1024);
/** The five fields of valid expressions, ready for computing run times. */
const patternCache = new BoundedCache<string, CronPattern>(512);

/** Parses a Velero schedule expression; never throws. */
export function parseVeleroCron(expression: string): CronParseResult {
  return parseCache.getOrCompute(expression, () => parseUncached(expression));
}

function parseUncached(expression: string): CronParseResult {
  let body = expression.trim();
  let timeZone = 'UTC';
  const tz = /^(CRON_TZ|TZ)=(\S+)\s+(.*)$/.exec(body);
  if (tz) {
    const zoneProblem = timeZoneProblem(tz[2]);
    if (zoneProblem) return { ok: false, problem: `the ${tz[1]}= prefix: ${zoneProblem.problem}`, fix: zoneProblem.fix };
    timeZone = tz[2];
    body = tz[3].trim();
  }
  if (body === '') return { ok: false, problem: 'the schedule is empty' };
  if (body.startsWith('@every')) {
    const ms = goDurationMs(body.slice('@every'.length).trim());
    const seconds = ms === undefined ? undefined : ms / 1000;
    if (seconds === undefined || seconds < 1) return { ok: false, problem: `"${body}" needs a Go duration of at least 1s, such as "@every 6h"` };
    return { ok: true, cron: { expression, timeZone, everySeconds: seconds } };
  }
  if (body.startsWith('@')) {
    const fields = DESCRIPTORS[body.toLowerCase()];
    if (!fields)
      return { ok: false, problem: `"${body}" is not a descriptor Velero knows (@yearly, @monthly, @weekly, @daily, @hourly, @every <duration>)` };
    return { ok: true, cron: { expression, timeZone, fields } };
  }
  const parts = body.split(/\s+/);
  if (parts.length !== 5) {
    return {
      ok: false,
      problem: `"${body}" has ${parts.length} field${parts.length === 1 ? '' : 's'}; Velero expects 5 (minute hour day-of-month month day-of-week), with no seconds field`,
    };
  }
  for (let i = 0; i < 5; i++) {
    const p = fieldProblem(i, parts[i]);
    if (p) return { ok: false, problem: p };
  }
  const fields = parts.join(' ');
  try {
    const parsed = CronExpressionParser.parse(fields.replace(/\?/g, '*'), { tz: timeZone });
    // The fields as the run-time computation needs them, from this one parse.
    if (!patternCache.get(fields)) patternCache.set(fields, patternOf(parsed.fields));
  } catch (e) {
    return { ok: false, problem: `"${body}" is not a valid cron expression (${(e as Error).message})` };
  }
  return { ok: true, cron: { expression, timeZone, fields } };
}

/** Start of the window the run times are computed over (a leap year, UTC). */
export const RUN_WINDOW_START = Date.UTC(2024, 0, 1);
/** Length of the window: two years, so that yearly schedules repeat and DST changes are included. */
export const RUN_WINDOW_MS = 2 * 366 * 24 * 3600 * 1000;
/**
 * Frequent schedules stop after this many runs, but never before {@link MIN_WINDOW_MS}, so
 * that weekly patterns (weekday-only backups) are always seen whole.
 */
export const MAX_RUNS = 1000;
/** Every schedule is followed for at least two weeks and a day. */
export const MIN_WINDOW_MS = 15 * 24 * 3600 * 1000;

/** Run times of one schedule over the window, with the end of the span they fully cover. */
export interface CronRuns {
  /** Run times, milliseconds since the epoch, ascending. */
  readonly times: readonly number[];
  /** Every run up to this instant is listed. */
  readonly coveredUntil: number;
}

/** Run times per expression: at most this many expressions are kept. */
const RUN_CACHE_SIZE = 256;
/** Worst-case gaps per set of expressions: at most this many sets are kept. */
const GAP_CACHE_SIZE = 4096;
const runCache = new BoundedCache<string, CronRuns>(RUN_CACHE_SIZE);
const gapCache = new BoundedCache<string, number>(GAP_CACHE_SIZE);

const MINUTE_MS = 60 * 1000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * Run times of a valid schedule over the window. Throws if the expression is invalid.
 *
 * The times are computed, not stepped through one by one: every day of the window is
 * matched against the month, day-of-month and day-of-week fields (with cron's rule that a
 * day matches either of the two day fields when both are restricted), and each matching day
 * contributes its hour × minute times. In a time zone with daylight saving time, the days
 * around each change of the zone's UTC offset are stepped through with `cron-parser`, which
 * decides how runs in a skipped or repeated hour behave; between the changes the offset is
 * constant and the times are computed. The result equals {@link iteratedCronRuns} (the
 * tests compare the two), in microseconds to a few milliseconds instead of tens of
 * milliseconds per expression, and is cached per expression (the time zone is part of it).
 */
export function cronRuns(expression: string): CronRuns {
  return runCache.getOrCompute(expression, () => {
    const parsed = parseVeleroCron(expression);
    if (!parsed.ok) throw new Error(`invalid schedule "${expression}": ${parsed.problem}`);
    const end = RUN_WINDOW_START + RUN_WINDOW_MS;
    const runs = new RunCollector(end);
    if (parsed.cron.everySeconds !== undefined) {
      const step = parsed.cron.everySeconds * 1000;
      for (let t = RUN_WINDOW_START; t <= end; t += step) if (!runs.add(t)) break;
    } else {
      zonedRuns(parsed.cron.fields!, parsed.cron.timeZone, RUN_WINDOW_START, end, runs);
    }
    return runs.result();
  });
}

/**
 * The same run times as {@link cronRuns}, by stepping `cron-parser` through every run of the
 * window (tens of milliseconds per expression, not cached): the reference the computed
 * times are tested against.
 */
export function iteratedCronRuns(expression: string): CronRuns {
  const parsed = parseVeleroCron(expression);
  if (!parsed.ok) throw new Error(`invalid schedule "${expression}": ${parsed.problem}`);
  const end = RUN_WINDOW_START + RUN_WINDOW_MS;
  const runs = new RunCollector(end);
  if (parsed.cron.everySeconds !== undefined) {
    const step = parsed.cron.everySeconds * 1000;
    for (let t = RUN_WINDOW_START; t <= end; t += step) if (!runs.add(t)) break;
  } else {
    steppedRuns(parsed.cron.fields!, parsed.cron.timeZone, RUN_WINDOW_START - 1, end, runs);
  }
  return runs.result();
}

/** Collects run times in order, stopping frequent schedules as {@link MAX_RUNS} says. */
class RunCollector {
  public readonly times: number[] = [];
  private coveredUntil: number;

  constructor(end: number) {
    this.coveredUntil = end;
  }

  /** The last time collected, if any. */
  public get last(): number | undefined {
    return this.times.length > 0 ? this.times[this.times.length - 1] : undefined;
  }

  /** Adds the next run; false once enough runs are listed (the run is then not added). */
  public add(t: number): boolean {
    const last = this.times[this.times.length - 1];
    if (this.times.length >= MAX_RUNS && last > RUN_WINDOW_START + MIN_WINDOW_MS) {
      this.coveredUntil = last;
      return false;
    }
    this.times.push(t);
    return true;
  }

  public result(): CronRuns {
    return { times: this.times, coveredUntil: this.coveredUntil };
  }
}

/** The five fields as `cron-parser` reads them, in the form the day-by-day computation needs. */
interface CronPattern {
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly months: readonly boolean[];
  readonly daysOfMonth: readonly boolean[];
  readonly daysOfWeek: readonly boolean[];
  readonly dayOfMonthWildcard: boolean;
  readonly dayOfWeekWildcard: boolean;
}

function cronPattern(fields: string): CronPattern {
  return patternCache.getOrCompute(fields, () => parsePattern(fields));
}

function parsePattern(fields: string): CronPattern {
  return patternOf(CronExpressionParser.parse(fields.replace(/\?/g, '*'), { tz: 'UTC' }).fields);
}

function patternOf(f: CronFieldCollection): CronPattern {
  const numbers = (values: readonly (number | string)[]) => values.filter((v): v is number => typeof v === 'number');
  const flags = (values: readonly (number | string)[], size: number, fold?: (v: number) => number) => {
    const out = new Array<boolean>(size).fill(false);
    for (const v of numbers(values)) out[fold ? fold(v) : v] = true;
    return out;
  };
  return {
    minutes: [...numbers(f.minute.values)].sort((a, b) => a - b),
    hours: [...numbers(f.hour.values)].sort((a, b) => a - b),
    months: flags(f.month.values, 13),
    daysOfMonth: flags(f.dayOfMonth.values, 32),
    daysOfWeek: flags(f.dayOfWeek.values, 7, (v) => v % 7),
    dayOfMonthWildcard: f.dayOfMonth.isWildcard,
    dayOfWeekWildcard: f.dayOfWeek.isWildcard,
  };
}

/** Month (1-12), day of month and day of week of the days around the window, from its first day on. */
interface Calendar {
  readonly firstDay: number;
  readonly month: Uint8Array;
  readonly dayOfMonth: Uint8Array;
  readonly dayOfWeek: Uint8Array;
}

let calendar: Calendar | undefined;

function windowCalendar(): Calendar {
  if (!calendar) {
    const firstDay = Math.floor(RUN_WINDOW_START / DAY_MS) - 3;
    const days = Math.ceil(RUN_WINDOW_MS / DAY_MS) + 7;
    const c = { firstDay, month: new Uint8Array(days), dayOfMonth: new Uint8Array(days), dayOfWeek: new Uint8Array(days) };
    for (let i = 0; i < days; i++) {
      const date = new Date((firstDay + i) * DAY_MS);
      c.month[i] = date.getUTCMonth() + 1;
      c.dayOfMonth[i] = date.getUTCDate();
      c.dayOfWeek[i] = date.getUTCDay();
    }
    calendar = c;
  }
  return calendar;
}

/** Whether the schedule runs on day `day` (days since the epoch, of the wall clock). */
function runsOnDay(p: CronPattern, day: number): boolean {
  const c = windowCalendar();
  const i = day - c.firstDay;
  let month: number;
  let dayOfMonth: number;
  let dayOfWeek: number;
  if (i >= 0 && i < c.month.length) {
    month = c.month[i];
    dayOfMonth = c.dayOfMonth[i];
    dayOfWeek = c.dayOfWeek[i];
  } else {
    const date = new Date(day * DAY_MS);
    month = date.getUTCMonth() + 1;
    dayOfMonth = date.getUTCDate();
    dayOfWeek = date.getUTCDay();
  }
  if (!p.months[month]) return false;
  const dom = p.daysOfMonth[dayOfMonth];
  const dow = p.daysOfWeek[dayOfWeek];
  if (p.dayOfWeekWildcard) return dom;
  if (p.dayOfMonthWildcard) return dow;
  return dom || dow; // both restricted: either matches
}

/**
 * Adds the runs whose wall-clock time (as milliseconds on a UTC clock) is in
 * [wallFrom, wallTo], at a constant UTC offset. False once the collector is full.
 */
function wallClockRuns(p: CronPattern, wallFrom: number, wallTo: number, offsetMs: number, runs: RunCollector): boolean {
  for (let day = Math.floor(wallFrom / DAY_MS); day <= Math.floor(wallTo / DAY_MS); day++) {
    if (!runsOnDay(p, day)) continue;
    const base = day * DAY_MS;
    for (const h of p.hours) {
      for (const m of p.minutes) {
        const wall = base + h * HOUR_MS + m * MINUTE_MS;
        if (wall < wallFrom) continue;
        if (wall > wallTo) return true;
        if (!runs.add(wall - offsetMs)) return false;
      }
    }
  }
  return true;
}

/** Adds the runs after `afterMs` up to `untilMs` by stepping `cron-parser`. False once the collector is full. */
function steppedRuns(fields: string, timeZone: string, afterMs: number, untilMs: number, runs: RunCollector): boolean {
  const it = CronExpressionParser.parse(fields.replace(/\?/g, '*'), { tz: timeZone, currentDate: new Date(afterMs), endDate: new Date(untilMs) });
  while (it.hasNext()) {
    if (!runs.add(it.next().getTime())) return false;
  }
  return true;
}

/**
 * Adds the runs after `afterMs` up to `untilMs` by stepping `cron-parser`, as a walk through
 * the whole window would. False when the walk ends here: the collector is full, or
 * `cron-parser` cannot find a next run (it gives up in some zones whose clocks change by 30
 * minutes, such as Australia/Lord_Howe), where the whole-window walk ends too.
 */
function steppedSpanRuns(fields: string, timeZone: string, afterMs: number, untilMs: number, runs: RunCollector): boolean {
  const it = CronExpressionParser.parse(fields.replace(/\?/g, '*'), { tz: timeZone, currentDate: new Date(afterMs) });
  for (;;) {
    let t: number;
    try {
      t = it.next().getTime();
    } catch {
      return false;
    }
    if (t > untilMs) return true;
    if (!runs.add(t)) return false;
  }
}

/** How far around a change of UTC offset the runs are stepped through rather than computed. */
const TRANSITION_MARGIN_MS = 26 * HOUR_MS;

/** Adds the runs in [from, to]: computed at constant offsets, stepped around offset changes. */
function zonedRuns(fields: string, timeZone: string, from: number, to: number, runs: RunCollector): void {
  const p = cronPattern(fields);
  if (timeZone === 'UTC') {
    wallClockRuns(p, from, to, 0, runs);
    return;
  }
  // Spans around the offset changes, merged where they touch.
  const spans: Array<[number, number]> = [];
  for (const t of offsetChanges(timeZone, from - TRANSITION_MARGIN_MS, to + TRANSITION_MARGIN_MS)) {
    const a = Math.max(from, t - TRANSITION_MARGIN_MS);
    const b = Math.min(to, t + TRANSITION_MARGIN_MS);
    if (a > b) continue;
    const prev = spans[spans.length - 1];
    if (prev && a <= prev[1] + 1) prev[1] = Math.max(prev[1], b);
    else spans.push([a, b]);
  }
  let cursor = from;
  for (const [a, b] of spans) {
    if (a > cursor) {
      const offset = utcOffsetMs(timeZone, cursor);
      if (!wallClockRuns(p, cursor + offset, a - 1 + offset, offset, runs)) return;
    }
    // Stepping starts from the last run found (as a continuous walk would) or just before the window.
    if (!steppedSpanRuns(fields, timeZone, runs.last ?? from - 1, b, runs)) return;
    cursor = b + 1;
  }
  if (cursor <= to) {
    const offset = utcOffsetMs(timeZone, cursor);
    wallClockRuns(p, cursor + offset, to + offset, offset, runs);
  }
}

const offsetFormats = new BoundedCache<string, Intl.DateTimeFormat>(64);

/** The zone's UTC offset at `t` (wall clock minus UTC), in milliseconds. */
function utcOffsetMs(timeZone: string, t: number): number {
  const format = offsetFormats.getOrCompute(
    timeZone,
    () =>
      new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      }),
  );
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(t))) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return wall - Math.floor(t / 1000) * 1000;
}

/** Sampling step when looking for offset changes (no zone changes its offset twice within it). */
const OFFSET_SAMPLE_MS = 6 * HOUR_MS;
const offsetChangeCache = new BoundedCache<string, number[]>(64);

/** Instants (to the minute) at which the zone's UTC offset changes within [from, to]. */
function offsetChanges(timeZone: string, from: number, to: number): number[] {
  return offsetChangeCache.getOrCompute(`${timeZone} ${from} ${to}`, () => {
    const changes: number[] = [];
    let t = from;
    let offset = utcOffsetMs(timeZone, t);
    while (t < to) {
      const next = Math.min(to, t + OFFSET_SAMPLE_MS);
      const nextOffset = utcOffsetMs(timeZone, next);
      if (nextOffset !== offset) {
        let lo = t;
        let hi = next;
        while (hi - lo > MINUTE_MS) {
          const mid = Math.floor((lo + hi) / 2);
          if (utcOffsetMs(timeZone, mid) === offset) lo = mid;
          else hi = mid;
        }
        changes.push(hi);
      }
      t = next;
      offset = nextOffset;
    }
    return changes;
  });
}

/**
 * The longest time between two successive runs of any of the schedules together, in
 * seconds: the worst case of data written just after one backup started and saved only by
 * the next. A schedule that fires at most once in two years gives the whole window.
 * Cached per set of expressions.
 */
export function worstCaseGapSeconds(expressions: readonly string[]): number {
  if (expressions.length === 0) throw new Error('worstCaseGapSeconds needs at least one schedule');
  const unique = [...new Set(expressions)].sort();
  return gapCache.getOrCompute(unique.join('\n'), () => {
    const runs = unique.map(cronRuns);
    const until = Math.min(...runs.map((r) => r.coveredUntil));
    const merged = [...new Set(runs.flatMap((r) => r.times.filter((t) => t <= until)))].sort((a, b) => a - b);
    if (merged.length < 2) return RUN_WINDOW_MS / 1000;
    let worst = 0;
    for (let i = 1; i < merged.length; i++) worst = Math.max(worst, merged[i] - merged[i - 1]);
    return worst / 1000;
  });
}

/** The first run of a valid schedule strictly after `afterMs` (ms since the epoch). Throws if invalid. */
export function nextCronRun(expression: string, afterMs: number): number {
  const parsed = parseVeleroCron(expression);
  if (!parsed.ok) throw new Error(`invalid schedule "${expression}": ${parsed.problem}`);
  if (parsed.cron.everySeconds !== undefined) return afterMs + parsed.cron.everySeconds * 1000;
  const it = CronExpressionParser.parse(parsed.cron.fields!.replace(/\?/g, '*'), { tz: parsed.cron.timeZone, currentDate: new Date(afterMs) });
  return it.next().getTime();
}
