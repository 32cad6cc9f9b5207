/**
 * Server-side Tables (meta.k8s.io/v1 Table), what `kubectl get` asks for: the columns the
 * real API server prints for the built-in types, and for Velero's custom resources the
 * additionalPrinterColumns of their CRDs (Backup and Restore have none: NAME and AGE).
 */
import { ResourceType } from '../cluster/types';
import { Obj } from './store';

interface Column {
  readonly name: string;
  readonly type: string;
  readonly format?: string;
  readonly cell: (o: Obj, now: number) => string | number | boolean;
}

/** kubectl's short human duration: 45s, 5m, 3h, 2d, 120d. */
export function humanAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m}m${s % 60 ? `${s % 60}s` : ''}`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return `${h}h${m % 60 ? `${m % 60}m` : ''}`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return `${d}d${h % 24 ? `${h % 24}h` : ''}`;
  if (d < 365 * 2) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}

function path(o: Obj, p: string): unknown {
  let cur: unknown = o;
  for (const k of p.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

function str(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}

const NAME: Column = { name: 'Name', type: 'string', format: 'name', cell: (o) => o.metadata.name };
const age = (p = 'metadata.creationTimestamp', name = 'Age'): Column => ({
  name,
  type: 'date',
  cell: (o, now) => {
    const v = path(o, p);
    return typeof v === 'string' && v ? humanAge(now - Date.parse(v)) : '<unknown>';
  },
});
const AGE = age();

const COLUMNS: Record<string, Column[]> = {
  '/namespaces': [NAME, { name: 'Status', type: 'string', cell: (o) => str(path(o, 'status.phase')) || 'Active' }, AGE],
  '/pods': [
    NAME,
    {
      name: 'Ready',
      type: 'string',
      cell: (o) => {
        const cs = (path(o, 'status.containerStatuses') as Array<{ ready?: boolean }> | undefined) ?? [];
        const total = ((path(o, 'spec.containers') as unknown[] | undefined) ?? []).length || cs.length;
        return `${cs.filter((c) => c.ready).length}/${total}`;
      },
    },
    { name: 'Status', type: 'string', cell: (o) => str(path(o, 'status.phase')) },
    {
      name: 'Restarts',
      type: 'integer',
      cell: (o) =>
        ((path(o, 'status.containerStatuses') as Array<{ restartCount?: number }> | undefined) ?? []).reduce((a, c) => a + (c.restartCount ?? 0), 0),
    },
    AGE,
  ],
  'apps/deployments': [
    NAME,
    { name: 'Ready', type: 'string', cell: (o) => `${Number(path(o, 'status.readyReplicas') ?? 0)}/${Number(path(o, 'spec.replicas') ?? 1)}` },
    { name: 'Up-to-date', type: 'integer', cell: (o) => Number(path(o, 'status.updatedReplicas') ?? 0) },
    { name: 'Available', type: 'integer', cell: (o) => Number(path(o, 'status.availableReplicas') ?? 0) },
    AGE,
  ],
  '/services': [
    NAME,
    { name: 'Type', type: 'string', cell: (o) => str(path(o, 'spec.type')) || 'ClusterIP' },
    { name: 'Cluster-IP', type: 'string', cell: (o) => str(path(o, 'spec.clusterIP')) || '<none>' },
    { name: 'External-IP', type: 'string', cell: () => '<none>' },
    {
      name: 'Port(s)',
      type: 'string',
      cell: (o) =>
        ((path(o, 'spec.ports') as Array<{ port: number; protocol?: string }> | undefined) ?? [])
          .map((p) => `${p.port}/${p.protocol ?? 'TCP'}`)
          .join(',') || '<none>',
    },
    AGE,
  ],
  '/endpoints': [
    NAME,
    {
      name: 'Endpoints',
      type: 'string',
      cell: (o) => {
        const subsets = (path(o, 'subsets') as Array<{ addresses?: Array<{ ip: string }>; ports?: Array<{ port: number }> }> | undefined) ?? [];
        const eps = subsets.flatMap((s) => (s.addresses ?? []).flatMap((a) => (s.ports?.length ? s.ports.map((p) => `${a.ip}:${p.port}`) : [a.ip])));
        return eps.length ? eps.slice(0, 3).join(',') + (eps.length > 3 ? ` + ${eps.length - 3} more...` : '') : '<none>';
      },
    },
    AGE,
  ],
  '/persistentvolumeclaims': [
    NAME,
    { name: 'Status', type: 'string', cell: (o) => str(path(o, 'status.phase')) || 'Pending' },
    { name: 'Volume', type: 'string', cell: (o) => str(path(o, 'spec.volumeName')) },
    { name: 'Capacity', type: 'string', cell: (o) => str(path(o, 'status.capacity.storage')) },
    {
      name: 'Access Modes',
      type: 'string',
      cell: (o) =>
        ((path(o, 'spec.accessModes') as string[] | undefined) ?? [])
          .map((m) => ({ ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX' })[m] ?? m)
          .join(','),
    },
    { name: 'StorageClass', type: 'string', cell: (o) => str(path(o, 'spec.storageClassName')) || '<unset>' },
    AGE,
  ],
  '/configmaps': [NAME, { name: 'Data', type: 'integer', cell: (o) => Object.keys((path(o, 'data') as object | undefined) ?? {}).length }, AGE],
  '/secrets': [
    NAME,
    { name: 'Type', type: 'string', cell: (o) => str(path(o, 'type')) || 'Opaque' },
    { name: 'Data', type: 'integer', cell: (o) => Object.keys((path(o, 'data') as object | undefined) ?? {}).length },
    AGE,
  ],
  '/events': [
    age('lastTimestamp', 'Last Seen'),
    { name: 'Type', type: 'string', cell: (o) => str(path(o, 'type')) },
    { name: 'Reason', type: 'string', cell: (o) => str(path(o, 'reason')) },
    { name: 'Object', type: 'string', cell: (o) => `${str(path(o, 'involvedObject.kind')).toLowerCase()}/${str(path(o, 'involvedObject.name'))}` },
    { name: 'Message', type: 'string', cell: (o) => str(path(o, 'message')) },
  ],
  // From the additionalPrinterColumns of crds/velero.io_v1.18.1.yaml.
  'velero.io/schedules': [
    NAME,
    { name: 'Status', type: 'string', cell: (o) => str(path(o, 'status.phase')) },
    { name: 'Schedule', type: 'string', cell: (o) => str(path(o, 'spec.schedule')) },
    age('status.lastBackup', 'LastBackup'),
    AGE,
    { name: 'Paused', type: 'boolean', cell: (o) => str(path(o, 'spec.paused')) },
  ],
  'velero.io/backupstoragelocations': [
    NAME,
    { name: 'Phase', type: 'string', cell: (o) => str(path(o, 'status.phase')) },
    age('status.lastValidationTime', 'Last Validated'),
    AGE,
    { name: 'Default', type: 'boolean', cell: (o) => str(path(o, 'spec.default')) },
  ],
  'velero.io/deletebackuprequests': [
    NAME,
    { name: 'BackupName', type: 'string', cell: (o) => str(path(o, 'spec.backupName')) },
    { name: 'Status', type: 'string', cell: (o) => str(path(o, 'status.phase')) },
  ],
};

/** A Table of `objects` of `type` (full objects in the rows, as `includeObject=Object`). */
export function tableFor(type: ResourceType, objects: readonly Obj[], now: number, resourceVersion: string): Record<string, unknown> {
  const cols = COLUMNS[`${type.group}/${type.plural}`] ?? [NAME, AGE];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: cols.map((c, i) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.name, priority: i === 0 ? 0 : 0 })),
    rows: objects.map((o) => ({ cells: cols.map((c) => c.cell(o, now)), object: o })),
  };
}
