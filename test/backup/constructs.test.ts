import { App, Chart, Duration, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  BackupHooks,
  BackupSchedule,
  BackupTier,
  HookOnError,
  MinioCredentials,
  MinioStorage,
  MinioStorageProps,
  ScheduleDelivery,
  SelfServiceBackup,
  VeleroBackupPlan,
  VeleroHelmValues,
  VeleroMonitoring,
  VolumeBackupMethod,
  watchedSchedules,
} from '../../src';
import { addBackupCharts } from '../../examples/platform/backup';
import { expectValidManifests } from '../support/schema';

function chart(): Chart {
  return new Chart(Testing.app(), 'test');
}

describe('VeleroBackupPlan', () => {
  test('no props: a daily 02:00 UTC backup of every namespace kept 7 days', () => {
    const c = chart();
    const plan = new VeleroBackupPlan(c, 'backups');
    const objs = Testing.synth(c);
    expectValidManifests(objs);
    expect(objs).toMatchSnapshot();
    expect(objs[0].metadata).toEqual({ name: 'daily-backup', namespace: 'velero', labels: { 'app.kubernetes.io/managed-by': 'cdk8s-resilience' } });
    expect(objs[0].spec.schedule).toBe('0 2 * * *');
    expect(objs[0].spec.template).toMatchObject({
      ttl: '168h0m0s',
      includedNamespaces: ['*'],
      defaultVolumesToFsBackup: true,
      storageLocation: 'default',
    });
    expect(plan.rpoReport.namespaces).toEqual([
      { namespace: '*', schedules: ['daily-backup'], worstCaseGapSeconds: 86400, targetSeconds: undefined, met: undefined },
    ]);
  });

  test('typed options reach the Schedule spec, and the escape hatches work', () => {
    const c = chart();
    const plan = new VeleroBackupPlan(c, 'backups', {
      schedules: [
        {
          name: 'apps',
          schedule: BackupSchedule.cron('30 */4 * * *', { timeZone: 'Europe/Berlin' }),
          retention: Duration.days(2),
          includedNamespaces: ['team-a', 'team-b'],
          excludedResources: ['events'],
          includedResources: ['deployments', 'persistentvolumeclaims'],
          includeClusterResources: false,
          labelSelector: { matchLabels: { tier: 'app' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] },
          volumes: VolumeBackupMethod.snapshotsWithDataMovement(),
          storageLocation: 'secondary',
          volumeSnapshotLocations: ['default'],
          paused: true,
          skipImmediately: true,
          useOwnerReferencesInBackup: true,
          csiSnapshotTimeout: Duration.minutes(20),
          labels: { team: 'a' },
          template: { orderedResources: { pods: 'team-a/web-0' } },
        },
      ],
    });
    plan.schedule('apps').addJsonPatch(JsonPatch.add('/spec/template/uploaderConfig', { parallelFilesUpload: 4 }));
    const objs = Testing.synth(c);
    expectValidManifests(objs);
    expect(objs[0].spec).toEqual({
      schedule: 'CRON_TZ=Europe/Berlin 30 */4 * * *',
      paused: true,
      skipImmediately: true,
      useOwnerReferencesInBackup: true,
      template: {
        includedNamespaces: ['team-a', 'team-b'],
        includedResources: ['deployments', 'persistentvolumeclaims'],
        excludedResources: ['events'],
        includeClusterResources: false,
        labelSelector: { matchLabels: { tier: 'app' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] },
        snapshotVolumes: true,
        snapshotMoveData: true,
        defaultVolumesToFsBackup: false,
        storageLocation: 'secondary',
        volumeSnapshotLocations: ['default'],
        ttl: '48h0m0s',
        csiSnapshotTimeout: '20m',
        metadata: { labels: { team: 'a' } },
        orderedResources: { pods: 'team-a/web-0' },
        uploaderConfig: { parallelFilesUpload: 4 },
      },
    });
    expect(objs[0].metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'cdk8s-resilience', team: 'a' });
  });

  test('addSchedule adds a Schedule and the RPO is checked again at synth', () => {
    const app = Testing.app();
    const c = new Chart(app, 'test');
    const plan = new VeleroBackupPlan(c, 'backups', {
      rpo: Duration.hours(24),
      schedules: [{ name: 'daily-backup', schedule: BackupSchedule.daily(), includedNamespaces: ['team-a'] }],
    });
    plan.addSchedule({
      name: 'weekly',
      schedule: BackupSchedule.weekly({ dayOfWeek: 0 }),
      retention: Duration.days(30),
      includedNamespaces: ['archive'],
    });
    expect(plan.schedules).toHaveLength(2);
    expect(() => app.synth()).toThrow(/\[test\/backups\] rpo: namespace "archive" can go 7d between backups \(weekly\)/);
  });

  const bad: Array<[string, () => void, RegExp]> = [
    [
      'invalid cron',
      () => new VeleroBackupPlan(chart(), 'p', { schedules: [{ name: 'x', schedule: BackupSchedule.cron('0 2 * *') }] }),
      /\[test\/p\] schedules\[0\]\.schedule: "0 2 \* \*": "0 2 \* \*" has 4 fields; Velero expects 5 .* Fix: write five fields/,
    ],
    [
      'out-of-range daily hour',
      () => new VeleroBackupPlan(chart(), 'p', { schedules: [{ name: 'x', schedule: BackupSchedule.daily({ hour: 24 }) }] }),
      /schedules\[0\]\.schedule: "0 24 \* \* \*": hour 24 is not a whole number from 0 to 23/,
    ],
    [
      'retention shorter than the interval',
      () => new VeleroBackupPlan(chart(), 'p', { schedules: [{ name: 'x', schedule: BackupSchedule.daily(), retention: Duration.hours(12) }] }),
      /\[test\/p\] schedules\[0\]\.retention: schedule "x" keeps backups 12h but runs up to 1d apart.* Fix: keep backups at least as long as the time between two runs/,
    ],
    [
      'RPO unmet',
      () =>
        new VeleroBackupPlan(chart(), 'p', {
          namespaceRpo: { production: Duration.hours(1) },
          schedules: [{ name: 'daily', schedule: BackupSchedule.daily(), includedNamespaces: ['production'] }],
        }),
      /\[test\/p\] namespaceRpo\.production: namespace "production" can go 1d between backups \(daily\), more than its RPO of 1h\. Fix: run a schedule covering it more often/,
    ],
    [
      'invalid namespace names',
      () =>
        new VeleroBackupPlan(chart(), 'p', {
          schedules: [{ name: 'x', schedule: BackupSchedule.daily(), includedNamespaces: ['Team_A'], excludedNamespaces: ['-bad'] }],
        }),
      /schedules\[0\]\.includedNamespaces\[0\]: namespace "Team_A" is not a DNS-1123 label[\s\S]*schedules\[0\]\.excludedNamespaces\[0\]: namespace "-bad"/,
    ],
    [
      'duplicate schedule names',
      () =>
        new VeleroBackupPlan(chart(), 'p', {
          schedules: [
            { name: 'x', schedule: BackupSchedule.daily() },
            { name: 'x', schedule: BackupSchedule.hourly() },
          ],
        }),
      /schedules\[1\]\.name: "x" is used by another schedule of the plan/,
    ],
    [
      'both label selector kinds',
      () =>
        new VeleroBackupPlan(chart(), 'p', {
          schedules: [
            {
              name: 'x',
              schedule: BackupSchedule.daily(),
              labelSelector: { matchLabels: { a: 'b' } },
              orLabelSelectors: [{ matchLabels: { c: 'd' } }],
            },
          ],
        }),
      /schedules\[0\]\.orLabelSelectors: labelSelector and orLabelSelectors are both set/,
    ],
  ];
  test.each(bad)('rejects %s with a message naming path, field and fix', (_name, build, message) => {
    expect(build).toThrow(message);
  });

  test('reports every problem at once and emits nothing', () => {
    const c = chart();
    expect(
      () => new VeleroBackupPlan(c, 'p', { namespace: 'Velero', schedules: [{ name: 'Bad Name', schedule: BackupSchedule.cron('nope') }] }),
    ).toThrow(/3 problems[\s\S]*namespace:[\s\S]*schedules\[0\]\.name:[\s\S]*schedules\[0\]\.schedule:/);
    expect(Testing.synth(c)).toEqual([]);
  });

  test('two plans creating one Schedule name clash at synth', () => {
    const app = Testing.app();
    const c = new Chart(app, 'test');
    new VeleroBackupPlan(c, 'a');
    new VeleroBackupPlan(c, 'b');
    expect(() => app.synth()).toThrow(/\[test\/a\] schedules\[0\]\.name: Schedule "velero\/daily-backup" is also created by test\/b/);
  });
});

describe('BackupHooks', () => {
  function deployment(c: Chart): kplus.Deployment {
    return new kplus.Deployment(c, 'db', { metadata: { name: 'db' }, containers: [{ name: 'db', image: 'postgres:16', portNumber: 5432 }] });
  }

  test('annotations are exact: JSON-array commands, durations with units, restore exec/wait timeouts', () => {
    const c = chart();
    const d = deployment(c);
    const hooks = new BackupHooks(c, 'hooks', {
      workload: d,
      preBackup: { container: 'db', command: ['/bin/sh', '-c', 'psql -c "CHECKPOINT"'], onError: HookOnError.fail(), timeout: Duration.minutes(5) },
      postBackup: { container: 'db', command: ['/bin/true'], onError: HookOnError.continue(), timeout: Duration.seconds(300) },
      restoreInit: { image: 'busybox:1.36', command: ['/bin/sh', '-c', 'echo init'], name: 'prepare' },
      restoreExec: {
        container: 'db',
        command: ['/usr/local/bin/check'],
        execTimeout: Duration.minutes(2),
        waitTimeout: Duration.minutes(10),
        waitForReady: true,
        onError: HookOnError.continue(),
      },
    });
    const objs = Testing.synth(c);
    expectValidManifests(objs);
    expect(objs[0].spec.template.metadata.annotations).toEqual({
      'pre.hook.backup.velero.io/container': 'db',
      'pre.hook.backup.velero.io/command': '["/bin/sh","-c","psql -c \\"CHECKPOINT\\""]',
      'pre.hook.backup.velero.io/on-error': 'Fail',
      'pre.hook.backup.velero.io/timeout': '5m',
      'post.hook.backup.velero.io/container': 'db',
      'post.hook.backup.velero.io/command': '["/bin/true"]',
      'post.hook.backup.velero.io/on-error': 'Continue',
      'post.hook.backup.velero.io/timeout': '300s',
      'init.hook.restore.velero.io/container-image': 'busybox:1.36',
      'init.hook.restore.velero.io/container-name': 'prepare',
      'init.hook.restore.velero.io/command': '["/bin/sh","-c","echo init"]',
      'post.hook.restore.velero.io/container': 'db',
      'post.hook.restore.velero.io/command': '["/usr/local/bin/check"]',
      'post.hook.restore.velero.io/on-error': 'Continue',
      'post.hook.restore.velero.io/exec-timeout': '2m',
      'post.hook.restore.velero.io/wait-timeout': '10m',
      'post.hook.restore.velero.io/wait-for-ready': 'true',
    });
    expect(hooks.annotations['pre.hook.backup.velero.io/timeout']).toMatch(/^\d+[hms]/);
  });

  test('an empty hook command is rejected', () => {
    const c = chart();
    expect(() => new BackupHooks(c, 'hooks', { workload: deployment(c), preBackup: { command: [] } })).toThrow(
      /\[test\/hooks\] preBackup\.command: the command is empty\. Fix: give the program and its arguments as a list/,
    );
  });

  test('a whole shell line in one string is rejected (exit 126 trap)', () => {
    const c = chart();
    expect(() => new BackupHooks(c, 'hooks', { workload: deployment(c), postBackup: { command: ['pg_ctl resume -D /data'] } })).toThrow(
      /postBackup\.command: "pg_ctl resume -D \/data" is a whole command line in one string; .*exit 126\. Fix: split it into a list/,
    );
  });

  test('sub-second timeouts are rejected', () => {
    const c = chart();
    expect(() => new BackupHooks(c, 'hooks', { workload: deployment(c), preBackup: { command: ['sync'], timeout: Duration.millis(500) } })).toThrow(
      /preBackup\.timeout: 500ms is not a whole number of seconds/,
    );
  });
});

describe('MinioStorage', () => {
  test('existing Secret: no Secret emitted, everything schema-valid and wired to the Secret', () => {
    const c = chart();
    const m = new MinioStorage(c, 'minio', { credentials: MinioCredentials.fromExistingSecret('velero-s3') });
    const objs = Testing.synth(c);
    expectValidManifests(objs);
    expect(objs).toMatchSnapshot();
    expect(objs.map((o) => o.kind).sort()).toEqual([
      'BackupStorageLocation',
      'Deployment',
      'Job',
      'NetworkPolicy',
      'PersistentVolumeClaim',
      'Service',
      'VolumeSnapshotLocation',
    ]);
    expect(m.credentialsSecret).toBeUndefined();
    const bsl = objs.find((o) => o.kind === 'BackupStorageLocation');
    expect(bsl.metadata).toEqual({ name: 'default', namespace: 'velero', labels: { 'app.kubernetes.io/managed-by': 'cdk8s-resilience' } });
    expect(bsl.spec).toEqual({
      provider: 'aws',
      default: true,
      objectStorage: { bucket: 'velero-backups' },
      credential: { name: 'velero-s3', key: 'cloud' },
      config: { region: 'us-east-1', s3ForcePathStyle: 'true', s3Url: 'http://minio.velero.svc.cluster.local:9000' },
    });
    const vsl = objs.find((o) => o.kind === 'VolumeSnapshotLocation');
    expect(Object.keys(vsl.spec.config)).toEqual(['region']);
    const dep = objs.find((o) => o.kind === 'Deployment');
    const pod = dep.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers[0].securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.containers[0].env.slice(0, 2)).toEqual([
      { name: 'MINIO_ROOT_USER', valueFrom: { secretKeyRef: { name: 'velero-s3', key: 'MINIO_ROOT_USER' } } },
      { name: 'MINIO_ROOT_PASSWORD', valueFrom: { secretKeyRef: { name: 'velero-s3', key: 'MINIO_ROOT_PASSWORD' } } },
    ]);
    expect(JSON.stringify(objs)).not.toMatch(/minioadmin/);
    const job = objs.find((o) => o.kind === 'Job');
    expect(job.spec.template.spec.containers[0].command[2]).toMatch(/mb --ignore-existing "target\/\$BUCKET"/);
    const np = objs.find((o) => o.kind === 'NetworkPolicy');
    expect(np.spec.ingress[0].from.map((f: { podSelector: unknown }) => f.podSelector)).toEqual([
      { matchLabels: { component: 'velero' } },
      { matchLabels: { 'app.kubernetes.io/name': 'velero' } },
      { matchExpressions: [{ key: 'velero.io/repo-name', operator: 'Exists' }] },
      { matchLabels: job.spec.template.metadata.labels },
    ]);
    expect(np.spec.podSelector.matchLabels).toEqual(dep.spec.selector.matchLabels);
    m.deployment.addJsonPatch(JsonPatch.add('/spec/template/spec/priorityClassName', 'backup'));
    expect(Testing.synth(c).find((o) => o.kind === 'Deployment').spec.template.spec.priorityClassName).toBe('backup');
  });

  test("insecure demo credentials: a Secret in the format Velero's AWS plugin reads", () => {
    const c = chart();
    new MinioStorage(c, 'minio', { credentials: MinioCredentials.insecureDemo() });
    const objs = Testing.synth(c);
    expectValidManifests(objs);
    const secret = objs.find((o) => o.kind === 'Secret');
    expect(secret.metadata.name).toBe('cloud-credentials');
    expect(secret.stringData.cloud).toBe('[default]\naws_access_key_id=minioadmin\naws_secret_access_key=minioadmin\n');
  });

  test('no credentials choice is rejected', () => {
    expect(() => new MinioStorage(chart(), 'minio', {} as MinioStorageProps)).toThrow(
      /\[test\/minio\] credentials: no credentials choice was made.*Fix: pass MinioCredentials\.fromExistingSecret\("name"\)/,
    );
  });

  test('a weak demo password and a bad bucket are both reported', () => {
    expect(
      () => new MinioStorage(chart(), 'minio', { credentials: MinioCredentials.insecureDemo({ secretKey: 'short' }), bucket: 'Velero_Backups' }),
    ).toThrow(
      /2 problems[\s\S]*credentials\.secretKey: MinIO needs a root password of at least 8 characters[\s\S]*bucket: "Velero_Backups" is not a valid S3 bucket name/,
    );
  });
});

describe('SelfServiceBackup', () => {
  test('one label-selected Schedule per tier, plus enrolled namespaces', () => {
    const c = chart();
    const ss = new SelfServiceBackup(c, 'self', { namespaces: { 'team-alpha': 'gold' } });
    const objs = Testing.synth(c);
    expectValidManifests(objs);
    expect(objs).toMatchSnapshot();
    expect(objs.map((o) => [o.metadata.name, o.spec.schedule, o.spec.template.ttl])).toEqual([
      ['self-service-gold', '15 * * * *', '72h0m0s'],
      ['self-service-gold-namespaces', '15 * * * *', '72h0m0s'],
      ['self-service-silver', '30 */6 * * *', '168h0m0s'],
      ['self-service-bronze', '0 3 * * *', '336h0m0s'],
    ]);
    expect(objs[0].spec.template.labelSelector).toEqual({ matchLabels: { 'backup.resilience.cdk8s.io/tier': 'gold' } });
    expect(objs[1].spec.template.includedNamespaces).toEqual(['team-alpha']);
    expect(ss.rpoReport.schedules.map((s) => [s.name, s.worstCaseGapSeconds])).toEqual([
      ['self-service-gold', 3600],
      ['self-service-gold-namespaces', 3600],
      ['self-service-silver', 21600],
      ['self-service-bronze', 86400],
    ]);
    expect(ss.rpoReport.namespaces.find((n) => n.namespace === 'team-alpha')).toMatchObject({ worstCaseGapSeconds: 3600, met: true });
  });

  test('optIn labels a cdk8s-plus workload and its pods', () => {
    const c = chart();
    const ss = new SelfServiceBackup(c, 'self');
    const d = new kplus.Deployment(c, 'web', { metadata: { name: 'web' }, containers: [{ image: 'nginx', portNumber: 8080 }] });
    ss.optIn(d, 'silver');
    const dep = Testing.synth(c).find((o) => o.kind === 'Deployment');
    expect(dep.metadata.labels['backup.resilience.cdk8s.io/tier']).toBe('silver');
    expect(dep.spec.template.metadata.labels['backup.resilience.cdk8s.io/tier']).toBe('silver');
    expect(() => ss.optIn(d, 'platinum')).toThrow(/tier: "platinum" is not one of gold, silver, bronze/);
  });

  test('label contract clashes are rejected', () => {
    expect(
      () =>
        new SelfServiceBackup(chart(), 'self', {
          tiers: [BackupTier.gold(), BackupTier.of({ name: 'gold', schedule: BackupSchedule.daily(), retention: Duration.days(7) })],
        }),
    ).toThrow(/tiers\[1\]\.name: tier "gold" is also tiers\[0\]; one label value would mean two schedules/);
    expect(() => new SelfServiceBackup(chart(), 'self', { labelKey: 'velero.io/exclude-from-backup' })).toThrow(
      /labelKey: "velero.io\/exclude-from-backup" is in Velero's own label space/,
    );
    expect(() => new SelfServiceBackup(chart(), 'self', { namespaces: { 'team-a': 'platinum' } })).toThrow(
      /namespaces\.team-a: tier "platinum" is not one of gold, silver, bronze/,
    );
    const app = Testing.app();
    const c = new Chart(app, 'test');
    new SelfServiceBackup(c, 'one');
    new SelfServiceBackup(c, 'two', { schedulePrefix: 'other' });
    expect(() => app.synth()).toThrow(/\[test\/one\] labelKey: "backup.resilience.cdk8s.io\/tier" is also the label key of test\/two/);
  });
});

describe('VeleroMonitoring', () => {
  test('freshness alerts per schedule against its own interval; failure and partial failure alerts', () => {
    const c = chart();
    const plan = new VeleroBackupPlan(c, 'plan', {
      schedules: [
        { name: 'daily-backup', schedule: BackupSchedule.daily(), retention: Duration.days(7) },
        { name: 'hourly-backup', schedule: BackupSchedule.hourly(), retention: Duration.days(3), includedNamespaces: ['production'] },
      ],
    });
    const mon = new VeleroMonitoring(c, 'mon', { schedules: watchedSchedules(plan.rpoReport), selectorLabels: { release: 'prom' } });
    const objs = Testing.synth(c);
    expectValidManifests(objs);
    const rule = objs.find((o) => o.kind === 'PrometheusRule');
    const exprs = rule.spec.groups[0].rules.map((r: { alert: string; expr: string }) => [r.alert, r.expr]);
    expect(exprs).toEqual([
      ['VeleroBackupFailed', 'sum by (schedule) (increase(velero_backup_failure_total[1h])) > 0'],
      ['VeleroBackupPartiallyFailed', 'sum by (schedule) (increase(velero_backup_partial_failure_total[1h])) > 0'],
      ['VeleroBackupTooOld', 'time() - max(velero_backup_last_successful_timestamp{schedule="daily-backup"}) > 90000'],
      ['VeleroBackupTooOld', 'time() - max(velero_backup_last_successful_timestamp{schedule="hourly-backup"}) > 4500'],
    ]);
    const sm = objs.find((o) => o.kind === 'ServiceMonitor');
    const svc = objs.find((o) => o.kind === 'Service');
    expect(svc.metadata.labels).toEqual({ ...sm.spec.selector.matchLabels, 'app.kubernetes.io/managed-by': 'cdk8s-resilience' });
    expect(svc.spec.selector).toEqual({ component: 'velero', deploy: 'velero' });
    expect(sm.metadata.labels.release).toBe('prom');
    expect(mon.rules).toHaveLength(4);
  });
});

describe('VeleroHelmValues', () => {
  test('values follow the plan and the storage', () => {
    const c = chart();
    const storage = new MinioStorage(c, 'minio', { credentials: MinioCredentials.fromExistingSecret('velero-s3') });
    const plan = new VeleroBackupPlan(c, 'plan', { delivery: ScheduleDelivery.helmChart() });
    const v = new VeleroHelmValues(c, 'values', { plan, storage });
    const values = v.values as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    // The chart creates the schedules: the plan emits no Schedule object.
    expect(Testing.synth(c).filter((o) => o.kind === 'Schedule')).toEqual([]);
    const same = chart();
    new VeleroBackupPlan(same, 'plan');
    expect(values.credentials).toEqual({ useSecret: true, existingSecret: 'velero-s3' });
    expect(values.configuration.backupStorageLocation[0].config).toEqual({
      region: 'us-east-1',
      s3ForcePathStyle: 'true',
      s3Url: 'http://minio.velero.svc.cluster.local:9000',
    });
    expect(values.configuration.volumeSnapshotLocation[0].config).toEqual({ region: 'us-east-1' });
    expect(values.initContainers[0].image).toMatch(/^velero\/velero-plugin-for-aws:/);
    expect(values.schedules['daily-backup'].schedule).toBe('0 2 * * *');
    expect(values.schedules['daily-backup'].template).toEqual(Testing.synth(same).find((o) => o.kind === 'Schedule').spec.template);
    expect(values.metrics.prometheusRule.spec.map((r: { expr: string }) => r.expr)).toContain(
      'time() - max(velero_backup_last_successful_timestamp{schedule="velero-daily-backup"}) > 90000',
    );
    expect(v.file.relativePath).toBe('platform-backup-config/values.yaml');
    expect(v.file.content()).toMatch(/^# Helm values/);
  });

  test('the schedules are created by the chart or as Schedule objects, never both, never neither', () => {
    const both = chart();
    const storage = new MinioStorage(both, 'minio', { credentials: MinioCredentials.fromExistingSecret('velero-s3') });
    const plan = new VeleroBackupPlan(both, 'plan');
    expect(() => new VeleroHelmValues(both, 'values', { plan, storage })).toThrow(
      '[test/values] includeSchedules: the plan test/plan already emits its schedules as Schedule objects; the chart would create them again and every backup would be taken twice. ' +
        'Fix: choose one: deliver the plan through the chart (delivery: ScheduleDelivery.helmChart()), or leave the schedules out of the values (includeSchedules: false).',
    );
    const values = new VeleroHelmValues(both, 'values-only', { plan, storage, includeSchedules: false }).values as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(values.schedules).toEqual({});
    // The alerts watch the Schedule objects, which keep the plan's names.
    expect(values.metrics.prometheusRule.spec.map((r: { expr: string }) => r.expr)).toContain(
      'time() - max(velero_backup_last_successful_timestamp{schedule="daily-backup"}) > 90000',
    );
    expect(Testing.synth(both).filter((o) => o.kind === 'Schedule')).toHaveLength(1);

    const neither = chart();
    const helmPlan = new VeleroBackupPlan(neither, 'plan', { delivery: ScheduleDelivery.helmChart() });
    const s3 = new MinioStorage(neither, 'minio', { credentials: MinioCredentials.fromExistingSecret('velero-s3') });
    expect(() => new VeleroHelmValues(neither, 'values', { plan: helmPlan, storage: s3, includeSchedules: false })).toThrow(
      '[test/values] includeSchedules: the plan test/plan is delivered through the chart, but its schedules are left out, so no backup would ever run.',
    );
    expect(() => Testing.synth(neither)).toThrow(
      '[test/plan] delivery: the schedules are delivered through the Helm chart, but no VeleroHelmValues writes them, so no backup would ever run. Fix: pass the plan to a VeleroHelmValues, or use ScheduleDelivery.scheduleObjects().',
    );

    const twice = chart();
    const twicePlan = new VeleroBackupPlan(twice, 'plan', { delivery: ScheduleDelivery.helmChart() });
    const minio = new MinioStorage(twice, 'minio', { credentials: MinioCredentials.fromExistingSecret('velero-s3') });
    new VeleroHelmValues(twice, 'a', { plan: twicePlan, storage: minio, path: 'a.yaml' });
    new VeleroHelmValues(twice, 'b', { plan: twicePlan, storage: minio, path: 'b.yaml' });
    expect(() => Testing.synth(twice)).toThrow(
      '[test/plan] delivery: the schedules are written by 2 VeleroHelmValues (test/a, test/b); each release would create them, and every backup would be taken twice. Fix: write them with one VeleroHelmValues.',
    );
    expect(() => twicePlan.apiObject).toThrow(/\[test\/plan\] apiObject: the schedules are delivered through the Helm chart/);
  });
});

describe('the chapter platform charts', () => {
  test("every backup chart is schema-valid, with the chapter's facts", () => {
    const app = new App({ outdir: '/tmp/cdk8s-resilience-backup-test' });
    addBackupCharts(app);
    const byId = Object.fromEntries(app.charts.map((ch) => [ch.node.id, Testing.synth(ch)]));
    expect(Object.keys(byId).sort()).toEqual([
      'backup-config-annotation',
      'backup-self-service',
      'velero-monitoring',
      'velero-schedule',
      'velero-storage-location',
    ]);
    for (const objs of Object.values(byId)) expectValidManifests(objs);
    const schedules = byId['velero-schedule'];
    expect(schedules.map((o) => [o.metadata.name, o.spec.schedule, o.spec.template.ttl, o.spec.template.includedNamespaces])).toEqual([
      ['daily-backup', '0 2 * * *', '168h0m0s', ['*']],
      ['hourly-backup', '0 * * * *', '72h0m0s', ['production']],
    ]);
    const dep = byId['backup-config-annotation'].find((o) => o.kind === 'Deployment');
    expect(dep.metadata).toMatchObject({ name: 'demo-app', namespace: 'team-alpha' });
    expect(dep.spec.replicas).toBe(3);
    expect(dep.spec.selector.matchLabels).toEqual({ app: 'demo-app' });
    expect(dep.spec.template.spec.containers[0].ports).toEqual([{ containerPort: 8080 }]);
    expect(Object.keys(dep.spec.template.metadata.annotations).sort()).toEqual([
      'post.hook.backup.velero.io/command',
      'post.hook.backup.velero.io/container',
      'post.hook.backup.velero.io/on-error',
      'post.hook.backup.velero.io/timeout',
      'pre.hook.backup.velero.io/command',
      'pre.hook.backup.velero.io/container',
      'pre.hook.backup.velero.io/on-error',
      'pre.hook.backup.velero.io/timeout',
    ]);
    const bsl = byId['velero-storage-location'].find((o) => o.kind === 'BackupStorageLocation');
    expect(bsl.spec.config.s3Url).toBe('http://minio.velero.svc.cluster.local:9000');
    expect(bsl.spec.objectStorage.bucket).toBe('velero-backups');
  });
});
