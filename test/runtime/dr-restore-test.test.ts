/**
 * `cdk8s-resilience dr restore-test` against the simulated cluster through the real
 * client-node adapter: a restore into restore-test-<random> namespaces that passes, the dry
 * run (no change at all), failures and timeouts that still clean up, an interrupt that
 * cleans up, and bad input.
 */
import * as fs from 'fs';
import * as path from 'path';
import { NAMESPACES, VELERO_BACKUPS, VELERO_RESTORES } from '../../src/runtime/cluster/resources';
import { SimulatedCluster } from '../../src/runtime/sim/cluster';
import { checksOf, notesOf, reportOf, spawnCli, tmpDir, writes } from '../support/dr';
import { cliOn, requireBuild, startSim, stderrLines } from '../support/sim';

beforeAll(requireBuild);

function temporary(sim: SimulatedCluster): string[] {
  return sim.store
    .list(NAMESPACES)
    .map((n) => n.metadata.name)
    .filter((n) => n.startsWith('restore-test-'));
}

function newestShop(sim: SimulatedCluster): string {
  return sim.store
    .list(VELERO_BACKUPS, 'velero', 'velero.io/schedule-name=daily-shop')
    .map((b) => b.metadata.name)
    .sort()
    .pop()!;
}

async function withSim(f: (sim: SimulatedCluster) => Promise<void>): Promise<void> {
  const sim = await startSim({ seed: true });
  try {
    await f(sim);
  } finally {
    await sim.stop();
  }
}

test.concurrent('restores the newest Completed backup into restore-test-<random>, checks it, measures it, removes it', () =>
  withSim(async (sim) => {
    const r = await cliOn(sim, ['dr', 'restore-test', '--format', 'json', '--rto-target', '300']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = reportOf(r);
    expect(report.title).toBe(`Restore test of backup ${newestShop(sim)}`);
    expect(report.sections.map((s) => s.title)).toEqual(['Plan', 'Restore', 'Recovery', 'Contents', 'RTO', 'Cleanup', 'Timings']);
    const mapping = report.sections[0].tables![0].rows;
    expect(mapping).toEqual([['shop', expect.stringMatching(/^restore-test-[a-z0-9]{5}$/)]]);
    const temp = String(mapping[0][1]);
    const c = checksOf(report);
    const restoreId = Object.keys(c).find((k) => k.startsWith('dr.restore-test.restore/'))!;
    expect(c[restoreId].evidence).toEqual(['phase Completed, 6 of 6 items restored, 0 errors, 0 warnings']);
    expect(c['dr.restore-test.recovery'].evidence).toEqual(['2 workloads Ready']);
    const counts = report.sections.find((s) => s.title === 'Contents')!.tables![0].rows;
    expect(counts).toEqual([
      ['shop', temp, 'Deployment', 1, 1],
      ['shop', temp, 'Service', 1, 1],
      ['shop', temp, 'PersistentVolumeClaim', 1, 1],
      ['shop', temp, 'ConfigMap', 1, 1],
      ['shop', temp, 'Secret', 1, 1],
      ['shop', temp, 'Pod', 2, 2],
    ]);
    expect(c['dr.restore-test.rto']).toMatchObject({ status: 'passed', measurements: [{ name: 'rto', unit: 'seconds', target: 300 }] });
    expect(c['dr.restore-test.rto'].measurements![0].value).toBeGreaterThan(0);
    const restoreName = restoreId.split('/')[1];
    expect(c['dr.restore-test.cleanup'].evidence).toEqual([`Restore ${restoreName} deleted`, `namespace ${temp} is gone`]);
    expect(temporary(sim)).toEqual([]);
    expect(sim.store.get(VELERO_RESTORES, 'velero', restoreName)).toBeUndefined();
    // Nothing of the source namespace was touched.
    expect(writes(sim, '/namespaces/shop/')).toEqual([]);
    expect(notesOf(report).find((n) => n.startsWith('history: kept in ConfigMap velero/cdk8s-resilience-dr-history as restore-test-'))).toBeDefined();
  }),
);

test.concurrent('--dry-run prints the plan (backup, mapping, checks, deletions) and changes nothing; --output writes the report to a file', () =>
  withSim(async (sim) => {
    const dir = tmpDir();
    const out = path.join(dir, 'plan.json');
    const r = await cliOn(sim, ['dr', 'restore-test', '--dry-run', '--backup-name', 'manual-predeploy', '--format', 'json', '--output', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const report = reportOf({ ...r, stdout: fs.readFileSync(out, 'utf8') });
    expect(report.title).toBe('Restore test of backup manual-predeploy (dry run)');
    const plan = report.sections[0];
    expect(plan.title).toBe('Plan (dry run: nothing is changed)');
    expect(plan.tables![0].rows).toEqual([
      ['shop', expect.stringMatching(/^restore-test-/)],
      ['legacy', expect.stringMatching(/^restore-test-/)],
    ]);
    expect(plan.notes![1]).toBe('namespaces to restore: shop, legacy');
    expect(plan.notes![2]).toMatch(/^would create Restore restore-test-\d{14}-[a-z0-9]{4} in namespace velero with that namespaceMapping$/);
    expect(plan.notes![4]).toMatch(
      /^would delete afterwards, whatever happens: Restore restore-test-\S+ and namespaces restore-test-[a-z0-9]{5}, restore-test-[a-z0-9]{5}$/,
    );
    expect(report.verdict).toBe('skipped');
    expect(writes(sim)).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  }),
);

test.concurrent('a restore that partially fails: the test fails with the errors and the counts, and still removes everything', () =>
  withSim(async (sim) => {
    sim.faults.restoreOutcomes.push({ outcome: 'PartiallyFailed', namePrefix: 'restore-test-', count: 1 });
    const r = await cliOn(sim, ['dr', 'restore-test', '--format', 'json', '--timeout', '5s']);
    expect(r.code).toBe(1);
    const c = checksOf(reportOf(r));
    const restore = Object.values(c).find((x) => x.id.startsWith('dr.restore-test.restore/'))!;
    expect(restore.status).toBe('failed');
    expect(restore.evidence[0]).toBe('phase PartiallyFailed, 4 of 6 items restored, 2 errors, 0 warnings');
    expect(restore.evidence.slice(1)).toEqual([
      expect.stringMatching(
        /^error: restore-test-[a-z0-9]{5}: error restoring secrets restore-test-[a-z0-9]{5}\/storefront-credentials: simulated: admission webhook/,
      ),
      expect.stringMatching(/error restoring deployments.apps restore-test-[a-z0-9]{5}\/storefront: simulated/),
    ]);
    expect(c['dr.restore-test.contents'].status).toBe('failed');
    expect(c['dr.restore-test.contents'].evidence).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^shop → restore-test-[a-z0-9]{5}: Deployment 1 in the backup, 0 after the restore$/),
        expect.stringMatching(/: Pod 2 in the backup, 0 Ready after the restore$/),
      ]),
    );
    expect(c['dr.restore-test.cleanup'].status).toBe('passed');
    expect(temporary(sim)).toEqual([]);
  }),
);

test.concurrent('a stuck restore: timeout, failed, and the Restore and namespaces are removed anyway', () =>
  withSim(async (sim) => {
    sim.faults.restoreOutcomes.push({ outcome: 'stuck', namePrefix: 'restore-test-', count: 1 });
    const r = await cliOn(sim, ['dr', 'restore-test', '--format', 'json', '--timeout', '1s']);
    expect(r.code).toBe(1);
    const c = checksOf(reportOf(r));
    expect(Object.values(c).find((x) => x.id.startsWith('dr.restore-test.restore/'))!.evidence).toEqual(['still InProgress after 1.0s']);
    expect(c['dr.restore-test.cleanup'].status).toBe('passed');
    expect(sim.store.list(VELERO_RESTORES, 'velero')).toEqual([]);
    expect(temporary(sim)).toEqual([]);
  }),
);

test.concurrent('restore-test interrupted (SIGTERM) → the temporary namespaces and the Restore are deleted', () =>
  withSim(async (sim) => {
    sim.faults.controllerSlowdown = 3;
    const child = spawnCli(['dr', 'restore-test', '--kubeconfig', sim.kubeconfig, '--format', 'json']);
    const off = sim.store.subscribe((e) => {
      if (e.type === NAMESPACES && e.kind === 'ADDED' && e.object.metadata.name.startsWith('restore-test-')) {
        off();
        child.process.kill('SIGTERM');
      }
    });
    const r = await child.done;
    expect(r.code).toBe(2);
    expect(stderrLines(r)).toEqual([
      'cdk8s-resilience dr restore-test: SIGTERM received: stopping and removing the temporary namespaces and the Restore',
    ]);
    const c = checksOf(reportOf(r));
    expect(c['dr.restore-test.interrupted'].evidence).toEqual(['interrupted by SIGTERM: the test stopped and removed what it had created']);
    expect(c['dr.restore-test.cleanup'].status).toBe('passed');
    expect(temporary(sim)).toEqual([]);
    expect(sim.store.list(VELERO_RESTORES, 'velero')).toEqual([]);
  }),
);

describe('bad input: one line, exit 2, nothing changed', () => {
  const ready = startSim({ seed: true });
  afterAll(async () => (await ready).stop());

  test.each([
    [['--backup-name', 'nope'], '--backup-name: backup "nope" not found in namespace velero; list them with cdk8s-resilience backup list'],
    [['--rto-target', '0'], '--rto-target "0" must be more than zero; use e.g. 600, 300 or 10m'],
    [['--rto-target', 'abc'], '--rto-target "abc" is not a number of seconds or a duration; use e.g. 600, 300 or 10m'],
    [['--dry-run', '--namespaces', 'payments'], '--namespaces: backup BACKUP does not hold payments (it holds: shop)'],
  ])('dr restore-test %j', async (args, message) => {
    const sim = await ready;
    const r = await cliOn(sim, ['dr', 'restore-test', ...args]);
    expect(stderrLines(r)).toEqual([`cdk8s-resilience dr restore-test: ${message.replace('BACKUP', newestShop(sim))}`]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(writes(sim)).toEqual([]);
  });

  test('a Failed backup cannot be restored', async () => {
    const sim = await ready;
    const failed = sim.store.list(VELERO_BACKUPS, 'velero').find((b) => (b.status as { phase: string }).phase === 'Failed')!.metadata.name;
    const r = await cliOn(sim, ['dr', 'restore-test', '--backup-name', failed]);
    expect(stderrLines(r)).toEqual([
      `cdk8s-resilience dr restore-test: --backup-name: backup "${failed}" is in phase Failed; only a Completed (or PartiallyFailed) backup can be restored`,
    ]);
    expect(r.code).toBe(2);
  });
});
