/**
 * Mistaken and hostile input to the backup constructs: each is refused at synth with the
 * construct path, the field, the problem and a fix, and nothing is emitted.
 */
import { App, Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  BackupHooks,
  BackupSchedule,
  BackupStorageLocation,
  BackupTier,
  MinioCredentials,
  MinioStorage,
  ObjectStorageProvider,
  ResilienceValidationError,
  RestoreHookAction,
  RestoreSource,
  SelfServiceBackup,
  SnapshotProvider,
  VeleroBackup,
  VeleroBackupPlan,
  VeleroHelmValues,
  VeleroMonitoring,
  VeleroRestore,
  VolumeSnapshotLocation,
} from '../../src';
import { parseVeleroCron } from '../../src/backup/cron';
import { expectValidManifests } from '../support/schema';

function chart(): Chart {
  return new Chart(Testing.app(), 'test');
}

/** The problem lines of the ResilienceValidationError `build` throws; the chart emits nothing. */
function problemsOf(build: (c: Chart) => void): string[] {
  const c = chart();
  try {
    build(c);
  } catch (e) {
    if (!(e instanceof ResilienceValidationError)) throw new Error(`expected a ResilienceValidationError, got: ${(e as Error).message}`);
    // Nothing is emitted: no object besides the user's own workloads, and no hook annotation on them.
    const emitted = Testing.synth(c);
    expect(emitted.filter((o) => o.kind !== 'Deployment')).toEqual([]);
    expect(JSON.stringify(emitted)).not.toMatch(/hook\.(backup|restore)\.velero\.io/);
    return e.message
      .split('\n')
      .slice(1)
      .map((l) => l.trim());
  }
  throw new Error('expected a ResilienceValidationError');
}

const daily = BackupSchedule.daily({ hour: 1 });

describe('time zones are checked as Go loads them: case-sensitive, tz database names only', () => {
  test('a mis-cased zone in BackupSchedule.daily is refused with "did you mean"', () => {
    expect(
      problemsOf(
        (c) =>
          new VeleroBackupPlan(c, 'plan', { schedules: [{ name: 'eu', schedule: BackupSchedule.daily({ hour: 3, timeZone: 'europe/berlin' }) }] }),
      ),
    ).toEqual([
      '[test/plan] schedules[0].schedule.timeZone: "CRON_TZ=europe/berlin 0 3 * * *": time zone "europe/berlin" is not spelled as in the tz database; zone names are case-sensitive (Go\'s time.LoadLocation refuses "europe/berlin"). Fix: did you mean Europe/Berlin?',
    ]);
  });

  test('weekly and cron factories check their timeZone option too', () => {
    expect(
      problemsOf(
        (c) =>
          new VeleroBackupPlan(c, 'plan', {
            schedules: [
              { name: 'w', schedule: BackupSchedule.weekly({ dayOfWeek: 6, timeZone: 'AMERICA/NEW_YORK' }) },
              { name: 'c', schedule: BackupSchedule.cron('15 */4 * * *', { timeZone: 'utc' }) },
            ],
          }),
      ),
    ).toEqual([
      '[test/plan] schedules[0].schedule.timeZone: "CRON_TZ=AMERICA/NEW_YORK 0 2 * * 6": time zone "AMERICA/NEW_YORK" is not spelled as in the tz database; zone names are case-sensitive (Go\'s time.LoadLocation refuses "AMERICA/NEW_YORK"). Fix: did you mean America/New_York?',
      '[test/plan] schedules[1].schedule.timeZone: "CRON_TZ=utc 15 */4 * * *": time zone "utc" is not spelled as in the tz database; zone names are case-sensitive (Go\'s time.LoadLocation refuses "utc"). Fix: did you mean UTC?',
    ]);
  });

  test('a raw CRON_TZ= prefix (BackupSchedule.of) is checked the same way', () => {
    expect(
      problemsOf(
        (c) => new VeleroBackupPlan(c, 'plan', { schedules: [{ name: 'raw', schedule: BackupSchedule.of('CRON_TZ=asia/tokyo 30 1 * * *') }] }),
      ),
    ).toEqual([
      '[test/plan] schedules[0].schedule: "CRON_TZ=asia/tokyo 30 1 * * *": the CRON_TZ= prefix: time zone "asia/tokyo" is not spelled as in the tz database; zone names are case-sensitive (Go\'s time.LoadLocation refuses "asia/tokyo"). Fix: did you mean Asia/Tokyo?',
    ]);
    const parsed = parseVeleroCron('TZ=us/pacific @daily');
    expect(parsed).toEqual({
      ok: false,
      problem:
        'the TZ= prefix: time zone "us/pacific" is not spelled as in the tz database; zone names are case-sensitive (Go\'s time.LoadLocation refuses "us/pacific")',
      fix: 'did you mean US/Pacific?',
    });
  });

  test('names JavaScript knows but Go does not are refused, with the tz database name', () => {
    expect(
      problemsOf((c) => new VeleroBackupPlan(c, 'plan', { schedules: [{ name: 'pst', schedule: BackupSchedule.daily({ timeZone: 'PST' }) }] })),
    ).toEqual([
      '[test/plan] schedules[0].schedule.timeZone: "CRON_TZ=PST 0 2 * * *": "PST" is not a tz database name, so Go\'s time.LoadLocation refuses it. Fix: use the tz database name "America/Los_Angeles".',
    ]);
    expect(
      problemsOf((c) => new VeleroBackupPlan(c, 'plan', { schedules: [{ name: 'loc', schedule: BackupSchedule.of('CRON_TZ=Local 0 2 * * *') }] })),
    ).toEqual([
      '[test/plan] schedules[0].schedule: "CRON_TZ=Local 0 2 * * *": the CRON_TZ= prefix: "Local" is the zone of the controller\'s own clock (Velero or Chaos Mesh), which the manifests cannot know (and the run times depend on). Fix: name the zone, such as "Europe/Berlin", or leave it out for UTC.',
    ]);
  });

  test('a self-service tier with a mis-cased zone is refused at the tier, before any schedule or RPO is computed', () => {
    expect(
      problemsOf(
        (c) =>
          new SelfServiceBackup(c, 'self', {
            tiers: [BackupTier.of({ name: 'eu', schedule: BackupSchedule.daily({ timeZone: 'europe/paris' }), retention: Duration.days(3) })],
            namespaces: { shop: 'eu' },
          }),
      ),
    ).toEqual([
      '[test/self] tiers[0].schedule.timeZone: "CRON_TZ=europe/paris 0 2 * * *": time zone "europe/paris" is not spelled as in the tz database; zone names are case-sensitive (Go\'s time.LoadLocation refuses "europe/paris"). Fix: did you mean Europe/Paris?',
    ]);
  });

  test('correctly spelled zones, links and Etc names stay accepted', () => {
    const c = chart();
    new VeleroBackupPlan(c, 'plan', {
      schedules: [
        { name: 'berlin', schedule: BackupSchedule.daily({ hour: 1, timeZone: 'Europe/Berlin' }) },
        { name: 'kolkata', schedule: BackupSchedule.of('CRON_TZ=Asia/Calcutta 0 3 * * *') },
        { name: 'eastern', schedule: BackupSchedule.cron('0 4 * * *', { timeZone: 'US/Eastern' }) },
        { name: 'fixed', schedule: BackupSchedule.of('TZ=Etc/GMT-2 0 5 * * *') },
      ],
    });
    const objs = Testing.synth(c);
    expectValidManifests(objs);
    expect(objs.map((o) => o.spec.schedule)).toEqual([
      'CRON_TZ=Europe/Berlin 0 1 * * *',
      'CRON_TZ=Asia/Calcutta 0 3 * * *',
      'CRON_TZ=US/Eastern 0 4 * * *',
      'TZ=Etc/GMT-2 0 5 * * *',
    ]);
  });
});

describe('plan and object labels', () => {
  test('bad label keys and values of a plan, a schedule, a Backup and a Restore are refused at their field', () => {
    expect(
      problemsOf(
        (c) =>
          new VeleroBackupPlan(c, 'plan', {
            labels: { 'team owner': 'a' },
            schedules: [{ name: 'a', schedule: daily, labels: { tier: 'gold/2' } }],
          }),
      ),
    ).toEqual([
      "[test/plan] labels.team owner: label key \"team owner\" has an invalid name part (at most 63 characters: letters, digits, '-', '_', '.'). Fix: use valid label keys and values.",
      "[test/plan] schedules[0].labels.tier: label value \"gold/2\" is invalid (at most 63 characters: letters, digits, '-', '_', '.', starting and ending with a letter or digit). Fix: use valid label keys and values.",
    ]);
    expect(problemsOf((c) => new VeleroBackup(c, 'once', { labels: { purpose: 'x'.repeat(64) } }))[0]).toMatch(
      /^\[test\/once\] labels\.purpose: label value "x{64}" is invalid .*Fix: use valid label keys and values\.$/,
    );
    expect(problemsOf((c) => new VeleroRestore(c, 'back', { from: RestoreSource.backup('b1'), labels: { '': 'v' } }))).toEqual([
      "[test/back] labels.: label key \"\" has an invalid name part (at most 63 characters: letters, digits, '-', '_', '.'). Fix: use valid label keys and values.",
    ]);
  });

  test('labels Velero writes itself (velero.io/schedule-name, ...) are refused on the objects it reads them from', () => {
    expect(problemsOf((c) => new VeleroBackupPlan(c, 'plan', { labels: { 'velero.io/schedule-name': 'other' } }))).toEqual([
      '[test/plan] labels.velero.io/schedule-name: "velero.io/schedule-name" is a label Velero sets itself on Backups and Restores; a value given here is overwritten or misleads Velero. Fix: use a label key under your own domain.',
    ]);
    expect(problemsOf((c) => new VeleroBackup(c, 'once', { labels: { 'velero.io/storage-location': 'default' } }))).toEqual([
      '[test/once] labels.velero.io/storage-location: "velero.io/storage-location" is a label Velero sets itself on Backups and Restores; a value given here is overwritten or misleads Velero. Fix: use a label key under your own domain.',
    ]);
  });
});

describe('hook commands: the program name is the first element, not a command line', () => {
  const deployment = (c: Chart) =>
    new kplus.Deployment(c, 'db', { containers: [{ name: 'postgres', image: 'postgres:17', securityContext: { ensureNonRoot: false } }] });

  test('["/bin/sh -c", "sync"] is refused with the split list as the fix, in every kind of hook', () => {
    expect(problemsOf((c) => new BackupHooks(c, 'hooks', { workload: deployment(c), preBackup: { command: ['/bin/sh -c', 'sync'] } }))).toEqual([
      '[test/hooks] preBackup.command[0]: the program name "/bin/sh -c" contains white space; the first element is run as one program name (no shell splits it), and no program is called that, so the hook fails. Fix: give each word its own element: ["/bin/sh","-c","sync"].',
    ]);
    expect(
      problemsOf(
        (c) =>
          new VeleroBackupPlan(c, 'plan', {
            schedules: [{ name: 'a', schedule: daily, hooks: [{ name: 'flush', post: [{ command: ['psql -U app', '-c', 'CHECKPOINT'] }] }] }],
          }),
      ),
    ).toEqual([
      '[test/plan] schedules[0].hooks[0].post[0].command[0]: the program name "psql -U app" contains white space; the first element is run as one program name (no shell splits it), and no program is called that, so the hook fails. Fix: give each word its own element: ["psql","-U","app","-c","CHECKPOINT"].',
    ]);
    expect(
      problemsOf(
        (c) =>
          new VeleroRestore(c, 'r', {
            from: RestoreSource.backup('b1'),
            hooks: [
              {
                name: 'warm',
                postHooks: [
                  RestoreHookAction.exec({ command: ['/bin/bash -lc', 'warm-cache'] }),
                  RestoreHookAction.init([{ name: 'seed', image: 'busybox:1.37', command: ['/bin/sh -c', 'cp /seed/* /data'] }]),
                ],
              },
            ],
          }),
      ),
    ).toEqual([
      '[test/r] hooks[0].postHooks[0].exec.command[0]: the program name "/bin/bash -lc" contains white space; the first element is run as one program name (no shell splits it), and no program is called that, so the hook fails. Fix: give each word its own element: ["/bin/bash","-lc","warm-cache"].',
      '[test/r] hooks[0].postHooks[1].init.containers[0].command[0]: the program name "/bin/sh -c" contains white space; the first element is run as one program name (no shell splits it), and no program is called that, so the hook fails. Fix: give each word its own element: ["/bin/sh","-c","cp /seed/* /data"].',
    ]);
  });

  test('a command given as one string, or with a non-string argument, is refused', () => {
    expect(
      problemsOf(
        (c) =>
          new BackupHooks(c, 'hooks', {
            workload: deployment(c),
            preBackup: { command: 'sync' as unknown as string[] },
            postBackup: { command: ['/bin/echo', 3 as unknown as string] },
          }),
      ),
    ).toEqual([
      '[test/hooks] preBackup.command: the command is the string "sync", not a list of arguments. Fix: give it as a list: [\'/bin/sh\', \'-c\', "sync"].',
      '[test/hooks] postBackup.command[1]: argument 1 is not a string. Fix: give every argument as a string.',
    ]);
  });

  test('an argument with spaces after the program stays accepted', () => {
    const c = chart();
    new BackupHooks(c, 'hooks', { workload: deployment(c), preBackup: { command: ['/bin/sh', '-c', 'sync && echo done'] } });
    const [d] = Testing.synth(c);
    expect(d.spec.template.metadata.annotations['pre.hook.backup.velero.io/command']).toBe('["/bin/sh","-c","sync && echo done"]');
  });
});

describe('hook containers: a hook names a container the workload has', () => {
  test('a container not in the cdk8s-plus workload is refused at synth, naming the containers that exist', () => {
    const app = new App();
    const c = new Chart(app, 'test');
    const d = new kplus.Deployment(c, 'db', { containers: [{ name: 'postgres', image: 'postgres:17', securityContext: { ensureNonRoot: false } }] });
    new BackupHooks(c, 'hooks', {
      workload: d,
      preBackup: { command: ['/bin/sync'], container: 'postgress' },
      restoreExec: { command: ['/bin/true'], container: 'exporter' },
    });
    // A container added after the hooks counts.
    d.addContainer({ name: 'exporter', image: 'exporter:1', securityContext: { ensureNonRoot: false } });
    expect(() => app.synth()).toThrow(
      '[test/hooks] preBackup.container: container "postgress" is not in the workload, whose pod template has the containers "postgres", "exporter"; Velero would fail the hook. Fix: use one of "postgres", "exporter", or leave container out for the first ("postgres").',
    );
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).not.toMatch(/restoreExec\.container/);
  });

  test('a restore init container may not take a name the workload already uses', () => {
    const app = new App();
    const c = new Chart(app, 'test');
    const d = new kplus.Deployment(c, 'db', { containers: [{ name: 'restore-hook', image: 'app:1', securityContext: { ensureNonRoot: false } }] });
    new BackupHooks(c, 'hooks', { workload: d, restoreInit: { image: 'busybox:1.37', command: ['/bin/true'] } });
    expect(() => app.synth()).toThrow(
      '[test/hooks] restoreInit.name: the restore init container "restore-hook" takes the name of a container the workload already has, so the restored pod would be invalid. Fix: give the restore init container a name of its own.',
    );
  });

  test('a hook naming an existing container, or none, synthesizes', () => {
    const c = chart();
    const d = new kplus.Deployment(c, 'db', { containers: [{ name: 'postgres', image: 'postgres:17', securityContext: { ensureNonRoot: false } }] });
    new BackupHooks(c, 'hooks', {
      workload: d,
      preBackup: { command: ['/bin/sync'], container: 'postgres' },
      postBackup: { command: ['/bin/true'] },
    });
    const objs = Testing.synth(c);
    expect(objs[0].spec.template.metadata.annotations['pre.hook.backup.velero.io/container']).toBe('postgres');
  });
});

describe('bucket names follow the rules of their store', () => {
  const aws = () => ObjectStorageProvider.aws({ region: 'eu-central-1' });

  test('an IP-formatted bucket is refused by MinioStorage and by an S3 BackupStorageLocation', () => {
    expect(problemsOf((c) => new MinioStorage(c, 'minio', { credentials: MinioCredentials.insecureDemo(), bucket: '10.0.0.12' }))).toEqual([
      '[test/minio] bucket: "10.0.0.12" is not a valid S3 bucket name: it is formatted as an IP address. Fix: use 3-63 lower-case letters, digits, "-" and ".", starting and ending with a letter or digit, not shaped like an IP address (such as "velero-backups").',
    ]);
    expect(problemsOf((c) => new BackupStorageLocation(c, 'bsl', { provider: aws(), bucket: '172.16.3.4' }))).toEqual([
      '[test/bsl] bucket: "172.16.3.4" is not a valid Amazon S3 bucket name: it is formatted as an IP address. Fix: use 3-63 lower-case letters, digits, "-" and ".", starting and ending with a letter or digit, not shaped like an IP address (such as "team-a-velero-backups").',
    ]);
  });

  test.each([
    ['ab', 'it has 2 characters, not 3 to 63'],
    ['x'.repeat(64), 'it has 64 characters, not 3 to 63'],
    ['Velero-Backups', 'it has characters a bucket name cannot have (bucket names are lower-case)'],
    ['backups_eu', 'it has characters a bucket name cannot have'],
    ['-backups', 'it does not start and end with a letter or digit'],
    ['backups..eu', 'it has two periods in a row'],
    ['backups.-eu', 'it has a period next to a hyphen'],
    ['xn--backups', 'it starts with "xn--", which Amazon S3 reserves'],
    ['backups-s3alias', 'it ends with "-s3alias", which Amazon S3 reserves'],
  ])('S3 refuses %j: %s', (bucket, reason) => {
    expect(problemsOf((c) => new BackupStorageLocation(c, 'bsl', { provider: aws(), bucket }))).toEqual([
      `[test/bsl] bucket: ${JSON.stringify(bucket)} is not a valid Amazon S3 bucket name: ${reason}. Fix: use 3-63 lower-case letters, digits, "-" and ".", starting and ending with a letter or digit, not shaped like an IP address (such as "team-a-velero-backups").`,
    ]);
  });

  test('GCS and Azure have their own rules; another plugin only refuses slashes and spaces', () => {
    expect(problemsOf((c) => new BackupStorageLocation(c, 'g', { provider: ObjectStorageProvider.gcp(), bucket: 'google-backups' }))).toEqual([
      '[test/g] bucket: "google-backups" is not a valid Cloud Storage bucket name: it starts with "goog" or contains "google", which Google reserves. Fix: use 3-63 lower-case letters, digits, "-", "_" and ".", starting and ending with a letter or digit, not shaped like an IP address (such as "team-a-velero-backups").',
    ]);
    expect(
      problemsOf(
        (c) =>
          new BackupStorageLocation(c, 'a', {
            provider: ObjectStorageProvider.azure({ storageAccount: 'acct', resourceGroup: 'rg' }),
            bucket: 'velero--backups',
          }),
      ),
    ).toEqual([
      '[test/a] bucket: "velero--backups" is not a valid Azure blob container name: it has two hyphens in a row. Fix: use 3-63 lower-case letters, digits and single "-", starting and ending with a letter or digit (such as "velero-backups").',
    ]);
    const c = chart();
    new BackupStorageLocation(c, 'gcs', { provider: ObjectStorageProvider.gcp(), bucket: 'team_a.backups' });
    new BackupStorageLocation(c, 'other', { provider: ObjectStorageProvider.of('example.com/objstore'), bucket: 'Any_Bucket' });
    new BackupStorageLocation(c, 'minio', {
      provider: ObjectStorageProvider.s3Compatible({ s3Url: 'http://minio.velero.svc:9000' }),
      bucket: 'xn--ok-here',
    });
    expectValidManifests(Testing.synth(c));
  });
});

describe("durations: never a raw cdk8s error; whole seconds, within Go's range", () => {
  const WHOLE = 'Fix: use whole seconds: Duration.seconds(n), Duration.minutes(n), Duration.hours(n) or Duration.days(n).';

  test('retention of 1.5s is refused at its field (Duration.millis(1500))', () => {
    expect(
      problemsOf((c) => new VeleroBackupPlan(c, 'plan', { schedules: [{ name: 'a', schedule: daily, retention: Duration.millis(1500) }] })),
    ).toEqual([`[test/plan] schedules[0].retention: 1500ms is not a whole number of seconds. ${WHOLE}`]);
  });

  test('every Duration prop of the plan: fractions, zero, huge, Infinity and NaN', () => {
    expect(
      problemsOf(
        (c) =>
          new VeleroBackupPlan(c, 'plan', {
            rpo: Duration.millis(90500),
            namespaceRpo: { shop: Duration.seconds(30) },
            schedules: [
              {
                name: 'a',
                schedule: daily,
                retention: Duration.days(1e9),
                csiSnapshotTimeout: Duration.millis(1),
                itemOperationTimeout: Duration.seconds(0),
                hooks: [{ name: 'h', pre: [{ command: ['/bin/sync'], timeout: Duration.minutes(Infinity) }] }],
              },
              { name: 'b', schedule: daily, retention: Duration.hours(NaN) },
            ],
          }),
      ),
    ).toEqual([
      "[test/plan] schedules[0].retention: 1000000000d is longer than Go's longest duration (about 292 years). Fix: give a shorter Duration.",
      `[test/plan] schedules[0].hooks[0].pre[0].timeout: the duration is not a finite length (a Duration of Infinity or NaN, or not a Duration). ${WHOLE}`,
      `[test/plan] schedules[0].csiSnapshotTimeout: 1ms is not a whole number of seconds. ${WHOLE}`,
      '[test/plan] schedules[0].itemOperationTimeout: the duration is zero. Fix: give a Duration of at least 1s.',
      `[test/plan] schedules[1].retention: the duration is not a finite length (a Duration of Infinity or NaN, or not a Duration). ${WHOLE}`,
      `[test/plan] rpo: 90500ms is not a whole number of seconds. ${WHOLE}`,
      '[test/plan] namespaceRpo.shop: the RPO (30s) is shorter than a minute, which no cron schedule can meet. Fix: give an RPO of at least Duration.minutes(1).',
    ]);
  });

  test('a Backup, a Restore and restore hooks', () => {
    expect(problemsOf((c) => new VeleroBackup(c, 'once', { retention: Duration.millis(1500), csiSnapshotTimeout: Duration.days(Infinity) }))).toEqual(
      [
        `[test/once] retention: 1500ms is not a whole number of seconds. ${WHOLE}`,
        `[test/once] csiSnapshotTimeout: the duration is not a finite length (a Duration of Infinity or NaN, or not a Duration). ${WHOLE}`,
      ],
    );
    expect(
      problemsOf(
        (c) =>
          new VeleroRestore(c, 'r', {
            from: RestoreSource.backup('b1'),
            itemOperationTimeout: Duration.millis(2500),
            hooks: [
              {
                name: 'h',
                postHooks: [
                  RestoreHookAction.exec({ command: ['/bin/true'], waitTimeout: Duration.days(1e9) }),
                  RestoreHookAction.init([{ name: 'i', image: 'busybox:1.37' }], { timeout: Duration.millis(1) }),
                ],
              },
            ],
          }),
      ),
    ).toEqual([
      "[test/r] hooks[0].postHooks[0].exec.waitTimeout: 1000000000d is longer than Go's longest duration (about 292 years). Fix: give a shorter Duration.",
      `[test/r] hooks[0].postHooks[1].init.timeout: 1ms is not a whole number of seconds. ${WHOLE}`,
      `[test/r] itemOperationTimeout: 2500ms is not a whole number of seconds. ${WHOLE}`,
    ]);
  });

  test('storage locations: sync period and validation frequency accept zero (off) but not fractions; the Azure API timeout is checked', () => {
    expect(
      problemsOf(
        (c) =>
          new BackupStorageLocation(c, 'bsl', {
            provider: ObjectStorageProvider.aws({ region: 'eu-west-1' }),
            bucket: 'team-backups',
            backupSyncPeriod: Duration.millis(1500),
            validationFrequency: Duration.days(NaN),
          }),
      ),
    ).toEqual([
      `[test/bsl] backupSyncPeriod: 1500ms is not a whole number of seconds. ${WHOLE}`,
      `[test/bsl] validationFrequency: the duration is not a finite length (a Duration of Infinity or NaN, or not a Duration). ${WHOLE}`,
    ]);
    expect(
      problemsOf((c) => new VolumeSnapshotLocation(c, 'vsl', { provider: SnapshotProvider.azure({ apiTimeout: Duration.minutes(Infinity) }) })),
    ).toEqual([`[test/vsl] provider.apiTimeout: the duration is not a finite length (a Duration of Infinity or NaN, or not a Duration). ${WHOLE}`]);
    const c = chart();
    new BackupStorageLocation(c, 'bsl', {
      provider: ObjectStorageProvider.aws({ region: 'eu-west-1' }),
      bucket: 'team-backups',
      backupSyncPeriod: Duration.seconds(0),
      validationFrequency: Duration.seconds(400),
    });
    const [bsl] = Testing.synth(c);
    expect(bsl.spec).toMatchObject({ backupSyncPeriod: '0s', validationFrequency: '400s' });
  });

  test('self-service tiers and Helm values', () => {
    expect(
      problemsOf(
        (c) =>
          new SelfServiceBackup(c, 'self', {
            tiers: [BackupTier.of({ name: 'quick', schedule: BackupSchedule.hourly(), retention: Duration.millis(86_400_500) })],
            namespaces: { shop: 'quick' },
          }),
      ),
    ).toEqual([`[test/self] tiers[0].retention: 86400500ms is not a whole number of seconds. ${WHOLE}`]);
    const c = chart();
    const plan = new VeleroBackupPlan(c, 'plan');
    const storage = new MinioStorage(c, 'minio', { credentials: MinioCredentials.insecureDemo() });
    expect(() => new VeleroHelmValues(c, 'values', { plan, storage, includeSchedules: false, defaultRetention: Duration.millis(7_200_001) })).toThrow(
      `1 problem in test/values:\n  [test/values] defaultRetention: 7200001ms is not a whole number of seconds. ${WHOLE}`,
    );
  });
});

describe('props read from JSON or JavaScript: a wrong shape is reported, never a TypeError', () => {
  const loose = <T>(v: unknown): T => v as T;

  test('a list given as a string, a null schedule, a map of lists with a string, a restore action that is not one', () => {
    expect(
      problemsOf((c) => new VeleroBackup(c, 'b', { includedNamespaces: loose('shop'), orderedResources: loose({ pods: 'shop/db-0' }) })),
    ).toEqual([
      '[test/b] includedNamespaces: includedNamespaces is the string "shop", not a list. Fix: give a list of strings, such as ["team-a"].',
      '[test/b] orderedResources.pods: pods is the string "shop/db-0", not a list. Fix: give a list of strings, such as ["team-a"].',
    ]);
    expect(
      problemsOf((c) => new VeleroBackupPlan(c, 'plan', { schedules: [loose(null), { name: 'ok', schedule: daily, labels: loose(['a']) }] })),
    ).toEqual([
      '[test/plan] schedules[0]: the schedule is null, not an object. Fix: give { name, schedule, ... }.',
      '[test/plan] schedules[1].labels: labels is a list, not an object. Fix: give an object of keys and values.',
    ]);
    expect(
      problemsOf(
        (c) =>
          new VeleroRestore(c, 'r', {
            from: RestoreSource.backup('b1'),
            excludedResources: loose([1]),
            hooks: [{ name: 'h', postHooks: [loose({ exec: { command: ['/bin/true'] } }), RestoreHookAction.init(loose(undefined))] }],
          }),
      ),
    ).toEqual([
      '[test/r] excludedResources[0]: the item is a number, not a string. Fix: give a list of strings, such as ["team-a"].',
      '[test/r] hooks[0].postHooks[0]: the action is not a RestoreHookAction. Fix: use RestoreHookAction.exec({...}) or RestoreHookAction.init([...]).',
      '[test/r] hooks[0].postHooks[1].init.containers: no init container is given. Fix: give at least one container with a name and an image.',
    ]);
  });
});

describe('self-service and schedule options are reported at the prop they came from', () => {
  test('schedulePrefix, namespace and storageLocation of a SelfServiceBackup', () => {
    expect(
      problemsOf((c) => new SelfServiceBackup(c, 'self', { schedulePrefix: 'Team_A', namespace: 'Velero', storageLocation: 'main store' })),
    ).toEqual([
      '[test/self] namespace: namespace "Velero" is not a DNS-1123 label (lower-case letters, digits and \'-\', starting and ending with a letter or digit). Fix: use the namespace Velero is installed in, usually "velero".',
      '[test/self] storageLocation: "main store" is not a DNS-1123 subdomain (lower-case letters, digits, \'-\' and \'.\'). Fix: use the name of a BackupStorageLocation, usually "default".',
      '[test/self] schedulePrefix: "Team_A" does not make valid Schedule names ("Team_A-<tier>" and "Team_A-<tier>-namespaces" must be DNS-1123 subdomains of at most 253 characters). Fix: use a short prefix of lower-case letters, digits and "-", such as "self-service".',
    ]);
  });

  test('a zone given twice (a CRON_TZ= expression and the timeZone option) is refused', () => {
    expect(
      problemsOf(
        (c) =>
          new VeleroBackupPlan(c, 'plan', {
            schedules: [{ name: 'twice', schedule: BackupSchedule.cron('CRON_TZ=Europe/Berlin 0 2 * * *', { timeZone: 'Europe/Rome' }) }],
          }),
      ),
    ).toEqual([
      '[test/plan] schedules[0].schedule.timeZone: "CRON_TZ=Europe/Rome CRON_TZ=Europe/Berlin 0 2 * * *": the expression has its own CRON_TZ= (or TZ=) prefix as well as the timeZone option. Fix: give the zone once: in the timeZone option, with the expression\'s five fields alone.',
    ]);
  });
});

describe('VeleroMonitoring: what reaches PromQL and alert texts is checked', () => {
  test('a schedule name that is no Schedule name, and gaps or RPOs that are not finite positive seconds', () => {
    expect(
      problemsOf(
        (c) =>
          new VeleroMonitoring(c, 'mon', {
            schedules: [
              { name: 'nightly"} or vector(1) #', worstCaseGapSeconds: 86400 },
              { name: 'hourly', worstCaseGapSeconds: Infinity, rpoSeconds: -5 },
            ],
          }),
      ),
    ).toEqual([
      "[test/mon] schedules[0].name: Schedule name \"nightly\"} or vector(1) #\" is not a DNS-1123 subdomain (lower-case letters, digits, '-' and '.'). Fix: give the name of a Velero Schedule.",
      "[test/mon] schedules[1].worstCaseGapSeconds: the gap is not a positive number of seconds. Fix: take the figures from computeRpo or a plan's rpoReport.",
      "[test/mon] schedules[1].rpoSeconds: the RPO is not a positive number of seconds. Fix: take the figures from a plan's rpoReport, or leave it out.",
    ]);
  });
});
