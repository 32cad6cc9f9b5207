/**
 * kubectl (installed here) against the simulated cluster: discovery, get (server-side
 * tables, -A, -o yaml), get -w, create -f, delete, and the simulated controllers acting on
 * what kubectl created. Fails with an install hint when kubectl is missing.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { VELERO_BACKUPS } from '../../src/runtime/cluster/resources';
import { SimulatedCluster } from '../../src/runtime/sim/cluster';
import { FAST, kubectl, kubectlPath, startSim } from '../support/sim';

let sim: SimulatedCluster;
beforeAll(async () => {
  kubectlPath();
  // No backup sync during these tests: like Velero's, it would bring back a Backup deleted with
  // kubectl (its files are still in the bucket; `velero backup delete` uses a DeleteBackupRequest).
  sim = await startSim({ seed: true, timing: { ...FAST, backupSyncMs: 3600 * 1000 } });
  await sim.settle(
    () =>
      sim.store.list({ group: '', version: 'v1', plural: 'pods', kind: 'Pod' }).filter((p) => (p.status as { phase?: string }).phase === 'Running')
        .length === 10,
  );
});
afterAll(() => sim.stop());

function backupNames(): string[] {
  return sim.store
    .list(VELERO_BACKUPS, 'velero')
    .map((b) => b.metadata.name)
    .sort();
}

test('kubectl get backups.velero.io -A lists the backups the runtime sees, with the CRD columns', async () => {
  const r = await kubectl(sim, ['get', 'backups.velero.io', '-A']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const lines = r.stdout.trim().split('\n');
  expect(lines[0].split(/\s+/)).toEqual(['NAMESPACE', 'NAME', 'AGE']);
  expect(
    lines
      .slice(1)
      .map((l) => l.split(/\s+/)[1])
      .sort(),
  ).toEqual(backupNames());
  expect(lines.find((l) => l.includes('manual-predeploy'))!.split(/\s+/)).toEqual(['velero', 'manual-predeploy', '5d']);
});

test('kubectl get with short names, columns of built-in types, and a Velero printer-column type', async () => {
  const [pods, deploy, sched, bsl] = await Promise.all([
    kubectl(sim, ['get', 'po', '-n', 'payments', '--no-headers']),
    kubectl(sim, ['get', 'deploy', '-A']),
    kubectl(sim, ['get', 'schedules.velero.io', '-n', 'velero']),
    kubectl(sim, ['get', 'backupstoragelocations', '-n', 'velero', '--no-headers']),
  ]);
  expect(
    pods.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(/\s+/).slice(1, 4)),
  ).toEqual([
    ['1/1', 'Running', '0'],
    ['1/1', 'Running', '0'],
  ]);
  expect(deploy.stdout).toMatch(/^NAMESPACE +NAME +READY +UP-TO-DATE +AVAILABLE +AGE\n/);
  expect(deploy.stdout).toMatch(/\npayments +payments-api +2\/2 +2 +2 +\d+s\n/);
  expect(sched.stdout.split('\n')[0].split(/\s+/)).toEqual(['NAME', 'STATUS', 'SCHEDULE', 'LASTBACKUP', 'AGE', 'PAUSED']);
  expect(sched.stdout).toMatch(/\ntwice-daily-analytics +Enabled +@every 12h +60m +60d/);
  expect(bsl.stdout.trim().split(/\s+/).slice(0, 2)).toEqual(['default', 'Available']);
});

test('kubectl get -o yaml shows Velero status fields as the controller wrote them', async () => {
  const r = await kubectl(sim, ['get', 'backup', 'manual-predeploy', '-n', 'velero', '-o', 'yaml']);
  expect(r.code).toBe(0);
  const o = YAML.parse(r.stdout) as { kind: string; spec: unknown; status: Record<string, unknown> };
  expect(o.kind).toBe('Backup');
  expect(o.spec).toEqual({ includedNamespaces: ['shop', 'legacy'], storageLocation: 'default', ttl: '720h0m0s' });
  expect(Object.keys(o.status).sort()).toEqual([
    'completionTimestamp',
    'expiration',
    'formatVersion',
    'phase',
    'progress',
    'startTimestamp',
    'version',
    'warnings',
  ]);
  expect(o.status.phase).toBe('Completed');
});

test('kubectl create -f, get -w (events while the Velero controller works), delete', async () => {
  const manifest = path.join(path.dirname(sim.kubeconfig), 'backup.yaml');
  fs.writeFileSync(
    manifest,
    'apiVersion: velero.io/v1\nkind: Backup\nmetadata:\n  name: from-kubectl\n  namespace: velero\nspec:\n  includedNamespaces: [shop]\n',
  );
  const watcher = spawn(kubectlPath(), [
    '--kubeconfig',
    sim.kubeconfig,
    'get',
    'backups.velero.io',
    '-n',
    'velero',
    '-w',
    '--output-watch-events',
    '-o',
    'custom-columns=EVENT:.type,NAME:.object.metadata.name,PHASE:.object.status.phase',
    '--no-headers',
  ]);
  let watched = '';
  watcher.stdout.on('data', (c: Buffer) => (watched += c.toString()));
  try {
    await sim.settle(() => watched.includes('manual-predeploy'), 15000);
    const created = await kubectl(sim, ['create', '-f', manifest]);
    expect(created.stdout.trim()).toBe('backup.velero.io/from-kubectl created');
    await sim.settle(() => /MODIFIED +from-kubectl +Completed/.test(watched), 15000);
    const deleted = await kubectl(sim, ['delete', 'backup', 'from-kubectl', '-n', 'velero']);
    expect(deleted.stdout.trim()).toBe('backup.velero.io "from-kubectl" deleted');
    await sim.settle(() => /DELETED +from-kubectl/.test(watched), 15000);
  } finally {
    watcher.kill();
  }
  const events = watched
    .split('\n')
    .filter((l) => l.includes('from-kubectl'))
    .map((l) =>
      l
        .trim()
        .split(/\s+/)
        .filter((x) => x !== '<none>')
        .join(' '),
    );
  // The phases Velero 1.18 goes through, in order, as the watch saw them.
  const phases = events.map((e) => e.split(' ')[2]).filter(Boolean);
  expect(events[0]).toBe('ADDED from-kubectl');
  expect([...new Set(phases)]).toEqual(['Queued', 'ReadyToStart', 'InProgress', 'Finalizing', 'Completed']);
  expect(events[events.length - 1]).toBe('DELETED from-kubectl Completed');
  const again = await kubectl(sim, ['get', 'backup', 'from-kubectl', '-n', 'velero']);
  expect(again.code).toBe(1);
  expect(again.stderr.trim()).toBe('Error from server (NotFound): backups.velero.io "from-kubectl" not found');
});

test('kubectl create of an existing object is a 409 AlreadyExists; in a missing namespace a 404', async () => {
  const manifest = path.join(path.dirname(sim.kubeconfig), 'ns.yaml');
  fs.writeFileSync(
    manifest,
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: storefront-config\n  namespace: shop\ndata: {}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: nowhere\n',
  );
  const r = await kubectl(sim, ['create', '-f', manifest]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(
    'Error from server (AlreadyExists): error when creating "' + manifest + '": configmaps "storefront-config" already exists',
  );
  expect(r.stderr).toContain('Error from server (NotFound): error when creating "' + manifest + '": namespaces "nowhere" not found');
});
