/**
 * Chaos Mesh schedule expressions, as plain data. Chaos Mesh v2.8 reads `spec.schedule` of
 * every Schedule (of chaos and of Workflows alike) with robfig/cron v3 and the options
 * `SecondOptional | Minute | Hour | Dom | Month | Dow | Descriptor`:
 *
 * - five fields (minute hour day-of-month month day-of-week), or six with seconds first;
 * - the descriptors `@yearly`/`@annually`, `@monthly`, `@weekly`, `@daily`/`@midnight`,
 *   `@hourly`, and `@every <Go duration>` (run at whole seconds, at least one apart);
 * - an optional `CRON_TZ=<zone> ` or `TZ=<zone> ` prefix, the zone loaded with Go's
 *   `time.LoadLocation` (case-sensitive IANA names). Without it the controller's zone applies
 *   (UTC in the Chaos Mesh images).
 *
 * The parser here follows those rules so that what it accepts Chaos Mesh accepts, and says
 * why when it does not. No cdk8s is loaded.
 */
import { CronExpressionParser } from 'cron-parser';
import { parseGoDuration } from '../common/duration';
import { timeZoneProblem } from '../common/timezone';

/** A schedule taken apart. */
export interface ParsedChaosSchedule {
  /** The expression as written. */
  readonly expression: string;
  /** The zone of a `CRON_TZ=`/`TZ=` prefix, else undefined (the controller's zone, UTC). */
  readonly timeZone?: string;
  /** The `@every` interval in milliseconds (whole seconds, as Chaos Mesh runs it), for an interval. */
  readonly everyMs?: number;
  /** Six fields (seconds first, names and `?` replaced) that cron-parser reads, for a cron expression or descriptor. */
  readonly fields?: string;
}

/** The result of parsing: the schedule, or why Chaos Mesh would refuse it. */
export type ChaosScheduleParse =
  { readonly ok: true; readonly schedule: ParsedChaosSchedule } | { readonly ok: false; readonly problem: string; readonly fix: string };

const DESCRIPTORS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 0 1 1 *',
  '@annually': '0 0 0 1 1 *',
  '@monthly': '0 0 0 1 * *',
  '@weekly': '0 0 0 * * 0',
  '@daily': '0 0 0 * * *',
  '@midnight': '0 0 0 * * *',
  '@hourly': '0 0 * * * *',
};

interface FieldRule {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS: readonly FieldRule[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { name: 'day-of-week', min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

const CRON_FIX =
  'write five fields (minute hour day-of-month month day-of-week) such as "0 9 * * 1", six with seconds first, or a descriptor such as "@daily" or "@every 30m"';

function fieldProblem(rule: FieldRule, field: string): string | undefined {
  const ranges = field.split(',').filter((r) => r !== '');
  if (ranges.length === 0) return `the ${rule.name} field "${field}" is empty`;
  const value = (s: string): number | undefined => {
    const named = rule.names?.indexOf(s.toLowerCase()) ?? -1;
    if (named >= 0) return named + (rule.name === 'month' ? 1 : 0);
    return /^[0-9]+$/.test(s) ? Number(s) : undefined;
  };
  for (const range of ranges) {
    const [span, step, ...more] = range.split('/');
    if (more.length > 0) return `the ${rule.name} field "${field}" has too many "/"`;
    if (step !== undefined && !(/^[0-9]+$/.test(step) && Number(step) > 0))
      return `the ${rule.name} field "${field}" has the step "${step}", which is not a positive whole number`;
    if (span === '*' || span === '?') continue;
    const ends = span.split('-');
    if (ends.length > 2) return `the ${rule.name} field "${field}" has too many "-"`;
    const nums = ends.map(value);
    const bad = ends.find((_e, i) => nums[i] === undefined);
    if (bad !== undefined)
      return `the ${rule.name} field "${field}" has "${bad}", which is not a number${rule.names ? ' or a name' : ''} (no L, W, # or H)`;
    const [lo, hi] = [nums[0]!, nums[nums.length - 1]!];
    if (lo < rule.min || hi > rule.max) return `the ${rule.name} field "${field}" is outside ${rule.min}-${rule.max}`;
    if (lo > hi) return `the ${rule.name} field "${field}" has a range that ends before it starts`;
  }
  return undefined;
}

function normalizeField(rule: FieldRule, field: string): string {
  if (!rule.names) return field.replace(/\?/g, '*');
  return field
    .split(',')
    .filter((r) => r !== '')
    .map((r) =>
      r.replace(/\?/g, '*').replace(/[A-Za-z]{3}/g, (n) => String((rule.names!.indexOf(n.toLowerCase()) ?? 0) + (rule.name === 'month' ? 1 : 0))),
    )
    .join(',');
}

/** Parses a schedule as Chaos Mesh does; never throws. */
export function parseChaosSchedule(expression: string): ChaosScheduleParse {
  const fail = (problem: string, fix = CRON_FIX): ChaosScheduleParse => ({ ok: false, problem, fix });
  if (typeof expression !== 'string' || expression === '') return fail('the schedule is empty');
  let spec = expression;
  let timeZone: string | undefined;
  if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
    const space = spec.search(/ /);
    if (space === -1)
      return fail(
        `"${expression}" names a zone but no schedule after it`,
        'write the schedule after the zone and a space, such as "CRON_TZ=Europe/Berlin 0 9 * * 1"',
      );
    timeZone = spec.slice(spec.indexOf('=') + 1, space);
    const tz = timeZoneProblem(timeZone);
    if (tz) return fail(`the zone of "${expression}": ${tz.problem}`, tz.fix);
    spec = spec.slice(space).trim();
  } else if (spec !== spec.trimStart()) {
    return fail(`"${expression}" starts with whitespace, which Chaos Mesh's parser does not skip`, 'remove the leading whitespace');
  }
  if (spec.startsWith('@')) {
    if (DESCRIPTORS[spec]) return { ok: true, schedule: { expression, timeZone, fields: DESCRIPTORS[spec] } };
    if (spec.startsWith('@every ')) {
      const text = spec.slice('@every '.length);
      const d = parseGoDuration(text);
      if (!d.ok)
        return fail(
          `"${expression}": "${text}" is not a Go duration (${d.problem})`,
          'write @every and one space, then a Go duration such as "@every 30m"',
        );
      if (d.nanoseconds < 1_000_000_000n)
        return fail(`"${expression}" is shorter than a second, and Chaos Mesh would run it every second`, 'give an interval of at least one second');
      if (d.nanoseconds % 1_000_000_000n !== 0n)
        return fail(`"${expression}" is not a whole number of seconds, and Chaos Mesh drops the fraction`, 'give the interval in whole seconds');
      return { ok: true, schedule: { expression, timeZone, everyMs: Number(d.nanoseconds / 1_000_000n) } };
    }
    return fail(
      `"${expression}" is not a descriptor Chaos Mesh knows`,
      'use @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or "@every <duration>" (lower case)',
    );
  }
  const fields = spec.split(/\s+/).filter((f) => f !== '');
  if (fields.length < 5 || fields.length > 6)
    return fail(
      `"${expression}" has ${fields.length} field${fields.length === 1 ? '' : 's'}; Chaos Mesh takes five (minute hour day-of-month month day-of-week), or six with seconds first`,
    );
  const six = fields.length === 5 ? ['0', ...fields] : fields;
  for (let i = 0; i < 6; i++) {
    const p = fieldProblem(FIELDS[i], six[i]);
    if (p) return fail(`"${expression}": ${p}`);
  }
  return { ok: true, schedule: { expression, timeZone, fields: six.map((f, i) => normalizeField(FIELDS[i], f)).join(' ') } };
}

/** The shortest gap between two runs of a parsed schedule, in milliseconds (over the next 200 runs), or undefined when none follows. */
export function minimumGapMs(s: ParsedChaosSchedule): number | undefined {
  if (s.everyMs !== undefined) return s.everyMs;
  try {
    const tz = s.timeZone === undefined || s.timeZone === 'Local' ? 'UTC' : s.timeZone;
    const it = CronExpressionParser.parse(s.fields!, { tz, currentDate: new Date(Date.UTC(2025, 0, 1)) });
    let prev = it.next().getTime();
    let min = Infinity;
    for (let i = 0; i < 200 && it.hasNext(); i++) {
      const t = it.next().getTime();
      min = Math.min(min, t - prev);
      prev = t;
    }
    return Number.isFinite(min) ? min : undefined;
  } catch {
    return undefined;
  }
}
