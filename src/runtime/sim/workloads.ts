/**
 * Simulated workload controllers: a Deployment gets `spec.replicas` pods (named and labelled
 * as a ReplicaSet would) that become Ready after `timing.podReadyMs`; its status counts
 * ready, updated and available replicas; a deleted pod is replaced; a Service gets Endpoints
 * with the IPs of the Ready pods its selector matches; a PVC is Bound.
 */
import { createHash } from 'crypto';
import { LIBRARY_LABELS } from '../../common/conventions';
import { DEPLOYMENTS, ENDPOINTS, PODS, PVCS, SERVICES } from '../cluster/resources';
import { SimContext, SimController } from './controller';
import { isoSeconds, Obj, StoreEvent } from './store';

function hash(s: string, n: number): string {
  return createHash('sha256')
    .update(s)
    .digest('hex')
    .replace(/[^a-z0-9]/g, '')
    .slice(0, n);
}

let ipCounter = 10;

/** Set by the endpoints controller on every update: when the pod change behind it happened. */
export const ENDPOINTS_TRIGGER_ANNOTATION = 'endpoints.kubernetes.io/last-change-trigger-time';

export class WorkloadController implements SimController {
  readonly name = 'workloads';
  private ctx!: SimContext;
  private unsubscribe?: () => void;
  private stopped = false;

  start(ctx: SimContext): void {
    this.ctx = ctx;
    this.unsubscribe = ctx.store.subscribe((e) => setImmediate(() => this.onEvent(e)));
    for (const d of ctx.store.list(DEPLOYMENTS)) this.reconcileDeployment(d.metadata.namespace!, d.metadata.name);
    for (const s of ctx.store.list(SERVICES)) this.reconcileService(s.metadata.namespace!, s.metadata.name);
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
  }

  private onEvent(e: StoreEvent): void {
    if (this.stopped) return;
    const o = e.object;
    const ns = o.metadata.namespace!;
    if (e.type.group === 'apps' && e.type.plural === 'deployments') {
      if (e.kind !== 'DELETED') this.reconcileDeployment(ns, o.metadata.name);
      else for (const p of this.podsOf(o)) this.ctx.store.delete(PODS, ns, p.metadata.name);
    } else if (e.type.group === '' && e.type.plural === 'pods') {
      const owner = o.metadata.labels?.[LIBRARY_LABELS.simulatedDeployment];
      if (owner) this.reconcileDeployment(ns, owner);
      for (const s of this.ctx.store.list(SERVICES, ns)) this.reconcileService(ns, s.metadata.name);
    } else if (e.type.group === '' && e.type.plural === 'services' && e.kind !== 'DELETED') {
      this.reconcileService(ns, o.metadata.name);
    } else if (e.type.group === '' && e.type.plural === 'services' && e.kind === 'DELETED') {
      if (this.ctx.store.get(ENDPOINTS, ns, o.metadata.name)) this.ctx.store.delete(ENDPOINTS, ns, o.metadata.name);
    } else if (
      e.type.group === '' &&
      e.type.plural === 'persistentvolumeclaims' &&
      e.kind === 'ADDED' &&
      !(o.status as { phase?: string } | undefined)?.phase
    ) {
      const size = (o.spec as { resources?: { requests?: { storage?: string } } } | undefined)?.resources?.requests?.storage ?? '1Gi';
      const cur = this.ctx.store.get(PVCS, ns, o.metadata.name);
      if (cur)
        this.ctx.store.update(PVCS, {
          ...cur,
          spec: { ...(cur.spec ?? {}), volumeName: `pvc-${cur.metadata.uid}` },
          status: {
            phase: 'Bound',
            capacity: { storage: size },
            accessModes: (cur.spec as { accessModes?: string[] } | undefined)?.accessModes ?? ['ReadWriteOnce'],
          },
        } as Obj);
    }
  }

  private podsOf(d: Obj): Obj[] {
    return this.ctx.store.list(PODS, d.metadata.namespace, `${LIBRARY_LABELS.simulatedDeployment}=${d.metadata.name}`);
  }

  private reconcileDeployment(ns: string, name: string): void {
    const { store } = this.ctx;
    const d = store.get(DEPLOYMENTS, ns, name);
    if (!d) return;
    const spec = (d.spec ?? {}) as {
      replicas?: number;
      template?: { metadata?: { labels?: Record<string, string> }; spec?: Record<string, unknown> };
    };
    const want = spec.replicas ?? 1;
    if (store.isTerminating(ns)) return;
    const pods = this.podsOf(d).filter((p) => !p.metadata.deletionTimestamp);
    const rsHash = hash(JSON.stringify(spec.template ?? {}), 10);
    for (let i = pods.length; i < want; i++) {
      const pod = store.create(
        PODS,
        {
          metadata: {
            name: `${name}-${rsHash}-${hash(`${Math.random()}`, 5)}`,
            namespace: ns,
            labels: { ...(spec.template?.metadata?.labels ?? {}), 'pod-template-hash': rsHash, [LIBRARY_LABELS.simulatedDeployment]: name },
            ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${name}-${rsHash}`, controller: true }],
          },
          spec: spec.template?.spec ?? { containers: [{ name: 'app', image: 'simulated' }] },
          status: { phase: 'Pending', conditions: [{ type: 'Ready', status: 'False' }] },
        },
        ns,
      );
      this.ctx.later(this.ctx.timing.podReadyMs, () => this.makeReady(ns, pod.metadata.name));
    }
    for (const extra of pods.slice(want)) store.delete(PODS, ns, extra.metadata.name);
    const current = this.podsOf(d);
    const ready = current.filter((p) => (p.status as { phase?: string } | undefined)?.phase === 'Running').length;
    const st = { replicas: current.length, updatedReplicas: current.length, readyReplicas: ready, availableReplicas: ready, observedGeneration: 1 };
    const old = (d.status ?? {}) as Record<string, unknown>;
    if (Object.entries(st).some(([k, v]) => old[k] !== v)) {
      const now = isoSeconds(this.ctx.clock.now());
      const available = ready >= want ? 'True' : 'False';
      const before = ((old.conditions ?? []) as Array<{ type: string; status: string; lastTransitionTime?: string }>).find(
        (c) => c.type === 'Available',
      );
      const conditions = [
        {
          type: 'Available',
          status: available,
          reason: ready >= want ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
          lastUpdateTime: now,
          lastTransitionTime: before?.status === available && before.lastTransitionTime ? before.lastTransitionTime : now,
        },
      ];
      store.update(DEPLOYMENTS, { ...d, status: { ...st, conditions } } as Obj);
    }
  }

  private makeReady(ns: string, name: string): void {
    if (this.stopped) return;
    const p = this.ctx.store.get(PODS, ns, name);
    if (!p) return;
    const containers = ((p.spec as { containers?: Array<{ name: string; image?: string }> } | undefined)?.containers ?? []).map((c) => ({
      name: c.name,
      image: c.image ?? 'simulated',
      ready: true,
      restartCount: 0,
      started: true,
      state: { running: { startedAt: isoSeconds(this.ctx.clock.now()) } },
    }));
    this.ctx.store.update(PODS, {
      ...p,
      status: {
        phase: 'Running',
        podIP: `10.244.0.${ipCounter++ % 250}`,
        startTime: isoSeconds(this.ctx.clock.now()),
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: isoSeconds(this.ctx.clock.now()) }],
        containerStatuses: containers,
      },
    } as Obj);
  }

  private reconcileService(ns: string, name: string): void {
    const { store } = this.ctx;
    const svc = store.get(SERVICES, ns, name);
    if (!svc) return;
    const spec = (svc.spec ?? {}) as {
      selector?: Record<string, string>;
      ports?: Array<{ port: number; targetPort?: number; name?: string; protocol?: string }>;
    };
    if (!spec.selector) return;
    const selector = Object.entries(spec.selector)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const ready = store.list(PODS, ns, selector).filter((p) => (p.status as { phase?: string } | undefined)?.phase === 'Running');
    const subsets = ready.length
      ? [
          {
            addresses: ready.map((p) => ({
              ip: String((p.status as { podIP?: string }).podIP),
              targetRef: { kind: 'Pod', name: p.metadata.name, namespace: ns },
            })),
            ports: (spec.ports ?? []).map((p) => ({
              port: p.targetPort ?? p.port,
              protocol: p.protocol ?? 'TCP',
              ...(p.name ? { name: p.name } : {}),
            })),
          },
        ]
      : [];
    const cur = store.get(ENDPOINTS, ns, name);
    // The endpoints controller records when the change that triggered an update happened.
    const annotations = { [ENDPOINTS_TRIGGER_ANNOTATION]: new Date(this.ctx.clock.now()).toISOString() };
    if (!cur) store.create(ENDPOINTS, { metadata: { name, namespace: ns, labels: svc.metadata.labels, annotations }, subsets }, ns);
    else if (JSON.stringify(cur.subsets ?? []) !== JSON.stringify(subsets))
      store.update(ENDPOINTS, {
        ...cur,
        metadata: { ...cur.metadata, annotations: { ...(cur.metadata.annotations ?? {}), ...annotations } },
        subsets,
      } as Obj);
  }
}
