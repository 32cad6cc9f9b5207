/**
 * `dr drill --target-context`: a region failover drill over two simulated clusters that
 * share one object store. The backup is taken in the first, reaches the second through
 * Velero's backup sync, and the restore, the recovery and the integrity check run there.
 */
import * as fs from 'fs';
import * as path from 'path';
import { NAMESPACES, VELERO_BACKUPS, VELERO_RESTORES } from '../../src/runtime/cluster/resources';
import { SIM_DR_CONTEXT } from '../../src/runtime/sim/cluster';
import { SimulatedPair, startSimulatedPair } from '../../src/runtime/sim/scenarios';
import { appState, checksOf, notesOf, reportOf, tmpDir, writes } from '../support/dr';
import { cliOn, FAST, requireBuild } from '../support/sim';

beforeAll(requireBuild);

async function withPair(f: (pair: SimulatedPair, journal: string) => Promise<void>): Promise<void> {
  const pair = await startSimulatedPair({ timing: FAST, seed: true });
  const dir = tmpDir();
  try {
    await f(pair, path.join(dir, 'journal.json'));
  } finally {
    await pair.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test.concurrent('the namespaces are restored into the second cluster, which sees the backup through the shared bucket', () =>
  withPair(async ({ primary, secondary }, journal) => {
    const before = { alpha: appState(primary, 'team-alpha'), beta: appState(primary, 'team-beta') };
    const r = await cliOn(primary, [
      'dr',
      'drill',
      '--namespaces',
      'team-alpha,team-beta',
      '--yes',
      '--journal',
      journal,
      '--target-context',
      SIM_DR_CONTEXT,
      '--format',
      'json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = reportOf(r);
    const c = checksOf(report);
    const j = JSON.parse(fs.readFileSync(journal, 'utf8')) as {
      backupName: string;
      restoreName: string;
      targetContext: string;
      targetServer: string;
    };
    expect(j.targetContext).toBe(SIM_DR_CONTEXT);
    expect(j.targetServer).toBe(secondary.url);
    expect(c['dr.drill.target'].evidence).toEqual([
      `context ${SIM_DR_CONTEXT}: storage location default shares aws:velero-backups/simulated and is Available`,
      `none of team-alpha and team-beta exists in context ${SIM_DR_CONTEXT} yet`,
    ]);
    expect(c[`dr.drill.backup-sync/${j.backupName}`].status).toBe('passed');
    expect(c['dr.drill.integrity'].evidence).toEqual(['all 14 objects are back, with the same fields']);
    expect(c['dr.drill.rto'].status).toBe('passed');
    expect(notesOf(report)).toContain(
      `failover drill: backup in context cdk8s-resilience-sim, restore into context ${SIM_DR_CONTEXT}; the namespaces now live in ${SIM_DR_CONTEXT}`,
    );
    // The workloads now run in the second cluster, as they ran in the first.
    expect({ alpha: appState(secondary, 'team-alpha'), beta: appState(secondary, 'team-beta') }).toEqual(before);
    expect(primary.store.get(NAMESPACES, undefined, 'team-alpha')).toBeUndefined();
    // The restore went to the second cluster only.
    expect(writes(primary, '/restores')).toEqual([]);
    expect(writes(secondary, '/restores').length).toBeGreaterThan(0);
    expect(secondary.store.get(VELERO_RESTORES, 'velero', j.restoreName)).toBeUndefined();
    expect(primary.store.get(VELERO_BACKUPS, 'velero', j.backupName)).toBeUndefined();
  }),
);

test.concurrent('a target that already has the namespaces is refused in the preflight, before any change', () =>
  withPair(async ({ primary, secondary }, journal) => {
    secondary.apply(NAMESPACES, { metadata: { name: 'team-beta' } });
    const r = await cliOn(primary, [
      'dr',
      'drill',
      '--namespaces',
      'team-alpha,team-beta',
      '--yes',
      '--journal',
      journal,
      '--target-context',
      SIM_DR_CONTEXT,
      '--format',
      'json',
    ]);
    expect(r.code).toBe(1);
    const report = reportOf(r);
    expect(report.sections.map((s) => s.title)).toEqual(['Preflight']);
    expect(checksOf(report)['dr.drill.target']).toMatchObject({
      status: 'failed',
      evidence: [
        `namespace team-beta already exists in context ${SIM_DR_CONTEXT}; a restore would skip what is there`,
        `context ${SIM_DR_CONTEXT}: storage location default shares aws:velero-backups/simulated and is Available`,
      ],
    });
    expect(writes(primary)).toEqual([]);
    expect(writes(secondary)).toEqual([]);
    expect((JSON.parse(fs.readFileSync(journal, 'utf8')) as { state: string }).state).toBe('stopped');
  }),
);

test.concurrent('--target-context naming the source cluster is a usage error', () =>
  withPair(async ({ primary }, journal) => {
    const r = await cliOn(primary, [
      'dr',
      'drill',
      '--namespaces',
      'team-alpha',
      '--yes',
      '--journal',
      journal,
      '--target-context',
      'cdk8s-resilience-sim',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'cdk8s-resilience dr drill: --target-context cdk8s-resilience-sim is the cluster the drill backs up; name another context of the kubeconfig\n',
    );
    expect(writes(primary)).toEqual([]);
  }),
);
