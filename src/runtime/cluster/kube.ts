/**
 * The `Cluster` adapter over `@kubernetes/client-node`: its KubeConfig loads the kubeconfig
 * (file, context, credentials, TLS) and its Watch follows watch streams; plain requests use
 * the fetch options the KubeConfig builds. Every API error becomes a one-line ClusterError.
 */
import * as fs from 'fs';
import type { KubeConfig as KubeConfigType, Watch as WatchType } from '@kubernetes/client-node';
import fetch from 'node-fetch';
import {
  ClusterError,
  Cluster,
  ClusterTarget,
  KubeObject,
  ListOptions,
  ObjectList,
  ResourceType,
  WatchEvent,
  WatchHandle,
  apiVersionOf,
  resourcePath,
} from './types';

type ClientNode = typeof import('@kubernetes/client-node');

// client-node is an ES module: load it with a real dynamic import (tsc would turn `import()` into require()).
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;
let clientNode: Promise<ClientNode> | undefined;
function loadClientNode(): Promise<ClientNode> {
  clientNode ??= importModule('@kubernetes/client-node') as Promise<ClientNode>;
  return clientNode;
}

/** How to reach the cluster: the global flags. */
export interface ConnectOptions {
  /** A kubeconfig file. @default - $KUBECONFIG, then ~/.kube/config */
  readonly kubeconfig?: string;
  /** A context in it. @default - its current context */
  readonly context?: string;
  /** Per-request timeout in milliseconds. @default 30000 */
  readonly requestTimeoutMs?: number;
}

/** A usage problem with the kubeconfig or context (exit code 2). */
export class KubeconfigError extends Error {}

/** Connects to the cluster a kubeconfig names; throws KubeconfigError for a missing file or context. */
export async function connect(options: ConnectOptions = {}): Promise<Cluster> {
  const file = options.kubeconfig ?? (process.env.KUBECONFIG ? process.env.KUBECONFIG.split(':')[0] : undefined);
  if (file !== undefined && !fs.existsSync(file))
    throw new KubeconfigError(`kubeconfig ${file} does not exist; pass --kubeconfig with an existing file (cdk8s-resilience sim prints one)`);
  const k8s = await loadClientNode();
  const kc = new k8s.KubeConfig();
  if (file !== undefined) {
    try {
      kc.loadFromFile(file);
    } catch (e) {
      throw new KubeconfigError(`kubeconfig ${file} cannot be read: ${firstLine(e)}`);
    }
  } else {
    try {
      kc.loadFromDefault();
    } catch (e) {
      throw new KubeconfigError(`no kubeconfig: ${firstLine(e)}; pass --kubeconfig`);
    }
  }
  if (options.context !== undefined) {
    if (!kc.getContextObject(options.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new KubeconfigError(
        `context "${options.context}" is not in the kubeconfig (it has: ${known.join(', ') || 'none'}); pass --context with one of them`,
      );
    }
    kc.setCurrentContext(options.context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new KubeconfigError(`the kubeconfig has no current context with a cluster; pass --context`);
  return new KubeCluster(kc, new k8s.Watch(kc), { context: kc.getCurrentContext(), server: cluster.server }, options.requestTimeoutMs ?? 30000);
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0];
}

const VERBS: Record<string, string> = { GET: 'get', POST: 'create', PATCH: 'patch', DELETE: 'delete', PUT: 'update' };

class KubeCluster implements Cluster {
  constructor(
    private readonly kc: KubeConfigType,
    private readonly watcher: WatchType,
    readonly target: ClusterTarget,
    private readonly timeoutMs: number,
  ) {}

  private async request(
    method: string,
    type: ResourceType,
    path: string,
    body?: unknown,
    contentType = 'application/json',
    verb?: string,
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const init = (await this.kc.applyToFetchOptions({})) as Record<string, unknown>;
    const headers: Record<string, string> = {};
    const given = init.headers as { forEach?: (f: (value: string, key: string) => void) => void } | Record<string, string> | undefined;
    if (given && typeof given.forEach === 'function')
      (given as { forEach: (f: (value: string, key: string) => void) => void }).forEach((v, k) => (headers[k] = v));
    else if (given) Object.assign(headers, given);
    headers.Accept = 'application/json';
    if (body !== undefined) headers['Content-Type'] = contentType;
    const url = `${this.target.server}${path}`;
    let res;
    try {
      res = await fetch(url, {
        ...(init as object),
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        timeout: this.timeoutMs,
      } as Parameters<typeof fetch>[1]);
    } catch (e) {
      const err = e as { code?: string; type?: string };
      const why =
        err.code === 'ECONNREFUSED'
          ? 'connection refused'
          : err.type === 'request-timeout'
            ? `no answer within ${this.timeoutMs / 1000}s`
            : firstLine(e);
      throw new ClusterError(`cannot reach the Kubernetes API at ${this.target.server} (context ${this.target.context}): ${why}`, 0);
    }
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      json = { message: text.slice(0, 200) };
    }
    if (res.status >= 400) throw this.apiError(res.status, json, verb ?? VERBS[method] ?? method.toLowerCase(), type, path);
    return { status: res.status, json };
  }

  private apiError(status: number, json: Record<string, unknown>, verb: string, type: ResourceType, path: string): ClusterError {
    const reason = typeof json.reason === 'string' ? json.reason : undefined;
    const message = typeof json.message === 'string' ? json.message : `HTTP ${status}`;
    const resource = type.group ? `${type.plural}.${type.group}` : type.plural;
    const ns = /\/namespaces\/([^/]+)\//.exec(path)?.[1];
    const where = ns ? ` in namespace ${ns}` : '';
    if (status === 401)
      return new ClusterError(
        `unauthorized at ${this.target.server} (context ${this.target.context}): the credentials were rejected; refresh them in the kubeconfig`,
        status,
        reason,
      );
    if (status === 403)
      return new ClusterError(
        `forbidden: RBAC does not allow verb "${verb}" on resource "${resource}"${where} (context ${this.target.context}); grant it with a Role/ClusterRole: ${message}`,
        status,
        reason,
      );
    if (status === 429)
      return new ClusterError(
        `the API server at ${this.target.server} is throttling requests (429 Too Many Requests); try again later`,
        status,
        reason,
      );
    if (status >= 500) return new ClusterError(`the API server at ${this.target.server} failed (${status}): ${message}`, status, reason);
    return new ClusterError(message, status, reason);
  }

  /** Retries idempotent reads on 429/5xx a few times with a short back-off. */
  private async retrying<T>(f: () => Promise<T>): Promise<T> {
    let delay = 50;
    for (let attempt = 0; ; attempt++) {
      try {
        return await f();
      } catch (e) {
        if (!(e instanceof ClusterError) || !(e.status === 429 || e.status >= 500) || attempt >= 4) throw e;
        await new Promise((r) => setTimeout(r, delay));
        delay *= 2;
      }
    }
  }

  async get<T extends KubeObject>(type: ResourceType, name: string, namespace?: string): Promise<T | undefined> {
    try {
      return (await this.retrying(() => this.request('GET', type, resourcePath(type, namespace, name)))).json as unknown as T;
    } catch (e) {
      if (e instanceof ClusterError && e.status === 404) return undefined;
      throw e;
    }
  }

  async list<T extends KubeObject>(type: ResourceType, options: ListOptions = {}): Promise<ObjectList<T>> {
    const q = query({ labelSelector: options.labelSelector, fieldSelector: options.fieldSelector });
    const { json } = await this.retrying(() => this.request('GET', type, resourcePath(type, options.namespace) + q, undefined, undefined, 'list'));
    const meta = (json.metadata ?? {}) as { resourceVersion?: string };
    return {
      items: ((json.items as T[]) ?? []).map((i) => ({ apiVersion: apiVersionOf(type), kind: type.kind, ...i })),
      resourceVersion: meta.resourceVersion ?? '',
    };
  }

  async create<T extends KubeObject>(type: ResourceType, object: KubeObject): Promise<T> {
    const body = { apiVersion: apiVersionOf(type), kind: type.kind, ...object };
    return (await this.request('POST', type, resourcePath(type, object.metadata.namespace), body)).json as unknown as T;
  }

  async patch<T extends KubeObject>(type: ResourceType, name: string, patch: Readonly<Record<string, unknown>>, namespace?: string): Promise<T> {
    return (await this.request('PATCH', type, resourcePath(type, namespace, name), patch, 'application/merge-patch+json')).json as unknown as T;
  }

  async delete(type: ResourceType, name: string, namespace?: string): Promise<boolean> {
    try {
      await this.request('DELETE', type, resourcePath(type, namespace, name));
      return true;
    } catch (e) {
      if (e instanceof ClusterError && e.status === 404) return false;
      throw e;
    }
  }

  async watch<T extends KubeObject>(
    type: ResourceType,
    options: ListOptions & { readonly resourceVersion?: string },
    onEvent: (e: WatchEvent<T>) => void,
  ): Promise<WatchHandle> {
    let settle!: (err: unknown) => void;
    const done = new Promise<void>((resolve, reject) => {
      settle = (err) => (err ? reject(err) : resolve());
    });
    let failure: ClusterError | undefined;
    const controller = await this.watcher.watch(
      resourcePath(type, options.namespace),
      {
        labelSelector: options.labelSelector,
        fieldSelector: options.fieldSelector,
        resourceVersion: options.resourceVersion,
        allowWatchBookmarks: false,
      },
      (phase: string, obj: unknown) => {
        if (phase === 'ADDED' || phase === 'MODIFIED' || phase === 'DELETED') {
          onEvent({ type: phase, object: obj as T });
        } else if (phase === 'ERROR') {
          const st = obj as { code?: number; reason?: string; message?: string };
          failure = new ClusterError(st.message ?? 'watch error', st.code ?? 500, st.reason);
        }
      },
      (err: unknown) => {
        if (failure) return settle(failure);
        if (!err || (err as { name?: string }).name === 'AbortError') return settle(undefined);
        const e = err as { statusCode?: number; code?: string };
        if (e.statusCode) return settle(this.apiError(e.statusCode, {}, 'watch', type, resourcePath(type, options.namespace)));
        if (e.code === 'ECONNRESET' || /premature close|aborted|socket hang up/i.test(firstLine(err))) return settle(undefined);
        return settle(
          new ClusterError(
            `cannot reach the Kubernetes API at ${this.target.server} (context ${this.target.context}): ${e.code === 'ECONNREFUSED' ? 'connection refused' : firstLine(err)}`,
            0,
          ),
        );
      },
    );
    return { stop: () => controller.abort(), done };
  }
}

function query(params: Record<string, string | undefined>): string {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(v!)}`);
  return parts.length ? `?${parts.join('&')}` : '';
}
