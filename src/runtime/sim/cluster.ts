/**
 * A whole simulated cluster: store, clock, faults, API server on 127.0.0.1 and the
 * simulated controllers, with its own kubeconfig file. `cdk8s-resilience sim`, `--demo` and
 * the tests all start one of these.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { LIBRARY_LABELS } from '../../common/conventions';
import { NAMESPACES, VELERO_STORAGE_LOCATIONS } from '../cluster/resources';
import { KubeObject, ResourceType } from '../cluster/types';
import { SimClock } from './clock';
import { ChaosMeshController } from './chaos';
import { DEFAULT_TIMING, SimContext, SimController, SimTiming } from './controller';
import { Faults, noFaults } from './faults';
import { SimServer } from './server';
import { Obj, Store } from './store';
import { NamespaceController } from './namespaces';
import { ObjectStorage, VeleroController } from './velero';
import { WorkloadController } from './workloads';

/** The context name in the simulation's kubeconfig. */
export const SIM_CONTEXT = 'cdk8s-resilience-sim';
/** Annotation on the kube-system namespace that marks the simulation (reports read it). */
export const SIMULATED_ANNOTATION = LIBRARY_LABELS.simulated;

/** Options of {@link SimulatedCluster}. */
export interface SimulatedClusterOptions {
  /** Controller delays. @default DEFAULT_TIMING */
  readonly timing?: Partial<SimTiming>;
  /** Directory for the kubeconfig. @default - a new temporary directory */
  readonly dir?: string;
  /** Port on 127.0.0.1. @default 0 (a free port) */
  readonly port?: number;
  /** Velero's namespace. @default 'velero' */
  readonly veleroNamespace?: string;
  /** Create a BackupStorageLocation `default` in Velero's namespace. @default true */
  readonly storageLocation?: boolean;
  /** The object store behind the storage location; give two clusters the same one to share backups. @default - its own */
  readonly objectStorage?: ObjectStorage;
  /** The context (and cluster) name in the kubeconfig. @default SIM_CONTEXT */
  readonly contextName?: string;
}

/** The context name of the second cluster `sim --dr-cluster` and the DR demo start. */
export const SIM_DR_CONTEXT = 'cdk8s-resilience-sim-dr';

/** One kubeconfig naming several simulated clusters, one context each (the first is current). */
export function kubeconfigFor(clusters: ReadonlyArray<{ readonly contextName: string; readonly url: string; readonly token: string }>): string {
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': clusters[0].contextName,
    // Plain HTTP on loopback; client-node accepts http:// only with skip-TLS-verify set (there is no TLS to verify).
    clusters: clusters.map((c) => ({ name: c.contextName, cluster: { server: c.url, 'insecure-skip-tls-verify': true } })),
    users: clusters.map((c) => ({ name: `${c.contextName}-user`, user: { token: c.token } })),
    contexts: clusters.map((c) => ({
      name: c.contextName,
      context: { cluster: c.contextName, user: `${c.contextName}-user`, namespace: 'default' },
    })),
    preferences: {},
  });
}

export class SimulatedCluster {
  readonly clock = new SimClock();
  readonly faults: Faults = noFaults();
  readonly store = new Store(this.clock);
  readonly storage: ObjectStorage;
  readonly velero: VeleroController;
  readonly namespaces = new NamespaceController();
  readonly workloads = new WorkloadController();
  readonly chaos = new ChaosMeshController();
  /** The running controllers (construct, then list). */
  readonly controllers: SimController[];
  readonly server: SimServer;
  readonly veleroNamespace: string;
  readonly timing: SimTiming;
  /** The bearer token its kubeconfig carries. */
  readonly token = randomBytes(16).toString('hex');
  /** Its context name in the kubeconfig. */
  readonly contextName: string;
  private dir?: string;
  private ownsDir = false;
  private kubeconfigFile?: string;

  constructor(private readonly options: SimulatedClusterOptions = {}) {
    this.veleroNamespace = options.veleroNamespace ?? 'velero';
    this.storage = options.objectStorage ?? new ObjectStorage();
    this.contextName = options.contextName ?? SIM_CONTEXT;
    this.timing = { ...DEFAULT_TIMING, ...(options.timing ?? {}) };
    this.server = new SimServer({
      store: this.store,
      clock: this.clock,
      faults: this.faults,
      token: this.token,
      objectStore: (p) => {
        const m = /^backups\/([^/]+)\/\1-resource-list\.json\.gz$/.exec(p);
        if (m) return this.storage.resourceListGz(m[1]);
        const r = /^restores\/([^/]+)\/restore-\1-results\.gz$/.exec(p);
        return r ? this.storage.restoreResultsGz(r[1]) : undefined;
      },
    });
    this.velero = new VeleroController(this.storage, () => this.server.url);
    this.controllers = [this.namespaces, this.velero, this.workloads, this.chaos];
    for (const ns of ['default', 'kube-system', this.veleroNamespace]) {
      this.store.create(NAMESPACES, {
        metadata: { name: ns, ...(ns === 'kube-system' ? { annotations: { [SIMULATED_ANNOTATION]: 'true' } } : {}) },
        status: { phase: 'Active' },
      });
    }
    if (options.storageLocation !== false) {
      this.store.create(VELERO_STORAGE_LOCATIONS, {
        metadata: { name: 'default', namespace: this.veleroNamespace },
        spec: {
          provider: 'aws',
          default: true,
          objectStorage: { bucket: 'velero-backups', prefix: 'simulated' },
          config: { region: 'minio', s3Url: 'http://minio.velero.svc:9000' },
        },
      });
    }
  }

  private context(): SimContext {
    return {
      store: this.store,
      clock: this.clock,
      faults: this.faults,
      timing: this.timing,
      veleroNamespace: this.veleroNamespace,
      later: (ms, fn) => {
        this.clock.after(ms * this.faults.controllerSlowdown, fn);
      },
    };
  }

  /** Starts the API server and the controllers; writes the kubeconfig; returns its path. */
  async start(): Promise<string> {
    const url = await this.server.start(this.options.port ?? 0);
    const ctx = this.context();
    for (const c of this.controllers) c.start(ctx);
    if (this.options.dir) {
      this.dir = this.options.dir;
      fs.mkdirSync(this.dir, { recursive: true });
    } else {
      this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-resilience-sim-'));
      this.ownsDir = true;
    }
    this.kubeconfigFile = path.join(this.dir, 'kubeconfig');
    fs.writeFileSync(this.kubeconfigFile, kubeconfigFor([{ contextName: this.contextName, url, token: this.token }]), { mode: 0o600 });
    return this.kubeconfigFile;
  }

  /** The kubeconfig path (after start). */
  get kubeconfig(): string {
    if (!this.kubeconfigFile) throw new Error('the simulated cluster is not started');
    return this.kubeconfigFile;
  }

  get url(): string {
    return this.server.url;
  }

  async stop(): Promise<void> {
    for (const c of this.controllers) c.stop();
    this.clock.stop();
    await this.server.stop();
    if (this.ownsDir && this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** Creates (or, for namespaces, ensures) objects directly in the store. */
  apply(type: ResourceType, object: KubeObject): Obj {
    const existing = this.store.get(type, object.metadata.namespace, object.metadata.name);
    if (existing) return existing;
    return this.store.create(type, object, object.metadata.namespace);
  }

  /** A snapshot of every object of the given types (tests compare before/after). */
  snapshot(types: readonly ResourceType[]): string {
    return JSON.stringify(types.map((t) => this.store.list(t)));
  }

  /** Waits (real time) until `check` holds, polling the in-process store; for tests and scenarios. */
  async settle(check: () => boolean, timeoutMs = 5000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > end) throw new Error('the simulation did not settle in time');
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}
