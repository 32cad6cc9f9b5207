/**
 * What the simulation does for the DR operations, over its HTTP API: namespaces deleted
 * through the API are Terminating before they go (no new content meanwhile; the cluster's
 * own namespaces cannot be deleted), two clusters over one object store see each other's
 * backups through Velero's backup sync (which also brings back a Backup deleted with
 * kubectl), a restore writes its results file, and a Restore
 * deleted while stuck restores nothing more.
 */
import { gunzipSync } from 'zlib';
import { NAMESPACES, VELERO_BACKUPS, VELERO_DOWNLOAD_REQUESTS, VELERO_RESTORES } from '../../src/runtime/cluster/resources';
import { startSimulatedPair } from '../../src/runtime/sim/scenarios';
import { Obj } from '../../src/runtime/sim/store';
import { api, FAST, startSim } from '../support/sim';

const phase = (o: Obj | undefined): string | undefined => (o?.status as { phase?: string } | undefined)?.phase;

test('a namespace deleted through the API is Terminating, refuses new content, then is gone with its contents', async () => {
  const sim = await startSim({ seed: true, timing: { ...FAST, namespaceDeleteMs: 150 } });
  try {
    const del = await api(sim, 'DELETE', '/api/v1/namespaces/team-alpha');
    expect(del.status).toBe(200);
    expect(del.json).toMatchObject({
      metadata: { name: 'team-alpha', deletionTimestamp: expect.any(String) },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Terminating' },
    });
    const create = await api(sim, 'POST', '/api/v1/namespaces/team-alpha/configmaps', { metadata: { name: 'late' } });
    expect(create).toMatchObject({
      status: 403,
      json: {
        reason: 'Forbidden',
        message: 'configmaps "late" is forbidden: unable to create new content in namespace team-alpha because it is being terminated',
      },
    });
    expect(sim.store.list({ group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment' }, 'team-alpha').length).toBe(1);
    await sim.settle(() => !sim.store.get(NAMESPACES, undefined, 'team-alpha'));
    expect(sim.store.list({ group: '', version: 'v1', plural: 'pods', kind: 'Pod' }, 'team-alpha')).toEqual([]);
    const protectedNs = await api(sim, 'DELETE', '/api/v1/namespaces/kube-system');
    expect(protectedNs).toMatchObject({ status: 403, json: { message: 'namespaces "kube-system" is forbidden: this namespace may not be deleted' } });
  } finally {
    await sim.stop();
  }
});

test('two clusters over one object store: a backup taken in one appears in the other (backup sync), and goes when its files go', async () => {
  const pair = await startSimulatedPair({ timing: FAST, seed: true });
  try {
    const { primary, secondary } = pair;
    // The seeded backups were uploaded too.
    await secondary.settle(() => !!secondary.store.get(VELERO_BACKUPS, 'velero', 'manual-predeploy'));
    await api(primary, 'POST', '/apis/velero.io/v1/namespaces/velero/backups', {
      metadata: { name: 'fresh' },
      spec: { includedNamespaces: ['team-beta'] },
    });
    await secondary.settle(() => phase(secondary.store.get(VELERO_BACKUPS, 'velero', 'fresh')) === 'Completed');
    expect(secondary.store.get(VELERO_BACKUPS, 'velero', 'fresh')!.metadata.labels).toMatchObject({ 'velero.io/storage-location': 'default' });
    await api(primary, 'POST', '/apis/velero.io/v1/namespaces/velero/deletebackuprequests', {
      metadata: { name: 'del' },
      spec: { backupName: 'fresh' },
    });
    await secondary.settle(() => !secondary.store.get(VELERO_BACKUPS, 'velero', 'fresh'));
    // A Backup object deleted directly (kubectl delete) comes back: its files are still in the bucket.
    expect((await api(primary, 'DELETE', '/apis/velero.io/v1/namespaces/velero/backups/manual-predeploy')).status).toBe(200);
    await primary.settle(() => phase(primary.store.get(VELERO_BACKUPS, 'velero', 'manual-predeploy')) === 'Completed');
  } finally {
    await pair.stop();
  }
});

test('a restore writes its results (errors per namespace), readable through a DownloadRequest; a Restore deleted while stuck restores nothing', async () => {
  const sim = await startSim({ seed: true });
  try {
    sim.faults.restoreOutcomes.push(
      { outcome: 'PartiallyFailed', namePrefix: 'partial', count: 1 },
      { outcome: 'stuck', namePrefix: 'stuck', count: 1 },
    );
    await api(sim, 'POST', '/apis/velero.io/v1/namespaces/velero/restores', {
      metadata: { name: 'partial' },
      spec: { backupName: 'manual-predeploy', namespaceMapping: { shop: 'shop-copy' } },
    });
    await sim.settle(() => phase(sim.store.get(VELERO_RESTORES, 'velero', 'partial')) === 'PartiallyFailed');
    await api(sim, 'POST', '/apis/velero.io/v1/namespaces/velero/downloadrequests', {
      metadata: { name: 'res' },
      spec: { target: { kind: 'RestoreResults', name: 'partial' } },
    });
    await sim.settle(() => phase(sim.store.get(VELERO_DOWNLOAD_REQUESTS, 'velero', 'res')) === 'Processed');
    const url = String((sim.store.get(VELERO_DOWNLOAD_REQUESTS, 'velero', 'res')!.status as { downloadURL: string }).downloadURL);
    const results = JSON.parse(gunzipSync(Buffer.from(await (await fetch(url)).arrayBuffer())).toString()) as {
      errors: { namespaces: Record<string, string[]> };
    };
    expect(results.errors.namespaces['shop-copy']).toEqual([
      'error restoring secrets shop-copy/storefront-credentials: simulated: admission webhook "policy.example.com" denied the request',
      'error restoring deployments.apps shop-copy/storefront: simulated: admission webhook "policy.example.com" denied the request',
    ]);
    // A restored object carries no status of its own: the controllers rebuild it.
    expect(
      sim.store.get({ group: '', version: 'v1', plural: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim' }, 'shop-copy', 'storefront-data')!
        .metadata.labels,
    ).toMatchObject({ 'velero.io/restore-name': 'partial' });
    await api(sim, 'POST', '/apis/velero.io/v1/namespaces/velero/restores', {
      metadata: { name: 'stuck' },
      spec: { backupName: 'manual-predeploy', namespaceMapping: { shop: 'shop-stuck' } },
    });
    await sim.settle(() => phase(sim.store.get(VELERO_RESTORES, 'velero', 'stuck')) === 'InProgress');
    await api(sim, 'DELETE', '/apis/velero.io/v1/namespaces/velero/restores/stuck');
    sim.velero.releaseStuckRestores();
    // Its next step is due at once on the simulation clock.
    sim.clock.advance(1000);
    expect(sim.store.get(NAMESPACES, undefined, 'shop-stuck')).toBeUndefined();
  } finally {
    await sim.stop();
  }
});
