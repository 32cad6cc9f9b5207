/**
 * A simulated Chaos Mesh controller (v2.x behaviour, status shapes from the v2.8.3 CRDs):
 * for each PodChaos, NetworkChaos, StressChaos, IOChaos, HTTPChaos and TimeChaos it
 *
 * - selects the target pods from `spec.selector` (`namespaces`, `labelSelectors`, `pods`)
 *   and `spec.mode` (`one`, `all`, `fixed`, `fixed-percent`, `random-max-percent`; the
 *   simulation picks the first pods by name where Chaos Mesh picks at random) and sets the
 *   `Selected` condition;
 * - injects: one record per pod in `status.experiment.containerRecords` (`id`
 *   `namespace/pod`, or `namespace/pod/container` for container-kill), `phase: Injected`,
 *   `injectedCount`, and an `Apply` event; then `AllInjected` is True;
 * - honours `spec.duration`: when it has passed, `desiredPhase` becomes `Stop` and every
 *   record is recovered (`phase: Not Injected`, `recoveredCount`, a `Recover` event) and
 *   `AllRecovered` is True;
 * - recovers at once on pause (annotation `experiment.chaos-mesh.org/pause: "true"`, with
 *   the `Paused` condition), and re-injects when the annotation is removed;
 * - recovers on delete (Chaos Mesh holds the object with a finalizer until it has; the
 *   simulated API server has no finalizers, so the object goes first and the pods recover
 *   right after).
 *
 * What the faults do to the pods: `pod-kill` deletes them (the Deployment replaces them and
 * the replacement becomes Ready after `timing.podReadyMs`); `pod-failure` makes their
 * containers not Ready until recovery, when each container restarts once; `container-kill`
 * restarts the named containers. Network, stress and HTTP faults leave pods Ready: their
 * effect on traffic is published through {@link ChaosMeshController.effects} (the demo app
 * reads it). Schedules and Workflows are stored and listed but not run.
 */
import { CHAOS_HTTP, CHAOS_IO, CHAOS_NETWORK, CHAOS_POD, CHAOS_STRESS, CHAOS_TIME, EVENTS, PODS } from '../cluster/resources';
import { ResourceType } from '../cluster/types';
import { CHAOS_MESH_PAUSE_ANNOTATION } from '../../chaos/types';
import { LIBRARY_LABELS } from '../../common/conventions';
import { goDurationMs } from '../../common/duration';
import { SimContext, SimController } from './controller';
import { isoSeconds, Obj, parseLabelSelector, StoreEvent, typeKey } from './store';

/** The experiment kinds the simulated controller runs. */
export const CHAOS_EXPERIMENT_TYPES: readonly ResourceType[] = [CHAOS_POD, CHAOS_NETWORK, CHAOS_STRESS, CHAOS_IO, CHAOS_HTTP, CHAOS_TIME];

/** Chaos Mesh's pause annotation. */
export const PAUSE_ANNOTATION = CHAOS_MESH_PAUSE_ANNOTATION;

/** What the injected faults currently do to traffic, per pod (`namespace/pod`). */
export interface PodEffects {
  /** Seconds added to each response (NetworkChaos delay, StressChaos). */
  readonly delaySeconds: number;
  /** Share of requests failing (NetworkChaos loss/partition, HTTPChaos abort). */
  readonly errorRatio: number;
}

interface Running {
  readonly type: ResourceType;
  readonly ns: string;
  readonly name: string;
  /** `namespace/pod` of each selected pod. */
  selected: string[];
  injected: boolean;
  /** The duration has passed: recovered for good. */
  done: boolean;
  cancelTimer?: () => void;
  startedAt: number;
}

const SIM_LABEL = LIBRARY_LABELS.simulatedDeployment;

interface Spec {
  action?: string;
  mode?: string;
  value?: string;
  duration?: string;
  containerNames?: string[];
  selector?: { namespaces?: string[]; labelSelectors?: Record<string, string>; pods?: Record<string, string[]> };
  delay?: { latency?: string; jitter?: string };
  loss?: { loss?: string };
  abort?: boolean;
  stressors?: { cpu?: { workers?: number; load?: number }; memory?: { workers?: number } };
}

/** How many of `n` pods a mode selects. */
export function modeCount(mode: string | undefined, value: string | undefined, n: number): number {
  const v = Number(value ?? '0');
  switch (mode ?? 'one') {
    case 'one':
      return Math.min(1, n);
    case 'all':
      return n;
    case 'fixed':
      return Math.min(n, Math.max(0, Math.floor(v)));
    case 'fixed-percent':
    case 'random-max-percent':
      return Math.min(n, Math.floor((n * v) / 100));
    default:
      return 0;
  }
}

export class ChaosMeshController implements SimController {
  readonly name = 'chaos-mesh';
  private ctx!: SimContext;
  private unsubscribe?: () => void;
  private stopped = false;
  private readonly running = new Map<string, Running>();
  private readonly listeners = new Set<() => void>();
  private eventSeq = 0;

  start(ctx: SimContext): void {
    this.ctx = ctx;
    this.unsubscribe = ctx.store.subscribe((e) => setImmediate(() => this.onEvent(e)));
    for (const t of CHAOS_EXPERIMENT_TYPES) for (const o of ctx.store.list(t)) this.reconcile(t, o.metadata.namespace!, o.metadata.name);
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    for (const r of this.running.values()) r.cancelTimer?.();
  }

  /** Called whenever what the faults do to traffic may have changed. Returns an unsubscribe function. */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** The traffic effects of every injected experiment, by `namespace/pod`. */
  effects(): Map<string, PodEffects> {
    const out = new Map<string, PodEffects>();
    for (const r of this.running.values()) {
      if (!r.injected) continue;
      const o = this.ctx.store.get(r.type, r.ns, r.name);
      if (!o) continue;
      const e = effectOf(r.type, (o.spec ?? {}) as Spec);
      if (!e) continue;
      for (const p of r.selected) {
        const cur = out.get(p) ?? { delaySeconds: 0, errorRatio: 0 };
        out.set(p, { delaySeconds: cur.delaySeconds + e.delaySeconds, errorRatio: Math.min(1, cur.errorRatio + e.errorRatio) });
      }
    }
    return out;
  }

  private notify(): void {
    for (const fn of this.listeners) fn();
  }

  private key(t: ResourceType, ns: string, name: string): string {
    return `${typeKey(t)}/${ns}/${name}`;
  }

  private onEvent(e: StoreEvent): void {
    if (this.stopped) return;
    const t = CHAOS_EXPERIMENT_TYPES.find((x) => typeKey(x) === typeKey(e.type));
    if (!t) return;
    const ns = e.object.metadata.namespace!;
    const name = e.object.metadata.name;
    if (e.kind === 'DELETED') {
      const r = this.running.get(this.key(t, ns, name));
      if (r) {
        r.cancelTimer?.();
        if (r.injected) this.recoverPods(r, (e.object.spec ?? {}) as Spec);
        this.running.delete(this.key(t, ns, name));
        this.event(e.object, 'Normal', 'Deleted', 'experiment deleted: every fault recovered');
        this.notify();
      }
      return;
    }
    this.reconcile(t, ns, name);
  }

  private reconcile(t: ResourceType, ns: string, name: string): void {
    const o = this.ctx.store.get(t, ns, name);
    if (!o) return;
    const spec = (o.spec ?? {}) as Spec;
    const k = this.key(t, ns, name);
    let r = this.running.get(k);
    const paused = o.metadata.annotations?.[PAUSE_ANNOTATION] === 'true';
    const st = (o.status ?? {}) as { experiment?: { desiredPhase?: string } };
    if (!r) {
      if (st.experiment?.desiredPhase === 'Stop') return; // finished before (e.g. after a restart of the controller)
      r = { type: t, ns, name, selected: this.select(spec), injected: false, done: false, startedAt: this.ctx.clock.now() };
      this.running.set(k, r);
      const durMs = spec.duration ? goDurationMs(spec.duration) : undefined;
      if (durMs !== undefined) {
        const run = r;
        run.cancelTimer = this.ctx.clock.after(durMs, () => this.finish(run));
      }
      this.event(
        o,
        'Normal',
        'Selected',
        `selected ${r.selected.length} pod${r.selected.length === 1 ? '' : 's'}: ${r.selected.join(', ') || 'none'}`,
      );
    }
    if (r.done) return;
    if (paused && r.injected) {
      r.injected = false;
      this.recoverPods(r, spec);
      this.writeStatus(r, 'Recover', true);
      this.event(o, 'Normal', 'Paused', 'experiment paused: faults recovered');
      this.notify();
    } else if (!paused && !r.injected && !r.done) {
      r.injected = true;
      this.injectPods(r, spec);
      this.writeStatus(r, 'Apply', false);
      this.event(
        o,
        'Normal',
        'Applied',
        `fault ${spec.action ?? t.kind} injected into ${r.selected.length} pod${r.selected.length === 1 ? '' : 's'}`,
      );
      this.notify();
    } else if (!this.hasStatus(o)) {
      this.writeStatus(r, r.injected ? 'Apply' : 'Recover', paused);
    }
  }

  private hasStatus(o: Obj): boolean {
    return Array.isArray((o.status as { conditions?: unknown } | undefined)?.conditions);
  }

  private finish(r: Running): void {
    if (this.stopped) return;
    r.done = true;
    r.cancelTimer = undefined;
    const o = this.ctx.store.get(r.type, r.ns, r.name);
    if (!o) return;
    if (r.injected) {
      r.injected = false;
      this.recoverPods(r, (o.spec ?? {}) as Spec);
    }
    this.writeStatus(r, 'Recover', o.metadata.annotations?.[PAUSE_ANNOTATION] === 'true', 'Stop');
    this.event(o, 'Normal', 'Finished', 'duration elapsed: every fault recovered');
    this.notify();
  }

  /** `namespace/pod` of the pods the selector and mode pick (Running pods only, by name). */
  private select(spec: Spec): string[] {
    const sel = spec.selector ?? {};
    const matches: string[] = [];
    const byName = sel.pods;
    if (byName) {
      for (const [ns, names] of Object.entries(byName)) for (const n of names) if (this.ctx.store.get(PODS, ns, n)) matches.push(`${ns}/${n}`);
    } else {
      const labels = Object.entries(sel.labelSelectors ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      const match = parseLabelSelector(labels);
      const namespaces = sel.namespaces?.length ? sel.namespaces : undefined;
      for (const p of this.ctx.store.list(PODS)) {
        if (namespaces && !namespaces.includes(p.metadata.namespace!)) continue;
        if (!match(p.metadata.labels)) continue;
        if ((p.status as { phase?: string } | undefined)?.phase !== 'Running') continue;
        matches.push(`${p.metadata.namespace}/${p.metadata.name}`);
      }
    }
    matches.sort();
    return matches.slice(0, modeCount(spec.mode, spec.value, matches.length));
  }

  private recordIds(r: Running, spec: Spec): string[] {
    if (r.type === CHAOS_POD && spec.action === 'container-kill')
      return r.selected.flatMap((p) => (spec.containerNames?.length ? spec.containerNames : ['']).map((c) => (c ? `${p}/${c}` : p)));
    return r.selected;
  }

  private writeStatus(r: Running, op: 'Apply' | 'Recover', paused: boolean, desired?: 'Run' | 'Stop'): void {
    const o = this.ctx.store.get(r.type, r.ns, r.name);
    if (!o) return;
    const spec = (o.spec ?? {}) as Spec;
    const now = isoSeconds(this.ctx.clock.now());
    const old = ((o.status as { experiment?: { containerRecords?: Array<Record<string, unknown>> } } | undefined)?.experiment?.containerRecords ??
      []) as Array<{ id: string; injectedCount: number; recoveredCount: number; events?: unknown[] }>;
    const records = this.recordIds(r, spec).map((id) => {
      const prev = old.find((x) => x.id === id);
      const injectedCount = (prev?.injectedCount ?? 0) + (op === 'Apply' ? 1 : 0);
      const recoveredCount = (prev?.recoveredCount ?? 0) + (op === 'Recover' && prev && prev.injectedCount > prev.recoveredCount ? 1 : 0);
      const changed = op === 'Apply' || (prev && prev.injectedCount > prev.recoveredCount);
      return {
        id,
        selectorKey: '.',
        phase: op === 'Apply' ? 'Injected' : 'Not Injected',
        injectedCount,
        recoveredCount,
        events: [...((prev?.events as unknown[]) ?? []), ...(changed ? [{ type: 'Succeeded', operation: op, timestamp: now }] : [])],
      };
    });
    const allInjected = records.length > 0 && records.every((x) => x.phase === 'Injected');
    const allRecovered = records.every((x) => x.phase === 'Not Injected');
    const cond = (type: string, ok: boolean, reason?: string) => ({ type, status: ok ? 'True' : 'False', ...(reason ? { reason } : {}) });
    const desiredPhase = desired ?? (paused || r.done ? 'Stop' : 'Run');
    this.ctx.store.update(r.type, {
      ...o,
      status: {
        conditions: [
          cond('Selected', r.selected.length > 0, r.selected.length ? undefined : 'NoPodSelected'),
          cond('AllInjected', allInjected),
          cond('AllRecovered', allRecovered),
          cond('Paused', paused),
        ],
        experiment: { desiredPhase, containerRecords: records },
      },
    } as Obj);
  }

  private injectPods(r: Running, spec: Spec): void {
    if (r.type !== CHAOS_POD) return;
    for (const id of r.selected) {
      const [ns, name] = id.split('/');
      const p = this.ctx.store.get(PODS, ns, name);
      if (!p) continue;
      if (spec.action === 'pod-kill') {
        this.ctx.store.delete(PODS, ns, name);
      } else if (spec.action === 'pod-failure') {
        this.setReady(p, false, 0);
      } else if (spec.action === 'container-kill') {
        this.setReady(p, false, 1);
        this.ctx.later(this.ctx.timing.podReadyMs, () => {
          const cur = this.ctx.store.get(PODS, ns, name);
          if (cur) this.setReady(cur, true, 0);
        });
      }
    }
  }

  private recoverPods(r: Running, spec: Spec): void {
    if (r.type !== CHAOS_POD || spec.action !== 'pod-failure') return;
    for (const id of r.selected) {
      const [ns, name] = id.split('/');
      const p = this.ctx.store.get(PODS, ns, name);
      if (!p) continue;
      // The pause image is swapped back: each container restarts once and is Ready again after a moment.
      this.setReady(p, false, 1);
      this.ctx.later(this.ctx.timing.podReadyMs, () => {
        const cur = this.ctx.store.get(PODS, ns, name);
        if (cur) this.setReady(cur, true, 0);
      });
    }
  }

  private setReady(p: Obj, ready: boolean, addRestarts: number): void {
    const st = (p.status ?? {}) as { conditions?: Array<{ type: string; status: string }>; containerStatuses?: Array<Record<string, unknown>> };
    const containers = (st.containerStatuses ?? []).map((c) => ({ ...c, ready, restartCount: Number(c.restartCount ?? 0) + addRestarts }));
    this.ctx.store.update(PODS, {
      ...p,
      status: { ...st, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }], containerStatuses: containers },
    } as Obj);
  }

  private event(o: Obj, type: string, reason: string, message: string): void {
    const ts = isoSeconds(this.ctx.clock.now());
    this.ctx.store.create(
      EVENTS,
      {
        metadata: {
          name: `${o.metadata.name}.${this.ctx.clock.now().toString(16)}${String(++this.eventSeq).padStart(6, '0')}`,
          namespace: o.metadata.namespace,
        },
        involvedObject: {
          apiVersion: o.apiVersion ?? 'chaos-mesh.org/v1alpha1',
          kind: o.kind,
          name: o.metadata.name,
          namespace: o.metadata.namespace,
          uid: o.metadata.uid,
        },
        reason,
        message,
        type,
        source: { component: 'chaos-controller-manager (simulated)' },
        firstTimestamp: ts,
        lastTimestamp: ts,
        count: 1,
      },
      o.metadata.namespace,
    );
  }
}

/** What an experiment does to the traffic of each selected pod; undefined for faults that only act on pods. */
export function effectOf(t: ResourceType, spec: Spec): PodEffects | undefined {
  if (t === CHAOS_NETWORK) {
    if (spec.action === 'delay') return { delaySeconds: (goDurationMs(spec.delay?.latency ?? '0s') ?? 0) / 1000, errorRatio: 0 };
    if (spec.action === 'loss') return { delaySeconds: 0, errorRatio: Math.min(1, Number(spec.loss?.loss ?? '0') / 100) };
    if (spec.action === 'partition') return { delaySeconds: 0, errorRatio: 1 };
    return undefined;
  }
  if (t === CHAOS_STRESS) {
    const load = spec.stressors?.cpu ? (spec.stressors.cpu.load ?? 100) / 100 : 0.25;
    return { delaySeconds: Number((0.1 * load).toFixed(3)), errorRatio: 0 };
  }
  if (t === CHAOS_HTTP)
    return spec.abort
      ? { delaySeconds: 0, errorRatio: 1 }
      : spec.delay
        ? { delaySeconds: (goDurationMs(String(spec.delay)) ?? 0) / 1000, errorRatio: 0 }
        : undefined;
  return undefined;
}

/** True when a pod counts as serving: Running and Ready. */
export function podServing(p: Obj): boolean {
  const st = (p.status ?? {}) as { phase?: string; conditions?: Array<{ type: string; status: string }> };
  return st.phase === 'Running' && (st.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True') && !p.metadata.deletionTimestamp;
}

export { SIM_LABEL };
