/**
 * Faults the simulated cluster can inject, per test or per demo scenario. Each fault counts
 * down: it applies to the next N matching requests, streams or objects, then stops.
 */

/** API errors for the next `count` requests that match. */
export interface ApiErrorFault {
  /** 429 (with Retry-After), 500 or 503. */
  readonly status: 429 | 500 | 503;
  count: number;
  /** Only this HTTP method. @default - any */
  readonly method?: string;
  /** Only paths containing this text. @default - any */
  readonly pathIncludes?: string;
}

/** A verb/resource pair RBAC refuses (403), e.g. { verb: 'list', resource: 'backups.velero.io' }. */
export interface ForbiddenFault {
  readonly verb: string;
  /** `plural` for the core group, `plural.group` otherwise. */
  readonly resource: string;
}

/** How the next Velero Backup (by name prefix, or any) ends. */
export interface BackupOutcomeFault {
  /** Backups whose name starts with this. @default - any */
  readonly namePrefix?: string;
  readonly outcome: 'Failed' | 'PartiallyFailed';
  /** Errors for PartiallyFailed. @default 2 */
  readonly errors?: number;
  /** Failure reason for Failed. @default 'simulated: object storage write failed' */
  readonly failureReason?: string;
  count: number;
}

/** How the next Velero Restore ends. */
export interface RestoreFault {
  readonly namePrefix?: string;
  /** `stuck`: stays InProgress; `PartiallyFailed`: some items fail. */
  readonly outcome: 'stuck' | 'PartiallyFailed' | 'Failed';
  count: number;
}

/** The next backups that include `namespace` complete without any of its objects (a silent omission). */
export interface BackupOmissionFault {
  readonly namespace: string;
  count: number;
}

/** Every fault, mutable so tests can add them to a running simulation. */
export interface Faults {
  apiErrors: ApiErrorFault[];
  forbidden: ForbiddenFault[];
  /** Close this many watch streams early (after `dropAfterMs`). */
  dropWatches: number;
  /** @default 40 */
  dropAfterMs: number;
  /** Answer this many watches that name a resourceVersion with `410 Gone`. */
  goneWatches: number;
  backupOutcomes: BackupOutcomeFault[];
  backupOmissions: BackupOmissionFault[];
  restoreOutcomes: RestoreFault[];
  /** BackupStorageLocations (by name) that report Unavailable. */
  unavailableStorage: Set<string>;
  /** Multiplies every controller delay (a slow controller). @default 1 */
  controllerSlowdown: number;
  /** Signed object-store URLs fail (503), as when the bucket is reachable only inside the cluster. @default false */
  objectStoreUnreachable: boolean;
}

export function noFaults(): Faults {
  return {
    apiErrors: [],
    forbidden: [],
    dropWatches: 0,
    dropAfterMs: 40,
    goneWatches: 0,
    backupOutcomes: [],
    backupOmissions: [],
    restoreOutcomes: [],
    unavailableStorage: new Set(),
    controllerSlowdown: 1,
    objectStoreUnreachable: false,
  };
}

/** Takes (counts down) the first fault matching `match`. */
export function takeFault<T extends { count: number }>(list: T[], match: (f: T) => boolean): T | undefined {
  const f = list.find((x) => x.count > 0 && match(x));
  if (f) f.count--;
  return f;
}
