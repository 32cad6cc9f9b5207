/**
 * Velero restores as the DR operations drive them: create a Restore (retrying when the API
 * server is briefly unavailable, since a drill past its deletion must get its restore
 * started), follow it by watch to a final phase, and read its results file (errors and
 * warnings per namespace) through a DownloadRequest, as `velero restore describe` does.
 */
import { downloadVeleroFile } from '../backup/operations';
import { VELERO_RESTORES } from '../cluster/resources';
import { Cluster, ClusterError, KubeObject } from '../cluster/types';
import { waitFor } from '../cluster/wait';

/** Phases after which a Restore does not change any more. */
export const FINAL_RESTORE_PHASES = ['Completed', 'PartiallyFailed', 'Failed', 'FailedValidation'];

/** The facts of one Restore. */
export interface RestoreView {
  readonly name: string;
  readonly phase: string;
  readonly backupName?: string;
  readonly totalItems?: number;
  readonly itemsRestored?: number;
  readonly errors: number;
  readonly warnings: number;
  readonly failureReason?: string;
  readonly validationErrors: readonly string[];
}

/** Reads a Restore object. */
export function restoreView(o: KubeObject): RestoreView {
  const st = (o.status ?? {}) as Record<string, unknown>;
  const progress = (st.progress ?? {}) as { totalItems?: number; itemsRestored?: number };
  return {
    name: o.metadata.name,
    phase: typeof st.phase === 'string' && st.phase ? st.phase : 'New',
    backupName: (o.spec as { backupName?: string } | undefined)?.backupName,
    totalItems: progress.totalItems,
    itemsRestored: progress.itemsRestored,
    errors: Number(st.errors ?? 0),
    warnings: Number(st.warnings ?? 0),
    failureReason: typeof st.failureReason === 'string' ? st.failureReason : undefined,
    validationErrors: Array.isArray(st.validationErrors) ? st.validationErrors.map(String) : [],
  };
}

/** `phase Completed, 12 of 12 items restored, 0 errors, 0 warnings`. */
export function restoreSummary(v: RestoreView): string {
  const items = v.totalItems !== undefined ? `, ${v.itemsRestored ?? 0} of ${v.totalItems} items restored` : '';
  const extra =
    v.phase === 'Failed'
      ? `: ${v.failureReason ?? 'no failureReason recorded'}`
      : v.phase === 'FailedValidation'
        ? `: ${v.validationErrors.join('; ') || 'no validationErrors recorded'}`
        : '';
  return `phase ${v.phase}${extra}${items}, ${v.errors} error${v.errors === 1 ? '' : 's'}, ${v.warnings} warning${v.warnings === 1 ? '' : 's'}`;
}

/** What to restore. */
export interface RestoreRequest {
  readonly name: string;
  readonly backupName: string;
  readonly includedNamespaces: readonly string[];
  /** @default - none */
  readonly namespaceMapping?: Readonly<Record<string, string>>;
  /** @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

function retryable(e: unknown): boolean {
  return e instanceof ClusterError && (e.status === 0 || e.status === 429 || e.status >= 500);
}

/**
 * Creates the Restore; retries on 429, 5xx and connection errors until `deadlineMs` (epoch
 * ms); a 409 means an earlier attempt (or run) created it, which is fine. Returns the
 * object and how many attempts it took.
 */
export async function createRestore(
  cluster: Cluster,
  veleroNamespace: string,
  r: RestoreRequest,
  deadlineMs: number,
): Promise<{ readonly object: KubeObject; readonly attempts: number }> {
  const body: KubeObject = {
    apiVersion: 'velero.io/v1',
    kind: 'Restore',
    metadata: { name: r.name, namespace: veleroNamespace, labels: { ...(r.labels ?? {}) } },
    spec: {
      backupName: r.backupName,
      includedNamespaces: [...r.includedNamespaces],
      ...(r.namespaceMapping && Object.keys(r.namespaceMapping).length ? { namespaceMapping: { ...r.namespaceMapping } } : {}),
      restorePVs: true,
    },
  };
  let delay = 100;
  for (let attempt = 1; ; attempt++) {
    try {
      return { object: await cluster.create(VELERO_RESTORES, body), attempts: attempt };
    } catch (e) {
      if (e instanceof ClusterError && e.status === 409) {
        const existing = await cluster.get(VELERO_RESTORES, r.name, veleroNamespace);
        if (existing) return { object: existing, attempts: attempt };
      }
      if (!retryable(e) || Date.now() + delay > deadlineMs) throw e;
      await new Promise((res) => setTimeout(res, delay));
      delay = Math.min(delay * 2, 2000);
    }
  }
}

/** How following a restore ended. */
export interface RestoreWait {
  readonly outcome: 'final' | 'timeout' | 'deleted' | 'aborted';
  readonly view?: RestoreView;
  readonly reconnects: number;
  readonly relists: number;
}

/** Follows a Restore by watch until a final phase. */
export async function waitForRestore(
  cluster: Cluster,
  veleroNamespace: string,
  name: string,
  timeoutMs: number,
  signal?: AbortSignal,
  onUpdate?: (v: RestoreView) => void,
): Promise<RestoreWait> {
  const r = await waitFor(cluster, VELERO_RESTORES, name, veleroNamespace, (o) => FINAL_RESTORE_PHASES.includes(restoreView(o).phase), {
    timeoutMs,
    signal,
    onUpdate: onUpdate ? (o) => onUpdate(restoreView(o)) : undefined,
  });
  return {
    outcome: r.outcome === 'met' ? 'final' : r.outcome,
    view: r.last ? restoreView(r.last) : undefined,
    reconnects: r.reconnects,
    relists: r.relists,
  };
}

/** A restore's results file: errors and warnings, by Velero, the cluster scope and namespace. */
export interface RestoreResultsFile {
  readonly errors?: {
    readonly velero?: readonly string[];
    readonly cluster?: readonly string[];
    readonly namespaces?: Readonly<Record<string, readonly string[]>>;
  };
  readonly warnings?: {
    readonly velero?: readonly string[];
    readonly cluster?: readonly string[];
    readonly namespaces?: Readonly<Record<string, readonly string[]>>;
  };
}

/** Reads a restore's results; undefined when they cannot be read. */
export async function readRestoreResults(
  cluster: Cluster,
  veleroNamespace: string,
  restore: string,
  timeoutMs: number,
): Promise<RestoreResultsFile | undefined> {
  const buf = await downloadVeleroFile(cluster, veleroNamespace, 'RestoreResults', restore, timeoutMs).catch(() => undefined);
  if (!buf) return undefined;
  try {
    return JSON.parse(buf.toString('utf8')) as RestoreResultsFile;
  } catch {
    return undefined;
  }
}

/** The lines of one part of a results file (`errors` or `warnings`), namespace by namespace. */
export function resultLines(part: RestoreResultsFile['errors']): string[] {
  if (!part) return [];
  return [
    ...(part.velero ?? []).map((m) => `velero: ${m}`),
    ...(part.cluster ?? []).map((m) => `cluster: ${m}`),
    ...Object.entries(part.namespaces ?? {}).flatMap(([ns, ms]) => ms.map((m) => `${ns}: ${m}`)),
  ];
}
