/**
 * The one path from the runtime's operations to a cluster: a narrow, generic interface over
 * Kubernetes resources named by group/version/plural. The real adapter (./kube.ts) talks to
 * an API server through `@kubernetes/client-node`; the simulated cluster is an API server
 * too, so operations never know which one they drive.
 */

/** A resource type: API group ('' for the core group), version and plural name. */
export interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  /** The kind, for objects created without one. */
  readonly kind: string;
  /** False for cluster-scoped types (namespaces). @default true */
  readonly namespaced?: boolean;
}

/** Object metadata, as much as the runtime reads. */
export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly creationTimestamp?: string;
  readonly deletionTimestamp?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly generateName?: string;
  readonly ownerReferences?: ReadonlyArray<Readonly<Record<string, unknown>>>;
}

/** A Kubernetes object: typed metadata, everything else as JSON. */
export interface KubeObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: ObjectMeta;
  readonly spec?: Readonly<Record<string, unknown>>;
  readonly status?: Readonly<Record<string, unknown>>;
  readonly [field: string]: unknown;
}

/** A list of objects, with the resourceVersion a watch can continue from. */
export interface ObjectList<T extends KubeObject = KubeObject> {
  readonly items: readonly T[];
  readonly resourceVersion: string;
}

/** Options of list and watch. */
export interface ListOptions {
  /** Namespace; absent means all namespaces (or a cluster-scoped type). @default - all */
  readonly namespace?: string;
  /** A label selector, e.g. `velero.io/schedule-name=daily,tier!=cache`. @default - none */
  readonly labelSelector?: string;
  /** A field selector, e.g. `metadata.name=x`. @default - none */
  readonly fieldSelector?: string;
}

/** A change seen by a watch. */
export interface WatchEvent<T extends KubeObject = KubeObject> {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly object: T;
}

/** A running watch; `stop()` ends it. `done` settles when the server or `stop()` ends it. */
export interface WatchHandle {
  stop(): void;
  /** Resolves when the stream ends cleanly; rejects with a ClusterError (410 Gone has status 410). */
  readonly done: Promise<void>;
}

/** Where the cluster is: for reports and error messages. */
export interface ClusterTarget {
  readonly context?: string;
  readonly server?: string;
}

/** The narrow cluster interface every operation uses. */
export interface Cluster {
  readonly target: ClusterTarget;
  get<T extends KubeObject = KubeObject>(type: ResourceType, name: string, namespace?: string): Promise<T | undefined>;
  list<T extends KubeObject = KubeObject>(type: ResourceType, options?: ListOptions): Promise<ObjectList<T>>;
  create<T extends KubeObject = KubeObject>(type: ResourceType, object: KubeObject): Promise<T>;
  /** A JSON merge patch (RFC 7386). */
  patch<T extends KubeObject = KubeObject>(
    type: ResourceType,
    name: string,
    patch: Readonly<Record<string, unknown>>,
    namespace?: string,
  ): Promise<T>;
  /** Deletes; resolves false when the object was not there. */
  delete(type: ResourceType, name: string, namespace?: string): Promise<boolean>;
  /** Starts a watch from `resourceVersion` (exclusive). */
  watch<T extends KubeObject = KubeObject>(
    type: ResourceType,
    options: ListOptions & { readonly resourceVersion?: string },
    onEvent: (e: WatchEvent<T>) => void,
  ): Promise<WatchHandle>;
}

/** Why a cluster call failed, with a one-line message a user can act on. */
export class ClusterError extends Error {
  constructor(
    message: string,
    /** HTTP status (0: no response, e.g. connection refused). */
    readonly status: number,
    /** Kubernetes `reason` (NotFound, AlreadyExists, Forbidden, Expired, ...). @default - none */
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'ClusterError';
  }
}

/** True for errors that mean "the command cannot decide" rather than "a check failed". */
export function isUnreachable(e: unknown): boolean {
  return e instanceof ClusterError && (e.status === 0 || e.status === 401 || e.status === 403 || e.status >= 500 || e.status === 429);
}

/** `group/version`, or `version` for the core group. */
export function apiVersionOf(t: ResourceType): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

/** The API path of a collection or of one object. */
export function resourcePath(t: ResourceType, namespace?: string, name?: string): string {
  const base = t.group ? `/apis/${t.group}/${t.version}` : `/api/${t.version}`;
  const ns = t.namespaced === false || namespace === undefined ? '' : `/namespaces/${encodeURIComponent(namespace)}`;
  return `${base}${ns}/${t.plural}${name !== undefined ? `/${encodeURIComponent(name)}` : ''}`;
}
