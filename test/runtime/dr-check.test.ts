/**
 * `cdk8s-resilience dr check` against the simulated cluster through the real client-node
 * adapter: every readiness check with its evidence; the RPO per namespace from the
 * cluster's Schedules and from a synthesized dist/ (the same figures as the
 * VeleroBackupPlan that wrote it); the RTO from the history a drill keeps; bad input.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Testing, YamlOutputType } from 'cdk8s';
import { chapterBackupPlan } from '../../examples/platform/backup';
import { buildPlatform } from '../../examples/platform';
import { CONFIGMAPS, VELERO_BACKUPS, VELERO_SCHEDULES } from '../../src/runtime/cluster/resources';
import { SimulatedCluster } from '../../src/runtime/sim/cluster';
import { Obj } from '../../src/runtime/sim/store';
import { checksOf, reportOf, tmpDir, writes } from '../support/dr';
import { cliOn, requireBuild, startSim, stderrLines } from '../support/sim';

beforeAll(requireBuild);

async function withSim(f: (sim: SimulatedCluster) => Promise<void>): Promise<void> {
  const sim = await startSim({ seed: true });
  try {
    await f(sim);
  } finally {
    await sim.stop();
  }
}

function newest(sim: SimulatedCluster, schedule: string): string {
  return sim.store
    .list(VELERO_BACKUPS, 'velero', `velero.io/schedule-name=${schedule}`)
    .map((b) => b.metadata.name)
    .sort()
    .pop()!;
}

test.concurrent('the seeded scenario: each check with its evidence; reads only', () =>
  withSim(async (sim) => {
    const r = await cliOn(sim, ['dr', 'check', '--format', 'json']);
    expect(r.code).toBe(1);
    const report = reportOf(r);
    expect(report.sections.map((s) => [s.title, typeof s.durationSeconds])).toEqual([
      ['Backups', 'number'],
      ['Storage', 'number'],
      ['RPO', 'number'],
      ['Coverage', 'number'],
      ['RTO', 'number'],
    ]);
    const c = checksOf(report);
    const failed = newest(sim, 'hourly-payments');
    const pf = newest(sim, 'twice-daily-analytics');
    expect(Object.keys(c).sort()).toEqual(
      [
        'backup.storage-location/default',
        'dr.newest-backup',
        `dr.partially-failed/${pf}`,
        'dr.rpo/analytics',
        'dr.rpo/payments',
        'dr.rpo/shop',
        'dr.rto',
      ].sort(),
    );
    expect(c['dr.newest-backup']).toMatchObject({
      status: 'failed',
      evidence: [`${failed}: phase Failed, taken 1h ago (schedule hourly-payments)`, '--max-age 1d: within'],
    });
    expect(c[`dr.partially-failed/${pf}`]).toMatchObject({
      status: 'failed',
      evidence: [
        'phase PartiallyFailed, 3 errors, taken 1h ago (schedule twice-daily-analytics)',
        'no newer Completed backup of the same schedule, and not acknowledged',
      ],
    });
    expect(c['dr.rpo/shop']).toMatchObject({
      status: 'failed',
      evidence: ['worst-case gap between two backups: 1d (schedules daily-shop)', 'RPO target 1h: exceeded'],
      measurements: [{ name: 'worst-case gap', value: 86400, unit: 'seconds', target: 3600 }],
    });
    expect(c['dr.rpo/payments']).toMatchObject({
      status: 'passed',
      evidence: ['worst-case gap between two backups: 1h (schedules hourly-payments)', 'RPO target 1h: met'],
    });
    expect(c['dr.rpo/analytics'].measurements![0].value).toBe(43200);
    expect(c['dr.rto']).toMatchObject({ status: 'passed', measurements: [{ name: 'rto', value: 84.2, unit: 'seconds', target: 1800 }] });
    expect(c['dr.rto'].evidence[0]).toMatch(
      /^dr restore-test 6d ago \(.*\) on shop from daily-shop-\d{14}: recovered in 84\.2s \(seeded by the demo scenario\)$/,
    );
    expect(writes(sim)).toEqual([]);
  }),
);

test.concurrent('--require: coverage and freshness per namespace; an acknowledged PartiallyFailed backup and a paused schedule', () =>
  withSim(async (sim) => {
    const pf = newest(sim, 'twice-daily-analytics');
    const b = sim.store.get(VELERO_BACKUPS, 'velero', pf)!;
    sim.store.update(VELERO_BACKUPS, {
      ...b,
      metadata: { ...b.metadata, annotations: { 'dr.resilience.cdk8s.io/acknowledged': 'two PVCs of a retired job; ticket OPS-12' } },
    } as Obj);
    const s = sim.store.get(VELERO_SCHEDULES, 'velero', 'hourly-payments')!;
    sim.store.update(VELERO_SCHEDULES, { ...s, spec: { ...(s.spec ?? {}), paused: true } } as Obj);
    sim.store.create(VELERO_BACKUPS, {
      metadata: { name: 'running-now', namespace: 'velero' },
      spec: { includedNamespaces: ['shop'] },
      status: { phase: 'InProgress', startTimestamp: new Date(sim.clock.now()).toISOString() },
    });
    const r = await cliOn(sim, ['dr', 'check', '--format', 'json', '--require', 'shop,team-alpha', '--require', 'payments', '--rpo-target', '24h']);
    expect(r.code).toBe(1);
    const c = checksOf(reportOf(r));
    // A backup still running is not judged: the newest one that ended is.
    expect(c['dr.newest-backup'].evidence).toEqual([
      `${newest(sim, 'hourly-payments')}: phase Failed, taken 1h ago (schedule hourly-payments)`,
      '--max-age 1d: within',
      'still running, not judged: running-now (InProgress)',
    ]);
    expect(c[`dr.partially-failed/${pf}`]).toMatchObject({
      status: 'passed',
      evidence: [expect.any(String), 'acknowledged: two PVCs of a retired job; ticket OPS-12'],
    });
    expect(c['dr.coverage/shop']).toMatchObject({ status: 'passed', evidence: ['backed up as a whole by daily-shop'] });
    expect(c['dr.coverage/team-alpha']).toMatchObject({ status: 'failed', evidence: ['no running schedule backs it up as a whole'] });
    expect(c['dr.coverage/payments']).toMatchObject({
      status: 'failed',
      evidence: ['no running schedule backs it up as a whole (hourly-payments: paused)'],
    });
    expect(c['dr.rpo/team-alpha']).toMatchObject({ status: 'failed', evidence: ['no running schedule backs it up as a whole'] });
    expect(c['dr.rpo/shop'].status).toBe('passed');
    expect(c['dr.newest-backup/shop']).toMatchObject({
      status: 'passed',
      evidence: [expect.stringMatching(/^newest Completed backup covering it: daily-shop-\d{14}, taken 2h ago$/)],
    });
    expect(c['dr.newest-backup/payments']).toMatchObject({
      status: 'failed',
      evidence: [expect.stringMatching(/^newest Completed backup covering it: hourly-payments-\d{14}, taken 30h ago$/)],
    });
    expect(c['dr.newest-backup/team-alpha']).toMatchObject({ status: 'failed', evidence: ['no Completed backup covers it'] });
  }),
);

test.concurrent('--plan dist/: the RPO per namespace is the one VeleroBackupPlan computed when it synthesized the YAML', () =>
  withSim(async (sim) => {
    const dist = tmpDir();
    const app = new App({ outdir: dist, outputFileExtension: '.yaml', yamlOutputType: YamlOutputType.FILE_PER_CHART });
    buildPlatform(app);
    app.synth();
    const plan = chapterBackupPlan(new Chart(Testing.app(), 'velero-schedule')).rpoReport;
    // The plan's own file: the same namespaces, gaps and verdicts as the construct's rpoReport.
    const file = path.join(dist, 'velero-schedule.yaml');
    const r = await cliOn(sim, ['dr', 'check', '--format', 'json', '--plan', file, '--rpo-target', '24h', '--namespace-rpo', 'production=1h']);
    const report = reportOf(r);
    const c = checksOf(report);
    const rpo = Object.values(c).filter((x) => x.id.startsWith('dr.rpo/'));
    expect(rpo.map((x) => x.id.slice('dr.rpo/'.length)).sort()).toEqual(plan.namespaces.map((n) => n.namespace).sort());
    for (const n of plan.namespaces) {
      expect([n.namespace, c[`dr.rpo/${n.namespace}`].measurements![0].value, c[`dr.rpo/${n.namespace}`].status]).toEqual([
        n.namespace,
        n.worstCaseGapSeconds,
        n.met ? 'passed' : 'failed',
      ]);
    }
    expect(c['dr.rpo/production'].evidence).toEqual([
      'worst-case gap between two backups: 1h (schedules daily-backup, hourly-backup)',
      'RPO target 1h: met',
    ]);
    const rpoSection = report.sections.find((s) => s.title === 'RPO')!;
    expect(rpoSection.notes![0]).toBe(`schedules from --plan ${file} (2 Schedules), not from the cluster`);
    const hourly = rpoSection.tables![0].rows.find((x) => x[0] === 'hourly-backup')!;
    expect(hourly.slice(0, 6)).toEqual(['hourly-backup', '0 * * * *', 'production', '1h', '3d', 'running']);
    expect(String(hourly[6])).toMatch(/velero-schedule\.yaml:\d+$/);
    // The whole dist/: the self-service schedules count too (team-alpha is in the silver tier every 6 hours).
    const whole = reportOf(await cliOn(sim, ['dr', 'check', '--format', 'json', '--plan', dist, '--rpo-target', '12h']));
    const all = checksOf(whole);
    expect(whole.sections.find((s) => s.title === 'RPO')!.notes![0]).toBe(`schedules from --plan ${dist} (6 Schedules), not from the cluster`);
    expect(all['dr.rpo/team-alpha']).toMatchObject({
      status: 'passed',
      evidence: ['worst-case gap between two backups: 6h (schedules daily-backup, self-service-silver-namespaces)', 'RPO target 12h: met'],
    });
    // A stricter default RPO: every other namespace (daily, 24h apart) now fails, as the plan's own check would.
    expect(all['dr.rpo/*']).toMatchObject({
      status: 'failed',
      evidence: ['worst-case gap between two backups: 1d (schedules daily-backup)', 'RPO target 12h: exceeded'],
    });
    fs.rmSync(dist, { recursive: true, force: true });
  }),
);

test.concurrent('the RTO check reads the history a drill keeps: the newest measurement, its age, and the target', () =>
  withSim(async (sim) => {
    const dir = tmpDir();
    const drill = await cliOn(sim, ['dr', 'drill', '--namespaces', 'team-alpha', '--yes', '--journal', path.join(dir, 'j.json'), '--format', 'json']);
    expect(drill.code).toBe(0);
    const rto = checksOf(reportOf(drill))['dr.drill.rto'].measurements![0].value;
    const r = await cliOn(sim, ['dr', 'check', '--format', 'json']);
    const c = checksOf(reportOf(r));
    expect(c['dr.rto']).toMatchObject({ status: 'passed', measurements: [{ name: 'rto', value: rto, unit: 'seconds', target: 1800 }] });
    expect(c['dr.rto'].evidence[0]).toMatch(
      new RegExp(`^dr drill \\d+s ago \\(.*\\) on team-alpha from dr-drill-backup-\\d{14}: recovered in ${String(rto).replace('.', '\\.')}s$`),
    );
    const table = reportOf(r).sections.find((s) => s.title === 'RTO')!.tables![0];
    expect(table.rows.map((x) => x[1])).toEqual(['dr drill', 'dr restore-test']);
    // Tighter than measured: failed; an old measurement: failed.
    const tight = checksOf(reportOf(await cliOn(sim, ['dr', 'check', '--format', 'json', '--rto-target', '0.001'])));
    expect(tight['dr.rto']).toMatchObject({
      status: 'failed',
      evidence: [expect.any(String), 'RTO target 0.001s: exceeded', expect.stringMatching(/: within$/)],
    });
    sim.store.delete(CONFIGMAPS, 'velero', 'cdk8s-resilience-dr-history');
    const none = await cliOn(sim, ['dr', 'check', '--format', 'json']);
    expect(checksOf(reportOf(none))['dr.rto']).toMatchObject({
      status: 'undecided',
      evidence: ['no drill or restore test in the history (ConfigMap cdk8s-resilience-dr-history)'],
    });
    fs.rmSync(dir, { recursive: true, force: true });
  }),
);

test.concurrent('a stale measurement and an unavailable storage location fail', () =>
  withSim(async (sim) => {
    sim.faults.unavailableStorage.add('default');
    sim.velero.revalidateLocations();
    const r = await cliOn(sim, ['dr', 'check', '--format', 'json', '--max-measurement-age', '3d']);
    const c = checksOf(reportOf(r));
    expect(c['dr.rto']).toMatchObject({ status: 'failed', fix: 'run a drill or a restore test at least monthly: cdk8s-resilience dr restore-test' });
    expect(c['dr.rto'].evidence[2]).toBe('measurement age 6d, at most 3d: too old');
    expect(c['backup.storage-location/default'].status).toBe('failed');
  }),
);

describe('bad input: one line, exit 2', () => {
  const ready = startSim({ seed: true });
  afterAll(async () => (await ready).stop());
  test.each([
    [['--plan', '/nonexistent/dist'], '--plan /nonexistent/dist does not exist; pass the directory cdk8s synth wrote (dist/) or a YAML file'],
    [['--namespace-rpo', 'production'], '--namespace-rpo "production" must be NAMESPACE=DURATION, e.g. production=15m'],
    [
      ['--namespace-rpo', 'production=soon'],
      '--namespace-rpo production "soon" is not a duration; use a number with a unit: 90s, 30m, 24h, 30d, 1h30m',
    ],
    [['--rto-target', 'abc'], '--rto-target "abc" is not a number of seconds or a duration; use e.g. 600, 300 or 10m'],
    [['--max-age', '1x'], '--max-age "1x" is not a duration; use a number with a unit: 90s, 30m, 24h, 30d, 1h30m'],
  ])('dr check %j', async (args, message) => {
    const sim = await ready;
    const r = await cliOn(sim, ['dr', 'check', ...args]);
    expect(stderrLines(r)).toEqual([`cdk8s-resilience dr check: ${message}`]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });

  test('a --plan file that is not YAML names file:line', async () => {
    const sim = await ready;
    const dir = tmpDir();
    const f = path.join(dir, 'broken.yaml');
    fs.writeFileSync(f, 'apiVersion: velero.io/v1\nkind: Schedule\nmetadata:\n  name: [unclosed\n');
    const r = await cliOn(sim, ['dr', 'check', '--plan', f]);
    expect(r.code).toBe(2);
    expect(stderrLines(r)).toEqual([
      expect.stringMatching(new RegExp(`^cdk8s-resilience dr check: ${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: not valid YAML: `)),
    ]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
