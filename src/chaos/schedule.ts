import type { Problem } from '../common/errors';
import type { Duration } from 'cdk8s';
import { spelledGoDuration } from '../common/duration';
import { minimumGapMs, parseChaosSchedule } from './cron';
import { spanProblems } from './units';

/** What happens when a run is due while the previous one still runs. */
export class ConcurrencyPolicy {
  /** Skip the new run (the safe default: experiments never pile up). */
  public static forbid(): ConcurrencyPolicy {
    return new ConcurrencyPolicy('Forbid');
  }

  /** Start the new run anyway. */
  public static allow(): ConcurrencyPolicy {
    return new ConcurrencyPolicy('Allow');
  }

  private constructor(
    /** The `concurrencyPolicy` field. */
    public readonly value: 'Forbid' | 'Allow',
  ) {}
}

/** A day of the week, for weekly schedules. */
export class Weekday {
  public static monday(): Weekday {
    return new Weekday(1, 'Monday');
  }
  public static tuesday(): Weekday {
    return new Weekday(2, 'Tuesday');
  }
  public static wednesday(): Weekday {
    return new Weekday(3, 'Wednesday');
  }
  public static thursday(): Weekday {
    return new Weekday(4, 'Thursday');
  }
  public static friday(): Weekday {
    return new Weekday(5, 'Friday');
  }
  public static saturday(): Weekday {
    return new Weekday(6, 'Saturday');
  }
  public static sunday(): Weekday {
    return new Weekday(0, 'Sunday');
  }

  private constructor(
    /** Cron day-of-week number (0 = Sunday). */
    public readonly cron: number,
    /** English name. */
    public readonly name: string,
  ) {}
}

/** Options of every schedule. */
export interface ChaosScheduleOptions {
  /**
   * What to do when a run is due while the previous one still runs.
   * @default ConcurrencyPolicy.forbid()
   */
  readonly concurrencyPolicy?: ConcurrencyPolicy;
  /**
   * Finished runs kept for inspection.
   * @default 3
   */
  readonly historyLimit?: number;
  /**
   * How late a run may start before it is skipped.
   * @default none (a late run starts whenever it can)
   */
  readonly startingDeadline?: Duration;
  /**
   * Write the library's defaults of `concurrencyPolicy` (Forbid) and `historyLimit` (3)
   * into the Schedule. False writes only what is given, as a manifest migrated from YAML had
   * it: Chaos Mesh then applies Forbid, and, without a history limit, keeps no finished run
   * (it deletes each run once it has finished, and a run without a duration at once).
   * @default true
   */
  readonly explicitDefaults?: boolean;
}

/** Time of day, UTC (the Chaos Mesh controller's clock). */
export interface TimeOfDay {
  /**
   * Hour (0-23).
   * @default 0
   */
  readonly hour?: number;
  /**
   * Minute (0-59).
   * @default 0
   */
  readonly minute?: number;
}

/**
 * When a Chaos Mesh `Schedule` starts its experiment or workflow. Renders the concurrency
 * policy and the history limit unless `explicitDefaults` is false (without a history limit,
 * Chaos Mesh deletes every run as soon as it has finished).
 */
export class ChaosSchedule {
  /**
   * A cron expression as Chaos Mesh reads it: five fields (`0 9 * * 1`), six with seconds
   * first (`30 0 9 * * 1`), or a descriptor (`@hourly`, `@every 90s`), optionally after a
   * `CRON_TZ=<IANA zone> ` prefix (`CRON_TZ=Europe/Berlin 0 9 * * 1`). Without the prefix
   * the controller's zone applies (UTC).
   */
  public static cron(expression: string, options: ChaosScheduleOptions = {}): ChaosSchedule {
    return new ChaosSchedule(expression, options);
  }

  /** Every day at the given time. */
  public static daily(at: TimeOfDay = {}, options: ChaosScheduleOptions = {}): ChaosSchedule {
    return new ChaosSchedule(`${at.minute ?? 0} ${at.hour ?? 0} * * *`, options, false, timeOfDayProblems(at));
  }

  /** Once a week, on `day` at the given time. */
  public static weekly(day: Weekday, at: TimeOfDay = {}, options: ChaosScheduleOptions = {}): ChaosSchedule {
    return new ChaosSchedule(`${at.minute ?? 0} ${at.hour ?? 0} * * ${day.cron}`, options, false, timeOfDayProblems(at));
  }

  /**
   * At a fixed interval (`@every 30m`), written in the unit it was given in
   * (`Duration.seconds(400)` is `@every 400s`). Whole seconds, at least one.
   */
  public static every(interval: Duration, options: ChaosScheduleOptions = {}): ChaosSchedule {
    if (spanProblems({ interval }).length > 0) return new ChaosSchedule('@every', options, true);
    return new ChaosSchedule(`@every ${spelledGoDuration(interval)}`, options);
  }

  /** Any schedule string Chaos Mesh accepts. */
  public static of(raw: string, options: ChaosScheduleOptions = {}): ChaosSchedule {
    return new ChaosSchedule(raw, options);
  }

  private constructor(
    /** The `schedule` field. */
    public readonly expression: string,
    /** The options. */
    public readonly options: ChaosScheduleOptions,
    /** True when `every` was given a Duration that cannot be read (NaN, a fraction of a millisecond). */
    private readonly unreadableInterval = false,
    /** Problems with the time of day of `daily` and `weekly`. */
    private readonly atProblems: readonly Problem[] = [],
  ) {}

  /** The concurrency policy in effect. */
  public get concurrencyPolicy(): ConcurrencyPolicy {
    return this.options.concurrencyPolicy ?? ConcurrencyPolicy.forbid();
  }

  /** The history limit in effect. */
  public get historyLimit(): number {
    return this.options.historyLimit ?? 3;
  }

  /** Problems with the hour and minute given to `daily` or `weekly`. */
  public get timeOfDayProblems(): readonly Problem[] {
    return this.atProblems;
  }

  /** True when `every` was given a Duration that cannot be read; reported by the experiment or workflow. */
  public get hasUnreadableInterval(): boolean {
    return this.unreadableInterval;
  }

  /** True for an `@every` interval (after any time-zone prefix). */
  public get isInterval(): boolean {
    return this.expression.replace(/^(CRON_)?TZ=\S*\s+/, '').startsWith('@every');
  }

  /** The shortest gap between two runs in milliseconds, or undefined if Chaos Mesh would refuse the expression. */
  public minimumIntervalMs(): number | undefined {
    const parsed = parseChaosSchedule(this.expression);
    return parsed.ok ? minimumGapMs(parsed.schedule) : undefined;
  }

  /** The schedule fields of a Chaos Mesh `Schedule` spec. */
  public toSpec(): { schedule: string; concurrencyPolicy?: 'Forbid' | 'Allow'; historyLimit?: number; startingDeadlineSeconds?: number } {
    const explicit = this.options.explicitDefaults ?? true;
    const out: { schedule: string; concurrencyPolicy?: 'Forbid' | 'Allow'; historyLimit?: number; startingDeadlineSeconds?: number } = {
      schedule: this.expression,
    };
    if (explicit || this.options.concurrencyPolicy) out.concurrencyPolicy = this.concurrencyPolicy.value;
    if (explicit || this.options.historyLimit !== undefined) out.historyLimit = this.historyLimit;
    if (this.options.startingDeadline) out.startingDeadlineSeconds = this.options.startingDeadline.toSeconds();
    return out;
  }
}

function timeOfDayProblems(at: TimeOfDay): Problem[] {
  const out: Problem[] = [];
  for (const [n, v, max] of [
    ['hour', at.hour, 23],
    ['minute', at.minute, 59],
  ] as const) {
    if (v !== undefined && !(Number.isInteger(v) && v >= 0 && v <= max))
      out.push({
        field: `schedule.${n}`,
        problem: `${v} is not ${n === 'hour' ? 'an hour' : 'a minute'} from 0 to ${max}`,
        fix: `give a whole ${n} from 0 to ${max} (UTC)`,
      });
  }
  return out;
}

/** The minimum starting deadline under `Forbid`: shorter ones can drop every run. */
export const MIN_FORBID_STARTING_DEADLINE_MS = 60 * 1000;
/** The minimum starting deadline under any policy: the controller may take this long to notice a due run. */
export const MIN_STARTING_DEADLINE_MS = 10 * 1000;

/**
 * Problems with a schedule. `runLength` is how long one run
 * lasts (the experiment's duration or the workflow's deadline). Chaos Mesh reads the
 * schedules of chaos and of workflows alike, so `_forWorkflow` changes nothing.
 */
export function scheduleProblems(s: ChaosSchedule, runLength: Duration | undefined, _forWorkflow = false): Problem[] {
  const out: Problem[] = [];
  const unreadable = spanProblems({ 'schedule.startingDeadline': s.options.startingDeadline });
  if (unreadable.length > 0) return unreadable;
  const parsed = parseChaosSchedule(s.expression);
  const interval = parsed.ok ? minimumGapMs(parsed.schedule) : undefined;
  if (s.timeOfDayProblems.length > 0) {
    out.push(...s.timeOfDayProblems);
  } else if (s.hasUnreadableInterval) {
    out.push({
      field: 'schedule',
      problem: 'the @every interval is not a whole number of milliseconds (it is NaN, infinite, or a fraction of a millisecond)',
      fix: 'give ChaosSchedule.every a Duration such as Duration.minutes(30)',
    });
  } else if (!parsed.ok) {
    out.push({ field: 'schedule', problem: parsed.problem, fix: parsed.fix });
  } else if (interval === undefined) {
    out.push({
      field: 'schedule',
      problem: `"${s.expression}" never runs (no date matches every field)`,
      fix: 'check the day-of-month and month fields, such as "0 9 30 2 *" (30 February)',
    });
  }
  const h = s.historyLimit;
  if (!Number.isInteger(h) || h < 1)
    out.push({ field: 'schedule.historyLimit', problem: `${h} is not a positive whole number`, fix: 'keep at least one finished run, such as 3' });
  const deadline = s.options.startingDeadline;
  const forbid = s.concurrencyPolicy.value === 'Forbid';
  if (deadline && deadline.toMilliseconds() % 1000 !== 0) {
    out.push({
      field: 'schedule.startingDeadline',
      problem: `${deadline.toMilliseconds()}ms is not a whole number of seconds (startingDeadlineSeconds)`,
      fix: 'give the starting deadline in whole seconds, such as Duration.minutes(2)',
    });
  } else if (deadline) {
    const min = forbid ? MIN_FORBID_STARTING_DEADLINE_MS : MIN_STARTING_DEADLINE_MS;
    if (deadline.toMilliseconds() < min) {
      out.push({
        field: 'schedule.startingDeadline',
        problem: forbid
          ? `a starting deadline of ${deadline.toSeconds()}s with concurrencyPolicy Forbid can start nothing: a run the controller picks up late, or one held back by a previous run, is dropped`
          : `a starting deadline of ${deadline.toSeconds()}s is shorter than the controller's reaction time, so runs may never start`,
        fix: `give a starting deadline of at least ${min / 1000}s, or none`,
      });
    }
  }
  if (forbid && runLength && interval !== undefined && interval > 0 && runLength.toMilliseconds() >= interval) {
    out.push({
      field: 'schedule',
      problem: `each run lasts ${runLength.toMilliseconds() / 1000}s but runs start every ${interval / 1000}s, so with concurrencyPolicy Forbid every other run is skipped`,
      fix: 'shorten the experiment or space the runs further apart',
    });
  }
  return out;
}
