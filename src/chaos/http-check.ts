/** HTTP status checks, as plain data: shared by workflow steps and standalone StatusChecks. */
import type { Duration } from 'cdk8s';
import { SpelledSpan, spelledGoDuration } from '../common/duration';
import type { Problem } from '../common/errors';
import { httpUrlProblems } from '../common/net';
import { spanProblems } from './units';

/** How a status check runs. */
export class StatusCheckMode {
  /** Check until the success or failure threshold is reached, then move on. */
  public static synchronous(): StatusCheckMode {
    return new StatusCheckMode('Synchronous', true);
  }
  /**
   * Keep checking in the background for the check's duration (beside parallel chaos). In a
   * workflow the duration defaults to the step's deadline.
   */
  public static continuous(): StatusCheckMode {
    return new StatusCheckMode('Continuous', true);
  }
  /**
   * Keep checking without a duration: in a workflow until the step's deadline ends it; a
   * standalone check until its object is deleted (or its failure threshold is reached).
   */
  public static continuousUntilStopped(): StatusCheckMode {
    return new StatusCheckMode('Continuous', false);
  }

  private constructor(
    /** The `mode` field. */
    public readonly value: 'Synchronous' | 'Continuous',
    /** False when no duration is written for a continuous check. */
    public readonly bounded: boolean,
  ) {}
}

/** An inclusive range of HTTP status codes (`200-299`). */
export interface StatusCodeRange {
  /** Lowest accepted code. */
  readonly from: number;
  /** Highest accepted code. */
  readonly to: number;
}

/** The HTTP check and its rhythm, shared by workflow steps and standalone checks. */
export interface HttpStatusCheckOptions {
  /** URL to request. */
  readonly url: string;
  /**
   * Expected status code, or an inclusive range.
   * @default 200
   */
  readonly expectStatus?: number | StatusCodeRange;
  /**
   * HTTP method.
   * @default 'GET'
   */
  readonly method?: 'GET' | 'POST';
  /**
   * Request body.
   * @default none
   */
  readonly body?: string;
  /**
   * Request headers (each with one or more values).
   * @default none
   */
  readonly headers?: Readonly<Record<string, readonly string[]>>;
  /**
   * Synchronous or continuous.
   * @default StatusCheckMode.synchronous()
   */
  readonly mode?: StatusCheckMode;
  /**
   * Time between checks.
   * @default Duration.seconds(5)
   */
  readonly interval?: Duration;
  /**
   * Timeout of one check.
   * @default Duration.seconds(2)
   */
  readonly timeout?: Duration;
  /**
   * Failures in a row that fail the check.
   * @default 3
   */
  readonly failureThreshold?: number;
  /**
   * Successes in a row that pass the check (synchronous mode).
   * @default 1
   */
  readonly successThreshold?: number;
}

/** Problems with the HTTP check options, fields under `prefix`. */
export function httpStatusCheckProblems(prefix: string, o: HttpStatusCheckOptions): Problem[] {
  const out: Problem[] = [];
  const f = (n: string) => (prefix ? `${prefix}.${n}` : n);
  out.push(...httpUrlProblems(f('url'), o.url, { fix: 'give the full URL, such as http://demo-app.team-alpha.svc:8080/health' }));
  const code = (n: number) => Number.isInteger(n) && n >= 100 && n <= 599;
  const e = o.expectStatus;
  if (typeof e === 'number' ? !code(e) : e !== undefined && !(code(e.from) && code(e.to) && e.from <= e.to)) {
    out.push({
      field: f('expectStatus'),
      problem: `${JSON.stringify(e)} is not an HTTP status code or range`,
      fix: 'give a code such as 200 or a range such as { from: 200, to: 299 }',
    });
  }
  for (const [n, v] of [
    ['failureThreshold', o.failureThreshold],
    ['successThreshold', o.successThreshold],
  ] as const) {
    if (v !== undefined && !(Number.isInteger(v) && v >= 1))
      out.push({ field: f(n), problem: `${v} is not a positive whole number`, fix: 'give at least 1' });
  }
  for (const [n, v] of [
    ['interval', o.interval],
    ['timeout', o.timeout],
  ] as const) {
    const unreadable = spanProblems({ [f(n)]: v });
    out.push(...unreadable);
    if (v !== undefined && unreadable.length === 0 && v.toMilliseconds() < 1000)
      out.push({
        field: f(n),
        problem: `${v.toMilliseconds()}ms is shorter than a second, the smallest step Chaos Mesh takes`,
        fix: 'give at least Duration.seconds(1)',
      });
  }
  return out;
}

/**
 * The `statusCheck` spec of the options; `duration` is written when given. With
 * `writeDefaults` (workflow steps) the library's defaults are written out; without it
 * (standalone checks) only what was given, and Chaos Mesh's own defaults apply.
 */
export function httpStatusCheckSpec(o: HttpStatusCheckOptions, duration: SpelledSpan | undefined, writeDefaults = true): Record<string, unknown> {
  const d = <T>(given: T | undefined, fallback: T): T | undefined => given ?? (writeDefaults ? fallback : undefined);
  const seconds = (ms: number | undefined) => (ms === undefined ? undefined : Math.max(1, Math.round(ms / 1000)));
  const mode = d(o.mode, StatusCheckMode.synchronous());
  const e = o.expectStatus ?? 200;
  return JSON.parse(
    JSON.stringify({
      mode: mode?.value,
      type: 'HTTP',
      duration: duration ? spelledGoDuration(duration) : undefined,
      intervalSeconds: seconds(d(o.interval?.toMilliseconds(), 5000)),
      timeoutSeconds: seconds(d(o.timeout?.toMilliseconds(), 2000)),
      failureThreshold: d(o.failureThreshold, 3),
      successThreshold: d(o.successThreshold, 1),
      http: {
        url: o.url,
        method: d(o.method, 'GET'),
        headers: o.headers ? Object.fromEntries(Object.entries(o.headers).map(([k, v]) => [k, [...v]])) : undefined,
        body: o.body,
        criteria: { statusCode: typeof e === 'number' ? String(e) : `${e.from}-${e.to}` },
      },
    }),
  ) as Record<string, unknown>;
}
