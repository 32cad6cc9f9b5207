/**
 * What a namespace holds, object by object, for a drill's integrity check: pods (with ready
 * counts, grouped under the deployment that owns them, since restored pods get new names),
 * deployments, services (with endpoints), PVCs, configmaps and secrets. Each object has a
 * fingerprint of the fields that matter after a restore (replicas, images, ports, selectors,
 * a hash of configmap and secret data, storage requests, labels), so a comparison says what
 * is missing and what differs. Secret values never appear, only their hash.
 */
import { createHash } from 'crypto';
import { LABEL_DOMAIN } from '../../common/conventions';
import { CONFIGMAPS, DEPLOYMENTS, ENDPOINTS, NAMESPACES, PODS, PVCS, SECRETS, SERVICES } from '../cluster/resources';
import { Cluster, KubeObject } from '../cluster/types';
import { Table } from '../report/model';

/** One object (or the pods of one owner) and the fields compared after a restore. */
export interface InventoryItem {
  /** `Deployment`, `Service`, `PersistentVolumeClaim`, `ConfigMap`, `Secret`, `Pod`, or `Pods` (the pods of one owner). */
  readonly kind: string;
  /** The object's name; for `Pods`, the owner (`deployment/NAME`). */
  readonly name: string;
  /** Field → value, as compared. */
  readonly fields: Readonly<Record<string, string>>;
}

/** Counts of one namespace. */
export interface NamespaceCounts {
  /** Pods. */
  readonly pods: number;
  /** Pods whose Ready condition is True. */
  readonly podsReady: number;
  /** Deployments. */
  readonly deployments: number;
  /** Deployments with all replicas ready. */
  readonly deploymentsReady: number;
  /** Services. */
  readonly services: number;
  /** Services whose Endpoints have a ready address. */
  readonly servicesWithEndpoints: number;
  /** PersistentVolumeClaims. */
  readonly pvcs: number;
  /** PersistentVolumeClaims in phase Bound. */
  readonly pvcsBound: number;
  /** ConfigMaps (without kube-root-ca.crt). */
  readonly configmaps: number;
  /** Secrets (without service-account tokens). */
  readonly secrets: number;
}

/** One namespace's inventory. */
export interface NamespaceInventory {
  /** The namespace's name. */
  readonly namespace: string;
  /** False when the namespace does not exist (then everything is empty). */
  readonly exists: boolean;
  /** Its phase (`Active`, `Terminating`). @default - absent when it does not exist */
  readonly phase?: string;
  /** Counts with ready numbers. */
  readonly counts: NamespaceCounts;
  /** Every compared object, with its fields. */
  readonly items: readonly InventoryItem[];
  /** Deployments that were Ready (all replicas), which a recovery waits for. */
  readonly readyDeployments: readonly string[];
  /** Services with a selector that had ready endpoints, which a recovery waits for. */
  readonly servedServices: readonly string[];
  /** Per service with a selector, the deployments whose pod template it selects. */
  readonly serviceDeployments: Readonly<Record<string, readonly string[]>>;
}

/** Labels the restore or the controllers add, left out of comparisons. */
function comparableLabels(labels: Readonly<Record<string, string>> | undefined): string {
  const keep = Object.entries(labels ?? {})
    .filter(([k]) => !k.startsWith('velero.io/') && k !== 'pod-template-hash' && !k.startsWith(`sim.${LABEL_DOMAIN}/`))
    .sort(([a], [b]) => a.localeCompare(b));
  return keep.map(([k, v]) => `${k}=${v}`).join(',');
}

function hash(v: unknown): string {
  return `sha256:${createHash('sha256')
    .update(JSON.stringify(v ?? {}))
    .digest('hex')
    .slice(0, 12)}`;
}

function sortedKeys(o: unknown): string {
  return Object.keys((o ?? {}) as object)
    .sort()
    .join(',');
}

type Spec = Record<string, unknown>;
const specOf = (o: KubeObject): Spec => (o.spec ?? {}) as Spec;
const statusOf = (o: KubeObject): Spec => (o.status ?? {}) as Spec;

function images(podSpec: unknown): string {
  const cs = ((podSpec as { containers?: Array<{ name?: string; image?: string }> } | undefined)?.containers ?? []).map(
    (c) => `${c.name ?? '?'}=${c.image ?? '?'}`,
  );
  return cs.join(',');
}

/** A pod counts as Ready when its Ready condition is True (or, without conditions, it is Running). */
export function podReady(p: KubeObject): boolean {
  const st = statusOf(p) as { phase?: string; conditions?: Array<{ type: string; status: string }> };
  const c = st.conditions?.find((x) => x.type === 'Ready');
  return c ? c.status === 'True' : st.phase === 'Running';
}

/** A deployment is Ready when all its replicas are ready. */
export function deploymentReady(d: KubeObject): boolean {
  const want = Number((specOf(d) as { replicas?: number }).replicas ?? 1);
  return Number((statusOf(d) as { readyReplicas?: number }).readyReplicas ?? 0) >= want;
}

/** Endpoints have at least one ready address. */
export function endpointsServe(e: KubeObject | undefined): boolean {
  const subsets = (e as { subsets?: Array<{ addresses?: unknown[] }> } | undefined)?.subsets ?? [];
  return subsets.some((s) => (s.addresses ?? []).length > 0);
}

function matches(selector: Readonly<Record<string, string>> | undefined, labels: Readonly<Record<string, string>> | undefined): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels?.[k] === v);
}

/** Objects Kubernetes creates in every namespace by itself: not part of an application. */
function systemObject(kind: string, o: KubeObject): boolean {
  if (kind === 'ConfigMap' && o.metadata.name === 'kube-root-ca.crt') return true;
  if (kind === 'Secret' && (o as { type?: string }).type === 'kubernetes.io/service-account-token') return true;
  return false;
}

const EMPTY: NamespaceCounts = {
  pods: 0,
  podsReady: 0,
  deployments: 0,
  deploymentsReady: 0,
  services: 0,
  servicesWithEndpoints: 0,
  pvcs: 0,
  pvcsBound: 0,
  configmaps: 0,
  secrets: 0,
};

/** Reads one namespace's inventory. */
export async function inventoryNamespace(cluster: Cluster, namespace: string): Promise<NamespaceInventory> {
  const ns = await cluster.get(NAMESPACES, namespace);
  if (!ns) return { namespace, exists: false, counts: EMPTY, items: [], readyDeployments: [], servedServices: [], serviceDeployments: {} };
  const [pods, deployments, services, endpoints, pvcs, configmaps, secrets] = await Promise.all(
    [PODS, DEPLOYMENTS, SERVICES, ENDPOINTS, PVCS, CONFIGMAPS, SECRETS].map(async (t) => (await cluster.list(t, { namespace })).items),
  );
  const items: InventoryItem[] = [];
  const claimed = new Set<string>();
  for (const d of deployments) {
    const s = specOf(d) as { replicas?: number; selector?: { matchLabels?: Record<string, string> }; template?: { spec?: unknown } };
    items.push({
      kind: 'Deployment',
      name: d.metadata.name,
      fields: {
        replicas: String(s.replicas ?? 1),
        images: images(s.template?.spec),
        selector: JSON.stringify(s.selector?.matchLabels ?? {}),
        labels: comparableLabels(d.metadata.labels),
      },
    });
    const mine = pods.filter((p) => !claimed.has(p.metadata.name) && matches(s.selector?.matchLabels, p.metadata.labels));
    for (const p of mine) claimed.add(p.metadata.name);
    items.push({ kind: 'Pods', name: `deployment/${d.metadata.name}`, fields: { 'ready pods': String(mine.filter(podReady).length) } });
  }
  for (const p of pods) {
    if (claimed.has(p.metadata.name)) continue;
    const owner = p.metadata.ownerReferences?.[0] as { kind?: string; name?: string } | undefined;
    if (owner?.kind && owner.name) {
      const name = `${owner.kind.toLowerCase()}/${owner.name}`;
      const existing = items.findIndex((i) => i.kind === 'Pods' && i.name === name);
      const ready = (existing >= 0 ? Number(items[existing].fields['ready pods']) : 0) + (podReady(p) ? 1 : 0);
      const item = { kind: 'Pods', name, fields: { 'ready pods': String(ready) } };
      if (existing >= 0) items[existing] = item;
      else items.push(item);
    } else {
      items.push({ kind: 'Pod', name: p.metadata.name, fields: { images: images(p.spec), labels: comparableLabels(p.metadata.labels) } });
    }
  }
  const served: string[] = [];
  const serviceDeployments: Record<string, string[]> = {};
  for (const s of services) {
    const sp = specOf(s) as {
      type?: string;
      ports?: Array<{ port?: number; targetPort?: unknown; protocol?: string; name?: string }>;
      selector?: Record<string, string>;
    };
    if (sp.selector && Object.keys(sp.selector).length) {
      serviceDeployments[s.metadata.name] = deployments
        .filter((d) =>
          matches(sp.selector, (specOf(d) as { template?: { metadata?: { labels?: Record<string, string> } } }).template?.metadata?.labels),
        )
        .map((d) => d.metadata.name);
    }
    const ports = (sp.ports ?? [])
      .map((p) => `${p.name ? `${p.name}:` : ''}${p.port}->${String(p.targetPort ?? p.port)}/${p.protocol ?? 'TCP'}`)
      .join(',');
    items.push({
      kind: 'Service',
      name: s.metadata.name,
      fields: { type: sp.type ?? 'ClusterIP', ports, selector: JSON.stringify(sp.selector ?? {}), labels: comparableLabels(s.metadata.labels) },
    });
    if (sp.selector && Object.keys(sp.selector).length && endpointsServe(endpoints.find((e) => e.metadata.name === s.metadata.name)))
      served.push(s.metadata.name);
  }
  for (const c of pvcs) {
    const sp = specOf(c) as { accessModes?: string[]; storageClassName?: string; resources?: { requests?: { storage?: string } } };
    items.push({
      kind: 'PersistentVolumeClaim',
      name: c.metadata.name,
      fields: {
        storage: sp.resources?.requests?.storage ?? '',
        accessModes: (sp.accessModes ?? []).join(','),
        storageClassName: sp.storageClassName ?? '',
        labels: comparableLabels(c.metadata.labels),
      },
    });
  }
  const apps = { configmaps: configmaps.filter((c) => !systemObject('ConfigMap', c)), secrets: secrets.filter((c) => !systemObject('Secret', c)) };
  for (const c of apps.configmaps) {
    const o = c as { data?: unknown; binaryData?: unknown };
    items.push({
      kind: 'ConfigMap',
      name: c.metadata.name,
      fields: {
        keys: [sortedKeys(o.data), sortedKeys(o.binaryData)].filter(Boolean).join(','),
        data: hash([o.data ?? {}, o.binaryData ?? {}]),
        labels: comparableLabels(c.metadata.labels),
      },
    });
  }
  for (const c of apps.secrets) {
    const o = c as { data?: unknown; type?: string };
    items.push({
      kind: 'Secret',
      name: c.metadata.name,
      fields: { type: o.type ?? 'Opaque', keys: sortedKeys(o.data), data: hash(o.data ?? {}), labels: comparableLabels(c.metadata.labels) },
    });
  }
  const readyDeployments = deployments
    .filter((d) => deploymentReady(d) && Number((specOf(d) as { replicas?: number }).replicas ?? 1) > 0)
    .map((d) => d.metadata.name);
  return {
    namespace,
    exists: true,
    phase: (statusOf(ns) as { phase?: string }).phase ?? 'Active',
    counts: {
      pods: pods.length,
      podsReady: pods.filter(podReady).length,
      deployments: deployments.length,
      deploymentsReady: deployments.filter(deploymentReady).length,
      services: services.length,
      servicesWithEndpoints: services.filter((s) => endpointsServe(endpoints.find((e) => e.metadata.name === s.metadata.name))).length,
      pvcs: pvcs.length,
      pvcsBound: pvcs.filter((c) => (statusOf(c) as { phase?: string }).phase === 'Bound').length,
      configmaps: apps.configmaps.length,
      secrets: apps.secrets.length,
    },
    items,
    readyDeployments,
    servedServices: served,
    serviceDeployments,
  };
}

/** Reads the inventory of several namespaces. */
export async function inventory(cluster: Cluster, namespaces: readonly string[]): Promise<NamespaceInventory[]> {
  return Promise.all(namespaces.map((n) => inventoryNamespace(cluster, n)));
}

/** The inventory as a table: one row per namespace, ready/total counts. */
export function inventoryTable(title: string, inv: readonly NamespaceInventory[]): Table {
  return {
    title,
    columns: ['namespace', 'pods ready', 'deployments ready', 'services with endpoints', 'pvcs bound', 'configmaps', 'secrets'],
    rows: inv.map((n) =>
      n.exists
        ? [
            n.namespace,
            `${n.counts.podsReady}/${n.counts.pods}`,
            `${n.counts.deploymentsReady}/${n.counts.deployments}`,
            `${n.counts.servicesWithEndpoints}/${n.counts.services}`,
            `${n.counts.pvcsBound}/${n.counts.pvcs}`,
            n.counts.configmaps,
            n.counts.secrets,
          ]
        : [n.namespace, 'namespace missing', '-', '-', '-', '-', '-'],
    ),
  };
}

/** A difference found by {@link compareInventories}. */
export interface InventoryDifference {
  readonly namespace: string;
  readonly kind: string;
  readonly name: string;
  /** `missing`: before, not after; `differs`: a field changed; `extra`: after, not before. */
  readonly change: 'missing' | 'differs' | 'extra';
  /** For `differs`: the fields, as `field: before → after`. */
  readonly details: readonly string[];
}

/**
 * Compares two inventories object by object. Namespaces are matched in order (so a restore
 * under other names, `a → restore-test-x`, compares too).
 */
export function compareInventories(before: readonly NamespaceInventory[], after: readonly NamespaceInventory[]): InventoryDifference[] {
  const out: InventoryDifference[] = [];
  before.forEach((b, i) => {
    const a = after[i];
    const key = (x: InventoryItem): string => `${x.kind}/${x.name}`;
    const afterItems = new Map((a?.items ?? []).map((x) => [key(x), x]));
    const beforeKeys = new Set(b.items.map(key));
    for (const item of b.items) {
      const now = afterItems.get(key(item));
      if (!now) {
        out.push({ namespace: b.namespace, kind: item.kind, name: item.name, change: 'missing', details: [] });
        continue;
      }
      const details = Object.keys(item.fields)
        .filter((f) => item.fields[f] !== now.fields[f])
        .map((f) => `${f}: ${item.fields[f] || '(none)'} → ${now.fields[f] || '(none)'}`);
      if (details.length) out.push({ namespace: b.namespace, kind: item.kind, name: item.name, change: 'differs', details });
    }
    for (const item of a?.items ?? [])
      if (!beforeKeys.has(key(item))) out.push({ namespace: b.namespace, kind: item.kind, name: item.name, change: 'extra', details: [] });
  });
  return out;
}

/** One evidence line per difference. */
export function differenceLines(diffs: readonly InventoryDifference[]): string[] {
  return diffs.map((d) =>
    d.change === 'differs'
      ? `${d.namespace}: ${d.kind} ${d.name} differs: ${d.details.join('; ')}`
      : `${d.namespace}: ${d.kind} ${d.name} ${d.change === 'missing' ? 'is missing' : 'is new (not there before)'}`,
  );
}

/** Number of compared objects (pods grouped by owner count once). */
export function itemCount(inv: readonly NamespaceInventory[]): number {
  return inv.reduce((a, n) => a + n.items.length, 0);
}
