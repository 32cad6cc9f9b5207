/**
 * The pure parts of the DR operations: the RTO flag, inventory comparison object by object,
 * the journal (atomic writes, steps, refusing other files), the history ConfigMap (newest
 * first, bounded), and the protected namespaces.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Cluster, ClusterError, KubeObject, ObjectList, ResourceType } from '../../src/runtime/cluster/types';
import { parseRtoTarget, protectedNamespaces } from '../../src/runtime/dr/common';
import { DrHistoryRecord, HISTORY_SCHEMA, readHistory, recordHistory } from '../../src/runtime/dr/history';
import { compareInventories, differenceLines, NamespaceInventory } from '../../src/runtime/dr/inventory';
import { DrillJournal, Journal, JOURNAL_SCHEMA, readJournal } from '../../src/runtime/dr/journal';
import { tmpDir } from '../support/dr';

describe('parseRtoTarget', () => {
  test.each([
    ['600', 600],
    ['300', 300],
    ['2.5', 2.5],
    ['5m', 300],
    ['1h30m', 5400],
    ['90s', 90],
  ])('%s is %d seconds', (v, s) => expect(parseRtoTarget('--rto-target', v)).toBe(s));

  test.each([
    ['0', '--rto-target "0" must be more than zero; use e.g. 600, 300 or 10m'],
    ['0s', '--rto-target "0s" must be more than zero; use e.g. 600, 300 or 10m'],
    ['abc', '--rto-target "abc" is not a number of seconds or a duration; use e.g. 600, 300 or 10m'],
    ['-5', '--rto-target "-5" is not a number of seconds or a duration; use e.g. 600, 300 or 10m'],
    ['10 m', '--rto-target "10 m" is not a number of seconds or a duration; use e.g. 600, 300 or 10m'],
  ])('%s is refused', (v, message) => expect(() => parseRtoTarget('--rto-target', v)).toThrow(message));
});

test('protected namespaces: the fixed ones, the configured Velero and Chaos Mesh namespaces, and extra ones', () => {
  expect(protectedNamespaces('backup-system', 'chaos-testing', ['payments'])).toEqual([
    'kube-system',
    'kube-public',
    'kube-node-lease',
    'default',
    'velero',
    'monitoring',
    'chaos-mesh',
    'backup-system',
    'chaos-testing',
    'payments',
  ]);
});

function inv(namespace: string, items: NamespaceInventory['items']): NamespaceInventory {
  return {
    namespace,
    exists: true,
    counts: {
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
    },
    items,
    readyDeployments: [],
    servedServices: [],
    serviceDeployments: {},
  };
}

test('compareInventories: missing, differing (field by field) and new objects; namespaces matched in order', () => {
  const before = [
    inv('team-alpha', [
      { kind: 'Deployment', name: 'orders', fields: { replicas: '2', images: 'orders=registry/orders:1.4.2' } },
      { kind: 'Pods', name: 'deployment/orders', fields: { 'ready pods': '2' } },
      { kind: 'ConfigMap', name: 'orders-config', fields: { keys: 'LOG_LEVEL', data: 'sha256:aaa' } },
      { kind: 'Secret', name: 'orders-credentials', fields: { type: 'Opaque', keys: 'password', data: 'sha256:bbb' } },
    ]),
  ];
  const after = [
    inv('restore-test-x1y2z', [
      { kind: 'Deployment', name: 'orders', fields: { replicas: '1', images: 'orders=registry/orders:1.4.2' } },
      { kind: 'Pods', name: 'deployment/orders', fields: { 'ready pods': '1' } },
      { kind: 'ConfigMap', name: 'orders-config', fields: { keys: 'LOG_LEVEL', data: 'sha256:ccc' } },
      { kind: 'ConfigMap', name: 'leftover', fields: { keys: '', data: 'sha256:ddd' } },
    ]),
  ];
  const diffs = compareInventories(before, after);
  expect(differenceLines(diffs)).toEqual([
    'team-alpha: Deployment orders differs: replicas: 2 → 1',
    'team-alpha: Pods deployment/orders differs: ready pods: 2 → 1',
    'team-alpha: ConfigMap orders-config differs: data: sha256:aaa → sha256:ccc',
    'team-alpha: Secret orders-credentials is missing',
    'team-alpha: ConfigMap leftover is new (not there before)',
  ]);
  expect(compareInventories(before, before)).toEqual([]);
  // A namespace that is gone: everything in it is missing.
  expect(compareInventories(before, [{ ...inv('team-alpha', []), exists: false }]).map((d) => d.change)).toEqual([
    'missing',
    'missing',
    'missing',
    'missing',
  ]);
});

function journalValue(): DrillJournal {
  return {
    schema: JOURNAL_SCHEMA,
    id: 'dr-drill-1',
    state: 'started',
    veleroNamespace: 'velero',
    namespaces: ['team-alpha'],
    rtoTargetSeconds: 600,
    keepArtifacts: false,
    startedAt: 1000,
    backupName: 'b',
    restoreName: 'r',
    inventoryBefore: [],
    steps: [],
    interruptions: [],
    resumes: [],
    updatedAt: 1000,
  };
}

test('the journal: every change is written at once (atomically), steps are timed, a killed step is closed at the last write', () => {
  const dir = tmpDir();
  const file = path.join(dir, 'nested', 'journal.json');
  let now = 1000;
  const j = new Journal(file, journalValue(), () => now);
  j.begin('backup');
  now = 3500;
  j.finish('backup', 'backed-up');
  expect(readJournal(file)).toMatchObject({ state: 'backed-up', steps: [{ step: 'backup', startedAt: 1000, endedAt: 3500 }], updatedAt: 3500 });
  expect(j.duration('backup')).toBe(2.5);
  j.begin('disaster', 'deleting');
  now = 9000;
  // The process "dies" here; the resume closes the open step at the journal's last write (3500).
  const resumed = new Journal(file, readJournal(file)!, () => now);
  resumed.closeOpenSteps(readJournal(file)!.updatedAt);
  expect(resumed.value.steps[1]).toEqual({ step: 'disaster', startedAt: 3500, endedAt: 3500 });
  expect(fs.readdirSync(path.dirname(file))).toEqual(['journal.json']);
  expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('600');
  fs.writeFileSync(path.join(dir, 'bad.json'), 'not json');
  expect(() => readJournal(path.join(dir, 'bad.json'))).toThrow(
    `the drill journal ${path.join(dir, 'bad.json')} is not JSON; move it away (it is not a journal of this tool) or pass another --journal`,
  );
  expect(readJournal(path.join(dir, 'none.json'))).toBeUndefined();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A cluster holding ConfigMaps in memory (create, get, merge patch of data). */
class ConfigMapCluster implements Cluster {
  readonly target = { context: 'fake', server: 'http://fake' };
  readonly objects = new Map<string, KubeObject & { data?: Record<string, string> }>();
  async get<T extends KubeObject>(_t: ResourceType, name: string, ns?: string): Promise<T | undefined> {
    const o = this.objects.get(`${ns}/${name}`);
    return o ? (JSON.parse(JSON.stringify(o)) as T) : undefined;
  }
  async list<T extends KubeObject>(): Promise<ObjectList<T>> {
    return { items: [], resourceVersion: '1' };
  }
  async create<T extends KubeObject>(_t: ResourceType, o: KubeObject): Promise<T> {
    const k = `${o.metadata.namespace}/${o.metadata.name}`;
    if (this.objects.has(k)) throw new ClusterError('exists', 409, 'AlreadyExists');
    this.objects.set(k, JSON.parse(JSON.stringify(o)) as KubeObject);
    return o as T;
  }
  async patch<T extends KubeObject>(_t: ResourceType, name: string, p: Readonly<Record<string, unknown>>, ns?: string): Promise<T> {
    const o = this.objects.get(`${ns}/${name}`)!;
    const data = { ...(o.data ?? {}) };
    for (const [k, v] of Object.entries((p.data ?? {}) as Record<string, string | null>)) {
      if (v === null) delete data[k];
      else data[k] = v;
    }
    this.objects.set(`${ns}/${name}`, { ...o, data });
    return o as T;
  }
  async delete(): Promise<boolean> {
    return false;
  }
  async watch(): Promise<never> {
    throw new Error('not used');
  }
}

test('the history: records newest first; at most 50 kept, the oldest dropped', async () => {
  const c = new ConfigMapCluster();
  const rec = (i: number): DrHistoryRecord => ({
    schema: HISTORY_SCHEMA,
    command: i % 2 ? 'dr drill' : 'dr restore-test',
    at: new Date(Date.UTC(2026, 0, 1) + i * 60000).toISOString(),
    verdict: 'passed',
    namespaces: ['shop'],
    rtoSeconds: i,
    rtoTargetSeconds: 600,
    simulated: false,
  });
  for (let i = 0; i < 53; i++) await recordHistory(c, 'velero', rec(i));
  const all = await readHistory(c, 'velero');
  expect(all.length).toBe(50);
  expect(all[0].rtoSeconds).toBe(52);
  expect(all[49].rtoSeconds).toBe(3);
  const keys = Object.keys(c.objects.get('velero/cdk8s-resilience-dr-history')!.data!);
  expect(keys.every((k) => /^(drill|restore-test)-2026010\d{7}-[a-z0-9]{4}\.json$/.test(k))).toBe(true);
});
