/**
 * `chaos list`, `chaos status NAME`, `chaos report NAME`, `chaos delete NAME`: what is in
 * the cluster, one experiment in detail, a past run's kept report, and deleting an
 * experiment then waiting until its faults are recovered. Functions over the Cluster.
 */
import { CONFIGMAPS, EVENTS, PODS } from '../cluster/resources';
import { Cluster, KubeObject, ResourceType } from '../cluster/types';
import { waitFor } from '../cluster/wait';
import { Report, Section, Table } from '../report/model';
import { humanDuration } from '../slo/status';
import { EXPERIMENT_TYPES, ExperimentError, LISTED_TYPES } from './experiment';
import { RUN_LABEL, RUN_REPORT_KEY, runConfigMapName, waitTargetsReady } from './run';

type Status = {
  conditions?: Array<{ type: string; status: string; reason?: string }>;
  experiment?: {
    desiredPhase?: string;
    containerRecords?: Array<{
      id: string;
      phase: string;
      injectedCount: number;
      recoveredCount: number;
      events?: Array<{ type: string; operation: string; timestamp: string; message?: string }>;
    }>;
  };
};

/** A one-word phase of an experiment from its status (as `kubectl describe` readers would put it). */
export function experimentPhase(o: KubeObject): string {
  if (o.kind === 'Schedule') return o.metadata.annotations?.['experiment.chaos-mesh.org/pause'] === 'true' ? 'Paused' : 'Scheduled';
  if (o.kind === 'Workflow') {
    const c = ((o.status as Status | undefined)?.conditions ?? []).find((x) => x.type === 'Accomplished');
    return c?.status === 'True' ? 'Accomplished' : 'Running';
  }
  const st = (o.status ?? {}) as Status;
  const c = Object.fromEntries((st.conditions ?? []).map((x) => [x.type, x.status]));
  if (!st.conditions?.length) return 'Pending';
  if (c.Selected === 'False') return 'NotSelected';
  if (c.Paused === 'True') return 'Paused';
  if (st.experiment?.desiredPhase === 'Stop' && c.AllRecovered === 'True') return 'Finished';
  if (c.AllInjected === 'True') return 'Injected';
  return 'Injecting';
}

function age(ts: string | undefined, now: number): string {
  if (!ts) return '-';
  const ms = now - Date.parse(ts);
  return ms < 0 ? '0s' : humanDuration(Math.round(ms / 1000) * 1000);
}

/** The `chaos list` section: every Chaos Mesh object (experiments, Schedules, Workflows). */
export async function listExperiments(cluster: Cluster, namespace: string | undefined, now = Date.now()): Promise<Section> {
  const rows: Array<Array<string>> = [];
  for (const t of LISTED_TYPES) {
    const list = await cluster.list(t, namespace ? { namespace } : {});
    for (const o of list.items)
      rows.push([t.kind, o.metadata.namespace ?? '', o.metadata.name, experimentPhase(o), age(o.metadata.creationTimestamp, now)]);
  }
  rows.sort((a, b) => a[1].localeCompare(b[1]) || a[2].localeCompare(b[2]));
  return {
    title: 'Chaos Mesh objects',
    checks: [],
    tables: [{ title: namespace ? `in ${namespace}` : 'in all namespaces', columns: ['kind', 'namespace', 'name', 'phase', 'age'], rows }],
    notes: rows.length ? [] : ['no Chaos Mesh experiments, Schedules or Workflows'],
  };
}

/** Finds an experiment by name (in a namespace, or in all); throws ExperimentError when there is none or more than one. */
export async function findExperiment(
  cluster: Cluster,
  name: string,
  namespace: string | undefined,
): Promise<{ type: ResourceType; object: KubeObject }> {
  const found: Array<{ type: ResourceType; object: KubeObject }> = [];
  for (const t of LISTED_TYPES) {
    const list = await cluster.list(t, { ...(namespace ? { namespace } : {}), fieldSelector: `metadata.name=${name}` });
    for (const o of list.items) if (o.metadata.name === name) found.push({ type: t, object: o });
  }
  if (found.length === 0)
    throw new ExperimentError(
      `no Chaos Mesh experiment named ${name}${namespace ? ` in ${namespace}` : ' in any namespace'} (see cdk8s-resilience chaos list)`,
    );
  if (found.length > 1)
    throw new ExperimentError(
      `${found.length} objects are named ${name} (${found.map((f) => `${f.type.kind} ${f.object.metadata.namespace}`).join(', ')}); pick one with -n`,
    );
  return found[0];
}

/** The `chaos status NAME` sections: conditions, records, events, target pods. */
export async function experimentStatus(
  cluster: Cluster,
  name: string,
  namespace: string | undefined,
): Promise<{ title: string; sections: Section[] }> {
  const { type, object } = await findExperiment(cluster, name, namespace);
  const ns = object.metadata.namespace!;
  const st = (object.status ?? {}) as Status;
  const conds: Table = {
    title: 'Conditions',
    columns: ['type', 'status', 'reason'],
    rows: (st.conditions ?? []).map((c) => [c.type, c.status, c.reason ?? '']),
  };
  const recs = st.experiment?.containerRecords ?? [];
  const recTable: Table = {
    title: 'Records per pod',
    columns: ['id', 'phase', 'injected', 'recovered', 'last event'],
    rows: recs.map((r) => {
      const e = r.events?.[r.events.length - 1];
      return [r.id, r.phase, r.injectedCount, r.recoveredCount, e ? `${e.operation} ${e.type} ${e.timestamp}` : '-'];
    }),
  };
  const events = await cluster.list(EVENTS, { namespace: ns, fieldSelector: `involvedObject.name=${name}` });
  const evTable: Table = {
    title: 'Events',
    columns: ['last seen', 'type', 'reason', 'message'],
    rows: events.items
      .map((e) => e as KubeObject & { lastTimestamp?: string; type?: string; reason?: string; message?: string })
      .sort((a, b) => String(a.lastTimestamp).localeCompare(String(b.lastTimestamp)))
      .map((e) => [e.lastTimestamp ?? '-', e.type ?? '', e.reason ?? '', e.message ?? '']),
  };
  const podRows: Array<Array<string>> = [];
  for (const r of recs) {
    const [pns, pod] = r.id.split('/');
    const p = await cluster.get(PODS, pod, pns);
    const pst = (p?.status ?? {}) as {
      phase?: string;
      conditions?: Array<{ type: string; status: string }>;
      containerStatuses?: Array<{ restartCount?: number }>;
    };
    podRows.push([
      `${pns}/${pod}`,
      p ? (pst.phase ?? '?') : 'gone (deleted)',
      p ? ((pst.conditions ?? []).find((c) => c.type === 'Ready')?.status ?? '?') : '-',
      p ? String((pst.containerStatuses ?? []).reduce((a, c) => a + (c.restartCount ?? 0), 0)) : '-',
    ]);
  }
  const spec = (object.spec ?? {}) as { action?: string; mode?: string; value?: string; duration?: string };
  return {
    title: `${type.kind} ${ns}/${name}: ${experimentPhase(object)}`,
    sections: [
      {
        title: 'Experiment',
        checks: [],
        notes: [
          `${type.kind}${spec.action ? ` ${spec.action}` : ''}, mode ${spec.mode ?? '-'}${spec.value ? ` ${spec.value}` : ''}, duration ${spec.duration ?? 'none'}, desired phase ${st.experiment?.desiredPhase ?? '-'}, created ${object.metadata.creationTimestamp ?? '-'}`,
        ],
        tables: [conds, recTable],
      },
      { title: 'Target pods', checks: [], tables: [{ title: 'Pods in the records', columns: ['pod', 'phase', 'ready', 'restarts'], rows: podRows }] },
      { title: 'Events', checks: [], tables: [evTable] },
    ],
  };
}

/** The kept report of a past run (`chaos report NAME`). */
export async function keptReport(cluster: Cluster, name: string, namespace: string | undefined): Promise<Report> {
  const list = await cluster.list(CONFIGMAPS, { ...(namespace ? { namespace } : {}), labelSelector: `${RUN_LABEL}=${name}` });
  const cm = list.items.find((c) => c.metadata.name === runConfigMapName(name)) ?? list.items[0];
  if (!cm)
    throw new ExperimentError(
      `no kept run of ${name}${namespace ? ` in ${namespace}` : ''}: runs are kept in ConfigMaps labelled ${RUN_LABEL}=${name} by cdk8s-resilience chaos run`,
    );
  const text = (cm as KubeObject & { data?: Record<string, string> }).data?.[RUN_REPORT_KEY];
  try {
    return JSON.parse(text ?? '') as Report;
  } catch {
    throw new ExperimentError(`ConfigMap ${cm.metadata.namespace}/${cm.metadata.name} has no readable ${RUN_REPORT_KEY}`);
  }
}

/** Deletes an experiment and waits until it is gone and its target Deployments are Ready again. */
export async function deleteExperiment(cluster: Cluster, name: string, namespace: string | undefined, timeoutMs: number): Promise<Section> {
  const { type, object } = await findExperiment(cluster, name, namespace);
  const ns = object.metadata.namespace!;
  const t0 = Date.now();
  await cluster.delete(type, name, ns);
  const gone = (await cluster.get(type, name, ns))
    ? await waitFor(cluster, type, name, ns, () => false, { timeoutMs })
    : { outcome: 'deleted' as const };
  const goneS = (Date.now() - t0) / 1000;
  const isExperiment = Object.values(EXPERIMENT_TYPES).includes(type);
  const notReady = isExperiment ? await waitTargetsReady(cluster, object, timeoutMs) : [];
  const doneS = (Date.now() - t0) / 1000;
  return {
    title: `Delete ${type.kind} ${ns}/${name}`,
    checks: [
      {
        id: `chaos.delete/${name}`,
        title: `${type.kind} ${ns}/${name} deleted and its faults recovered`,
        status: gone.outcome === 'timeout' ? 'undecided' : notReady.length ? 'failed' : 'passed',
        evidence: [
          gone.outcome === 'timeout'
            ? `still there after ${timeoutMs / 1000}s (a finalizer waiting for recovery?)`
            : `gone after ${goneS.toFixed(1)}s`,
          ...(isExperiment
            ? [notReady.length ? `not Ready again: ${notReady.join(', ')}` : `target pods and Deployments Ready again after ${doneS.toFixed(1)}s`]
            : []),
        ],
      },
    ],
  };
}
