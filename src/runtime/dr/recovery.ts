/**
 * Recovery after a restore, measured from watch events: for each namespace, one watch on its
 * Deployments and one on its Endpoints, until every deployment that was Ready before is
 * Ready again (all replicas) and every service that had endpoints has them again. The time
 * each became Ready is when the watch event saying so arrived; when an object is first seen
 * already Ready in a list (after a 410 relist, or on a resumed drill), its own timestamp is
 * used instead (the Deployment's `Available` condition, the Endpoints'
 * `endpoints.kubernetes.io/last-change-trigger-time`), else the time of the list.
 *
 * Once the restore has ended, an object still absent will not come: the wait stops for it.
 */
import { DEPLOYMENTS, ENDPOINTS, SERVICES } from '../cluster/resources';
import { Cluster, KubeObject } from '../cluster/types';
import { followCollection } from '../cluster/wait';
import { Clock } from '../sim/clock';
import { deploymentReady, endpointsServe } from './inventory';

/** What must be Ready again in one namespace (under the name it is restored to). */
export interface RecoveryTarget {
  readonly namespace: string;
  readonly deployments: readonly string[];
  readonly services: readonly string[];
  /** Per service, the deployments whose pods it selects: when none of them is restored, its endpoints will not come. @default - unknown */
  readonly serviceDeployments?: Readonly<Record<string, readonly string[]>>;
}

/** When one workload became Ready, and how that time was known. */
export interface ReadyMark {
  readonly namespace: string;
  readonly kind: 'Deployment' | 'Service';
  readonly name: string;
  readonly at: number;
  /** `event`: a watch event; `timestamp`: the object's own time, seen in a list; `list`: seen Ready in a list without a timestamp. */
  readonly how: 'event' | 'timestamp' | 'list';
}

/** A workload that did not become Ready. */
export interface NotReady {
  readonly namespace: string;
  readonly kind: 'Deployment' | 'Service';
  readonly name: string;
  readonly why: string;
}

/** How the recovery went. */
export interface RecoveryResult {
  readonly outcome: 'recovered' | 'timeout' | 'aborted' | 'incomplete';
  readonly ready: readonly ReadyMark[];
  readonly notReady: readonly NotReady[];
  /** When the last workload became Ready (when all did). */
  readonly lastReady?: ReadyMark;
  readonly reconnects: number;
  readonly relists: number;
}

const ENDPOINTS_TRIGGER = 'endpoints.kubernetes.io/last-change-trigger-time';

function timestampOf(kind: 'Deployment' | 'Service', o: KubeObject): number | undefined {
  if (kind === 'Deployment') {
    const c = (
      (o.status as { conditions?: Array<{ type: string; status: string; lastTransitionTime?: string }> } | undefined)?.conditions ?? []
    ).find((x) => x.type === 'Available' && x.status === 'True');
    const t = c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
    return Number.isNaN(t) ? undefined : t;
  }
  const t = Date.parse(o.metadata.annotations?.[ENDPOINTS_TRIGGER] ?? '');
  return Number.isNaN(t) ? undefined : t;
}

/** A running recovery watch; `restoreEnded()` tells it the restore is final. */
export class RecoveryWatch {
  private readonly marks = new Map<string, ReadyMark>();
  /** Targets a list taken after the restore ended showed will not come, with why. */
  private readonly absent = new Map<string, string>();
  private readonly state = new Map<string, Map<string, KubeObject>>();
  private readonly abort = new AbortController();
  private outerAborted = false;
  private ended = false;
  private promise?: Promise<RecoveryResult>;
  private readonly reevaluators: Array<() => void> = [];

  constructor(
    private readonly cluster: Cluster,
    private readonly clock: Clock,
    readonly targets: readonly RecoveryTarget[],
    private readonly signal?: AbortSignal,
  ) {}

  private key(ns: string, kind: string, name: string): string {
    return `${ns}/${kind}/${name}`;
  }

  /** True when nothing is to be waited for. */
  get empty(): boolean {
    return this.targets.every((t) => t.deployments.length === 0 && t.services.length === 0);
  }

  /** Starts the watches (call before creating the restore, so no transition is missed). */
  start(timeoutMs: number): void {
    if (this.promise) return;
    this.signal?.addEventListener(
      'abort',
      () => {
        this.outerAborted = true;
        this.abort.abort();
      },
      { once: true },
    );
    const runs: Array<Promise<{ reconnects: number; relists: number; outcome: string }>> = [];
    for (const t of this.targets) {
      for (const [kind, type, names, ready] of [
        ['Deployment', DEPLOYMENTS, t.deployments, deploymentReady],
        ['Service', ENDPOINTS, t.services, endpointsServe],
      ] as const) {
        if (!names.length) continue;
        const seen = new Map<string, KubeObject>();
        this.state.set(`${t.namespace}/${kind}`, seen);
        const settled = (): boolean =>
          names.every((n) => this.marks.has(this.key(t.namespace, kind, n)) || this.absent.has(this.key(t.namespace, kind, n)));
        const local = new AbortController();
        this.abort.signal.addEventListener('abort', () => local.abort(), { once: true });
        this.reevaluators.push(() => {
          if (settled()) local.abort();
        });
        runs.push(
          followCollection(this.cluster, type, t.namespace, () => settled(), {
            timeoutMs,
            signal: local.signal,
            onChange: (objects, fromList) => {
              seen.clear();
              for (const [n, o] of objects) seen.set(n, o);
              const now = this.clock.now();
              for (const n of names) {
                const k = this.key(t.namespace, kind, n);
                const o = objects.get(n);
                if (this.marks.has(k) || !o || !ready(o)) continue;
                // A timestamp to the second is rounded up: an RTO is never reported shorter than it was.
                const raw = fromList ? timestampOf(kind, o) : undefined;
                const ts = raw !== undefined && raw % 1000 === 0 ? raw + 999 : raw;
                this.marks.set(k, {
                  namespace: t.namespace,
                  kind,
                  name: n,
                  at: fromList ? Math.min(now, ts ?? now) : now,
                  how: fromList ? (ts !== undefined ? 'timestamp' : 'list') : 'event',
                });
              }
            },
          }).then((r) => ({ reconnects: r.reconnects, relists: r.relists, outcome: r.outcome })),
        );
      }
    }
    this.promise = Promise.all(runs).then((results) => this.result(results));
  }

  /**
   * The restore reached a final phase: what a fresh list does not show now will not come
   * (a deployment not restored; a service not restored, or whose deployments all were not).
   * The list is taken now, not read from the watches, which may lag behind.
   */
  restoreEnded(): Promise<void> {
    this.ended = true;

    return Promise.all(
      this.targets.map(async (t) => {
        try {
          const [deps, svcs] = await Promise.all([
            this.cluster.list(DEPLOYMENTS, { namespace: t.namespace }),
            t.services.length ? this.cluster.list(SERVICES, { namespace: t.namespace }) : Promise.resolve({ items: [] as KubeObject[] }),
          ]);
          const dep = new Set(deps.items.map((o) => o.metadata.name));
          const svc = new Set(svcs.items.map((o) => o.metadata.name));
          for (const n of t.deployments)
            if (!dep.has(n)) this.absent.set(this.key(t.namespace, 'Deployment', n), 'not restored (the Deployment does not exist)');
          for (const n of t.services) {
            const backing = t.serviceDeployments?.[n] ?? [];
            if (!svc.has(n)) this.absent.set(this.key(t.namespace, 'Service', n), 'not restored (the Service does not exist)');
            else if (backing.length && backing.every((d) => !dep.has(d)))
              this.absent.set(
                this.key(t.namespace, 'Service', n),
                `no endpoints can come: ${backing.length === 1 ? `its Deployment ${backing[0]} was` : `its Deployments ${backing.join(', ')} were`} not restored`,
              );
          }
        } catch {
          // unreadable now: the watches go on until their deadline
        }
      }),
    ).then(() => {
      for (const r of this.reevaluators) r();
    });
  }

  /** Stops waiting (e.g. the restore itself timed out). */
  stop(): void {
    this.abort.abort();
  }

  /** Resolves when every target is Ready, absent after the restore ended, or the wait ended. */
  wait(): Promise<RecoveryResult> {
    if (!this.promise) throw new Error('RecoveryWatch.wait() before start()');
    return this.promise;
  }

  private result(runs: ReadonlyArray<{ reconnects: number; relists: number; outcome: string }>): RecoveryResult {
    const notReady: NotReady[] = [];
    for (const t of this.targets) {
      for (const [kind, names] of [
        ['Deployment', t.deployments],
        ['Service', t.services],
      ] as const) {
        const seen = this.state.get(`${t.namespace}/${kind}`) ?? new Map<string, KubeObject>();
        for (const n of names) {
          if (this.marks.has(this.key(t.namespace, kind, n))) continue;
          const o = seen.get(n);
          let why: string;
          const gone = this.absent.get(this.key(t.namespace, kind, n));
          if (gone) why = gone;
          else if (!o && !this.ended)
            why = kind === 'Deployment' ? 'not there yet (the restore has not finished)' : 'no Endpoints yet (the restore has not finished)';
          else if (!o)
            why = kind === 'Deployment' ? 'not restored (the Deployment does not exist)' : 'no Endpoints (the Service or its pods were not restored)';
          else if (kind === 'Deployment') {
            const st = (o.status ?? {}) as { readyReplicas?: number };
            why = `${st.readyReplicas ?? 0} of ${Number((o.spec as { replicas?: number } | undefined)?.replicas ?? 1)} replicas ready`;
          } else why = 'no ready addresses in its Endpoints';
          notReady.push({ namespace: t.namespace, kind, name: n, why });
        }
      }
    }
    const ready = [...this.marks.values()].sort((a, b) => a.at - b.at);
    const timedOut = runs.some((r) => r.outcome === 'timeout');
    const outcome: RecoveryResult['outcome'] =
      notReady.length === 0 ? 'recovered' : this.outerAborted ? 'aborted' : timedOut ? 'timeout' : 'incomplete';
    return {
      outcome,
      ready,
      notReady,
      lastReady: notReady.length === 0 ? ready[ready.length - 1] : undefined,
      reconnects: runs.reduce((a, r) => a + r.reconnects, 0),
      relists: runs.reduce((a, r) => a + r.relists, 0),
    };
  }
}
