/**
 * Velero objects a team might have kept as YAML, rebuilt with the typed API: metadata,
 * fields written only when given, spellings kept, and the volume fields checked as Velero
 * combines them. Every object is validated against Velero's CRDs.
 */
import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  BackupHooks,
  BackupSchedule,
  BackupStorageLocation,
  HookOnError,
  ObjectStorageProvider,
  ResilienceValidationError,
  RestoreHookAction,
  RestoreSource,
  SnapshotProvider,
  VeleroBackup,
  VeleroBackupPlan,
  VeleroRestore,
  VolumeBackupMethod,
  VolumeSnapshotLocation,
} from '../../src';
import { expectValidManifests } from '../support/schema';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function synth(build: (c: Chart) => void): Json[] {
  const c = new Chart(Testing.app(), 'test');
  build(c);
  const objs = Testing.synth(c);
  expectValidManifests(objs);
  return objs;
}

function problemsOf(build: (c: Chart) => void): string[] {
  const c = new Chart(Testing.app(), 'test');
  try {
    build(c);
  } catch (e) {
    if (!(e instanceof ResilienceValidationError)) throw new Error(`expected a ResilienceValidationError, got: ${(e as Error).message}`);
    expect(Testing.synth(c)).toEqual([]);
    return e.message
      .split('\n')
      .slice(1)
      .map((l) => l.trim());
  }
  throw new Error('expected a ResilienceValidationError');
}

describe('metadata: labels and annotations on every Velero object', () => {
  const notes = { 'ops.example.org/owner': 'storage-team', 'ops.example.org/ticket': 'OPS-4711' };

  test('Schedule (plan-wide and per schedule), Backup, Restore, BackupStorageLocation and VolumeSnapshotLocation', () => {
    const objs = synth((c) => {
      new VeleroBackupPlan(c, 'plan', {
        annotations: { 'ops.example.org/owner': 'platform' },
        schedules: [
          { name: 'nightly-orders', schedule: BackupSchedule.daily({ hour: 4 }), labels: { team: 'orders' }, annotations: notes },
          { name: 'nightly-billing', schedule: BackupSchedule.daily({ hour: 5 }) },
        ],
      });
      new VeleroBackup(c, 'pre-upgrade', { labels: { reason: 'upgrade' }, annotations: notes });
      new VeleroRestore(c, 'orders-drill', {
        from: RestoreSource.latestOfSchedule('nightly-orders'),
        labels: { drill: 'weekly' },
        annotations: notes,
      });
      new BackupStorageLocation(c, 'offsite', {
        provider: ObjectStorageProvider.aws({ region: 'eu-north-1' }),
        bucket: 'orders-offsite-backups',
        labels: { tier: 'offsite' },
        annotations: notes,
      });
      new VolumeSnapshotLocation(c, 'ebs', { provider: SnapshotProvider.aws({ region: 'eu-north-1' }), annotations: notes });
    });
    const [orders, billing, backup, restore, bsl, vsl] = objs;
    expect(orders.metadata.annotations).toEqual(notes);
    expect(orders.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'cdk8s-resilience', team: 'orders' });
    // The Schedule template takes labels only: the Backups it creates carry the labels, not the annotations.
    expect(orders.spec.template.metadata).toEqual({ labels: { team: 'orders' } });
    expect(billing.metadata.annotations).toEqual({ 'ops.example.org/owner': 'platform' });
    for (const o of [backup, restore, bsl, vsl]) expect(o.metadata.annotations).toEqual(notes);
    expect(backup.metadata.labels.reason).toBe('upgrade');
    expect(restore.metadata.labels.drill).toBe('weekly');
    expect(bsl.metadata.labels.tier).toBe('offsite');
  });

  test('no annotations given: no annotations written', () => {
    const [schedule, backup] = synth((c) => {
      new VeleroBackupPlan(c, 'plan');
      new VeleroBackup(c, 'b');
    });
    expect(schedule.metadata.annotations).toBeUndefined();
    expect(backup.metadata.annotations).toBeUndefined();
  });

  test('bad annotation keys and values are refused at their field on each kind', () => {
    expect(
      problemsOf(
        (c) =>
          new VeleroBackupPlan(c, 'plan', {
            annotations: { 'bad key': 'x' },
            schedules: [{ name: 'n', schedule: BackupSchedule.daily(), annotations: { ok: 7 as unknown as string } }],
          }),
      ),
    ).toEqual([
      '[test/plan] annotations.bad key: annotation key "bad key" has an invalid name part (at most 63 characters: letters, digits, \'-\', \'_\', \'.\'). Fix: use a key of letters, digits, "-", "_" and ".", optionally prefixed by a DNS subdomain and "/".',
      '[test/plan] schedules[0].annotations.ok: annotation value of "ok" is not a string. Fix: give the value as a string.',
    ]);
    expect(problemsOf((c) => new VeleroRestore(c, 'r', { from: RestoreSource.backup('b1'), annotations: { 'a/b/c': 'x' } }))).toEqual([
      '[test/r] annotations.a/b/c: annotation key "a/b/c" has more than one \'/\'. Fix: use a key of letters, digits, "-", "_" and ".", optionally prefixed by a DNS subdomain and "/".',
    ]);
    expect(
      problemsOf(
        (c) =>
          new BackupStorageLocation(c, 'l', {
            provider: ObjectStorageProvider.gcp(),
            bucket: 'team-backups',
            annotations: { big: 'x'.repeat(300 * 1024) },
          }),
      ),
    ).toEqual([
      '[test/l] annotations: the annotations hold 307203 bytes, more than the 262144 (256 KiB) Kubernetes allows. Fix: keep large data in a ConfigMap and refer to it.',
    ]);
  });
});

describe('a Backup is written with the fields given', () => {
  test('a migrated Backup without namespaces, location, TTL or volume fields stays without them', () => {
    const [backup] = synth((c) => new VeleroBackup(c, 'as-in-yaml', { volumes: VolumeBackupMethod.veleroDefaults(), excludedResources: ['events'] }));
    expect(backup.spec).toEqual({ excludedResources: ['events'] });
  });

  test('given fields are written, and durations keep the spelling they were written in', () => {
    const [backup] = synth(
      (c) =>
        new VeleroBackup(c, 'before-resize', {
          includedNamespaces: ['inventory'],
          storageLocation: 'offsite',
          retention: Duration.seconds(400),
          csiSnapshotTimeout: Duration.minutes(10),
          itemOperationTimeout: Duration.minutes(90),
          volumes: VolumeBackupMethod.snapshots(),
          hooks: [
            {
              name: 'fsfreeze',
              pre: [{ command: ['/sbin/fsfreeze', '--freeze', '/var/lib/db'], timeout: Duration.seconds(240), onError: HookOnError.fail() }],
            },
          ],
        }),
    );
    expect(backup.spec).toEqual({
      includedNamespaces: ['inventory'],
      snapshotVolumes: true,
      defaultVolumesToFsBackup: false,
      storageLocation: 'offsite',
      ttl: '400s',
      csiSnapshotTimeout: '10m',
      itemOperationTimeout: '90m',
      hooks: {
        resources: [
          { name: 'fsfreeze', pre: [{ exec: { command: ['/sbin/fsfreeze', '--freeze', '/var/lib/db'], onError: 'Fail', timeout: '240s' } }] },
        ],
      },
    });
  });

  test('a Schedule keeps the careful defaults (every namespace, location "default", a TTL the RPO check reads); veleroDefaults() drops the volume fields', () => {
    const [schedule] = synth(
      (c) =>
        new VeleroBackupPlan(c, 'plan', {
          volumes: VolumeBackupMethod.veleroDefaults(),
          schedules: [{ name: 'every-6h', schedule: BackupSchedule.everyHours(6), retention: Duration.minutes(2880) }],
        }),
    );
    expect(schedule.spec.template).toEqual({ includedNamespaces: ['*'], storageLocation: 'default', ttl: '2880m' });
  });

  test('Restore durations keep their spelling too', () => {
    const [restore] = synth(
      (c) =>
        new VeleroRestore(c, 'r', {
          from: RestoreSource.backup('before-resize'),
          itemOperationTimeout: Duration.seconds(5400),
          hooks: [
            {
              name: 'wait-for-db',
              postHooks: [
                RestoreHookAction.exec({
                  command: ['/usr/local/bin/db-ready'],
                  execTimeout: Duration.seconds(400),
                  waitTimeout: Duration.minutes(10),
                }),
              ],
            },
          ],
        }),
    );
    expect(restore.spec.itemOperationTimeout).toBe('5400s');
    expect(restore.spec.hooks.resources[0].postHooks[0].exec).toEqual({
      command: ['/usr/local/bin/db-ready'],
      execTimeout: '400s',
      waitTimeout: '10m',
    });
  });
});

describe('snapshotMoveData and the volume fields it depends on', () => {
  test("snapshotMoveData with the plan's file-system method (no snapshots) is refused, naming where snapshotVolumes came from", () => {
    expect(
      problemsOf((c) => new VeleroBackupPlan(c, 'plan', { schedules: [{ name: 'move', schedule: BackupSchedule.daily(), snapshotMoveData: true }] })),
    ).toEqual([
      '[test/plan] schedules[0].snapshotMoveData: snapshotMoveData moves snapshot data, but snapshotVolumes is false (set by VolumeBackupMethod.fileSystem()), so no snapshot is taken and nothing is moved. Fix: use volumes: VolumeBackupMethod.snapshotsWithDataMovement(), or set snapshotVolumes: true, or drop snapshotMoveData.',
    ]);
    expect(problemsOf((c) => new VeleroBackup(c, 'b', { volumes: VolumeBackupMethod.none(), snapshotMoveData: true }))).toEqual([
      '[test/b] snapshotMoveData: snapshotMoveData moves snapshot data, but snapshotVolumes is false (set by VolumeBackupMethod.none()), so no snapshot is taken and nothing is moved. Fix: use volumes: VolumeBackupMethod.snapshotsWithDataMovement(), or set snapshotVolumes: true, or drop snapshotMoveData.',
    ]);
  });

  test('a datamover without snapshotMoveData is refused; with data movement it is written', () => {
    expect(problemsOf((c) => new VeleroBackup(c, 'b', { volumes: VolumeBackupMethod.snapshots(), datamover: 'velero' }))).toEqual([
      '[test/b] datamover: datamover "velero" is set, but snapshotMoveData is not true, so Velero never uses it. Fix: set snapshotMoveData: true (or use VolumeBackupMethod.snapshotsWithDataMovement()), or drop datamover.',
    ]);
    expect(problemsOf((c) => new VeleroBackup(c, 'b', { volumes: VolumeBackupMethod.of({ snapshotVolumes: true, datamover: 'velero' }) }))).toEqual([
      '[test/b] volumes: datamover "velero" (set by VolumeBackupMethod.of({...})) is set, but snapshotMoveData is not true, so Velero never uses it. Fix: set snapshotMoveData: true (or use VolumeBackupMethod.snapshotsWithDataMovement()), or drop datamover.',
    ]);
    const [backup] = synth((c) => new VeleroBackup(c, 'b', { volumes: VolumeBackupMethod.snapshotsWithDataMovement(), datamover: 'velero' }));
    expect(backup.spec).toEqual({ snapshotVolumes: true, snapshotMoveData: true, defaultVolumesToFsBackup: false, datamover: 'velero' });
  });

  test('overriding the method: snapshotVolumes: true with the file-system method and snapshotMoveData is accepted', () => {
    const [schedule] = synth(
      (c) =>
        new VeleroBackupPlan(c, 'plan', {
          schedules: [
            { name: 'mixed', schedule: BackupSchedule.daily(), snapshotVolumes: true, snapshotMoveData: true, defaultVolumesToFsBackup: false },
          ],
        }),
    );
    expect(schedule.spec.template).toMatchObject({ snapshotVolumes: true, snapshotMoveData: true, defaultVolumesToFsBackup: false });
  });
});

describe('other plugins: ObjectStorageProvider.of and SnapshotProvider.of', () => {
  test('a third-party plugin by its qualified name, with its config, is written as given', () => {
    const [bsl, vsl] = synth((c) => {
      new BackupStorageLocation(c, 'objects', {
        provider: ObjectStorageProvider.of('example.com/objstore', { endpoint: 'https://objects.example.com', zone: 'fra1' }),
        bucket: 'Cluster_Backups',
      });
      new VolumeSnapshotLocation(c, 'disks', { provider: SnapshotProvider.of('example.com/blockstore', { zone: 'fra1' }) });
    });
    expect(bsl.spec).toEqual({
      provider: 'example.com/objstore',
      objectStorage: { bucket: 'Cluster_Backups' },
      config: { endpoint: 'https://objects.example.com', zone: 'fra1' },
    });
    expect(vsl.spec).toEqual({ provider: 'example.com/blockstore', config: { zone: 'fra1' } });
  });

  test("a qualified Velero plugin name gets its store's bucket rules", () => {
    expect(
      problemsOf((c) => new BackupStorageLocation(c, 'l', { provider: ObjectStorageProvider.of('velero.io/gcp'), bucket: 'goog-backups' })),
    ).toEqual([
      '[test/l] bucket: "goog-backups" is not a valid Cloud Storage bucket name: it starts with "goog" or contains "google", which Google reserves. Fix: use 3-63 lower-case letters, digits, "-", "_" and ".", starting and ending with a letter or digit, not shaped like an IP address (such as "team-a-velero-backups").',
    ]);
  });

  test('a name that is no plugin name, and config values that are not strings, are refused', () => {
    expect(
      problemsOf(
        (c) =>
          new BackupStorageLocation(c, 'l', {
            provider: ObjectStorageProvider.of('my object store', { port: 9000 as unknown as string }),
            bucket: 'backups',
          }),
      ),
    ).toEqual([
      '[test/l] provider: "my object store" is not a plugin name (Velero names plugins <domain>/<name>, a bare name meaning velero.io/<name>). Fix: name the object-store plugin as its documentation does, such as "aws", "velero.io/gcp" or "example.com/objstore".',
      '[test/l] provider.config.port: the value of "port" is a number; Velero\'s config holds strings. Fix: write it as a string, such as "9000".',
    ]);
    expect(problemsOf((c) => new VolumeSnapshotLocation(c, 'v', { provider: SnapshotProvider.of('a/b/c') }))).toEqual([
      '[test/v] provider: "a/b/c" is not a plugin name (Velero names plugins <domain>/<name>, a bare name meaning velero.io/<name>). Fix: name the volume-snapshotter plugin as its documentation does, such as "aws", "velero.io/azure" or "example.com/snapshots".',
    ]);
  });
});

describe('pod annotations: hooks and file-system backup volume lists', () => {
  const workload = (c: Chart) => {
    const d = new kplus.StatefulSet(c, 'ledger', {
      containers: [{ name: 'ledger', image: 'ledger:3', portNumber: 7000, securityContext: { ensureNonRoot: false } }],
    });
    d.addVolume(kplus.Volume.fromEmptyDir(c, 'scratch', 'scratch'));
    d.addVolume(kplus.Volume.fromEmptyDir(c, 'journal', 'journal'));
    return d;
  };

  test('every hook annotation Velero reads, and both volume lists, on a StatefulSet pod template', () => {
    const objs = synth((c) => {
      new BackupHooks(c, 'hooks', {
        workload: workload(c),
        preBackup: { container: 'ledger', command: ['/bin/ledger', 'freeze'], onError: HookOnError.fail(), timeout: Duration.seconds(90) },
        postBackup: { container: 'ledger', command: ['/bin/ledger', 'thaw'], onError: HookOnError.continue() },
        restoreInit: { name: 'fetch-keys', image: 'busybox:1.37', command: ['/bin/sh', '-c', 'cp /keys/* /journal/'] },
        restoreExec: {
          container: 'ledger',
          command: ['/bin/ledger', 'verify'],
          execTimeout: Duration.minutes(3),
          waitTimeout: Duration.seconds(600),
          waitForReady: true,
        },
        fileSystemBackupVolumes: ['journal'],
        excludedFromFileSystemBackup: ['scratch'],
      });
    });
    const sts = objs.find((o) => o.kind === 'StatefulSet');
    expect(sts.spec.template.metadata.annotations).toEqual({
      'pre.hook.backup.velero.io/container': 'ledger',
      'pre.hook.backup.velero.io/command': '["/bin/ledger","freeze"]',
      'pre.hook.backup.velero.io/on-error': 'Fail',
      'pre.hook.backup.velero.io/timeout': '90s',
      'post.hook.backup.velero.io/container': 'ledger',
      'post.hook.backup.velero.io/command': '["/bin/ledger","thaw"]',
      'post.hook.backup.velero.io/on-error': 'Continue',
      'init.hook.restore.velero.io/container-image': 'busybox:1.37',
      'init.hook.restore.velero.io/container-name': 'fetch-keys',
      'init.hook.restore.velero.io/command': '["/bin/sh","-c","cp /keys/* /journal/"]',
      'post.hook.restore.velero.io/container': 'ledger',
      'post.hook.restore.velero.io/command': '["/bin/ledger","verify"]',
      'post.hook.restore.velero.io/exec-timeout': '3m',
      'post.hook.restore.velero.io/wait-timeout': '600s',
      'post.hook.restore.velero.io/wait-for-ready': 'true',
      'backup.velero.io/backup-volumes': 'journal',
      'backup.velero.io/backup-volumes-excludes': 'scratch',
    });
  });

  test('volume lists alone need no hook; a volume the pod lacks, or one in both lists, is refused', () => {
    const objs = synth((c) => new BackupHooks(c, 'hooks', { workload: workload(c), fileSystemBackupVolumes: ['journal', 'scratch'] }));
    expect(objs.find((o) => o.kind === 'StatefulSet').spec.template.metadata.annotations).toEqual({
      'backup.velero.io/backup-volumes': 'journal,scratch',
    });
    expect(
      () =>
        new BackupHooks(new Chart(Testing.app(), 'test'), 'hooks', {
          workload: workload(new Chart(Testing.app(), 'x')),
          fileSystemBackupVolumes: ['journal'],
          excludedFromFileSystemBackup: ['journal', 'Tmp'],
        }),
    ).toThrow(
      [
        '2 problems in test/hooks:',
        '  [test/hooks] excludedFromFileSystemBackup[1]: "Tmp" is not a volume name. Fix: name a volume of the pod template (a DNS label).',
        '  [test/hooks] excludedFromFileSystemBackup: volume "journal" is both opted in and out of file-system backup. Fix: list it in one of the two.',
      ].join('\n'),
    );
    const app = Testing.app();
    const c = new Chart(app, 'test');
    new BackupHooks(c, 'hooks', { workload: workload(c), excludedFromFileSystemBackup: ['cache'] });
    expect(() => app.synth()).toThrow(
      '[test/hooks] excludedFromFileSystemBackup[0]: volume "cache" is not in the workload, whose pod template has the volumes "scratch", "journal". Fix: use one of "scratch", "journal".',
    );
  });
});

describe('every plugin option the AWS, Azure and GCP plugins document for a location', () => {
  test('AWS S3 with SSE-C, signature version and shared config; an S3-compatible store; Azure with an AD authority and block size; EBS with a copy region', () => {
    const [s3, compatible, azure, ebs] = synth((c) => {
      new BackupStorageLocation(c, 'sse-c', {
        provider: ObjectStorageProvider.aws({
          region: 'ap-southeast-2',
          customerKeyEncryptionFile: '/credentials/sse-c-key',
          signatureVersion: '4',
          enableSharedConfig: true,
          tagging: 'team=payments',
        }),
        bucket: 'payments-cluster-backups',
      });
      new BackupStorageLocation(c, 'quobyte', {
        provider: ObjectStorageProvider.s3Compatible({
          s3Url: 'https://s3.storage.example.net',
          signatureVersion: '1',
          serverSideEncryption: 'AES256',
        }),
        bucket: 'k8s-backups',
      });
      new BackupStorageLocation(c, 'sovereign', {
        provider: ObjectStorageProvider.azure({
          storageAccount: 'backupsgov01',
          storageAccountURI: 'https://backupsgov01.blob.core.usgovcloudapi.net',
          useAAD: true,
          activeDirectoryAuthorityURI: 'https://login.microsoftonline.us/',
          blockSizeInBytes: 8 * 1024 * 1024,
        }),
        bucket: 'velero',
      });
      new VolumeSnapshotLocation(c, 'ebs', { provider: SnapshotProvider.aws({ region: 'ap-southeast-2', altRegion: 'ap-southeast-4' }) });
    });
    expect(s3.spec.config).toEqual({
      region: 'ap-southeast-2',
      tagging: 'team=payments',
      customerKeyEncryptionFile: '/credentials/sse-c-key',
      signatureVersion: '4',
      enableSharedConfig: 'true',
    });
    expect(compatible.spec.config).toEqual({
      region: 'us-east-1',
      s3ForcePathStyle: 'true',
      s3Url: 'https://s3.storage.example.net',
      serverSideEncryption: 'AES256',
      signatureVersion: '1',
    });
    expect(azure.spec.config).toEqual({
      storageAccount: 'backupsgov01',
      useAAD: 'true',
      storageAccountURI: 'https://backupsgov01.blob.core.usgovcloudapi.net',
      activeDirectoryAuthorityURI: 'https://login.microsoftonline.us/',
      blockSizeInBytes: '8388608',
    });
    expect(ebs.spec.config).toEqual({ region: 'ap-southeast-2', altRegion: 'ap-southeast-4' });
  });

  test('conflicting or malformed plugin options are refused at provider.<option>', () => {
    expect(
      problemsOf(
        (c) =>
          new BackupStorageLocation(c, 'l', {
            provider: ObjectStorageProvider.aws({
              region: 'eu-west-1',
              kmsKeyId: 'alias/velero',
              customerKeyEncryptionFile: 'key.bin',
              signatureVersion: '2' as '4',
            }),
            bucket: 'eu-backups',
          }),
      ),
    ).toEqual([
      '[test/l] provider.customerKeyEncryptionFile: "key.bin" is not an absolute path in Velero\'s pod. Fix: give the path where the key file is mounted, such as /credentials/customer-key.',
      '[test/l] provider.signatureVersion: "2" is not 1 or 4. Fix: use "4" (the default), or "1" for stores that need it.',
      '[test/l] provider.customerKeyEncryptionFile: SSE-C (customerKeyEncryptionFile) and SSE-KMS (kmsKeyId) are both given; the plugin takes one. Fix: choose one of the two encryptions.',
    ]);
    expect(
      problemsOf(
        (c) =>
          new BackupStorageLocation(c, 'l', {
            provider: ObjectStorageProvider.azure({
              storageAccount: 'backups01',
              resourceGroup: 'rg-backups',
              activeDirectoryAuthorityURI: 'login.microsoftonline.us',
              blockSizeInBytes: 200 * 1024 * 1024,
            }),
            bucket: 'velero',
          }),
      ),
    ).toEqual([
      '[test/l] provider.activeDirectoryAuthorityURI: "login.microsoftonline.us" is not an http(s) URL. Fix: give the endpoint with its scheme, such as https://s3.example.com:9000.',
      '[test/l] provider.activeDirectoryAuthorityURI: the Azure AD authority is read only with useAAD: true. Fix: set useAAD: true, or drop activeDirectoryAuthorityURI.',
      '[test/l] provider.blockSizeInBytes: 209715200 is not a whole number of bytes from 1 to 104857600 (100 MiB). Fix: give a block size such as 4194304 (4 MiB).',
    ]);
    expect(
      problemsOf((c) => new VolumeSnapshotLocation(c, 'v', { provider: SnapshotProvider.aws({ region: 'eu-west-1', altRegion: 'eu-west-1' }) })),
    ).toEqual([
      '[test/v] provider.altRegion: snapshots would be copied into their own region "eu-west-1". Fix: name another region, or drop altRegion.',
    ]);
  });
});
