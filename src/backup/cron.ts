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
import { CronExpressionParser } from 'cron-parser';
import { goDurationMs } from '../common/duration';

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

/** The result of parsing: the schedule, or why Velero would reject it. */
export type CronParseResult = { readonly ok: true; readonly cron: ParsedVeleroCron } | { readonly ok: false; readonly problem: string };

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function fieldProblem(index: number, field: string): string | undefined {
  const names = index === 3 ? MONTH_NAMES : index === 4 ? DAY_NAMES : [];
  for (const token of field.split(/[,\-/]/)) {
    if (token === '' ) return `the ${FIELD_NAMES[index]} field "${field}" has an empty part`;
    if (/^[0-9]+$/.test(token) || token === '*' || token === '?') continue;
    if (/^[A-Za-z]{3}$/.test(token) && names.includes(token.toUpperCase())) continue;
    return `the ${FIELD_NAMES[index]} field "${field}" uses "${token}", which Velero's cron parser does not understand (no L, W, # or H)`;
  }
  return undefined;
}

/** Parses a Velero schedule expression; never throws. */
export function parseVeleroCron(expression: string): CronParseResult {
  let body = expression.trim();
  let timeZone = 'UTC';
  const tz = /^(CRON_TZ|TZ)=(\S+)\s+(.*)$/.exec(body);
  if (tz) {
    if (!validTimeZone(tz[2])) return { ok: false, problem: `"${tz[2]}" is not a known IANA time zone` };
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
    if (!fields) return { ok: false, problem: `"${body}" is not a descriptor Velero knows (@yearly, @monthly, @weekly, @daily, @hourly, @every <duration>)` };
    return { ok: true, cron: { expression, timeZone, fields } };
  }
  const parts = body.split(/\s+/);
  if (parts.length !== 5) {
    return { ok: false, problem: `"${body}" has ${parts.length} field${parts.length === 1 ? '' : 's'}; Velero expects 5 (minute hour day-of-month month day-of-week), with no seconds field` };
  }
  for (let i = 0; i < 5; i++) {
    const p = fieldProblem(i, parts[i]);
    if (p) return { ok: false, problem: p };
  }
  try {
    CronExpressionParser.parse(parts.join(' ').replace(/\?/g, '*'), { tz: timeZone });
  } catch (e) {
    return { ok: false, problem: `"${body}" is not a valid cron expression (${(e as Error).message})` };
  }
  return { ok: true, cron: { expression, timeZone, fields: parts.join(' ') } };
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

const runCache = new Map<string, CronRuns>();

/** Run times of a valid schedule over the window. Throws if the expression is invalid. */
export function cronRuns(expression: string): CronRuns {
  const cached = runCache.get(expression);
  if (cached) return cached;
  const parsed = parseVeleroCron(expression);
  if (!parsed.ok) throw new Error(`invalid schedule "${expression}": ${parsed.problem}`);
  const end = RUN_WINDOW_START + RUN_WINDOW_MS;
  const times: number[] = [];
  let coveredUntil = end;
  if (parsed.cron.everySeconds !== undefined) {
    const step = parsed.cron.everySeconds * 1000;
    for (let t = RUN_WINDOW_START; t <= end; t += step) {
      if (times.length >= MAX_RUNS && t > RUN_WINDOW_START + MIN_WINDOW_MS) {
        coveredUntil = times[times.length - 1];
        break;
      }
      times.push(t);
    }
  } else {
    const it = CronExpressionParser.parse(parsed.cron.fields!.replace(/\?/g, '*'), {
      tz: parsed.cron.timeZone,
      currentDate: new Date(RUN_WINDOW_START - 1),
      endDate: new Date(end),
    });
    while (it.hasNext()) {
      if (times.length >= MAX_RUNS && times[times.length - 1] > RUN_WINDOW_START + MIN_WINDOW_MS) {
        coveredUntil = times[times.length - 1];
        break;
      }
      times.push(it.next().getTime());
    }
  }
  const result = { times, coveredUntil };
  runCache.set(expression, result);
  return result;
}

/**
 * The longest time between two successive runs of any of the schedules together, in
 * seconds: the worst case of data written just after one backup started and saved only by
 * the next. A schedule that fires at most once in two years gives the whole window.
 */
export function worstCaseGapSeconds(expressions: readonly string[]): number {
  if (expressions.length === 0) throw new Error('worstCaseGapSeconds needs at least one schedule');
  const runs = expressions.map(cronRuns);
  const until = Math.min(...runs.map((r) => r.coveredUntil));
  const merged = [...new Set(runs.flatMap((r) => r.times.filter((t) => t <= until)))].sort((a, b) => a - b);
  if (merged.length < 2) return RUN_WINDOW_MS / 1000;
  let worst = 0;
  for (let i = 1; i < merged.length; i++) worst = Math.max(worst, merged[i] - merged[i - 1]);
  return worst / 1000;
}

/** The first run of a valid schedule strictly after `afterMs` (ms since the epoch). Throws if invalid. */
export function nextCronRun(expression: string, afterMs: number): number {
  const parsed = parseVeleroCron(expression);
  if (!parsed.ok) throw new Error(`invalid schedule "${expression}": ${parsed.problem}`);
  if (parsed.cron.everySeconds !== undefined) return afterMs + parsed.cron.everySeconds * 1000;
  const it = CronExpressionParser.parse(parsed.cron.fields!.replace(/\?/g, '*'), { tz: parsed.cron.timeZone, currentDate: new Date(afterMs) });
  return it.next().getTime();
}
