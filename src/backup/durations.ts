/**
 * The one check of every span the backup pillar writes into a Velero object (retention,
 * timeouts, sync periods, hook timeouts) or computes with (RPO targets): a cdk8s `Duration`
 * in, the problems with it out, so that no span reaches a conversion that throws (cdk8s'
 * `toSeconds()` refuses fractions, `toMilliseconds()` refuses `Infinity` and `NaN`).
 *
 * Velero reads these fields as Go durations of whole seconds' sense: a fraction of a second
 * is never what was meant, and Go's longest duration is about 292 years.
 */
import type { Duration } from 'cdk8s';
import type { Problem } from '../common/errors';
import { humanDuration } from '../common/duration';

/** Go's longest duration, in milliseconds (2^63-1 nanoseconds, about 292 years). */
export const GO_MAX_DURATION_MS = 9_223_372_036_854;

/** Options of {@link durationProblems}. */
export interface DurationFieldOptions {
  /**
   * The shortest length accepted, in seconds (0 accepts zero).
   * @default 1
   */
  readonly minSeconds?: number;
  /**
   * Also accept exactly zero (a field where `0s` turns a feature off).
   * @default false
   */
  readonly allowZero?: boolean;
  /**
   * How to fix a span that is too short.
   * @default 'give a Duration of at least <minSeconds>s'
   */
  readonly tooShortFix?: string;
}

const WHOLE_FIX = 'use whole seconds: Duration.seconds(n), Duration.minutes(n), Duration.hours(n) or Duration.days(n)';

/** The span's length in milliseconds, or undefined when it cannot be read as a finite number. */
export function readMilliseconds(d: Duration): number | undefined {
  if (d === null || typeof d !== 'object' || typeof (d as { toMilliseconds?: unknown }).toMilliseconds !== 'function') return undefined;
  try {
    const ms = d.toMilliseconds();
    return Number.isFinite(ms) ? ms : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Problems with a span a Velero field or a computation takes, reported at `field`: not a
 * Duration, not finite, negative, not whole seconds, shorter than `minSeconds` (zero allowed
 * with `allowZero`), or longer than Go's longest duration. Empty for `undefined`.
 */
export function durationProblems(field: string, d: Duration | undefined, options: DurationFieldOptions = {}): Problem[] {
  if (d === undefined) return [];
  const min = options.minSeconds ?? 1;
  const ms = readMilliseconds(d);
  if (ms === undefined)
    return [{ field, problem: 'the duration is not a finite length (a Duration of Infinity or NaN, or not a Duration)', fix: WHOLE_FIX }];
  if (ms < 0) return [{ field, problem: `the duration is negative (${ms}ms)`, fix: WHOLE_FIX }];
  if (ms === 0 && options.allowZero) return [];
  if (ms % 1000 !== 0) return [{ field, problem: `${ms}ms is not a whole number of seconds`, fix: WHOLE_FIX }];
  if (ms < min * 1000)
    return [
      {
        field,
        problem: ms === 0 ? 'the duration is zero' : `${humanDuration(ms)} is shorter than ${humanDuration(min * 1000)}`,
        fix: options.tooShortFix ?? `give a Duration of at least ${humanDuration(min * 1000)}${options.allowZero ? ', or zero to turn it off' : ''}`,
      },
    ];
  if (ms > GO_MAX_DURATION_MS)
    return [{ field, problem: `${humanDuration(ms)} is longer than Go's longest duration (about 292 years)`, fix: 'give a shorter Duration' }];
  return [];
}
