/**
 * Seeded scenarios for the simulated cluster. `backups` (the demo of `--demo` and
 * `cdk8s-resilience sim --demo`): three application namespaces, three Velero schedules and
 * their backup history, all relative to the current time:
 *
 * - `daily-shop` (`0 2 * * *`, shop): Completed 2h ago, and daily before, plus two older
 *   than 30 days (cleanup candidates); fresh.
 * - `hourly-payments` (`0 * * * *`, payments): last Completed 30h ago, the two latest
 *   Failed (object storage errors); stale.
 * - `twice-daily-analytics` (`@every 12h`, analytics): latest PartiallyFailed 1h ago
 *   (3 errors, 1 warning), the one before Completed 13h ago.
 * - `manual-predeploy` (on demand, shop and legacy): Completed 5 days ago, but `legacy`
 *   did not exist, so the backup contains nothing from it.
 * - `team-alpha` (orders, 2 replicas) and `team-beta` (catalog, 2 replicas, and
 *   catalog-worker without a service): the namespaces of the chapter's DR drill, with no
 *   schedule of their own.
 * - the DR history holds one restore test of shop from 6 days ago (84.2s, target 600s),
 *   marked as seeded by the scenario.
 */
import {
  CONFIGMAPS,
  DEPLOYMENTS,
  ENDPOINTS,
  NAMESPACES,
  PODS,
  PVCS,
  SECRETS,
  SERVICES,
  VELERO_BACKUPS,
  VELERO_SCHEDULES,
} from '../cluster/resources';
import * as fs from 'fs';
import { DrHistoryRecord, HISTORY_CONFIGMAP, HISTORY_SCHEMA, historyKey } from '../dr/history';
import { kubeconfigFor, SIM_DR_CONTEXT, SimulatedCluster, SimulatedClusterOptions } from './cluster';
import { Faults } from './faults';
import { isoSeconds } from './store';
import { ObjectStorage, scheduleTimestamp } from './velero';

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;

function app(sim: SimulatedCluster, ns: string, name: string, replicas: number): void {
  sim.apply(NAMESPACES, { metadata: { name: ns, labels: { 'app.kubernetes.io/part-of': 'demo' } }, status: { phase: 'Active' } });
  sim.apply(DEPLOYMENTS, {
    metadata: { name, namespace: ns, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: `registry.example.com/${name}:1.4.2` }] } },
    },
  });
  sim.apply(SERVICES, {
    metadata: { name, namespace: ns, labels: { app: name } },
    spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }], clusterIP: `10.96.0.${10 + ns.length}` },
  });
  sim.apply(CONFIGMAPS, { metadata: { name: `${name}-config`, namespace: ns }, data: { LOG_LEVEL: 'info' } });
  sim.apply(SECRETS, {
    metadata: { name: `${name}-credentials`, namespace: ns },
    type: 'Opaque',
    data: { password: Buffer.from('simulated').toString('base64') },
  });
  sim.apply(PVCS, {
    metadata: { name: `${name}-data`, namespace: ns },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } },
  });
}

interface SeedBackup {
  readonly name: string;
  readonly schedule?: string;
  readonly namespaces: readonly string[];
  readonly agoMs: number;
  readonly phase: 'Completed' | 'PartiallyFailed' | 'Failed';
  readonly ttl: string;
  readonly errors?: number;
  readonly warnings?: number;
  readonly failureReason?: string;
}

function seedBackup(sim: SimulatedCluster, b: SeedBackup): void {
  const start = sim.clock.now() - b.agoMs;
  const ttlMs = Number(/^(\d+)h/.exec(b.ttl)?.[1] ?? 720) * HOUR;
  const spec = { includedNamespaces: [...b.namespaces], ttl: b.ttl, storageLocation: 'default' };
  let total = 0;
  let backedUp = 0;
  if (b.phase !== 'Failed') {
    total = sim.velero.archive(b.name, spec);
    backedUp = total - (b.errors ?? 0);
    if (b.errors) {
      const a = sim.storage.archives.get(b.name)!;
      sim.storage.archives.set(b.name, { ...a, items: a.items.slice(0, backedUp) });
    }
  }
  sim.store.create(VELERO_BACKUPS, {
    metadata: {
      name: b.name,
      namespace: sim.veleroNamespace,
      creationTimestamp: isoSeconds(start),
      labels: { 'velero.io/storage-location': 'default', ...(b.schedule ? { 'velero.io/schedule-name': b.schedule } : {}) },
    },
    spec,
    status: {
      phase: b.phase,
      version: 1,
      formatVersion: '1.1.0',
      startTimestamp: isoSeconds(start),
      completionTimestamp: isoSeconds(start + 4 * 60 * 1000),
      expiration: isoSeconds(start + ttlMs),
      ...(b.phase !== 'Failed' ? { progress: { totalItems: total, itemsBackedUp: backedUp } } : {}),
      ...(b.errors ? { errors: b.errors } : {}),
      ...(b.warnings ? { warnings: b.warnings } : {}),
      ...(b.failureReason ? { failureReason: b.failureReason } : {}),
    },
  });
  sim.velero.uploadMetadata(b.name);
}

function schedule(sim: SimulatedCluster, name: string, cron: string, namespaces: string[], ttl: string, lastAgoMs: number): void {
  sim.store.create(VELERO_SCHEDULES, {
    metadata: { name, namespace: sim.veleroNamespace, creationTimestamp: isoSeconds(sim.clock.now() - 60 * DAY) },
    spec: { schedule: cron, template: { includedNamespaces: namespaces, ttl, storageLocation: 'default' }, useOwnerReferencesInBackup: false },
    status: { phase: 'Enabled', lastBackup: isoSeconds(sim.clock.now() - lastAgoMs) },
  });
}

/** Seeds the `backups` scenario into a started simulation (its apps running before their backups are taken). */
export async function seedBackupScenario(sim: SimulatedCluster): Promise<void> {
  app(sim, 'shop', 'storefront', 2);
  app(sim, 'payments', 'payments-api', 2);
  app(sim, 'analytics', 'reports', 1);
  // The two team namespaces of the chapter's DR drill (no schedule of their own: a drill backs them up).
  app(sim, 'team-alpha', 'orders', 2);
  app(sim, 'team-beta', 'catalog', 2);
  sim.apply(DEPLOYMENTS, {
    metadata: { name: 'catalog-worker', namespace: 'team-beta', labels: { app: 'catalog-worker' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'catalog-worker' } },
      template: {
        metadata: { labels: { app: 'catalog-worker' } },
        spec: { containers: [{ name: 'worker', image: 'registry.example.com/catalog-worker:2.0.1' }] },
      },
    },
  });
  const running = (): number => sim.store.list(PODS).filter((p) => (p.status as { phase?: string } | undefined)?.phase === 'Running').length;
  const served = (): number => sim.store.list(ENDPOINTS).filter((e) => ((e.subsets as unknown[] | undefined) ?? []).length > 0).length;
  const deployed = (): boolean =>
    sim.store
      .list(DEPLOYMENTS)
      .every((d) => (d.status as { readyReplicas?: number } | undefined)?.readyReplicas === (d.spec as { replicas?: number }).replicas);
  await sim.settle(() => running() === 10 && served() === 5 && deployed(), 10000);
  const now = sim.clock.now();
  const named = (s: string, ago: number): string => `${s}-${scheduleTimestamp(now - ago)}`;
  schedule(sim, 'daily-shop', '0 2 * * *', ['shop'], '1440h0m0s', 2 * HOUR);
  for (const ago of [2 * HOUR, 26 * HOUR, 50 * HOUR, 35 * DAY, 40 * DAY]) {
    seedBackup(sim, {
      name: named('daily-shop', ago),
      schedule: 'daily-shop',
      namespaces: ['shop'],
      agoMs: ago,
      phase: 'Completed',
      ttl: '1440h0m0s',
    });
  }
  schedule(sim, 'hourly-payments', '0 * * * *', ['payments'], '168h0m0s', 1 * HOUR);
  for (const ago of [30 * HOUR, 31 * HOUR]) {
    seedBackup(sim, {
      name: named('hourly-payments', ago),
      schedule: 'hourly-payments',
      namespaces: ['payments'],
      agoMs: ago,
      phase: 'Completed',
      ttl: '168h0m0s',
    });
  }
  for (const ago of [1 * HOUR, 2 * HOUR]) {
    seedBackup(sim, {
      name: named('hourly-payments', ago),
      schedule: 'hourly-payments',
      namespaces: ['payments'],
      agoMs: ago,
      phase: 'Failed',
      ttl: '168h0m0s',
      failureReason: 'error uploading backup tarball: rpc error: code = Unknown desc = AccessDenied: the bucket policy denies PutObject (simulated)',
    });
  }
  schedule(sim, 'twice-daily-analytics', '@every 12h', ['analytics'], '720h0m0s', 1 * HOUR);
  seedBackup(sim, {
    name: named('twice-daily-analytics', 13 * HOUR),
    schedule: 'twice-daily-analytics',
    namespaces: ['analytics'],
    agoMs: 13 * HOUR,
    phase: 'Completed',
    ttl: '720h0m0s',
  });
  seedBackup(sim, {
    name: named('twice-daily-analytics', 1 * HOUR),
    schedule: 'twice-daily-analytics',
    namespaces: ['analytics'],
    agoMs: 1 * HOUR,
    phase: 'PartiallyFailed',
    ttl: '720h0m0s',
    errors: 3,
    warnings: 1,
  });
  seedBackup(sim, { name: 'manual-predeploy', namespaces: ['shop', 'legacy'], agoMs: 5 * DAY, phase: 'Completed', ttl: '720h0m0s', warnings: 1 });
  seedHistory(sim, now - 6 * DAY);
}

/**
 * One earlier restore test in the DR history (what `dr check` reads for the RTO): a record
 * the scenario writes, saying so in its note; it holds no report.
 */
function seedHistory(sim: SimulatedCluster, at: number): void {
  const record: DrHistoryRecord = {
    schema: HISTORY_SCHEMA,
    command: 'dr restore-test',
    at: new Date(at).toISOString(),
    verdict: 'passed',
    namespaces: ['shop'],
    backup: `daily-shop-${scheduleTimestamp(at - 4 * HOUR)}`,
    rtoSeconds: 84.2,
    rtoTargetSeconds: 600,
    context: sim.contextName,
    server: sim.url,
    simulated: true,
    note: 'seeded by the demo scenario',
  };
  sim.store.create(
    CONFIGMAPS,
    {
      metadata: { name: HISTORY_CONFIGMAP, namespace: sim.veleroNamespace, labels: { 'app.kubernetes.io/managed-by': 'cdk8s-resilience' } },
      data: { [historyKey(record)]: JSON.stringify(record) },
    },
    sim.veleroNamespace,
  );
}

/** Names of the faults `cdk8s-resilience sim --fault` accepts, and what each does. */
export const FAULTS: Readonly<Record<string, string>> = {
  'backup-failed': 'the next backup ends Failed (failureReason set)',
  'backup-partially-failed': 'the next backup ends PartiallyFailed with 2 errors',
  'restore-stuck': 'the next restore stays InProgress',
  'restore-partially-failed': 'the next restore ends PartiallyFailed with 2 errors',
  'storage-unavailable': 'the default BackupStorageLocation reports Unavailable',
  'api-5xx': 'the next 3 API requests fail with 503',
  'api-429': 'the next 3 API requests fail with 429 Too Many Requests',
  'drop-watches': 'the next 3 watch streams are cut after 40ms',
  'watch-gone': 'the next 2 watches from a resourceVersion get 410 Gone',
  'slow-controllers': 'every simulated controller runs 10 times slower',
  'backup-omits-namespace=NS': 'the next backup that includes NS completes without any of its objects',
};

/** Applies a named fault; throws for an unknown name. */
export function applyFault(faults: Faults, name: string): void {
  const omits = /^backup-omits-namespace=([a-z0-9]([-a-z0-9]*[a-z0-9])?)$/.exec(name);
  if (omits) {
    faults.backupOmissions.push({ namespace: omits[1], count: 1 });
    return;
  }
  switch (name) {
    case 'backup-failed':
      faults.backupOutcomes.push({ outcome: 'Failed', count: 1 });
      break;
    case 'backup-partially-failed':
      faults.backupOutcomes.push({ outcome: 'PartiallyFailed', errors: 2, count: 1 });
      break;
    case 'restore-stuck':
      faults.restoreOutcomes.push({ outcome: 'stuck', count: 1 });
      break;
    case 'restore-partially-failed':
      faults.restoreOutcomes.push({ outcome: 'PartiallyFailed', count: 1 });
      break;
    case 'storage-unavailable':
      faults.unavailableStorage.add('default');
      break;
    case 'api-5xx':
      faults.apiErrors.push({ status: 503, count: 3 });
      break;
    case 'api-429':
      faults.apiErrors.push({ status: 429, count: 3 });
      break;
    case 'drop-watches':
      faults.dropWatches += 3;
      break;
    case 'watch-gone':
      faults.goneWatches += 2;
      break;
    case 'slow-controllers':
      faults.controllerSlowdown = 10;
      break;
    default:
      throw new Error(`unknown fault "${name}"; known: ${Object.keys(FAULTS).join(', ')}`);
  }
}

/** The controller delays of `--demo`: a drill takes a second or two. */
export const DEMO_TIMING = { phaseMs: 60, podReadyMs: 100, namespaceDeleteMs: 80, backupSyncMs: 100 };

/** Starts a simulated cluster seeded with the backup scenario (what `--demo` runs against). */
export async function startDemo(options: SimulatedClusterOptions = {}): Promise<SimulatedCluster & { readonly kubeconfig: string }> {
  const sim = new SimulatedCluster({ timing: DEMO_TIMING, ...options });
  await sim.start();
  await seedBackupScenario(sim);
  return sim;
}

/** Two simulated clusters over one object store: the seeded one, and an empty second one with Velero. */
export interface SimulatedPair {
  readonly primary: SimulatedCluster;
  readonly secondary: SimulatedCluster;
  /** One kubeconfig with both contexts (SIM_CONTEXT current, SIM_DR_CONTEXT). */
  readonly kubeconfig: string;
  stop(): Promise<void>;
}

/**
 * Starts a region-failover setup: the primary cluster (seeded with the demo scenario when
 * `seed`) and a second cluster whose Velero shares the primary's object store, with one
 * kubeconfig naming both.
 */
export async function startSimulatedPair(options: SimulatedClusterOptions & { readonly seed?: boolean } = {}): Promise<SimulatedPair> {
  const storage = new ObjectStorage();
  const primary = new SimulatedCluster({ timing: DEMO_TIMING, ...options, objectStorage: storage });
  const secondary = new SimulatedCluster({
    timing: DEMO_TIMING,
    ...options,
    port: 0,
    dir: undefined,
    objectStorage: storage,
    contextName: SIM_DR_CONTEXT,
  });
  const kubeconfig = await primary.start();
  await secondary.start();
  fs.writeFileSync(kubeconfig, kubeconfigFor([primary, secondary].map((s) => ({ contextName: s.contextName, url: s.url, token: s.token }))), {
    mode: 0o600,
  });
  if (options.seed !== false) await seedBackupScenario(primary);
  return {
    primary,
    secondary,
    kubeconfig,
    stop: async () => {
      await secondary.stop();
      await primary.stop();
    },
  };
}
