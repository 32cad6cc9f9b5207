/**
 * The history of drills and restore tests, kept in the cluster: one ConfigMap in Velero's
 * namespace holds one JSON record per run (the measured RTO, the verdict, the whole report),
 * so `dr check` can tell whether the RTO target is achievable from the last measurement,
 * whichever machine ran it. The newest 50 records are kept, and fewer when they would not
 * fit well under a ConfigMap's 1 MiB.
 */
import { CONFIGMAPS } from '../cluster/resources';
import { Cluster, ClusterError, KubeObject } from '../cluster/types';
import { CheckStatus, Report } from '../report/model';
import { randomSuffix, stamp } from './common';

/** The ConfigMap that keeps the history. */
export const HISTORY_CONFIGMAP = 'cdk8s-resilience-dr-history';

/** The version of a history record. */
export const HISTORY_SCHEMA = 'cdk8s-resilience.dr-history/v1';

const MAX_RECORDS = 50;
const MAX_BYTES = 800 * 1024;

/** One run, as kept. */
export interface DrHistoryRecord {
  /** The record format, `cdk8s-resilience.dr-history/v1`. */
  readonly schema: typeof HISTORY_SCHEMA;
  /** `dr drill` or `dr restore-test`. */
  readonly command: string;
  /** When the run's report was made (ISO 8601). */
  readonly at: string;
  /** The run's verdict. */
  readonly verdict: CheckStatus;
  /** The namespaces it restored (their names in the backup). */
  readonly namespaces: readonly string[];
  /** The backup it restored. @default - none */
  readonly backup?: string;
  /** The measured recovery time in seconds; absent when the workloads did not all become Ready. */
  readonly rtoSeconds?: number;
  /** The RTO target it was run with, in seconds. */
  readonly rtoTargetSeconds: number;
  /** The kubeconfig context it ran against. @default - none */
  readonly context?: string;
  /** The API server it ran against. @default - none */
  readonly server?: string;
  /** True when it ran against the simulated cluster. */
  readonly simulated: boolean;
  /** Free text (e.g. a record seeded by the demo scenario says so). @default - none */
  readonly note?: string;
  /** The run's whole report. @default - none */
  readonly report?: Report;
}

/** Reads every record, newest first. Records that do not parse are skipped. */
export async function readHistory(cluster: Cluster, veleroNamespace: string): Promise<DrHistoryRecord[]> {
  const cm = await cluster.get(CONFIGMAPS, HISTORY_CONFIGMAP, veleroNamespace);
  return recordsOf(cm);
}

function recordsOf(cm: KubeObject | undefined): DrHistoryRecord[] {
  const data = ((cm as { data?: Record<string, string> } | undefined)?.data ?? {}) as Record<string, string>;
  const out: Array<DrHistoryRecord & { key: string }> = [];
  for (const [key, text] of Object.entries(data)) {
    try {
      const r = JSON.parse(text) as DrHistoryRecord;
      if (r?.schema === HISTORY_SCHEMA && typeof r.at === 'string') out.push({ ...r, key });
    } catch {
      // a record someone edited by hand: ignored
    }
  }
  return out
    .sort((a, b) => b.at.localeCompare(a.at) || b.key.localeCompare(a.key))
    .map(({ key: _k, ...r }) => {
      void _k;
      return r;
    });
}

/** The ConfigMap key of a record. */
export function historyKey(r: DrHistoryRecord): string {
  return `${r.command.replace(/^dr /, '').replace(/[^a-z0-9-]/g, '-')}-${stamp(Date.parse(r.at))}-${randomSuffix(4)}.json`;
}

/** Adds a record (creating the ConfigMap when needed) and drops the oldest beyond the limits; returns its key. */
export async function recordHistory(cluster: Cluster, veleroNamespace: string, record: DrHistoryRecord): Promise<string> {
  const key = historyKey(record);
  const text = JSON.stringify(record);
  const cm = await cluster.get(CONFIGMAPS, HISTORY_CONFIGMAP, veleroNamespace);
  if (!cm) {
    try {
      await cluster.create(CONFIGMAPS, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: HISTORY_CONFIGMAP, namespace: veleroNamespace, labels: { 'app.kubernetes.io/managed-by': 'cdk8s-resilience' } },
        data: { [key]: text },
      });
      return key;
    } catch (e) {
      if (!(e instanceof ClusterError && e.status === 409)) throw e;
    }
  }
  const current = ((await cluster.get<KubeObject & { data?: Record<string, string> }>(CONFIGMAPS, HISTORY_CONFIGMAP, veleroNamespace))?.data ??
    {}) as Record<string, string>;
  // Newest first by the time in the record; drop the oldest beyond the limits.
  const entries = Object.entries({ ...current, [key]: text })
    .map(([k, v]) => {
      let at = '';
      try {
        at = String((JSON.parse(v) as { at?: string }).at ?? '');
      } catch {
        at = '';
      }
      return { k, v, at };
    })
    .sort((a, b) => b.at.localeCompare(a.at) || b.k.localeCompare(a.k));
  const drop: Record<string, null> = {};
  let bytes = 0;
  entries.forEach((e, i) => {
    bytes += e.k.length + e.v.length;
    if (e.k !== key && (i >= MAX_RECORDS || bytes > MAX_BYTES)) drop[e.k] = null;
  });
  await cluster.patch(CONFIGMAPS, HISTORY_CONFIGMAP, { data: { [key]: text, ...drop } }, veleroNamespace);
  return key;
}
