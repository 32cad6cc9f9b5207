/**
 * The simulated cluster itself, over its HTTP API: API server semantics (resourceVersion,
 * selectors, 404/409, watch resume and 410 Gone), and the simulated Velero and workload
 * controllers (phases and status fields, schedules on the simulation clock, restores with
 * namespace mapping, deletion requests, storage locations, faults).
 */
import * as http from 'http';
import { gunzipSync } from 'zlib';
import {
  DEPLOYMENTS,
  ENDPOINTS,
  NAMESPACES,
  PODS,
  SERVICES,
  VELERO_BACKUPS,
  VELERO_RESTORES,
  VELERO_SCHEDULES,
  VELERO_STORAGE_LOCATIONS,
} from '../../src/runtime/cluster/resources';
import { SimulatedCluster } from '../../src/runtime/sim/cluster';
import { Obj } from '../../src/runtime/sim/store';
import { api, startSim } from '../support/sim';

type Status = Record<string, unknown> & { phase?: string };
const st = (o: Obj | undefined): Status => (o?.status ?? {}) as Status;

async function withSim(f: (sim: SimulatedCluster) => Promise<void>, seed = true): Promise<void> {
  const sim = await startSim({ seed });
  try {
    await f(sim);
  } finally {
    await sim.stop();
  }
}

function backup(sim: SimulatedCluster, name: string): Obj | undefined {
  return sim.store.get(VELERO_BACKUPS, 'velero', name);
}

/** Reads a watch stream for `ms`, returning its event lines. */
function readWatch(sim: SimulatedCluster, p: string, ms: number): Promise<Array<{ type: string; object: Obj & { code?: number; reason?: string } }>> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${sim.url}${p}`, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      const done = (): void =>
        resolve(
          text
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l)),
        );
      res.on('end', done);
      setTimeout(() => {
        req.destroy();
        done();
      }, ms);
    });
    req.on('error', (e) => ((e as { code?: string }).code === 'ECONNRESET' ? undefined : reject(e)));
  });
}

describe('API server', () => {
  test('create/get/list/patch/delete with resourceVersion, 404 and 409 as Status objects', () =>
    withSim(async (sim) => {
      const p = '/api/v1/namespaces/default/configmaps';
      const c1 = await api(sim, 'POST', p, { metadata: { name: 'a', labels: { tier: 'web' } }, data: { k: 'v' } });
      expect(c1.status).toBe(201);
      const rv1 = Number((c1.json.metadata as { resourceVersion: string }).resourceVersion);
      const dup = await api(sim, 'POST', p, { metadata: { name: 'a' } });
      expect(dup).toEqual({
        status: 409,
        json: {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: 'configmaps "a" already exists',
          reason: 'AlreadyExists',
          code: 409,
        },
      });
      const patched = await api(sim, 'PATCH', `${p}/a`, { data: { k: null, j: 'w' } });
      expect(patched.json.data).toEqual({ j: 'w' });
      expect(Number((patched.json.metadata as { resourceVersion: string }).resourceVersion)).toBeGreaterThan(rv1);
      expect((await api(sim, 'GET', `${p}/nope`)).json.reason).toBe('NotFound');
      expect((await api(sim, 'POST', '/api/v1/namespaces/nowhere/configmaps', { metadata: { name: 'x' } })).json.message).toBe(
        'namespaces "nowhere" not found',
      );
      expect((await api(sim, 'DELETE', `${p}/a`)).status).toBe(200);
      expect((await api(sim, 'DELETE', `${p}/a`)).status).toBe(404);
    }, false));

  test('label and field selectors', () =>
    withSim(async (sim) => {
      const list = async (q: string): Promise<string[]> =>
        ((await api(sim, 'GET', `/apis/velero.io/v1/namespaces/velero/backups?${q}`)).json.items as Obj[]).map((o) => o.metadata.name);
      expect((await list('labelSelector=velero.io%2Fschedule-name%3Ddaily-shop')).length).toBe(5);
      expect((await list('labelSelector=velero.io%2Fschedule-name%20in%20(daily-shop%2Chourly-payments)')).length).toBe(9);
      expect(await list('labelSelector=!velero.io%2Fschedule-name')).toEqual(['manual-predeploy']);
      expect((await list('labelSelector=velero.io%2Fschedule-name!%3Ddaily-shop')).length).toBe(7);
      expect(await list('fieldSelector=metadata.name%3Dmanual-predeploy')).toEqual(['manual-predeploy']);
      expect((await list('fieldSelector=status.phase%3DPartiallyFailed')).length).toBe(1);
      expect((await api(sim, 'GET', '/apis/velero.io/v1/namespaces/velero/backups?labelSelector=%3D%3D%3D')).status).toBe(400);
    }));

  test('a watch resumes from a resourceVersion; after a compaction that version is 410 Gone', () =>
    withSim(async (sim) => {
      const created = await api(sim, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'w1' } });
      const rv = Number((created.json.metadata as { resourceVersion: string }).resourceVersion);
      await api(sim, 'PATCH', '/api/v1/namespaces/default/configmaps/w1', { data: { a: '1' } });
      const events = await readWatch(sim, `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv - 1}`, 150);
      expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED w1', 'MODIFIED w1']);
      sim.store.compact();
      const gone = await readWatch(sim, `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}`, 150);
      expect(gone.map((e) => [e.type, e.object.code, e.object.reason])).toEqual([['ERROR', 410, 'Expired']]);
    }, false));

  test('discovery: the groups and resources kubectl and the runtime use', () =>
    withSim(async (sim) => {
      const groups = ((await api(sim, 'GET', '/apis')).json.groups as Array<{ name: string }>).map((g) => g.name);
      expect(groups).toEqual(['apps', 'velero.io', 'chaos-mesh.org']);
      const core = ((await api(sim, 'GET', '/api/v1')).json.resources as Array<{ name: string }>).map((r) => r.name).filter((n) => !n.includes('/'));
      expect(core).toEqual(['namespaces', 'pods', 'services', 'endpoints', 'persistentvolumeclaims', 'configmaps', 'secrets', 'events']);
      const chaos = ((await api(sim, 'GET', '/apis/chaos-mesh.org/v1alpha1')).json.resources as Array<{ name: string }>)
        .map((r) => r.name)
        .filter((n) => !n.includes('/'));
      expect(chaos).toEqual(['podchaos', 'networkchaos', 'stresschaos', 'iochaos', 'httpchaos', 'timechaos', 'schedules', 'workflows']);
    }, false));
});

describe('simulated Velero', () => {
  test('a Schedule creates a backup on its cron when the simulation clock reaches it', () =>
    withSim(async (sim) => {
      await api(sim, 'POST', '/apis/velero.io/v1/namespaces/velero/schedules', {
        metadata: { name: 'every-6h' },
        spec: { schedule: '@every 6h', template: { includedNamespaces: ['payments'], ttl: '24h0m0s' } },
      });
      await sim.settle(() => st(sim.store.get(VELERO_SCHEDULES, 'velero', 'every-6h')).phase === 'Enabled');
      const before = sim.store.list(VELERO_BACKUPS, 'velero', 'velero.io/schedule-name=every-6h');
      expect(before).toEqual([]);
      sim.clock.advance(6 * 3600 * 1000);
      await sim.settle(() => sim.store.list(VELERO_BACKUPS, 'velero', 'velero.io/schedule-name=every-6h').some((b) => st(b).phase === 'Completed'));
      const [made] = sim.store.list(VELERO_BACKUPS, 'velero', 'velero.io/schedule-name=every-6h');
      expect(made.metadata.name).toMatch(/^every-6h-\d{14}$/);
      expect(made.spec).toEqual({ includedNamespaces: ['payments'], ttl: '24h0m0s' });
      const s = st(made);
      expect(Object.keys(s).sort()).toEqual(['completionTimestamp', 'expiration', 'formatVersion', 'phase', 'progress', 'startTimestamp', 'version']);
      expect(Date.parse(String(s.expiration)) - Date.parse(String(s.startTimestamp))).toBe(24 * 3600 * 1000);
      expect(st(sim.store.get(VELERO_SCHEDULES, 'velero', 'every-6h')).lastBackup).toBeDefined();
      // An invalid cron is FailedValidation with Velero-style validationErrors.
      await api(sim, 'POST', '/apis/velero.io/v1/namespaces/velero/schedules', {
        metadata: { name: 'broken' },
        spec: { schedule: '0 0 * *', template: {} },
      });
      await sim.settle(() => st(sim.store.get(VELERO_SCHEDULES, 'velero', 'broken')).phase === 'FailedValidation');
      expect(st(sim.store.get(VELERO_SCHEDULES, 'velero', 'broken')).validationErrors).toEqual([
        'invalid schedule: "0 0 * *" has 4 fields; Velero expects 5 (minute hour day-of-month month day-of-week), with no seconds field',
      ]);
    }));

  test('a Restore recreates a namespace under namespaceMapping; workloads come back Ready; counts and phases', () =>
    withSim(async (sim) => {
      const shopBackup = sim.store
        .list(VELERO_BACKUPS, 'velero', 'velero.io/schedule-name=daily-shop')
        .map((b) => b.metadata.name)
        .sort()
        .pop()!;
      const r = await api(sim, 'POST', '/apis/velero.io/v1/namespaces/velero/restores', {
        metadata: { name: 'drill-1' },
        spec: { backupName: shopBackup, namespaceMapping: { shop: 'shop-drill' } },
      });
      expect(r.status).toBe(201);
      await sim.settle(() => st(sim.store.get(VELERO_RESTORES, 'velero', 'drill-1')).phase === 'Completed');
      const restore = sim.store.get(VELERO_RESTORES, 'velero', 'drill-1')!;
      expect(st(restore).progress).toEqual({ totalItems: 6, itemsRestored: 6 });
      expect(restore.metadata.labels).toEqual({ 'velero.io/backup-name': shopBackup });
      expect(sim.store.get(NAMESPACES, undefined, 'shop-drill')).toBeDefined();
      expect(sim.store.get(DEPLOYMENTS, 'shop-drill', 'storefront')!.metadata.labels!['velero.io/restore-name']).toBe('drill-1');
      await sim.settle(() => sim.store.list(PODS, 'shop-drill').filter((p) => st(p).phase === 'Running').length === 2);
      await sim.settle(() => ((sim.store.get(ENDPOINTS, 'shop-drill', 'storefront')?.subsets as unknown[] | undefined) ?? []).length === 1);
      // Restoring into the original namespace: everything exists, so nothing is restored and each is a warning.
      await api(sim, 'POST', '/apis/velero.io/v1/namespaces/velero/restores', { metadata: { name: 'in-place' }, spec: { backupName: shopBackup } });
      await sim.settle(() => st(sim.store.get(VELERO_RESTORES, 'velero', 'in-place')).phase === 'Completed');
      expect(st(sim.store.get(VELERO_RESTORES, 'velero', 'in-place'))).toMatchObject({ progress: { totalItems: 6, itemsRestored: 0 }, warnings: 6 });
      // excludedNamespaces leaves everything out.
      await api(sim, 'POST', '/apis/velero.io/v1/namespaces/velero/restores', {
        metadata: { name: 'none' },
        spec: { backupName: shopBackup, excludedNamespaces: ['shop'] },
      });
      await sim.settle(() => st(sim.store.get(VELERO_RESTORES, 'velero', 'none')).phase === 'Completed');
      expect(st(sim.store.get(VELERO_RESTORES, 'velero', 'none')).progress).toEqual({ totalItems: 0, itemsRestored: 0 });
    }));

  test('restore faults: stuck stays InProgress, partially failed counts errors; a missing backup is FailedValidation', () =>
    withSim(async (sim) => {
      const shopBackup = sim.store
        .list(VELERO_BACKUPS, 'velero', 'velero.io/schedule-name=daily-shop')
        .map((b) => b.metadata.name)
        .sort()
        .pop()!;
      sim.faults.restoreOutcomes.push(
        { outcome: 'stuck', namePrefix: 'stuck', count: 1 },
        { outcome: 'PartiallyFailed', namePrefix: 'partial', count: 1 },
      );
      for (const name of ['stuck', 'partial'])
        await api(sim, 'POST', '/apis/velero.io/v1/namespaces/velero/restores', {
          metadata: { name },
          spec: { backupName: shopBackup, namespaceMapping: { shop: `shop-${name}` } },
        });
      await api(sim, 'POST', '/apis/velero.io/v1/namespaces/velero/restores', {
        metadata: { name: 'orphan' },
        spec: { backupName: 'does-not-exist' },
      });
      await sim.settle(
        () =>
          st(sim.store.get(VELERO_RESTORES, 'velero', 'partial')).phase === 'PartiallyFailed' &&
          st(sim.store.get(VELERO_RESTORES, 'velero', 'orphan')).phase === 'FailedValidation',
      );
      sim.clock.advance(3600 * 1000);
      await new Promise((r) => setTimeout(r, 100));
      expect(st(sim.store.get(VELERO_RESTORES, 'velero', 'stuck')).phase).toBe('InProgress');
      expect(st(sim.store.get(VELERO_RESTORES, 'velero', 'partial'))).toMatchObject({
        phase: 'PartiallyFailed',
        errors: 2,
        progress: { totalItems: 6, itemsRestored: 4 },
      });
      expect(st(sim.store.get(VELERO_RESTORES, 'velero', 'orphan')).validationErrors).toEqual([
        'Error retrieving backup: backups.velero.io "does-not-exist" not found',
      ]);
    }));

  test('a DeleteBackupRequest removes the backup and its files; a DownloadRequest signs its resource list', () =>
    withSim(async (sim) => {
      const dl = await api(sim, 'POST', '/apis/velero.io/v1/namespaces/velero/downloadrequests', {
        metadata: { name: 'd1' },
        spec: { target: { kind: 'BackupResourceList', name: 'manual-predeploy' } },
      });
      expect(dl.status).toBe(201);
      await sim.settle(
        () =>
          st(sim.store.get({ group: 'velero.io', version: 'v1', plural: 'downloadrequests', kind: 'DownloadRequest' }, 'velero', 'd1')).phase ===
          'Processed',
      );
      const url = String(
        st(sim.store.get({ group: 'velero.io', version: 'v1', plural: 'downloadrequests', kind: 'DownloadRequest' }, 'velero', 'd1')).downloadURL,
      );
      const list = JSON.parse(gunzipSync(Buffer.from(await (await fetch(url)).arrayBuffer())).toString()) as Record<string, string[]>;
      expect(list['v1/Namespace']).toEqual(['shop']);
      expect(list['apps/v1/Deployment']).toEqual(['shop/storefront']);
      await api(sim, 'POST', '/apis/velero.io/v1/namespaces/velero/deletebackuprequests', {
        metadata: { name: 'del' },
        spec: { backupName: 'manual-predeploy' },
      });
      await sim.settle(
        () =>
          st(sim.store.get({ group: 'velero.io', version: 'v1', plural: 'deletebackuprequests', kind: 'DeleteBackupRequest' }, 'velero', 'del'))
            .phase === 'Processed',
      );
      expect(backup(sim, 'manual-predeploy')).toBeUndefined();
      expect(sim.storage.archives.has('manual-predeploy')).toBe(false);
      expect((await fetch(url)).status).toBe(404);
    }));

  test('garbage collection: once the clock passes their expiration, backups are deleted through DeleteBackupRequests', () =>
    withSim(async (sim) => {
      const payments = (): string[] =>
        sim.store.list(VELERO_BACKUPS, 'velero', 'velero.io/schedule-name=hourly-payments').map((b) => b.metadata.name);
      expect(payments().length).toBe(4);
      // hourly-payments keeps backups 168h; the oldest two were taken 30 and 31 hours ago.
      sim.clock.advance(7 * 24 * 3600 * 1000 - 29 * 3600 * 1000);
      await sim.settle(() => payments().length === 2);
      const dbrs = sim.store.list({ group: 'velero.io', version: 'v1', plural: 'deletebackuprequests', kind: 'DeleteBackupRequest' }, 'velero');
      expect(dbrs.length).toBe(2);
      expect(sim.store.list(VELERO_BACKUPS, 'velero', 'velero.io/schedule-name=daily-shop').length).toBe(5);
    }));

  test('a storage location fault: Unavailable with a message; a backup then fails validation', () =>
    withSim(async (sim) => {
      sim.faults.unavailableStorage.add('default');
      sim.velero.revalidateLocations();
      expect(st(sim.store.get(VELERO_STORAGE_LOCATIONS, 'velero', 'default'))).toMatchObject({
        phase: 'Unavailable',
        message: expect.stringContaining('is unavailable'),
      });
      await api(sim, 'POST', '/apis/velero.io/v1/namespaces/velero/backups', { metadata: { name: 'b' }, spec: {} });
      await sim.settle(() => st(backup(sim, 'b')).phase === 'FailedValidation');
      expect(st(backup(sim, 'b')).validationErrors).toEqual([
        "backup can't be created because BackupStorageLocation default is in Unavailable status.",
      ]);
    }));
});

describe('simulated workloads', () => {
  test('a Deployment gets Ready pods; a deleted pod is replaced; scaling down removes pods; a Service gets Endpoints', () =>
    withSim(async (sim) => {
      await api(sim, 'POST', '/apis/apps/v1/namespaces/default/deployments', {
        metadata: { name: 'web' },
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
        },
      });
      await api(sim, 'POST', '/api/v1/namespaces/default/services', {
        metadata: { name: 'web' },
        spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
      });
      const ready = (): number => sim.store.list(PODS, 'default', 'app=web').filter((p) => st(p).phase === 'Running').length;
      await sim.settle(() => ready() === 3 && st(sim.store.get(DEPLOYMENTS, 'default', 'web')).readyReplicas === 3);
      const victim = sim.store.list(PODS, 'default', 'app=web')[0].metadata.name;
      await api(sim, 'DELETE', `/api/v1/namespaces/default/pods/${victim}`);
      await sim.settle(() => ready() === 3 && !sim.store.get(PODS, 'default', victim));
      await api(sim, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/web', { spec: { replicas: 1 } });
      await sim.settle(() => sim.store.list(PODS, 'default', 'app=web').length === 1);
      await sim.settle(() => {
        const subsets = (sim.store.get(ENDPOINTS, 'default', 'web')?.subsets ?? []) as Array<{
          addresses: unknown[];
          ports: Array<{ port: number }>;
        }>;
        return subsets.length === 1 && subsets[0].addresses.length === 1 && subsets[0].ports[0].port === 8080;
      });
      expect(sim.store.get(SERVICES, 'default', 'web')).toBeDefined();
    }, false));
});
