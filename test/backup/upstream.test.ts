import { Chart, Duration, JsonPatch, Testing } from 'cdk8s';
import {
  BackupSchedule,
  BackupStorageAccessMode,
  BackupStorageLocation,
  CaCertificate,
  ExistingResourcePolicy,
  HookOnError,
  MinioCredentials,
  MinioStorage,
  ObjectStorageProvider,
  ResilienceValidationError,
  ResourcePolicyRef,
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

function chart(): Chart {
  return new Chart(Testing.app(), 'test');
}

function synth(build: (c: Chart) => void): Json[] {
  const c = chart();
  build(c);
  const objs = Testing.synth(c);
  expectValidManifests(objs);
  return objs;
}

function problemsOf(build: (c: Chart) => void): string[] {
  const c = chart();
  try {
    build(c);
  } catch (e) {
    expect(e).toBeInstanceOf(ResilienceValidationError);
    expect(Testing.synth(c)).toEqual([]);
    return (e as ResilienceValidationError).message
      .split('\n')
      .slice(1)
      .map((l) => l.trim());
  }
  throw new Error('expected a ResilienceValidationError');
}

const FAKE_PEM = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';

describe('VeleroRestore', () => {
  test('namespace mapping, filters, selectors, policies and both kinds of restore hooks reach the spec', () => {
    const [restore] = synth(
      (c) =>
        new VeleroRestore(c, 'shop-into-staging', {
          from: RestoreSource.backup('nightly-20250101'),
          includedNamespaces: ['shop', 'payments'],
          excludedResources: ['events', 'events.events.k8s.io'],
          includedResources: ['deployments', 'persistentvolumeclaims', 'persistentvolumes', 'pods'],
          includeClusterResources: false,
          labelSelector: { matchExpressions: [{ key: 'restore-skip', operator: 'DoesNotExist' }] },
          namespaceMapping: { shop: 'shop-staging', payments: 'payments-staging' },
          restorePVs: true,
          preserveNodePorts: false,
          existingResourcePolicy: ExistingResourcePolicy.update(),
          itemOperationTimeout: Duration.minutes(90),
          restoreStatus: { includedResources: ['workflows'] },
          resourceModifierConfigMap: 'staging-modifiers',
          uploaderConfig: { writeSparseFiles: true, parallelFilesDownload: 8 },
          labels: { purpose: 'staging-refresh' },
          hooks: [
            {
              name: 'warm-cache',
              includedNamespaces: ['shop'],
              excludedResources: ['jobs'],
              labelSelector: { matchLabels: { app: 'cache' } },
              postHooks: [
                RestoreHookAction.init(
                  [
                    {
                      name: 'seed',
                      image: 'busybox:1.36',
                      command: ['/bin/sh', '-c', 'cp /seed/* /data/'],
                      volumeMounts: [{ name: 'data', mountPath: '/data' }],
                      env: { MODE: 'staging' },
                      extra: { resources: { limits: { memory: '64Mi' } } },
                    },
                  ],
                  { timeout: Duration.seconds(400) },
                ),
                RestoreHookAction.exec({
                  container: 'cache',
                  command: ['/usr/bin/warm', '--all'],
                  onError: HookOnError.fail(),
                  execTimeout: Duration.minutes(10),
                  waitTimeout: Duration.seconds(240),
                  waitForReady: true,
                }),
              ],
            },
          ],
        }),
    );
    expect(restore.kind).toBe('Restore');
    expect(restore.metadata).toEqual({
      name: 'shop-into-staging',
      namespace: 'velero',
      labels: { 'app.kubernetes.io/managed-by': 'cdk8s-resilience', purpose: 'staging-refresh' },
    });
    expect(restore.spec).toEqual({
      backupName: 'nightly-20250101',
      includedNamespaces: ['shop', 'payments'],
      includedResources: ['deployments', 'persistentvolumeclaims', 'persistentvolumes', 'pods'],
      excludedResources: ['events', 'events.events.k8s.io'],
      includeClusterResources: false,
      labelSelector: { matchExpressions: [{ key: 'restore-skip', operator: 'DoesNotExist' }] },
      namespaceMapping: { shop: 'shop-staging', payments: 'payments-staging' },
      restorePVs: true,
      preserveNodePorts: false,
      existingResourcePolicy: 'update',
      itemOperationTimeout: '90m',
      restoreStatus: { includedResources: ['workflows'] },
      resourceModifier: { kind: 'ConfigMap', name: 'staging-modifiers' },
      uploaderConfig: { writeSparseFiles: true, parallelFilesDownload: 8 },
      hooks: {
        resources: [
          {
            name: 'warm-cache',
            includedNamespaces: ['shop'],
            excludedResources: ['jobs'],
            labelSelector: { matchLabels: { app: 'cache' } },
            postHooks: [
              {
                init: {
                  timeout: '400s',
                  initContainers: [
                    {
                      name: 'seed',
                      image: 'busybox:1.36',
                      command: ['/bin/sh', '-c', 'cp /seed/* /data/'],
                      env: [{ name: 'MODE', value: 'staging' }],
                      volumeMounts: [{ name: 'data', mountPath: '/data' }],
                      resources: { limits: { memory: '64Mi' } },
                    },
                  ],
                },
              },
              {
                exec: {
                  container: 'cache',
                  command: ['/usr/bin/warm', '--all'],
                  onError: 'Fail',
                  execTimeout: '10m',
                  waitTimeout: '240s',
                  waitForReady: true,
                },
              },
            ],
          },
        ],
      },
    });
  });

  test('the latest backup of a schedule, with orLabelSelectors, and the spec escape hatch', () => {
    const [restore] = synth((c) => {
      const r = new VeleroRestore(c, 'r', {
        from: RestoreSource.latestOfSchedule('hourly-backup'),
        orLabelSelectors: [{ matchLabels: { tier: 'db' } }, { matchLabels: { tier: 'cache' } }],
        spec: { includedNamespaces: ['*'] },
      });
      r.apiObject.addJsonPatch(JsonPatch.add('/metadata/annotations', { note: 'drill' }));
    });
    expect(restore.spec).toEqual({
      scheduleName: 'hourly-backup',
      orLabelSelectors: [{ matchLabels: { tier: 'db' } }, { matchLabels: { tier: 'cache' } }],
      includedNamespaces: ['*'],
    });
    expect(restore.metadata.annotations).toEqual({ note: 'drill' });
  });

  test('every problem is reported at once, with field and fix, and nothing is emitted', () => {
    const lines = problemsOf(
      (c) =>
        new VeleroRestore(c, 'bad', {
          from: RestoreSource.backup('Nightly'),
          includedNamespaces: ['shop'],
          excludedNamespaces: ['shop'],
          namespaceMapping: { orders: 'staging', shop: 'staging' },
          labelSelector: { matchLabels: { a: 'b' } },
          orLabelSelectors: [{ matchLabels: { c: 'd' } }],
          hooks: [
            { name: 'empty', postHooks: [] },
            {
              name: 'broken',
              postHooks: [
                RestoreHookAction.exec({ command: ['warm the cache'], execTimeout: Duration.millis(500) }),
                RestoreHookAction.init([
                  { name: 'x', image: '' },
                  { name: 'x', image: 'busybox' },
                ]),
              ],
            },
          ],
          uploaderConfig: { parallelFilesDownload: 0 },
        }),
    );
    expect(lines).toEqual([
      "[test/bad] from: Backup name \"Nightly\" is not a DNS-1123 subdomain (lower-case letters, digits, '-' and '.'). Fix: give the name of an existing Backup or Schedule.",
      '[test/bad] excludedNamespaces: "shop" is both included and excluded. Fix: list it in one of the two.',
      '[test/bad] orLabelSelectors: labelSelector and orLabelSelectors are both set; Velero rejects such a restore. Fix: use one of them.',
      '[test/bad] namespaceMapping.orders: "orders" is mapped but not among includedNamespaces (shop), so nothing is restored into "staging". Fix: add "orders" to includedNamespaces, or drop the mapping.',
      '[test/bad] namespaceMapping.shop: "shop" is mapped but excluded. Fix: drop the mapping or the exclusion.',
      '[test/bad] namespaceMapping.shop: "shop" and "orders" are both restored into "staging", where their objects may collide. Fix: map each source namespace to a namespace of its own.',
      '[test/bad] hooks[0].postHooks: the hook does nothing. Fix: add RestoreHookAction.exec({...}) or RestoreHookAction.init([...]).',
      '[test/bad] hooks[1].postHooks[0].exec.command: "warm the cache" is a whole command line in one string; Velero runs it as a single program name and the hook fails with exit 126. Fix: split it into a list (["warm","the","cache"]) or run it through a shell: [\'/bin/sh\', \'-c\', "warm the cache"].',
      '[test/bad] hooks[1].postHooks[0].exec.execTimeout: 500ms is not a whole number of seconds. Fix: use whole seconds: Duration.seconds(n), Duration.minutes(n), Duration.hours(n) or Duration.days(n).',
      '[test/bad] hooks[1].postHooks[1].init.containers[0].image: the image is empty. Fix: name the init container image.',
      '[test/bad] hooks[1].postHooks[1].init.containers[1].name: container name "x" is used twice. Fix: give each init container its own name.',
      '[test/bad] uploaderConfig.parallelFilesDownload: 0 is not a positive whole number. Fix: give the number of files downloaded at once, such as 4.',
    ]);
  });
});

describe('VeleroBackup and the shared backup template fields', () => {
  test('an on-demand Backup shares the Schedule template: filters, hooks with resource filters, and every extra field', () => {
    const [backup] = synth(
      (c) =>
        new VeleroBackup(c, 'before-migration', {
          includedNamespaces: ['shop'],
          includedNamespaceScopedResources: ['deployments', 'configmaps', 'persistentvolumeclaims'],
          excludedClusterScopedResources: ['storageclasses.storage.k8s.io'],
          retention: Duration.hours(72),
          volumes: VolumeBackupMethod.snapshots(),
          snapshotMoveData: true,
          datamover: 'velero',
          resourcePolicy: ResourcePolicyRef.configMap('skip-scratch-volumes'),
          orderedResources: { pods: ['shop/db-0', 'shop/db-1'], persistentvolumes: ['pv-db-0'] },
          uploaderConfig: { parallelFilesUpload: 6 },
          csiSnapshotTimeout: Duration.minutes(10),
          itemOperationTimeout: Duration.seconds(400),
          volumeGroupSnapshotLabelKey: 'backup-group',
          storageLocation: 'offsite',
          labels: { reason: 'migration' },
          hooks: [
            {
              name: 'db-flush',
              includedNamespaces: ['shop'],
              excludedNamespaces: ['shop-canary'],
              includedResources: ['pods'],
              excludedResources: ['jobs'],
              labelSelector: { matchLabels: { app: 'db' } },
              pre: [{ container: 'db', command: ['/bin/sh', '-c', 'db-admin flush'], timeout: Duration.seconds(90), onError: HookOnError.fail() }],
            },
          ],
        }),
    );
    expect(backup.kind).toBe('Backup');
    expect(backup.metadata).toEqual({
      name: 'before-migration',
      namespace: 'velero',
      labels: { 'app.kubernetes.io/managed-by': 'cdk8s-resilience', reason: 'migration' },
    });
    expect(backup.spec).toEqual({
      includedNamespaces: ['shop'],
      includedNamespaceScopedResources: ['deployments', 'configmaps', 'persistentvolumeclaims'],
      excludedClusterScopedResources: ['storageclasses.storage.k8s.io'],
      snapshotVolumes: true,
      defaultVolumesToFsBackup: false,
      snapshotMoveData: true,
      datamover: 'velero',
      resourcePolicy: { kind: 'configmap', name: 'skip-scratch-volumes' },
      orderedResources: { pods: 'shop/db-0,shop/db-1', persistentvolumes: 'pv-db-0' },
      uploaderConfig: { parallelFilesUpload: 6 },
      volumeGroupSnapshotLabelKey: 'backup-group',
      storageLocation: 'offsite',
      ttl: '72h',
      csiSnapshotTimeout: '10m',
      itemOperationTimeout: '400s',
      hooks: {
        resources: [
          {
            name: 'db-flush',
            includedNamespaces: ['shop'],
            excludedNamespaces: ['shop-canary'],
            includedResources: ['pods'],
            excludedResources: ['jobs'],
            labelSelector: { matchLabels: { app: 'db' } },
            pre: [{ exec: { container: 'db', command: ['/bin/sh', '-c', 'db-admin flush'], onError: 'Fail', timeout: '90s' } }],
          },
        ],
      },
    });
  });

  test("no props: file-system backup; namespaces, location and retention left to Velero's defaults", () => {
    const [backup] = synth((c) => new VeleroBackup(c, 'adhoc'));
    expect(backup.spec).toEqual({ defaultVolumesToFsBackup: true, snapshotVolumes: false });
  });

  test('a Schedule takes the same extra fields; its durations keep their spelling', () => {
    const [schedule] = synth(
      (c) =>
        new VeleroBackupPlan(c, 'plan', {
          schedules: [
            {
              name: 'ordered',
              schedule: BackupSchedule.daily(),
              retention: Duration.hours(36),
              itemOperationTimeout: Duration.minutes(240),
              defaultVolumesToFsBackup: false,
              snapshotVolumes: true,
              orderedResources: { statefulsets: ['shop/db'] },
              resourcePolicy: ResourcePolicyRef.configMap('volume-policy'),
              hooks: [{ name: 'h', includedResources: ['pods'], post: [{ command: ['/bin/true'] }] }],
            },
          ],
        }),
    );
    expect(schedule.spec.template).toMatchObject({
      ttl: '36h',
      itemOperationTimeout: '240m',
      defaultVolumesToFsBackup: false,
      snapshotVolumes: true,
      orderedResources: { statefulsets: 'shop/db' },
      resourcePolicy: { kind: 'configmap', name: 'volume-policy' },
      hooks: { resources: [{ name: 'h', includedResources: ['pods'], post: [{ exec: { command: ['/bin/true'] } }] }] },
    });
  });

  test('problems of the template fields are reported with their field', () => {
    expect(
      problemsOf(
        (c) =>
          new VeleroBackup(c, 'bad', {
            includedResources: ['pods'],
            includedClusterScopedResources: ['nodes'],
            orderedResources: { pods: ['a/b/c'], services: [] },
            uploaderConfig: { parallelFilesUpload: 1.5 },
            snapshotMoveData: true,
            snapshotVolumes: false,
            retention: Duration.millis(10),
            hooks: [{ name: 'h', includedNamespaces: ['shop'], excludedNamespaces: ['shop'], pre: [{ command: ['sync'] }] }],
          }),
      ),
    ).toEqual([
      '[test/bad] retention: 10ms is not a whole number of seconds. Fix: use whole seconds: Duration.seconds(n), Duration.minutes(n), Duration.hours(n) or Duration.days(n).',
      '[test/bad] hooks[0].excludedNamespaces[0]: "shop" is both included and excluded. Fix: list it in one of the two.',
      '[test/bad] orderedResources.pods[0]: "a/b/c" is not `namespace/name` or `name`. Fix: write each object as namespace/name, such as "team-a/web-0".',
      '[test/bad] orderedResources.services: the list is empty. Fix: list `namespace/name` (or `name` for cluster-scoped objects), or drop the resource.',
      '[test/bad] uploaderConfig.parallelFilesUpload: 1.5 is not a positive whole number. Fix: give the number of files uploaded at once, such as 4.',
      '[test/bad] includedClusterScopedResources: the scoped filters (includedClusterScopedResources) cannot be combined with includedResources; Velero rejects such a backup. Fix: use either the scoped filters or includedResources/excludedResources/includeClusterResources.',
      '[test/bad] snapshotMoveData: snapshotMoveData moves snapshot data, but snapshotVolumes is false, so no snapshot is taken and nothing is moved. Fix: use volumes: VolumeBackupMethod.snapshotsWithDataMovement(), or set snapshotVolumes: true, or drop snapshotMoveData.',
    ]);
  });
});

describe('BackupStorageLocation and VolumeSnapshotLocation', () => {
  test('AWS S3 with KMS, a secondary read-only location for restores from another cluster, and sync/validation periods', () => {
    const objs = synth((c) => {
      new BackupStorageLocation(c, 'primary', {
        provider: ObjectStorageProvider.aws({ region: 'eu-west-1', kmsKeyId: 'alias/velero', serverSideEncryption: 'aws:kms' }),
        bucket: 'acme-backups',
        prefix: 'cluster-a',
        default: true,
        credential: { secretName: 'aws-backup-writer' },
        backupSyncPeriod: Duration.minutes(2),
        validationFrequency: Duration.seconds(90),
      });
      new BackupStorageLocation(c, 'cluster-b-backups', {
        provider: ObjectStorageProvider.aws({ region: 'eu-west-1' }),
        bucket: 'acme-backups',
        prefix: 'cluster-b',
        accessMode: BackupStorageAccessMode.readOnly(),
        backupSyncPeriod: Duration.seconds(0),
      });
      new VolumeSnapshotLocation(c, 'ebs', { provider: SnapshotProvider.aws({ region: 'eu-west-1' }) });
    });
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'BackupStorageLocation/primary',
      'BackupStorageLocation/cluster-b-backups',
      'VolumeSnapshotLocation/ebs',
    ]);
    expect(objs[0].spec).toEqual({
      provider: 'aws',
      default: true,
      objectStorage: { bucket: 'acme-backups', prefix: 'cluster-a' },
      credential: { name: 'aws-backup-writer', key: 'cloud' },
      config: { region: 'eu-west-1', kmsKeyId: 'alias/velero', serverSideEncryption: 'aws:kms' },
      backupSyncPeriod: '2m',
      validationFrequency: '90s',
    });
    expect(objs[1].spec).toEqual({
      provider: 'aws',
      accessMode: 'ReadOnly',
      objectStorage: { bucket: 'acme-backups', prefix: 'cluster-b' },
      config: { region: 'eu-west-1' },
      backupSyncPeriod: '0s',
    });
    expect(objs[2].spec).toEqual({ provider: 'aws', config: { region: 'eu-west-1' } });
  });

  test('S3-compatible with a private CA, GCS, and Azure (object store and snapshots)', () => {
    const objs = synth((c) => {
      new BackupStorageLocation(c, 'ceph', {
        provider: ObjectStorageProvider.s3Compatible({
          s3Url: 'https://rgw.storage.example:8443',
          region: 'default',
          publicUrl: 'https://backups.example.com',
          checksumAlgorithm: '',
        }),
        bucket: 'velero',
        caCert: CaCertificate.pem(FAKE_PEM),
      });
      new BackupStorageLocation(c, 'gcs', {
        provider: ObjectStorageProvider.gcp({ serviceAccount: 'velero@proj.iam.gserviceaccount.com' }),
        bucket: 'acme-velero',
        caCert: CaCertificate.fromSecret('gcs-ca', 'ca.crt'),
      });
      new BackupStorageLocation(c, 'azure', {
        provider: ObjectStorageProvider.azure({
          resourceGroup: 'backups-rg',
          storageAccount: 'acmevelero',
          subscriptionId: '0000-1111',
          useAAD: true,
        }),
        bucket: 'velero',
      });
      new VolumeSnapshotLocation(c, 'pd', { provider: SnapshotProvider.gcp({ snapshotLocation: 'europe-west1', project: 'acme-prod' }) });
      new VolumeSnapshotLocation(c, 'disks', {
        provider: SnapshotProvider.azure({
          resourceGroup: 'snap-rg',
          incremental: true,
          apiTimeout: Duration.minutes(5),
          tags: { team: 'platform' },
        }),
        credential: { secretName: 'azure-snap', key: 'creds' },
      });
    });
    expect(objs[0].spec).toEqual({
      provider: 'aws',
      objectStorage: { bucket: 'velero', caCert: Buffer.from(FAKE_PEM).toString('base64') },
      config: {
        region: 'default',
        s3ForcePathStyle: 'true',
        s3Url: 'https://rgw.storage.example:8443',
        publicUrl: 'https://backups.example.com',
        checksumAlgorithm: '',
      },
    });
    expect(objs[1].spec).toEqual({
      provider: 'gcp',
      objectStorage: { bucket: 'acme-velero', caCertRef: { name: 'gcs-ca', key: 'ca.crt' } },
      config: { serviceAccount: 'velero@proj.iam.gserviceaccount.com' },
    });
    expect(objs[2].spec).toEqual({
      provider: 'azure',
      objectStorage: { bucket: 'velero' },
      config: { resourceGroup: 'backups-rg', storageAccount: 'acmevelero', subscriptionId: '0000-1111', useAAD: 'true' },
    });
    expect(objs[3].spec).toEqual({ provider: 'gcp', config: { snapshotLocation: 'europe-west1', project: 'acme-prod' } });
    expect(objs[4].spec).toEqual({
      provider: 'azure',
      credential: { name: 'azure-snap', key: 'creds' },
      config: { resourceGroup: 'snap-rg', apiTimeout: '5m', incremental: 'true', tags: 'team=platform' },
    });
  });

  test('MinioStorage is one way to get a location: its location construct and objects', () => {
    const c = chart();
    const minio = new MinioStorage(c, 'minio', { credentials: MinioCredentials.fromExistingSecret('minio-creds') });
    expect(minio.location).toBeInstanceOf(BackupStorageLocation);
    expect(minio.location.name).toBe('default');
    expect(minio.backupStorageLocation).toBe(minio.location.apiObject);
    expect(minio.volumeSnapshotLocation).toBe(minio.snapshotLocation!.apiObject);
    const objs = Testing.synth(c);
    expectValidManifests(objs);
    expect(objs.find((o: Json) => o.kind === 'BackupStorageLocation').spec).toEqual({
      provider: 'aws',
      default: true,
      objectStorage: { bucket: 'velero-backups' },
      credential: { name: 'minio-creds', key: 'cloud' },
      config: { region: 'us-east-1', s3ForcePathStyle: 'true', s3Url: 'http://minio.velero.svc.cluster.local:9000' },
    });
  });

  test('problems: endpoint, bucket, prefix, a read-only default, a bad CA, Azure without a way to find the account', () => {
    expect(
      problemsOf(
        (c) =>
          new BackupStorageLocation(c, 'bad', {
            provider: ObjectStorageProvider.s3Compatible({ s3Url: 'minio:9000', insecureSkipTLSVerify: true }),
            bucket: 'a/b',
            prefix: '/x/',
            default: true,
            accessMode: BackupStorageAccessMode.readOnly(),
            caCert: CaCertificate.pem('not a cert'),
          }),
      ),
    ).toEqual([
      '[test/bad] provider.s3Url: "minio:9000" is not an http(s) URL. Fix: give the endpoint with its scheme, such as https://s3.example.com:9000.',
      '[test/bad] bucket: "a/b" is not a valid S3 bucket name: it contains a slash or white space (a path belongs in prefix). Fix: give the bucket name without slashes or white space; put a path in prefix.',
      '[test/bad] prefix: "/x/" starts or ends with \'/\' or is empty. Fix: give a prefix without leading or trailing slashes.',
      '[test/bad] caCert: the CA certificate is invalid: the text has no "-----BEGIN CERTIFICATE-----" block. Fix: give the PEM bundle of the certificate authority.',
      '[test/bad] default: a read-only location cannot be the default: every backup that names no location would fail. Fix: make another location the default, or make this one read-write.',
      '[test/bad] provider.insecureSkipTLSVerify: TLS verification is skipped although a CA certificate is given. Fix: drop insecureSkipTLSVerify: the CA certificate makes the endpoint verifiable.',
    ]);
    expect(
      problemsOf(
        (c) => new BackupStorageLocation(c, 'az', { provider: ObjectStorageProvider.azure({ storageAccount: 'Acme_Velero' }), bucket: 'velero' }),
      ),
    ).toEqual([
      '[test/az] provider.storageAccount: "Acme_Velero" is not an Azure storage account name (3-24 lower-case letters and digits). Fix: give the storage account name.',
      '[test/az] provider.resourceGroup: the plugin cannot find the storage account: neither resourceGroup, storageAccountKeyEnvVar nor storageAccountURI is given. Fix: give the resource group of the storage account.',
    ]);
  });
});
