import type { Problem } from '../common/errors';
import type { Duration } from 'cdk8s';
import { CronExpressionParser } from 'cron-parser';
import { compactGoDuration, goDurationMs } from '../common/duration';

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
 * When a Chaos Mesh `Schedule` starts its experiment or workflow. Always renders the
 * concurrency policy and the history limit (Chaos Mesh misbehaves without them).
 */
export class ChaosSchedule {
  /** A five-field cron expression (`0 9 * * 1`) or a descriptor (`@hourly`). */
  public static cron(expression: string, options: ChaosScheduleOptions = {}): ChaosSchedule {
    return new ChaosSchedule(expression, options);
  }

  /** Every day at the given time. */
  public static daily(at: TimeOfDay = {}, options: ChaosScheduleOptions = {}): ChaosSchedule {
    return new ChaosSchedule(`${at.minute ?? 0} ${at.hour ?? 0} * * *`, options);
  }

  /** Once a week, on `day` at the given time. */
  public static weekly(day: Weekday, at: TimeOfDay = {}, options: ChaosScheduleOptions = {}): ChaosSchedule {
    return new ChaosSchedule(`${at.minute ?? 0} ${at.hour ?? 0} * * ${day.cron}`, options);
  }

  /** At a fixed interval (`@every 30m`). Not accepted for workflow schedules. */
  public static every(interval: Duration, options: ChaosScheduleOptions = {}): ChaosSchedule {
    return new ChaosSchedule(`@every ${compactGoDuration(interval)}`, options, interval);
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
    private readonly everyInterval?: Duration,
  ) {}

  /** The concurrency policy in effect. */
  public get concurrencyPolicy(): ConcurrencyPolicy {
    return this.options.concurrencyPolicy ?? ConcurrencyPolicy.forbid();
  }

  /** The history limit in effect. */
  public get historyLimit(): number {
    return this.options.historyLimit ?? 3;
  }

  /** True for an `@every` interval. */
  public get isInterval(): boolean {
    return this.expression.trim().startsWith('@every');
  }

  /** The shortest gap between two runs in milliseconds, or undefined if the expression is invalid. */
  public minimumIntervalMs(): number | undefined {
    if (this.everyInterval) return this.everyInterval.toMilliseconds();
    if (this.isInterval) return goDurationMs(this.expression.trim().slice('@every'.length).trim());
    try {
      const it = CronExpressionParser.parse(this.expression, { tz: 'UTC', currentDate: new Date(Date.UTC(2025, 0, 1)) });
      let prev = it.next().getTime();
      let min = Infinity;
      for (let i = 0; i < 60; i++) {
        const t = it.next().getTime();
        min = Math.min(min, t - prev);
        prev = t;
      }
      return min;
    } catch {
      return undefined;
    }
  }

  /** The schedule fields of a Chaos Mesh `Schedule` spec. */
  public toSpec(): { schedule: string; concurrencyPolicy: 'Forbid' | 'Allow'; historyLimit: number; startingDeadlineSeconds?: number } {
    const out: { schedule: string; concurrencyPolicy: 'Forbid' | 'Allow'; historyLimit: number; startingDeadlineSeconds?: number } = {
      schedule: this.expression,
      concurrencyPolicy: this.concurrencyPolicy.value,
      historyLimit: this.historyLimit,
    };
    if (this.options.startingDeadline) out.startingDeadlineSeconds = this.options.startingDeadline.toSeconds();
    return out;
  }
}

/** The minimum starting deadline under `Forbid`: shorter ones can drop every run. */
export const MIN_FORBID_STARTING_DEADLINE_MS = 60 * 1000;
/** The minimum starting deadline under any policy: the controller may take this long to notice a due run. */
export const MIN_STARTING_DEADLINE_MS = 10 * 1000;

/**
 * Problems with a schedule. `runLength` is how long one run
 * lasts (the experiment's duration or the workflow's deadline); `forWorkflow` is true for
 * a schedule of a workflow.
 */
export function scheduleProblems(s: ChaosSchedule, runLength: Duration | undefined, forWorkflow: boolean): Problem[] {
  const out: Problem[] = [];
  const expr = s.expression.trim();
  const fields = expr.split(/\s+/);
  const interval = s.minimumIntervalMs();
  if (s.isInterval) {
    if (forWorkflow) {
      out.push({
        field: 'schedule',
        problem: `"${expr}": Chaos Mesh does not accept @every for Workflow schedules`,
        fix: 'use a cron expression such as ChaosSchedule.daily() or ChaosSchedule.cron("0 */2 * * *")',
      });
    }
    if (interval === undefined || interval <= 0)
      out.push({
        field: 'schedule',
        problem: `"${expr}" is not a valid @every interval`,
        fix: 'write @every with a Go duration such as "@every 30m"',
      });
  } else if (!expr.startsWith('@') && fields.length !== 5) {
    out.push({
      field: 'schedule',
      problem: `"${expr}" has ${fields.length} fields; Chaos Mesh takes five (minute hour day month weekday)`,
      fix: 'write a five-field cron expression such as "0 9 * * 1"',
    });
  } else if (interval === undefined) {
    out.push({
      field: 'schedule',
      problem: `"${expr}" is not a valid cron expression`,
      fix: 'write a five-field cron expression such as "0 9 * * 1"',
    });
  }
  const h = s.historyLimit;
  if (!Number.isInteger(h) || h < 1)
    out.push({ field: 'schedule.historyLimit', problem: `${h} is not a positive whole number`, fix: 'keep at least one finished run, such as 3' });
  const deadline = s.options.startingDeadline;
  const forbid = s.concurrencyPolicy.value === 'Forbid';
  if (deadline) {
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
      problem: `each run lasts ${runLength.toSeconds()}s but runs start every ${interval / 1000}s, so with concurrencyPolicy Forbid every other run is skipped`,
      fix: 'shorten the experiment or space the runs further apart',
    });
  }
  return out;
}
