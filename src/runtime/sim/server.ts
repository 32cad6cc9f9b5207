/**
 * The simulated cluster's API server: the Kubernetes REST API over plain HTTP on 127.0.0.1
 * for the resource types in cluster/resources.ts. It serves discovery (/version, /api,
 * /apis and the group versions), get/list/create/update/patch/delete, label and field
 * selectors, watch streams that resume from a resourceVersion (410 Gone when it is too old),
 * server-side Tables (what `kubectl get` asks for), Status errors, and bearer-token auth.
 * Faults (5xx/429 bursts, RBAC refusals, dropped watches, 410s) come from ./faults.
 */
import * as http from 'http';
import { AddressInfo } from 'net';
import { ALL_TYPES } from '../cluster/resources';
import { ResourceType } from '../cluster/types';
import { Faults, takeFault } from './faults';
import { isoSeconds, Obj, SimApiError, Store, StoreEvent, parseFieldSelector, parseLabelSelector } from './store';
import { Clock } from './clock';
import { tableFor } from './tables';

/** Resource metadata for discovery. */
interface Served {
  readonly type: ResourceType;
  readonly singular: string;
  readonly shortNames?: readonly string[];
  readonly categories?: readonly string[];
}

const SHORT: Record<string, string[]> = {
  namespaces: ['ns'],
  pods: ['po'],
  services: ['svc'],
  endpoints: ['ep'],
  persistentvolumeclaims: ['pvc'],
  configmaps: ['cm'],
  events: ['ev'],
  deployments: ['deploy'],
};

function served(t: ResourceType): Served {
  const singular = t.kind.toLowerCase();
  const categories =
    t.group === 'velero.io' ? ['velero'] : t.group === 'chaos-mesh.org' ? ['chaos-mesh'] : t.group === '' || t.group === 'apps' ? ['all'] : undefined;
  return {
    type: t,
    singular,
    shortNames: t.group === '' || t.group === 'apps' ? SHORT[t.plural] : undefined,
    categories: ['pods', 'services', 'deployments'].includes(t.plural) ? categories : t.group ? categories : undefined,
  };
}

/** Namespaces the API server refuses to delete. */
const UNDELETABLE_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

function resourceOf(t: ResourceType): string {
  return t.group ? `${t.plural}.${t.group}` : t.plural;
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** Options of {@link SimServer}. */
export interface SimServerOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly faults: Faults;
  /** The bearer token clients must send. */
  readonly token: string;
  /** Extra types to serve. @default - none */
  readonly types?: readonly ResourceType[];
  /** Files of the simulated object store, served unauthenticated (signed URLs) under /sim-objectstore/. @default - none */
  readonly objectStore?: (path: string) => Buffer | undefined;
}

interface Route {
  readonly type: ResourceType;
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
}

export class SimServer {
  private server?: http.Server;
  private readonly types: ResourceType[];
  private readonly openStreams = new Set<http.ServerResponse>();
  /** Requests served, by `METHOD path` (tests read it to check nothing was changed). */
  readonly requests: string[] = [];
  private port = 0;

  constructor(private readonly options: SimServerOptions) {
    this.types = [...ALL_TYPES, ...(options.types ?? [])];
    for (const t of this.types) options.store.register(t);
  }

  /** The server URL, once started. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<string> {
    const server = http.createServer((req, res) => this.handle(req, res));
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const s of this.openStreams) s.destroy();
    this.openStreams.clear();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        this.route(req, res, Buffer.concat(chunks).toString('utf8'));
      } catch (e) {
        if (e instanceof SimApiError) this.status(res, e.code, e.reason, e.message);
        else this.status(res, 500, 'InternalError', `simulated API server error: ${(e as Error).message}`);
      }
    });
  }

  private send(res: http.ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(code, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(text),
      Date: new Date(this.options.clock.now()).toUTCString(),
      ...headers,
    });
    res.end(text);
  }

  private status(res: http.ServerResponse, code: number, reason: string, message: string, headers: Record<string, string> = {}): void {
    this.send(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }, headers);
  }

  private route(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', this.url);
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname.replace(/\/+$/, '') || '/';
    this.requests.push(`${method} ${path}${url.search}`);

    if (method === 'GET' && path.startsWith('/sim-objectstore/')) {
      if (this.options.faults.objectStoreUnreachable)
        return this.status(res, 503, 'ServiceUnavailable', 'simulated: the object store cannot be reached from here');
      const file = this.options.objectStore?.(decodeURIComponent(path.slice('/sim-objectstore/'.length)));
      if (!file) return this.status(res, 404, 'NotFound', 'NoSuchKey: the object does not exist in the bucket');
      res.writeHead(200, { 'Content-Type': 'application/gzip', 'Content-Length': file.length });
      res.end(file);
      return;
    }
    // kubectl sends no bearer token over plain HTTP, so anonymous requests (loopback only) are
    // served; a wrong token is refused, as a real API server refuses bad credentials.
    if (req.headers.authorization !== undefined && req.headers.authorization !== `Bearer ${this.options.token}`) {
      return this.status(res, 401, 'Unauthorized', 'Unauthorized');
    }
    const fault = takeFault(
      this.options.faults.apiErrors,
      (f) => (!f.method || f.method === method) && (!f.pathIncludes || path.includes(f.pathIncludes)),
    );
    if (fault) {
      if (fault.status === 429)
        return this.status(res, 429, 'TooManyRequests', 'simulated: the server has received too many requests and has asked us to try again later', {
          'Retry-After': '1',
        });
      return this.status(
        res,
        fault.status,
        fault.status === 503 ? 'ServiceUnavailable' : 'InternalError',
        `simulated: an error on the server ("${fault.status === 503 ? 'service unavailable' : 'internal error'}") has prevented the request from succeeding`,
      );
    }
    if (method === 'GET' && this.discovery(path, res)) return;
    const route = this.parse(path);
    if (!route) return this.status(res, 404, 'NotFound', 'the server could not find the requested resource');
    const watch = url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1';
    const verb =
      method === 'GET'
        ? watch
          ? 'watch'
          : route.name
            ? 'get'
            : 'list'
        : method === 'POST'
          ? 'create'
          : method === 'PUT'
            ? 'update'
            : method === 'PATCH'
              ? 'patch'
              : method === 'DELETE'
                ? 'delete'
                : method.toLowerCase();
    const resource = route.type.group ? `${route.type.plural}.${route.type.group}` : route.type.plural;
    if (this.options.faults.forbidden.some((f) => f.resource === resource && f.verb === verb)) {
      const scope = route.namespace ? ` in the namespace "${route.namespace}"` : ' at the cluster scope';
      return this.status(
        res,
        403,
        'Forbidden',
        `${resource}${route.name ? ` "${route.name}"` : ''} is forbidden: User "sim-user" cannot ${verb} resource "${route.type.plural}" in API group "${route.type.group}"${scope}`,
      );
    }
    const store = this.options.store;
    const table = (req.headers.accept ?? '').includes('as=Table');
    switch (verb) {
      case 'watch':
        return this.watch(res, route, url, table);
      case 'get': {
        const o = store.mustGet(route.type, route.namespace, route.name!);
        return this.send(res, 200, table ? tableFor(route.type, [o], this.options.clock.now(), String(store.resourceVersion)) : o);
      }
      case 'list': {
        const items = store.list(
          route.type,
          route.namespace,
          url.searchParams.get('labelSelector') ?? undefined,
          url.searchParams.get('fieldSelector') ?? undefined,
        );
        const rv = String(store.resourceVersion);
        if (table) return this.send(res, 200, tableFor(route.type, items, this.options.clock.now(), rv));
        const apiVersion = route.type.group ? `${route.type.group}/${route.type.version}` : route.type.version;
        return this.send(res, 200, { kind: `${route.type.kind}List`, apiVersion, metadata: { resourceVersion: rv }, items });
      }
      case 'create': {
        const input = parseBody(body);
        if (route.name) throw new SimApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
        if (url.searchParams.get('dryRun') === 'All') return this.send(res, 201, input);
        const target =
          route.type.namespaced === false
            ? undefined
            : (route.namespace ?? (input.metadata as { namespace?: string } | undefined)?.namespace ?? 'default');
        if (target !== undefined && store.isTerminating(target)) {
          throw new SimApiError(
            403,
            'Forbidden',
            `${resourceOf(route.type)} "${String((input.metadata as { name?: string } | undefined)?.name ?? '')}" is forbidden: unable to create new content in namespace ${target} because it is being terminated`,
          );
        }
        return this.send(res, 201, store.create(route.type, input as Obj, route.namespace));
      }
      case 'update': {
        const input = parseBody(body) as Obj;
        if (!route.name) throw new SimApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
        if (input.metadata?.name !== route.name)
          throw new SimApiError(400, 'BadRequest', 'the name of the object does not match the name on the URL');
        const cur = store.mustGet(route.type, route.namespace, route.name);
        const next =
          route.subresource === 'status'
            ? { ...cur, status: input.status, metadata: { ...cur.metadata, resourceVersion: input.metadata.resourceVersion } }
            : { ...input, status: cur.status };
        return this.send(res, 200, store.update(route.type, next as Obj));
      }
      case 'patch': {
        const ct = String(req.headers['content-type'] ?? '');
        if (ct.includes('json-patch+json'))
          throw new SimApiError(415, 'UnsupportedMediaType', 'the simulated cluster accepts merge patches (application/merge-patch+json) only');
        return this.send(res, 200, store.patch(route.type, route.namespace, route.name!, parseBody(body)));
      }
      case 'delete': {
        if (!route.name) throw new SimApiError(405, 'MethodNotAllowed', 'deletecollection is not supported by the simulated cluster');
        if (route.type.group === '' && route.type.plural === 'namespaces') {
          if (UNDELETABLE_NAMESPACES.includes(route.name))
            throw new SimApiError(403, 'Forbidden', `namespaces "${route.name}" is forbidden: this namespace may not be deleted`);
          return this.send(res, 200, store.beginNamespaceDeletion(route.type, route.name));
        }
        return this.send(res, 200, store.delete(route.type, route.namespace, route.name));
      }
      default:
        return this.status(res, 405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    }
  }

  private parse(path: string): Route | undefined {
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?(?:\/([^/]+))?(?:\/([^/]+))?(?:\/([^/]+))?$/.exec(path);
    if (!m) return undefined;
    const [, coreVersion, group = '', groupVersion, ns, plural, name, sub] = m;
    const version = coreVersion ?? groupVersion;
    // /api/v1/namespaces/NAME is the namespace object itself.
    if (ns !== undefined && plural === undefined) {
      const t = this.types.find((x) => x.group === '' && x.plural === 'namespaces');
      return group === '' && t ? { type: t, name: decodeURIComponent(ns) } : undefined;
    }
    if (ns !== undefined && plural === 'status' && name === undefined && group === '') {
      const t = this.types.find((x) => x.group === '' && x.plural === 'namespaces');
      return t ? { type: t, name: decodeURIComponent(ns), subresource: 'status' } : undefined;
    }
    const type = this.types.find((t) => t.group === group && t.version === version && t.plural === plural);
    if (!type) return undefined;
    if (type.namespaced === false && ns !== undefined) return undefined;
    return {
      type,
      namespace: ns === undefined ? undefined : decodeURIComponent(ns),
      name: name === undefined ? undefined : decodeURIComponent(name),
      subresource: sub,
    };
  }

  private discovery(path: string, res: http.ServerResponse): boolean {
    if (path === '/version') {
      this.send(res, 200, { major: '1', minor: '30', gitVersion: 'v1.30.0-cdk8s-resilience-sim', platform: 'simulated/loopback', goVersion: 'none' });
      return true;
    }
    if (path === '/healthz' || path === '/readyz' || path === '/livez') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
      return true;
    }
    if (path === '/openapi/v3' || path.startsWith('/openapi/v3/')) return this.openapi(path.slice('/openapi/v3'.length), res);
    if (path === '/api') {
      this.send(res, 200, {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${this.port}` }],
      });
      return true;
    }
    const groups = [...new Set(this.types.filter((t) => t.group !== '').map((t) => `${t.group}/${t.version}`))];
    if (path === '/apis') {
      this.send(res, 200, {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: groups.map((gv) => {
          const [name, version] = gv.split('/');
          return { name, versions: [{ groupVersion: gv, version }], preferredVersion: { groupVersion: gv, version } };
        }),
      });
      return true;
    }
    const gv = path === '/api/v1' ? 'v1' : path.startsWith('/apis/') ? path.slice('/apis/'.length) : undefined;
    if (gv === undefined) return false;
    const parts = gv.split('/');
    if (parts.length === 1 && gv !== 'v1') {
      const g = groups.find((x) => x.startsWith(`${gv}/`));
      if (!g) return false;
      const version = g.split('/')[1];
      this.send(res, 200, {
        kind: 'APIGroup',
        apiVersion: 'v1',
        name: gv,
        versions: [{ groupVersion: g, version }],
        preferredVersion: { groupVersion: g, version },
      });
      return true;
    }
    if (parts.length > 2) return false;
    const types = this.types.filter((t) => (t.group ? `${t.group}/${t.version}` : t.version) === gv);
    if (!types.length) return false;
    const resources = types.flatMap((t) => {
      const s = served(t);
      const base = {
        name: t.plural,
        singularName: s.singular,
        namespaced: t.namespaced !== false,
        kind: t.kind,
        verbs: VERBS,
        ...(s.shortNames ? { shortNames: s.shortNames } : {}),
        ...(s.categories ? { categories: s.categories } : {}),
      };
      return [
        base,
        { name: `${t.plural}/status`, singularName: '', namespaced: t.namespaced !== false, kind: t.kind, verbs: ['get', 'patch', 'update'] },
      ];
    });
    this.send(res, 200, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources });
    return true;
  }

  /**
   * A minimal OpenAPI v3: the index, and per group version one PATCH operation per kind that
   * declares the `fieldValidation` parameter, which is what kubectl looks for before it
   * leaves validation to the server (`kubectl create -f`). Schemas are not served.
   */
  private openapi(rest: string, res: http.ServerResponse): boolean {
    const gvPath = (t: ResourceType): string => (t.group ? `apis/${t.group}/${t.version}` : `api/${t.version}`);
    const gvs = [...new Set(this.types.map(gvPath))];
    if (rest === '' || rest === '/') {
      this.send(res, 200, { paths: Object.fromEntries(gvs.map((gv) => [gv, { serverRelativeURL: `/openapi/v3/${gv}?hash=sim` }])) });
      return true;
    }
    const gv = rest.replace(/^\//, '');
    const types = this.types.filter((t) => gvPath(t) === gv);
    if (!types.length) return false;
    const paths: Record<string, unknown> = {};
    for (const t of types) {
      const p = `/${gv}${t.namespaced === false ? '' : '/namespaces/{namespace}'}/${t.plural}/{name}`;
      paths[p] = {
        patch: {
          'x-kubernetes-group-version-kind': { group: t.group, version: t.version, kind: t.kind },
          'x-kubernetes-action': 'patch',
          parameters: [{ name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } }],
          responses: { '200': { description: 'OK' } },
        },
      };
    }
    this.send(res, 200, {
      openapi: '3.0.0',
      info: { title: 'cdk8s-resilience simulated cluster', version: 'v1.30.0-sim' },
      paths,
      components: { schemas: {} },
    });
    return true;
  }

  private watch(res: http.ServerResponse, route: Route, url: URL, table: boolean): void {
    const store = this.options.store;
    const lm = parseLabelSelector(url.searchParams.get('labelSelector') ?? undefined);
    const fm = parseFieldSelector(url.searchParams.get('fieldSelector') ?? undefined);
    const rvParam = url.searchParams.get('resourceVersion');
    const matches = (e: StoreEvent): boolean =>
      e.type.group === route.type.group &&
      e.type.plural === route.type.plural &&
      (route.namespace === undefined || e.object.metadata.namespace === route.namespace) &&
      (route.name === undefined || e.object.metadata.name === route.name) &&
      lm(e.object.metadata.labels) &&
      fm(e.object);
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Transfer-Encoding': 'chunked',
      Date: new Date(this.options.clock.now()).toUTCString(),
    });
    this.openStreams.add(res);
    const write = (type: string, object: unknown): void => {
      res.write(`${JSON.stringify({ type, object })}\n`);
    };
    const emit = (e: StoreEvent): void => {
      write(e.kind, table ? tableFor(route.type, [e.object], this.options.clock.now(), String(e.rv)) : e.object);
    };
    if (rvParam && rvParam !== '0' && this.options.faults.goneWatches > 0) {
      this.options.faults.goneWatches--;
      write('ERROR', {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `too old resource version: ${rvParam} (${store.resourceVersion})`,
        reason: 'Expired',
        code: 410,
      });
      this.openStreams.delete(res);
      res.end();
      return;
    }
    if (rvParam && rvParam !== '0') {
      const past = store.eventsSince(Number(rvParam));
      if (!past) {
        write('ERROR', {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `too old resource version: ${rvParam} (${store.oldestResumable})`,
          reason: 'Expired',
          code: 410,
        });
        this.openStreams.delete(res);
        res.end();
        return;
      }
      for (const e of past) if (matches(e)) emit(e);
    } else {
      // No version: the current state as ADDED events, then changes.
      for (const o of store.list(route.type, route.namespace)) {
        const e: StoreEvent = { rv: Number(o.metadata.resourceVersion), type: route.type, kind: 'ADDED', object: o };
        if (matches(e)) emit(e);
      }
    }
    const unsubscribe = store.subscribe((e) => {
      if (matches(e)) emit(e);
    });
    const timers: NodeJS.Timeout[] = [];
    const end = (): void => {
      unsubscribe();
      timers.forEach(clearTimeout);
      this.openStreams.delete(res);
      if (!res.writableEnded) res.end();
    };
    const timeout = Number(url.searchParams.get('timeoutSeconds') ?? '0');
    if (timeout > 0) timers.push(setTimeout(end, timeout * 1000));
    if (this.options.faults.dropWatches > 0) {
      this.options.faults.dropWatches--;
      // A dropped connection: the stream is cut without a clean end.
      timers.push(
        setTimeout(() => {
          unsubscribe();
          this.openStreams.delete(res);
          res.destroy();
        }, this.options.faults.dropAfterMs),
      );
    }
    // (IncomingMessage 'close' fires once the request body is read; the response's 'close' is the connection.)
    res.on('close', end);
  }
}

function parseBody(body: string): Record<string, unknown> {
  try {
    const v = JSON.parse(body) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new SimApiError(400, 'BadRequest', 'the request body is not a JSON object');
}

export { isoSeconds };
