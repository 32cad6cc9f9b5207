/**
 * `cdk8s-resilience dr drill` against the simulated cluster through the real client-node
 * adapter: a drill that passes, then the fault matrix, one test per row, each asserting the
 * outcome and that nothing is lost (the namespaces are back as they were, or stay untouched,
 * or the backup that holds them is kept), then bad input. The interrupt rows run the CLI as
 * a separate process and signal or kill it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { NAMESPACES, VELERO_BACKUPS, VELERO_RESTORES } from '../../src/runtime/cluster/resources';
import { SimulatedCluster } from '../../src/runtime/sim/cluster';
import { StoreEvent } from '../../src/runtime/sim/store';
import { appState, checksOf, notesOf, reportOf, spawnCli, tmpDir, whenJournal, writes } from '../support/dr';
import { api, cliOn, requireBuild, startSim, stderrLines } from '../support/sim';

beforeAll(requireBuild);

const TEAMS = ['team-alpha', 'team-beta'];

function drill(sim: SimulatedCluster, journal: string, extra: readonly string[] = []): ReturnType<typeof cliOn> {
  return cliOn(sim, [
    'dr',
    'drill',
    '--namespaces',
    TEAMS.join(','),
    '--yes',
    '--journal',
    journal,
    '--format',
    'json',
    '--timeout',
    '20s',
    ...extra,
  ]);
}

function teams(sim: SimulatedCluster): Record<string, unknown> {
  return Object.fromEntries(TEAMS.map((n) => [n, appState(sim, n)]));
}

/** Runs `f` on the first store event that matches (a fault injected at the right moment). */
function onEvent(sim: SimulatedCluster, match: (e: StoreEvent) => boolean, f: () => void): void {
  const off = sim.store.subscribe((e) => {
    if (match(e)) {
      off();
      f();
    }
  });
}

const restoreAdded = (e: StoreEvent): boolean => e.type === VELERO_RESTORES && e.kind === 'ADDED';

async function withSim(f: (sim: SimulatedCluster, journal: string) => Promise<void>, timing?: { phaseMs: number }): Promise<void> {
  const sim = await startSim({
    seed: true,
    ...(timing ? { timing: { phaseMs: timing.phaseMs, podReadyMs: 30, namespaceDeleteMs: 20, backupSyncMs: 40 } } : {}),
  });
  const dir = tmpDir();
  try {
    await f(sim, path.join(dir, 'journal.json'));
  } finally {
    await sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('a drill that passes', () => {
  test.concurrent(
    'backup, disaster, restore, recovery and integrity pass; the RTO is measured from watch events; artifacts removed; history kept',
    () =>
      withSim(async (sim, journal) => {
        const before = teams(sim);
        const r = await drill(sim, journal);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        const report = reportOf(r);
        expect(report.command).toBe('dr drill');
        expect(report.verdict).toBe('passed');
        expect(report.sections.map((s) => s.title)).toEqual([
          'Preflight',
          'Inventory',
          'Backup',
          'Disaster',
          'Restore',
          'Recovery',
          'Integrity',
          'RTO',
          'Cleanup',
          'Timings',
        ]);
        for (const t of ['Inventory', 'Backup', 'Disaster', 'Restore', 'Recovery', 'Integrity'])
          expect(report.sections.find((s) => s.title === t)!.durationSeconds).toBeGreaterThanOrEqual(0);
        const c = checksOf(report);
        const j = JSON.parse(fs.readFileSync(journal, 'utf8')) as {
          state: string;
          backupName: string;
          restoreName: string;
          disasterStartedAt: number;
        };
        expect(j.state).toBe('finished');
        expect(c[`dr.drill.backup/${j.backupName}`].evidence).toEqual([
          expect.stringMatching(/^phase Completed: \d+ of \d+ items, 0 errors, 0 warnings$/),
          'its resource list holds team-alpha and team-beta and all 14 inventoried objects',
        ]);
        expect(c['dr.drill.disaster'].evidence).toEqual([
          `deletion requested at ${new Date(j.disasterStartedAt).toISOString()} (the start of the RTO)`,
          'namespace team-alpha is gone',
          'namespace team-beta is gone',
        ]);
        expect(c['dr.drill.recovery'].evidence[0]).toBe('5 workloads Ready again');
        expect(c['dr.drill.integrity'].evidence).toEqual(['all 14 objects are back, with the same fields']);
        const rto = c['dr.drill.rto'].measurements![0];
        expect(rto).toMatchObject({ name: 'rto', unit: 'seconds', target: 600 });
        expect(rto.value).toBeGreaterThan(0);
        expect(rto.value).toBeLessThan(10);
        expect(c['dr.drill.rto'].evidence[0]).toMatch(/seen by a watch event$/);
        const ready = report.sections.find((s) => s.title === 'Recovery')!.tables![0];
        expect(ready.rows.map((row) => `${row[0]}/${row[1]}/${row[2]}`).sort()).toEqual(
          [
            'team-alpha/Deployment/orders',
            'team-alpha/Service/orders',
            'team-beta/Deployment/catalog',
            'team-beta/Deployment/catalog-worker',
            'team-beta/Service/catalog',
          ].sort(),
        );
        expect(Math.max(...ready.rows.map((row) => Number(row[3])))).toBe(rto.value);
        // Nothing lost: the namespaces hold what they held, and the drill's objects are gone.
        expect(teams(sim)).toEqual(before);
        expect(sim.store.get(VELERO_BACKUPS, 'velero', j.backupName)).toBeUndefined();
        expect(sim.store.get(VELERO_RESTORES, 'velero', j.restoreName)).toBeUndefined();
        const history = sim.store.get(
          { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap' },
          'velero',
          'cdk8s-resilience-dr-history',
        )!;
        const records = Object.values(history.data as Record<string, string>).map((t) => JSON.parse(t) as { command: string; rtoSeconds?: number });
        expect(records.find((x) => x.command === 'dr drill')!.rtoSeconds).toBe(rto.value);
      }),
  );

  test.concurrent('--keep-artifacts keeps the Backup and the Restore; markdown and junit render the same checks', () =>
    withSim(async (sim, journal) => {
      const r = await cliOn(sim, [
        'dr',
        'drill',
        '--namespaces',
        'team-alpha',
        '--yes',
        '--journal',
        journal,
        '--keep-artifacts',
        '--format',
        'junit',
        '--no-history',
      ]);
      expect(r.code).toBe(0);
      const j = JSON.parse(fs.readFileSync(journal, 'utf8')) as { backupName: string; restoreName: string };
      expect(sim.store.get(VELERO_BACKUPS, 'velero', j.backupName)).toBeDefined();
      expect(sim.store.get(VELERO_RESTORES, 'velero', j.restoreName)).toBeDefined();
      expect(r.stdout).toContain('<testcase classname="RTO" name="dr.drill.rto"');
      expect(r.stdout).toContain('failures="0" errors="0"');
      // --no-history: only the record the scenario seeded.
      const history = sim.store.get({ group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap' }, 'velero', 'cdk8s-resilience-dr-history')!;
      expect(Object.keys(history.data as object).map((k) => k.split('-')[0])).toEqual(['restore']);
    }),
  );
});

describe('fault matrix', () => {
  test.concurrent('backup fails → the drill stops before deleting anything', () =>
    withSim(async (sim, journal) => {
      const before = teams(sim);
      sim.faults.backupOutcomes.push({ outcome: 'Failed', namePrefix: 'dr-drill-backup', count: 1 });
      const r = await drill(sim, journal);
      expect(r.code).toBe(1);
      const report = reportOf(r);
      const j = JSON.parse(fs.readFileSync(journal, 'utf8')) as { state: string; backupName: string };
      const c = checksOf(report);
      expect(c[`dr.drill.backup/${j.backupName}`]).toMatchObject({
        status: 'failed',
        evidence: ['phase Failed: simulated: error uploading the backup tarball to object storage: the bucket returned 503'],
      });
      expect(Object.keys(c)).not.toContain('dr.drill.disaster');
      expect(notesOf(report)).toContain('not started: the backup is not verified, so no namespace was deleted');
      expect(j.state).toBe('stopped');
      expect(writes(sim, '/api/v1/namespaces/team-')).toEqual([]);
      expect(teams(sim)).toEqual(before);
    }),
  );

  test.concurrent('backup partially failed → stops', () =>
    withSim(async (sim, journal) => {
      const before = teams(sim);
      sim.faults.backupOutcomes.push({ outcome: 'PartiallyFailed', errors: 2, namePrefix: 'dr-drill-backup', count: 1 });
      const r = await drill(sim, journal);
      expect(r.code).toBe(1);
      const j = JSON.parse(fs.readFileSync(journal, 'utf8')) as { backupName: string };
      expect(checksOf(reportOf(r))[`dr.drill.backup/${j.backupName}`].evidence[0]).toMatch(
        /^phase PartiallyFailed: 2 errors, 0 warnings; 18 of 20 items backed up, so 2 are missing from it$/,
      );
      expect(writes(sim, '/api/v1/namespaces/team-')).toEqual([]);
      expect(teams(sim)).toEqual(before);
    }),
  );

  test.concurrent('a namespace missing from the backup (it completed without it) → stops', () =>
    withSim(async (sim, journal) => {
      const before = teams(sim);
      sim.faults.backupOmissions.push({ namespace: 'team-beta', count: 1 });
      const r = await drill(sim, journal);
      expect(r.code).toBe(1);
      const j = JSON.parse(fs.readFileSync(journal, 'utf8')) as { backupName: string };
      const check = checksOf(reportOf(r))[`dr.drill.backup/${j.backupName}`];
      expect(check.status).toBe('failed');
      expect(check.evidence).toEqual([
        expect.stringMatching(/^phase Completed: 20 of 20 items, 0 errors, 0 warnings$/),
        'its resource list has nothing from namespace team-beta',
      ]);
      expect(writes(sim, '/api/v1/namespaces/team-')).toEqual([]);
      expect(teams(sim)).toEqual(before);
    }),
  );

  test.concurrent(
    'restore stuck → timeout; the report lists what is missing; the Restore stays in progress; --resume finishes once Velero goes on',
    () =>
      withSim(async (sim, journal) => {
        const before = teams(sim);
        sim.faults.restoreOutcomes.push({ outcome: 'stuck', namePrefix: 'dr-drill-restore', count: 1 });
        const r = await drill(sim, journal, ['--timeout', '1s']);
        expect(r.code).toBe(1);
        const report = reportOf(r);
        const c = checksOf(report);
        const j = JSON.parse(fs.readFileSync(journal, 'utf8')) as { state: string; restoreName: string };
        expect(c[`dr.drill.restore/${j.restoreName}`].evidence.slice(0, 2)).toEqual([
          expect.stringMatching(/^still InProgress after 1\.0s \(0 of \d+ items restored\)$/),
          'the Restore is left in place so Velero can finish it; namespaces team-alpha and team-beta wait for it',
        ]);
        expect(c['dr.drill.integrity'].evidence).toEqual(
          expect.arrayContaining([
            '14 objects missing, 0 objects different (of 14), with the restore still in progress',
            'team-alpha: Deployment orders is missing',
            'team-beta: ConfigMap catalog-config is missing',
            'team-beta: Secret catalog-credentials is missing',
          ]),
        );
        expect(c['dr.drill.rto'].evidence[0]).toBe('not recovered: 5 workloads not Ready, so no recovery time was measured');
        // Not left deleted without a restore in progress: the Restore is there, InProgress, and the journal open.
        expect((sim.store.get(VELERO_RESTORES, 'velero', j.restoreName)!.status as { phase: string }).phase).toBe('InProgress');
        expect(j.state).toBe('restoring');
        expect(notesOf(report)).toContain(
          `nothing cleaned up: restore ${j.restoreName} is InProgress; the journal ${journal} stays open (state restoring) for dr drill --resume`,
        );
        // Velero goes on (as after a restart); the resume follows the same Restore to the end.
        sim.velero.releaseStuckRestores();
        const resumed = await cliOn(sim, ['dr', 'drill', '--resume', '--journal', journal, '--format', 'json']);
        expect(resumed.code).toBe(0);
        const rc = checksOf(reportOf(resumed));
        expect(rc['dr.drill.resume'].evidence[1]).toMatch(/^the namespaces had been deleted \(at .*\): rolling forward to the restore$/);
        expect(rc['dr.drill.integrity'].status).toBe('passed');
        expect(rc['dr.drill.rto'].measurements![0].value).toBeGreaterThan(1);
        expect(teams(sim)).toEqual(before);
      }),
  );

  test.concurrent(
    'restore partially failed → the drill fails with the list; the backup is kept, and restoring from it again brings the rest back',
    () =>
      withSim(async (sim, journal) => {
        const before = teams(sim);
        sim.faults.restoreOutcomes.push({ outcome: 'PartiallyFailed', namePrefix: 'dr-drill-restore', count: 1 });
        const r = await drill(sim, journal);
        expect(r.code).toBe(1);
        const c = checksOf(reportOf(r));
        const j = JSON.parse(fs.readFileSync(journal, 'utf8')) as { state: string; restoreName: string; backupName: string };
        expect(c[`dr.drill.restore/${j.restoreName}`].evidence.slice(0, 3)).toEqual([
          expect.stringMatching(/^phase PartiallyFailed, 11 of 13 items restored, 2 errors, 0 warnings$/),
          'error: team-beta: error restoring deployments.apps team-beta/catalog: simulated: admission webhook "policy.example.com" denied the request',
          'error: team-beta: error restoring deployments.apps team-beta/catalog-worker: simulated: admission webhook "policy.example.com" denied the request',
        ]);
        expect(c['dr.drill.integrity'].evidence).toEqual([
          '4 objects missing, 0 objects different (of 14)',
          'team-beta: Deployment catalog is missing',
          'team-beta: Pods deployment/catalog is missing',
          'team-beta: Deployment catalog-worker is missing',
          'team-beta: Pods deployment/catalog-worker is missing',
        ]);
        expect(c['dr.drill.recovery'].evidence).toEqual([
          '3 of 5 not Ready (incomplete)',
          'team-beta: Deployment catalog: not restored (the Deployment does not exist)',
          'team-beta: Deployment catalog-worker: not restored (the Deployment does not exist)',
          'team-beta: Service catalog: no endpoints can come: its Deployment catalog was not restored',
          '0 watch reconnects, 0 relists',
        ]);
        expect(c['dr.drill.rto'].status).toBe('failed');
        expect(j.state).toBe('finished');
        // Nothing lost: the drill's backup is kept; a second restore from it brings the rest back.
        expect(sim.store.get(VELERO_BACKUPS, 'velero', j.backupName)).toBeDefined();
        await api(sim, 'POST', '/apis/velero.io/v1/namespaces/velero/restores', {
          metadata: { name: 'again' },
          spec: { backupName: j.backupName, includedNamespaces: ['team-beta'] },
        });
        await sim.settle(() => JSON.stringify(teams(sim)) === JSON.stringify(before));
        expect(teams(sim)).toEqual(before);
      }),
  );

  test.concurrent('restore fails as a whole → exit 1, the journal stays open; --resume makes a new restore and brings everything back', () =>
    withSim(async (sim, journal) => {
      const before = teams(sim);
      sim.faults.restoreOutcomes.push({ outcome: 'Failed', namePrefix: 'dr-drill-restore', count: 1 });
      const r = await drill(sim, journal);
      expect(r.code).toBe(1);
      const report = reportOf(r);
      const j = JSON.parse(fs.readFileSync(journal, 'utf8')) as { state: string; restoreName: string; backupName: string };
      expect(checksOf(report)[`dr.drill.restore/${j.restoreName}`].evidence[0]).toBe(
        'phase Failed: simulated: error downloading the backup contents from object storage, 0 of 13 items restored, 0 errors, 0 warnings',
      );
      expect(j.state).toBe('deleted');
      expect(notesOf(report)).toContain(
        `restore ${j.restoreName} ended Failed: namespaces team-alpha and team-beta are still deleted; once the cause is fixed, cdk8s-resilience dr drill --resume --journal ${journal} makes a new restore from ${j.backupName}`,
      );
      expect(sim.store.get(VELERO_BACKUPS, 'velero', j.backupName)).toBeDefined();
      const resumed = await cliOn(sim, ['dr', 'drill', '--resume', '--journal', journal, '--format', 'json']);
      expect(resumed.code).toBe(0);
      const rr = reportOf(resumed);
      expect(notesOf(rr)).toContain(`restore ${j.restoreName} had ended Failed; a new restore ${j.restoreName}-r2 was made`);
      expect(checksOf(rr)[`dr.drill.restore/${j.restoreName}-r2`].status).toBe('passed');
      expect(teams(sim)).toEqual(before);
    }),
  );

  test.concurrent('API 5xx burst during the wait → retried; the drill passes', () =>
    withSim(async (sim, journal) => {
      const before = teams(sim);
      // Bursts on the restore's wait and on the deployments (recovery watches reopening, the inventory after).
      onEvent(sim, restoreAdded, () =>
        sim.faults.apiErrors.push(
          { status: 503, count: 3, method: 'GET', pathIncludes: '/restores' },
          { status: 503, count: 3, method: 'GET', pathIncludes: '/deployments' },
        ),
      );
      const r = await drill(sim, journal);
      expect(r.code).toBe(0);
      expect(sim.faults.apiErrors.map((f) => f.count)).toEqual([0, 0]);
      const c = checksOf(reportOf(r));
      expect(c['dr.drill.recovery'].evidence[0]).toBe('5 workloads Ready again');
      expect(c['dr.drill.rto'].status).toBe('passed');
      expect(teams(sim)).toEqual(before);
    }),
  );

  test.concurrent('watch dropped (and 410 Gone) during the restore → the RTO is still measured', () =>
    withSim(async (sim, journal) => {
      const before = teams(sim);
      // When the second namespace is gone: every stream opened from then on is cut after 15ms, two get 410.
      onEvent(
        sim,
        (e) => e.type === NAMESPACES && e.kind === 'DELETED' && e.object.metadata.name === 'team-beta',
        () => {
          sim.faults.dropAfterMs = 15;
          sim.faults.dropWatches = 8;
          sim.faults.goneWatches = 2;
        },
      );
      const r = await drill(sim, journal);
      expect(r.code).toBe(0);
      const c = checksOf(reportOf(r));
      const reconnects = [c['dr.drill.recovery'], ...Object.values(c).filter((x) => x.id.startsWith('dr.drill.restore/'))].map((x) =>
        x.evidence.find((e) => /watch reconnect/.test(e))!,
      );
      const total = reconnects.reduce((a, e) => a + Number(/^(\d+) watch/.exec(e)![1]) + Number(/(\d+) relist/.exec(e)![1]), 0);
      expect(total).toBeGreaterThan(0);
      expect(sim.faults.dropWatches).toBeLessThan(8);
      expect(c['dr.drill.rto']).toMatchObject({ status: 'passed', measurements: [{ name: 'rto', unit: 'seconds', target: 600 }] });
      expect(c['dr.drill.rto'].measurements![0].value).toBeGreaterThan(0);
      expect(teams(sim)).toEqual(before);
    }),
  );

  test.concurrent('SIGINT after the deletion → the restore runs to completion, and the report says so', () =>
    withSim(
      async (sim, journal) => {
        const before = teams(sim);
        const child = spawnCli([
          'dr',
          'drill',
          '--namespaces',
          TEAMS.join(','),
          '--yes',
          '--journal',
          journal,
          '--kubeconfig',
          sim.kubeconfig,
          '--format',
          'json',
        ]);
        const gone = new Set<string>();
        const off = sim.store.subscribe((e) => {
          if (e.type === NAMESPACES && e.kind === 'DELETED' && TEAMS.includes(e.object.metadata.name)) gone.add(e.object.metadata.name);
          if (gone.size === TEAMS.length) {
            off();
            child.process.kill('SIGINT');
          }
        });
        const r = await child.done;
        expect(r.code).toBe(0);
        expect(stderrLines(r)).toEqual([
          'cdk8s-resilience dr drill: SIGINT received: before the deletion the drill stops; after it, the drill rolls forward to the restore and finishes (a killed drill leaves its journal for --resume)',
        ]);
        const report = reportOf(r);
        expect(report.verdict).toBe('passed');
        expect(notesOf(report).find((n) => n.startsWith('interrupted by SIGINT'))).toMatch(
          /^interrupted by SIGINT at .* in state (deleting|deleted|restoring): the drill rolled forward to the restore$/,
        );
        expect(teams(sim)).toEqual(before);
      },
      { phaseMs: 60 },
    ),
  );

  test.concurrent('SIGINT before the deletion → the drill stops with nothing deleted (exit 2)', () =>
    withSim(
      async (sim, journal) => {
        const before = teams(sim);
        const child = spawnCli([
          'dr',
          'drill',
          '--namespaces',
          TEAMS.join(','),
          '--yes',
          '--journal',
          journal,
          '--kubeconfig',
          sim.kubeconfig,
          '--format',
          'json',
        ]);
        onEvent(
          sim,
          (e) => e.type === VELERO_BACKUPS && e.kind === 'ADDED' && e.object.metadata.name.startsWith('dr-drill-backup-'),
          () => child.process.kill('SIGINT'),
        );
        const r = await child.done;
        expect(r.code).toBe(2);
        const report = reportOf(r);
        const c = checksOf(report);
        expect(c['dr.drill.interrupted']).toMatchObject({
          status: 'undecided',
          evidence: ['interrupted by SIGINT before any deletion: nothing was deleted'],
        });
        expect(Object.keys(c)).not.toContain('dr.drill.disaster');
        expect((JSON.parse(fs.readFileSync(journal, 'utf8')) as { state: string }).state).toBe('stopped');
        expect(writes(sim, '/api/v1/namespaces/team-')).toEqual([]);
        expect(teams(sim)).toEqual(before);
      },
      { phaseMs: 60 },
    ),
  );

  test.concurrent('killed process (kill -9 after the deletion) → --resume finishes the drill', () =>
    withSim(
      async (sim, journal) => {
        const before = teams(sim);
        const child = spawnCli([
          'dr',
          'drill',
          '--namespaces',
          TEAMS.join(','),
          '--yes',
          '--journal',
          journal,
          '--kubeconfig',
          sim.kubeconfig,
          '--format',
          'json',
        ]);
        const j = await whenJournal(journal, (x) => x.state === 'deleted' || x.state === 'restoring');
        child.process.kill('SIGKILL');
        const killed = await child.done;
        expect(killed.signal).toBe('SIGKILL');
        expect(killed.stdout).toBe('');
        expect(TEAMS.every((n) => !sim.store.get(NAMESPACES, undefined, n) || sim.store.get(VELERO_RESTORES, 'velero', String(j.restoreName)))).toBe(
          true,
        );
        const r = await cliOn(sim, ['dr', 'drill', '--resume', '--journal', journal, '--format', 'json']);
        expect(r.code).toBe(0);
        const report = reportOf(r);
        expect(report.title).toBe('DR drill of team-alpha and team-beta');
        const c = checksOf(report);
        expect(c['dr.drill.resume'].status).toBe('passed');
        expect(c['dr.drill.integrity'].evidence).toEqual(['all 14 objects are back, with the same fields']);
        // The RTO runs from the deletion the killed process requested.
        expect(c['dr.drill.rto'].evidence[0]).toContain(`from the deletion request at ${new Date(Number(j.disasterStartedAt)).toISOString()}`);
        expect(JSON.parse(fs.readFileSync(journal, 'utf8')) as { state: string; resumes: number[] }).toMatchObject({
          state: 'finished',
          resumes: [expect.any(Number)],
        });
        expect(teams(sim)).toEqual(before);
        // A finished drill cannot be resumed again.
        const again = await cliOn(sim, ['dr', 'drill', '--resume', '--journal', journal]);
        expect(again.code).toBe(2);
        expect(stderrLines(again)[0]).toMatch(
          /^cdk8s-resilience dr drill: the drill dr-drill-\d+ in .* has ended \(state finished\); nothing to resume; start a new drill without --resume$/,
        );
      },
      { phaseMs: 60 },
    ),
  );

  test.concurrent('protected namespace requested → refused before any change', () =>
    withSim(async (sim, journal) => {
      const r = await cliOn(sim, ['dr', 'drill', '--namespaces', 'team-alpha,kube-system', '--yes', '--journal', journal]);
      expect(r.code).toBe(2);
      expect(stderrLines(r)).toEqual([
        'cdk8s-resilience dr drill: --namespaces: kube-system is protected (kube-system, kube-public, kube-node-lease, default, velero, monitoring, chaos-mesh); a drill never deletes it; nothing was changed',
      ]);
      const p = await cliOn(sim, ['dr', 'drill', '--namespaces', 'team-alpha', '--protect', 'team-alpha', '--yes', '--journal', journal]);
      expect(stderrLines(p)).toEqual([
        'cdk8s-resilience dr drill: --namespaces: team-alpha is protected (kube-system, kube-public, kube-node-lease, default, velero, monitoring, chaos-mesh, team-alpha); a drill never deletes it; nothing was changed',
      ]);
      expect(r.stdout + p.stdout).toBe('');
      expect(writes(sim)).toEqual([]);
      expect(fs.existsSync(journal)).toBe(false);
    }),
  );
});

describe('bad input: one line, exit 2, nothing changed', () => {
  const ready = startSim({ seed: true });
  afterAll(async () => (await ready).stop());
  const dir = tmpDir();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test.each([
    [
      ['--namespaces', 'team-alpha'],
      'the drill deletes namespace team-alpha and restores it from a new backup; pass --yes to run it; nothing was changed',
    ],
    [['--yes'], '--namespaces is required: the namespaces the drill backs up, deletes and restores (e.g. --namespaces team-alpha,team-beta)'],
    [['--namespaces', 'team-alpha', '--yes', '--rto-target', '0'], '--rto-target "0" must be more than zero; use e.g. 600, 300 or 10m'],
    [
      ['--namespaces', 'team-alpha', '--yes', '--rto-target', 'abc'],
      '--rto-target "abc" is not a number of seconds or a duration; use e.g. 600, 300 or 10m',
    ],
    [
      ['--namespaces', 'team-gamma', '--yes'],
      '--namespaces: namespace team-gamma does not exist in context cdk8s-resilience-sim; nothing was changed',
    ],
    [
      ['--namespaces', 'Team_Alpha', '--yes'],
      '--namespaces: "Team_Alpha" is not a namespace name (lowercase letters, digits and \'-\', starting and ending with a letter or digit)',
    ],
    [['--resume'], 'no drill journal at JOURNAL; nothing to resume (pass --journal with the file the drill wrote)'],
  ])('dr drill %j', async (args, message) => {
    const sim = await ready;
    const journal = path.join(dir, `${args.join('_')}.json`);
    const r = await cliOn(sim, ['dr', 'drill', ...args, '--journal', journal]);
    expect(stderrLines(r)).toEqual([`cdk8s-resilience dr drill: ${message.replace('JOURNAL', journal)}`]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(writes(sim)).toEqual([]);
  });

  test('an unfinished drill in the journal is refused; so is a journal that is not one', async () => {
    const sim = await ready;
    const journal = path.join(dir, 'open.json');
    fs.writeFileSync(
      journal,
      JSON.stringify({ schema: 'cdk8s-resilience.dr-drill-journal/v1', id: 'dr-drill-1', state: 'restoring', namespaces: ['team-alpha'] }),
    );
    const r = await cliOn(sim, ['dr', 'drill', '--namespaces', 'team-alpha', '--yes', '--journal', journal]);
    expect(stderrLines(r)).toEqual([
      `cdk8s-resilience dr drill: ${journal} records an unfinished drill dr-drill-1 (state restoring, namespaces team-alpha); finish it with dr drill --resume, or pass another --journal; nothing was changed`,
    ]);
    const other = path.join(dir, 'other.json');
    fs.writeFileSync(other, '{"hello": 1}');
    const o = await cliOn(sim, ['dr', 'drill', '--namespaces', 'team-alpha', '--yes', '--journal', other]);
    expect(stderrLines(o)).toEqual([
      `cdk8s-resilience dr drill: ${other} is not a drill journal (schema undefined, expected cdk8s-resilience.dr-drill-journal/v1); pass another --journal`,
    ]);
    expect(writes(sim)).toEqual([]);
  });
});
