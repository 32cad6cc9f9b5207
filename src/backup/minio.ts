import { ApiObject, Size } from 'cdk8s';
import { LIBRARY_LABELS, objectLabels } from '../common/conventions';
import { Construct } from 'constructs';
import { nameProblems, namespaceProblems, Problems, restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../common';
import { apiObjectsOf, coreApiObject, IApiObjectOwner, setMainObject } from '../common/api-object';
import type * as k8s from '../common/k8s-types';
import { bucketNameProblems } from './bucket-names';
import { VELERO_NAMESPACE } from './plan';
import { BackupStorageLocation, ObjectStorageProvider, SnapshotProvider, VolumeSnapshotLocation } from './storage-location';

/** Key of the Velero credentials file in the credentials Secret (what `velero install` uses). */
export const VELERO_CREDENTIALS_KEY = 'cloud';

/** Options of {@link MinioCredentials.fromExistingSecret}. */
export interface ExistingSecretOptions {
  /** Key holding Velero's AWS credentials file (`[default]` profile). @default "cloud" */
  readonly veleroKey?: string;
  /** Key holding MinIO's root user (the access key). @default "MINIO_ROOT_USER" */
  readonly userKey?: string;
  /** Key holding MinIO's root password (the secret key). @default "MINIO_ROOT_PASSWORD" */
  readonly passwordKey?: string;
}

/** Options of {@link MinioCredentials.insecureDemo}. */
export interface InsecureDemoOptions {
  /** @default "minioadmin" */
  readonly accessKey?: string;
  /** At least 8 characters. @default "minioadmin" */
  readonly secretKey?: string;
  /** Name of the generated Secret. @default "cloud-credentials" */
  readonly secretName?: string;
}

/**
 * Where MinIO's root credentials and Velero's credentials file come from. There is no
 * default: choose an existing Secret (managed outside the manifests) or, for a throwaway
 * cluster only, generated demo credentials stored in plain text in the manifest.
 */
export class MinioCredentials {
  /**
   * A Secret in MinIO's namespace created outside the manifests (sealed, external, or by
   * hand), with three keys: Velero's credentials file and MinIO's root user and password.
   */
  public static fromExistingSecret(name: string, options: ExistingSecretOptions = {}): MinioCredentials {
    return new MinioCredentials(
      name,
      options.veleroKey ?? VELERO_CREDENTIALS_KEY,
      options.userKey ?? 'MINIO_ROOT_USER',
      options.passwordKey ?? 'MINIO_ROOT_PASSWORD',
    );
  }

  /**
   * Demo credentials written into a generated Secret in plain text (the chapter's Kind
   * cluster). Never for a cluster whose backups matter.
   */
  public static insecureDemo(options: InsecureDemoOptions = {}): MinioCredentials {
    return new MinioCredentials(options.secretName ?? 'cloud-credentials', VELERO_CREDENTIALS_KEY, 'MINIO_ROOT_USER', 'MINIO_ROOT_PASSWORD', {
      accessKey: options.accessKey ?? 'minioadmin',
      secretKey: options.secretKey ?? 'minioadmin',
    });
  }

  private constructor(
    /** Name of the Secret. */
    public readonly secretName: string,
    /** Key of Velero's credentials file. */
    public readonly veleroKey: string,
    /** Key of MinIO's root user. */
    public readonly userKey: string,
    /** Key of MinIO's root password. */
    public readonly passwordKey: string,
    /** The demo values, when generated. */
    public readonly demo?: { readonly accessKey: string; readonly secretKey: string },
  ) {}
}

/** The credentials file Velero's AWS plugin reads. */
export function awsCredentialsFile(accessKey: string, secretKey: string): string {
  return `[default]\naws_access_key_id=${accessKey}\naws_secret_access_key=${secretKey}\n`;
}

/** Props of {@link MinioStorage}. */
export interface MinioStorageProps {
  /** Where the credentials come from; required (there is deliberately no default). */
  readonly credentials: MinioCredentials;
  /** Namespace of MinIO (and of the storage locations, which must be Velero's). @default "velero" */
  readonly namespace?: string;
  /** Name of the Deployment and Service; the S3 URL derives from it. @default "minio" */
  readonly name?: string;
  /** Bucket Velero writes to. @default "velero-backups" */
  readonly bucket?: string;
  /** Prefix inside the bucket. @default none */
  readonly prefix?: string;
  /** S3 region name given to Velero's AWS plugin. @default "us-east-1" */
  readonly region?: string;
  /** Size of the data volume. @default Size.gibibytes(10) */
  readonly storageSize?: Size;
  /** Storage class of the data volume. @default the cluster's default class */
  readonly storageClassName?: string;
  /** MinIO server image. @default "quay.io/minio/minio:RELEASE.2025-04-22T22-12-26Z" */
  readonly image?: string;
  /** MinIO client image of the bucket Job. @default "quay.io/minio/mc:RELEASE.2025-04-16T18-13-26Z" */
  readonly clientImage?: string;
  /** Name of the BackupStorageLocation. @default "default" */
  readonly backupStorageLocationName?: string;
  /** Make it Velero's default location. @default true */
  readonly defaultLocation?: boolean;
  /** Also create a VolumeSnapshotLocation (provider aws, region only). @default true */
  readonly volumeSnapshotLocation?: boolean;
  /** Namespace Velero runs in (admitted by the NetworkPolicy). @default the namespace prop */
  readonly veleroNamespace?: string;
}

/** Labels of Velero's pods that talk to object storage, as `velero install` and the Helm chart set them. */
export const VELERO_CLIENT_SELECTORS: ReadonlyArray<{
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: ReadonlyArray<{ readonly key: string; readonly operator: string }>;
}> = [
  { matchLabels: { component: 'velero' } },
  { matchLabels: { 'app.kubernetes.io/name': 'velero' } },
  { matchExpressions: [{ key: 'velero.io/repo-name', operator: 'Exists' }] },
];

/**
 * MinIO as Velero's S3-compatible object store inside the cluster: Deployment (restricted
 * security context), Service, PVC, a Job that creates the bucket idempotently, the
 * credentials Secret (demo only), Velero's BackupStorageLocation and VolumeSnapshotLocation,
 * and a NetworkPolicy admitting only Velero and the bucket Job.
 */
export class MinioStorage extends Construct implements IApiObjectOwner {
  /** The main object: MinIO's Deployment. */
  public readonly apiObject: ApiObject;
  public readonly deployment: ApiObject;
  public readonly service: ApiObject;
  public readonly pvc: ApiObject;
  public readonly bucketJob: ApiObject;
  /** The BackupStorageLocation object (`location.apiObject`). */
  public readonly backupStorageLocation: ApiObject;
  /** The VolumeSnapshotLocation object (`snapshotLocation.apiObject`), unless turned off. */
  public readonly volumeSnapshotLocation?: ApiObject;
  /** The storage location construct: MinIO is one way to get a {@link BackupStorageLocation}. */
  public readonly location: BackupStorageLocation;
  /** The snapshot location construct, unless turned off. */
  public readonly snapshotLocation?: VolumeSnapshotLocation;
  public readonly networkPolicy: ApiObject;
  /** The generated Secret; only with {@link MinioCredentials.insecureDemo}. */
  public readonly credentialsSecret?: ApiObject;
  /** The S3 endpoint Velero uses. */
  public readonly s3Url: string;
  public readonly bucket: string;
  public readonly region: string;
  public readonly namespace: string;
  public readonly credentials: MinioCredentials;
  public readonly backupStorageLocationName: string;

  constructor(scope: Construct, id: string, props: MinioStorageProps) {
    super(scope, id);
    const p = props ?? ({} as MinioStorageProps);
    const problems = new Problems();
    const ns = p.namespace ?? VELERO_NAMESPACE;
    const name = p.name ?? 'minio';
    const bucket = p.bucket ?? 'velero-backups';
    const region = p.region ?? 'us-east-1';
    const bslName = p.backupStorageLocationName ?? 'default';
    const veleroNs = p.veleroNamespace ?? ns;
    if (!p.credentials) {
      problems.add(
        'credentials',
        'no credentials choice was made, and MinIO must not start with a well-known root password',
        'pass MinioCredentials.fromExistingSecret("name") for a real cluster, or MinioCredentials.insecureDemo() for a throwaway one',
      );
    } else {
      problems.addAll(
        '',
        nameProblems('credentials.secretName', p.credentials.secretName, { fix: 'name the Secret with lower-case letters, digits and "-"' }),
      );
      if (p.credentials.demo) {
        if (p.credentials.demo.accessKey.length < 3)
          problems.add('credentials.accessKey', 'MinIO needs a root user of at least 3 characters', 'use a longer access key');
        if (p.credentials.demo.secretKey.length < 8)
          problems.add('credentials.secretKey', 'MinIO needs a root password of at least 8 characters', 'use a longer secret key');
      }
    }
    problems.addAll('', [...namespaceProblems('namespace', ns), ...namespaceProblems('veleroNamespace', veleroNs)]);
    problems.addAll('', nameProblems('name', name, { rule: 'dns-label', fix: 'use a DNS label; the Service name becomes part of the S3 URL' }));
    problems.addAll('', bucketNameProblems('bucket', bucket, 's3-compatible'));
    if (p.prefix !== undefined && (p.prefix.startsWith('/') || p.prefix.endsWith('/') || p.prefix === ''))
      problems.add('prefix', `"${p.prefix}" starts or ends with '/' or is empty`, 'give a prefix without leading or trailing slashes');
    if (!/^[a-z0-9-]+$/.test(region)) problems.add('region', `"${region}" is not a region name`, 'use a name such as "us-east-1"');
    problems.addAll('', nameProblems('backupStorageLocationName', bslName, { fix: 'use a valid name, usually "default"' }));
    if (p.storageSize !== undefined && p.storageSize.toMebibytes() < 1)
      problems.add('storageSize', 'the volume is smaller than 1Mi', 'give a size such as Size.gibibytes(10)');
    if (ns !== veleroNs)
      problems.add(
        'namespace',
        `the storage locations must live in Velero's namespace "${veleroNs}", not "${ns}"`,
        "put MinIO in Velero's namespace, or create the locations yourself",
      );
    problems.throwIfAny(this.node.path);

    const creds = p.credentials;
    this.namespace = ns;
    this.bucket = bucket;
    this.region = region;
    this.credentials = creds;
    this.backupStorageLocationName = bslName;
    this.s3Url = `http://${name}.${ns}.svc.cluster.local:9000`;
    const labels = { 'app.kubernetes.io/name': 'minio', 'app.kubernetes.io/instance': name, 'app.kubernetes.io/component': 'backup-storage' };
    const objLabels = objectLabels(labels);
    const selector = { 'app.kubernetes.io/name': 'minio', 'app.kubernetes.io/instance': name };
    const jobLabels = { 'app.kubernetes.io/name': 'minio-bucket-setup', 'app.kubernetes.io/instance': name };
    const secretEnv = (envName: string, key: string): k8s.EnvVar => ({ name: envName, valueFrom: { secretKeyRef: { name: creds.secretName, key } } });
    const tmp: k8s.Volume = { name: 'tmp', emptyDir: {} };

    if (creds.demo) {
      this.credentialsSecret = coreApiObject<k8s.Secret>(
        this,
        'credentials',
        { apiVersion: 'v1', kind: 'Secret' },
        {
          metadata: { name: creds.secretName, namespace: ns, labels: objectLabels({ ...labels, [LIBRARY_LABELS.insecureDemoCredentials]: 'true' }) },
          type: 'Opaque',
          stringData: {
            [creds.veleroKey]: awsCredentialsFile(creds.demo.accessKey, creds.demo.secretKey),
            [creds.userKey]: creds.demo.accessKey,
            [creds.passwordKey]: creds.demo.secretKey,
          },
        },
      );
    }

    this.pvc = coreApiObject<k8s.PersistentVolumeClaim>(
      this,
      'data',
      { apiVersion: 'v1', kind: 'PersistentVolumeClaim' },
      {
        metadata: { name: `${name}-data`, namespace: ns, labels: objLabels },
        spec: {
          accessModes: ['ReadWriteOnce'],
          ...(p.storageClassName ? { storageClassName: p.storageClassName } : {}),
          resources: { requests: { storage: `${(p.storageSize ?? Size.gibibytes(10)).toMebibytes()}Mi` } },
        },
      },
    );

    this.deployment = setMainObject(
      this,
      coreApiObject<k8s.Deployment>(
        this,
        'deployment',
        { apiVersion: 'apps/v1', kind: 'Deployment' },
        {
          metadata: { name, namespace: ns, labels: objLabels },
          spec: {
            replicas: 1,
            strategy: { type: 'Recreate' },
            selector: { matchLabels: selector },
            template: {
              metadata: { labels },
              spec: {
                automountServiceAccountToken: false,
                securityContext: restrictedPodSecurityContext(1000) as k8s.PodSecurityContext,
                containers: [
                  {
                    name: 'minio',
                    image: p.image ?? 'quay.io/minio/minio:RELEASE.2025-04-22T22-12-26Z',
                    args: ['server', '/data', '--address', ':9000', '--console-address', ':9001'],
                    env: [
                      secretEnv('MINIO_ROOT_USER', creds.userKey),
                      secretEnv('MINIO_ROOT_PASSWORD', creds.passwordKey),
                      { name: 'MINIO_BROWSER', value: 'off' },
                      { name: 'HOME', value: '/tmp' },
                    ],
                    ports: [{ name: 's3', containerPort: 9000, protocol: 'TCP' }],
                    readinessProbe: { httpGet: { path: '/minio/health/ready', port: 9000 }, periodSeconds: 10 },
                    livenessProbe: { httpGet: { path: '/minio/health/live', port: 9000 }, periodSeconds: 20, initialDelaySeconds: 10 },
                    resources: {
                      requests: { cpu: '100m', memory: '256Mi' },
                      limits: { memory: '1Gi' },
                    },
                    securityContext: restrictedContainerSecurityContext() as k8s.SecurityContext,
                    volumeMounts: [
                      { name: 'data', mountPath: '/data' },
                      { name: 'tmp', mountPath: '/tmp' },
                    ],
                  },
                ],
                volumes: [{ name: 'data', persistentVolumeClaim: { claimName: `${name}-data` } }, tmp],
              },
            },
          },
        },
      ),
    );

    this.apiObject = this.deployment;
    this.service = coreApiObject<k8s.Service>(
      this,
      'service',
      { apiVersion: 'v1', kind: 'Service' },
      {
        metadata: { name, namespace: ns, labels: objLabels },
        spec: { type: 'ClusterIP', selector, ports: [{ name: 's3', port: 9000, targetPort: 's3', protocol: 'TCP' }] },
      },
    );

    const script = [
      'set -eu',
      'mc --config-dir /tmp/.mc alias set target "$S3_URL" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD"',
      'mc --config-dir /tmp/.mc mb --ignore-existing "target/$BUCKET"',
    ].join('\n');
    this.bucketJob = coreApiObject<k8s.Job>(
      this,
      'bucket-job',
      { apiVersion: 'batch/v1', kind: 'Job' },
      {
        metadata: { name: `${name}-bucket-setup`, namespace: ns, labels: objectLabels(jobLabels) },
        spec: {
          backoffLimit: 10,
          template: {
            metadata: { labels: jobLabels },
            spec: {
              restartPolicy: 'OnFailure',
              automountServiceAccountToken: false,
              securityContext: restrictedPodSecurityContext(1000) as k8s.PodSecurityContext,
              containers: [
                {
                  name: 'create-bucket',
                  image: p.clientImage ?? 'quay.io/minio/mc:RELEASE.2025-04-16T18-13-26Z',
                  command: ['/bin/sh', '-c', script],
                  env: [
                    secretEnv('MINIO_ROOT_USER', creds.userKey),
                    secretEnv('MINIO_ROOT_PASSWORD', creds.passwordKey),
                    { name: 'S3_URL', value: this.s3Url },
                    { name: 'BUCKET', value: bucket },
                  ],
                  resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
                  securityContext: restrictedContainerSecurityContext() as k8s.SecurityContext,
                  volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
                },
              ],
              volumes: [tmp],
            },
          },
        },
      },
    );

    const from: k8s.NetworkPolicyPeer[] = [...VELERO_CLIENT_SELECTORS, { matchLabels: jobLabels }].map((podSelector) => ({
      podSelector: podSelector as k8s.LabelSelector,
      ...(veleroNs !== ns ? { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': veleroNs } } } : {}),
    }));
    this.networkPolicy = coreApiObject<k8s.NetworkPolicy>(
      this,
      'network-policy',
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
      {
        metadata: { name: `${name}-ingress`, namespace: ns, labels: objLabels },
        spec: {
          podSelector: { matchLabels: selector },
          policyTypes: ['Ingress'],
          ingress: [{ from, ports: [{ protocol: 'TCP', port: 9000 }] }],
        },
      },
    );

    this.location = new BackupStorageLocation(this, 'backup-storage-location', {
      name: bslName,
      namespace: ns,
      provider: ObjectStorageProvider.s3Compatible({ s3Url: this.s3Url, region }),
      bucket,
      prefix: p.prefix,
      default: p.defaultLocation ?? true,
      credential: { secretName: creds.secretName, key: creds.veleroKey },
    });
    this.backupStorageLocation = this.location.apiObject;

    if (p.volumeSnapshotLocation ?? true) {
      // Only the region: the S3 settings belong to the BackupStorageLocation, and the AWS
      // plugin's snapshotter rejects them.
      this.snapshotLocation = new VolumeSnapshotLocation(this, 'volume-snapshot-location', {
        name: bslName,
        namespace: ns,
        provider: SnapshotProvider.aws({ region }),
        credential: { secretName: creds.secretName, key: creds.veleroKey },
      });
      this.volumeSnapshotLocation = this.snapshotLocation.apiObject;
    }
  }

  /** Every object this construct made, in creation order. */
  public get apiObjects(): ApiObject[] {
    return apiObjectsOf(this);
  }
}
