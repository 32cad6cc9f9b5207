/**
 * `cdk8s-resilience backup ...` against the simulated cluster, through the real
 * @kubernetes/client-node adapter (the CLI runs as a separate process), with the exact
 * report contents and exit codes, including each injected fault.
 */
import { VELERO_BACKUPS, VELERO_DELETE_REQUESTS } from '../../src/runtime/cluster/resources';
import { Report } from '../../src/runtime/report/model';
import { SimulatedCluster } from '../../src/runtime/sim/cluster';
import * as fs from 'fs';
import * as path from 'path';
import { cliOn, requireBuild, ROOT, Run, startSim, stderrLines } from '../support/sim';

// Every JSON report the CLI prints must follow the documented schema.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Ajv = require('ajv') as typeof import('ajv').default;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const addFormats = require('ajv-formats') as typeof import('ajv-formats').default;
const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });
addFormats(ajv);
const validateReport = ajv.compile(JSON.parse(fs.readFileSync(path.join(ROOT, 'docs', 'report.schema.json'), 'utf8')) as object);

function json(r: Run): Report {
  expect(r.stderr).toBe('');
  const report = JSON.parse(r.stdout) as Report;
  expect(validateReport(report) ? [] : validateReport.errors).toEqual([]);
  return report;
}

function checks(report: Report): Record<string, { status: string; evidence: readonly string[]; fix?: string }> {
  return Object.fromEntries(
    report.sections.flatMap((s) => s.checks).map((c) => [c.id, { status: c.status, evidence: c.evidence, ...(c.fix ? { fix: c.fix } : {}) }]),
  );
}

function names(sim: SimulatedCluster, schedule?: string): string[] {
  return sim.store
    .list(VELERO_BACKUPS, 'velero')
    .filter((b) => schedule === undefined || b.metadata.labels?.['velero.io/schedule-name'] === schedule)
    .map((b) => b.metadata.name)
    .sort();
}

beforeAll(requireBuild);

describe('against the seeded scenario (fresh, stale, partially failed)', () => {
  // Concurrent tests start before beforeAll hooks run: they all await the one simulation.
  const ready = startSim({ seed: true });
  afterAll(async () => (await ready).stop());

  test.concurrent('backup list: every backup with phase, age, expiry, items, errors/warnings and schedule', async () => {
    const sim = await ready;
    const r = await cliOn(sim, ['backup', 'list', '--format', 'json']);
    expect(r.code).toBe(0);
    const report = json(r);
    expect(report.simulated).toBe(true);
    const table = report.sections[0].tables![0];
    expect(table.columns).toEqual(['name', 'phase', 'age', 'expires', 'items', 'errors/warnings', 'schedule']);
    expect(table.rows.length).toBe(12);
    const byName = Object.fromEntries(table.rows.map((row) => [row[0], row.slice(1)]));
    const [pf] = names(sim, 'twice-daily-analytics').slice(-1);
    expect(byName[pf]).toEqual(['PartiallyFailed', '1h', 'in 29d', '5/8', '3/1', 'twice-daily-analytics']);
    const [failed] = names(sim, 'hourly-payments').slice(-1);
    expect(byName[failed]).toEqual(['Failed', '1h', 'in 6d23h', '-', '0/0', 'hourly-payments']);
    expect(byName['manual-predeploy']).toEqual(['Completed', '5d', 'in 25d', '9/9', '0/1', '-']);
    // Newest first.
    expect(table.rows[table.rows.length - 1][1]).toBe('Completed');
    expect(table.rows[table.rows.length - 1][2]).toBe('40d');
  });

  test.concurrent('backup list -n shop: only backups that include shop', async () => {
    const sim = await ready;
    const r = await cliOn(sim, ['backup', 'list', '-n', 'shop', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(
      json(r)
        .sections[0].tables![0].rows.map((row) => row[0])
        .sort(),
    ).toEqual([...names(sim, 'daily-shop'), 'manual-predeploy'].sort());
  });

  test.concurrent('backup validate: Completed passes; Failed, PartiallyFailed and a missing namespace fail with the reason; exit 1', async () => {
    const sim = await ready;
    const r = await cliOn(sim, ['backup', 'validate', '--format', 'json']);
    expect(r.code).toBe(1);
    const c = checks(json(r));
    const shop = names(sim, 'daily-shop').slice(-1)[0];
    const pf = names(sim, 'twice-daily-analytics').slice(-1)[0];
    const failed = names(sim, 'hourly-payments').slice(-1)[0];
    expect(Object.keys(c).sort()).toEqual(
      [
        'backup.storage-location/default',
        `backup.validate/${shop}`,
        `backup.validate/${pf}`,
        `backup.validate/${failed}`,
        'backup.validate/manual-predeploy',
      ].sort(),
    );
    expect(c['backup.storage-location/default'].status).toBe('passed');
    expect(c[`backup.validate/${shop}`]).toEqual({
      status: 'passed',
      evidence: [
        'phase Completed, 0 errors, 0 warnings',
        '9 of 9 items backed up',
        'expires in 59d',
        'storage location default is Available',
        'contains namespace shop (9 objects in its resource list)',
      ],
    });
    expect(c[`backup.validate/${pf}`].status).toBe('failed');
    expect(c[`backup.validate/${pf}`].evidence[0]).toBe(
      'phase PartiallyFailed: 3 errors, 1 warning; 5 of 8 items backed up, so 3 are missing from it',
    );
    expect(c[`backup.validate/${pf}`].fix).toContain(`velero backup describe ${pf} --details`);
    expect(c[`backup.validate/${failed}`].evidence[0]).toBe(
      'phase Failed: error uploading backup tarball: rpc error: code = Unknown desc = AccessDenied: the bucket policy denies PutObject (simulated)',
    );
    expect(c[`backup.validate/${failed}`].evidence).toContain('no items backed up (0 of 0)');
    expect(c['backup.validate/manual-predeploy'].status).toBe('failed');
    expect(c['backup.validate/manual-predeploy'].evidence[0]).toBe('claims namespace legacy but contains nothing from it (contents: shop)');
  });

  test.concurrent('backup validate NAME: only that backup; an unknown name is exit 2', async () => {
    const sim = await ready;
    const shop = names(sim, 'daily-shop')[0];
    const [one, unknown] = await Promise.all([
      cliOn(sim, ['backup', 'validate', shop, '--format', 'json']),
      cliOn(sim, ['backup', 'validate', 'nope']),
    ]);
    expect(one.code).toBe(0);
    expect(Object.keys(checks(json(one)))).toEqual(['backup.storage-location/default', `backup.validate/${shop}`]);
    expect(unknown.code).toBe(2);
    expect(stderrLines(unknown)).toEqual([
      'cdk8s-resilience backup validate: backup nope not found in namespace velero; list them with cdk8s-resilience backup list',
    ]);
  });

  test.concurrent('backup freshness: fresh schedules pass, the stale one fails against its interval and --max-age', async () => {
    const sim = await ready;
    const r = await cliOn(sim, ['backup', 'freshness', '--format', 'json']);
    expect(r.code).toBe(1);
    const c = checks(json(r));
    expect(c['backup.freshness/daily-shop'].status).toBe('passed');
    expect(c['backup.freshness/twice-daily-analytics'].status).toBe('passed');
    expect(c['backup.freshness/hourly-payments'].status).toBe('failed');
    expect(c['backup.freshness/hourly-payments'].evidence).toEqual([
      `last Completed backup ${names(sim, 'hourly-payments')[1]} finished 29h ago`,
      'schedule "0 * * * *" runs every 1h at most; allowed age 1h6m (with 6m grace): exceeded',
      '--max-age 1d: exceeded',
      `2 newer backups did not complete: ${names(sim, 'hourly-payments')[3]} Failed, ${names(sim, 'hourly-payments')[2]} Failed`,
    ]);
    expect(c['backup.freshness/twice-daily-analytics'].evidence[3]).toBe(
      `1 newer backup did not complete: ${names(sim, 'twice-daily-analytics')[1]} PartiallyFailed`,
    );
  });

  test.concurrent('backup freshness --max-age 1h fails every schedule; --max-age 1x is a usage error', async () => {
    const sim = await ready;
    const [tight, bad] = await Promise.all([
      cliOn(sim, ['backup', 'freshness', '--max-age', '1h', '--format', 'json']),
      cliOn(sim, ['backup', 'freshness', '--max-age', '1x']),
    ]);
    expect(tight.code).toBe(1);
    expect(Object.values(checks(json(tight))).map((c) => c.status)).toEqual(['failed', 'failed', 'failed']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(stderrLines(bad)).toEqual([
      'cdk8s-resilience backup freshness: --max-age "1x" is not a duration; use a number with a unit: 90s, 30m, 24h, 30d, 1h30m',
    ]);
  });

  test.concurrent('backup cleanup --dry-run lists what it would delete and keeps the newest Completed of each schedule and namespace', async () => {
    const sim = await ready;
    const r = await cliOn(sim, ['backup', 'cleanup', '--older-than', '1d', '--dry-run', '--format', 'json']);
    expect(r.code).toBe(0);
    const t = json(r).sections[0].tables![0];
    const actions = Object.fromEntries(t.rows.map((row) => [row[0], `${row[4]}: ${row[5]}`]));
    const shop = names(sim, 'daily-shop');
    const pay = names(sim, 'hourly-payments');
    const analytics = names(sim, 'twice-daily-analytics');
    expect(actions).toEqual({
      [shop[0]]: expect.stringMatching(/^would delete: taken 40d ago/),
      [shop[1]]: expect.stringMatching(/^would delete: taken 35d ago/),
      [shop[2]]: expect.stringMatching(/^would delete: taken 2d2h ago/),
      [shop[3]]: expect.stringMatching(/^would delete: taken 26h ago/),
      [pay[0]]: expect.stringMatching(/^would delete: taken 31h ago/),
      [pay[1]]: 'keep: newest Completed backup of schedule hourly-payments',
      'manual-predeploy': 'keep: newest Completed backup of namespace legacy',
    });
    expect(analytics.length).toBe(2);
    expect(names(sim).length).toBe(12);
  });

  test.concurrent('backup cleanup without --yes deletes nothing and says so (exit 2)', async () => {
    const sim = await ready;
    const before = sim.snapshot([VELERO_BACKUPS, VELERO_DELETE_REQUESTS]);
    const r = await cliOn(sim, ['backup', 'cleanup', '--older-than', '30d']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(stderrLines(r)).toEqual([
      `cdk8s-resilience backup cleanup: would delete 2 backups (${names(sim, 'daily-shop')[1]}, ${names(sim, 'daily-shop')[0]}); pass --yes to delete them or --dry-run to see the plan; nothing was deleted`,
    ]);
    expect(sim.snapshot([VELERO_BACKUPS, VELERO_DELETE_REQUESTS])).toBe(before);
  });

  test.concurrent('backup report: every section in one report; JSON, Markdown and JUnit say it is simulated', async () => {
    const sim = await ready;
    const [j, md, junit, text] = await Promise.all(['json', 'markdown', 'junit', 'text'].map((f) => cliOn(sim, ['backup', 'report', '--format', f])));
    for (const r of [j, md, junit, text]) expect(r.code).toBe(1);
    const report = json(j);
    expect(report.schema).toBe('cdk8s-resilience.report/v1');
    expect(report.sections.map((s) => s.title)).toEqual(['Backups', 'Backup integrity', 'Backup freshness', 'Cleanup plan']);
    expect(report.verdict).toBe('failed');
    expect(
      report.sections
        .flatMap((s) => s.checks)
        .filter((c) => c.status === 'failed')
        .map((c) => c.id)
        .sort(),
    ).toEqual(
      [
        `backup.validate/${names(sim, 'hourly-payments')[3]}`,
        `backup.validate/${names(sim, 'twice-daily-analytics')[1]}`,
        'backup.validate/manual-predeploy',
        'backup.freshness/hourly-payments',
      ].sort(),
    );
    expect(md.stdout).toContain('> **SIMULATION: this report comes from the simulated cluster');
    expect(md.stdout).toContain('| check | status | evidence | fix |');
    expect(junit.stdout).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="backup report" tests="8" failures="4" errors="0" skipped="0"/,
    );
    expect(junit.stdout).toContain('<property name="simulated" value="true"/>');
    expect(junit.stdout).toContain('<testcase classname="Backup freshness" name="backup.freshness/hourly-payments"');
    expect(text.stdout.split('\n')[0]).toBe(
      '*** SIMULATION: this report comes from the simulated cluster (cdk8s-resilience sim), not from a real cluster. ***',
    );
    expect(text.stdout).toMatch(/verdict: FAILED \(8 checks: 4 passed, 4 failed, 0 undecided, 0 skipped\) \[simulated\]\n$/);
  });

  test.concurrent('--output writes the report to a file and nothing to stdout', async () => {
    const sim = await ready;
    const file = `${sim.kubeconfig}.report.json`;
    const r = await cliOn(sim, ['backup', 'freshness', '--format', 'json', '--output', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect((JSON.parse(fs.readFileSync(file, 'utf8')) as Report).command).toBe('backup freshness');
  });
});

describe('mutating commands, each on its own simulation', () => {
  test.concurrent('backup cleanup --yes deletes through DeleteBackupRequests, never the newest Completed backup', async () => {
    const sim = await startSim({ seed: true });
    try {
      const shop = names(sim, 'daily-shop');
      const r = await cliOn(sim, ['backup', 'cleanup', '--older-than', '30d', '--yes', '--format', 'json']);
      expect(r.code).toBe(0);
      const c = checks(json(r));
      expect(Object.keys(c).sort()).toEqual([`backup.cleanup/${shop[0]}`, `backup.cleanup/${shop[1]}`].sort());
      expect(Object.values(c).map((x) => x.status)).toEqual(['passed', 'passed']);
      expect(names(sim, 'daily-shop')).toEqual(shop.slice(2));
      const dbrs = sim.store.list(VELERO_DELETE_REQUESTS, 'velero');
      expect(dbrs.map((d) => [(d.spec as { backupName: string }).backupName, (d.status as { phase: string }).phase]).sort()).toEqual(
        [
          [shop[0], 'Processed'],
          [shop[1], 'Processed'],
        ].sort(),
      );
      expect(sim.storage.archives.has(shop[0])).toBe(false);
    } finally {
      await sim.stop();
    }
  });

  test.concurrent('backup cleanup --yes with the storage location unavailable: the DeleteBackupRequest reports errors, exit 1', async () => {
    const sim = await startSim({ seed: true });
    try {
      sim.faults.unavailableStorage.add('default');
      sim.velero.revalidateLocations();
      const shop = names(sim, 'daily-shop');
      const r = await cliOn(sim, ['backup', 'cleanup', '--older-than', '36d', '--yes', '--format', 'json']);
      expect(r.code).toBe(1);
      const c = checks(json(r))[`backup.cleanup/${shop[0]}`];
      expect(c.status).toBe('failed');
      expect(c.evidence[0]).toMatch(
        /Processed with errors: error deleting backup files: backup can't be created because BackupStorageLocation default is in Unavailable status\./,
      );
      expect(names(sim, 'daily-shop')).toEqual(shop);
    } finally {
      await sim.stop();
    }
  });

  test.concurrent('the object store unreachable from the CLI: the namespace check is undecided, exit 2', async () => {
    const sim = await startSim({ seed: true });
    try {
      sim.faults.objectStoreUnreachable = true;
      const shop = names(sim, 'daily-shop').slice(-1)[0];
      const r = await cliOn(sim, ['backup', 'validate', shop, '--format', 'json']);
      expect(r.code).toBe(2);
      expect(checks(json(r))[`backup.validate/${shop}`]).toEqual({
        status: 'undecided',
        evidence: [
          'phase Completed, 0 errors, 0 warnings',
          '9 of 9 items backed up',
          'expires in 59d',
          'storage location default is Available',
          'its resource list could not be read (the DownloadRequest was not processed, or its signed URL could not be fetched from here)',
        ],
        fix: 'check that the Velero server is running and can sign URLs for the bucket',
      });
    } finally {
      await sim.stop();
    }
  });

  test.concurrent('backup create --wait follows a backup to Completed; the objects of the namespace are in it', async () => {
    const sim = await startSim({ seed: true });
    try {
      const r = await cliOn(sim, [
        'backup',
        'create',
        'before-upgrade',
        '--include-namespaces',
        'payments',
        '--ttl',
        '48h',
        '--wait',
        '--format',
        'json',
      ]);
      expect(r.code).toBe(0);
      const c = checks(json(r))['backup.create/before-upgrade'];
      expect(c.status).toBe('passed');
      expect(c.evidence[0]).toMatch(/^phase Completed: (\d+) of \1 items, 0 errors, 0 warnings$/);
      const b = sim.store.get(VELERO_BACKUPS, 'velero', 'before-upgrade')!;
      expect(b.spec).toEqual({ includedNamespaces: ['payments'], ttl: '48h0m0s' });
      const st = b.status as Record<string, unknown>;
      expect(st.phase).toBe('Completed');
      expect(Date.parse(String(st.expiration)) - Date.parse(String(st.startTimestamp))).toBe(48 * 3600 * 1000);
      expect(sim.storage.resourceList('before-upgrade')!['apps/v1/Deployment']).toEqual(['payments/payments-api']);
    } finally {
      await sim.stop();
    }
  });

  test.concurrent('backup create without --wait: created, exit 0, and Velero then runs it', async () => {
    const sim = await startSim({ seed: true });
    try {
      const r = await cliOn(sim, ['backup', 'create', '-n', 'analytics', '--format', 'json']);
      expect(r.code).toBe(0);
      const [[id, c]] = Object.entries(checks(json(r)));
      expect(id).toMatch(/^backup\.create\/backup-\d{14}$/);
      expect(c).toEqual({
        status: 'passed',
        evidence: ['created in namespace velero (namespaces: analytics)', 'follow it with: cdk8s-resilience backup list, or create with --wait'],
      });
      const name = id.slice('backup.create/'.length);
      await sim.settle(() => (sim.store.get(VELERO_BACKUPS, 'velero', name)?.status as { phase?: string } | undefined)?.phase === 'Completed');
    } finally {
      await sim.stop();
    }
  });

  test.concurrent('backup create --from-schedule uses the template and the schedule label', async () => {
    const sim = await startSim({ seed: true });
    try {
      const r = await cliOn(sim, ['backup', 'create', '--from-schedule', 'daily-shop', '--wait', '--format', 'json']);
      expect(r.code).toBe(0);
      const made = sim.store
        .list(VELERO_BACKUPS, 'velero', 'velero.io/schedule-name=daily-shop')
        .filter((b) => !(b.status as { startTimestamp?: string }).startTimestamp?.startsWith('20') || true);
      const newest = made.sort((a, b) => String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)))[0];
      expect(newest.metadata.name).toMatch(/^daily-shop-\d{14}$/);
      expect(newest.spec).toEqual({ includedNamespaces: ['shop'], ttl: '1440h0m0s', storageLocation: 'default' });
      const [missing] = await Promise.all([cliOn(sim, ['backup', 'create', '--from-schedule', 'nope'])]);
      expect(missing.code).toBe(2);
      expect(stderrLines(missing)).toEqual([
        'cdk8s-resilience backup create: schedule "nope" not found in namespace velero; list them with kubectl get schedules.velero.io -n velero',
      ]);
    } finally {
      await sim.stop();
    }
  });

  test.concurrent.each([
    [
      'backup-failed',
      (s: SimulatedCluster) => s.faults.backupOutcomes.push({ outcome: 'Failed', count: 1 }),
      1,
      'phase Failed: simulated: error uploading the backup tarball to object storage: the bucket returned 503',
    ],
    [
      'backup-partially-failed',
      (s: SimulatedCluster) => s.faults.backupOutcomes.push({ outcome: 'PartiallyFailed', errors: 2, count: 1 }),
      1,
      /^phase PartiallyFailed: 2 errors, 0 warnings; (\d+) of \d+ items backed up, so 2 are missing from it$/,
    ],
    [
      'storage-unavailable',
      (s: SimulatedCluster) => {
        s.faults.unavailableStorage.add('default');
        s.velero.revalidateLocations();
      },
      1,
      "phase FailedValidation: backup can't be created because BackupStorageLocation default is in Unavailable status.",
    ],
  ] as const)('fault %s: backup create --wait ends in the right phase, exit 1', async (_name, inject, code, first) => {
    const sim = await startSim({ seed: true });
    try {
      inject(sim);
      const r = await cliOn(sim, ['backup', 'create', 'b1', '-n', 'shop', '--wait', '--format', 'json']);
      expect(r.code).toBe(code);
      const c = checks(json(r))['backup.create/b1'];
      expect(c.status).toBe('failed');
      if (typeof first === 'string') expect(c.evidence[0]).toBe(first);
      else expect(c.evidence[0]).toMatch(first);
    } finally {
      await sim.stop();
    }
  });

  test.concurrent('fault slow-controllers: --timeout passes first; the command cannot decide (exit 2) and reports what it last saw', async () => {
    const sim = await startSim({ seed: true });
    try {
      sim.faults.controllerSlowdown = 200;
      const r = await cliOn(sim, ['backup', 'create', 'slow', '-n', 'shop', '--wait', '--timeout', '2s', '--format', 'json']);
      expect(r.code).toBe(2);
      const c = checks(json(r))['backup.create/slow'];
      expect(c.status).toBe('undecided');
      expect(c.evidence[0]).toMatch(/^no final phase within 2s; last seen: phase (New|Queued|ReadyToStart)$/);
    } finally {
      await sim.stop();
    }
  });

  test.concurrent('a watch dropped mid-wait is reopened and the wait ends Completed', async () => {
    const sim = await startSim({ seed: true, timing: { phaseMs: 150, podReadyMs: 30 } });
    try {
      sim.faults.dropWatches = 2;
      sim.faults.dropAfterMs = 60;
      const r = await cliOn(sim, ['backup', 'create', 'dropped', '-n', 'shop', '--wait', '--format', 'json']);
      expect(r.code).toBe(0);
      const c = checks(json(r))['backup.create/dropped'];
      expect(c.status).toBe('passed');
      expect(c.evidence[2]).toBe('2 watch reconnects, 0 relists');
      expect(sim.faults.dropWatches).toBe(0);
    } finally {
      await sim.stop();
    }
  });

  test.concurrent('a 410 Gone on the watch makes the wait relist, and it ends Completed', async () => {
    const sim = await startSim({ seed: true, timing: { phaseMs: 150, podReadyMs: 30 } });
    try {
      sim.faults.goneWatches = 1;
      const r = await cliOn(sim, ['backup', 'create', 'gone', '-n', 'shop', '--wait', '--format', 'json']);
      expect(r.code).toBe(0);
      const c = checks(json(r))['backup.create/gone'];
      expect(c.status).toBe('passed');
      expect(c.evidence[2]).toBe('0 watch reconnects, 1 relist');
      expect(sim.server.requests.filter((q) => q.includes('fieldSelector=metadata.name%3Dgone') && !q.includes('watch=')).length).toBe(2);
    } finally {
      await sim.stop();
    }
  });

  test.concurrent('a 503 and a 429 burst shorter than the retries: reads are retried and succeed', async () => {
    const sim = await startSim({ seed: true });
    try {
      sim.faults.apiErrors.push(
        { status: 503, count: 2, method: 'GET', pathIncludes: '/backups' },
        { status: 429, count: 2, method: 'GET', pathIncludes: '/schedules' },
      );
      const r = await cliOn(sim, ['backup', 'freshness', '--format', 'json']);
      expect(r.code).toBe(1);
      expect(Object.keys(checks(json(r)))).toEqual([
        'backup.freshness/daily-shop',
        'backup.freshness/hourly-payments',
        'backup.freshness/twice-daily-analytics',
      ]);
      expect(sim.faults.apiErrors.map((f) => f.count)).toEqual([0, 0]);
    } finally {
      await sim.stop();
    }
  });

  test.concurrent('a 503 burst longer than the retries: one line, exit 2; a 429 burst likewise', async () => {
    const sim = await startSim({ seed: true });
    try {
      sim.faults.apiErrors.push({ status: 503, count: 50, method: 'GET', pathIncludes: '/backups' });
      const r = await cliOn(sim, ['backup', 'list']);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(stderrLines(r)).toEqual([
        `cdk8s-resilience backup list: the API server at ${sim.url} failed (503): simulated: an error on the server ("service unavailable") has prevented the request from succeeding`,
      ]);
      sim.faults.apiErrors.length = 0;
      sim.faults.apiErrors.push({ status: 429, count: 50, method: 'GET', pathIncludes: '/backups' });
      const t = await cliOn(sim, ['backup', 'list']);
      expect(t.code).toBe(2);
      expect(stderrLines(t)).toEqual([
        `cdk8s-resilience backup list: the API server at ${sim.url} is throttling requests (429 Too Many Requests); try again later`,
      ]);
    } finally {
      await sim.stop();
    }
  });
});
