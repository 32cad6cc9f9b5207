import type { Problem } from '../common/errors';
import { timeZoneProblem } from '../common/timezone';
import { parseVeleroCron } from './cron';

/** Options of {@link BackupSchedule.daily}. */
export interface DailyScheduleOptions {
  /** Hour of the day, 0-23, in UTC unless a time zone is given. @default 2 */
  readonly hour?: number;
  /** Minute of the hour, 0-59. @default 0 */
  readonly minute?: number;
  /** IANA time zone, written as a `CRON_TZ=` prefix (Velero 1.15 or later). @default UTC */
  readonly timeZone?: string;
}

/** Options of {@link BackupSchedule.hourly}. */
export interface HourlyScheduleOptions {
  /** Minute of the hour, 0-59. @default 0 */
  readonly minute?: number;
}

/** Options of {@link BackupSchedule.weekly}. */
export interface WeeklyScheduleOptions extends DailyScheduleOptions {
  /** Day of the week, 0 (Sunday) to 6 (Saturday). @default 0 */
  readonly dayOfWeek?: number;
}

/** Options of {@link BackupSchedule.cron}. */
export interface CronScheduleOptions {
  /** IANA time zone, written as a `CRON_TZ=` prefix (Velero 1.15 or later). @default UTC */
  readonly timeZone?: string;
}

/**
 * When a Velero Schedule runs. Velero evaluates cron expressions in **UTC** (the server's
 * zone); an explicit zone is written as a `CRON_TZ=<zone>` prefix, which Velero 1.15 and
 * later understand.
 */
export class BackupSchedule {
  /** Every day at `hour:minute` (UTC by default). */
  public static daily(options: DailyScheduleOptions = {}): BackupSchedule {
    const { hour = 2, minute = 0 } = options;
    return new BackupSchedule(withZone(`${minute} ${hour} * * *`, options.timeZone), [
      zoneOptionProblem(options.timeZone),
      rangeProblem('hour', hour, 0, 23),
      rangeProblem('minute', minute, 0, 59),
    ]);
  }

  /** Every hour at `minute` past. */
  public static hourly(options: HourlyScheduleOptions = {}): BackupSchedule {
    const { minute = 0 } = options;
    return new BackupSchedule(`${minute} * * * *`, [rangeProblem('minute', minute, 0, 59)]);
  }

  /** Every `hours` hours (a divisor of 24), at `minute` past. */
  public static everyHours(hours: number, options: HourlyScheduleOptions = {}): BackupSchedule {
    const { minute = 0 } = options;
    const problems = [rangeProblem('minute', minute, 0, 59), rangeProblem('hours', hours, 1, 24)];
    if (Number.isInteger(hours) && hours >= 1 && hours <= 24 && 24 % hours !== 0) {
      problems.push(`every ${hours} hours does not divide the day evenly (the gap at midnight would differ); use a divisor of 24 or cron()`);
    }
    return new BackupSchedule(`${minute} ${hours === 24 ? '0' : `*/${hours}`} * * *`, problems);
  }

  /** Once a week on `dayOfWeek` at `hour:minute`. */
  public static weekly(options: WeeklyScheduleOptions = {}): BackupSchedule {
    const { dayOfWeek = 0, hour = 2, minute = 0 } = options;
    return new BackupSchedule(withZone(`${minute} ${hour} * * ${dayOfWeek}`, options.timeZone), [
      zoneOptionProblem(options.timeZone),
      rangeProblem('dayOfWeek', dayOfWeek, 0, 6),
      rangeProblem('hour', hour, 0, 23),
      rangeProblem('minute', minute, 0, 59),
    ]);
  }

  /** A five-field cron expression (minute hour day-of-month month day-of-week), checked as Velero would. */
  public static cron(expression: string, options: CronScheduleOptions = {}): BackupSchedule {
    const prefixed = options.timeZone !== undefined && /^(CRON_TZ|TZ)=/.test(String(expression).trim());
    return new BackupSchedule(withZone(String(expression).trim(), options.timeZone), [
      prefixed
        ? {
            field: 'timeZone',
            problem: 'the expression has its own CRON_TZ= (or TZ=) prefix as well as the timeZone option',
            fix: "give the zone once: in the timeZone option, with the expression's five fields alone",
          }
        : undefined,
      zoneOptionProblem(options.timeZone),
    ]);
  }

  /** Any expression Velero accepts, as written (descriptors, `@every 6h`, a `CRON_TZ=` prefix). */
  public static of(raw: string): BackupSchedule {
    return new BackupSchedule(raw, []);
  }

  /** The value of the Schedule's `spec.schedule`. */
  public readonly expression: string;
  private readonly own: OwnProblem[];

  private constructor(expression: string, problems: Array<OwnProblem | string | undefined>) {
    this.expression = expression;
    this.own = problems.filter((p) => p !== undefined).map((p) => (typeof p === 'string' ? { problem: p } : p));
  }

  /** What is wrong with this schedule, reported at `field`; empty when Velero would accept it. */
  public problems(field = 'schedule'): Problem[] {
    const parsed = parseVeleroCron(this.expression);
    const found: OwnProblem[] = this.own.length > 0 ? this.own : parsed.ok ? [] : [{ problem: parsed.problem, fix: parsed.fix }];
    return found.map((p) => ({
      field: p.field ? `${field}.${p.field}` : field,
      problem: `"${this.expression}": ${p.problem}`,
      fix: p.fix ?? 'write five fields (minute hour day-of-month month day-of-week), evaluated in UTC, e.g. "0 2 * * *"',
    }));
  }

  public toString(): string {
    return this.expression;
  }
}

/** A problem a factory found in its options: the option (below the schedule's field), the problem, a fix. */
interface OwnProblem {
  readonly field?: string;
  readonly problem: string;
  readonly fix?: string;
}

function zoneOptionProblem(tz: string | undefined): OwnProblem | undefined {
  if (tz === undefined) return undefined;
  const p = timeZoneProblem(tz);
  return p ? { field: 'timeZone', problem: p.problem, fix: p.fix } : undefined;
}

function withZone(expr: string, tz: string | undefined): string {
  return tz && tz !== 'UTC' ? `CRON_TZ=${tz} ${expr}` : expr;
}

function rangeProblem(name: string, value: number, min: number, max: number): string | undefined {
  if (!Number.isInteger(value) || value < min || value > max) return `${name} ${value} is not a whole number from ${min} to ${max}`;
  return undefined;
}

/**
 * How the volumes of backed-up pods are saved.
 */
export class VolumeBackupMethod {
  /**
   * File-system backup of every pod volume by the node agent (kopia): works on any storage,
   * needs the node agent installed. Writes `defaultVolumesToFsBackup: true`.
   */
  public static fileSystem(): VolumeBackupMethod {
    return new VolumeBackupMethod('fileSystem', { defaultVolumesToFsBackup: true, snapshotVolumes: false });
  }

  /** Volume snapshots through the storage provider or CSI. Writes `snapshotVolumes: true`. */
  public static snapshots(): VolumeBackupMethod {
    return new VolumeBackupMethod('snapshots', { snapshotVolumes: true, defaultVolumesToFsBackup: false });
  }

  /** CSI snapshots whose data is moved into the backup storage location (`snapshotMoveData`). */
  public static snapshotsWithDataMovement(): VolumeBackupMethod {
    return new VolumeBackupMethod('snapshotsWithDataMovement', { snapshotVolumes: true, snapshotMoveData: true, defaultVolumesToFsBackup: false });
  }

  /**
   * Resources only: no snapshots, and file-system backup only for volumes a pod opts into
   * with the `backup.velero.io/backup-volumes` annotation.
   */
  public static none(): VolumeBackupMethod {
    return new VolumeBackupMethod('none', { snapshotVolumes: false, defaultVolumesToFsBackup: false });
  }

  /**
   * No volume field at all: Velero's server defaults decide (snapshots where a snapshot
   * location exists, file-system backup if the server runs with `--default-volumes-to-fs-backup`).
   * For a Backup or Schedule migrated from YAML that sets none of the volume fields.
   */
  public static veleroDefaults(): VolumeBackupMethod {
    return new VolumeBackupMethod('veleroDefaults', {});
  }

  /** Any combination of the template's volume fields, as written. */
  public static of(fields: VolumeBackupFields): VolumeBackupMethod {
    return new VolumeBackupMethod('custom', fields);
  }

  private constructor(
    public readonly name: string,
    public readonly fields: VolumeBackupFields,
  ) {}
}

/** The Schedule template fields that decide how volumes are saved. */
export interface VolumeBackupFields {
  readonly snapshotVolumes?: boolean;
  readonly defaultVolumesToFsBackup?: boolean;
  readonly snapshotMoveData?: boolean;
  readonly datamover?: string;
}
