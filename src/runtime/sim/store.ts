/**
 * The simulated cluster's object store: objects per resource type with the API server's
 * bookkeeping (uid, a cluster-wide resourceVersion, creationTimestamp, generateName), label
 * and field selectors, 404/409 semantics, and a bounded event history that watches resume
 * from (a version older than the history gives 410 Gone, as etcd compaction does).
 */
import { randomUUID } from 'crypto';
import { KubeObject, ResourceType } from '../cluster/types';
import { Clock } from './clock';

/** A JSON object as stored. */
export type Obj = KubeObject & { metadata: KubeObject['metadata'] & Record<string, unknown> };

/** An API error with its HTTP status and Kubernetes reason. */
export class SimApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** A change, as watchers receive it. */
export interface StoreEvent {
  readonly rv: number;
  readonly type: ResourceType;
  readonly kind: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly object: Obj;
}

export function typeKey(t: ResourceType): string {
  return `${t.group}/${t.plural}`;
}

function resourceName(t: ResourceType): string {
  return t.group ? `${t.plural}.${t.group}` : t.plural;
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

type Requirement = (labels: Readonly<Record<string, string>>) => boolean;

/** Parses a label selector (`=`, `==`, `!=`, `in`, `notin`, exists, `!`exists); throws SimApiError 400. */
export function parseLabelSelector(selector: string | undefined): (labels: Readonly<Record<string, string>> | undefined) => boolean {
  if (!selector || !selector.trim()) return () => true;
  const reqs: Requirement[] = [];
  // Split on commas that are not inside parentheses.
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  for (const raw of parts) {
    const p = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(p))) {
      const [, key, op, list] = m;
      const values = list.split(',').map((v) => v.trim());
      reqs.push(op === 'in' ? (l) => key in l && values.includes(l[key]) : (l) => !(key in l) || !values.includes(l[key]));
    } else if ((m = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(p))) {
      const [, key, op, value] = m;
      reqs.push(op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value);
    } else if ((m = /^!([\w./-]+)$/.exec(p))) {
      const key = m[1];
      reqs.push((l) => !(key in l));
    } else if ((m = /^([\w./-]+)$/.exec(p))) {
      const key = m[1];
      reqs.push((l) => key in l);
    } else {
      throw new SimApiError(400, 'BadRequest', `unable to parse requirement: "${p}" in label selector "${selector}"`);
    }
  }
  return (labels) => reqs.every((r) => r(labels ?? {}));
}

function fieldValue(o: Obj, path: string): string | undefined {
  let cur: unknown = o;
  for (const k of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur === undefined || cur === null ? undefined : String(cur);
}

/** Parses a field selector (`a.b=c`, `a.b!=c`); throws SimApiError 400. */
export function parseFieldSelector(selector: string | undefined): (o: Obj) => boolean {
  if (!selector || !selector.trim()) return () => true;
  const reqs = selector.split(',').map((p) => {
    const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(p.trim());
    if (!m) throw new SimApiError(400, 'BadRequest', `invalid field selector "${p}"`);
    const [, path, op, value] = m;
    return (o: Obj) => (op === '!=' ? fieldValue(o, path) !== value : (fieldValue(o, path) ?? '') === value);
  });
  return (o) => reqs.every((r) => r(o));
}

/** How much history a watch can resume from. */
const HISTORY = 2000;

export class Store {
  private rv = 100;
  private readonly objects = new Map<string, Map<string, Obj>>();
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<(e: StoreEvent) => void>();

  constructor(private readonly clock: Clock) {}

  /** The current resourceVersion. */
  get resourceVersion(): number {
    return this.rv;
  }

  /** The oldest resourceVersion a watch can resume from. */
  get oldestResumable(): number {
    return this.history.length ? this.history[0].rv - 1 : this.rv;
  }

  /** Forgets the event history (as an etcd compaction does): older watches get 410 Gone. */
  compact(): void {
    this.history.length = 0;
  }

  private bucket(t: ResourceType): Map<string, Obj> {
    const k = typeKey(t);
    let b = this.objects.get(k);
    if (!b) this.objects.set(k, (b = new Map()));
    return b;
  }

  private key(t: ResourceType, namespace: string | undefined, name: string): string {
    return t.namespaced === false ? name : `${namespace ?? ''}/${name}`;
  }

  private emit(type: ResourceType, kind: StoreEvent['kind'], object: Obj): void {
    const e: StoreEvent = { rv: Number(object.metadata.resourceVersion), type, kind, object: clone(object) };
    this.history.push(e);
    if (this.history.length > HISTORY) this.history.shift();
    for (const l of [...this.listeners]) l(e);
  }

  /** Subscribes to every change; returns an unsubscribe function. */
  subscribe(listener: (e: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Events after `rv` (exclusive); undefined when that version is no longer in the history (410). */
  eventsSince(rv: number): StoreEvent[] | undefined {
    if (rv < this.oldestResumable) return undefined;
    return this.history.filter((e) => e.rv > rv).map((e) => ({ ...e, object: clone(e.object) }));
  }

  get(t: ResourceType, namespace: string | undefined, name: string): Obj | undefined {
    const o = this.bucket(t).get(this.key(t, namespace, name));
    return o ? clone(o) : undefined;
  }

  /** The object, or a 404 SimApiError. */
  mustGet(t: ResourceType, namespace: string | undefined, name: string): Obj {
    const o = this.get(t, namespace, name);
    if (!o) throw new SimApiError(404, 'NotFound', `${resourceName(t)} "${name}" not found`);
    return o;
  }

  list(t: ResourceType, namespace?: string, labelSelector?: string, fieldSelector?: string): Obj[] {
    const lm = parseLabelSelector(labelSelector);
    const fm = parseFieldSelector(fieldSelector);
    return [...this.bucket(t).values()]
      .filter((o) => t.namespaced === false || namespace === undefined || o.metadata.namespace === namespace)
      .filter((o) => lm(o.metadata.labels) && fm(o))
      .sort((a, b) => `${a.metadata.namespace ?? ''}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace ?? ''}/${b.metadata.name}`))
      .map(clone);
  }

  create(t: ResourceType, input: KubeObject, namespace?: string): Obj {
    const o = clone(input) as Obj;
    const meta = { ...(o.metadata ?? {}) } as Obj['metadata'] & { name: string };
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${randomUUID().replace(/-/g, '').slice(0, 5)}`;
    if (!meta.name) throw new SimApiError(422, 'Invalid', `${t.kind} is invalid: metadata.name: Required value: name or generateName is required`);
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(meta.name) || meta.name.length > 253) {
      throw new SimApiError(
        422,
        'Invalid',
        `${t.kind} "${meta.name}" is invalid: metadata.name: Invalid value: "${meta.name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`,
      );
    }
    if (t.namespaced !== false) {
      const ns = namespace ?? meta.namespace ?? 'default';
      if (meta.namespace && namespace && meta.namespace !== namespace) {
        throw new SimApiError(
          400,
          'BadRequest',
          `the namespace of the provided object (${meta.namespace}) does not match the namespace sent on the request (${namespace})`,
        );
      }
      (meta as Record<string, unknown>).namespace = ns;
      if (!this.bucket({ group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false }).has(ns)) {
        throw new SimApiError(404, 'NotFound', `namespaces "${ns}" not found`);
      }
    } else {
      delete (meta as Record<string, unknown>).namespace;
    }
    const k = this.key(t, meta.namespace, meta.name);
    if (this.bucket(t).has(k)) throw new SimApiError(409, 'AlreadyExists', `${resourceName(t)} "${meta.name}" already exists`);
    this.rv++;
    Object.assign(meta, {
      uid: randomUUID(),
      resourceVersion: String(this.rv),
      creationTimestamp: meta.creationTimestamp ?? isoSeconds(this.clock.now()),
      generation: 1,
    });
    const stored = { ...o, apiVersion: t.group ? `${t.group}/${t.version}` : t.version, kind: t.kind, metadata: meta } as Obj;
    this.bucket(t).set(k, stored);
    this.emit(t, 'ADDED', stored);
    return clone(stored);
  }

  /** Replaces an object (resourceVersion conflicts give 409, as an update does). */
  update(t: ResourceType, o: Obj): Obj {
    const k = this.key(t, o.metadata.namespace, o.metadata.name);
    const cur = this.bucket(t).get(k);
    if (!cur) throw new SimApiError(404, 'NotFound', `${resourceName(t)} "${o.metadata.name}" not found`);
    if (o.metadata.resourceVersion && o.metadata.resourceVersion !== cur.metadata.resourceVersion) {
      throw new SimApiError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${resourceName(t)} "${o.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`,
      );
    }
    this.rv++;
    const stored = clone({
      ...o,
      apiVersion: cur.apiVersion,
      kind: cur.kind,
      metadata: { ...o.metadata, uid: cur.metadata.uid, creationTimestamp: cur.metadata.creationTimestamp, resourceVersion: String(this.rv) },
    }) as Obj;
    this.bucket(t).set(k, stored);
    this.emit(t, 'MODIFIED', stored);
    return clone(stored);
  }

  /** Applies a JSON merge patch (RFC 7386). */
  patch(t: ResourceType, namespace: string | undefined, name: string, patch: Record<string, unknown>): Obj {
    const cur = this.mustGet(t, namespace, name);
    const merged = mergePatch(cur, patch) as Obj;
    merged.metadata = {
      ...merged.metadata,
      name: cur.metadata.name,
      namespace: cur.metadata.namespace,
      resourceVersion: undefined,
    } as Obj['metadata'];
    return this.update(t, merged);
  }

  delete(t: ResourceType, namespace: string | undefined, name: string): Obj {
    const k = this.key(t, namespace, name);
    const cur = this.bucket(t).get(k);
    if (!cur) throw new SimApiError(404, 'NotFound', `${resourceName(t)} "${name}" not found`);
    if (t.plural === 'namespaces' && t.group === '') {
      // Namespace deletion removes everything in it, then the namespace.
      for (const [key, b] of this.objects) {
        if (key === typeKey(t)) continue;
        for (const [ok, o] of [...b]) {
          if (o.metadata.namespace === name) {
            b.delete(ok);
            this.rv++;
            const type = this.typeOf(key);
            if (type) this.emit(type, 'DELETED', { ...o, metadata: { ...o.metadata, resourceVersion: String(this.rv) } } as Obj);
          }
        }
      }
    }
    this.bucket(t).delete(k);
    this.rv++;
    const gone = { ...cur, metadata: { ...cur.metadata, resourceVersion: String(this.rv) } } as Obj;
    this.emit(t, 'DELETED', gone);
    return clone(gone);
  }

  /**
   * Starts deleting a namespace as the API server does: it gets a `deletionTimestamp`, the
   * `kubernetes` finalizer and phase `Terminating` (a MODIFIED event); the namespace
   * controller then removes its contents and the namespace itself. Deleting a namespace that
   * is already Terminating returns it unchanged.
   */
  beginNamespaceDeletion(t: ResourceType, name: string): Obj {
    const cur = this.mustGet(t, undefined, name);
    if (cur.metadata.deletionTimestamp) return cur;
    const now = isoSeconds(this.clock.now());
    return this.update(t, {
      ...cur,
      metadata: { ...cur.metadata, deletionTimestamp: now },
      spec: { ...(cur.spec ?? {}), finalizers: ['kubernetes'] },
      status: {
        phase: 'Terminating',
        conditions: [
          {
            type: 'NamespaceContentRemaining',
            status: 'True',
            reason: 'SomeResourcesRemain',
            message: 'Some resources are remaining',
            lastTransitionTime: now,
          },
        ],
      },
    } as Obj);
  }

  /** True when the namespace exists and is being deleted. */
  isTerminating(namespace: string): boolean {
    const ns = this.bucket({ group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false }).get(namespace);
    return ns?.metadata.deletionTimestamp !== undefined;
  }

  private readonly types = new Map<string, ResourceType>();
  /** Registers a type so namespace deletion can name it in its events. */
  register(t: ResourceType): void {
    this.types.set(typeKey(t), t);
  }
  private typeOf(key: string): ResourceType | undefined {
    return this.types.get(key);
  }
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return clone(patch);
  const out: Record<string, unknown> =
    target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** An ISO 8601 time to the second, as Kubernetes writes timestamps. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
