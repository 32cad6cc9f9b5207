import { ApiObject, Duration } from 'cdk8s';
import { objectLabels } from '../common/conventions';
import { Construct } from 'constructs';
import {
  BackupStorageLocationProps as BslObjectProps,
  toJson_BackupStorageLocationProps,
  toJson_VolumeSnapshotLocationProps,
  VolumeSnapshotLocationProps as VslObjectProps,
} from '../../imports/velero.io';
import {
  annotationsProblems,
  dnsSubdomainProblem,
  labelsProblems,
  nameProblems,
  namespaceProblems,
  Problem,
  Problems,
  spelledGoDuration,
} from '../common';
import { apiObjectsOf, IApiObjectOwner, setMainObject, typedApiObject } from '../common/api-object';
import { VELERO_NAMESPACE, VELERO_NAMESPACE_FIX } from './plan';
import { formatGoDuration } from '../common/duration';
import { durationProblems } from './durations';
import { bucketNameProblems, BucketRules } from './bucket-names';

function urlProblem(field: string, url: string | undefined): Problem[] {
  if (url === undefined) return [];
  return /^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(url)
    ? []
    : [{ field, problem: `"${url}" is not an http(s) URL`, fix: 'give the endpoint with its scheme, such as https://s3.example.com:9000' }];
}

function nonEmpty(field: string, v: string | undefined, what: string): Problem[] {
  return v !== undefined && v.trim() === '' ? [{ field, problem: `${what} is empty`, fix: `give ${what} or leave the option out` }] : [];
}

function regionProblems(region: string | undefined, example: string): Problem[] {
  return /^[a-z0-9-]+$/.test(region ?? '')
    ? []
    : [{ field: 'provider.region', problem: `"${region}" is not a region name`, fix: `use a name such as ${example}` }];
}

/**
 * Problems with a plugin's name and config given as written: Velero names plugins
 * `<domain>/<name>` (a bare name means `velero.io/<name>`), and `config` is a map of strings.
 */
function pluginProblems(provider: string, config: Readonly<Record<string, string>> | undefined, kind: string): Problem[] {
  const out: Problem[] = [];
  const example =
    kind === 'object-store' ? '"aws", "velero.io/gcp" or "example.com/objstore"' : '"aws", "velero.io/azure" or "example.com/snapshots"';
  if (typeof provider !== 'string' || provider.trim() === '') {
    out.push({ field: 'provider', problem: 'the provider name is empty', fix: `name the Velero ${kind} plugin, such as ${example}` });
  } else {
    const parts = provider.split('/');
    const name = parts[parts.length - 1];
    const domainProblem = parts.length === 2 ? dnsSubdomainProblem(parts[0]) : undefined;
    if (parts.length > 2 || domainProblem !== undefined || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name))
      out.push({
        field: 'provider',
        problem: `"${provider}" is not a plugin name (Velero names plugins <domain>/<name>, a bare name meaning velero.io/<name>)`,
        fix: `name the ${kind} plugin as its documentation does, such as ${example}`,
      });
  }
  for (const [k, v] of Object.entries(config ?? {})) {
    if (k.trim() === '') out.push({ field: 'provider.config', problem: 'a config key is empty', fix: 'give every config entry a key' });
    else if (typeof v !== 'string')
      out.push({
        field: `provider.config.${k}`,
        problem: `the value of "${k}" is a ${typeof v}; Velero's config holds strings`,
        fix: `write it as a string, such as "${String(v)}"`,
      });
  }
  return out;
}

/** Options of {@link ObjectStorageProvider.aws}. */
export interface AwsObjectStorageOptions {
  /** The bucket's region. */
  readonly region: string;
  /** AWS profile in the credentials file. @default "default" */
  readonly profile?: string;
  /** KMS key (id, alias or ARN) that encrypts backups. @default the bucket's encryption */
  readonly kmsKeyId?: string;
  /** Server-side encryption (`AES256`, `aws:kms`). @default the bucket's encryption */
  readonly serverSideEncryption?: string;
  /** Checksum algorithm of uploads (`CRC32`, ..., or "" to disable). @default the plugin's (CRC32) */
  readonly checksumAlgorithm?: string;
  /** Tags of uploaded objects, as a URL query (`key1=value1&key2=value2`). @default none */
  readonly tagging?: string;
  /** File (in Velero's pod) holding a 32-byte SSE-C customer key; not together with kmsKeyId. @default no SSE-C */
  readonly customerKeyEncryptionFile?: string;
  /** Signature version of the signed URLs the CLI downloads with. @default the plugin's ("4") */
  readonly signatureVersion?: '1' | '4';
  /** Read this location's credentials file as an AWS shared config file. @default false */
  readonly enableSharedConfig?: boolean;
}

/** The AWS plugin's options shared by S3 and S3-compatible stores: config entries and their problems. */
function awsCommonConfig(
  options: { readonly customerKeyEncryptionFile?: string; readonly signatureVersion?: string; readonly enableSharedConfig?: boolean },
  config: Record<string, string>,
): Problem[] {
  const problems: Problem[] = [];
  if (options.customerKeyEncryptionFile !== undefined) config.customerKeyEncryptionFile = options.customerKeyEncryptionFile;
  if (options.signatureVersion !== undefined) config.signatureVersion = String(options.signatureVersion);
  if (options.enableSharedConfig !== undefined) config.enableSharedConfig = String(options.enableSharedConfig);
  problems.push(...nonEmpty('provider.customerKeyEncryptionFile', options.customerKeyEncryptionFile, 'the customer key file'));
  if (
    options.customerKeyEncryptionFile !== undefined &&
    options.customerKeyEncryptionFile.trim() !== '' &&
    !options.customerKeyEncryptionFile.startsWith('/')
  )
    problems.push({
      field: 'provider.customerKeyEncryptionFile',
      problem: `"${options.customerKeyEncryptionFile}" is not an absolute path in Velero's pod`,
      fix: 'give the path where the key file is mounted, such as /credentials/customer-key',
    });
  if (options.signatureVersion !== undefined && !['1', '4'].includes(String(options.signatureVersion)))
    problems.push({
      field: 'provider.signatureVersion',
      problem: `"${options.signatureVersion}" is not 1 or 4`,
      fix: 'use "4" (the default), or "1" for stores that need it',
    });
  return problems;
}

/** Options of {@link ObjectStorageProvider.s3Compatible}. */
export interface S3CompatibleObjectStorageOptions {
  /** The S3 endpoint (MinIO, Ceph RGW, ...), such as `http://minio.velero.svc:9000`. */
  readonly s3Url: string;
  /** Region name given to the AWS plugin. @default "us-east-1" */
  readonly region?: string;
  /** Path-style addressing (`endpoint/bucket`), which most S3-compatible stores need. @default true */
  readonly s3ForcePathStyle?: boolean;
  /** URL the CLI uses for downloads (`velero backup logs`) when s3Url is cluster-internal. @default s3Url */
  readonly publicUrl?: string;
  /** Skip TLS verification of the endpoint. Insecure: prefer a caCert on the location. @default false */
  readonly insecureSkipTLSVerify?: boolean;
  /** AWS profile in the credentials file. @default "default" */
  readonly profile?: string;
  /** Checksum algorithm of uploads ("" disables it, which some stores need). @default the plugin's (CRC32) */
  readonly checksumAlgorithm?: string;
  /** Server-side encryption algorithm the store applies (`AES256`). @default the store's */
  readonly serverSideEncryption?: string;
  /** File (in Velero's pod) holding a 32-byte SSE-C customer key. @default no SSE-C */
  readonly customerKeyEncryptionFile?: string;
  /** Signature version of the signed URLs the CLI downloads with ("1" for stores that support only that). @default the plugin's ("4") */
  readonly signatureVersion?: '1' | '4';
  /** Read this location's credentials file as an AWS shared config file. @default false */
  readonly enableSharedConfig?: boolean;
}

/** Options of {@link ObjectStorageProvider.gcp}. */
export interface GcpObjectStorageOptions {
  /** Cloud KMS key that encrypts backups. @default the bucket's encryption */
  readonly kmsKeyName?: string;
  /** Service account to impersonate (workload identity). @default the credentials' account */
  readonly serviceAccount?: string;
  /** Storage endpoint (a private or regional endpoint). @default Google's */
  readonly storeEndpoint?: string;
}

/** Options of {@link ObjectStorageProvider.azure}. */
export interface AzureObjectStorageOptions {
  /** Storage account holding the container. */
  readonly storageAccount: string;
  /** Resource group of the storage account. @default none (needed unless the account key or URI is given) */
  readonly resourceGroup?: string;
  /** Subscription of the storage account. @default the credentials' subscription */
  readonly subscriptionId?: string;
  /** Environment variable holding the storage account key, for key authentication. @default none (Azure AD) */
  readonly storageAccountKeyEnvVar?: string;
  /** Use Azure AD (workload identity) to reach the account. @default the plugin's choice */
  readonly useAAD?: boolean;
  /** The storage account URI, for a sovereign cloud or a private endpoint. @default derived from the account name */
  readonly storageAccountURI?: string;
  /** The Azure AD authority (a sovereign cloud's), used with useAAD. @default the public cloud's */
  readonly activeDirectoryAuthorityURI?: string;
  /** Block size of uploads, in bytes (at most 100 MiB). @default the plugin's */
  readonly blockSizeInBytes?: number;
}

/** Which object store a {@link BackupStorageLocation} writes to: the Velero provider plugin and its `config`. */
export class ObjectStorageProvider {
  /** Amazon S3 (velero-plugin-for-aws). */
  public static aws(options: AwsObjectStorageOptions): ObjectStorageProvider {
    const config: Record<string, string> = { region: options.region };
    if (options.profile !== undefined) config.profile = options.profile;
    if (options.kmsKeyId !== undefined) config.kmsKeyId = options.kmsKeyId;
    if (options.serverSideEncryption !== undefined) config.serverSideEncryption = options.serverSideEncryption;
    if (options.checksumAlgorithm !== undefined) config.checksumAlgorithm = options.checksumAlgorithm;
    if (options.tagging !== undefined) config.tagging = options.tagging;
    const problems = [
      ...regionProblems(options.region, '"eu-west-1"'),
      ...nonEmpty('provider.kmsKeyId', options.kmsKeyId, 'the KMS key'),
      ...awsCommonConfig(options, config),
    ];
    if (options.kmsKeyId !== undefined && options.customerKeyEncryptionFile !== undefined)
      problems.push({
        field: 'provider.customerKeyEncryptionFile',
        problem: 'SSE-C (customerKeyEncryptionFile) and SSE-KMS (kmsKeyId) are both given; the plugin takes one',
        fix: 'choose one of the two encryptions',
      });
    return new ObjectStorageProvider('aws', config, problems);
  }

  /** An S3-compatible store (MinIO, Ceph RGW, ...) through the AWS plugin, path-style by default. */
  public static s3Compatible(options: S3CompatibleObjectStorageOptions): ObjectStorageProvider {
    const region = options.region ?? 'us-east-1';
    const config: Record<string, string> = { region, s3ForcePathStyle: String(options.s3ForcePathStyle ?? true), s3Url: options.s3Url };
    if (options.publicUrl !== undefined) config.publicUrl = options.publicUrl;
    if (options.insecureSkipTLSVerify !== undefined) config.insecureSkipTLSVerify = String(options.insecureSkipTLSVerify);
    if (options.profile !== undefined) config.profile = options.profile;
    if (options.checksumAlgorithm !== undefined) config.checksumAlgorithm = options.checksumAlgorithm;
    if (options.serverSideEncryption !== undefined) config.serverSideEncryption = options.serverSideEncryption;
    const problems: Problem[] = [
      ...urlProblem('provider.s3Url', options.s3Url),
      ...urlProblem('provider.publicUrl', options.publicUrl),
      ...awsCommonConfig(options, config),
    ];
    if (options.s3Url === undefined)
      problems.push({ field: 'provider.s3Url', problem: 'no endpoint is given', fix: 'give the S3 endpoint, such as http://minio.velero.svc:9000' });
    problems.push(...regionProblems(region, '"us-east-1" (most S3-compatible stores accept any)'));
    return new ObjectStorageProvider('aws', config, problems);
  }

  /** Google Cloud Storage (velero-plugin-for-gcp). */
  public static gcp(options: GcpObjectStorageOptions = {}): ObjectStorageProvider {
    const config: Record<string, string> = {};
    if (options.kmsKeyName !== undefined) config.kmsKeyName = options.kmsKeyName;
    if (options.serviceAccount !== undefined) config.serviceAccount = options.serviceAccount;
    if (options.storeEndpoint !== undefined) config.storeEndpoint = options.storeEndpoint;
    return new ObjectStorageProvider('gcp', config, [
      ...urlProblem('provider.storeEndpoint', options.storeEndpoint),
      ...nonEmpty('provider.serviceAccount', options.serviceAccount, 'the service account'),
    ]);
  }

  /** Azure Blob Storage (velero-plugin-for-microsoft-azure); the bucket is the blob container. */
  public static azure(options: AzureObjectStorageOptions): ObjectStorageProvider {
    const config: Record<string, string> = {};
    if (options.resourceGroup !== undefined) config.resourceGroup = options.resourceGroup;
    config.storageAccount = options.storageAccount;
    if (options.subscriptionId !== undefined) config.subscriptionId = options.subscriptionId;
    if (options.storageAccountKeyEnvVar !== undefined) config.storageAccountKeyEnvVar = options.storageAccountKeyEnvVar;
    if (options.useAAD !== undefined) config.useAAD = String(options.useAAD);
    if (options.storageAccountURI !== undefined) config.storageAccountURI = options.storageAccountURI;
    if (options.activeDirectoryAuthorityURI !== undefined) config.activeDirectoryAuthorityURI = options.activeDirectoryAuthorityURI;
    if (options.blockSizeInBytes !== undefined) config.blockSizeInBytes = String(options.blockSizeInBytes);
    const problems: Problem[] = /^[a-z0-9]{3,24}$/.test(options.storageAccount ?? '')
      ? []
      : [
          {
            field: 'provider.storageAccount',
            problem: `"${options.storageAccount}" is not an Azure storage account name (3-24 lower-case letters and digits)`,
            fix: 'give the storage account name',
          },
        ];
    if (options.resourceGroup === undefined && options.storageAccountKeyEnvVar === undefined && options.storageAccountURI === undefined) {
      problems.push({
        field: 'provider.resourceGroup',
        problem: 'the plugin cannot find the storage account: neither resourceGroup, storageAccountKeyEnvVar nor storageAccountURI is given',
        fix: 'give the resource group of the storage account',
      });
    }
    problems.push(...urlProblem('provider.activeDirectoryAuthorityURI', options.activeDirectoryAuthorityURI));
    if (options.activeDirectoryAuthorityURI !== undefined && options.useAAD !== true)
      problems.push({
        field: 'provider.activeDirectoryAuthorityURI',
        problem: 'the Azure AD authority is read only with useAAD: true',
        fix: 'set useAAD: true, or drop activeDirectoryAuthorityURI',
      });
    const block = options.blockSizeInBytes;
    if (block !== undefined && !(Number.isInteger(block) && block > 0 && block <= 100 * 1024 * 1024))
      problems.push({
        field: 'provider.blockSizeInBytes',
        problem: `${block} is not a whole number of bytes from 1 to 104857600 (100 MiB)`,
        fix: 'give a block size such as 4194304 (4 MiB)',
      });
    return new ObjectStorageProvider('azure', config, [...problems, ...urlProblem('provider.storageAccountURI', options.storageAccountURI)]);
  }

  /** Any provider plugin and config, written as in the manifest. */
  public static of(provider: string, config: Readonly<Record<string, string>> = {}): ObjectStorageProvider {
    return new ObjectStorageProvider(provider, { ...config }, pluginProblems(provider, config, 'object-store'));
  }

  private constructor(
    /** The `provider` field. */
    public readonly provider: string,
    /** The `config` field. */
    public readonly config: Readonly<Record<string, string>>,
    /** Problems with the options. */
    public readonly problems: readonly Problem[],
  ) {}
}

/** Whose bucket-naming rules a provider's store follows. */
function bucketRulesOf(provider: ObjectStorageProvider): BucketRules {
  const name = provider.provider.replace(/^velero\.io\//, '');
  if (name === 'aws') return provider.config.s3Url !== undefined ? 's3-compatible' : 's3';
  if (name === 'gcp') return 'gcs';
  if (name === 'azure') return 'azure';
  return 'other';
}

/** Whether Velero may write to a location. */
export class BackupStorageAccessMode {
  /** Backups are written and read (the default). */
  public static readWrite(): BackupStorageAccessMode {
    return new BackupStorageAccessMode('ReadWrite');
  }

  /** Backups are only read: for restoring in another cluster without touching the source's backups. */
  public static readOnly(): BackupStorageAccessMode {
    return new BackupStorageAccessMode('ReadOnly');
  }

  private constructor(
    /** The `accessMode` field. */
    public readonly value: 'ReadWrite' | 'ReadOnly',
  ) {}
}

/** The certificate authority Velero trusts for the object store's TLS endpoint. */
export class CaCertificate {
  /** A PEM bundle; written base64-encoded into `objectStorage.caCert`. */
  public static pem(pem: string): CaCertificate {
    return new CaCertificate(
      { caCert: Buffer.from(pem).toString('base64') },
      /-----BEGIN CERTIFICATE-----/.test(pem) ? undefined : 'the text has no "-----BEGIN CERTIFICATE-----" block',
    );
  }

  /** A PEM bundle already base64-encoded, as the manifest holds it. */
  public static base64(encoded: string): CaCertificate {
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    return new CaCertificate(
      { caCert: encoded },
      /-----BEGIN CERTIFICATE-----/.test(decoded) ? undefined : 'it does not decode to a PEM certificate',
    );
  }

  /** A key of a Secret in Velero's namespace (`objectStorage.caCertRef`, Velero 1.17 or later). */
  public static fromSecret(name: string, key: string): CaCertificate {
    return new CaCertificate({ caCertRef: { name, key } }, dnsSubdomainProblem(name));
  }

  private constructor(
    /** The `objectStorage` fields it sets. */
    public readonly fields: { readonly caCert?: string; readonly caCertRef?: { readonly name: string; readonly key: string } },
    /** What is wrong with it, if anything. */
    public readonly problem?: string,
  ) {}
}

/** A key of a Secret holding a provider's credentials file. */
export interface CredentialRef {
  /** The Secret, in Velero's namespace. */
  readonly secretName: string;
  /** The key holding the credentials file. @default "cloud" */
  readonly key?: string;
}

/** Props of {@link BackupStorageLocation}. */
export interface BackupStorageLocationProps {
  /** The object store: `ObjectStorageProvider.aws({...})`, `.s3Compatible({...})`, `.gcp()`, `.azure({...})`. */
  readonly provider: ObjectStorageProvider;
  /** Bucket (Azure: blob container). */
  readonly bucket: string;
  /** Prefix inside the bucket. @default none */
  readonly prefix?: string;
  /** Name of the location (referred to by Schedules and Backups). @default the construct id */
  readonly name?: string;
  /** Velero's namespace. @default "velero" */
  readonly namespace?: string;
  /** Credentials of this location. @default the credentials Velero was installed with */
  readonly credential?: CredentialRef;
  /** Make it the location of backups that name none. @default false */
  readonly default?: boolean;
  /** Read-write, or read-only (restores from another cluster's backups). @default BackupStorageAccessMode.readWrite() */
  readonly accessMode?: BackupStorageAccessMode;
  /** How often Velero syncs backups from the store into the cluster (0 disables it). @default Velero's 1m */
  readonly backupSyncPeriod?: Duration;
  /** How often Velero checks the location is reachable (0 disables it). @default Velero's 1m */
  readonly validationFrequency?: Duration;
  /** Certificate authority of the store's TLS endpoint. @default the system roots */
  readonly caCert?: CaCertificate;
  /** Labels of the object. @default none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Annotations of the object. @default none */
  readonly annotations?: Readonly<Record<string, string>>;
}

function placementProblems(
  name: string,
  namespace: string,
  labels: Readonly<Record<string, string>> | undefined,
  annotations: Readonly<Record<string, string>> | undefined,
): Problem[] {
  return [
    ...nameProblems('name', name, { fix: 'name the location with lower-case letters, digits, "-" and "."' }),
    ...namespaceProblems('namespace', namespace, { fix: VELERO_NAMESPACE_FIX }),
    ...labelsProblems('labels', labels),
    ...annotationsProblems('annotations', annotations),
  ];
}

function locationMetadata(
  name: string,
  namespace: string,
  p: { labels?: Readonly<Record<string, string>>; annotations?: Readonly<Record<string, string>> },
) {
  return {
    name,
    namespace,
    labels: objectLabels({}, p.labels),
    ...(p.annotations && Object.keys(p.annotations).length > 0 ? { annotations: { ...p.annotations } } : {}),
  };
}

function credentialProblems(c: CredentialRef | undefined): Problem[] {
  if (!c) return [];
  const out = nameProblems('credential.secretName', c.secretName, { fix: 'name the Secret holding the credentials file' });
  if (c.key !== undefined && !/^[-._a-zA-Z0-9]+$/.test(c.key))
    out.push({ field: 'credential.key', problem: `"${c.key}" is not a Secret key`, fix: 'use letters, digits, "-", "_" and "."' });
  return out;
}

/**
 * A Velero `BackupStorageLocation`: where backups are written (or, read-only, read from).
 * Any provider (S3, S3-compatible, GCS, Azure, or any plugin with `ObjectStorageProvider.of`).
 * {@link MinioStorage} creates one for its in-cluster MinIO.
 */
export class BackupStorageLocation extends Construct implements IApiObjectOwner {
  /** The location's name. */
  public readonly name: string;
  /** The namespace (Velero's). */
  public readonly namespace: string;
  /** The BackupStorageLocation object (the escape hatch). */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: BackupStorageLocationProps) {
    super(scope, id);
    const p = props ?? ({} as BackupStorageLocationProps);
    const problems = new Problems();
    this.name = p.name ?? id;
    this.namespace = p.namespace ?? VELERO_NAMESPACE;
    problems.addAll('', placementProblems(this.name, this.namespace, p.labels, p.annotations));
    if (!p.provider)
      problems.add('provider', 'no provider is given', 'use ObjectStorageProvider.aws({...}), .s3Compatible({...}), .gcp() or .azure({...})');
    problems.addAll('', p.provider?.problems ?? []);
    problems.addAll('', bucketNameProblems('bucket', p.bucket, p.provider ? bucketRulesOf(p.provider) : 'other'));
    if (p.prefix !== undefined && (p.prefix === '' || p.prefix.startsWith('/') || p.prefix.endsWith('/')))
      problems.add('prefix', `"${p.prefix}" starts or ends with '/' or is empty`, 'give a prefix without leading or trailing slashes');
    problems.addAll('', credentialProblems(p.credential));
    problems.addAll('', durationProblems('backupSyncPeriod', p.backupSyncPeriod, { allowZero: true }));
    problems.addAll('', durationProblems('validationFrequency', p.validationFrequency, { allowZero: true }));
    if (p.caCert?.problem)
      problems.add('caCert', `the CA certificate is invalid: ${p.caCert.problem}`, 'give the PEM bundle of the certificate authority');
    if (p.default && p.accessMode?.value === 'ReadOnly')
      problems.add(
        'default',
        'a read-only location cannot be the default: every backup that names no location would fail',
        'make another location the default, or make this one read-write',
      );
    if (p.provider && p.provider.provider === 'aws' && p.provider.config.insecureSkipTLSVerify === 'true' && p.caCert) {
      problems.add(
        'provider.insecureSkipTLSVerify',
        'TLS verification is skipped although a CA certificate is given',
        'drop insecureSkipTLSVerify: the CA certificate makes the endpoint verifiable',
      );
    }
    problems.throwIfAny(this.node.path);

    const duration = (d: Duration | undefined) =>
      d === undefined ? undefined : d.toMilliseconds() === 0 ? '0s' : spelledGoDuration(d, formatGoDuration);
    const spec = JSON.parse(
      JSON.stringify({
        provider: p.provider.provider,
        default: p.default,
        accessMode: p.accessMode?.value,
        objectStorage: { bucket: p.bucket, ...(p.prefix ? { prefix: p.prefix } : {}), ...(p.caCert?.fields ?? {}) },
        credential: p.credential ? { name: p.credential.secretName, key: p.credential.key ?? 'cloud' } : undefined,
        config: Object.keys(p.provider.config).length > 0 ? { ...p.provider.config } : undefined,
        backupSyncPeriod: duration(p.backupSyncPeriod),
        validationFrequency: duration(p.validationFrequency),
      }),
    );
    this.apiObject = setMainObject(
      this,
      typedApiObject<BslObjectProps>(
        this,
        'Resource',
        { apiVersion: 'velero.io/v1', kind: 'BackupStorageLocation' },
        {
          metadata: locationMetadata(this.name, this.namespace, p),
          spec,
        },
        toJson_BackupStorageLocationProps,
      ),
    );
  }

  /** Every object this construct made, in creation order. */
  public get apiObjects(): ApiObject[] {
    return apiObjectsOf(this);
  }
}

/** Which snapshot provider a {@link VolumeSnapshotLocation} uses, and its `config`. */
export class SnapshotProvider {
  /** EBS snapshots (velero-plugin-for-aws), optionally copied to `altRegion`. The S3 settings belong to the storage location. */
  public static aws(options: { readonly region: string; readonly profile?: string; readonly altRegion?: string }): SnapshotProvider {
    const config: Record<string, string> = { region: options.region };
    if (options.altRegion !== undefined) config.altRegion = options.altRegion;
    if (options.profile !== undefined) config.profile = options.profile;
    const problems = regionProblems(options.region, '"eu-west-1"');
    if (options.altRegion !== undefined && !/^[a-z0-9-]+$/.test(options.altRegion))
      problems.push({
        field: 'provider.altRegion',
        problem: `"${options.altRegion}" is not a region name`,
        fix: 'name the region snapshots are copied to, such as "eu-central-1"',
      });
    if (options.altRegion !== undefined && options.altRegion === options.region)
      problems.push({
        field: 'provider.altRegion',
        problem: `snapshots would be copied into their own region "${options.region}"`,
        fix: 'name another region, or drop altRegion',
      });
    return new SnapshotProvider('aws', config, problems);
  }

  /** Persistent-disk snapshots (velero-plugin-for-gcp). */
  public static gcp(
    options: { readonly project?: string; readonly snapshotLocation?: string; readonly volumeProject?: string } = {},
  ): SnapshotProvider {
    const config: Record<string, string> = {};
    if (options.snapshotLocation !== undefined) config.snapshotLocation = options.snapshotLocation;
    if (options.project !== undefined) config.project = options.project;
    if (options.volumeProject !== undefined) config.volumeProject = options.volumeProject;
    return new SnapshotProvider('gcp', config, []);
  }

  /** Managed-disk snapshots (velero-plugin-for-microsoft-azure). */
  public static azure(
    options: {
      readonly resourceGroup?: string;
      readonly subscriptionId?: string;
      readonly apiTimeout?: Duration;
      readonly incremental?: boolean;
      readonly tags?: Readonly<Record<string, string>>;
    } = {},
  ): SnapshotProvider {
    const config: Record<string, string> = {};
    if (options.resourceGroup !== undefined) config.resourceGroup = options.resourceGroup;
    if (options.subscriptionId !== undefined) config.subscriptionId = options.subscriptionId;
    const timeoutProblems = durationProblems('provider.apiTimeout', options.apiTimeout);
    if (options.apiTimeout !== undefined && timeoutProblems.length === 0) config.apiTimeout = spelledGoDuration(options.apiTimeout);
    if (options.incremental !== undefined) config.incremental = String(options.incremental);
    if (options.tags !== undefined)
      config.tags = Object.entries(options.tags)
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
    return new SnapshotProvider('azure', config, timeoutProblems);
  }

  /** Any snapshot plugin and config, written as in the manifest. */
  public static of(provider: string, config: Readonly<Record<string, string>> = {}): SnapshotProvider {
    return new SnapshotProvider(provider, { ...config }, pluginProblems(provider, config, 'volume-snapshotter'));
  }

  private constructor(
    /** The `provider` field. */
    public readonly provider: string,
    /** The `config` field. */
    public readonly config: Readonly<Record<string, string>>,
    /** Problems with the options. */
    public readonly problems: readonly Problem[],
  ) {}
}

/** Props of {@link VolumeSnapshotLocation}. */
export interface VolumeSnapshotLocationProps {
  /** The snapshot provider. */
  readonly provider: SnapshotProvider;
  /** Name of the location. @default the construct id */
  readonly name?: string;
  /** Velero's namespace. @default "velero" */
  readonly namespace?: string;
  /** Credentials of this location. @default the credentials Velero was installed with */
  readonly credential?: CredentialRef;
  /** Labels of the object. @default none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Annotations of the object. @default none */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A Velero `VolumeSnapshotLocation`: where and how volume snapshots are taken. */
export class VolumeSnapshotLocation extends Construct implements IApiObjectOwner {
  /** The location's name. */
  public readonly name: string;
  /** The namespace (Velero's). */
  public readonly namespace: string;
  /** The VolumeSnapshotLocation object (the escape hatch). */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: VolumeSnapshotLocationProps) {
    super(scope, id);
    const p = props ?? ({} as VolumeSnapshotLocationProps);
    const problems = new Problems();
    this.name = p.name ?? id;
    this.namespace = p.namespace ?? VELERO_NAMESPACE;
    problems.addAll('', placementProblems(this.name, this.namespace, p.labels, p.annotations));
    if (!p.provider) problems.add('provider', 'no provider is given', 'use SnapshotProvider.aws({ region }), .gcp() or .azure()');
    problems.addAll('', p.provider?.problems ?? []);
    problems.addAll('', credentialProblems(p.credential));
    problems.throwIfAny(this.node.path);
    this.apiObject = setMainObject(
      this,
      typedApiObject<VslObjectProps>(
        this,
        'Resource',
        { apiVersion: 'velero.io/v1', kind: 'VolumeSnapshotLocation' },
        {
          metadata: locationMetadata(this.name, this.namespace, p),
          spec: {
            provider: p.provider.provider,
            ...(p.credential ? { credential: { name: p.credential.secretName, key: p.credential.key ?? 'cloud' } } : {}),
            ...(Object.keys(p.provider.config).length > 0 ? { config: { ...p.provider.config } } : {}),
          },
        },
        toJson_VolumeSnapshotLocationProps,
      ),
    );
  }

  /** Every object this construct made, in creation order. */
  public get apiObjects(): ApiObject[] {
    return apiObjectsOf(this);
  }
}
